from django.urls import path
from rest_framework.routers import SimpleRouter

from directory.api import views

router = SimpleRouter()
router.register("consultants", views.ConsultantViewSet, basename="consultant")
router.register("programs", views.ProgramViewSet, basename="program")

urlpatterns = [
    path("counties/", views.CountyListView.as_view(), name="county-list"),
    path("languages/", views.LanguageListView.as_view(), name="language-list"),
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("vocabularies/", views.VocabularyView.as_view(), name="vocabularies"),
    *router.urls,
]
