"""Gunicorn's settings for `make serve` (override any with GUNICORN_CMD_ARGS)."""

import os

from gunicorn.glogging import Logger

from iecmhc.security import redact

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
# Load the app (and the offline ZIP code table) once in the master; workers share it, so no
# worker pays for it on its first ZIP search, nor again when it is recycled.
preload_app = True
accesslog = "-"
errorlog = "-"
# Trust X-Forwarded-* only from the proxy in front (FORWARDED_ALLOW_IPS, default local).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


class RedactingLogger(Logger):
    """The access log without secrets: a password-reset link's token and token-like query
    parameters are masked before the line is written."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "{raw_uri}e"):
            if key in atoms and isinstance(atoms[key], str):
                atoms[key] = redact(atoms[key])
        return atoms


logger_class = RedactingLogger
