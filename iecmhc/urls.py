from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from iecmhc import views

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("directory.api.urls")),
    path("", include("consultations.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include("accounts.urls")),
    # The language switcher (a form in base.html): POST language=<code>&next=<this page>.
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("", include("directory.urls")),
    path("", include("consultations.urls")),
    path("", include("consultations.intake_urls")),
    path("alliance/", include("consultations.alliance_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/hsds/", include("opendata.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's script is served as a file (the split view), so the page needs no inline
    # script; it does style its widgets inline, so style-src is relaxed on this page only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("healthz", views.healthz, name="healthz"),
]

# Errors Django answers itself (a bad request, a URL no route matches, a crash) are JSON
# under /api/, like every other API error, and HTML elsewhere.
handler400 = "iecmhc.exceptions.bad_request"
handler404 = "iecmhc.exceptions.page_not_found"
handler500 = "iecmhc.exceptions.server_error"
