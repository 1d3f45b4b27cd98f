"""`make loadtest`: 60 s at 64 connections mixing pages, exports and registrations on 50 events.

Serves a separate database (semaine_loadtest) with gunicorn as in production, rate limits off,
then checks in the database that no registration was lost or overbooked. Environment:
LOADTEST_SECONDS (60), LOADTEST_CONCURRENCY (64), LOADTEST_EVENTS (50), BENCH_PORT (8775),
WEB_CONCURRENCY (gunicorn workers). Exits non-zero when a check fails.

A Python load generator rather than wrk: a registration is a GET of the form (CSRF token and
cookie) then a POST, and each answer has to be classified. One thread per connection; the
generator records how many requests were in flight at once, to show it drove them all.
"""

import collections
import http.client
import http.cookies
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402 - bench/run.py: bench_env, manage, registration_data…

SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
CONCURRENCY = int(os.environ.get("LOADTEST_CONCURRENCY", "64"))
EVENTS = int(os.environ.get("LOADTEST_EVENTS", "50"))
# Small rooms and short waitlists, so that the run fills them and exercises all three answers.
CAPACITY_ONSITE, CAPACITY_ONLINE, WAITLIST = 8, 5, 5
bench.PORT = int(os.environ.get("BENCH_PORT", "8775"))
bench.DB_NAME = "semaine_loadtest"
HOST = "127.0.0.1"


def prepare_events(env) -> list[int]:
    """Open every seeded event for registration, with small capacities and no registration."""
    bench.django_setup(env)
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from events.models import Event, Registration

    with transaction.atomic():
        Registration.objects.all().delete()
        ids = list(Event.objects.order_by("pk").values_list("pk", flat=True)[:EVENTS])
        start = timezone.now() + datetime.timedelta(days=7)
        for pk in ids:
            event = Event.objects.get(pk=pk)
            duration = min(event.end - event.start, datetime.timedelta(hours=4))
            Event.objects.filter(pk=pk).update(
                status=Event.Status.PUBLISHED,
                registration_required=True,
                start=start,
                end=start + max(duration, datetime.timedelta(hours=1)),
                capacity_onsite=CAPACITY_ONSITE if event.is_onsite else None,
                capacity_online=CAPACITY_ONLINE if event.is_online else None,
                confirmed_onsite=0,
                confirmed_online=0,
            )
        Event.objects.published().exclude(pk__in=ids).update(registration_required=False)
    return ids


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.kinds = collections.Counter()
        self.socket_errors = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.stored = []  # (event id, e-mail) answered by a redirect to the confirmation page
        self.refused = []  # (event id, e-mail, message) answered 400 with a message
        self.unclassified = []  # registration answers that are none of the above
        self.server_errors = []
        self.latencies = []

    def begin(self):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def end(self, kind, status, path, seconds):
        with self.lock:
            self.latencies.append(seconds)
            self.in_flight -= 1
            self.kinds[kind] += 1
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors.append((status, path))


class Client:
    """One connection (reopened when gunicorn's sync workers close it) and its cookies."""

    def __init__(self, stats):
        self.stats = stats
        self.conn = http.client.HTTPConnection(HOST, bench.PORT, timeout=60)
        self.cookies = {}

    def request(self, kind, method, path, body=None):
        headers = {"User-Agent": "semaine-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.stats.begin()
        started = time.monotonic()
        status = 0
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            status = response.status
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie()
                jar.load(header)
                self.cookies.update({name: morsel.value for name, morsel in jar.items()})
            return status, response.getheader("Location", ""), content.decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            with self.stats.lock:
                self.stats.socket_errors += 1
            return 0, "", ""
        finally:
            self.stats.end(kind, status, path, time.monotonic() - started)


def register(client, rng, event_id, serial):
    status, _, page = client.request(
        "registration_form", "GET", f"/evenements/{event_id}/inscription/"
    )
    email = f"charge-{serial}@exemple.fr"
    data = bench.registration_data(page, email, f"Essai {serial}", rng)
    if status != 200 or data is None:
        return
    status, location, body = client.request(
        "registration_post", "POST", f"/evenements/{event_id}/inscription/", data
    )
    stats = client.stats
    with stats.lock:
        if bench.registration_stored(status, location):
            stats.stored.append((event_id, email))
        elif status == 400 and "complet" in body:
            message = re.search(r"(Cet événement est complet[^<]*)", body)
            stats.refused.append((event_id, email, message.group(1) if message else ""))
        elif status:
            stats.unclassified.append((event_id, email, status, body[:200]))


def worker(index, urls, event_ids, stats, deadline):
    rng = random.Random(index)
    client = Client(stats)
    serial = 0
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.35:
            serial += 1
            register(client, rng, rng.choice(event_ids), f"{index}-{serial}")
        elif roll < 0.45:
            client.request("export", "GET", rng.choice(urls["export"]))
        elif roll < 0.55:
            client.request("api", "GET", rng.choice(urls["api"]))
        else:
            client.request("page", "GET", rng.choice(urls["page"]))


def build_urls(event_ids) -> dict:
    from events.models import Event
    from semaine.models import Region

    regions = list(Region.objects.values_list("code", flat=True))
    events = Event.objects.filter(pk__in=event_ids)
    pages = ["/", "/evenements/", "/offres/", "/partenaires/"]
    pages += [event.get_absolute_url() for event in events]
    pages += [f"/evenements/?region={code}" for code in regions]
    pages += [f"/evenements/region/{code}/" for code in regions]
    exports = [f"/evenements/export.{fmt}" for fmt in ("csv", "xlsx", "ics", "json")]
    exports += [f"/evenements/export.csv?region={code}" for code in regions[:6]]
    exports += [f"/evenements/{pk}.ics" for pk in event_ids[:10]]
    api = ["/api/v1/evenements/", "/api/v1/offres/"]
    api += [f"/api/v1/evenements/{pk}/" for pk in event_ids[:10]]
    return {"page": pages, "export": exports, "api": api}


def check_database(stats) -> dict:
    from django.db.models import Count, Q

    from events.models import Event, Registration

    rows = dict(Registration.objects.values_list("email", "status"))
    lost = [
        email for _, email in stats.stored if rows.get(email) not in Registration.ACTIVE_STATUSES
    ]
    stored_emails = {email for _, email in stats.stored}
    refused_but_stored = [email for _, email, _ in stats.refused if email in rows]
    # Rows nobody was told about: only possible for answers cut off by a socket error.
    unreported = [email for email in rows if email not in stored_emails]
    overbooked, counter_mismatch = [], []
    confirmed, Mode = Q(registrations__status=Registration.Status.CONFIRMED), Registration.Mode
    events = (
        Event.objects.filter(registrations__isnull=False)
        .distinct()
        .annotate(
            onsite=Count(
                "registrations", filter=confirmed & Q(registrations__mode=Mode.PRESENTIEL)
            ),
            online=Count(
                "registrations", filter=confirmed & Q(registrations__mode=Mode.DISTANCIEL)
            ),
        )
    )
    for event in events:
        if event.onsite != event.confirmed_onsite or event.online != event.confirmed_online:
            counter_mismatch.append(event.pk)
        if (event.capacity_onsite is not None and event.onsite > event.capacity_onsite) or (
            event.capacity_online is not None and event.online > event.capacity_online
        ):
            overbooked.append(event.pk)
    statuses = collections.Counter(rows.values())
    return {
        "rows": len(rows),
        "confirmed": statuses.get(Registration.Status.CONFIRMED, 0),
        "waitlisted": statuses.get(Registration.Status.WAITLISTED, 0),
        "lost": lost,
        "refused_but_stored": refused_but_stored,
        "unreported": unreported,
        "overbooked": overbooked,
        "counter_mismatch": counter_mismatch,
    }


def main():
    env = bench.bench_env()
    env["REGISTRATION_WAITLIST_LIMIT"] = str(WAITLIST)
    bench.log(
        f"load test: {EVENTS} events in database {bench.DB_NAME}, "
        f"{CONCURRENCY} connections, {SECONDS} s"
    )
    bench.manage(env, "migrate", "--noinput", "-v", "0")
    bench.manage(env, "seed_demo", "--size", str(EVENTS), "--offers", str(2 * EVENTS))
    bench.manage(env, "collectstatic", "--noinput", "-v", "0")
    event_ids = prepare_events(env)
    urls = build_urls(event_ids)

    redis, cache_url = bench.start_redis()
    if cache_url:
        env["CACHE_URL"] = cache_url
    # The server's output (access log, errors; e-mails only with EMAIL_BACKEND set) goes to a file.
    server_log = bench.OUT / "loadtest-server.log"
    server_log.parent.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [str(Path(bench.PY).parent / "gunicorn"), "semaine.wsgi", "-c", "gunicorn.conf.py"],
        cwd=bench.ROOT,
        env=env,
        stdout=server_log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stats = Stats()
    try:
        for _ in range(60):
            if bench.url_ok("/healthz"):
                break
            time.sleep(0.5)
        else:
            sys.exit("gunicorn did not answer on /healthz")
        deadline = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=worker, args=(i, urls, event_ids, stats, deadline), daemon=True)
            for i in range(CONCURRENCY)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if redis:
            redis.terminate()
            redis.wait(timeout=10)

    db = check_database(stats)
    requests = sum(stats.kinds.values())
    server_errors = sum(n for status, n in stats.statuses.items() if status >= 500)
    registrations = len(stats.stored) + len(stats.refused) + len(stats.unclassified)
    bench.log("")
    bench.log(
        f"requests: {requests} in {elapsed:.1f} s ({requests / elapsed:.1f}/s), "
        f"max in flight {stats.max_in_flight}"
    )
    latencies = sorted(stats.latencies) or [0]
    p50, p95 = (latencies[int(len(latencies) * q)] * 1000 for q in (0.5, 0.95))
    bench.log(f"latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    bench.log(f"by kind: {dict(stats.kinds)}")
    bench.log(f"by status: {dict(sorted(stats.statuses.items()))}")
    bench.log(f"errors: 5xx={server_errors} socket={stats.socket_errors}")
    bench.log(
        f"registrations: {registrations} submitted, {len(stats.stored)} stored "
        f"({db['confirmed']} confirmed, {db['waitlisted']} waitlisted in the database), "
        f"{len(stats.refused)} refused with a message, {len(stats.unclassified)} unclassified"
    )
    bench.log(
        f"database: {db['rows']} rows, lost={len(db['lost'])}, refused_but_stored="
        f"{len(db['refused_but_stored'])}, unreported={len(db['unreported'])}, "
        f"counter_mismatch={len(db['counter_mismatch'])}"
    )
    bench.log(f"overbooking={len(db['overbooked'])}")
    failed = (
        server_errors
        or stats.unclassified
        or db["lost"]
        or db["refused_but_stored"]
        or db["overbooked"]
        or db["counter_mismatch"]
        or db["unreported"]
        and not stats.socket_errors
    )
    if stats.server_errors:
        bench.log(f"first 5xx: {stats.server_errors[:5]}")
    if stats.unclassified:
        bench.log(f"first unclassified: {stats.unclassified[:3]}")
    bench.log(f"server output in {server_log}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
