"""The consultant's credentials and renewal ledger pages (docs/domain.md, "Credentials")."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.roles import is_consultant_user
from directory import credential_services as services
from directory.credential_forms import (
    EndorsementForm,
    EndorsementRemoveForm,
    LedgerDeleteForm,
    LedgerEntryForm,
)
from directory.ledger import ledger_csv, renewal_statuses
from directory.models import Consultant
from iecmhc.pages import run_service


def _bad_request(request, message) -> HttpResponse:
    """A malformed hidden field: say so, change nothing."""
    return HttpResponseBadRequest(message)


def _own_listing(user) -> Consultant:
    """The signed-in consultant's listing: 403 for other roles, 404 before they have one."""
    if not is_consultant_user(user):
        raise PermissionDenied(_("Only consultants have credentials and a ledger."))
    listing = Consultant.objects.filter(user=user).first()
    if listing is None:
        raise Http404(_("Create your listing first."))
    return listing


@login_required
def credentials(request):
    """The listing's endorsements: add or change one (by category), or remove one."""
    listing = _own_listing(request.user)
    posted = request.method == "POST" and request.POST.get("action") != "remove"
    form = EndorsementForm(request.POST if posted else None)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            remove = EndorsementRemoveForm(request.POST)
            response = run_service(
                request,
                services.endorsement_remove,
                form=remove,
                consultant=listing,
                success=_("The endorsement is removed."),
                done_url="directory:credentials",
            )
            if response is not None:
                return response
            return _bad_request(request, _("Choose one of your endorsements to remove."))
        response = run_service(
            request,
            services.endorsement_set,
            form=form,
            consultant=listing,
            success=_("The endorsement is saved. The Alliance verifies it."),
            done_url="directory:credentials",
        )
        if response is not None:
            return response
    return render(
        request,
        "directory/credentials.html",
        {"listing": listing, "form": form, "endorsements": listing.endorsements.all()},
    )


@login_required
def ledger(request):
    """The ledger: progress towards renewal for each endorsement, the entries, a new entry."""
    listing = _own_listing(request.user)
    posted = request.method == "POST" and request.POST.get("action") != "delete"
    form = LedgerEntryForm(request.POST if posted else None)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            delete = LedgerDeleteForm(request.POST)
            if not delete.is_valid():
                return _bad_request(request, _("Choose an entry of your ledger to delete."))
            entry = listing.ledger_entries.filter(pk=delete.cleaned_data["entry"]).first()
            if entry is None:
                raise Http404(_("No such entry in your ledger."))
            return run_service(
                request,
                services.ledger_entry_delete,
                entry=entry,
                success=_("The entry is deleted."),
                done_url="directory:ledger",
            )
        response = run_service(
            request,
            services.ledger_entry_add,
            form=form,
            consultant=listing,
            success=_("The entry is logged."),
            done_url="directory:ledger",
        )
        if response is not None:
            return response
    entries = list(listing.ledger_entries.all())
    return render(
        request,
        "directory/ledger.html",
        {
            "listing": listing,
            "form": form,
            "entries": entries,
            "statuses": renewal_statuses(listing, entries, today=timezone.localdate()),
        },
    )


@login_required
@require_GET
def ledger_export(request):
    """The ledger as CSV, for the consultant's renewal application."""
    listing = _own_listing(request.user)
    response = HttpResponse(
        ledger_csv(listing.ledger_entries.all()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="renewal-ledger.csv"'
    return response
