"""Registrants in the admin: the actions the rules allow, the list's filters, the message to an
event's registrants. (The rules themselves: tests/events/services/test_registrant_actions.py
and test_messages.py.)"""

from urllib.parse import urlencode

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from events.models import Event, EventMessage, Registration
from tests.conftest import register_confirmed
from tests.factories import EventFactory, RegistrationFactory, event_form_data

pytestmark = pytest.mark.django_db


def book(event, name, mode=""):
    return register_confirmed(
        event=event, first_name=name, last_name="Martin", email=f"{name}@example.org", mode=mode
    )


def action_url(registration, action, **query):
    url = reverse(f"admin:events_registration_{action}", args=[registration.pk])
    return url + (f"?{urlencode(query)}" if query else "")


def change_url(registration):
    return reverse("admin:events_registration_change", args=[registration.pk])


def status_of(registration):
    return Registration.objects.get(pk=registration.pk).status


@pytest.fixture
def full_event(lyon):
    """Lyon's event with one seat, taken by Alice; Bruno waits."""
    event = EventFactory(organiser=lyon, capacity_onsite=1, title="Visite du CHU")
    book(event, "alice")
    book(event, "bruno")
    return event


@pytest.fixture
def alice(full_event):
    return Registration.objects.get(first_name="alice")


# -- a registration's page: no status menu, the allowed actions ---------------------------------


def test_the_status_is_no_longer_a_menu_and_only_allowed_actions_are_offered(agency_client, alice):
    response = agency_client.get(change_url(alice))

    assert response.status_code == 200
    assert 'name="status"' not in response.text
    assert action_url(alice, "cancel") in response.text
    assert escape("La personne reçoit un e-mail d'annulation") in response.text
    assert action_url(alice, "reinstate") not in response.text
    assert action_url(alice, "move") not in response.text
    # Nothing to save on this page.
    assert 'name="_save"' not in response.text


def test_a_status_posted_to_the_page_changes_nothing(agency_client, full_event):
    bruno = Registration.objects.get(first_name="bruno")

    agency_client.post(change_url(bruno), {"status": "confirmed"})

    assert status_of(bruno) == Registration.Status.WAITLISTED


def test_cancelling_asks_first_saying_who_is_emailed(agency_client, alice):
    response = agency_client.get(action_url(alice, "cancel"))

    assert response.status_code == 200
    assert "Annuler l&#x27;inscription ?" in response.text
    assert (
        "La personne reçoit un e-mail d&#x27;annulation ; la première personne de la liste "
        "d&#x27;attente reçoit sa place"
    ) in response.text
    assert "Oui, annuler l&#x27;inscription" in response.text
    assert status_of(alice) == Registration.Status.CONFIRMED  # a GET changes nothing


def test_cancelling_then_tells_staff_what_happened_and_records_it_without_names(
    agency_client, alice, full_event, emails_sent
):
    mail.outbox.clear()
    with emails_sent():
        response = agency_client.post(action_url(alice, "cancel"), follow=True)

    assert response.redirect_chain[-1][0] == change_url(alice)
    assert "Inscription annulée. La personne est prévenue par e-mail." in response.text
    assert status_of(alice) == Registration.Status.CANCELLED
    assert Registration.objects.get(first_name="bruno").is_confirmed
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bruno@example.org"]
    entries = LogEntry.objects.filter(object_id__in=[str(alice.pk), str(full_event.pk)])
    assert entries.count() == 2
    for entry in entries:
        assert "annulée" in entry.change_message
        assert "alice" not in (entry.change_message + entry.object_repr).lower()
    # The page now offers to put it back.
    assert action_url(alice, "reinstate") in agency_client.get(change_url(alice)).text


def test_an_action_the_rules_refuse_is_not_done_and_says_why(agency_client, alice):
    for method in (agency_client.get, agency_client.post):
        response = method(action_url(alice, "reinstate"), follow=True)
        assert "Cette inscription n&#x27;est pas annulée." in response.text
    assert status_of(alice) == Registration.Status.CONFIRMED


def test_the_event_page_lists_registrants_with_their_actions_and_comes_back_to_it(
    agency_client, full_event, alice
):
    event_page = reverse("admin:events_event_change", args=[full_event.pk])

    page = agency_client.get(event_page)

    link = action_url(alice, "cancel", next=event_page)
    assert link.replace("&", "&amp;") in page.text or link in page.text
    assert 'aria-label="Annuler l&#x27;inscription : alice Martin"' in page.text
    assert 'name="registrations-0-status"' not in page.text
    response = agency_client.post(action_url(alice, "cancel"), {"next": event_page})
    assert response.status_code == 302 and response.url == event_page


def test_saving_the_event_ignores_what_the_registrations_table_posts(agency_client, lyon):
    event = EventFactory(organiser=lyon, capacity_onsite=1)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    data = event_form_data(organiser=lyon.pk, title=event.title, capacity_onsite="1")
    data.update(
        {
            "registrations-TOTAL_FORMS": "1",
            "registrations-INITIAL_FORMS": "1",
            "registrations-0-id": waiting.pk,
            "registrations-0-event": event.pk,
            "registrations-0-status": "confirmed",
        }
    )

    response = agency_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    assert response.status_code == 302
    assert status_of(waiting) == Registration.Status.WAITLISTED


def test_a_redirect_elsewhere_after_an_action_is_ignored(agency_client, alice):
    response = agency_client.post(action_url(alice, "cancel"), {"next": "https://pirate.example/"})
    assert response.url == change_url(alice)


def test_a_hybrid_events_registrant_is_moved_online_from_the_admin(agency_client, lyon):
    event = EventFactory(
        organiser=lyon, modalite=Event.Modalite.HYBRIDE, capacity_onsite=5, capacity_online=5
    )
    zoe = book(event, "zoe", Registration.Mode.PRESENTIEL)
    page = agency_client.get(action_url(zoe, "move"))
    assert "Passer en ligne ?" in page.text

    response = agency_client.post(action_url(zoe, "move"), follow=True)

    assert "Participation changée : en ligne." in response.text
    event.refresh_from_db()
    assert (event.confirmed_onsite, event.confirmed_online) == (0, 1)


def test_an_agency_user_cannot_act_on_another_agencys_registration(agency_client, marseille):
    theirs = RegistrationFactory(event=EventFactory(organiser=marseille), email="x@example.org")

    for action in ("cancel", "reinstate", "move"):
        response = agency_client.post(action_url(theirs, action), follow=True)
        assert response.redirect_chain[-1] == ("/admin/", 302)
        assert "x@example.org" not in response.text
    assert status_of(theirs) == Registration.Status.CONFIRMED


# -- the list: filters, columns ------------------------------------------------------------------


def listed(response):
    return {r.email for r in response.context["cl"].result_list}


def test_the_list_filters_by_event_organiser_and_status(agency_client, lyon, coordinator, client):
    from tests.factories import OrganiserFactory

    first = EventFactory(organiser=lyon, title="Forum A")
    second = EventFactory(organiser=lyon, title="Forum B")
    RegistrationFactory(event=first, email="a1@example.org")
    RegistrationFactory(event=first, email="a2@example.org", status="waitlisted")
    RegistrationFactory(event=second, email="b1@example.org")
    grenoble = OrganiserFactory(name="France Travail Grenoble")
    RegistrationFactory(
        event=EventFactory(organiser=grenoble, department_id="38"), email="g1@example.org"
    )
    url = reverse("admin:events_registration_changelist")

    assert listed(agency_client.get(url, {"evenement": first.pk})) == {
        "a1@example.org",
        "a2@example.org",
    }
    assert listed(agency_client.get(url, {"evenement": first.pk, "status": "waitlisted"})) == {
        "a2@example.org"
    }
    client.force_login(coordinator)
    assert listed(client.get(url, {"organisateur": grenoble.pk})) == {"g1@example.org"}
    assert listed(client.get(url, {"organisateur": lyon.pk})) == {
        "a1@example.org",
        "a2@example.org",
        "b1@example.org",
    }


def test_the_event_filter_shows_the_chosen_event_only_never_every_event(agency_client, lyon):
    events = [EventFactory(organiser=lyon, title=f"Atelier n°{n}") for n in range(30)]
    url = reverse("admin:events_registration_changelist")

    unfiltered = agency_client.get(url)
    chosen = agency_client.get(url, {"evenement": events[7].pk, "status": "confirmed"})

    assert "Atelier n°" not in unfiltered.text
    assert chosen.text.count("Atelier n°7 — ") == 1
    assert "Atelier n°8" not in chosen.text
    # The filter's form keeps the page's other filters.
    assert '<input type="hidden" name="status" value="confirmed">' in chosen.text
    # The event's page and its message are a click away.
    assert reverse("admin:events_event_message", args=[events[7].pk]) in chosen.text
    assert reverse("admin:events_event_message", args=[events[7].pk]) not in unfiltered.text


@pytest.mark.parametrize(
    "value", ["abc", "-1", "99999999", "1 OR 1=1", "²", "9" * 30, "%00", "1.5"]
)
def test_a_wrong_event_in_the_filter_lists_nothing(agency_client, lyon, value):
    RegistrationFactory(event=EventFactory(organiser=lyon))

    response = agency_client.get(
        reverse("admin:events_registration_changelist"), {"evenement": value}
    )

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert listed(response) == set()


def test_another_agencys_event_in_the_filter_lists_and_names_nothing(agency_client, marseille):
    theirs = EventFactory(organiser=marseille, title="Forum secret de Marseille")
    RegistrationFactory(event=theirs, email="secret@example.org")

    response = agency_client.get(
        reverse("admin:events_registration_changelist"), {"evenement": theirs.pk}
    )

    assert listed(response) == set()
    assert "Forum secret de Marseille" not in response.text


def test_event_suggestions_are_searched_in_the_users_scope_only(agency_client, lyon, marseille):
    mine = EventFactory(organiser=lyon, title="Forum santé Lyon", city="Lyon")
    EventFactory(organiser=marseille, title="Forum santé Marseille")
    url = reverse("admin:events_registration_event_suggestions")

    answer = agency_client.get(url, {"term": "forum"}).json()

    assert [item["id"] for item in answer["results"]] == [str(mine.pk)]
    assert answer["results"][0]["text"].startswith("Forum santé Lyon — ")
    assert answer["results"][0]["text"].endswith(" — Lyon")
    assert answer["pagination"] == {"more": False}
    assert agency_client.get(url, {"term": "Marseille"}).json()["results"] == []


def test_event_suggestions_come_twenty_at_a_time(agency_client, lyon):
    for n in range(25):
        EventFactory(organiser=lyon, title=f"Atelier n°{n}")
    url = reverse("admin:events_registration_event_suggestions")

    first = agency_client.get(url).json()
    second = agency_client.get(url, {"page": "2"}).json()
    beyond = agency_client.get(url, {"page": "zzz"}).json()

    assert (len(first["results"]), first["pagination"]["more"]) == (20, True)
    assert (len(second["results"]), second["pagination"]["more"]) == (5, False)
    assert beyond["results"] == first["results"]


def test_organiser_suggestions_follow_the_scope(agency_client, lyon, marseille):
    EventFactory(organiser=lyon)
    EventFactory(organiser=marseille)
    url = reverse("admin:events_registration_organiser_suggestions")

    names = [item["text"] for item in agency_client.get(url, {"term": "france"}).json()["results"]]

    assert names == ["France Travail Lyon"]


def test_the_suggestions_need_a_staff_login(client, lyon):
    EventFactory(organiser=lyon, title="Forum santé Lyon")

    response = client.get(reverse("admin:events_registration_event_suggestions"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_list_shows_date_and_status_in_few_columns(agency_client, lyon):
    RegistrationFactory(
        event=EventFactory(organiser=lyon), email_failure="Adresse refusée (code 550)"
    )

    response = agency_client.get(reverse("admin:events_registration_changelist"))

    headers = [str(column["text"]) for column in response.context["result_headers"]]
    assert headers[-6:] == [
        "personne",
        "événement",
        "date",
        "participation",
        "statut",
        "inscrit le",
    ]
    assert "⚠ e-mail non délivré" in response.text


# -- message to registrants ----------------------------------------------------------------------


def message_url(event):
    return reverse("admin:events_event_message", args=[event.pk])


def test_staff_write_to_an_events_registrants_and_its_history_records_it(
    agency_client, full_event, agency_user
):
    page = agency_client.get(reverse("admin:events_event_change", args=[full_event.pk]))
    assert message_url(full_event) in page.text
    form = agency_client.get(message_url(full_event))
    assert "<strong>1</strong> personne dont l'inscription est confirmée" in form.text

    response = agency_client.post(
        message_url(full_event),
        {
            "subject": "Changement de salle",
            "body": "Salle B.",
            "include_waitlist": "on",
        },
        follow=True,
    )

    assert "Message « Changement de salle » envoyé à 2 personne(s)" in response.text
    message = EventMessage.objects.get()
    assert (message.sent_by, message.recipients, message.include_waitlist) == (
        agency_user,
        2,
        True,
    )
    [entry] = LogEntry.objects.filter(object_id=str(full_event.pk))
    assert entry.user == agency_user
    assert "« Changement de salle » : 2 destinataire(s)" in entry.change_message
    history = agency_client.get(reverse("admin:events_event_history", args=[full_event.pk]))
    assert "Changement de salle" in history.text
    assert "alice" not in entry.change_message.lower()
    # The page lists it among the messages sent.
    assert "<td>Changement de salle</td>" in agency_client.get(message_url(full_event)).text


def test_a_message_form_with_mistakes_says_so_in_french(agency_client, full_event):
    response = agency_client.post(message_url(full_event), {"subject": "", "body": "x" * 5001})

    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.text
    assert "5000 caractères" in response.text
    assert not EventMessage.objects.exists()


def test_a_message_to_an_event_without_registrants_is_refused_with_a_reason(agency_client, lyon):
    event = EventFactory(organiser=lyon)

    response = agency_client.post(message_url(event), {"subject": "Salle", "body": "B"})

    assert response.status_code == 400
    assert "Personne à prévenir" in response.text


def test_another_agency_cannot_write_to_an_events_registrants(agency_client, marseille):
    theirs = EventFactory(organiser=marseille, title="Forum secret de Marseille")
    RegistrationFactory(event=theirs)

    response = agency_client.post(
        message_url(theirs), {"subject": "Salle", "body": "B"}, follow=True
    )

    assert response.redirect_chain[-1] == ("/admin/", 302)
    assert not EventMessage.objects.exists()
