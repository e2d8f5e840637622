"""Endpoints against /healthz on the production server (issue 19): `make serve` (gunicorn,
DEBUG off, persistent connections) on PostgreSQL with a seeded data set, each endpoint sampled
interleaved with /healthz by one client, so both see the same machine load.

    DATABASE_URL=postgres://... python bench/endpoints.py --runs 200
    python bench/endpoints.py --seed national      # seed_demo's national set first (idempotent)

Prints, per endpoint: p50 and p95 latency (ms, wall clock at the client), the ratio of its p50 to
/healthz's p50 in the same run, the p50 of its server time (gunicorn's own measure of each
request, from reading it to the response's last byte, from its access log), its SQL queries
(counted in-process with the test client; for the cached anonymous directory pages, a cache hit
/ a miss) and its CPU per request: the gunicorn workers' and the PostgreSQL backends' serving
this database, read from /proc around each request (the client sends one request at a time, so
the deltas are that request's). Writes
bench/results/endpoints.json with the data set's sizes and the load average.
"""

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

import _setup

# The server's start and stop, as bench/load.py does them (not imported from there: locust,
# which it loads, patches the standard library's sockets).

SERVER_LOG = _setup.RESULTS / "endpoints_server.log"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], log) -> subprocess.Popen:
    """`make serve` in its own process group (check --deploy, collectstatic, gunicorn)."""
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "serve"]
    command.append(f"PORT={env['PORT']}")
    return subprocess.Popen(
        command,
        cwd=_setup.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_ready(proc: subprocess.Popen, base: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}; see {SERVER_LOG}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.HTTPError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s; see {SERVER_LOG}")


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM to the whole group (make, gunicorn's master and workers), then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, 40), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def cpu_ms(pids) -> dict[int, float]:
    """CPU time (user + system, ms) of each process that still exists."""
    found = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            found[pid] = (int(fields[11]) + int(fields[12])) * 1000 / TICKS
        except (OSError, IndexError, ValueError):
            continue
    return found


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings: by the processes in the second (one that started in
    between counts from zero: a new database connection is part of the request's cost)."""
    return sum(ms - before.get(pid, 0.0) for pid, ms in after.items())


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True)
    return [int(p) for p in out.stdout.split()]


def server_pids(make_pid: int) -> list[int]:
    """Every process under `make serve` (the shell, gunicorn's master and its workers)."""
    found, todo = [], [make_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children(pid))
    return found


def backend_pids(cursor, database: str) -> list[int]:
    cursor.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [database],
    )
    return [row[0] for row in cursor.fetchall()]


# Each request carries a sequence number that gunicorn's access log repeats beside the time it
# took (%(D)s, microseconds), so the log gives every sample its server time.
ACCESS_LOG_FORMAT = "bench-seq=%({x-bench-seq}i)s server-us=%(D)s"
SERVER_TIME = re.compile(r"bench-seq=(\d+) server-us=(\d+)")


def server_times(log_path) -> dict[int, float]:
    """Server time (ms) of each numbered request, from the access log."""
    found = {}
    with open(log_path, errors="replace") as log:
        for line in log:
            match = SERVER_TIME.search(line)
            if match:
                found[int(match.group(1))] = int(match.group(2)) / 1000
    return found


def request(method: str, url: str, token: str | None, seq: int | None = None) -> int:
    headers = {"Accept": "application/json"}
    if seq is not None:
        headers["X-Bench-Seq"] = str(seq)
    if token:
        headers["Authorization"] = f"Token {token}"
    req = urllib.request.Request(
        url, method=method, headers=headers, data=b"" if method == "POST" else None
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def plan(rng: random.Random) -> tuple[list[dict], dict]:
    """The endpoints: (label, method, a path or a function giving the next path, token)."""
    from django.contrib.auth import get_user_model

    from accounts.services import user_token_issue
    from consultations.models import ConsultationRequest
    from directory.models import Consultant, Program

    User = get_user_model()
    admin = user_token_issue(user=User.objects.get(username="demo-admin")).key
    approved = list(
        Consultant.objects.filter(listing_status="approved").values_list("pk", flat=True)
    )
    open_ids = list(
        ConsultationRequest.objects.filter(status="submitted").values_list("pk", flat=True)
    )
    offered = list(
        ConsultationRequest.objects.filter(status="offered")
        .order_by("pk")
        .values_list("pk", "consultant__user_id")
    )
    rng.shuffle(offered)
    tokens = {}

    def accept_path():
        if not offered:
            return None, None
        pk, user_id = offered.pop()
        if user_id not in tokens:
            tokens[user_id] = user_token_issue(user=User.objects.get(pk=user_id)).key
        return f"/api/v1/requests/{pk}/accept/", tokens[user_id]

    endpoints = [
        {"label": "directory, default page", "path": "/api/v1/consultants/"},
        {"label": "directory page 10", "path": "/api/v1/consultants/?page=10"},
        {"label": "directory page_size=100", "path": "/api/v1/consultants/?page_size=100"},
        {"label": "directory q=reflective", "path": "/api/v1/consultants/?q=reflective"},
        {"label": "directory q=Hernandez", "path": "/api/v1/consultants/?q=Hernandez"},
        {"label": "directory q=infant", "path": "/api/v1/consultants/?q=infant"},
        {
            "label": "directory near_zip=53703 50 mi",
            "path": "/api/v1/consultants/?near_zip=53703&radius_miles=50",
        },
        {
            "label": "directory q=reflective, admin",
            "path": "/api/v1/consultants/?q=reflective",
            "token": admin,
        },
        {
            "label": "consultant detail",
            "path": lambda: f"/api/v1/consultants/{rng.choice(approved)}/",
        },
        {"label": "request list (admin)", "path": "/api/v1/requests/", "token": admin},
        {
            "label": "request list ?status=submitted",
            "path": "/api/v1/requests/?status=submitted",
            "token": admin,
        },
        {
            "label": "request detail (admin)",
            "path": lambda: f"/api/v1/requests/{rng.choice(open_ids)}/",
            "token": admin,
        },
        {
            "label": "matches for one request",
            "path": lambda: f"/api/v1/requests/{rng.choice(open_ids)}/matches/",
            "token": admin,
        },
        {"label": "accept an offer", "method": "POST", "next": accept_path, "last": True},
        {
            "label": "directory, default page, miss",
            "path": "/api/v1/consultants/",
            "miss": True,
            "last": True,
        },
        {
            "label": "directory q=infant, miss",
            "path": "/api/v1/consultants/?q=infant",
            "miss": True,
            "last": True,
        },
    ]
    sizes = {
        "consultants": Consultant.objects.count(),
        "approved_consultants": len(approved),
        "programs": Program.objects.count(),
        "requests": ConsultationRequest.objects.count(),
        "open_requests": len(open_ids),
        "offered_requests": len(offered),
    }
    return endpoints, sizes


def count_queries(endpoints) -> dict[str, str]:
    """SQL queries of one call of each endpoint, in-process (a cache miss / hit for anonymous)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directory import listing_version

    counts = {}
    for endpoint in endpoints:
        if endpoint.get("method") == "POST":
            continue
        path = endpoint["path"]() if callable(endpoint["path"]) else endpoint["path"]
        token = endpoint.get("token")
        client = Client(HTTP_AUTHORIZATION=f"Token {token}") if token else Client()
        listing_version.bump()
        seen = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, HTTP_ACCEPT="application/json")
            assert response.status_code == 200, (path, response.status_code)
            seen.append(len(queries))
        anonymous_list = not token and path.startswith("/api/v1/consultants/")
        anonymous_list = anonymous_list and path.split("?")[0] == "/api/v1/consultants/"
        counts[endpoint["label"]] = f"{seen[1]}/{seen[0]}" if anonymous_list else str(seen[1])
    return counts


def percentile(samples, q) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", choices=["none", "national"], default="none")
    parser.add_argument("--label", default="", help="a name for the data set in the results")
    args = parser.parse_args()
    environ = dict(os.environ)
    _setup.setup_django()
    if args.seed == "national":
        _setup.seed(
            consultants=5000,
            programs=200_000,
            requests=20_000,
            open_requests=14_000,
            states="all",
            verbosity=1,
        )
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]  # the test client's host, for the in-process query counts
    rng = random.Random(2026)
    endpoints, sizes = plan(rng)
    print(", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sizes.items()))
    queries = count_queries(endpoints)
    connection.close()

    port = free_port()
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        environ.pop(name, None)
    server_env = {
        **environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": environ.get("DJANGO_SECRET_KEY") or "bench-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_RATE_LIMITS": "off",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "WEB_CONCURRENCY": str(args.workers),
        "PORT": str(port),
        # Workers are not recycled during a run (production recycles them every 2,000 or so
        # requests): a new worker's CPU would be missed and its cold start timed.
        "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_LOG_FORMAT}' --max-requests 0",
    }
    base = f"http://127.0.0.1:{port}"
    database = connection.settings_dict["NAME"]
    load_before = [round(x, 2) for x in os.getloadavg()]
    samples = {e["label"]: [] for e in endpoints} | {"/healthz": []}
    cpu = {label: [] for label in samples}
    sequence = {label: [] for label in samples}  # each sample's number in the access log
    _setup.RESULTS.mkdir(parents=True, exist_ok=True)
    with SERVER_LOG.open("w") as log:
        server = start_server(server_env, log)
        try:
            wait_until_ready(server, base)
            time.sleep(1)
            workers = server_pids(server.pid)
            with connection.cursor() as cursor:
                counter = iter(range(1, 10**9))

                def timed(label, method, path, token):
                    backends = backend_pids(cursor, database)
                    app0, db0 = cpu_ms(workers), cpu_ms(backends)
                    seq = next(counter)
                    started = time.perf_counter()
                    status = request(method, base + path, token, seq)
                    elapsed = (time.perf_counter() - started) * 1000
                    backends = set(backends) | set(backend_pids(cursor, database))
                    app = cpu_delta(app0, cpu_ms(workers))
                    cpu[label].append((app, cpu_delta(db0, cpu_ms(backends))))
                    if status not in (200, 409) or (method == "GET" and status != 200):
                        raise RuntimeError(f"{method} {path}: {status}")
                    samples[label].append(elapsed)
                    sequence[label].append(seq)

                from directory import listing_version

                # The reads first; then what changes the listing version (the accepts, whose
                # caseload writes empty the anonymous pages' cache, and a forced miss).
                reads = [e for e in endpoints if not e.get("last")]
                writes = [e for e in endpoints if e.get("last")]
                phases = [(reads, args.runs + 3), (writes, min(args.runs, 100) + 3)]
                for group, rounds in phases:
                    for round_ in range(rounds):
                        for endpoint in group:
                            if endpoint.get("method") == "POST":
                                path, token = endpoint["next"]()
                                if path is None:
                                    continue
                            else:
                                path = endpoint["path"]
                                path = path() if callable(path) else path
                                token = endpoint.get("token")
                            if endpoint.get("miss"):
                                listing_version.bump()
                            timed("/healthz", "GET", "/healthz", None)
                            timed(endpoint["label"], endpoint.get("method", "GET"), path, token)
                        if round_ < 3 and group is reads:  # warm-up: caches, connections, imports
                            for label in samples:
                                samples[label].clear()
                                cpu[label].clear()
                                sequence[label].clear()
        finally:
            stop_server(server)
    load_after = [round(x, 2) for x in os.getloadavg()]
    logged = server_times(SERVER_LOG)
    health = statistics.median(samples["/healthz"])
    rows = []
    header = (
        f"{'endpoint':<34} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>6} {'server':>7} "
        f"{'SQL':>5} {'CPU app+db ms':>15}"
    )
    print(f"\n{args.label or database}: load average {load_before} before, {load_after} after")
    print(header)
    for label, values in samples.items():
        if not values:
            continue
        app = statistics.median(c[0] for c in cpu[label])
        db = statistics.median(c[1] for c in cpu[label])
        app_mean = statistics.fmean(c[0] for c in cpu[label])
        db_mean = statistics.fmean(c[1] for c in cpu[label])
        server_ms = [logged[seq] for seq in sequence[label] if seq in logged]
        row = {
            "endpoint": label,
            "n": len(values),
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "ratio_to_healthz": round(statistics.median(values) / health, 2),
            "server_p50_ms": round(statistics.median(server_ms), 2) if server_ms else None,
            "server_p95_ms": round(percentile(server_ms, 0.95), 2) if server_ms else None,
            "sql_queries": queries.get(label, "4" if label == "/healthz" else "-"),
            "cpu_app_ms_mean": round(app_mean, 2),
            "cpu_db_ms_mean": round(db_mean, 2),
            "cpu_app_ms_median": app,
            "cpu_db_ms_median": db,
        }
        rows.append(row)
        print(
            f"{label:<34} {row['n']:>4} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
            f"{row['ratio_to_healthz']:>5.1f}x {row['server_p50_ms'] or 0:>7.1f} "
            f"{row['sql_queries']:>5} "
            f"{app_mean:>7.1f} + {db_mean:<6.1f}"
        )
    path = _setup.write_results(
        "endpoints" + (f"_{args.label}" if args.label else ""),
        {
            "data_set": sizes,
            "label": args.label,
            "database": database,
            "workers": args.workers,
            "runs": args.runs,
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "results": rows,
        },
    )
    print(f"\nWritten to {path.relative_to(_setup.ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
