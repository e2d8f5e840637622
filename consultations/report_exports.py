"""Every table of the reports page as a download (CSV or XLSX, through consultations.exports),
for the page's date range: the same selectors as the page, so a file holds what the page
shows. Alliance admins only, like the page."""

from collections.abc import Callable, Iterable

from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from consultations import exports, first_contact_reports, reach, reports
from consultations.forms import ReachForm
from iecmhc.pages import alliance_required

Table = tuple[list[str], Iterable[list]]


def _status(span: dict) -> Table:
    rows = [[label, n] for _code, label, n in reports.requests_by_status(**span)]
    return [_("Status"), _("Requests")], rows


def _county(span: dict) -> Table:
    return [_("County"), _("Requests")], [list(row) for row in reports.requests_by_county(**span)]


def _acceptance(span: dict) -> Table:
    acceptance = reports.median_days_to_acceptance(**span)
    header = [_("Median days from request to acceptance"), _("Accepted requests")]
    return header, [[acceptance["median"], acceptance["accepted"]]]


def _outcomes(span: dict) -> Table:
    outcomes = reports.closure_outcomes(**span)
    rows = [[_("Why they closed"), label, n] for label, n in outcomes["by_reason"]]
    for question, key in (
        (_("Suspension or expulsion prevented?"), "suspension_prevented"),
        (_("Goals met?"), "goals_met"),
    ):
        rows += [[question, label, n] for label, n in outcomes[key]]
    rows.append([_("Hours of consultation logged on them"), "", outcomes["hours"]])
    return [_("Question"), _("Answer"), _("Engagements")], rows


def _unmet(span: dict) -> Table:
    unmet = reports.unmet_demand()
    rows = [[_("County"), f"{name}, {state}", n] for (state, name), n in unmet["by_county"]]
    rows += [[_("Language"), label, n] for label, n in unmet["by_language"]]
    return [_("Breakdown"), _("Row"), _("Unmet requests")], rows


def _first_contact(span: dict) -> Table:
    report = first_contact_reports.first_contact_report(**span)
    keys = ("requests", "contacted", "median_hours", "within_target", "share_within_target")
    header = [
        _("Breakdown"), _("Group"), _("Requests"), _("Contacted"), _("Median hours"),
        _("Within target"), _("Share within target"),
    ]  # fmt: skip
    rows = [[_("All"), "", *[report["overall"][k] for k in keys]]]
    for by, label in (
        ("urgency", _("Urgency")),
        ("county", _("County")),
        ("region", _("Region")),
        ("language", _("Language")),
    ):
        rows += [[label, row["group"], *[row[k] for k in keys]] for row in report[f"by_{by}"]]
    return header, rows


def _waitlist(span: dict) -> Table:
    report = first_contact_reports.waitlist_report()
    rows = [[_("County"), row["group"], row["requests"]] for row in report["by_county"]]
    rows += [[_("Language"), row["group"], row["requests"]] for row in report["by_language"]]
    return [_("Breakdown"), _("Row"), _("Waitlisted requests")], rows


def _referrals(span: dict) -> Table:
    rows = [
        [row["label"], row["requests"]] for row in first_contact_reports.referral_sources(**span)
    ]
    return [_("Referral source"), _("Requests")], rows


def reach_table(options: dict) -> Table:
    return list(reach.CSV_HEADER), reach.table_rows(reach.reach(**options))


# The tables of the reports page, by the slug of their download (alliance:report_<fmt>).
TABLES: dict[str, Callable[[dict], Table]] = {
    "requests-by-status": _status,
    "requests-by-county": _county,
    "time-to-acceptance": _acceptance,
    "outcomes": _outcomes,
    "unmet-demand": _unmet,
    "first-contact": _first_contact,
    "waitlist": _waitlist,
    "referral-sources": _referrals,
}


def _bad_options(form) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(
        _("Not a valid range, state or scheme: %(errors)s")
        % {"errors": "; ".join(e for errors in form.errors.values() for e in errors)},
        content_type="text/plain; charset=utf-8",
    )


@require_GET
@alliance_required
def report_export(request, table: str, fmt: str):
    """One table of the reports page, for the page's range, as CSV or XLSX."""
    if table not in TABLES and table != "reach":
        raise Http404(_("No such report."))
    form = ReachForm(request.GET)
    if not form.is_valid():
        return _bad_options(form)
    options = form.reach_options()
    if table == "reach":  # reach also takes a state and a scheme of regions
        header, rows = reach_table(options)
    else:
        span = {"date_from": options["date_from"], "date_to": options["date_to"]}
        header, rows = TABLES[table](span)
    return exports.export_response(fmt, table, [str(h) for h in header], rows)
