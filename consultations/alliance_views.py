"""The Alliance's pages: the request queue with ranked matches and one-click offers, the batch
matching preview and confirm, and the reports.

Views parse input, call one service or selector (the same ones the API calls) and render;
every rule lives in consultations.services, consultations.selectors and consultations.reports.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultations import (
    batch_offers,
    confirmations,
    first_contact,
    first_contact_reports,
    matching,
    reach,
    reports,
    selectors,
    services,
    waitlist,
    whatif,
)
from consultations.charts import bar_chart, reach_chart
from consultations.filters import QueueFilter
from consultations.forms import OfferForm, ReachForm, ReportRangeForm
from consultations.permissions import access_consultation
from consultations.whatif_forms import planner_forms
from directory.vocabularies import Concern
from iecmhc.pages import add_service_errors, alliance_required, run_service
from iecmhc.streamed_csv import csv_response
from iecmhc.units import minutes_to_hours

QUEUE_PAGE_SIZE = 25

COMPONENT_LABELS = matching.COMPONENTS  # what each score component measures


# --- the request queue -----------------------------------------------------------------------


@require_GET
@alliance_required
def queue(request):
    """Open requests, priority first, submitted before offered, then the longest waiting;
    searchable by request number."""
    filterset = QueueFilter(
        request.GET or None, queryset=selectors.request_queue(user=request.user), request=request
    )
    page = Paginator(filterset.qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for item in page:
        item.age_days = (now - item.received_at).days
        item.clock = first_contact.clock(item, now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/alliance/queue.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


# --- one request: facts, history, ranked matches, offer -------------------------------------


def _concern_label(code: str) -> str:
    try:
        return str(Concern(code).label)
    except ValueError:
        return code


def _components(match: matching.Match) -> list[dict]:
    return [
        {
            "name": name,
            "label": COMPONENT_LABELS.get(name, name.replace("_", " ").capitalize()),
            "value": value,
            "percent": round(value * 100),
        }
        for name, value in match.components.items()
    ]


def _events(consultation) -> list:
    """The request's history, each note in the reader's language (selectors.event_note)."""
    events = list(consultation.events.select_related("actor", "consultant"))
    for event in events:
        event.note = selectors.event_note(event, consultation)
    return events


@require_GET
@alliance_required
def request_detail(request, pk):
    """A request's facts and history and, while it waits for an offer, its ranked matches."""
    consultation = access_consultation(request.user, pk)
    context = {
        "consultation": consultation,
        "concerns": [_concern_label(code) for code in consultation.concerns],
        "events": _events(consultation),
        "expiry_days": settings.OFFER_EXPIRY_DAYS,
        "hours": minutes_to_hours(consultation.contact_minutes),
        "waitlist_reasons": waitlist.reasons_for_alliance(consultation),
    }
    if consultation.can_offer():
        ranking = matching.ranked_matches(consultation)
        context["matches"] = [
            {
                "match": m,
                "name": m.display_name,
                "percent": round(m.score * 100),
                "components": _components(m),
            }
            for m in ranking.matches
        ]
        context["excluded"] = [
            (matching.EXCLUSIONS.get(code, code), n) for code, n in ranking.excluded.items() if n
        ]
        context["excluded_total"] = sum(ranking.excluded.values())
    return render(request, "consultations/alliance/request.html", context)


@require_POST
@alliance_required
def offer(request, pk):
    """Offer the request to the chosen consultant (services.request_offer), once confirmed."""
    consultation = access_consultation(request.user, pk)
    form = OfferForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Choose one of the matching consultants to offer the request to.")
        )
        return redirect("alliance:request", pk=consultation.pk)
    consultant = form.cleaned_data["consultant"]
    return run_service(
        request,
        services.request_offer,
        form=form,
        consultation=consultation,
        success=_("Request #%(pk)s from %(program)s was offered to %(name)s, who has been emailed.")
        % {
            "pk": consultation.pk,
            "program": consultation.program.name,
            "name": consultant.display_name,
        },
        done_url=reverse("alliance:queue"),
        failed_url=reverse("alliance:request", args=[consultation.pk]),
        failed_prefix=_("Not offered: "),
        confirm=confirmations.offer(consultation, consultant),
    )


# --- batch matching --------------------------------------------------------------------------


def _run_context(request, run: batch_offers.MatchingRun) -> dict:
    """The run's rows, with the program and consultant names matching read."""
    consultations, names = run.consultations, run.consultant_names
    assignments = [
        {
            "consultation": consultations.get(a.request_id),
            "request_id": a.request_id,
            "consultant": names.get(
                a.consultant_id, _("Consultant #%(pk)s") % {"pk": a.consultant_id}
            ),
            "score": a.score,
            "offered": a.request_id in run.offered,
            "skipped": run.skipped.get(a.request_id),
        }
        for a in run.assignments
    ]
    assignments.sort(
        key=lambda row: (
            not (row["consultation"] and row["consultation"].priority),
            row["request_id"],
        )
    )
    return {
        "run": run,
        "assignments": assignments,
        "unmatched": [
            {"consultation": consultations.get(rid), "request_id": rid, "reasons": reasons}
            for rid, reasons in run.unmatched.items()
        ],
        "ratio": round(run.total_score / run.upper_bound * 100) if run.upper_bound else 100,
    }


@require_GET
@alliance_required
def matching_preview(request):
    """What a batch run would offer now (a dry run: nothing changes)."""
    run = batch_offers.matching_run(actor=request.user, dry_run=True)
    context = _run_context(request, run)
    context["formset"], context["remove_form"] = planner_forms()
    return render(request, "consultations/alliance/matching.html", context)


@require_http_methods(["GET", "POST"])
@alliance_required
def matching_what_if(request):
    """The what-if planner: the batch re-solved with hypothetical consultants added and real
    ones taken out (whatif.matching_what_if); nothing is saved."""
    formset, remove_form = planner_forms(request.POST if request.method == "POST" else None)
    result = None
    if request.method == "POST" and formset.is_valid() and remove_form.is_valid():
        add = [f.cleaned_data["hypothetical"] for f in formset if "hypothetical" in f.cleaned_data]
        try:
            result = whatif.matching_what_if(
                actor=request.user,
                add=add,
                remove=[c.pk for c in remove_form.cleaned_data["remove"]],
            )
        except ValidationError as exc:
            add_service_errors(remove_form, exc)
    return render(
        request,
        "consultations/alliance/whatif.html",
        {"formset": formset, "remove_form": remove_form, "result": result},
    )


@require_POST
@alliance_required
def matching_confirm(request):
    """Run the batch for real: each assignment becomes an offer, emailed like any other."""
    run = batch_offers.matching_run(actor=request.user, dry_run=False)
    if run.offered:
        messages.success(
            request,
            ngettext(
                "%(count)d request offered; the consultant has been emailed.",
                "%(count)d requests offered; the consultants have been emailed.",
                len(run.offered),
            )
            % {"count": len(run.offered)},
        )
    else:
        messages.warning(request, _("No request was offered."))
    if run.skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d assignment skipped: the situation changed since the preview.",
                "%(count)d assignments skipped: the situation changed since the preview.",
                len(run.skipped),
            )
            % {"count": len(run.skipped)},
        )
    return render(request, "consultations/alliance/matching_done.html", _run_context(request, run))


# --- reports ---------------------------------------------------------------------------------


@require_GET
@alliance_required
def reports_page(request):
    """Requests by status and county, time to acceptance, outcomes at closure, unmet demand."""
    form = ReportRangeForm(request.GET or None)
    span = {}
    if form.is_bound and form.is_valid():
        span = {
            "date_from": form.cleaned_data["date_from"],
            "date_to": form.cleaned_data["date_to"],
        }
    by_status = reports.requests_by_status(**span)
    by_county = reports.requests_by_county(**span)
    outcomes = reports.closure_outcomes(**span)
    unmet = reports.unmet_demand()
    unmet_by_county = [(f"{name}, {state}", n) for (state, name), n in unmet["by_county"]]
    return render(
        request,
        "consultations/alliance/reports.html",
        {
            "form": form,
            "span": span,
            "by_status": by_status,
            "total": sum(n for _code, _label, n in by_status),
            "status_chart": bar_chart(
                [(label, n) for _code, label, n in by_status], title=_("Requests by status")
            ),
            "by_county": by_county,
            "county_chart": bar_chart(by_county, title=_("Requests by county")),
            "acceptance": reports.median_days_to_acceptance(**span),
            "priority": reports.priority_share(**span),
            "outcomes": outcomes,
            "reason_chart": bar_chart(
                outcomes["by_reason"], title=_("Closure reasons"), unit=_("engagements")
            ),
            "unmet": unmet,
            "unmet_by_county": unmet_by_county,
            "unmet_county_chart": bar_chart(unmet_by_county, title=_("Unmet demand by county")),
            "unmet_language_chart": bar_chart(
                unmet["by_language"], title=_("Unmet demand by language")
            ),
            **_reach_context(request, span),
            "first_contact": first_contact_reports.first_contact_report(**span),
            "waitlist": first_contact_reports.waitlist_report(),
            "referral_sources": first_contact_reports.referral_sources(**span),
        },
    )


REACH_CHART_MAX = 100  # bars; beyond, the chart shows the counties far below only


def _reach_context(request, span: dict) -> dict:
    report = reach.reach(**span)
    rows, note = report.counties, ""
    if len(rows) > REACH_CHART_MAX:
        rows = report.far_below[:REACH_CHART_MAX]
        note = _("The chart shows only the counties far below their state; the table has all.")
    (state,) = report.states if len(report.states) == 1 else (None,)
    query = {k: v.isoformat() for k, v in span.items() if v}
    return {
        "reach": report,
        "reach_chart": reach_chart(
            reach.chart_rows(rows),
            title=_("Share of licensed programs that requested, by county"),
            state_percent=state.percent if state else None,
        ),
        "reach_chart_note": note,
        "reach_query": urlencode(query),
    }


@require_GET
@alliance_required
def reach_csv(request):
    """Reach by state, region and county as a streamed CSV (same filters as the API)."""
    form = ReachForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("Not a valid range, state or scheme: %(errors)s")
            % {"errors": "; ".join(e for errors in form.errors.values() for e in errors)},
            content_type="text/plain; charset=utf-8",
        )
    report = reach.reach(**form.reach_options())
    return csv_response("reach.csv", reach.CSV_HEADER, reach.table_rows(report))
