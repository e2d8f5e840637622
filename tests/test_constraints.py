"""Check constraints validated in Python (iecmhc.constraints): the same verdict as the
database's own check on generated rows, no query where the condition is plain, and Django's
query where it is not."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultations.models import ConsultationRequest, Instrument
from directory.models import Consultant, Program
from iecmhc.constraints import CheckConstraint

pytestmark = pytest.mark.django_db


def checked() -> list[tuple[type, CheckConstraint]]:
    return [
        (model, constraint)
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
    ]


def referenced(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= referenced(child)
        else:
            names.add(child[0].split("__")[0])
    return names


def values_for(field) -> st.SearchStrategy:
    """Values of the field's kind, valid or not, and NULL."""
    if field.is_relation:
        return st.sampled_from([None, 1, 2])
    if field.choices:
        choices = [value for value, _ in field.flatchoices]
        return st.sampled_from([None, "", "not-a-choice", *choices])
    if isinstance(field, models.BooleanField):
        return st.sampled_from([None, True, False])
    if isinstance(field, (models.IntegerField, models.DecimalField)):
        return st.none() | st.integers(-10, 900)
    return st.none() | st.text(max_size=3)


def verdict(validate) -> bool:
    try:
        validate()
    except ValidationError:
        return False
    return True


def test_the_models_use_it():
    labels = {(model.__name__, constraint.name) for model, constraint in checked()}
    assert ("ConsultationRequest", "request_consultant_matches_status") in labels
    assert ("Consultant", "consultant_max_caseload_positive") in labels
    assert ("Program", "program_quality_rating_1_to_5") in labels


@pytest.mark.parametrize(
    ("model", "constraint"),
    checked(),
    ids=lambda item: getattr(item, "name", getattr(item, "__name__", "")),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_verdict_is_the_databases(model, constraint, data):
    instance = model()
    for name in sorted(referenced(constraint.condition)):
        field = model._meta.get_field(name)
        setattr(instance, field.attname, data.draw(values_for(field), label=name))
    ours = verdict(lambda: constraint.validate(model, instance))
    databases = verdict(lambda: models.CheckConstraint.validate(constraint, model, instance))
    assert ours == databases


def test_a_plain_condition_asks_the_database_nothing():
    request = ConsultationRequest(focus="child", parent_consent=False, status="submitted")
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as error:
        request.validate_constraints()
    assert len(queries) == 0
    assert error.value.messages
    ok = ConsultationRequest(focus="classroom", status="submitted")
    with CaptureQueriesContext(connection) as queries:
        ok.validate_constraints()
    assert len(queries) == 0


def test_a_condition_with_an_expression_is_left_to_the_database():
    instrument = Instrument(code="x", name="X", min_score=5, max_score=5)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError):
        instrument.validate_constraints()
    assert len(queries) >= 1


def test_a_constraint_on_an_excluded_field_is_skipped_as_django_skips_it():
    listing = Consultant(max_caseload=0, travel_radius_miles=10)
    with pytest.raises(ValidationError):
        listing.validate_constraints()
    listing.validate_constraints(exclude={"max_caseload"})


def test_unknown_passes_as_in_the_database():
    # NULL >= 1 is unknown: the database's CHECK lets it through, and so does the check here.
    program = Program(quality_rating=None)
    program.validate_constraints(exclude={"license_number"})
    listing = Consultant(max_caseload=None, travel_radius_miles=None)
    listing.validate_constraints()


def test_it_deconstructs_as_djangos_own():
    path, _, kwargs = CheckConstraint(condition=Q(a=1), name="n").deconstruct()
    assert path == "django.db.models.CheckConstraint"
    assert kwargs == {"condition": Q(a=1), "name": "n"}
