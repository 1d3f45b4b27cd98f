"""What the task queue holds, for the staff's admin index: its state at a glance."""

import datetime

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from procrastinate.contrib.django.models import (
    ProcrastinateEvent,
    ProcrastinateJob,
    ProcrastinateWorker,
)


def queue_figures() -> dict:
    """Jobs waiting for their first run, failing (tried, to be retried later), running and
    failed for good; the workers alive (a heartbeat within three intervals) and how long the
    oldest waiting job has waited, in minutes. Three small queries."""
    now = timezone.now()
    figures = ProcrastinateJob.objects.aggregate(
        waiting=Count("id", filter=Q(status="todo", attempts=0)),
        failing=Count("id", filter=Q(status="todo", attempts__gt=0)),
        running=Count("id", filter=Q(status="doing")),
        failed=Count("id", filter=Q(status="failed")),
    )
    alive_since = now - datetime.timedelta(seconds=3 * settings.TASK_HEARTBEAT_SECONDS)
    figures["workers"] = ProcrastinateWorker.objects.filter(last_heartbeat__gte=alive_since).count()
    oldest = ProcrastinateEvent.objects.filter(
        type="deferred", job__status="todo", job__attempts=0
    ).aggregate(at=Min("at"))["at"]
    figures["waiting_minutes"] = int((now - oldest).total_seconds() // 60) if oldest else 0
    return figures
