"""What the consultation services answer when they refuse: shown on the pages (as form errors
or a message) and in the API's error texts, in the reader's language."""

from django.utils.translation import gettext_lazy as _

# The privacy rules of a request (request_submit).
CONSENT_NEEDED = _("A request about one child needs a parent's consent first.")
CHILD_AGE_NEEDED = _("Give the child's age in months (not a birth date).")
CHILD_AGE_NOT_HERE = _("Only a request about one child gives a child's age.")
LANGUAGE_NEEDED = _("Name the language the consultant must speak.")
CONCERN_NEEDED = _("Choose at least one concern.")
DEMOGRAPHICS_ONLY_CHILD = _("Only a request about one child may record a child's demographics.")
DEMOGRAPHICS_NEED_CONSENT = _(
    "Record the child's race and ethnicity or IEP/IFSP only when a parent consented to it."
)

# Who may do what.
ONLY_PROGRAM_SUBMITS = _("Only the program's staff may request consultation for it.")
ONLY_ADMIN_OFFERS = _("Only Alliance admins may offer requests.")
ONLY_OFFERED_ACCEPTS = _("Only the consultant offered this request may accept it.")
ONLY_OFFERED_DECLINES = _("Only the consultant offered this request may decline it.")
ONLY_PROGRAM_WITHDRAWS = _("Only the program's staff may withdraw its request.")
ONLY_ASSIGNED_CLOSES = _("Only the assigned consultant or an Alliance admin may close it.")
ONLY_ASSIGNED_LOGS = _("Only the assigned consultant may log contacts.")

# Bad input (400).
NO_SUCH_CONSULTANT = _("There is no such consultant.")

# State conflicts (409).
NOT_APPROVED = _("%(name)s's listing is not approved.")
NOT_ACCEPTING = _("%(name)s is not accepting new requests.")
NO_FREE_PLACE = _(
    "%(name)s has no free place (%(active)s engagements and %(offers)s offers awaiting an "
    "answer, of %(max)s)."
)
NO_FREE_HOURS = _(
    "%(name)s has %(free)s of %(hours)s hours a week free; this request takes %(needs)s."
)
LICENCE_LAPSED = _("%(name)s's licence has expired.")
DECLINED_BEFORE = _("%(name)s declined this request before.")
NO_LONGER_OFFERED = _("This request is no longer offered to you.")
MY_LISTING_NOT_APPROVED = _("Your listing is not approved, so you cannot take on requests.")
CASELOAD_FULL = _(
    "Your caseload is full (%(active)s of %(max)s); close an engagement or raise your maximum "
    "first."
)
HOURS_FULL = _(
    "Your engagements take %(taken)s of your %(hours)s hours a week; this one needs %(needs)s "
    "more. Close an engagement or raise your hours first."
)
CHANGED_MEANWHILE = _("The request changed meanwhile; reload it and try again.")

# Reasons that must be given.
SAY_WHY_DECLINE = _("Say why, for the Alliance.")
SAY_WHY_WITHDRAW = _("Say why the request is withdrawn.")

# Contacts.
CONTACT_IN_FUTURE = _("A contact cannot be in the future.")
CONTACT_BEFORE_ACCEPTED = _("A contact cannot be before the consultant accepted the request.")
CHOOSE_ACTIVITY = _("Choose what the time went into.")

# A transition the request's status does not allow: "A request that is closed cannot be
# withdrawn." One sentence per transition, so that each language can build it its own way.
TRANSITION_REFUSED = {
    "offer": _("A request that is %(status)s cannot be offered."),
    "accept": _("A request that is %(status)s cannot be accepted."),
    "decline": _("A request that is %(status)s cannot be declined."),
    "withdraw": _("A request that is %(status)s cannot be withdrawn."),
    "close": _("A request that is %(status)s cannot be closed."),
    "log_contact": _("A request that is %(status)s cannot be given new contacts."),
    "log_call": _("A request that is %(status)s cannot be given a logged call."),
    "route_brief": _("A request that is %(status)s cannot be routed to the brief team."),
}
