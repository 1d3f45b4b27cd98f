"""Turnout and no-shows on the dashboard, on a fixture with known numbers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Registration, WalkIn
from semaine.models import Department
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PRESENT, ABSENT = Registration.Attendance.PRESENT, Registration.Attendance.ABSENT


def finished(organiser, department="69", title="Job dating"):
    start = timezone.now() - datetime.timedelta(days=2)
    return EventFactory(
        organiser=organiser,
        title=title,
        start=start,
        end=start + datetime.timedelta(hours=2),
        department=Department.objects.get(code=department),
        postcode=f"{department}000",
    )


def people(event, present=0, absent=0, unrecorded=0, walk_ins=0):
    for attendance, n in [(PRESENT, present), (ABSENT, absent), ("", unrecorded)]:
        for _ in range(n):
            RegistrationFactory(event=event, attendance=attendance)
    for i in range(walk_ins):
        WalkIn.objects.create(event=event, first_name="Lou", last_name=f"D{i}")


@pytest.fixture
def week(lyon, marseille):
    """Lyon: 6 present, 2 absent, 1 walk-in and an event left unrecorded (3 people);
    Marseille (region 93): 1 present, 3 absent. Cancelled and coming events do not count."""
    people(finished(lyon, title="Job dating EHPAD"), present=6, absent=2, walk_ins=1)
    people(finished(lyon, title="Forum oublié"), unrecorded=3)
    people(finished(marseille, department="13", title="Forum santé"), present=1, absent=3)
    people(EventFactory(organiser=lyon, title="À venir"), unrecorded=5)
    cancelled = finished(lyon, title="Annulé")
    people(cancelled, absent=4)
    cancelled.status = "cancelled"
    cancelled.save()
    RegistrationFactory(
        event=finished(lyon, title="Attente"),
        status=Registration.Status.WAITLISTED,
    )


def dashboard(client):
    return client.get(reverse("admin:events_event_dashboard"), {"edition": "toutes"})


def test_the_national_dashboard_has_the_weeks_region_and_organiser_rates(
    client, national_user, week
):
    client.force_login(national_user)

    context = dashboard(client).context

    total = context["turnout_total"]
    assert (total.present, total.absent, total.unrecorded, total.walk_ins) == (7, 5, 3, 1)
    assert (total.attendance_rate, total.no_show_rate) == (58, 42)  # 7/12 and 5/12
    regions = {
        t.label: (t.present, t.absent, t.attendance_rate) for t in context["turnout_regions"]
    }
    assert regions == {
        "Auvergne-Rhône-Alpes": (6, 2, 75),
        "Provence-Alpes-Côte d'Azur": (1, 3, 25),
    }
    organisers = {t.label: (t.no_show_rate, t.walk_ins) for t in context["turnout_organisers"]}
    assert organisers == {"France Travail Lyon": (25, 1), "France Travail Marseille": (75, 0)}
    per_event = {t.label: t.attendance_rate for t in context["turnout_events"]}
    assert per_event == {"Job dating EHPAD": 75, "Forum santé": 25, "Forum oublié": None}
    assert [(e.title, e.unrecorded) for e in context["attendance_unrecorded"]] == [
        ("Forum oublié", 3)
    ]


def test_an_agency_sees_its_own_turnout_and_the_events_to_complete(agency_client, week):
    response = dashboard(agency_client)

    total = response.context["turnout_total"]
    assert (total.present, total.absent, total.walk_ins, total.attendance_rate) == (6, 2, 1, 75)
    page = response.text
    assert "Forum santé" not in page
    assert "Forum oublié" in page and "3 présences non relevées" in page


def test_without_any_recorded_attendance_the_rates_are_a_dash(agency_client, lyon):
    people(finished(lyon), unrecorded=2)

    total = dashboard(agency_client).context["turnout_total"]

    assert total.attendance_rate is None and total.no_show_rate is None


def test_the_survey_answers_are_shown_per_organiser_and_per_event(agency_client, lyon, marseille):
    from events.models import SurveyAnswer

    ours = finished(lyon, title="Job dating EHPAD")
    theirs = finished(marseille, department="13", title="Forum santé")
    for answer in ["oui", "oui", "non"]:
        SurveyAnswer.objects.create(event=ours, question="useful", answer=answer)
    SurveyAnswer.objects.create(event=ours, question="next", answer="se_former")
    SurveyAnswer.objects.create(event=theirs, question="useful", answer="oui")

    context = dashboard(agency_client).context

    columns = context["survey_columns"]
    useful_yes = columns.index("Cet événement vous a-t-il été utile ? — Oui")
    train = columns.index("Et maintenant ? — Je vais me former")
    (organiser,) = context["survey_organisers"]
    assert organiser.label == "France Travail Lyon"
    assert (organiser.counts[useful_yes], organiser.counts[train]) == (2, 1)
    assert [row.label for row in context["survey_events"]] == ["Job dating EHPAD"]
    assert context["survey_answers"] == 4
