"""Pages for programs (their requests) and consultants (offers, caseload, contacts, closure).

Each view fetches and authorizes in one step (consultations.permissions.access_consultation: a
request the user may not see is a 404, an action they may not take a 403) and calls one service
through iecmhc.pages.run_service: a StateConflict becomes an error message and a redirect, a
ValidationError becomes form errors.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import is_alliance_admin, is_consultant_user
from consultations import (
    confirmations,
    first_contact,
    selectors,
    services,
    submission,
    waitlist,
)
from consultations.engagement import with_dosage
from consultations.filters import RequestFilter
from consultations.forms import CloseForm, ContactForm, ReasonForm, RequestForm, StatusFilterForm
from consultations.models import ConsultationRequest
from consultations.permissions import (
    access_consultation,
    can_close_request,
    can_log_contact,
    can_request_consultation,
    can_see_child_demographics,
    can_see_consultant_contacts,
    can_see_program_contacts,
    can_withdraw_request,
    is_assigned_consultant,
    listing_of,
)
from consultations.practice_views import practice_context
from directory.selectors import program_list
from directory.vocabularies import Concern
from iecmhc.pages import run_service
from iecmhc.throttling import RequestCreationThrottle, page_throttled
from iecmhc.units import minutes_to_hours

Status = ConsultationRequest.Status
CONCERN_LABELS = dict(Concern.choices)
REQUESTS_PER_PAGE = 20


def _my_programs(user):
    """The programs a user staffs: those they may request consultation for (as the API)."""
    return program_list(user=user).filter(memberships__user=user).order_by("name")


def _with_labels(consultation: ConsultationRequest) -> ConsultationRequest:
    consultation.concern_labels = [CONCERN_LABELS.get(c, c) for c in consultation.concerns]
    return consultation


def _timeline(consultation: ConsultationRequest, user) -> list[dict]:
    """The request's events in order, as the API shows them: a consultant's reason for
    declining is for the Alliance only."""
    timeline = []
    for event in selectors.request_history(consultation=consultation, user=user):
        timeline.append(
            {
                "at": event.at,
                "action": event.get_action_display(),
                "who": _("the system") if event.actor_label == "system" else event.actor_label,
                "role": event.get_actor_role_display(),
                "from_status": event.get_from_status_display() if event.from_status else "",
                "to_status": event.get_to_status_display(),
                "note": event.note,
            }
        )
    return timeline


def _detail_url(consultation: ConsultationRequest) -> str:
    return reverse("consultations:request_detail", args=[consultation.pk])


def _withdraw_form(data=None) -> ReasonForm:
    return ReasonForm(data, prefix="withdraw", label=gettext_lazy("Why withdraw it?"))


def _decline_form(data=None) -> ReasonForm:
    return ReasonForm(data, prefix="decline", label=gettext_lazy("Why decline it?"))


def _close_form(data=None) -> CloseForm:
    return CloseForm(data, prefix="close")  # its fields share a page with the contact form's


def _render_detail(request, consultation, *, status=200, **forms):
    """The request's page, with any bound form that failed validation."""
    user = request.user
    if is_consultant_user(user):
        back = ("consultations:caseload", _("My caseload"))
    elif can_request_consultation(user):
        back = ("consultations:requests", _("My requests"))
    else:
        back = None
    context = {
        "back": back,
        "consultation": _with_labels(consultation),
        "timeline": _timeline(consultation, user),
        "contacts": selectors.contact_list(consultation=consultation, user=user),
        "hours": minutes_to_hours(consultation.contact_minutes),
        # Those who read unshared notes are told which notes the program reads too.
        "show_note_sharing": is_consultant_user(user) or is_alliance_admin(user),
        "show_program_contacts": can_see_program_contacts(user, consultation),
        "show_demographics": can_see_child_demographics(user, consultation),
        "show_consultant_contacts": consultation.consultant_id is not None
        and can_see_consultant_contacts(user, consultation),
        "can_withdraw": consultation.can_withdraw() and can_withdraw_request(user, consultation),
        "can_answer": consultation.can_accept() and is_assigned_consultant(user, consultation),
        "can_log_contact": consultation.can_log_contact() and can_log_contact(user, consultation),
        "can_close": consultation.can_close() and can_close_request(user, consultation),
        "withdraw_form": _withdraw_form(),
        "decline_form": _decline_form(),
        "contact_form": ContactForm(),
        "close_form": _close_form(),
        **practice_context(user, consultation),
        "waiting_for": waitlist.waiting_for(consultation),
        **forms,
    }
    return render(request, "consultations/request_detail.html", context, status=status)


# --- programs --------------------------------------------------------------------------------


@login_required
def request_list(request):
    """A program's requests, newest first, by status."""
    if not can_request_consultation(request.user):
        raise PermissionDenied(_("Only program staff have consultation requests."))
    form = StatusFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    filterset = RequestFilter(
        {"status": [status]} if status else {},
        queryset=selectors.request_list(user=request.user),
    )
    page = Paginator(filterset.qs, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    for consultation in page:
        _with_labels(consultation)
    return render(
        request,
        "consultations/request_list.html",
        {
            "form": form,
            "status": status,
            "page": page,
            "programs": list(_my_programs(request.user)),
            "has_programs": _my_programs(request.user).exists(),
        },
    )


def _submit_once_per_form(*, actor, form_token, **fields):
    """Submit the request form's data; a repeat of one form (its one-time token) makes no
    second request. The token names the form, not its content: a repeat is the same form."""
    if not form_token:
        return services.request_submit(actor=actor, **fields)
    created, _first = submission.request_submit_once(
        actor=actor, key=f"form:{form_token}", fingerprint="request-form", **fields
    )
    return created


@login_required
def request_new(request):
    """Request consultation for one of my programs."""
    if not can_request_consultation(request.user):
        raise PermissionDenied(_("Only program staff can request consultation."))
    programs = _my_programs(request.user)
    if not programs.exists():
        return render(request, "consultations/request_form.html", {"form": None})
    form = RequestForm(request.POST or None, programs=programs, initial={"program": programs[0]})
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["form_token"]
        key = f"form:{token}" if token else None
        if key and (earlier := selectors.submission_for(user=request.user, key=key)):
            messages.info(
                request, _("Request #%(pk)s was already submitted.") % {"pk": earlier.request_id}
            )
            return redirect("consultations:request_detail", pk=earlier.request_id)
        if limited := page_throttled(request, RequestCreationThrottle):
            return limited
        done = run_service(
            request,
            _submit_once_per_form,
            form=form,
            success=lambda created: (
                _(
                    "Request #%(pk)s is submitted. The Alliance will match it with a "
                    "consultant; you will get an email when it is offered."
                )
                % {"pk": created.pk}
            ),
            done_url=lambda created: _detail_url(created),
        )
        if done:
            return done
    return render(request, "consultations/request_form.html", {"form": form})


@login_required
def request_detail(request, pk):
    """A request, its history, and what the viewer may do with it."""
    return _render_detail(request, access_consultation(request.user, pk))


@login_required
@require_POST
def request_withdraw(request, pk):
    consultation = access_consultation(
        request.user,
        pk,
        may=can_withdraw_request,
        denied=_("Only the program's staff may withdraw its request."),
    )
    form = _withdraw_form(request.POST)
    return run_service(
        request,
        services.request_withdraw,
        form=form,
        consultation=consultation,
        success=_("Request #%(pk)s is withdrawn.") % {"pk": consultation.pk},
        done_url=_detail_url(consultation),
        confirm=confirmations.withdraw(consultation),
    ) or _render_detail(request, consultation, withdraw_form=form)


# --- consultants -----------------------------------------------------------------------------


def _consultant_listing(user):
    """A consultant's listing (None until they create one); 403 for any other role."""
    if not is_consultant_user(user):
        raise PermissionDenied(_("Only consultants have offers and a caseload."))
    return listing_of(user)


@login_required
def offers(request):
    """Requests the Alliance offered me, waiting for my answer."""
    listing = _consultant_listing(request.user)
    pending = []
    if listing is not None:
        expiry = timedelta(days=settings.OFFER_EXPIRY_DAYS)
        for consultation in selectors.request_list(user=request.user).filter(status=Status.OFFERED):
            _with_labels(consultation)
            consultation.expires_at = consultation.offered_at + expiry
            consultation.show_program_contacts = can_see_program_contacts(
                request.user, consultation
            )
            pending.append(consultation)
    return render(
        request,
        "consultations/offers.html",
        {"listing": listing, "offers": pending, "listing_url": reverse("directory:listing")},
    )


@login_required
def caseload(request):
    """My capacity, open offers, hours this month and engagements."""
    listing = _consultant_listing(request.user)
    if listing is None:
        messages.info(request, _("Create your listing first: your caseload starts with it."))
        return redirect("directory:listing")
    data = selectors.caseload(consultant=listing)
    for engagement in with_dosage(data["engagements"]):
        _with_labels(engagement)
        engagement.hours = minutes_to_hours(engagement.minutes)
        engagement.clock = first_contact.clock(engagement)
    for engagement in data["closed_engagements"]:
        engagement.hours = minutes_to_hours(engagement.minutes)
    awaiting = [e for e in data["engagements"] if e.first_contact_at is None]
    return render(
        request,
        "consultations/caseload.html",
        {
            "listing": listing,
            "caseload": data,
            "awaiting": awaiting,
            "listing_url": reverse("directory:listing"),
        },
    )


def _offered_to_me(request, pk):
    return access_consultation(
        request.user,
        pk,
        may=is_assigned_consultant,
        denied=_("Only the consultant offered this request may answer the offer."),
    )


@login_required
@require_POST
def request_accept(request, pk):
    consultation = _offered_to_me(request, pk)
    return run_service(
        request,
        services.request_accept,
        consultation=consultation,
        success=_(
            "You accepted request #%(pk)s: it is on your caseload, and the "
            "program has your contact details."
        )
        % {"pk": consultation.pk},
        done_url=_detail_url(consultation),
        failed_url=reverse("consultations:offers"),
        failed_prefix=_("Request #%(pk)s was not accepted: ") % {"pk": consultation.pk},
    )


@login_required
@require_POST
def request_decline(request, pk):
    consultation = _offered_to_me(request, pk)
    form = _decline_form(request.POST)
    return run_service(
        request,
        services.request_decline,
        form=form,
        consultation=consultation,
        success=_("You declined request #%(pk)s; it goes back to the Alliance.")
        % {"pk": consultation.pk},
        done_url=reverse("consultations:offers"),
        failed_prefix=_("Request #%(pk)s was not declined: ") % {"pk": consultation.pk},
        confirm=confirmations.decline(consultation),
    ) or _render_detail(request, consultation, decline_form=form)


@login_required
@require_POST
def contact_new(request, pk):
    consultation = access_consultation(
        request.user,
        pk,
        may=can_log_contact,
        denied=_("Only the assigned consultant may log contacts."),
    )
    form = ContactForm(request.POST)
    return run_service(
        request,
        services.contact_log,
        form=form,
        consultation=consultation,
        success=lambda contact: (
            _("Logged %(minutes)s minutes of %(type)s on %(date)s.")
            % {
                "minutes": contact.minutes,
                "type": contact.get_activity_display().lower(),
                "date": date_format(contact.date),
            }
        ),
        done_url=_detail_url(consultation),
    ) or _render_detail(request, consultation, contact_form=form)


@login_required
@require_POST
def request_close(request, pk):
    consultation = access_consultation(
        request.user,
        pk,
        may=can_close_request,
        denied=_("Only the assigned consultant or an Alliance admin may close it."),
    )
    form = _close_form(request.POST)
    return run_service(
        request,
        services.request_close,
        form=form,
        consultation=consultation,
        success=_("Request #%(pk)s is closed; its place on the caseload is free.")
        % {"pk": consultation.pk},
        done_url=_detail_url(consultation),
        confirm=confirmations.close(consultation),
    ) or _render_detail(request, consultation, close_form=form)
