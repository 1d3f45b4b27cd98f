"""Housekeeping of the task queue itself, run by its workers (no cron to install)."""

import logging

from django.conf import settings
from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)


async def requeue_stalled_jobs(*, seconds_since_heartbeat: float | None = None) -> int:
    """Put back in the queue the jobs left running by a worker that stopped sending its
    heartbeat (killed, its machine lost); returns how many. An e-mail whose worker died after
    the mail server accepted it is sent again, with the same Message-ID."""
    if seconds_since_heartbeat is None:
        seconds_since_heartbeat = 3 * settings.TASK_HEARTBEAT_SECONDS
    stalled = await app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=seconds_since_heartbeat
    )
    count = 0
    for job in stalled:
        await app.job_manager.retry_job(job)
        count += 1
    if count:
        logger.warning("%d stalled job(s) put back in the queue", count)
    return count


@app.periodic(cron=settings.TASK_STALLED_CHECK_CRON)
@app.task(queue="periodic", queueing_lock="semaine.requeue_stalled_jobs")
async def retry_stalled_jobs(timestamp: int) -> int:
    """Every minute (TASK_STALLED_CHECK_CRON): a vanished worker's jobs go back to the queue."""
    return await requeue_stalled_jobs()
