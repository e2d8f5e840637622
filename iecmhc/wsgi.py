"""WSGI entry point (gunicorn iecmhc.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iecmhc.settings")

application = get_wsgi_application()

# Load the offline ZIP code table before the first request (gunicorn preloads this module in
# its master, so every worker starts with it).
from directory import geo  # noqa: E402

geo.warm_up()
