import datetime

import pytest
from django.db import connection
from django.utils import timezone

from events.services.registration import registration_create
from semaine.taskqueue import queue_figures
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def queued(count):
    event = EventFactory(capacity_onsite=100)
    for n in range(count):
        registration_create(event=event, first_name="A", last_name="B", email=f"{n}@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM procrastinate_jobs ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def set_jobs(ids, **columns):
    assignments = ", ".join(f"{name} = %s" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE procrastinate_jobs SET {assignments} WHERE id = ANY(%s)",
            [*columns.values(), ids],
        )


def test_the_queue_counts_waiting_failing_running_and_failed_jobs():
    ids = queued(7)
    set_jobs(ids[:2], attempts=3)  # failed, to be retried
    set_jobs(ids[2:3], status="failed", attempts=1)  # failed for good
    figures = queue_figures()
    assert figures == {
        "waiting": 4,
        "failing": 2,
        "running": 0,
        "failed": 1,
        "workers": 0,
        "waiting_minutes": 0,
    }


def test_the_oldest_waiting_job_says_how_late_the_queue_is():
    queued(1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_events SET at = %s WHERE type = 'deferred'",
            [timezone.now() - datetime.timedelta(minutes=42)],
        )
    assert queue_figures()["waiting_minutes"] == 42


def test_an_empty_queue():
    assert queue_figures() == {
        "waiting": 0,
        "failing": 0,
        "running": 0,
        "failed": 0,
        "workers": 0,
        "waiting_minutes": 0,
    }
