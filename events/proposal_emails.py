"""E-mails to the contact of a partner's proposal: the link that confirms their address (and
manages the proposal), and each moderator's decision.

As events.emails does for registrations: `queue_proposal_email` defers a job in the transaction
of the write that causes it, and the worker runs `deliver_proposal`, retried with the shared
back-off of semaine.mail. The job's arguments are ids (the proposal, the decision whose message
is sent), never an address.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from procrastinate import JobContext
from procrastinate.contrib.django import app

from events.models import Proposal, ProposalDecision
from events.models.proposal import UNCONFIRMED_DAYS
from semaine.mail import (
    DeliveryRetry,
    build_email,
    delivery_error,
    describe_failure,
    is_permanent,
    last_attempt,
    log_failure,
    message_id,
    require_transaction,
)

logger = logging.getLogger(__name__)

QUEUE = "emails"
SUBJECTS = {
    "confirm": "Confirmez votre proposition d'événement : {title}",
    "published": "Votre événement est publié : {title}",
    "changes_requested": "Modifications demandées : {title}",
    "refused": "Votre proposition n'est pas retenue : {title}",
}
# What a decision's e-mail is only worth sending while it still holds: a confirmation link once
# the address is confirmed, a request for changes once they are made, is not.
DUE_WHILE = {
    "confirm": (Proposal.Status.UNCONFIRMED,),
    "changes_requested": (Proposal.Status.CHANGES_REQUESTED,),
}


def manage_url(proposal: Proposal) -> str:
    return settings.SITE_URL + reverse(
        "events:proposal_manage", kwargs={"token": proposal.contact_token()}
    )


def build_proposal_message(
    kind: str, proposal: Proposal, decision: ProposalDecision | None = None, *, msgid: str = ""
) -> EmailMultiAlternatives:
    context = {
        "kind": kind,
        "proposal": proposal,
        "dates": list(proposal.dates.select_related("event")),
        "decision": decision,
        "manage_url": manage_url(proposal),
        "privacy_url": settings.SITE_URL + reverse("donnees_personnelles"),
        "site_url": settings.SITE_URL,
        "unconfirmed_days": UNCONFIRMED_DAYS,
    }
    return build_email(
        f"emails/proposal_{kind}",
        context,
        subject=SUBJECTS[kind].format(title=proposal.title),
        to=proposal.contact_email,
        msgid=msgid,
    )


def send_proposal_queued(
    *, kind: str, proposal_id: int, decision_id: int | None, job_id: int, attempts: int = 0
) -> bool:
    """Send one queued e-mail (what the worker runs). False when it is no longer due (the
    proposal deleted or anonymised, or its state moved on); raises on failure, after recording
    a refusal for good (or the last attempt) on the proposal, for its moderators to see."""
    proposal = Proposal.objects.filter(pk=proposal_id, anonymised_at__isnull=True).first()
    if proposal is None or proposal.status not in DUE_WHILE.get(kind, (proposal.status,)):
        logger.info("%s e-mail of proposal %s dropped: no longer due", kind, proposal_id)
        return False
    decision = ProposalDecision.objects.filter(pk=decision_id).first() if decision_id else None
    message = build_proposal_message(
        kind, proposal, decision, msgid=message_id(f"proposal-{kind}", proposal_id, job_id)
    )
    try:
        message.send()
    except Exception as exc:
        log_failure(logger, f"{kind} e-mail of proposal {proposal_id}", attempts, exc)
        if is_permanent(exc) or last_attempt(attempts):
            Proposal.objects.filter(pk=proposal_id).update(
                email_failed_at=timezone.now(), email_failure=describe_failure(exc)[:200]
            )
        raise delivery_error(exc) from None
    logger.info("%s e-mail of proposal %s sent", kind, proposal_id)
    return True


@app.task(queue=QUEUE, retry=DeliveryRetry(), pass_context=True)
def deliver_proposal(
    context: JobContext, *, kind: str, proposal_id: int, decision_id: int | None = None
) -> bool:
    job = context.job
    return send_proposal_queued(
        kind=kind,
        proposal_id=proposal_id,
        decision_id=decision_id,
        job_id=job.id,
        attempts=job.attempts,
    )


def queue_proposal_email(
    kind: str, proposal: Proposal, decision: ProposalDecision | None = None
) -> int:
    """Queue `kind` for `proposal`'s contact in the current transaction (the one that made the
    change it announces); returns the job's id."""
    assert kind in SUBJECTS, kind
    require_transaction("queue_proposal_email()")
    # One proposal's e-mails go out in the order they were queued.
    return deliver_proposal.configure(lock=f"proposal-{proposal.pk}").defer(
        kind=kind, proposal_id=proposal.pk, decision_id=decision.pk if decision else None
    )
