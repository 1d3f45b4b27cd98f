"""A partner's proposal, from the public form to its events: submitted, its address confirmed,
moderated (published, sent back for changes, refused), edited and resubmitted, cancelled by its
contact. Each step is recorded (ProposalDecision) and its e-mail queued in the same transaction.
"""

import dataclasses
import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from events import proposal_emails
from events.models import Event, Organiser, Proposal, ProposalDate, ProposalDecision
from events.models.proposal import UNCONFIRMED_DAYS
from events.services.events import event_cancel
from semaine.models import Edition

Action = ProposalDecision.Action


class ProposalError(Exception):
    """A step the proposal's state does not allow, said in French."""


@dataclasses.dataclass(frozen=True)
class ProposalData:
    """What the form gives: the proposal's own fields, its trades and its dates (start, end)."""

    fields: dict
    trade_ids: list[int]
    dates: list[tuple[datetime.datetime, datetime.datetime]]


def _record(proposal: Proposal, action: str, *, user=None, message: str = "") -> ProposalDecision:
    return ProposalDecision.objects.create(
        proposal=proposal,
        action=action,
        user=user,
        username=user.get_username() if user is not None else "",
        message=message,
    )


def _write(proposal: Proposal, data: ProposalData) -> None:
    for name, value in data.fields.items():
        setattr(proposal, name, value)
    proposal.save()
    proposal.trades.set(data.trade_ids)
    proposal.dates.all().delete()
    ProposalDate.objects.bulk_create(
        ProposalDate(proposal=proposal, start=start, end=end) for start, end in data.dates
    )


def proposal_flags(proposal: Proposal) -> list[str]:
    """What a moderator is warned of: a place outside the 101 departments, a date outside the
    edition's week, the same organiser's same title at the same start already proposed or
    published."""
    flags = []
    if not proposal.department_id:
        flags.append(Proposal.Flag.OUTSIDE_DEPARTMENTS.value)
    dates = list(proposal.dates.all())
    edition = proposal.edition
    if any(not (edition.start_date <= d.local_start.date() <= edition.end_date) for d in dates):
        flags.append(Proposal.Flag.OUTSIDE_WEEK.value)
    starts = [d.start for d in dates]
    same_proposal = (
        ProposalDate.objects.filter(
            start__in=starts,
            proposal__organisation_name__iexact=proposal.organisation_name,
            proposal__title__iexact=proposal.title,
        )
        .exclude(proposal=proposal)
        .exclude(proposal__status=Proposal.Status.UNCONFIRMED)
    )
    same_event = Event.objects.filter(
        start__in=starts,
        organiser__name__iexact=proposal.organisation_name,
        title__iexact=proposal.title,
    ).exclude(proposal_date__proposal=proposal)
    if starts and (same_proposal.exists() or same_event.exists()):
        flags.append(Proposal.Flag.DUPLICATE.value)
    return flags


def _refresh_flags(proposal: Proposal) -> None:
    proposal.flags = proposal_flags(proposal)
    proposal.save(update_fields=["flags", "updated_at"])


def proposal_create(*, data: ProposalData) -> Proposal:
    """A new proposal, waiting for its contact to confirm their address (the e-mail's link):
    no moderator sees it before."""
    edition = Edition.objects.current_cached()
    if edition is None:
        raise ProposalError("Les propositions ne sont pas ouvertes : aucune édition n'est prévue.")
    with transaction.atomic():
        proposal = Proposal(edition=edition, status=Proposal.Status.UNCONFIRMED)
        _write(proposal, data)
        _record(proposal, Action.SUBMITTED)
        proposal_emails.queue_proposal_email("confirm", proposal)
    return proposal


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=proposal.pk)
    )


def proposal_confirm(*, proposal: Proposal) -> bool:
    """The contact's address is confirmed: the proposal reaches the moderators of its place.
    Returns whether it was confirmed now (False when it already was)."""
    with transaction.atomic():
        proposal = _locked(proposal)
        if not proposal.is_unconfirmed:
            return False
        proposal.status = Proposal.Status.PENDING
        proposal.submitted_at = timezone.now()
        proposal.flags = proposal_flags(proposal)
        proposal.save()
        _record(proposal, Action.CONFIRMED)
    return True


def proposal_update(*, proposal: Proposal, data: ProposalData) -> Proposal:
    """The contact's changes, while it is not published: a proposal sent back for changes goes
    back to the moderators' queue (its age starts again)."""
    with transaction.atomic():
        proposal = _locked(proposal)
        if not proposal.is_editable:
            raise ProposalError(
                f"Cette proposition ne peut plus être modifiée : elle est "
                f"« {proposal.get_status_display().lower()} »."
            )
        _write(proposal, data)
        if proposal.awaits_changes:
            proposal.status = Proposal.Status.PENDING
            proposal.submitted_at = timezone.now()
            proposal.save()
            _record(proposal, Action.RESUBMITTED)
        else:
            _record(proposal, Action.EDITED)
        if not proposal.is_unconfirmed:
            _refresh_flags(proposal)
    return proposal


def _decidable(proposal: Proposal) -> Proposal:
    proposal = _locked(proposal)
    if not proposal.is_decidable:
        raise ProposalError(
            f"Cette proposition est « {proposal.get_status_display().lower()} » : "
            "plus de décision à prendre."
        )
    return proposal


def _partner(proposal: Proposal) -> Organiser:
    """The organiser the events are published under: the partner of that name, made on its
    first publication. An agency's name is never borrowed."""
    name = " ".join(proposal.organisation_name.split())
    existing = Organiser.objects.filter(name__iexact=name).first()
    if existing is not None and existing.kind == Organiser.Kind.PARTNER:
        return existing
    if existing is not None:
        name = f"{name} (partenaire)"[:200]
    return Organiser.objects.get_or_create(
        name=name,
        defaults={"kind": Organiser.Kind.PARTNER, "department_id": proposal.department_id},
    )[0]


def proposal_publish(*, proposal: Proposal, user, message: str = "") -> list[Event]:
    """Publish: one published event per date, under the partner as organiser, with the
    proposal's place, seats, trades and audience. The rules of an event apply as in the admin
    (a place outside the 101 departments cannot be published: ask for changes)."""
    with transaction.atomic():
        proposal = _decidable(proposal)
        if proposal.is_onsite and not proposal.department_id:
            raise ProposalError(
                "Ce lieu n'est dans aucun des 101 départements : un événement sur place ne peut "
                "pas y être publié. Demandez une correction ou refusez la proposition."
            )
        organiser = _partner(proposal)
        trade_ids = list(proposal.trades.values_list("pk", flat=True))
        events = []
        for date in proposal.dates.all():
            event = proposal.as_event(date.start, date.end)
            event.organiser = organiser
            event.status = Event.Status.PUBLISHED
            event.edition = Edition.objects.covering(date.local_start.date()) or proposal.edition
            event.created_by = event.updated_by = user
            try:
                event.full_clean()
            except ValidationError as exc:
                raise ProposalError(
                    f"Le {date.local_start:%d/%m/%Y} ne peut pas être publié : "
                    + " ".join(exc.messages)
                ) from None
            event.save()
            event.trades.set(trade_ids)
            event.refresh_sectors()
            date.event = event
            date.save(update_fields=["event"])
            events.append(event)
        proposal.status = Proposal.Status.PUBLISHED
        proposal.organiser = organiser
        proposal.save()
        decision = _record(proposal, Action.PUBLISHED, user=user, message=message)
        proposal_emails.queue_proposal_email("published", proposal, decision)
    return events


def proposal_request_changes(*, proposal: Proposal, user, message: str) -> ProposalDecision:
    """Send the proposal back to its contact with what to change (e-mailed)."""
    if not message.strip():
        raise ProposalError("Dites au contact ce qu'il doit modifier.")
    return _answer(proposal, Action.CHANGES_REQUESTED, user=user, message=message.strip())


def proposal_refuse(*, proposal: Proposal, user, reason: str) -> ProposalDecision:
    """Refuse the proposal, with the reason e-mailed to its contact."""
    if not reason.strip():
        raise ProposalError("Donnez au contact la raison du refus.")
    return _answer(proposal, Action.REFUSED, user=user, message=reason.strip())


def _answer(proposal: Proposal, action: str, *, user, message: str) -> ProposalDecision:
    """A decision that leaves the proposal in the state of the same name (changes requested,
    refused), recorded and e-mailed to its contact with `message`."""
    with transaction.atomic():
        proposal = _decidable(proposal)
        proposal.status = Proposal.Status(action)
        proposal.save()
        decision = _record(proposal, action, user=user, message=message)
        proposal_emails.queue_proposal_email(action, proposal, decision)
    return decision


def proposal_cancel(*, proposal: Proposal) -> int:
    """The contact cancels: before publication the proposal is withdrawn; after it, its events
    are cancelled as when staff cancel them (their registrants are told). Returns the number of
    registrants told."""
    with transaction.atomic():
        proposal = _locked(proposal)
        if not proposal.is_cancellable:
            raise ProposalError(
                f"Cette proposition est déjà « {proposal.get_status_display().lower()} »."
            )
        told = 0
        if proposal.is_published:
            _, told = event_cancel(events=proposal_events(proposal), user=None)
        proposal.status = Proposal.Status.CANCELLED
        proposal.save()
        _record(proposal, Action.CANCELLED)
    return told


def proposal_events(proposal: Proposal) -> QuerySet:
    """The events published from `proposal`."""
    return Event.objects.filter(proposal_date__proposal=proposal)


# -- the dashboard ------------------------------------------------------------------------------


@dataclasses.dataclass
class PendingLine:
    department: str
    agencies: list[str]
    count: int
    oldest: datetime.datetime


def pending_by_department(proposals: QuerySet) -> list[PendingLine]:
    """The proposals waiting for a decision, per department (an agency's queue is its
    department's), with the agencies of each and the oldest one's submission: oldest first."""
    rows = (
        proposals.awaiting_moderation()
        .values("department_id", "department__name")
        .annotate(count=Count("id"), oldest=Min("submitted_at"))
        .order_by("oldest")
    )
    agencies: dict[str, list[str]] = {}
    for name, department in Organiser.objects.filter(
        kind=Organiser.Kind.AGENCY, department_id__in=[r["department_id"] for r in rows]
    ).values_list("name", "department_id"):
        agencies.setdefault(department, []).append(name)
    return [
        PendingLine(
            department=(
                f"{row['department__name']} ({row['department_id']})"
                if row["department_id"]
                else "Hors des 101 départements"
            ),
            agencies=sorted(agencies.get(row["department_id"], [])),
            count=row["count"],
            oldest=row["oldest"],
        )
        for row in rows
    ]


# -- the purge ----------------------------------------------------------------------------------


def proposals_purge(*, months: int | None = None, now: datetime.datetime | None = None) -> int:
    """Delete the proposals whose address was never confirmed (after UNCONFIRMED_DAYS), and
    erase the contact of those whose last date ended more than `months` months ago (the
    registrations' retention): the proposal and its history stay, without the person. Returns
    the number of proposals deleted or anonymised."""
    now = now or timezone.now()
    months = settings.REGISTRATION_RETENTION_MONTHS if months is None else months
    _, per_model = Proposal.objects.filter(
        status=Proposal.Status.UNCONFIRMED,
        created_at__lt=now - datetime.timedelta(days=UNCONFIRMED_DAYS),
    ).delete()
    deleted = per_model.get(Proposal._meta.label, 0)
    cutoff = now - relativedelta(months=months)
    over = (
        Proposal.objects.filter(anonymised_at__isnull=True)
        .annotate(last_end=Max("dates__end"))
        .filter(Q(last_end__lt=cutoff) | Q(last_end__isnull=True, updated_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    anonymised = Proposal.objects.filter(pk__in=list(over)).update(
        contact_name="", contact_email="", contact_phone="", anonymised_at=now
    )
    return deleted + anonymised
