"""« Dupliquer »: an event copied on the days staff choose, as drafts, with its own title."""

import datetime
import zoneinfo

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse

from events.models import Event
from semaine.models import Department
from tests.factories import EventFactory, RegistrationFactory, edition, staff_user

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
GUADELOUPE = zoneinfo.ZoneInfo("America/Guadeloupe")


def local(day: datetime.date, hour: int, minute: int = 0, tz=PARIS) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


@pytest.fixture
def monday_event(lyon):
    """A job dating on the Monday of the 2030 week (22 April), 09:30 to 12:00 in Lyon."""
    day = datetime.date(2030, 4, 22)
    return EventFactory(
        organiser=lyon,
        title="Job dating aide-soignant en EHPAD",
        start=local(day, 9, 30),
        end=local(day, 12),
        edition=edition(),
        trades=["J1501"],
        external_source="tableur-1",
        external_id="LYO-01",
        status=Event.Status.PUBLISHED,
    )


def duplicate_url(event):
    return reverse("admin:events_event_duplicate", args=[event.pk])


def test_the_event_page_links_to_its_duplication(agency_client, monday_event):
    page = agency_client.get(reverse("admin:events_event_change", args=[monday_event.pk]))

    assert f'href="{duplicate_url(monday_event)}"' in page.text


def test_the_page_offers_the_other_days_of_the_week(agency_client, monday_event):
    response = agency_client.get(duplicate_url(monday_event))

    assert response.status_code == 200
    labels = [label for _, label in response.context["form"].fields["days"].choices]
    assert labels == [
        "mardi 23 avril 2030",
        "mercredi 24 avril 2030",
        "jeudi 25 avril 2030",
        "vendredi 26 avril 2030",
    ]


def test_an_event_is_copied_on_three_days_in_one_step(agency_client, agency_user, monday_event):
    RegistrationFactory(event=monday_event)

    response = agency_client.post(
        duplicate_url(monday_event),
        {"days": ["2030-04-23", "2030-04-25"], "other_dates": "26/04/2030", "dupliquer": "1"},
        follow=True,
    )

    copies = list(Event.objects.exclude(pk=monday_event.pk).order_by("start"))
    assert [copy.local_start for copy in copies] == [
        local(datetime.date(2030, 4, day), 9, 30) for day in (23, 25, 26)
    ]
    assert [copy.local_end.time() for copy in copies] == [datetime.time(12)] * 3
    for copy in copies:
        assert copy.title == "Job dating aide-soignant en EHPAD"  # no « Copie de »
        assert copy.status == Event.Status.DRAFT
        assert copy.registrations.count() == 0
        assert (copy.confirmed_onsite, copy.confirmed_online) == (0, 0)
        assert (copy.external_source, copy.external_id) == ("", "")
        assert list(copy.trades.values_list("code", flat=True)) == ["J1501"]
        assert copy.sectors == "J"
        assert (copy.address, copy.department_id, copy.region_id) == (
            monday_event.address,
            "69",
            "84",
        )
        assert copy.edition_id == 2030
        assert copy.created_by == agency_user
        assert LogEntry.objects.filter(
            object_id=str(copy.pk), action_flag=ADDITION, user=agency_user
        ).exists()
    # The original is left as it was.
    monday_event.refresh_from_db()
    assert monday_event.status == Event.Status.PUBLISHED
    assert monday_event.registrations.count() == 1
    # Back to the list of the original and its copies, saying what was made.
    assert response.redirect_chain[-1][0].startswith(reverse("admin:events_event_changelist"))
    message = str(list(response.context["messages"])[0])
    assert message.startswith("3 copie(s) créée(s) en brouillon")
    assert "mardi 23 avril" in message


def test_an_overseas_event_keeps_its_local_times(agency_client, lyon):
    day = datetime.date(2030, 4, 22)
    event = EventFactory(
        organiser=lyon,
        department=Department.objects.get(code="971"),
        postcode="97139",
        city="Les Abymes",
        start=local(day, 9, 30, GUADELOUPE),
        end=local(day, 11, tz=GUADELOUPE),
    )

    agency_client.post(duplicate_url(event), {"days": ["2030-04-24"], "dupliquer": "1"})

    copy = Event.objects.exclude(pk=event.pk).get()
    assert copy.local_start == local(datetime.date(2030, 4, 24), 9, 30, GUADELOUPE)
    assert copy.start.astimezone(datetime.UTC).hour == 13


def test_a_copy_across_the_change_to_summer_time_keeps_its_time_of_day(agency_client, lyon):
    # Paris moves to summer time on 31 March 2030: 09:30 stays 09:30, not 10:30.
    event = EventFactory(
        organiser=lyon,
        start=local(datetime.date(2030, 3, 28), 9, 30),
        end=local(datetime.date(2030, 3, 28), 12),
    )

    agency_client.post(duplicate_url(event), {"other_dates": "02/04/2030", "dupliquer": "1"})

    copy = Event.objects.exclude(pk=event.pk).get()
    assert copy.local_start.strftime("%d/%m/%Y %H:%M") == "02/04/2030 09:30"
    assert copy.start - event.start == datetime.timedelta(days=5, hours=-1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choisissez au moins un jour, ou saisissez une date."),
        ({"other_dates": "22/04/2030"}, "a déjà lieu le lundi 22 avril 2030"),
        ({"other_dates": "01/01/2020"}, "Impossible : le 1 janvier 2020 est passé."),
        ({"other_dates": "31/02/2030 demain"}, "« 31/02/2030 », « demain »"),
        ({"days": ["2030-04-22"]}, "Sélectionnez un choix valide"),
    ],
)
def test_days_that_cannot_be_are_refused_with_a_message(agency_client, monday_event, data, message):
    response = agency_client.post(duplicate_url(monday_event), {**data, "dupliquer": "1"})

    assert response.status_code == 400
    assert message in response.text
    assert Event.objects.count() == 1


def test_staff_outside_the_events_scope_cannot_duplicate_it(
    client, marseille, monday_event, fast_password_hasher
):
    client.force_login(staff_user("agence-marseille", group="Agence", organiser=marseille))

    response = client.post(duplicate_url(monday_event), {"days": ["2030-04-23"], "dupliquer": "1"})

    assert response.status_code == 404
    assert Event.objects.count() == 1


def test_staff_who_may_not_add_events_cannot_duplicate(client, agency_user, monday_event):
    from django.contrib.auth.models import Permission

    agency_user.groups.clear()
    agency_user.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(agency_user)

    response = client.post(duplicate_url(monday_event), {"days": ["2030-04-23"], "dupliquer": "1"})

    assert response.status_code == 403
    assert Event.objects.count() == 1


def test_the_list_action_asks_for_days_then_copies_each_event(agency_client, lyon, monday_event):
    other = EventFactory(
        organiser=lyon,
        title="Atelier CV",
        start=local(datetime.date(2030, 4, 22), 14),
        end=local(datetime.date(2030, 4, 22), 16),
    )
    changelist = reverse("admin:events_event_changelist")
    selection = {"action": "duplicate", "_selected_action": [monday_event.pk, other.pk]}

    asked = agency_client.post(changelist, {**selection, "index": "0"})

    assert asked.status_code == 200
    assert "Jours de la Semaine" in asked.text
    assert Event.objects.count() == 2

    done = agency_client.post(
        changelist, {**selection, "days": ["2030-04-23", "2030-04-24"], "dupliquer": "1"}
    )

    assert done.status_code == 302
    copies = Event.objects.exclude(pk__in=[monday_event.pk, other.pk])
    assert sorted((c.title, c.local_start.day, c.local_start.hour) for c in copies) == [
        ("Atelier CV", 23, 14),
        ("Atelier CV", 24, 14),
        ("Job dating aide-soignant en EHPAD", 23, 9),
        ("Job dating aide-soignant en EHPAD", 24, 9),
    ]
    assert {c.status for c in copies} == {Event.Status.DRAFT}
