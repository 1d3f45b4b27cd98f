"""The writes of « Prévenez-moi »: subscribe, confirm, resume, delete, plan the daily digests and
purge what has expired. Every e-mail is queued in the transaction of the write it follows."""

import datetime
import logging
from array import array
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from alerts import emails
from alerts.models import CONFIRM_TOKEN_SALT, MANAGE_TOKEN_SALT, Alert, Digest, Subscriber
from alerts.selection import Selection
from semaine.models import Edition

logger = logging.getLogger(__name__)

# Addresses planned per transaction: bounds the memory and the locks held.
PLAN_CHUNK = 2000
# A row is stamped when the transaction that publishes it starts (an import's may last minutes)
# and seen once it commits: a run looks only at what was published this long before it starts,
# so that no row stamped before its window's end commits after the run has read it.
SETTLE = datetime.timedelta(minutes=10)


class AlertLinkError(Exception):
    """A link that names no alert (forged, expired, or its alert deleted since): its text says
    so in French, for the page."""


def alert_expiry(now: datetime.datetime) -> datetime.datetime:
    """ALERT_EXPIRY_DAYS after the last day of the current edition (or the next one); without
    any edition ahead, ALERT_EXPIRY_DAYS from now."""
    today = timezone.localdate(now)
    edition = Edition.objects.filter(end_date__gte=today).order_by("end_date").first()
    days = datetime.timedelta(days=settings.ALERT_EXPIRY_DAYS)
    if edition is None:
        return now + days
    end = datetime.datetime.combine(
        edition.end_date + days, datetime.time.max, tzinfo=timezone.get_current_timezone()
    )
    return end


def alert_subscribe(*, email: str, selection: Selection) -> str:
    """Record `selection` for `email`, unconfirmed, and queue the e-mail that fits; returns what
    happened ("confirm", "pending", "already", "limit"), which the page never shows: it says
    the same to everyone, so that it reveals nothing of an address's subscriptions."""
    now = timezone.now()
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=email.strip().lower())
        # One address's subscriptions one at a time: the limit holds under concurrent posts.
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        alert = subscriber.alerts.filter(nature=selection.nature, query=selection.query).first()
        if alert is not None:
            kind = "already" if alert.is_confirmed else "confirm"
            emails.queue_alert_email(kind, alert)
            return kind if alert.is_confirmed else "pending"
        if subscriber.alerts.count() >= settings.ALERTS_PER_ADDRESS:
            emails.queue_limit_email(subscriber)
            return "limit"
        alert = Alert.objects.create(
            subscriber=subscriber,
            nature=selection.nature,
            query=selection.query,
            label=selection.label[:500],
            expires_at=alert_expiry(now),
        )
        emails.queue_alert_email("confirm", alert)
    return "confirm"


def alert_from_token(token: str, *, confirm: bool = False) -> Alert:
    """The alert a manage (or confirmation) link names; AlertLinkError otherwise."""
    if confirm:
        max_age = datetime.timedelta(days=settings.ALERT_CONFIRM_DAYS)
        pk = Alert.pk_from_token(token, salt=CONFIRM_TOKEN_SALT, max_age=max_age)
    else:
        pk = Alert.pk_from_token(token, salt=MANAGE_TOKEN_SALT)
    alert = Alert.objects.select_related("subscriber").filter(pk=pk).first() if pk else None
    if alert is None:
        raise AlertLinkError(
            "Ce lien n'est pas valide : il a expiré, ou l'alerte a été supprimée. "
            "Vous pouvez en créer une nouvelle depuis la liste des événements ou des offres."
        )
    return alert


def alert_confirm(*, token: str) -> tuple[Alert, bool]:
    """Confirm the alert of a confirmation link; returns it and whether it was confirmed now
    (a second click changes nothing). What is published from now on is new for it."""
    with transaction.atomic():
        alert = alert_from_token(token, confirm=True)
        alert = Alert.objects.select_for_update().select_related("subscriber").get(pk=alert.pk)
        if alert.is_confirmed:
            return alert, False
        now = timezone.now()
        alert.confirmed_at = alert.since = now
        alert.save(update_fields=["confirmed_at", "since"])
        # Confirming is proof the mailbox works again.
        Subscriber.objects.filter(pk=alert.subscriber_id).update(bounced_at=None)
    return alert, True


def alert_resume(*, alert: Alert) -> None:
    """The owner of an address whose mailbox refused a digest says it works again."""
    Subscriber.objects.filter(pk=alert.subscriber_id).update(bounced_at=None)


def alert_delete(*, alert: Alert) -> None:
    """Delete an alert; an address left without alert is deleted."""
    with transaction.atomic():
        subscriber_id = alert.subscriber_id
        alert.delete()
        Subscriber.objects.filter(pk=subscriber_id, alerts__isnull=True).delete()


# -- the daily digests --------------------------------------------------------------------------


@dataclass
class DigestPlan:
    selections: int = 0
    alerts: int = 0
    digests: int = 0
    items: int = 0


class NewRows:
    """The rows new for each selection of a run, read once (from the oldest `since` of its
    alerts) and kept as two flat arrays, ids and publication times: a run over thousands of
    selections holds megabytes, not a Python object per row."""

    def __init__(self, oldest: dict, now: datetime.datetime):
        self.oldest, self.now = oldest, now
        self.rows: dict[tuple[str, str], tuple[array, array]] = {}

    def of(self, nature: str, query: str) -> tuple[array, array]:
        key = (nature, query)
        if key not in self.rows:
            ids, times = array("q"), array("d")
            for pk, appeared in Selection.stored(nature, query).new_items(
                self.oldest[key], self.now
            ):
                ids.append(pk)
                times.append(appeared.timestamp())
            self.rows[key] = ids, times
        return self.rows[key]


def digests_plan(*, now: datetime.datetime | None = None) -> DigestPlan:
    """Plan a run of digests: each alert due gets a Digest of the rows of its selection that
    appeared since its last one, queued for the task queue's workers; an alert with nothing new
    gets no e-mail. Each selection's new rows are read once for all its alerts; an address's
    alerts are planned together, so that a row two of them find is announced once. Safe to run
    again: what was planned is not new for anybody any more."""
    now = now or timezone.now()
    due = Alert.objects.due(now)
    until = now - SETTLE
    oldest = {
        (group["nature"], group["query"]): group["oldest"]
        for group in due.values("nature", "query").annotate(oldest=Min("since")).order_by()
    }
    new = NewRows(oldest, until)
    plan = DigestPlan(selections=len(oldest))
    last = 0
    # By slices of addresses, in the order of their ids (each slice one indexed query, no
    # cursor held open across the transactions that plan them).
    while addresses := list(
        due.filter(subscriber_id__gt=last)
        .order_by("subscriber_id")
        .values_list("subscriber_id", flat=True)
        .distinct()[:PLAN_CHUNK]
    ):
        alerts = (
            due.filter(subscriber_id__in=addresses)
            .values_list("pk", "subscriber_id", "nature", "query", "since")
            .order_by("subscriber_id", "created_at", "pk")
        )
        batch = [list(of_address) for _, of_address in groupby(alerts, key=lambda a: a[1])]
        _plan_batch(plan, batch, new, until)
        last = addresses[-1]
    logger.info(
        "digests planned: %d selections, %d alerts, %d digests, %d items",
        plan.selections,
        plan.alerts,
        plan.digests,
        plan.items,
    )
    return plan


def _plan_batch(plan: DigestPlan, addresses: list[list[tuple]], new: NewRows, until) -> None:
    """One transaction for a batch of addresses: their digests, the jobs that send them, and
    their alerts' `since` moved to the end of the run's window."""
    digests, alert_ids = [], []
    for alerts in addresses:
        announced: set[int] = set()
        for alert_id, _, nature, query, since in alerts:
            alert_ids.append(alert_id)
            ids, times = new.of(nature, query)
            after = since.timestamp()
            found = [
                pk
                for pk, appeared in zip(ids, times, strict=True)
                if appeared > after and pk not in announced
            ]
            if found:
                announced.update(found)
                digests.append(Digest(alert_id=alert_id, nature=nature, item_ids=found))
                plan.items += len(found)
    with transaction.atomic():
        Digest.objects.bulk_create(digests, batch_size=1000)
        emails.queue_digests([digest.pk for digest in digests])
        Alert.objects.filter(pk__in=alert_ids).update(since=until)
    plan.alerts += len(alert_ids)
    plan.digests += len(digests)


# -- purge --------------------------------------------------------------------------------------


def alerts_purge(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete the expired alerts and those never confirmed in time, then the addresses left
    without alert; returns (alerts, addresses) deleted. Digests stay,
    without their alert, for the staff's counts."""
    now = now or timezone.now()
    unconfirmed = now - datetime.timedelta(days=settings.ALERT_CONFIRM_DAYS)
    with transaction.atomic():
        alerts, _ = (
            Alert.objects.expired(now) | Alert.objects.unconfirmed_since(unconfirmed)
        ).delete()
        addresses, _ = Subscriber.objects.filter(alerts__isnull=True).delete()
    return alerts, addresses
