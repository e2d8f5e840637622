"""What the confirmation step of each destructive or binding action on a request says
(iecmhc.pages.confirm_page): withdrawing, declining, closing and offering. Each gives
run_service's `confirm`: None while the state does not allow the action (the service then
says why not, and nothing is asked), else a function of the valid form's data."""

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from consultations.models import ConsultationRequest
from directory.models import Consultant
from directory.vocabularies import ClosureReason

Confirm = Callable[[dict], dict] | None


def _detail_url(consultation: ConsultationRequest) -> str:
    return reverse("consultations:request_detail", args=[consultation.pk])


def withdraw(consultation: ConsultationRequest) -> Confirm:
    if not consultation.can_withdraw():
        return None
    return lambda data: {
        "title": _("Withdraw request #%(pk)s?") % {"pk": consultation.pk},
        "consequence": _(
            "The Alliance stops looking for a consultant for it, and any offer made is taken "
            "back. A withdrawn request cannot be opened again: you would send a new one."
        ),
        "button": _("Yes, withdraw the request"),
        "cancel_url": _detail_url(consultation),
        "details": [(_("Why withdraw it?"), data.get("reason"))],
    }


def decline(consultation: ConsultationRequest) -> Confirm:
    if not consultation.can_decline():
        return None
    return lambda data: {
        "title": _("Decline request #%(pk)s?") % {"pk": consultation.pk},
        "consequence": _(
            "It goes back to the Alliance, which offers it to another consultant. It will not "
            "be offered to you again."
        ),
        "button": _("Yes, decline the request"),
        "cancel_url": reverse("consultations:offers"),
        "details": [(_("Why decline it?"), data.get("reason"))],
    }


def close(consultation: ConsultationRequest) -> Confirm:
    if not consultation.can_close():
        return None
    reasons = dict(ClosureReason.choices)
    return lambda data: {
        "title": _("Close request #%(pk)s?") % {"pk": consultation.pk},
        "consequence": _(
            "The consultation ends: no more contacts can be logged, the place on the caseload "
            "is free, and the program is told by email. A closed consultation cannot be "
            "opened again."
        ),
        "button": _("Yes, close the consultation"),
        "cancel_url": _detail_url(consultation),
        "details": [
            (_("Why is the consultation ending?"), reasons.get(data.get("closure_reason"))),
            (_("Closing note"), data.get("note")),
        ],
    }


def offer(consultation: ConsultationRequest, consultant: Consultant) -> Confirm:
    if not consultation.can_offer():
        return None
    name = consultant.display_name
    return lambda data: {
        "title": _("Offer request #%(pk)s to %(name)s?") % {"pk": consultation.pk, "name": name},
        "consequence": _(
            "%(name)s is emailed at once and has %(days)s days to answer; the offer holds one "
            "of their places meanwhile."
        )
        % {"name": name, "days": settings.OFFER_EXPIRY_DAYS},
        "button": _("Yes, offer it to %(name)s") % {"name": name},
        "cancel_url": reverse("alliance:request", args=[consultation.pk]),
        "details": [(_("Program"), consultation.program.name)],
    }
