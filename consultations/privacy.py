"""The privacy rules of a request (docs/domain.md, "Privacy" and "Equity"), checked by every
way a request is made: the program's form and API (services.request_submit), the public form
and phone intake (consultations.intake)."""

from django.core.exceptions import ValidationError

from consultations import messages as M
from directory.vocabularies import FocusType


def check_privacy_rules(fields: dict) -> None:
    """A request about one child needs a parent's consent and the child's age, and nothing
    that could identify the child; other requests carry no child's age at all."""
    errors = {}
    if fields.get("focus") == FocusType.CHILD:
        if fields.get("parent_consent") is not True:
            errors["parent_consent"] = [M.CONSENT_NEEDED]
        if fields.get("child_age_months") is None:
            errors["child_age_months"] = [M.CHILD_AGE_NEEDED]
    elif fields.get("child_age_months") is not None:
        errors["child_age_months"] = [M.CHILD_AGE_NOT_HERE]
    errors.update(_demographics_errors(fields))
    if fields.get("language_required") and fields.get("preferred_language") is None:
        errors["preferred_language"] = [M.LANGUAGE_NEEDED]
    if not fields.get("concerns"):
        errors["concerns"] = [M.CONCERN_NEEDED]
    if errors:
        raise ValidationError(errors)


DEMOGRAPHIC_FIELDS = ("child_race_ethnicity", "child_has_iep_ifsp")


def _demographics_errors(fields: dict) -> dict:
    """A child's demographics (docs/domain.md, "Equity"): only on a request about one child,
    and only with a parent's consent to record them; categories only, never an identity."""
    given = [name for name in DEMOGRAPHIC_FIELDS if fields.get(name)]
    consent = fields.get("child_demographics_consent") is True
    if fields.get("focus") != FocusType.CHILD and (consent or given):
        named = given or ["child_demographics_consent"]
        return {name: [M.DEMOGRAPHICS_ONLY_CHILD] for name in named}
    if given and not consent:
        return {name: [M.DEMOGRAPHICS_NEED_CONSENT] for name in given}
    return {}
