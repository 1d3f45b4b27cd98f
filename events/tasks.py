"""The events' periodic work, run by the task queue's workers (no cron to install).

Found by procrastinate's autodiscovery (a `tasks` module of an installed app). The e-mail
delivery task itself lives with the messages, in `events/emails.py`, so that the services can
queue it. A periodic job is deferred once per tick whatever the number of workers
(procrastinate records each tick), and each job is idempotent anyway: running one twice queues
one reminder per person, anonymises nothing twice and expires each registration once.
"""

import logging

from procrastinate.contrib.django import app

from events.facets import SUMMARY
from events.services.attendance import attendance_purge
from events.services.followup import followups_queue
from events.services.proposals import proposals_purge
from events.services.registration import (
    registrations_expire,
    registrations_purge,
    registrations_queue_reminders,
)

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * *")
@app.task(queue="periodic", queueing_lock="events.expire_registrations")
def expire_registrations(timestamp: int) -> int:
    """Every minute: delete the registrations whose address was not confirmed in time, and
    give their held seats to the waitlists. (A link clicked late expires its registration
    itself: the minute between two runs never lets anyone confirm after the deadline.)"""
    expired = registrations_expire()
    logger.info("%d unconfirmed registration(s) expired", expired)
    return expired


@app.periodic(cron="* * * * *")
@app.task(queue="periodic", queueing_lock="events.sweep_facet_counts")
def sweep_facet_counts(timestamp: int) -> int:
    """Every minute: take the events that ended out of the listing's facet summary
    (semaine.summary). The counts are exact without it; it keeps their correction small."""
    return SUMMARY.sweep()


@app.periodic(cron="*/15 * * * *")
@app.task(queue="periodic", queueing_lock="events.queue_reminders")
def queue_reminders(timestamp: int) -> int:
    """Every quarter of an hour: queue the day-before reminders now due."""
    queued = registrations_queue_reminders()
    logger.info("%d reminder(s) queued", queued)
    return queued


@app.periodic(cron="30 3 * * *")
@app.task(queue="periodic", queueing_lock="events.purge_registrations")
def purge_registrations(timestamp: int) -> int:
    """Every night: anonymise the registrations and walk-ins past the retention period; delete
    the partners' proposals never confirmed and erase the contact of the old ones."""
    count = registrations_purge()
    walk_ins = attendance_purge()
    proposals = proposals_purge()
    logger.info(
        "%d registration(s), %d walk-in(s), %d proposal(s) purged", count, walk_ins, proposals
    )
    return count


@app.periodic(cron="0 10 * * *")
@app.task(queue="periodic", queueing_lock="events.queue_followups")
def queue_followups(timestamp: int) -> int:
    """Every morning: the follow-up e-mails of the events that ended before today."""
    queued = followups_queue()
    logger.info("%d follow-up(s) queued", queued)
    return queued
