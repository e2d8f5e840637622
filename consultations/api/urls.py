from django.urls import path
from rest_framework.routers import SimpleRouter

from consultations import funder_views
from consultations.api import reports, views, whatif

router = SimpleRouter()
router.register("requests", views.RequestViewSet, basename="request")

urlpatterns = [
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    path("matching/run/", views.MatchingRunView.as_view(), name="matching-run"),
    path("matching/what-if/", whatif.WhatIfView.as_view(), name="matching-what-if"),
    path("reports/reach/", reports.ReachView.as_view(), name="report-reach"),
    path("reports/funder/", funder_views.FunderReportView.as_view(), name="funder-report"),
    *router.urls,
]
