"""The front door's public pages: ask for a consultant, confirm by the emailed link, follow."""

from django.urls import path

from consultations import intake_views as views

app_name = "intake"

urlpatterns = [
    path("ask/", views.ask, name="ask"),
    path("ask/sent/", views.sent, name="sent"),
    path("ask/confirm/<str:token>/", views.confirm, name="confirm"),
    path("follow/<str:token>/", views.follow, name="follow"),
]
