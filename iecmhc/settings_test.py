"""The test suite's settings (pyproject.toml): the project's settings, read without the
developer's `.env`, so a fresh clone's `make run` then `make test` pass and the tests see only
what they set. The processes the tests start inherit DJANGO_ENV_FILE and read none either.

What every test wants differently from production is set here, once, rather than by a fixture
around each test (each setting changed there fires Django's setting_changed signal twice a
test, several of whose receivers empty a cache). tests/test_security.py sets the production
values back where they are the subject."""

import os

os.environ["DJANGO_ENV_FILE"] = ""

from iecmhc.settings import *  # noqa: F403
from iecmhc.settings import STORAGES

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Hashing at full strength costs ~0.3 s a user; the tests make hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Rate limits are tested where they are the subject (tests/test_security.py); elsewhere
# hundreds of requests from one address would trip them. tests/conftest.py empties the cache
# before each test, so counters never leak from one test to the next.
RATE_LIMITS_ENABLED = False
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Unused by the code, but the migrations create its table as they do production's (the
    # database cache's), for the tests that put the default cache back in the database.
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    },
}
# Plain HTTP in tests, as on a developer's machine (the browser tests' live server too);
# tests/test_security.py checks the HTTPS-only production settings themselves.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
# No collected static files: whitenoise would scan a local staticfiles/ folder for every test
# client (a third of a second each); the finders serve static/ directly, and pages render
# {% static %} without a collectstatic manifest.
STATIC_ROOT = None
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
