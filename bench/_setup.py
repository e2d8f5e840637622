"""Shared set-up of the benchmarks: the PostgreSQL database, Django, the data set and timing."""

import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/iecmhc_bench"


def ensure_database(url: str) -> None:
    """Create the benchmark database if the server does not have it yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                print(f"Creating database {name}")
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def setup_django(*, migrate: bool = True) -> None:
    """Point Django at the benchmark database (PostgreSQL only) and migrate it (unless a
    read-only benchmark asks not to)."""
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL (or BENCH_DATABASE_URL).")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    # The benchmarks call the app in-process over plain HTTP (no TLS proxy in front).
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
    os.environ["DJANGO_RATE_LIMITS"] = "off"
    # Notifications go to memory: the benchmarks measure the service, not a mail server.
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iecmhc.settings")
    sys.path.insert(0, str(ROOT))
    ensure_database(url)

    import warnings

    import django
    from django.core.management import call_command

    warnings.filterwarnings("ignore", message="No directory at")

    django.setup()
    if migrate:
        call_command("migrate", verbosity=0, interactive=False)


def seed(**options) -> None:
    from django.core.management import call_command

    call_command("seed_demo", **options)


def timed(fn, *, runs: int, warmup: int = 3) -> dict[str, float]:
    """Run fn warmup + runs times; the median, p95 and max of the timed runs in ms."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "runs": runs,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 2),
        "max_ms": round(samples[-1], 2),
    }


def write_results(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path
