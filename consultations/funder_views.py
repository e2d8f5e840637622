"""The funder report's page and API, and their CSV and XLSX downloads (Alliance admins only;
a download has exactly the page's rights)."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAllianceAdmin
from consultations import exports, selectors
from consultations.filters import QueueFilter
from consultations.forms import ReportRangeForm
from consultations.funder_breakdowns import BREAKDOWN_LABELS
from consultations.funder_report import funder_report
from directory.models import Region
from iecmhc.forms import BoundedMultipleChoiceField
from iecmhc.pages import alliance_required
from iecmhc.schema import FORBIDDEN


class FunderReportForm(ReportRangeForm):
    by = BoundedMultipleChoiceField(
        label=_("Broken down by"),
        choices=list(BREAKDOWN_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("One table for each; by county when none is chosen."),
    )
    scheme = forms.ChoiceField(
        label=_("Regions"),
        choices=Region.Scheme.choices,
        required=False,
        help_text=_("Which regions the breakdown by region uses."),
    )
    download = forms.ChoiceField(
        label=_("Download as"),
        choices=[("", _("Show on the page")), ("csv", "CSV"), ("xlsx", "XLSX")],
        required=False,
    )


def _report_from(form) -> dict:
    data = form.cleaned_data
    return funder_report(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        by=data.get("by") or ["county"],
        scheme=data.get("scheme") or Region.Scheme.LICENSING,
    )


@require_GET
@alliance_required
def funder_report_page(request):
    """The funder report for any date range, on the page or as a download."""
    form = FunderReportForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        report, status = None, 400
    else:
        if not form.is_bound:
            form = FunderReportForm({})
            form.is_valid()
        report = _report_from(form)
        fmt = form.cleaned_data.get("download")
        if fmt in exports.FORMATS:
            header, rows = exports.funder_rows(report)
            return exports.export_response(fmt, "funder-report", header, rows)
        for row in [*(r for table in report["tables"] for r in table["rows"]), report["totals"]]:
            row["cells"] = [(label, row[key]) for key, label in report["columns"]]
    return render(
        request, "consultations/alliance/funder_report.html", {"form": form, "report": report},
        status=status,
    )  # fmt: skip


@extend_schema(
    summary="The funder report (Alliance admins); ?download=csv|xlsx downloads it",
    parameters=[
        OpenApiParameter("date_from", OpenApiTypes.DATE),
        OpenApiParameter("date_to", OpenApiTypes.DATE),
        OpenApiParameter(
            "by",
            str,
            enum=list(BREAKDOWN_LABELS),
            many=True,
            explode=True,
            description="One table per dimension (repeat the parameter); county by default.",
        ),
        OpenApiParameter("scheme", str, enum=Region.Scheme.values),
    ],
    responses={200: OpenApiTypes.OBJECT, 403: FORBIDDEN},
)
class FunderReportView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsAllianceAdmin]

    def get(self, request):
        form = FunderReportForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        report = _report_from(form)
        fmt = form.cleaned_data.get("download")
        if fmt in exports.FORMATS:
            header, rows = exports.funder_rows(report)
            return exports.export_response(fmt, "funder-report", header, rows)
        for table in report["tables"]:
            table["by_label"] = str(table["by_label"])
        report["columns"] = [[key, str(label)] for key, label in report["columns"]]
        report["totals"]["label"] = str(report["totals"]["label"])
        return Response(report)


QUEUE_HEADER = [
    _("Request"),
    _("Status"),
    _("Urgency"),
    _("Level"),
    _("Program"),
    _("County"),
    _("Language"),
    _("Referral source"),
    _("Received"),
]


def _queue_rows(qs):
    for r in qs.select_related("program__county", "preferred_language").iterator(chunk_size=2000):
        yield [
            r.pk,
            r.get_status_display(),
            r.get_urgency_display(),
            r.get_focus_display(),
            r.program.name,
            r.program.county.name,
            r.preferred_language.name if r.preferred_language else "",
            r.get_referral_source_display(),
            r.received_at.strftime("%Y-%m-%d %H:%M"),
        ]


@require_GET
@alliance_required
def queue_export(request, fmt):
    """The request queue, with the queue page's filters, as CSV or XLSX (the page's rights)."""
    filterset = QueueFilter(
        request.GET or None, queryset=selectors.request_queue(user=request.user), request=request
    )
    if filterset.is_bound and not filterset.is_valid():
        return render(
            request, "consultations/alliance/funder_report.html",
            {"form": filterset.form, "report": None}, status=400,
        )  # fmt: skip
    return exports.export_response(
        fmt, "request-queue", [str(h) for h in QUEUE_HEADER], _queue_rows(filterset.qs)
    )
