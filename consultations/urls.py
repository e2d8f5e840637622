"""Pages for programs (requests) and consultants (offers, caseload, contacts, closure)."""

from django.urls import path

from consultations import intake_views, views

app_name = "consultations"

urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("requests/<int:pk>/contacts/", views.contact_new, name="contact_new"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("requests/<int:pk>/call/", intake_views.log_call, name="log_call"),
    path("offers/", views.offers, name="offers"),
    path("caseload/", views.caseload, name="caseload"),
]
