"""The funder report's page and API, and their CSV and XLSX downloads (Alliance admins only;
a download has exactly the page's rights)."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAllianceAdmin
from consultations import exports
from consultations.forms import ReportRangeForm
from consultations.funder_report import BREAKDOWN_LABELS, funder_report
from iecmhc.pages import alliance_required


class FunderReportForm(ReportRangeForm):
    by = forms.ChoiceField(
        label=_("Broken down by"), choices=list(BREAKDOWN_LABELS.items()), required=False
    )
    download = forms.ChoiceField(
        label=_("Download as"),
        choices=[("", _("Show on the page")), ("csv", "CSV"), ("xlsx", "XLSX")],
        required=False,
    )


def _report_from(form) -> dict:
    data = form.cleaned_data
    return funder_report(
        date_from=data.get("date_from"), date_to=data.get("date_to"), by=data.get("by") or "county"
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
        for row in [*report["rows"], report["totals"]]:
            row["cells"] = [(label, row[key]) for key, label in report["columns"]]
    return render(
        request, "consultations/alliance/funder_report.html", {"form": form, "report": report},
        status=status,
    )  # fmt: skip


@extend_schema(summary="The funder report (Alliance admins); ?download=csv|xlsx downloads it")
class FunderReportView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsAllianceAdmin]

    def get(self, request):
        form = FunderReportForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        report = _report_from(form)
        fmt = form.cleaned_data.get("download")
        if fmt in exports.FORMATS:
            header, rows = exports.funder_rows(report)
            return exports.export_response(fmt, "funder-report", header, rows)
        report["by_label"] = str(report["by_label"])
        report["columns"] = [[key, str(label)] for key, label in report["columns"]]
        report["totals"]["label"] = str(report["totals"]["label"])
        return Response(report)
