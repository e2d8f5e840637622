from django.urls import path

from directory import credential_views, views

app_name = "directory"

urlpatterns = [
    path("directory/", views.consultant_directory, name="list"),
    path("directory/<int:pk>/", views.consultant_profile, name="profile"),
    path("listing/", views.my_listing, name="listing"),
    path("listing/edit/", views.listing_edit, name="listing_edit"),
    path("listing/submit/", views.listing_submit, name="listing_submit"),
    # Credentials and the renewal ledger (issue 16).
    path("listing/credentials/", credential_views.credentials, name="credentials"),
    path("listing/ledger/", credential_views.ledger, name="ledger"),
    path("listing/ledger.csv", credential_views.ledger_export, name="ledger_export"),
    path("programs/new/", views.program_new, name="program_new"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("alliance/listings/", views.listing_queue, name="listing_queue"),
    path("alliance/listings/<int:pk>/", views.listing_review, name="listing_review"),
]
