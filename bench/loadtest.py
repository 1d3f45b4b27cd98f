"""`make loadtest`: 60 s at 64 connections mixing pages, exports, registrations and
cancellations on 50 events.

Serves a separate database (semaine_loadtest) with gunicorn as in production, rate limits off,
and a task queue worker sending the e-mails to a local SMTP sink (aiosmtpd); then checks in the
database that no registration was lost or overbooked, and in the sink that every registration
got its confirmation link, every confirmation its outcome and every promotion from a waitlist
its e-mail, once. After registering, a client waits for the e-mail and confirms its address
through the link, as a person would (double opt-in); a cancellation uses the link of the
person's e-mail too, and only for someone who got a seat: the seat goes to the waitlist.
Environment: LOADTEST_SECONDS (60), LOADTEST_CONCURRENCY (64), LOADTEST_EVENTS (50),
BENCH_PORT (8775), WEB_CONCURRENCY (gunicorn workers). Exits non-zero when a check fails.

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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.semaine.servers import SmtpSink  # noqa: E402 - the tests' real SMTP server

SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
CONCURRENCY = int(os.environ.get("LOADTEST_CONCURRENCY", "64"))
EVENTS = int(os.environ.get("LOADTEST_EVENTS", "50"))
# Small rooms and short waitlists, so that the run fills them and exercises all three answers.
CAPACITY_ONSITE, CAPACITY_ONLINE, WAITLIST = 8, 5, 5
bench.PORT = int(os.environ.get("BENCH_PORT", "8775"))
bench.DB_NAME = "semaine_loadtest"
HOST = "127.0.0.1"
CANCEL_RE = re.compile(r"/inscriptions/([^/\s\"<>]+)/annuler/")
CONFIRM_RE = re.compile(r"/inscriptions/([^/\s\"<>]+)/confirmer/")
# How long a client waits for the e-mail with the confirmation link.
CONFIRM_WAIT_SECONDS = 30
# After the run, how long the worker may take to send what is still queued.
DRAIN_SECONDS = int(os.environ.get("LOADTEST_DRAIN_SECONDS", "180"))


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
        self.cancelled = []  # e-mails cancelled through the link of their e-mail
        self.confirmed = []  # e-mails confirmed through their link: an outcome e-mail each
        self.refused_at_confirmation = []  # full waitlist when the address was confirmed
        self.unconfirmed = 0  # no confirmation e-mail within CONFIRM_WAIT_SECONDS
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


def register(client, rng, event_id, serial, mine):
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
    stored = bench.registration_stored(status, location)
    with stats.lock:
        if stored:
            stats.stored.append((event_id, email))
        elif status == 400 and "complet" in body:
            message = re.search(r"(Cet événement est complet[^<]*)", body)
            stats.refused.append((event_id, email, message.group(1) if message else ""))
        elif status:
            stats.unclassified.append((event_id, email, status, body[:200]))
    if stored:
        confirm(client, email, mine)


def confirm(client, email, mine):
    """Open the link of the confirmation e-mail, then press its button, as the person would."""
    deadline = time.monotonic() + CONFIRM_WAIT_SECONDS
    link = None
    while link is None and time.monotonic() < deadline:
        messages = client.sink.received(email)
        link = next((CONFIRM_RE.search(m["body"]) for m in messages), None)
        if link is None:
            time.sleep(0.2)
    stats = client.stats
    if link is None:
        with stats.lock:
            stats.unconfirmed += 1
        return
    path = link.group(0)
    status, _, page = client.request("confirm_form", "GET", path)
    token = bench.CSRF_RE.search(page)
    if status != 200 or not token:
        return
    status, _, page = client.request(
        "confirm_post", "POST", path, {"csrfmiddlewaretoken": token.group(1)}
    )
    with stats.lock:
        if status == 200 and "Votre inscription est confirmée" in page:
            stats.confirmed.append(email)
            # Those given a seat may cancel it later, freeing it for the waitlist.
            mine.append(email)
        elif status == 200 and "liste d" in page:
            stats.confirmed.append(email)
        elif status == 400 and "complet" in page:
            stats.refused_at_confirmation.append(email)
        elif status:
            stats.unclassified.append(("confirm", email, status, page[:200]))


def cancel(client, sink, mine):
    """Cancel one of this client's confirmed registrations through its e-mail's link."""
    for email in list(mine):
        messages = sink.received(email)
        link = next((CANCEL_RE.search(m["body"]) for m in messages if "annuler" in m["body"]), None)
        if not link:
            continue
        mine.remove(email)
        path = link.group(0)
        status, _, page = client.request("cancel_form", "GET", path)
        token = bench.CSRF_RE.search(page)
        if status != 200 or not token:
            return
        status, _, _ = client.request(
            "cancel_post", "POST", path, {"csrfmiddlewaretoken": token.group(1)}
        )
        if status == 200:
            with client.stats.lock:
                client.stats.cancelled.append(email)
        return


def worker(index, urls, event_ids, stats, deadline, sink):
    rng = random.Random(index)
    client = Client(stats)
    client.sink = sink
    serial = 0
    mine = []  # this client's confirmed registrations, not cancelled yet
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.35:
            serial += 1
            register(client, rng, rng.choice(event_ids), f"{index}-{serial}", mine)
        elif roll < 0.40:
            cancel(client, sink, mine)
        elif roll < 0.48:
            client.request("export", "GET", rng.choice(urls["export"]))
        elif roll < 0.56:
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


def replay_promotions() -> tuple[int, list[int]]:
    """Promotions made, found by replaying each event's registrations and cancellations in the
    order the site serialised them (under the event's row lock: registration times, then
    cancellation times), with the seat rules: first come first served, a freed seat goes to the
    first waiting. Independent of the e-mails it is then compared with; the final statuses it
    reaches are checked against the database's too (ids of registrations that differ)."""
    from events.models import Registration

    rows = Registration.objects.select_related("event").order_by("created_at", "id")
    timelines = collections.defaultdict(list)
    for row in rows:
        key = (row.event_id, row.mode)
        # `created_at`: when a seat was held (at submission), or, for one who had none, when
        # the address was confirmed and the seat or waitlist place given. A pending row without
        # a seat has taken nothing yet. (Rows refused at confirmation were deleted: they never
        # held anything.)
        if row.is_pending and not row.seat_held:
            timelines[key].append((row.created_at, 2, row))
            continue
        timelines[key].append((row.created_at, 0, row))
        if row.is_cancelled:
            timelines[key].append((row.updated_at, 1, row))
    promotions, mismatch = 0, []
    for (_, mode), timeline in timelines.items():
        event = timeline[0][2].event
        capacity = (
            event.capacity_onsite if mode == Registration.Mode.PRESENTIEL else event.capacity_online
        )
        confirmed, waiting, final = set(), collections.deque(), {}
        for _, kind, row in sorted(timeline, key=lambda item: (item[0], item[1], item[2].id)):
            if kind == 2:
                final[row.id] = Registration.Status.PENDING
            elif kind == 0 and (capacity is None or len(confirmed) < capacity):
                confirmed.add(row.id)
                # Still pending when the run ended: it holds its seat.
                final[row.id] = (
                    Registration.Status.PENDING if row.is_pending else Registration.Status.CONFIRMED
                )
            elif kind == 0:
                waiting.append(row.id)
                final[row.id] = Registration.Status.WAITLISTED
            elif row.id in confirmed:
                confirmed.discard(row.id)
                final[row.id] = Registration.Status.CANCELLED
                if waiting:
                    promoted = waiting.popleft()
                    confirmed.add(promoted)
                    final[promoted] = Registration.Status.CONFIRMED
                    promotions += 1
            else:
                waiting.remove(row.id)
                final[row.id] = Registration.Status.CANCELLED
        mismatch += [row.id for _, _, row in timeline if final[row.id] != row.status]
    return promotions, sorted(set(mismatch))


def check_database(stats) -> dict:
    from django.db.models import Count, Q

    from events.models import Event, Registration

    rows = dict(Registration.objects.values_list("email", "status"))
    cancelled = set(stats.cancelled)
    refused_at_confirmation = set(stats.refused_at_confirmation)
    lost = [
        email
        for _, email in stats.stored
        if rows.get(email) not in (*Registration.ACTIVE_STATUSES, Registration.Status.PENDING)
        and email not in cancelled
        and email not in refused_at_confirmation
    ]
    stored_emails = {email for _, email in stats.stored}
    refused_but_stored = [email for _, email, _ in stats.refused if email in rows]
    # Rows nobody was told about: only possible for answers cut off by a socket error.
    unreported = [email for email in rows if email not in stored_emails]
    overbooked, counter_mismatch = [], []
    # Seats taken: confirmed, or held by a registration still pending when the run ended.
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED) | Q(
        registrations__status=Registration.Status.PENDING, registrations__seat_held=True
    )
    Mode = Registration.Mode
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
    promoted, replay_mismatch = replay_promotions()
    return {
        "promoted": promoted,
        "replay_mismatch": replay_mismatch,
        "rows": len(rows),
        "confirmed": statuses.get(Registration.Status.CONFIRMED, 0),
        "waitlisted": statuses.get(Registration.Status.WAITLISTED, 0),
        "lost": lost,
        "refused_but_stored": refused_but_stored,
        "unreported": unreported,
        "overbooked": overbooked,
        "counter_mismatch": counter_mismatch,
    }


def wait_for_queue() -> bool:
    """Wait until the worker has sent every e-mail queued (DRAIN_SECONDS at most)."""
    from django.db import connection

    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM procrastinate_jobs"
                " WHERE task_name = 'events.emails.deliver' AND status IN ('todo', 'doing')"
            )
            if cursor.fetchone()[0] == 0:
                return True
        time.sleep(0.5)
    return False


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
    # The server's output (access log, errors) goes to a file.
    server_log = bench.OUT / "loadtest-server.log"
    server_log.parent.mkdir(parents=True, exist_ok=True)
    # E-mails: a task queue worker sends them to a local SMTP sink; retried within seconds.
    sink = SmtpSink()
    sink.start()
    env.update(sink.env())
    env.update({"EMAIL_RETRY_SECONDS": "1", "EMAIL_RETRY_MAX_SECONDS": "5"})
    worker_log = bench.OUT / "loadtest-worker.log"
    task_worker = subprocess.Popen(
        [bench.PY, "manage.py", "procrastinate", "worker"],
        cwd=bench.ROOT,
        env=env,
        stdout=worker_log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
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
            threading.Thread(
                target=worker, args=(i, urls, event_ids, stats, deadline, sink), daemon=True
            )
            for i in range(CONCURRENCY)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started
        drained = wait_for_queue()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        os.killpg(task_worker.pid, signal.SIGTERM)
        task_worker.wait(timeout=60)
        sink.stop()
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
        f"{len(stats.refused)} refused with a message, {len(stats.unclassified)} unclassified; "
        f"{len(stats.confirmed)} confirmed through the e-mail's link, "
        f"{len(stats.refused_at_confirmation)} refused then (waitlist full), "
        f"{stats.unconfirmed} without the e-mail in {CONFIRM_WAIT_SECONDS} s"
    )
    bench.log(
        f"database: {db['rows']} rows, lost={len(db['lost'])}, refused_but_stored="
        f"{len(db['refused_but_stored'])}, unreported={len(db['unreported'])}, "
        f"counter_mismatch={len(db['counter_mismatch'])}, "
        f"replay_mismatch={len(db['replay_mismatch'])}"
    )
    bench.log(f"overbooking={len(db['overbooked'])}")
    received = sink.received("charge-")
    # A confirmation link per registration, an outcome per confirmation, and the promotions.
    expected = len(stats.stored) + len(stats.confirmed) + db["promoted"]
    copies = collections.Counter(m["message_id"] for m in received)
    duplicates = sum(n - 1 for n in copies.values())
    emails_ok = drained and len(received) == expected and not duplicates
    bench.log(
        f"e-mails: {len(received)} received = {len(stats.stored)} registrations + "
        f"{len(stats.confirmed)} confirmations + {db['promoted']} promotions "
        f"({len(stats.cancelled)} cancellations)? "
        f"{'yes' if len(received) == expected else 'NO, expected ' + str(expected)}; "
        f"duplicates={duplicates}; queue drained={'yes' if drained else 'NO'} "
        f"(worker output in {worker_log})"
    )
    failed = (
        not emails_ok
        or server_errors
        or stats.unclassified
        or db["lost"]
        or db["refused_but_stored"]
        or db["overbooked"]
        or db["counter_mismatch"]
        or db["replay_mismatch"]
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
