"""Attendance at an event: checking registrants in at the door, walk-ins, and no-shows.

Staff record each confirmed registrant present or absent (or undo it) from one hour before the
event starts; a QR code on the registrant's confirmation carries a signed check-in link. Every
write locks the registration's row and says whether it changed anything, so that a double tap
or a QR code scanned twice records nothing twice.
"""

import dataclasses
import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from events.models import Event, Registration, WalkIn
from events.models.registration import CHECKIN_TOKEN_SALT

# Staff open the door (and their phones) before the start: arrivals are recorded from then on.
OPENS_BEFORE_START = datetime.timedelta(hours=1)


class AttendanceError(Exception):
    """An attendance write the rules refuse; the message is shown to the staff member."""


@dataclasses.dataclass(frozen=True)
class AttendanceResult:
    registration: Registration
    # False when the registration already had that attendance (a double tap, a second scan).
    changed: bool


@dataclasses.dataclass(frozen=True)
class AttendanceCounts:
    confirmed: int
    present: int
    absent: int
    unrecorded: int
    walk_ins: int

    @property
    def arrived(self) -> int:
        """Everyone who came: registrants present and walk-ins."""
        return self.present + self.walk_ins


def attendance_opens_at(event: Event) -> datetime.datetime:
    return event.start - OPENS_BEFORE_START


def attendance_refusal(event: Event, now: datetime.datetime | None = None) -> str:
    """Why attendance cannot be recorded for `event` now, in French; empty when it can."""
    now = now or timezone.now()
    if event.is_cancelled:
        return "Cet événement est annulé : aucune présence n'est enregistrée."
    if now < attendance_opens_at(event):
        opens = timezone.localtime(attendance_opens_at(event), event.tzinfo)
        return (
            "L'accueil n'est pas encore ouvert : les présences s'enregistrent à partir d'une "
            f"heure avant le début, le {opens:%d/%m/%Y} à {opens:%H:%M}."
        )
    return ""


def attendance_counts(event: Event) -> AttendanceCounts:
    """The figures of the check-in page's counter."""
    confirmed = Registration.objects.confirmed().filter(event=event)
    by_state = dict(confirmed.order_by().values_list("attendance").annotate(n=Count("id")))
    return AttendanceCounts(
        confirmed=sum(by_state.values()),
        present=by_state.get(Registration.Attendance.PRESENT, 0),
        absent=by_state.get(Registration.Attendance.ABSENT, 0),
        unrecorded=by_state.get(Registration.Attendance.UNRECORDED, 0),
        walk_ins=WalkIn.objects.filter(event=event).count(),
    )


@transaction.atomic
def attendance_record(
    *, registration: Registration, attendance: str, user, now: datetime.datetime | None = None
) -> AttendanceResult:
    """Record `registration`'s attendance (present, absent, or back to unrecorded to undo)."""
    if attendance not in Registration.Attendance.values:
        raise AttendanceError("Présence inconnue.")
    locked = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=registration.pk)
    )
    refusal = attendance_refusal(locked.event, now)
    if refusal:
        raise AttendanceError(refusal)
    if locked.anonymised_at is not None:
        raise AttendanceError("Cette inscription a été anonymisée.")
    if not locked.is_confirmed:
        raise AttendanceError(
            "Cette personne n'a pas de place confirmée ("
            f"{locked.get_status_display().lower()}) : ajoutez-la comme participant·e "
            "sans inscription si elle est là."
        )
    if locked.attendance == attendance:
        return AttendanceResult(locked, changed=False)
    locked.attendance = attendance
    if attendance == Registration.Attendance.UNRECORDED:
        locked.attendance_at, locked.attendance_by = None, None
    else:
        locked.attendance_at, locked.attendance_by = now or timezone.now(), user
    locked.save(update_fields=["attendance", "attendance_at", "attendance_by", "updated_at"])
    return AttendanceResult(locked, changed=True)


def registration_from_checkin_token(token: str) -> Registration:
    """The registration a check-in token points to; AttendanceError if forged or tampered with."""
    try:
        data = signing.loads(token, salt=CHECKIN_TOKEN_SALT)
    except signing.BadSignature:
        raise AttendanceError("Ce code d'accueil n'est pas valide.") from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise AttendanceError("Ce code d'accueil n'est pas valide.")
    registration = (
        Registration.objects.select_related("event", "event__department", "event__organiser")
        .filter(pk=data["r"], event_id=data.get("e"), anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        raise AttendanceError("Ce code d'accueil ne correspond à aucune inscription.")
    return registration


def walk_in_add(
    *,
    event: Event,
    first_name: str,
    last_name: str,
    email: str = "",
    user,
    now: datetime.datetime | None = None,
) -> WalkIn:
    """Add a person who came without registering; counted present."""
    refusal = attendance_refusal(event, now)
    if refusal:
        raise AttendanceError(refusal)
    return WalkIn.objects.create(
        event=event, first_name=first_name, last_name=last_name, email=email, created_by=user
    )


def mark_unrecorded_absent(
    *, events, user, now: datetime.datetime | None = None
) -> tuple[int, int]:
    """After their end, mark the confirmed registrants of `events` nobody recorded as absent.

    Returns (registrations marked, events skipped because not finished or cancelled).
    """
    now = now or timezone.now()
    finished = Event.objects.filter(pk__in=events.values("pk")).past(now).not_cancelled()
    skipped = events.count() - finished.count()
    marked = (
        Registration.objects.confirmed()
        .attendance_unrecorded()
        .filter(event__in=finished, anonymised_at__isnull=True)
        .update(
            attendance=Registration.Attendance.ABSENT,
            attendance_at=now,
            attendance_by=user,
            updated_at=now,
        )
    )
    return marked, skipped


def attendance_purge(*, months: int | None = None, now: datetime.datetime | None = None) -> int:
    """Anonymise the walk-ins of events finished more than `months` months ago, as
    `registrations_purge` does registrations; and forget which staff member recorded the
    attendance of those registrations and which survey questions they answered. Whether each
    one came stays, for the statistics; the survey's answers were never tied to anyone.

    Returns the number of walk-ins anonymised.
    """
    months = settings.REGISTRATION_RETENTION_MONTHS if months is None else months
    now = now or timezone.now()
    cutoff = now - relativedelta(months=months)
    Registration.objects.filter(event__end__lt=cutoff).exclude(
        attendance_by__isnull=True, survey_answered=[]
    ).update(attendance_by=None, survey_answered=[])
    return WalkIn.objects.filter(event__end__lt=cutoff, anonymised_at__isnull=True).update(
        first_name="", last_name="", email="", anonymised_at=now
    )
