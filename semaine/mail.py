"""Sending e-mail from the task queue, as every app does: what a mail server's failure means
(retried later, or refused for good), the back-off between attempts, and a Message-ID that stays
the same across the attempts at one message.

A failure is described by its class and SMTP code only: the server's own text may quote the
recipient's address, and what is raised here is written to the worker's logs and the queue's
table.
"""

import logging
import smtplib
import socket
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from procrastinate import BaseRetryStrategy, RetryDecision


class DeliveryError(Exception):
    """The mail server did not take the message; retried later. Its text names the error's
    class and SMTP code only: the worker logs it, and SMTP errors quote the address."""


class PermanentDeliveryError(DeliveryError):
    """The mail server refused the message for good (5xx): retrying would not help."""


def message_id(kind: str, object_id: int, job_id: int) -> str:
    """The same Message-ID for every attempt at one message (the queue's job), so that a retry
    after an unclear answer of the mail server is recognised as the same message."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{kind}.{object_id}.{job_id}@{domain}>"


def smtp_code(exc: BaseException) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        # Refused for good only when every recipient got a 5xx.
        return min(codes) if codes else None
    return getattr(exc, "smtp_code", None)


def is_permanent(exc: BaseException) -> bool:
    """A 5xx answer about this message (unknown address, refused content). An authentication
    failure is the site's configuration, not the message: it is retried until fixed."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False
    code = smtp_code(exc)
    return isinstance(code, int) and 500 <= code < 600


def describe_failure(exc: BaseException) -> str:
    """A short French reason for staff; the server's own text may quote the address, and the
    logs must not, so only its code is kept."""
    code = smtp_code(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"Adresse refusée par le serveur de messagerie (code {code})"
    if code:
        return f"Message refusé par le serveur de messagerie (code {code})"
    if isinstance(exc, (OSError, socket.timeout, smtplib.SMTPException)):
        return "Serveur de messagerie injoignable"
    return f"Erreur d'envoi ({type(exc).__name__})"


class DeliveryRetry(BaseRetryStrategy):
    """Exponential back-off (EMAIL_RETRY_SECONDS doubled at each attempt, at most
    EMAIL_RETRY_MAX_SECONDS apart) for EMAIL_RETRY_ATTEMPTS attempts; never after a permanent
    refusal. Read from the settings at each decision, so a test can shorten it."""

    def get_retry_decision(self, *, exception, job) -> RetryDecision | None:
        if isinstance(exception, PermanentDeliveryError) or last_attempt(job.attempts):
            return None
        wait = min(settings.EMAIL_RETRY_SECONDS * 2**job.attempts, settings.EMAIL_RETRY_MAX_SECONDS)
        return RetryDecision(retry_in={"seconds": wait})


def last_attempt(attempts: int) -> bool:
    """`attempts`: the attempts made before the current one."""
    return attempts + 1 >= settings.EMAIL_RETRY_ATTEMPTS


def delivery_error(exc: BaseException) -> DeliveryError:
    """What a job raises when the mail server did not take its message: retried, unless refused
    for good."""
    if is_permanent(exc):
        return PermanentDeliveryError(describe_failure(exc))
    return DeliveryError(f"{type(exc).__name__} {smtp_code(exc) or ''}".strip())


def log_failure(logger: logging.Logger, what: str, attempts: int, exc: BaseException) -> None:
    """Log a message the mail server did not take: `what` names it by ids ("confirm e-mail of
    registration 12"), the error by its class and code only (SMTP errors quote the address)."""
    logger.warning(
        "%s not sent (attempt %d): %s %s",
        what,
        attempts + 1,
        type(exc).__name__,
        smtp_code(exc) or "",
    )


def build_email(
    template: str, context: dict, *, subject: str, to: str, msgid: str = "", headers=None
) -> EmailMultiAlternatives:
    """An e-mail in French from `template`.txt and `template`.html, its subject on one line (a
    line break in a header would be refused, and is an injection attempt anyway)."""
    with translation.override("fr"):
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={**({"Message-ID": msgid} if msgid else {}), **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message


def require_transaction(queuing: str) -> None:
    """A job that announces a write is deferred in that write's transaction: committed with it,
    or rolled back with it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{queuing} belongs in the transaction of the write it announces")
