"""What the facet summaries (semaine.summary) cost a write: a registration and a 1,000-row
event import, timed with the summaries' triggers and without them, turn by turn in one run.

Everything happens in transactions that are rolled back (the triggers are disabled inside
them), so this writes nothing to the database it runs against: make bench's (bench/run.py's
bench_env), which `make bench` seeds. Environment: BENCH_WRITE_ROUNDS (3),
BENCH_IMPORT_ROWS (1000), BENCH_REGISTRATIONS (50 a round).
"""

import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROUNDS = int(os.environ.get("BENCH_WRITE_ROUNDS", "3"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000"))
REGISTRATIONS = int(os.environ.get("BENCH_REGISTRATIONS", "50"))


class Rollback(Exception):
    pass


def summary_triggers(enabled: bool):
    from django.db import connection

    from events.facets import SUMMARY

    action = "ENABLE" if enabled else "DISABLE"
    tables = {SUMMARY.source: ("inserted", "deleted", "updated", "truncated")}
    tables[SUMMARY.tags.table] = ("tagged", "untagged", "retagged", "tags_truncated")
    with connection.cursor() as cursor:
        for table, triggers in tables.items():
            for name in triggers:
                cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {SUMMARY.table}_{name}")


def one_round(with_summary: bool, edition) -> tuple[float, float]:
    """Seconds of a 1,000-row import and per registration (median), rolled back."""
    import tablib
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from event_import import HEADERS, rows

    from events.imports.resources import EventResource
    from events.models import Event, Organiser, StaffProfile
    from events.services.registration import registration_confirm, registration_create

    try:
        with transaction.atomic():
            if not with_summary:
                summary_triggers(enabled=False)
            organiser = Organiser.objects.create(name="Agence de banc d'essai")
            user = get_user_model().objects.create_user("bench-write", is_staff=True)
            StaffProfile.objects.create(user=user, organiser=organiser)
            dataset = tablib.Dataset(*rows(IMPORT_ROWS, edition.start_date), headers=HEADERS)
            started = time.perf_counter()
            result = EventResource(user=user).import_data(dataset, dry_run=True)
            imported = time.perf_counter() - started
            assert result.totals["new"] == IMPORT_ROWS, result.totals
            event = Event.objects.filter(
                status=Event.Status.PUBLISHED, start__gt=edition.start_date
            ).first()
            Event.objects.filter(pk=event.pk).update(
                capacity_onsite=None, registration_required=True
            )
            times = []
            for i in range(REGISTRATIONS):
                started = time.perf_counter()
                with transaction.atomic():
                    pending = registration_create(
                        event=event,
                        first_name="Camille",
                        last_name=f"Banc{i}",
                        email=f"banc{i}@example.org",
                    ).registration
                    registration_confirm(token=pending.confirm_token())
                times.append(time.perf_counter() - started)
            raise Rollback
    except Rollback:
        pass
    return imported, statistics.median(times)


def main():
    from run import bench_env, django_setup

    django_setup(bench_env())
    logging.disable(logging.INFO)  # one line per registration and e-mail queued
    from semaine.models import Edition

    edition = Edition.objects.current_cached()
    if edition is None:
        sys.exit("No edition in the database: run `manage.py seed_demo` first.")
    one_round(True, edition)  # unmeasured: imports, caches and connections warm
    results = {True: [], False: []}
    for _ in range(ROUNDS):
        for with_summary in (False, True):
            results[with_summary].append(one_round(with_summary, edition))
    for with_summary, label in ((False, "without the summary"), (True, "with the summary")):
        imports = [r[0] for r in results[with_summary]]
        registrations = [r[1] * 1000 for r in results[with_summary]]
        print(
            f"{label:20s}: {IMPORT_ROWS}-row import {statistics.median(imports):.2f} s"
            f" (runs {', '.join(f'{s:.2f}' for s in imports)}),"
            f" registration {statistics.median(registrations):.1f} ms"
            f" (runs {', '.join(f'{ms:.1f}' for ms in registrations)})"
        )


if __name__ == "__main__":
    main()
