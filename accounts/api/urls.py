from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="auth-register"),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/token/rotate/", views.TokenRotateView.as_view(), name="auth-token-rotate"),
    path("me/", views.MeView.as_view(), name="me"),
]
