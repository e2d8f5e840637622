"""Load benchmark: the production server (`make serve`: gunicorn, DEBUG off) on PostgreSQL with
the national demo data, under a mix of directory searches, request reads and accepts from many
simulated users at once (locust, run as a library), for a fixed time.

    make load                # or: DATABASE_URL=postgres://... python bench/load.py
    python bench/load.py --duration 60 --users 50 --workers 4

Steps: build the data (seed_demo, idempotent); issue DRF tokens and pick what each simulated
user will touch, through the ORM; make offers through consultations.services.request_offer
when too few requests wait for an answer; start `make serve` on a free port; run the mix;
stop the server; verify through the ORM that no write was lost; close (through the close
service) the engagements the run accepted, so repeated runs find room (--keep leaves them).

The mix, in tasks per 100 (each simulated user waits 0..--think seconds between tasks):

    40  anonymous directory search   GET /api/v1/consultants/ with one of: page, county,
                                     language, specialty + accepting, near_zip + radius_miles,
                                     q, county + specialty + accepting
    15  anonymous consultant profile GET /api/v1/consultants/{id}/
    10  program member, requests     GET /api/v1/requests/
    10  program member, a request    GET /api/v1/requests/{id}/
    10  consultant, caseload         GET /api/v1/caseload/
    12  consultant accepts an offer  POST /api/v1/requests/{id}/accept/ (one in ten is sent
                                     twice at once, a double click: one 200, one 409)
     3  admin, priority queue        GET /api/v1/requests/?status=submitted&urgency=priority

An accept answers 200 or 409 (caseload full, already answered); both are correct and counted
apart. Any other status, or any status other than 200 for a read, is an error. Throughput and
latency count the requests that finished in the --duration seconds after every user started;
errors and accepts count the whole run. Prints a table, writes bench/results/load.json and
exits non-zero if a check fails.
"""

import argparse
import math
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

import _setup
import gevent
from locust import FastHttpUser, between, task
from locust.env import Environment

SERVER_LOG = _setup.RESULTS / "load_server.log"
ACCEPT = "POST /api/v1/requests/{id}/accept/"
SEARCH = "GET /api/v1/consultants/?"
DOUBLE_CLICK_SHARE = 0.1  # accepts sent twice at once
PROGRAM_USERS = 400
CONSULTANT_READERS = 400  # consultants reading their caseload, besides those with offers
Q_WORDS = ("reflective", "trauma", "toddler", "home visiting", "bilingual", "Pyramid", "infant")


# --- the plan: who the simulated users are and what they touch ------------------------------


@dataclass
class Plan:
    consultant_ids: list[int]
    county_ids: list[int]
    languages: list[str]
    specialties: list[str]
    zips: list[str]
    words: list[str]
    pages: int
    program_users: list[tuple[str, list[int]]]  # (token, ids of requests they may read)
    caseload_tokens: list[str]
    admin_token: str
    offers: deque  # (request id, consultant id), each accepted once (or twice at once)
    consultant_tokens: dict[int, str]
    offers_at_start: int = 0


@dataclass
class Recorder:
    """Every response as locust reports it, and every accept's outcome by request."""

    samples: list = field(default_factory=list)  # (name, finished at, ms, ok)
    errors: Counter = field(default_factory=Counter)
    first_errors: list = field(default_factory=list)
    accepts: dict = field(default_factory=lambda: defaultdict(list))  # id → [(status, who)]
    accept_kinds: Counter = field(default_factory=Counter)
    accepted: list = field(default_factory=list)  # (request id, consultant id) answered 200
    in_flight: Counter = field(default_factory=Counter)
    double_clicks: int = 0
    replays: int = 0
    pool_empty_at: float | None = None
    server_exited: int | None = None  # its exit status, if the server stopped during the run

    def on_request(self, request_type, name, response_time, response, exception, **kw):
        finished = time.time()
        self.samples.append((name, finished, response_time, exception is None))
        if exception is not None:
            status = getattr(response, "status_code", 0) or 0
            self.errors[(name, status)] += 1
            if len(self.first_errors) < 10:
                self.first_errors.append(f"{name}: {exception}"[:400])


def _409_kind(detail: str) -> str:
    if "caseload is full" in detail:
        return "409 caseload full"
    if "cannot be accepted" in detail:
        return "409 already answered"
    if "no longer offered" in detail:
        return "409 no longer offered to you"
    return "409 other"


class Visitor(FastHttpUser):
    """One simulated person; each task picks who they are (anonymous, a program member, a
    consultant, the admin) from the plan."""

    plan: Plan
    recorder: Recorder
    wait_time = between(0, 0.5)

    def _get(self, path: str, name: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Token {token}"} if token else {}
        with self.client.get(path, name=name, headers=headers, catch_response=True) as resp:
            if resp.status_code == 200:
                resp.success()
            else:
                resp.failure(f"{resp.status_code} {(resp.text or '')[:200]}")

    @task(40)
    def directory_search(self) -> None:
        plan, r = self.plan, random
        kind = r.choice(("page", "county", "language", "specialty", "near_zip", "q", "combined"))
        if kind == "page":
            query = f"page={r.randint(1, plan.pages)}"
        elif kind == "county":
            query = f"county={r.choice(plan.county_ids)}"
        elif kind == "language":
            query = f"language={r.choice(plan.languages)}"
        elif kind == "specialty":
            query = f"specialty={r.choice(plan.specialties)}&accepting=true"
        elif kind == "near_zip":
            query = f"near_zip={r.choice(plan.zips)}&radius_miles={r.choice((10, 25, 50, 100))}"
        elif kind == "q":
            query = "q=" + r.choice(plan.words).replace(" ", "+")
        else:
            query = (
                f"county={r.choice(plan.county_ids)}&specialty={r.choice(plan.specialties)}"
                "&accepting=true"
            )
        self._get(f"/api/v1/consultants/?{query}", SEARCH + kind)

    @task(15)
    def consultant_profile(self) -> None:
        pk = random.choice(self.plan.consultant_ids)
        self._get(f"/api/v1/consultants/{pk}/", "GET /api/v1/consultants/{id}/")

    @task(10)
    def program_requests(self) -> None:
        token, _ = random.choice(self.plan.program_users)
        self._get("/api/v1/requests/", "GET /api/v1/requests/", token)

    @task(10)
    def program_request_detail(self) -> None:
        token, ids = random.choice(self.plan.program_users)
        self._get(f"/api/v1/requests/{random.choice(ids)}/", "GET /api/v1/requests/{id}/", token)

    @task(10)
    def caseload(self) -> None:
        self._get(
            "/api/v1/caseload/", "GET /api/v1/caseload/", random.choice(self.plan.caseload_tokens)
        )

    @task(3)
    def admin_queue(self) -> None:
        self._get(
            "/api/v1/requests/?status=submitted&urgency=priority",
            "GET /api/v1/requests/?status=submitted (admin)",
            self.plan.admin_token,
        )

    @task(12)
    def accept(self) -> None:
        plan, rec = self.plan, self.recorder
        if plan.offers:
            request_id, consultant_id = plan.offers.popleft()
        else:  # every offer answered: ask again for one already accepted (409 expected)
            if rec.pool_empty_at is None:
                rec.pool_empty_at = time.time()
            if not rec.accepted:
                return
            request_id, consultant_id = random.choice(rec.accepted)
            rec.replays += 1
        if random.random() < DOUBLE_CLICK_SHARE:
            rec.double_clicks += 1
            gevent.joinall(
                [gevent.spawn(self._accept, request_id, consultant_id) for _ in range(2)]
            )
        else:
            self._accept(request_id, consultant_id)

    def _accept(self, request_id: int, consultant_id: int) -> None:
        rec = self.recorder
        token = self.plan.consultant_tokens[consultant_id]
        rec.in_flight[request_id] += 1
        try:
            with self.client.post(
                f"/api/v1/requests/{request_id}/accept/",
                name=ACCEPT,
                headers={"Authorization": f"Token {token}"},
                catch_response=True,
            ) as resp:
                status = resp.status_code
                if status == 200:
                    kind = "200 accepted"
                    rec.accepted.append((request_id, consultant_id))
                    resp.success()
                elif status == 409:
                    try:
                        kind = _409_kind(str(resp.json().get("detail", "")))
                    except ValueError:
                        kind = "409 other"
                    resp.success()
                else:
                    kind = f"{status} (error)"
                    resp.failure(f"{status} {(resp.text or '')[:200]}")
                rec.accept_kinds[kind] += 1
                rec.accepts[request_id].append((status, consultant_id))
        finally:
            rec.in_flight[request_id] -= 1


# --- preparation through the ORM --------------------------------------------------------------


def _tokens_for(user_ids: set[int]) -> dict[int, str]:
    """A fresh API token for each user (only digests are stored, so existing keys cannot be
    read back), made in bulk rather than one sign-in each."""
    import secrets

    from accounts.authentication import token_digest
    from accounts.models import ApiToken

    keys = {uid: secrets.token_hex(20) for uid in user_ids}
    ApiToken.objects.bulk_create(
        [ApiToken(user_id=uid, digest=token_digest(key)) for uid, key in keys.items()],
        batch_size=2000,
    )
    return keys


def ensure_offers(*, admin, wanted: int, rng: random.Random) -> int:
    """Make offers through the offer service (as the admin) until `wanted` requests wait for an
    answer, to approved consultants with free places. Returns how many it made."""
    from django.db.models import F

    from consultations import services
    from consultations.models import ConsultationRequest
    from directory.models import Consultant
    from iecmhc.exceptions import StateConflict

    have = ConsultationRequest.objects.filter(status="offered").count()
    if have >= wanted:
        return 0
    need = wanted - have
    print(f"{have:,} requests wait for an answer; offering {need:,} more (request_offer)")
    roomy = list(
        Consultant.objects.filter(
            listing_status="approved",
            accepting_new_requests=True,
            max_caseload__gt=F("active_caseload") + F("open_offers"),
        ).values_list("pk", flat=True)
    )
    rng.shuffle(roomy)
    queue = ConsultationRequest.objects.filter(status="submitted").order_by("-pk")
    made, cursor, started = 0, 0, time.perf_counter()
    for request in queue.iterator(chunk_size=500):
        if made >= need or not roomy:
            break
        for _ in range(min(5, len(roomy))):
            cursor = (cursor + 1) % len(roomy)
            consultant = Consultant(pk=roomy[cursor])
            try:
                services.request_offer(actor=admin, consultation=request, consultant=consultant)
            except StateConflict:  # full, or declined this request before: the next one
                continue
            made += 1
            break
        if made and made % 500 == 0:
            print(f"  {made:,} offers ({time.perf_counter() - started:.0f} s)")
    print(f"  {made:,} offers made in {time.perf_counter() - started:.1f} s")
    return made


def build_plan(*, offers_wanted: int, seed: int) -> tuple[Plan, dict]:
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from consultations.models import ConsultationRequest
    from directory.models import Consultant, Program, ProgramMembership
    from directory.vocabularies import Specialty

    rng = random.Random(seed)
    admin = get_user_model().objects.get(username="demo-admin")
    made = ensure_offers(admin=admin, wanted=offers_wanted, rng=rng)

    approved = Consultant.objects.filter(listing_status="approved")
    consultant_ids = list(approved.values_list("pk", flat=True))
    county_ids = sorted(
        set(approved.exclude(counties_served=None).values_list("counties_served", flat=True))
    )
    languages = sorted(set(approved.exclude(languages=None).values_list("languages", flat=True)))
    names = list(approved.values_list("display_name", flat=True)[:2000])
    words = list(Q_WORDS) + [n.split()[-1] for n in rng.sample(names, min(20, len(names)))]
    program_ids = list(ConsultationRequest.objects.values_list("program_id", flat=True).distinct())
    zips = list(
        Program.objects.filter(pk__in=rng.sample(program_ids, min(300, len(program_ids))))
        .values_list("zip", flat=True)
        .distinct()
    )

    # Program members: directors of programs with requests, and each one's requests.
    members = list(
        ProgramMembership.objects.filter(
            program_id__in=rng.sample(program_ids, min(PROGRAM_USERS, len(program_ids))),
            user__role="program",
        ).values_list("user_id", "program_id")
    )
    requests_of: dict[int, list[int]] = defaultdict(list)
    for pk, program_id in ConsultationRequest.objects.filter(
        program_id__in={p for _, p in members}
    ).values_list("pk", "program_id"):
        requests_of[program_id].append(pk)
    readable: dict[int, list[int]] = defaultdict(list)
    for user_id, program_id in members:
        readable[user_id].extend(requests_of[program_id])

    # Consultants: every one with an offer waiting (they accept), and more who read caseloads.
    offered = list(
        ConsultationRequest.objects.filter(status="offered").values_list("pk", "consultant_id")
    )
    rng.shuffle(offered)
    engaged = list(
        Consultant.objects.filter(Q(requests__status="active") | Q(requests__status="offered"))
        .distinct()
        .values_list("pk", flat=True)
    )
    readers = set(rng.sample(engaged, min(CONSULTANT_READERS, len(engaged))))
    with_offers = {c for _, c in offered}
    user_of = dict(
        Consultant.objects.filter(pk__in=readers | with_offers).values_list("pk", "user_id")
    )

    keys = _tokens_for({*readable, *user_of.values(), admin.pk})
    consultant_tokens = {c: keys[u] for c, u in user_of.items()}
    plan = Plan(
        consultant_ids=consultant_ids,
        county_ids=county_ids,
        languages=languages,
        specialties=[code for code, _ in Specialty.choices],
        zips=zips,
        words=words,
        pages=max(1, min(10, math.ceil(len(consultant_ids) / 20))),
        program_users=[(keys[u], ids) for u, ids in readable.items() if ids],
        caseload_tokens=[consultant_tokens[c] for c in sorted(readers | with_offers)],
        admin_token=keys[admin.pk],
        offers=deque(offered),
        consultant_tokens=consultant_tokens,
        offers_at_start=len(offered),
    )
    sizes = {
        "consultants": Consultant.objects.count(),
        "approved_consultants": len(consultant_ids),
        "programs": Program.objects.count(),
        "requests": ConsultationRequest.objects.count(),
        "offers_waiting": len(offered),
        "offers_made_for_the_run": made,
        "program_users": len(plan.program_users),
        "consultant_users": len(consultant_tokens),
    }
    return plan, sizes


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], log) -> subprocess.Popen:
    """`make serve` in its own process group. `-o .venv/.installed`: never reinstall the
    virtualenv from here, even if requirements.txt is newer."""
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "serve"]
    command.append(f"PORT={env['PORT']}")  # on the command line: nothing overrides it
    return subprocess.Popen(
        command,
        cwd=_setup.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_until_ready(proc: subprocess.Popen, base: str, timeout: float = 600) -> str:
    """Poll /healthz (or, where it does not exist, /api/v1/vocabularies/) until it answers 200;
    returns the path that did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}; see {SERVER_LOG}")
        health = _status(base + "/healthz")
        if health == 200:
            return "/healthz"
        if health == 404 and _status(base + "/api/v1/vocabularies/") == 200:
            return "/api/v1/vocabularies/"
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s; see {SERVER_LOG}")


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM to the whole group (make, gunicorn's master and workers), then SIGKILL."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 40), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# --- the run, the figures, the checks ---------------------------------------------------------


def run_load(
    *, base: str, args, plan: Plan, recorder: Recorder, server: subprocess.Popen
) -> tuple[float, float]:
    """Spawn the users, then measure for --duration seconds (less if the server dies);
    returns the measured window."""
    Visitor.plan, Visitor.recorder = plan, recorder
    Visitor.wait_time = between(0, args.think)
    environment = Environment(user_classes=[Visitor], host=base, stop_timeout=40)
    environment.events.request.add_listener(recorder.on_request)
    runner = environment.create_local_runner()
    try:
        runner.start(args.users, spawn_rate=args.spawn_rate)
        runner.spawning_greenlet.join()
        started = time.time()
        print(f"{args.users} users running; measuring for {args.duration} s")
        while time.time() < started + args.duration and server.poll() is None:
            gevent.sleep(min(1.0, max(0.0, started + args.duration - time.time())))
        ended = time.time()
        if server.poll() is not None:
            recorder.server_exited = server.returncode
            print(f"The server exited during the run ({server.returncode}); see {SERVER_LOG}")
        runner.stop()  # lets every user finish the task it is in (stop_timeout)
    finally:
        runner.quit()
    for row in runner.exceptions.values():
        recorder.errors[("locust task exception", 0)] += row["count"]
        if len(recorder.first_errors) < 10:
            recorder.first_errors.append(row["msg"][:400])
    return started, ended


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def _row(times: list[float], seconds: float, errors: int) -> dict:
    ordered = sorted(times)
    if not ordered:
        return {"requests": 0, "rps": 0.0, "errors": errors}
    return {
        "requests": len(ordered),
        "rps": round(len(ordered) / seconds, 1),
        "median_ms": round(_percentile(ordered, 0.5), 1),
        "p95_ms": round(_percentile(ordered, 0.95), 1),
        "p99_ms": round(_percentile(ordered, 0.99), 1),
        "max_ms": round(ordered[-1], 1),
        "errors": errors,
    }


def figures(recorder: Recorder, started: float, ended: float) -> tuple[dict, dict]:
    seconds = ended - started
    by_name: dict[str, list[float]] = defaultdict(list)
    errors_by_name: Counter = Counter()
    for (name, _), count in recorder.errors.items():
        errors_by_name[name] += count
    for name, finished, ms, _ in recorder.samples:
        if started <= finished <= ended:
            by_name[name].append(ms)
    searches = [ms for name, times in by_name.items() if name.startswith(SEARCH) for ms in times]
    endpoints = {
        name: _row(by_name[name], seconds, errors_by_name[name]) for name in sorted(by_name)
    }
    endpoints["GET /api/v1/consultants/ (every search)"] = _row(
        searches, seconds, sum(n for k, n in errors_by_name.items() if k.startswith(SEARCH))
    )
    overall = _row(
        [ms for times in by_name.values() for ms in times],
        seconds,
        sum(recorder.errors.values()),
    )
    overall["requests_whole_run"] = len(recorder.samples)
    overall["seconds_measured"] = round(seconds, 1)
    return overall, endpoints


def verify(recorder: Recorder, plan_offers: dict[int, int], run_started) -> dict[str, dict]:
    """The checks, each {"pass": bool, "detail": str}, against the database after the run."""
    from django.db.models import Count, F, Q

    from consultations.models import ConsultationRequest, RequestEvent
    from directory.models import Consultant

    checks = {}
    unknown = {pk for pk, n in recorder.in_flight.items() if n}  # answer never arrived
    wins: dict[int, list[int]] = defaultdict(list)
    for pk, outcomes in recorder.accepts.items():
        wins[pk].extend(c for status, c in outcomes if status == 200)
    won = {pk: cs[0] for pk, cs in wins.items() if cs}
    rows = {
        pk: (status, consultant)
        for pk, status, consultant in ConsultationRequest.objects.filter(
            pk__in=recorder.accepts.keys()
        ).values_list("pk", "status", "consultant_id")
    }
    events: dict[int, list[int]] = defaultdict(list)
    for pk, consultant in RequestEvent.objects.filter(
        action="accepted", at__gte=run_started, request_id__in=recorder.accepts.keys()
    ).values_list("request_id", "consultant_id"):
        events[pk].append(consultant)

    lost = [
        pk for pk, c in won.items() if rows.get(pk) != ("active", c) or c not in events.get(pk, [])
    ]
    checks["every 200 accept is active with its consultant and an accepted event"] = {
        "pass": not lost,
        "detail": f"{len(won):,} accepted; {len(lost)} not: {sorted(lost)[:10]}",
    }
    doubled = [pk for pk, cs in wins.items() if len(cs) > 1]
    doubled += [pk for pk, cs in events.items() if len(cs) > 1 and pk not in doubled]
    checks["no request accepted twice (one 200 and one event per request)"] = {
        "pass": not doubled,
        "detail": f"{recorder.double_clicks} double clicks; twice accepted: {sorted(doubled)[:10]}",
    }
    stray = [pk for pk in events if pk not in won and pk not in unknown]
    untouched = [
        pk
        for pk in recorder.accepts
        if pk not in won
        and pk not in unknown
        and pk in plan_offers
        and rows.get(pk) != ("offered", plan_offers[pk])
    ]
    checks["a 409 changed nothing (no accepted event or status change without a 200)"] = {
        "pass": not stray and not untouched,
        "detail": f"events without a 200: {sorted(stray)[:10]}; changed: {sorted(untouched)[:10]}"
        + (f"; {len(unknown)} accepts unanswered at the stop, not judged" if unknown else ""),
    }
    counts = Consultant.objects.annotate(
        active=Count("requests", filter=Q(requests__status="active")),
        offered=Count("requests", filter=Q(requests__status="offered")),
    )
    over = list(
        counts.filter(
            Q(active_caseload__gt=F("max_caseload")) | Q(active__gt=F("max_caseload"))
        ).values_list("pk", flat=True)[:10]
    )
    checks["no consultant's caseload over its maximum"] = {
        "pass": not over,
        "detail": f"over: {over}" if over else f"{counts.count():,} consultants",
    }
    wrong_active = list(
        counts.exclude(active_caseload=F("active")).values_list("pk", "active_caseload", "active")[
            :10
        ]
    )
    checks["active_caseload = the consultant's active requests"] = {
        "pass": not wrong_active,
        "detail": f"(id, counter, requests): {wrong_active}" if wrong_active else "all equal",
    }
    wrong_offers = list(
        counts.exclude(open_offers=F("offered")).values_list("pk", "open_offers", "offered")[:10]
    )
    checks["open_offers = the consultant's offered requests"] = {
        "pass": not wrong_offers,
        "detail": f"(id, counter, requests): {wrong_offers}" if wrong_offers else "all equal",
    }
    checks["the server ran until the end"] = {
        "pass": recorder.server_exited is None,
        "detail": "yes"
        if recorder.server_exited is None
        else f"it exited with {recorder.server_exited} during the run (killed by someone?)",
    }
    checks["no errors (5xx, unexpected statuses, failed connections)"] = {
        "pass": not recorder.errors,
        "detail": f"{sum(recorder.errors.values())} errors",
    }
    return checks


def close_engagements(pairs: list[tuple[int, int]]) -> int:
    """Close (through the close service, as the admin) the engagements this run accepted, so
    the next run finds the same room on the caseloads."""
    from django.contrib.auth import get_user_model

    from consultations import services
    from consultations.models import ConsultationRequest
    from iecmhc.exceptions import StateConflict

    admin = get_user_model().objects.get(username="demo-admin")
    closed = 0
    for request in ConsultationRequest.objects.filter(
        pk__in={pk for pk, _ in pairs}, status="active"
    ):
        try:
            services.request_close(actor=admin, consultation=request, closure_reason="other")
            closed += 1
        except StateConflict:
            pass
    return closed


def print_report(overall: dict, endpoints: dict, recorder: Recorder, checks: dict) -> None:
    header = f"{'endpoint':<52} {'reqs':>6} {'rps':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>4}"
    print("\n" + header + "\n" + "-" * len(header))
    for name, row in [*endpoints.items(), ("overall", overall)]:
        if name == "overall":
            print("-" * len(header))
        if not row["requests"]:
            print(f"{name:<52} {0:>6}")
            continue
        print(
            f"{name:<52} {row['requests']:>6} {row['rps']:>6} {row['median_ms']:>7} "
            f"{row['p95_ms']:>7} {row['p99_ms']:>7} {row['errors']:>4}"
        )
    print(f"(latencies in ms; {overall['seconds_measured']} s measured)")
    print("\nAccepts: " + ", ".join(f"{k}: {n}" for k, n in sorted(recorder.accept_kinds.items())))
    print(
        f"  double clicks {recorder.double_clicks}, "
        f"repeats after the offers ran out {recorder.replays}"
    )
    if recorder.errors:
        print(f"\nErrors: {sum(recorder.errors.values())}")
        for (name, status), n in recorder.errors.most_common():
            print(f"  {n:>5}  {status}  {name}")
        for message in recorder.first_errors:
            print(f"  - {message}")
    print("\nChecks")
    for name, check in checks.items():
        print(f"  {'PASS' if check['pass'] else 'FAIL'}  {name}  ({check['detail']})")


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds measured (60)")
    parser.add_argument("--users", type=int, default=50, help="simulated users (50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started a second")
    parser.add_argument("--think", type=float, default=0.5, help="max wait between tasks (s)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument(
        "--offers",
        type=int,
        help="requests waiting for an answer before the run (default 25 a second measured)",
    )
    parser.add_argument(
        "--data",
        choices=("national", "wi", "none"),
        default="national",
        help="seed_demo first: the national set (matching.py's), the Wisconsin demo, or nothing",
    )
    parser.add_argument("--keep", action="store_true", help="leave the accepted engagements")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    random.seed(args.seed)
    signal.signal(signal.SIGTERM, _interrupted)  # so the server is stopped on a kill too

    environ = dict(os.environ)  # the server's environment, before _setup adjusts ours
    _setup.setup_django()
    if args.data == "national":
        _setup.seed(
            consultants=5000,
            programs=200_000,
            requests=20_000,
            open_requests=14_000,
            states="all",
            verbosity=1,
        )
    elif args.data == "wi":
        _setup.seed(verbosity=1)

    from django.utils import timezone

    offers = args.offers if args.offers is not None else int(25 * args.duration)
    plan, sizes = build_plan(offers_wanted=offers, seed=args.seed)
    plan_offers = dict(plan.offers)
    print(", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sizes.items()))

    port = free_port()
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):  # `make load`'s own
        environ.pop(name, None)
    server_env = {
        **environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": environ.get("DJANGO_SECRET_KEY") or "load-benchmark-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_RATE_LIMITS": "off",  # one address, thousands of requests
        # Notifications go to memory: the service is measured, not a mail server.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "WEB_CONCURRENCY": str(args.workers),
        "PORT": str(port),
    }
    base = f"http://127.0.0.1:{port}"
    recorder = Recorder()
    _setup.RESULTS.mkdir(parents=True, exist_ok=True)
    run_started = timezone.now()
    load_before = [round(x, 2) for x in os.getloadavg()]
    with SERVER_LOG.open("w") as log:
        print(f"Starting make serve on port {port} (check, collectstatic, gunicorn) ...")
        server = start_server(server_env, log)
        try:
            ready = wait_until_ready(server, base)
            print(f"make serve: {args.workers} workers on {base} (ready: {ready})")
            started, ended = run_load(
                base=base, args=args, plan=plan, recorder=recorder, server=server
            )
        finally:
            stop_server(server)
    overall, endpoints = figures(recorder, started, ended)
    checks = verify(recorder, plan_offers, run_started)
    print_report(overall, endpoints, recorder, checks)
    if recorder.pool_empty_at is not None:
        print(
            f"\nWARNING: the {plan.offers_at_start} offers ran out after "
            f"{recorder.pool_empty_at - started:.0f} s; raise --offers"
        )

    result = {
        "settings": {
            "users": args.users,
            "spawn_rate": args.spawn_rate,
            "think_seconds_max": args.think,
            "duration_seconds": args.duration,
            "server": "make serve (gunicorn iecmhc.wsgi), DJANGO_DEBUG=false",
            "workers": args.workers,
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "sizes": sizes,
        "overall": overall,
        "endpoints": endpoints,
        "accepts": {
            **dict(sorted(recorder.accept_kinds.items())),
            "double_clicks": recorder.double_clicks,
            "repeats_after_offers_ran_out": recorder.replays,
            "offers_at_start": plan.offers_at_start,
            "offers_ran_out_after_seconds": round(recorder.pool_empty_at - started, 1)
            if recorder.pool_empty_at is not None
            else None,
        },
        "errors": {
            "count": sum(recorder.errors.values()),
            "by_endpoint_and_status": {f"{s} {n}": c for (n, s), c in recorder.errors.items()},
            "first": recorder.first_errors,
        },
        "checks": checks,
    }
    if not args.keep and recorder.accepted:
        closed = close_engagements(recorder.accepted)
        print(f"\nClosed the run's {closed:,} engagements (--keep leaves them)")
    path = _setup.write_results("load", result)
    print(f"Written to {path.relative_to(_setup.ROOT)}; server log {SERVER_LOG}")
    return 0 if all(c["pass"] for c in checks.values()) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("Interrupted; the server was stopped.")
