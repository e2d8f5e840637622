"""The directory's pages: the public directory and profiles, a consultant's own listing, a
program's registration, and the Alliance's approval queue. Each calls directory.services and
directory.selectors, exactly as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import is_consultant_user
from directory import selectors, services
from directory.filters import ConsultantFilter
from directory.forms import ListingForm, ProgramForm, ReasonForm
from directory.models import Consultant, County, ListingDecision
from directory.permissions import (
    can_create_program,
    can_edit_program,
    can_view_consultant_private,
)
from directory.vocabularies import language_name
from iecmhc.exceptions import StateConflict
from iecmhc.pages import add_service_errors, alliance_required, confirm_page, confirmed
from iecmhc.pagination import KeyedRows

PAGE_SIZE = 20


def consultant_directory(request):
    """Approved consultants, searchable by county, language, specialty, setting, modality,
    room to take a request and distance from a ZIP code."""
    params = request.GET.copy()
    page_number = params.pop("page", ["1"])[-1]
    filterset = ConsultantFilter(params or None, queryset=selectors.consultant_list_public())
    filterset.form.fields["county"].queryset = (
        County.objects.filter(consultants__listing_status=Consultant.ListingStatus.APPROVED)
        .annotate(n=Count("pk"))
        .order_by("state", "name")
    )
    filterset.form.fields["listing_status"].widget = filterset.form.fields[
        "listing_status"
    ].hidden_widget()
    # Each language by its own name ("Español", "Hmoob"), as in the forms.
    filterset.form.fields["language"].queryset = selectors.language_choices()
    filterset.form.fields["language"].label_from_instance = lambda language: language_name(
        language.code, language.name
    )
    if filterset.is_bound and not filterset.is_valid():
        consultants = Consultant.objects.none()
    elif (keys := filterset.ranked_by_index()) is not None:  # words alone: the index's answer
        consultants = KeyedRows(filterset.queryset, keys)
    else:
        consultants = filterset.qs
    page = Paginator(consultants, PAGE_SIZE).get_page(page_number)
    query = params.urlencode()
    return render(
        request,
        "directory/directory.html",
        {"filter": filterset, "page": page, "query": query, "searched": bool(params)},
    )


def consultant_profile(request, pk: int):
    consultant = selectors.consultant_get(user=request.user, pk=pk)
    return render(
        request,
        "directory/profile.html",
        {
            "consultant": consultant,
            "private": can_view_consultant_private(request.user, consultant),
        },
    )


def _own_listing(user) -> Consultant | None:
    if not is_consultant_user(user):
        raise PermissionDenied(_("Only consultant accounts have a listing."))
    return Consultant.objects.filter(user=user).prefetch_related("decisions").first()


@login_required
def my_listing(request):
    """A consultant's listing: its status, the reviewer's last word, what to do next."""
    listing = _own_listing(request.user)
    if listing is None:
        return redirect("directory:listing_edit")
    last_review = (
        listing.decisions.filter(
            action__in=[ListingDecision.Action.REJECTED, ListingDecision.Action.SUSPENDED]
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return render(
        request,
        "directory/my_listing.html",
        {
            "listing": listing,
            "last_review": last_review,
            "missing": services.listing_missing_fields(listing),
        },
    )


def _listing_initial(listing: Consultant) -> dict:
    fields = [f for f in ListingForm.base_fields if f not in ("languages", "counties_served")]
    initial = {name: getattr(listing, name) for name in fields}
    initial["languages"] = list(listing.languages.values_list("code", flat=True))
    initial["counties_served"] = list(listing.counties_served.values_list("pk", flat=True))
    return initial


def _outside_served_states(listing: Consultant | None) -> str:
    """Plain words for a listing whose ZIP code lies outside the states the service works in
    (a consultant living across a border): what still works. Empty otherwise."""
    served = selectors.served_states()
    if listing is None or not served or listing.base_state in served:
        return ""
    return _(
        "Your ZIP code %(zip)s is in %(state)s, outside the states this service works in "
        "(%(served)s). Programs can still find you for virtual work, and for on-site work in "
        "the counties you choose below; distances are counted from your ZIP code."
    ) % {"zip": listing.base_zip, "state": listing.base_state, "served": ", ".join(served)}


@login_required
def listing_edit(request):
    """Create the listing (a draft) or edit it; an approved listing whose public details
    change goes back to review (the service decides)."""
    listing = _own_listing(request.user)
    state = listing.base_state if listing and listing.base_state else "WI"
    initial = _listing_initial(listing) if listing else {}
    form = ListingForm(request.POST or None, initial=initial, state=state)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if listing is None:
                saved = services.consultant_create(actor=request.user, **data)
                messages.success(
                    request,
                    _(
                        "Your listing is saved as a draft. "
                        "Submit it for review when it is complete."
                    ),
                )
            else:
                changed = {k: v for k, v in data.items() if k in form.changed_data}
                updated = services.consultant_update(
                    actor=request.user, consultant=listing, **changed
                )
                if (
                    listing.listing_status == Consultant.ListingStatus.APPROVED
                    and updated.listing_status == Consultant.ListingStatus.PENDING
                ):
                    messages.warning(
                        request,
                        _(
                            "Your public details changed, so the Alliance reviews your listing "
                            "again. It is hidden from the directory until then."
                        ),
                    )
                else:
                    messages.success(request, _("Your listing is saved."))
                saved = updated
            if outside := _outside_served_states(saved):
                messages.warning(request, outside)
            return redirect("directory:listing")
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StateConflict as exc:
            messages.error(request, exc.detail)
            return redirect("directory:listing")
    return render(
        request,
        "directory/listing_form.html",
        {"form": form, "listing": listing, "outside": _outside_served_states(listing)},
    )


@login_required
@require_POST
def listing_submit(request):
    listing = _own_listing(request.user)
    if listing is None:
        raise Http404(_("You have no listing yet."))
    try:
        services.consultant_submit(actor=request.user, consultant=listing)
    except StateConflict as exc:
        messages.error(request, exc.detail)
    except ValidationError as exc:
        messages.error(
            request,
            _("Your listing is not complete yet: %(missing)s")
            % {"missing": " ".join(exc.messages)},
        )
    else:
        messages.success(
            request, _("Submitted. The Alliance will review your listing and email you.")
        )
    return redirect("directory:listing")


@login_required
def program_new(request):
    if not can_create_program(request.user):
        raise PermissionDenied(_("Only program staff can register a program."))
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(program)s is registered. You can now request consultation.")
                % {"program": program.name},
            )
            return redirect("consultations:requests")
    return render(request, "directory/program_form.html", {"form": form, "program": None})


@login_required
def program_edit(request, pk: int):
    program = selectors.program_get(user=request.user, pk=pk)
    if not can_edit_program(request.user, program):
        raise PermissionDenied(_("Only the program's staff may edit it."))
    initial = {
        name: getattr(program, name) for name in ProgramForm.base_fields if name != "languages"
    }
    initial["languages"] = list(program.languages.values_list("code", flat=True))
    form = ProgramForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            services.program_update(actor=request.user, program=program, **changed)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("consultations:requests")
    return render(request, "directory/program_form.html", {"form": form, "program": program})


@alliance_required
def listing_queue(request):
    """The Alliance's approval queue: listings waiting for review, oldest first."""
    pending = (
        Consultant.objects.filter(listing_status=Consultant.ListingStatus.PENDING)
        .prefetch_related("languages")
        .order_by("submitted_at", "id")
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/listing_queue.html", {"page": page})


def _confirm_decision(request, consultant: Consultant, action: str, form) -> HttpResponse:
    """The confirmation step of a rejection or a suspension: the consultant is emailed."""
    name = {"name": consultant.display_name}
    if action == "reject":
        title = _("Reject %(name)s's listing?") % name
        consequence = _(
            "%(name)s is emailed this reason and may change the listing and send it again. "
            "It stays out of the directory until it is approved."
        )
        button = _("Yes, reject the listing")
    else:
        title = _("Suspend %(name)s's listing?") % name
        consequence = _(
            "The listing leaves the directory and matching at once, and %(name)s is emailed "
            "this reason."
        )
        button = _("Yes, suspend the listing")
    return confirm_page(
        request,
        title=title,
        consequence=consequence % name,
        button=button,
        cancel_url=reverse("directory:listing_review", args=[consultant.pk]),
        details=[(_("Reason"), form.cleaned_data["reason"])],
    )


@alliance_required
def listing_review(request, pk: int):
    consultant = selectors.consultant_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.consultant_approve(actor=request.user, consultant=consultant)
                messages.success(
                    request,
                    _("%(name)s's listing is approved and public.")
                    % {"name": consultant.display_name},
                )
                return redirect("directory:listing_queue")
            if action in ("reject", "suspend") and form.is_valid():
                if not confirmed(request):
                    return _confirm_decision(request, consultant, action, form)
                service = (
                    services.consultant_reject
                    if action == "reject"
                    else services.consultant_suspend
                )
                service(
                    actor=request.user, consultant=consultant, reason=form.cleaned_data["reason"]
                )
                done = (
                    _("%(name)s's listing is rejected; they were emailed the reason.")
                    if action == "reject"
                    else _("%(name)s's listing is suspended; they were emailed the reason.")
                )
                messages.success(request, done % {"name": consultant.display_name})
                return redirect("directory:listing_queue")
        except StateConflict as exc:
            messages.error(request, exc.detail)
            return redirect("directory:listing_review", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "directory/listing_review.html",
        {
            "consultant": consultant,
            "form": form,
            "missing": services.listing_missing_fields(consultant),
        },
    )
