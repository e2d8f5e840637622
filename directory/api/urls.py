from django.urls import path
from rest_framework.routers import SimpleRouter

from directory.api import credential_views, views

router = SimpleRouter()
router.register("consultants", views.ConsultantViewSet, basename="consultant")
router.register("programs", views.ProgramViewSet, basename="program")

urlpatterns = [
    path("counties/", views.CountyListView.as_view(), name="county-list"),
    path("languages/", views.LanguageListView.as_view(), name="language-list"),
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("vocabularies/", views.VocabularyView.as_view(), name="vocabularies"),
    path(
        "consultants/<int:pk>/endorsements/",
        credential_views.EndorsementListView.as_view(),
        name="consultant-endorsements",
    ),
    path(
        "consultants/<int:pk>/endorsements/<slug:category>/",
        credential_views.EndorsementDetailView.as_view(),
        name="consultant-endorsement",
    ),
    path(
        "consultants/<int:pk>/ledger/",
        credential_views.LedgerView.as_view(),
        name="consultant-ledger",
    ),
    path(
        "consultants/<int:pk>/ledger/<int:entry>/",
        credential_views.LedgerEntryView.as_view(),
        name="consultant-ledger-entry",
    ),
    *router.urls,
]
