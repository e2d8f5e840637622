from django.urls import path
from rest_framework.routers import SimpleRouter

from consultations.api import views

router = SimpleRouter()
router.register("requests", views.RequestViewSet, basename="request")

urlpatterns = [
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    *router.urls,
]
