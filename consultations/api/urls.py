from django.urls import path
from rest_framework.routers import SimpleRouter

from consultations import funder_views
from consultations.api import intake_views, reports, views, whatif

router = SimpleRouter()
router.register("requests", views.RequestViewSet, basename="request")

urlpatterns = [
    # Intake (issue 14): the front door, the first-contact clock, the brief team, the report.
    path("intake/", intake_views.PublicIntakeView.as_view(), name="intake"),
    path("intake/confirm/", intake_views.IntakeConfirmView.as_view(), name="intake-confirm"),
    path("phone-intake/", intake_views.PhoneIntakeView.as_view(), name="phone-intake"),
    path("requests/<int:pk>/first-call/", intake_views.FirstCallView.as_view(), name="first-call"),
    path("requests/<int:pk>/brief-team/", intake_views.BriefTeamView.as_view(), name="brief-team"),
    path(
        "reports/first-contact/",
        intake_views.FirstContactReportView.as_view(),
        name="report-first-contact",
    ),
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    path("matching/run/", views.MatchingRunView.as_view(), name="matching-run"),
    path("matching/what-if/", whatif.WhatIfView.as_view(), name="matching-what-if"),
    path("reports/reach/", reports.ReachView.as_view(), name="report-reach"),
    path("reports/funder/", funder_views.FunderReportView.as_view(), name="funder-report"),
    *router.urls,
]
