"""Recording attendance: the rules of the door, double taps, walk-ins, no-shows, retention."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from events.models import Event, Registration, WalkIn
from events.services.attendance import (
    AttendanceError,
    attendance_counts,
    attendance_purge,
    attendance_record,
    mark_unrecorded_absent,
    registration_from_checkin_token,
    walk_in_add,
)
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PRESENT, ABSENT, UNRECORDED = (
    Registration.Attendance.PRESENT,
    Registration.Attendance.ABSENT,
    Registration.Attendance.UNRECORDED,
)


def event_starting_in(minutes):
    start = timezone.now() + datetime.timedelta(minutes=minutes)
    return EventFactory(start=start, end=start + datetime.timedelta(hours=2))


def test_a_registrant_is_marked_present_by_whom_and_when(agency_user):
    registration = RegistrationFactory(event=event_starting_in(30))

    result = attendance_record(registration=registration, attendance=PRESENT, user=agency_user)

    assert result.changed
    registration.refresh_from_db()
    assert registration.attendance == PRESENT
    assert registration.attendance_by == agency_user
    assert registration.attendance_at is not None


def test_a_double_tap_records_nothing_twice(agency_user):
    registration = RegistrationFactory(event=event_starting_in(30))
    attendance_record(registration=registration, attendance=PRESENT, user=agency_user)
    first_at = Registration.objects.get(pk=registration.pk).attendance_at

    again = attendance_record(registration=registration, attendance=PRESENT, user=agency_user)

    assert not again.changed
    assert Registration.objects.get(pk=registration.pk).attendance_at == first_at


def test_undo_puts_the_registrant_back_to_not_recorded(agency_user):
    registration = RegistrationFactory(event=event_starting_in(30))
    attendance_record(registration=registration, attendance=PRESENT, user=agency_user)

    attendance_record(registration=registration, attendance=UNRECORDED, user=agency_user)

    registration.refresh_from_db()
    assert (registration.attendance, registration.attendance_by) == (UNRECORDED, None)


def test_attendance_opens_one_hour_before_the_start(agency_user):
    registration = RegistrationFactory(event=event_starting_in(90))

    with pytest.raises(AttendanceError, match="une heure avant le début"):
        attendance_record(registration=registration, attendance=PRESENT, user=agency_user)

    assert Registration.objects.get(pk=registration.pk).attendance == UNRECORDED
    later = registration.event.start - datetime.timedelta(minutes=59)
    attendance_record(registration=registration, attendance=PRESENT, user=agency_user, now=later)
    assert Registration.objects.get(pk=registration.pk).attendance == PRESENT


def test_no_attendance_at_a_cancelled_event(agency_user):
    event = event_starting_in(0)
    registration = RegistrationFactory(event=event)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)

    with pytest.raises(AttendanceError, match="annulé"):
        attendance_record(registration=registration, attendance=PRESENT, user=agency_user)
    with pytest.raises(AttendanceError, match="annulé"):
        walk_in_add(event=Event.objects.get(pk=event.pk), first_name="A", last_name="B", user=None)
    assert Registration.objects.get(pk=registration.pk).attendance == UNRECORDED


@pytest.mark.parametrize("status", [Registration.Status.WAITLISTED, Registration.Status.CANCELLED])
def test_only_confirmed_registrants_are_checked_in(agency_user, status):
    registration = RegistrationFactory(event=event_starting_in(0), status=status)

    with pytest.raises(AttendanceError, match="pas de place confirmée"):
        attendance_record(registration=registration, attendance=PRESENT, user=agency_user)


def test_a_walk_in_is_counted_present(agency_user):
    event = event_starting_in(0)
    RegistrationFactory(event=event)
    attendance_record(
        registration=RegistrationFactory(event=event), attendance=PRESENT, user=agency_user
    )

    walk_in_add(event=event, first_name="Lou", last_name="Durand", user=agency_user)

    counts = attendance_counts(event)
    assert (counts.confirmed, counts.present, counts.unrecorded, counts.walk_ins) == (2, 1, 1, 1)
    assert counts.arrived == 2


def test_a_forged_or_tampered_checkin_token_is_refused():
    registration = RegistrationFactory()
    token = registration.checkin_token()

    assert registration_from_checkin_token(token) == registration
    for bad in ["", "abc", token[:-2] + "xx", registration.cancel_token()]:
        with pytest.raises(AttendanceError, match="pas valide"):
            registration_from_checkin_token(bad)


def test_after_the_event_the_unrecorded_are_marked_absent_in_one_go(agency_user):
    start = timezone.now() - datetime.timedelta(hours=5)
    finished = EventFactory(start=start, end=start + datetime.timedelta(hours=2))
    came = RegistrationFactory(event=finished)
    attendance_record(registration=came, attendance=PRESENT, user=agency_user)
    missed = RegistrationFactory(event=finished)
    RegistrationFactory(event=finished, status=Registration.Status.WAITLISTED)
    coming = RegistrationFactory(event=event_starting_in(30))

    marked, skipped = mark_unrecorded_absent(
        events=Event.objects.filter(pk__in=[finished.pk, coming.event_id]), user=agency_user
    )

    assert (marked, skipped) == (1, 1)
    states = dict(Registration.objects.values_list("pk", "attendance"))
    assert states[came.pk] == PRESENT
    assert states[missed.pk] == ABSENT
    assert states[coming.pk] == UNRECORDED


def test_the_purge_anonymises_walk_ins_and_keeps_the_attendance_figures(agency_user):
    end = timezone.now() - relativedelta(months=7)
    old = EventFactory(start=end - datetime.timedelta(hours=2), end=end)
    registration = RegistrationFactory(
        event=old, attendance=PRESENT, attendance_by=agency_user, attendance_at=end
    )
    WalkIn.objects.create(event=old, first_name="Lou", last_name="Durand", email="lou@ex.org")
    recent = WalkIn.objects.create(event=event_starting_in(0), first_name="Ana", last_name="B")

    assert attendance_purge() == 1

    walk_in = WalkIn.objects.get(event=old)
    assert (walk_in.first_name, walk_in.last_name, walk_in.email) == ("", "", "")
    registration.refresh_from_db()
    assert (registration.attendance, registration.attendance_by) == (PRESENT, None)
    assert WalkIn.objects.get(pk=recent.pk).first_name == "Ana"
    assert attendance_purge() == 0
