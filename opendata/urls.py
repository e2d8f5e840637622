from django.urls import path

from opendata import views

app_name = "hsds"

urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("services", views.ServiceListView.as_view(), name="service-list"),
    path("services/<str:record_id>", views.ServiceDetailView.as_view(), name="service-detail"),
    path("organizations", views.OrganizationListView.as_view(), name="organization-list"),
    path(
        "organizations/<str:record_id>",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path(
        "service_at_locations",
        views.ServiceAtLocationListView.as_view(),
        name="service-at-location-list",
    ),
    path("taxonomies", views.TaxonomyListView.as_view(), name="taxonomy-list"),
    path("taxonomy_terms", views.TaxonomyTermListView.as_view(), name="taxonomy-term-list"),
    path("datapackage.zip", views.DatapackageView.as_view(), name="datapackage"),
]
