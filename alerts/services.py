"""The writes of « Prévenez-moi »: subscribe, confirm, resume, delete, plan the daily digests and
purge what has expired. Every e-mail is queued in the transaction of the write it follows."""

import datetime
import logging
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from alerts import emails
from alerts.models import CONFIRM_TOKEN_SALT, MANAGE_TOKEN_SALT, Alert, Digest, SentItem, Subscriber
from alerts.selection import Selection
from semaine.models import Edition

logger = logging.getLogger(__name__)

# Alerts of one selection planned per transaction: bounds the memory and the locks held.
PLAN_CHUNK = 2000


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
    """Delete an alert; an address left without alert is deleted with what it was sent."""
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


def digests_plan(*, now: datetime.datetime | None = None) -> DigestPlan:
    """Plan today's digests: for each selection followed by confirmed alerts, its new rows are
    read once; each alert then gets a Digest of those published since its last one and never
    sent to its address, queued for the task queue's workers. Alerts with nothing new get no
    e-mail. Safe to run again: what was planned is new for nobody any more."""
    now = now or timezone.now()
    plan = DigestPlan()
    selections = (
        Alert.objects.due(now)
        .values("nature", "query")
        .annotate(oldest=Min("since"))
        .order_by("nature", "query")
    )
    for group in selections.iterator(chunk_size=1000):
        plan.selections += 1
        selection = Selection.stored(group["nature"], group["query"])
        new = list(selection.new_items(group["oldest"], now))
        alerts = (
            Alert.objects.due(now)
            .filter(nature=group["nature"], query=group["query"])
            .values_list("pk", "subscriber_id", "since")
            .order_by("pk")
            .iterator(chunk_size=PLAN_CHUNK)
        )
        while chunk := list(islice(alerts, PLAN_CHUNK)):
            _plan_chunk(plan, selection.nature, chunk, new, now)
    logger.info(
        "digests planned: %d selections, %d alerts, %d digests, %d items",
        plan.selections,
        plan.alerts,
        plan.digests,
        plan.items,
    )
    return plan


def _plan_chunk(plan: DigestPlan, nature: str, chunk: list, new: list, now) -> None:
    plan.alerts += len(chunk)
    with transaction.atomic():
        if new:
            new_ids = [pk for pk, _ in new]
            sent = set(
                SentItem.objects.filter(
                    subscriber_id__in=[subscriber for _, subscriber, _ in chunk],
                    nature=nature,
                    item_id__in=new_ids,
                ).values_list("subscriber_id", "item_id")
            )
            digests, sent_items = [], []
            for alert_id, subscriber_id, since in chunk:
                ids = [
                    pk
                    for pk, appeared in new
                    if appeared > since and (subscriber_id, pk) not in sent
                ]
                if not ids:
                    continue
                digests.append(Digest(alert_id=alert_id, nature=nature, item_ids=ids))
                sent_items.extend(
                    SentItem(subscriber_id=subscriber_id, nature=nature, item_id=pk) for pk in ids
                )
            Digest.objects.bulk_create(digests, batch_size=1000)
            # Two alerts of one address are in two selections, planned in two transactions
            # one after the other: the second reads what the first recorded. The conflict is
            # ignored only for a run planned concurrently (a worker taken for dead).
            SentItem.objects.bulk_create(sent_items, batch_size=5000, ignore_conflicts=True)
            emails.queue_digests([digest.pk for digest in digests])
            plan.digests += len(digests)
            plan.items += len(sent_items)
        Alert.objects.filter(pk__in=[pk for pk, _, _ in chunk]).update(since=now)


# -- purge --------------------------------------------------------------------------------------


def alerts_purge(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete the expired alerts and those never confirmed in time, then the addresses left
    without alert (with what they were sent); returns (alerts, addresses) deleted. Digests stay,
    without their alert, for the staff's counts."""
    now = now or timezone.now()
    unconfirmed = now - datetime.timedelta(days=settings.ALERT_CONFIRM_DAYS)
    with transaction.atomic():
        alerts, _ = (
            Alert.objects.expired(now) | Alert.objects.unconfirmed_since(unconfirmed)
        ).delete()
        addresses, _ = Subscriber.objects.filter(alerts__isnull=True).delete()
    return alerts, addresses
