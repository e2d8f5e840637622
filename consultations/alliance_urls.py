"""The Alliance's pages: the request queue with ranked matches, batch matching, reports."""

from django.urls import path

from consultations import alliance_views as views
from consultations import funder_views, intake_views, report_exports

app_name = "alliance"

urlpatterns = [
    path("requests/", views.queue, name="queue"),
    # Intake (issue 14): phone intake and brief-team routing.
    path("requests/phone/", intake_views.phone_intake, name="phone_intake"),
    path("requests/<int:pk>/brief-team/", intake_views.route_brief, name="route_brief"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/offer/", views.offer, name="offer"),
    path("matching/", views.matching_preview, name="matching"),
    path("matching/confirm/", views.matching_confirm, name="matching_confirm"),
    path("matching/what-if/", views.matching_what_if, name="matching_what_if"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/reach.csv", views.reach_csv, name="reach_csv"),
    # Every table of the reports page (and reach, in XLSX too), with the page's range.
    *(
        path(
            f"reports/<slug:table>.{fmt}",
            report_exports.report_export,
            {"fmt": fmt},
            name=f"report_{fmt}",
        )
        for fmt in ("csv", "xlsx")
    ),
    *(
        path(f"requests/export.{fmt}", funder_views.queue_export, {"fmt": fmt}, name=f"queue_{fmt}")
        for fmt in ("csv", "xlsx")
    ),
    path("reports/funder/", funder_views.funder_report_page, name="funder_report"),  # issue 15
]
