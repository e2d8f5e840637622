"""Pages for programs (requests) and consultants (offers, caseload, contacts, closure)."""

from django.urls import path

from consultations import intake_views, practice_views, views

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
    # The engagement's practice (issue 15): plan, scores, follow-up.
    path("requests/<int:pk>/plan/", practice_views.engagement_plan, name="engagement_plan"),
    path("requests/<int:pk>/scores/", practice_views.score_new, name="score_new"),
    path("requests/<int:pk>/follow-up/", practice_views.follow_up_answer, name="follow_up_answer"),
    path("requests/<int:pk>/call/", intake_views.log_call, name="log_call"),
    path("offers/", views.offers, name="offers"),
    path("caseload/", views.caseload, name="caseload"),
]
