"""The check-in page at the door and the QR code's check-in link, as staff and visitors use them."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration, WalkIn
from tests.conftest import confirm_registration, run_queued_emails
from tests.factories import EventFactory, RegistrationFactory, content_of, staff_user

pytestmark = pytest.mark.django_db

PRESENT = Registration.Attendance.PRESENT


@pytest.fixture
def event(lyon):
    start = timezone.now() + datetime.timedelta(minutes=20)
    return EventFactory(organiser=lyon, start=start, end=start + datetime.timedelta(hours=3))


@pytest.fixture
def other_agency_client(client, marseille, fast_password_hasher):
    client.force_login(staff_user("agence-marseille", group="Agence", organiser=marseille))
    return client


def checkin_url(event):
    return reverse("admin:events_event_checkin", args=[event.pk])


def text(response):
    return content_of(response).decode()


def attendance_of(registration):
    return Registration.objects.get(pk=registration.pk).attendance


def test_the_page_lists_the_confirmed_registrants_in_alphabetical_order(agency_client, event):
    RegistrationFactory(event=event, first_name="Zoé", last_name="Martin")
    RegistrationFactory(event=event, first_name="Élise", last_name="Éluard")
    RegistrationFactory(event=event, first_name="Paul", last_name="Bernard")
    RegistrationFactory(
        event=event, first_name="Wendy", last_name="Attente", status=Registration.Status.WAITLISTED
    )

    page = text(agency_client.get(checkin_url(event)))

    assert page.index("BERNARD Paul") < page.index("ÉLUARD Élise") < page.index("MARTIN Zoé")
    assert "Wendy" not in page
    assert "0</strong> présent·e sur 3 inscrit·e" in page


def test_the_search_finds_a_name_without_its_accents(agency_client, event):
    RegistrationFactory(event=event, first_name="Élise", last_name="Éluard")
    RegistrationFactory(event=event, first_name="Paul", last_name="Bernard")

    page = text(agency_client.get(checkin_url(event), {"q": "elise"}))

    assert "ÉLUARD Élise" in page
    assert "BERNARD" not in page
    assert "Personne ne correspond" in text(agency_client.get(checkin_url(event), {"q": "xyz"}))


def test_one_tap_marks_present_a_second_records_nothing_and_undo_reverts(agency_client, event):
    registration = RegistrationFactory(event=event, first_name="Paul", last_name="Bernard")
    tap = {"registration": registration.pk, "attendance": PRESENT, "q": "bern"}

    response = agency_client.post(checkin_url(event), tap)

    assert response.status_code == 302
    assert response["Location"] == checkin_url(event) + "?q=bern"
    assert attendance_of(registration) == PRESENT
    page = text(agency_client.post(checkin_url(event), tap, follow=True))
    assert "était déjà présent·e" in page
    assert "1</strong> présent·e sur 1 inscrit·e" in page

    page = text(
        agency_client.post(
            checkin_url(event), {"registration": registration.pk, "attendance": ""}, follow=True
        )
    )
    assert "Présence de Paul Bernard annulée" in page
    assert attendance_of(registration) == ""


def test_a_walk_in_is_added_and_counted(agency_client, event):
    page = text(
        agency_client.post(
            checkin_url(event),
            {"walkin-first_name": "Lou", "walkin-last_name": "Durand", "walkin-email": ""},
            follow=True,
        )
    )

    assert WalkIn.objects.get(event=event).last_name == "Durand"
    assert "Lou Durand ajouté·e" in page
    assert "<strong>1</strong> sans inscription" in page


def test_a_walk_in_without_a_name_is_refused_with_a_message(agency_client, event):
    response = agency_client.post(
        checkin_url(event), {"walkin-first_name": "Lou", "walkin-last_name": ""}
    )

    assert response.status_code == 400
    assert "Ce champ est obligatoire" in text(response)
    assert not WalkIn.objects.exists()


def test_before_the_door_opens_nothing_is_recorded(agency_client, lyon):
    later = EventFactory(organiser=lyon)  # in ten days
    registration = RegistrationFactory(event=later)

    page = text(
        agency_client.post(
            checkin_url(later),
            {"registration": registration.pk, "attendance": PRESENT},
            follow=True,
        )
    )

    assert "pas encore ouvert" in page
    assert attendance_of(registration) == ""


def test_a_registration_of_another_event_cannot_be_slipped_in(agency_client, event, lyon):
    elsewhere = RegistrationFactory(event=EventFactory(organiser=lyon, start=event.start))

    page = text(
        agency_client.post(
            checkin_url(event), {"registration": elsewhere.pk, "attendance": PRESENT}, follow=True
        )
    )

    assert "Inscription introuvable" in page
    assert attendance_of(elsewhere) == ""


def test_another_agencys_check_in_page_is_refused(other_agency_client, event):
    registration = RegistrationFactory(event=event, last_name="Bernard")

    assert other_agency_client.get(checkin_url(event)).status_code == 404
    response = other_agency_client.post(
        checkin_url(event), {"registration": registration.pk, "attendance": PRESENT}
    )
    assert response.status_code == 404
    assert attendance_of(registration) == ""


# -- the QR code's link -------------------------------------------------------------------------


def qr_url(registration):
    return reverse("registration_checkin", kwargs={"token": registration.checkin_token()})


def test_staff_scanning_the_qr_code_mark_the_person_present_once(agency_client, event):
    registration = RegistrationFactory(event=event, first_name="Paul", last_name="Bernard")

    page = text(agency_client.get(qr_url(registration)))

    assert "Présence enregistrée" in page and "Paul Bernard" in page
    assert attendance_of(registration) == PRESENT
    at = Registration.objects.get(pk=registration.pk).attendance_at
    replayed = text(agency_client.get(qr_url(registration)))
    assert "Déjà enregistrée" in replayed
    assert Registration.objects.get(pk=registration.pk).attendance_at == at


def test_anyone_else_opening_the_qr_link_sees_nothing_personal(client, event):
    registration = RegistrationFactory(event=event, first_name="Quixotelle", last_name="Zbrod")

    response = client.get(qr_url(registration))

    assert response.status_code == 200
    page = text(response)
    assert "présentez-le à l'entrée" in page
    assert "Quixotelle" not in page and "Zbrod" not in page and event.title not in page
    assert attendance_of(registration) == ""


def test_another_agencys_staff_scanning_the_qr_code_record_nothing(other_agency_client, event):
    registration = RegistrationFactory(event=event, first_name="Quixotelle")

    response = other_agency_client.get(qr_url(registration))

    assert response.status_code == 403
    assert "pas dans votre périmètre" in text(response)
    assert "Quixotelle" not in text(response)
    assert attendance_of(registration) == ""


def test_a_forged_qr_link_is_refused(agency_client):
    response = agency_client.get(reverse("registration_checkin", kwargs={"token": "forged:x"}))

    assert response.status_code == 400
    assert "pas valide" in text(response)


def test_the_qr_link_of_a_cancelled_event_records_nothing(agency_client, event):
    registration = RegistrationFactory(event=event)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)

    response = agency_client.get(qr_url(registration))

    assert response.status_code == 400
    assert "annulé" in text(response)
    assert attendance_of(registration) == ""


# -- where the registrant finds the QR code -----------------------------------------------------


def test_the_confirmation_email_and_the_registrants_page_carry_the_qr_code(client, event, db):
    from events.services.registration import registration_create

    result = registration_create(
        event=event, first_name="Paul", last_name="Bernard", email="paul@example.org"
    )
    run_queued_emails()
    # The request to confirm the address carries no code: the seat is not the person's yet.
    (request,) = mail.outbox
    assert "<svg" not in request.alternatives[0][0] and not request.attachments
    mail.outbox.clear()
    confirm_registration(result.registration)
    run_queued_emails()

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "<svg" in html
    assert any(name == "code-accueil.svg" for name, *_ in message.attachments)
    assert "code d'accueil" in message.body
    cancel_page = reverse(
        "registration_cancel", kwargs={"token": result.registration.cancel_token()}
    )
    assert "Votre code d'accueil" in text(client.get(cancel_page))
