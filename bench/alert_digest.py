"""`make bench-alerts`: the daily « Prévenez-moi » digest of BENCH_ALERTS (100,000) alerts over
`make bench`'s dataset (100,000 events, 200,000 offers).

The alerts are confirmed a day ago, their selections drawn as people make them (a region, a
department, a department and a type, a region and a trade, a commune and a radius, keywords; a
fifth on the offers listing), one to three per address. BENCH_ALERT_NEW_EVENTS (2,000) upcoming
events and BENCH_ALERT_NEW_OFFERS (4,000) offers appeared during the last day, the rest a month
ago: what the week's busiest days publish. Then:

- the planning run (alerts.services.digests_plan): its time, the distinct selections it read,
  the digests and items it planned with their queued jobs, and the process's peak resident
  memory during the seeding and during the planning (VmHWM, reset between steps);
- the sending: BENCH_ALERT_SEND (2,000; 0: all) of the planned digests sent as a worker sends
  them (alerts.emails.send_digest: the row locked, the items read, the e-mail rendered and
  serialised to MIME bytes, marked sent), its rate, and what all of them would take at that
  rate for each of the task queue's workers.

Everything happens in one transaction rolled back at the end: the bench database is left as
it was. Run `make bench` first (it seeds the database).
"""

import contextlib
import logging
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ALERTS = int(os.environ.get("BENCH_ALERTS", "100000"))
NEW_EVENTS = int(os.environ.get("BENCH_ALERT_NEW_EVENTS", "2000"))
NEW_OFFERS = int(os.environ.get("BENCH_ALERT_NEW_OFFERS", "4000"))
SEND = int(os.environ.get("BENCH_ALERT_SEND", "2000"))
KEYWORDS = (
    "aide-soignant", "infirmière", "AES", "éducateur spécialisé", "auxiliaire de vie",
    "ehpad", "aide à domicile", "moniteur éducateur", "infirmier de nuit", "DEAES",
    "accompagnant éducatif", "puéricultrice", "ash", "aide médico-psychologique", "ambulancier",
)  # fmt: skip


class Rollback(Exception):
    pass


def peak_mb() -> float:
    """The process's peak resident memory since the last reset_peak() (Linux's VmHWM)."""
    status = Path("/proc/self/status").read_text()
    if "VmHWM" not in status:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def reset_peak() -> None:
    """From here, the peak is this step's own (Linux: "5" to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


class SerialisingBackend:
    """A mail server that takes everything: each message is serialised as SMTP would send it."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages) -> int:
        for message in messages:
            message.message().as_bytes()
        return len(messages)


def selections(rng):
    """Selections as people make them, with the repeats that makes: (nature, params), endless."""
    from events.models import Event
    from semaine.models import Commune, Department, Region, Trade

    regions = list(Region.objects.values_list("code", flat=True))
    departments = list(Department.objects.values_list("code", flat=True))
    trades = list(Trade.objects.current().values_list("code", flat=True))[:40]
    types = list(Event.Type.values)
    communes = list(
        Commune.objects.filter(population__gte=20000).values_list("name", flat=True)[:800]
    )
    shapes = [
        (20, lambda: [("region", rng.choice(regions))]),
        (25, lambda: [("departement", rng.choice(departments))]),
        (10, lambda: [("departement", rng.choice(departments)), ("type", rng.choice(types))]),
        (10, lambda: [("region", rng.choice(regions)), ("metier", rng.choice(trades))]),
        (15, lambda: [("lieu", rng.choice(communes)), ("rayon", rng.choice(("10", "30", "50")))]),
        (8, lambda: [("q", rng.choice(KEYWORDS))]),
        (10, lambda: [("type", rng.choice(types))]),
        (2, lambda: []),
    ]
    weights = [weight for weight, _ in shapes]
    while True:
        if rng.random() < 0.2:
            kind = rng.random()
            if kind < 0.5:
                params = [("departement", rng.choice(departments))]
            elif kind < 0.8:
                params = [("region", rng.choice(regions)), ("metier", rng.choice(trades))]
            else:
                params = [("q", rng.choice(KEYWORDS))]
            yield "offres", params
        else:
            yield "evenements", rng.choices(shapes, weights)[0][1]()


def seed_alerts(rng, now) -> int:
    """ALERTS confirmed alerts, one to three per address; returns the addresses."""
    import datetime

    from alerts.models import Alert, Subscriber
    from alerts.selection import Selection
    from semaine.bulk import copy_insert

    confirmed = now - datetime.timedelta(days=1)
    expires = now + datetime.timedelta(days=60)
    drawn = selections(rng)
    normalised: dict[tuple, tuple[str, str]] = {}
    alerts, subscribers = [], []
    while len(alerts) < ALERTS:
        subscriber = Subscriber(email=f"banc{len(subscribers)}@example.org")
        subscribers.append(subscriber)
        taken = set()
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            if len(alerts) >= ALERTS:
                break
            nature, params = next(drawn)
            key = (nature, tuple(params))
            if key not in normalised:
                selection = Selection(nature, params)
                normalised[key] = (selection.query, selection.label[:500])
            query, label = normalised[key]
            if (nature, query) in taken:
                continue
            taken.add((nature, query))
            alerts.append((subscriber, nature, query, label))
    copy_insert(Subscriber, subscribers)
    copy_insert(
        Alert,
        [
            Alert(
                subscriber_id=subscriber.pk,
                nature=nature,
                query=query,
                label=label,
                created_at=confirmed,
                confirmed_at=confirmed,
                since=confirmed,
                expires_at=expires,
            )
            for subscriber, nature, query, label in alerts
        ],
    )
    from django.db import connection

    with connection.cursor() as cursor:
        # The statistics a database that has been taking alerts for weeks would have.
        cursor.execute("ANALYZE alerts_subscriber, alerts_alert, events_event, offers_offer")
    return len(subscribers)


def new_rows() -> None:
    """What appeared during the last day: a sample of upcoming events and of open offers; the
    rest a month ago."""
    from django.db import connection

    with connection.cursor() as cursor:
        # The facet summaries' triggers are for the pages: not this bench's, rolled back anyway.
        cursor.execute("ALTER TABLE events_event DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE offers_offer DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE events_event SET published_at = now() - interval '30 days'"
            " WHERE published_at IS NOT NULL"
        )
        cursor.execute(
            "UPDATE events_event SET published_at = now() - random() * interval '22 hours'"
            " - interval '1 hour' WHERE id IN (SELECT id FROM events_event"
            " WHERE status = 'published' AND start > now() ORDER BY random() LIMIT %s)",
            [NEW_EVENTS],
        )
        cursor.execute("UPDATE offers_offer SET created_at = now() - interval '30 days'")
        cursor.execute(
            "UPDATE offers_offer SET created_at = now() - random() * interval '22 hours'"
            " - interval '1 hour' WHERE id IN (SELECT id FROM offers_offer"
            " WHERE status = 'open' ORDER BY random() LIMIT %s)",
            [NEW_OFFERS],
        )


def main():
    from run import bench_env, django_setup, manage

    env = bench_env()
    manage(env, "migrate", "--no-input", capture=True)
    django_setup(env)
    logging.disable(logging.INFO)
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from alerts.emails import send_digest
    from alerts.models import Digest
    from alerts.services import SETTLE, digests_plan
    from events.models import Event

    if Event.objects.count() < 1000:
        sys.exit("The bench database is (almost) empty: run `make bench` first.")
    settings.EMAIL_BACKEND = f"{__name__}.SerialisingBackend"
    rng = random.Random(20)
    figures = {}
    try:
        with transaction.atomic():
            now = timezone.now()
            started = time.perf_counter()
            new_rows()
            addresses = seed_alerts(rng, now)
            print(
                f"seeded {ALERTS:,} alerts of {addresses:,} addresses,"
                f" {NEW_EVENTS:,} new events and {NEW_OFFERS:,} new offers"
                f" in {time.perf_counter() - started:.0f} s"
            )
            before = peak_mb()
            reset_peak()
            started = time.perf_counter()
            # The run starts once the day's publications have settled (alerts.services.SETTLE).
            plan = digests_plan(now=now + SETTLE)
            figures["plan_s"] = time.perf_counter() - started
            figures["peak_before_mb"], figures["peak_after_mb"] = before, peak_mb()
            print(
                f"planning: {figures['plan_s']:.1f} s for {plan.alerts:,} alerts,"
                f" {plan.selections:,} distinct selections read once each,"
                f" {plan.digests:,} digests queued with {plan.items:,} items;"
                f" peak memory {before:.0f} MB for the seeding, {peak_mb():.0f} MB while planning"
            )
            reset_peak()
            ids = list(Digest.objects.order_by("pk").values_list("pk", flat=True))
            sample = ids if SEND == 0 else rng.sample(ids, min(SEND, len(ids)))
            started = time.perf_counter()
            sent = sum(send_digest(digest_id=pk, job_id=pk) for pk in sample)
            seconds = time.perf_counter() - started
            per = seconds / max(1, len(sample))
            print(
                f"sending: {sent:,} of {len(sample):,} digests in {seconds:.1f} s"
                f" ({per * 1000:.1f} ms each, {1 / per:.0f} a second for one worker);"
                f" all {len(ids):,}: {len(ids) * per / 60:.1f} min for one worker,"
                f" {len(ids) * per / 120:.1f} min for two;"
                f" peak memory {peak_mb():.0f} MB while sending"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
