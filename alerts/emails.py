"""The e-mails of « Prévenez-moi », sent by the task queue like every e-mail of the site.

A job's arguments are ids, never an address. A digest's row is locked while the mail server
takes it and marked sent in the same transaction, so that a job run again never sends it twice;
a mailbox that refuses a message for good pauses its address's alerts (Subscriber.bounced_at).
Every digest carries the RFC 8058 one-click unsubscribe headers.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from procrastinate import JobContext
from procrastinate.contrib.django import app

from alerts.models import Alert, Digest, Nature, Subscriber
from alerts.selection import Selection
from events.models import Event
from offers.models import Offer
from semaine.mail import (
    DeliveryRetry,
    build_email,
    delivery_error,
    is_permanent,
    log_failure,
    message_id,
    require_transaction,
)

logger = logging.getLogger(__name__)

QUEUE = "emails"

SUBJECTS = {
    "confirm": "Confirmez votre alerte : {label}",
    "already": "Votre alerte : {label}",
    "limit": "Vos alertes de la Semaine des métiers du soin",
    "digest": "{what} : {label}",
}


def _urls(alert: Alert) -> dict:
    token = alert.manage_token()
    return {
        "manage_url": settings.SITE_URL + reverse("alerts:manage", kwargs={"token": token}),
        "unsubscribe_url": settings.SITE_URL
        + reverse("alerts:unsubscribe", kwargs={"token": token}),
        "listing_url": Selection.of(alert).listing_url,
        "privacy_url": settings.SITE_URL + reverse("donnees_personnelles"),
    }


def _message(kind, to, subject, context, *, msgid="", headers=None) -> EmailMultiAlternatives:
    # Subjects quote the selection's label: cut where a mail client would anyway.
    return build_email(
        f"emails/alert_{kind}", context, subject=subject[:200], to=to, msgid=msgid, headers=headers
    )


def build_alert_email(kind: str, alert: Alert, *, msgid: str = "") -> EmailMultiAlternatives:
    """The confirmation link of a new alert ("confirm"), or the reminder that the selection is
    already followed ("already")."""
    context = {"alert": alert, "kind": kind, **_urls(alert)}
    if kind == "confirm":
        context["confirm_url"] = settings.SITE_URL + reverse(
            "alerts:confirm", kwargs={"token": alert.confirm_token()}
        )
        context["confirm_days"] = settings.ALERT_CONFIRM_DAYS
    subject = SUBJECTS[kind].format(label=alert.label)
    return _message(kind, alert.subscriber.email, subject, context, msgid=msgid)


def build_limit_email(subscriber: Subscriber, *, msgid: str = "") -> EmailMultiAlternatives:
    """The address already has ALERTS_PER_ADDRESS alerts: which, and how to delete one."""
    alerts = [(alert, _urls(alert)) for alert in subscriber.alerts.order_by("created_at")]
    context = {
        "alerts": alerts,
        "limit": settings.ALERTS_PER_ADDRESS,
        "privacy_url": settings.SITE_URL + reverse("donnees_personnelles"),
    }
    return _message("limit", subscriber.email, SUBJECTS["limit"], context, msgid=msgid)


def _items(digest: Digest, shown: int) -> tuple[list, int]:
    """The first `shown` of the digest's items still on the site, in the order of their dates,
    and how many are still on it."""
    if digest.nature == Nature.EVENTS:
        rows = Event.objects.filter(pk__in=digest.item_ids, status=Event.Status.PUBLISHED)
        order = ("start", "pk")
    else:
        rows = Offer.objects.open().filter(pk__in=digest.item_ids)
        order = ("-published_at", "pk")
    listed = list(rows.select_related("department").order_by(*order)[:shown])
    return listed, len(listed) if len(listed) < shown else rows.count()


def build_digest(digest: Digest, *, msgid: str = "") -> EmailMultiAlternatives | None:
    """The digest's e-mail; None when none of its items is on the site any more."""
    alert = digest.alert
    shown = settings.ALERT_DIGEST_ITEMS
    items, count = _items(digest, shown)
    if not items:
        return None
    if digest.nature == Nature.EVENTS:
        what = "1 nouvel événement" if count == 1 else f"{count} nouveaux événements"
    else:
        what = "1 nouvelle offre" if count == 1 else f"{count} nouvelles offres"
    urls = _urls(alert)
    context = {
        "alert": alert,
        "events": digest.nature == Nature.EVENTS,
        "items": [(item, settings.SITE_URL + item.get_absolute_url()) for item in items],
        "more": count - len(items),
        "count": count,
        "what": what,
        "expires_at": timezone.localtime(alert.expires_at),
        **urls,
    }
    subject = SUBJECTS["digest"].format(what=what, label=alert.label)
    headers = {
        # RFC 8058: the mail client's « Se désabonner » POSTs to this link, no page to open.
        "List-Unsubscribe": f"<{urls['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return _message(
        "digest", alert.subscriber.email, subject, context, msgid=msgid, headers=headers
    )


# -- the queue ----------------------------------------------------------------------------------


def _failed(what: str, subscriber_id: int, attempts: int, exc: Exception):
    log_failure(logger, what, attempts, exc)
    if is_permanent(exc):
        Subscriber.objects.filter(pk=subscriber_id).mark_bounced()
    raise delivery_error(exc) from None


def send_alert_email(
    *,
    kind: str,
    job_id: int,
    attempts: int = 0,
    alert_id: int | None = None,
    subscriber_id: int | None = None,
) -> bool:
    """Send a confirmation, an "already followed" or a "limit reached" e-mail (what the worker
    runs); False when it is no longer due (the alert deleted, or confirmed since)."""
    if kind == "limit":
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
        if subscriber is None:
            return False
        message = build_limit_email(
            subscriber, msgid=message_id("alert-limit", subscriber.pk, job_id)
        )
    else:
        alert = Alert.objects.select_related("subscriber").filter(pk=alert_id).first()
        if alert is None or (kind == "confirm" and alert.is_confirmed):
            logger.info("%s e-mail of alert %s dropped: no longer due", kind, alert_id)
            return False
        subscriber = alert.subscriber
        message = build_alert_email(
            kind, alert, msgid=message_id(f"alert-{kind}", alert.pk, job_id)
        )
    try:
        message.send()
    except Exception as exc:
        _failed(f"{kind} e-mail of alert {alert_id or '-'}", subscriber.pk, attempts, exc)
    logger.info("%s e-mail of alert %s sent", kind, alert_id or "-")
    return True


@app.task(queue=QUEUE, retry=DeliveryRetry(), pass_context=True)
def deliver_alert_email(
    context: JobContext, *, kind: str, alert_id: int | None = None, subscriber_id: int | None = None
) -> bool:
    job = context.job
    return send_alert_email(
        kind=kind,
        alert_id=alert_id,
        subscriber_id=subscriber_id,
        job_id=job.id,
        attempts=job.attempts,
    )


def send_digest(*, digest_id: int, job_id: int, attempts: int = 0) -> bool:
    """Send one digest at most once (what the worker runs); False when it is no longer due (sent
    already, its alert deleted, its address refusing mail, nothing left on the site)."""
    failure, subscriber_id = None, None
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update(of=("self",))
            .select_related("alert__subscriber")
            .filter(pk=digest_id)
            .first()
        )
        if digest is None or digest.sent_at is not None or digest.alert is None:
            logger.info("digest %s dropped: sent already or alert deleted", digest_id)
            return False
        subscriber_id = digest.alert.subscriber_id
        if digest.alert.subscriber.bounced_at is not None:
            logger.info("digest %s dropped: its address refuses mail", digest_id)
            return False
        message = build_digest(digest, msgid=message_id("alert-digest", digest.pk, job_id))
        if message is None:
            logger.info("digest %s dropped: nothing of it left on the site", digest_id)
            return False
        try:
            message.send()
        except Exception as exc:
            failure = exc
        else:
            digest.sent_at = timezone.now()
            digest.save(update_fields=["sent_at"])
    if failure is not None:
        Digest.objects.filter(pk=digest_id).update(failure=type(failure).__name__[:200])
        _failed(f"digest {digest_id}", subscriber_id, attempts, failure)
    logger.info("digest %s sent", digest_id)
    return True


@app.task(queue=QUEUE, retry=DeliveryRetry(), pass_context=True)
def deliver_digest(context: JobContext, *, digest_id: int) -> bool:
    job = context.job
    return send_digest(digest_id=digest_id, job_id=job.id, attempts=job.attempts)


def queue_alert_email(kind: str, alert: Alert) -> int:
    require_transaction("queue_alert_email()")
    return deliver_alert_email.defer(kind=kind, alert_id=alert.pk)


def queue_limit_email(subscriber: Subscriber) -> int:
    require_transaction("queue_limit_email()")
    return deliver_alert_email.defer(kind="limit", subscriber_id=subscriber.pk)


def queue_digests(digest_ids: list[int]) -> None:
    """Queue the digests planned in the current transaction, in one statement."""
    require_transaction("queue_digests()")
    if digest_ids:
        app.job_manager.batch_defer_jobs(
            [deliver_digest.configure().make_new_job(digest_id=pk) for pk in digest_ids]
        )
