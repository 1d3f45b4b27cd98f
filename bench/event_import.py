"""Event import benchmark: seconds for the admin's dry run of a spreadsheet of N rows.

A dry run does all the work of an import (parsing, checks, inserts, trades) inside a
transaction that is rolled back, so this writes nothing to the database it runs against.

    DEBUG=1 .venv/bin/python bench/event_import.py          # 200 and 1000 rows (the maximum)
    BENCH_IMPORT_ROWS=50,500 DEBUG=1 .venv/bin/python bench/event_import.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from events.imports.columns import MAX_ROWS  # noqa: E402
from events.imports.resources import EventResource  # noqa: E402
from events.models import Organiser, StaffProfile  # noqa: E402
from semaine.models import Edition  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_IMPORT_ROWS", f"200,{MAX_ROWS}").split(",")]
HEADERS = ["reference", "titre", "type", "date", "heure_debut", "heure_fin", "adresse",
           "code_postal", "metiers", "places_sur_place"]  # fmt: skip


def rows(n: int, day) -> list[list[str]]:
    return [
        [f"BENCH-{i}", f"Atelier CV n°{i}", "Atelier", day.strftime("%d/%m/%Y"),
         f"{8 + i % 9}:00", f"{9 + i % 9}:30", "12 rue de la Villette", "69003",
         "J1501 K1302", "20"]
        for i in range(n)
    ]  # fmt: skip


def main():
    edition = Edition.objects.current_cached()
    if edition is None:
        sys.exit("No edition in the database: run `manage.py seed_demo` first.")
    with transaction.atomic():
        # A throwaway agency user, rolled back with everything else.
        organiser = Organiser.objects.create(name="Agence de banc d'essai")
        user = get_user_model().objects.create_user("bench-import", is_staff=True)
        StaffProfile.objects.create(user=user, organiser=organiser)
        for n in SIZES:
            dataset = tablib.Dataset(*rows(n, edition.start_date), headers=HEADERS)
            queries_before = len(connection.queries)
            started = time.perf_counter()
            result = EventResource(user=user).import_data(dataset, dry_run=True)
            seconds = time.perf_counter() - started
            assert result.totals["new"] == n, result.totals
            print(
                f"event import dry run: {n:5d} rows in {seconds:5.2f} s "
                f"({1000 * seconds / n:.1f} ms/row)"
                + (f", {len(connection.queries) - queries_before} queries" if n <= 200 else "")
            )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
