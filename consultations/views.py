"""Pages for programs (their requests) and consultants (offers, caseload, contacts, closure).

Each view reads through consultations.selectors (a request the user may not see is a 404),
asks consultations.permissions whether the user may act (403 otherwise), and calls one service:
a StateConflict becomes an error message and a redirect, a ValidationError becomes form errors.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from accounts.roles import is_consultant_user
from consultations import selectors, services
from consultations.filters import RequestFilter
from consultations.forms import CloseForm, ContactForm, ReasonForm, RequestForm, StatusFilterForm
from consultations.models import ConsultationRequest
from consultations.permissions import (
    can_close_request,
    can_log_contact,
    can_request_consultation,
    can_see_consultant_contacts,
    can_see_program_contacts,
    can_withdraw_request,
    is_assigned_consultant,
    listing_of,
)
from directory.selectors import program_list
from directory.vocabularies import Concern
from iecmhc.exceptions import StateConflict
from iecmhc.pages import add_service_errors
from iecmhc.throttling import RequestCreationThrottle, page_throttled

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
    for event in selectors.request_history(request=consultation, user=user):
        timeline.append(
            {
                "at": event.at,
                "action": event.get_action_display(),
                "who": (
                    "System"
                    if event.actor is None
                    else event.actor.get_full_name() or event.actor.username
                ),
                "role": event.get_actor_role_display(),
                "from_status": event.get_from_status_display() if event.from_status else "",
                "to_status": event.get_to_status_display(),
                "note": event.note,
            }
        )
    return timeline


def _withdraw_form(data=None) -> ReasonForm:
    return ReasonForm(data, prefix="withdraw", label="Why withdraw it?")


def _decline_form(data=None) -> ReasonForm:
    return ReasonForm(data, prefix="decline", label="Why decline it?")


def _close_form(data=None) -> CloseForm:
    return CloseForm(data, prefix="close")  # its fields share a page with the contact form's


def _render_detail(request, consultation, *, status=200, **forms):
    """The request's page, with any bound form that failed validation."""
    user = request.user
    if is_consultant_user(user):
        back = ("consultations:caseload", "My caseload")
    elif can_request_consultation(user):
        back = ("consultations:requests", "My requests")
    else:
        back = None
    context = {
        "back": back,
        "consultation": _with_labels(consultation),
        "timeline": _timeline(consultation, user),
        "contacts": selectors.contact_list(request=consultation),
        "hours": round((consultation.contact_minutes or 0) / 60, 2),
        "show_program_contacts": can_see_program_contacts(user, consultation),
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
        **forms,
    }
    return render(request, "consultations/request_detail.html", context, status=status)


# --- programs --------------------------------------------------------------------------------


@login_required
def request_list(request):
    """A program's requests, newest first, by status."""
    if not can_request_consultation(request.user):
        raise PermissionDenied("Only program staff have consultation requests.")
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
            "has_programs": _my_programs(request.user).exists(),
        },
    )


@login_required
def request_new(request):
    """Request consultation for one of my programs."""
    if not can_request_consultation(request.user):
        raise PermissionDenied("Only program staff can request consultation.")
    programs = _my_programs(request.user)
    if not programs.exists():
        return render(request, "consultations/request_form.html", {"form": None})
    form = RequestForm(request.POST or None, programs=programs, initial={"program": programs[0]})
    if request.method == "POST" and form.is_valid():
        if limited := page_throttled(request, RequestCreationThrottle):
            return limited
        try:
            created = services.request_submit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Request #{created.pk} is submitted. The Alliance will match it with a "
                "consultant; you will get an email when it is offered.",
            )
            return redirect("consultations:request_detail", pk=created.pk)
    return render(request, "consultations/request_form.html", {"form": form})


@login_required
def request_detail(request, pk):
    """A request, its history, and what the viewer may do with it."""
    consultation = selectors.request_get(user=request.user, pk=pk)
    return _render_detail(request, consultation)


@login_required
@require_POST
def request_withdraw(request, pk):
    consultation = selectors.request_get(user=request.user, pk=pk)
    if not can_withdraw_request(request.user, consultation):
        raise PermissionDenied("Only the program's staff may withdraw its request.")
    form = _withdraw_form(request.POST)
    if form.is_valid():
        try:
            services.request_withdraw(
                actor=request.user, consultation=consultation, reason=form.cleaned_data["reason"]
            )
        except StateConflict as exc:
            messages.error(request, exc.detail)
            return redirect("consultations:request_detail", pk=consultation.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Request #{consultation.pk} is withdrawn.")
            return redirect("consultations:request_detail", pk=consultation.pk)
    return _render_detail(request, consultation, withdraw_form=form)


# --- consultants -----------------------------------------------------------------------------


def _consultant_listing(user):
    """A consultant's listing (None until they create one); 403 for any other role."""
    if not is_consultant_user(user):
        raise PermissionDenied("Only consultants have offers and a caseload.")
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
        messages.info(request, "Create your listing first: your caseload starts with it.")
        return redirect("directory:listing")
    data = selectors.caseload(consultant=listing)
    for engagement in data["engagements"]:
        _with_labels(engagement)
        engagement.hours = round((engagement.minutes or 0) / 60, 2)
    return render(
        request,
        "consultations/caseload.html",
        {"listing": listing, "caseload": data, "listing_url": reverse("directory:listing")},
    )


def _offered_to_me(request, pk):
    consultation = selectors.request_get(user=request.user, pk=pk)
    if not is_assigned_consultant(request.user, consultation):
        raise PermissionDenied("Only the consultant offered this request may answer the offer.")
    return consultation


@login_required
@require_POST
def request_accept(request, pk):
    consultation = _offered_to_me(request, pk)
    try:
        services.request_accept(actor=request.user, consultation=consultation)
    except StateConflict as exc:
        messages.error(request, f"Request #{consultation.pk} was not accepted: {exc.detail}")
        return redirect("consultations:offers")
    messages.success(
        request,
        f"You accepted request #{consultation.pk}: it is on your caseload, and the program "
        "has your contact details.",
    )
    return redirect("consultations:request_detail", pk=consultation.pk)


@login_required
@require_POST
def request_decline(request, pk):
    consultation = _offered_to_me(request, pk)
    form = _decline_form(request.POST)
    if form.is_valid():
        try:
            services.request_decline(
                actor=request.user, consultation=consultation, reason=form.cleaned_data["reason"]
            )
        except StateConflict as exc:
            messages.error(request, f"Request #{consultation.pk} was not declined: {exc.detail}")
            return redirect("consultations:offers")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"You declined request #{consultation.pk}; it goes back to the Alliance.",
            )
            return redirect("consultations:offers")
    return _render_detail(request, consultation, decline_form=form)


@login_required
@require_POST
def contact_new(request, pk):
    consultation = selectors.request_get(user=request.user, pk=pk)
    if not can_log_contact(request.user, consultation):
        raise PermissionDenied("Only the assigned consultant may log contacts.")
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact = services.contact_log(
                actor=request.user, consultation=consultation, **form.cleaned_data
            )
        except StateConflict as exc:
            messages.error(request, exc.detail)
            return redirect("consultations:request_detail", pk=consultation.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Logged {contact.minutes} minutes of "
                f"{contact.get_contact_type_display().lower()} on {date_format(contact.date)}.",
            )
            return redirect("consultations:request_detail", pk=consultation.pk)
    return _render_detail(request, consultation, contact_form=form)


@login_required
@require_POST
def request_close(request, pk):
    consultation = selectors.request_get(user=request.user, pk=pk)
    if not can_close_request(request.user, consultation):
        raise PermissionDenied("Only the assigned consultant or an Alliance admin may close it.")
    form = _close_form(request.POST)
    if form.is_valid():
        try:
            services.request_close(
                actor=request.user, consultation=consultation, **form.cleaned_data
            )
        except StateConflict as exc:
            messages.error(request, exc.detail)
            return redirect("consultations:request_detail", pk=consultation.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Request #{consultation.pk} is closed; its place on the caseload is free.",
            )
            return redirect("consultations:request_detail", pk=consultation.pk)
    return _render_detail(request, consultation, close_form=form)
