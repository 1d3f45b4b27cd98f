import datetime
import logging

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from events.models import Event, Registration
from events.services.registration import RegistrationError, registration_create
from semaine.mail import DeliveryError
from tests.conftest import confirm_registration, register_confirmed, run_queued_emails
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "first_name": "Camille",
        "last_name": "Durand",
        "email": "camille.durand@example.org",
        "phone": "06 12 34 56 78",
        "situation": "demandeur_emploi",
        "consent_contact": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register(client, event, *, confirm=True, **overrides):
    """Submit the form and, unless `confirm=False`, click the link of the e-mail that follows
    (the confirmation e-mail itself is not kept: see test_registration_opt_in.py)."""
    response = client.post(reverse("events:register", args=[event.pk]), form_data(**overrides))
    email = form_data(**overrides).get("email", "")
    pending = Registration.objects.filter(
        event=event, email__iexact=email, status=Registration.Status.PENDING
    ).first()
    if confirm and response.status_code == 302 and pending is not None:
        ProcrastinateJob.objects.filter(args__registration_id=pending.pk).delete()
        confirm_registration(pending)
    return response


def job_count(registration=None) -> int:
    jobs = ProcrastinateJob.objects.filter(task_name="events.emails.deliver", status="todo")
    if registration is not None:
        jobs = jobs.filter(args__registration_id=registration.pk)
    return jobs.count()


@pytest.fixture
def event():
    return EventFactory(capacity_onsite=2, title="Job dating EHPAD")


# -- the form ---------------------------------------------------------------------------------


def test_the_form_shows_the_fields_and_links_the_privacy_notice(client, event):
    response = client.get(reverse("events:register", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Prénom", "Nom", "Adresse e-mail", "Téléphone (facultatif)", "situation"):
        assert label in html
    assert reverse("donnees_personnelles") in html
    assert 'name="csrfmiddlewaretoken"' in html
    # One mode only: no choice to make.
    assert 'name="mode"' not in html


def test_the_event_page_links_to_the_form(client, event):
    response = client.get(event.get_absolute_url())
    assert reverse("events:register", args=[event.pk]) in response.content.decode()


def test_the_privacy_notice_states_the_retention_period(client, settings):
    settings.REGISTRATION_RETENTION_MONTHS = 4
    response = client.get("/donnees-personnelles/")
    assert response.status_code == 200
    assert "4 mois après la fin de l'événement" in response.content.decode()
    assert "Données personnelles" in client.get("/").content.decode()


# -- confirmed or waitlisted --------------------------------------------------------------------


def test_a_registration_with_a_seat_left_is_confirmed(client, event, emails_sent):
    with emails_sent():
        response = register(client, event)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration_done", args=[event.pk])
    registration = Registration.objects.get(event=event)
    assert registration.status == Registration.Status.CONFIRMED
    event.refresh_from_db()
    assert event.confirmed_onsite == 1
    page = client.get(response["Location"]).content.decode()
    assert "Vérifiez votre boîte mail" in page
    assert "1 restante sur 2" in client.get(event.get_absolute_url()).content.decode()
    assert len(mail.outbox) == 1


def test_registrations_beyond_the_seats_are_waitlisted_in_order(client, event):
    results = [
        register_confirmed(
            event=event, first_name="Personne", last_name=str(n), email=f"p{n}@example.org"
        )
        for n in range(4)
    ]
    assert [r.status for r in results] == [
        Registration.Status.CONFIRMED,
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
        Registration.Status.WAITLISTED,
    ]
    assert [r.waitlist_position() for r in results] == [None, None, 1, 2]
    event.refresh_from_db()
    assert event.confirmed_onsite == 2
    assert "<strong>complet</strong>" in client.get(event.get_absolute_url()).content.decode()


def test_the_waitlist_page_shows_the_position(client, event):
    event.capacity_onsite = 0
    event.save()
    register(Client(), event, email="before@example.org")
    register(client, event, confirm=False)
    pending = Registration.objects.get(email="camille.durand@example.org")
    page = client.post(reverse("registration_confirm", args=[pending.confirm_token()]))
    page = page.content.decode()
    assert "Vous êtes sur la liste d&#x27;attente" in page or "liste d'attente" in page
    assert "en position 2" in page


def test_the_same_email_in_another_case_is_recognised_not_duplicated(client, event, emails_sent):
    with emails_sent():
        register(client, event, email="Camille.Durand@Example.org")
        response = register(client, event, email="camille.durand@example.ORG")
    assert Registration.objects.filter(event=event).count() == 1
    event.refresh_from_db()
    assert event.confirmed_onsite == 1
    page = client.get(response["Location"]).content.decode()
    assert "Vérifiez votre boîte mail" in page
    # The confirmation of the first, the reminder of the registration for the second.
    assert [message.subject for message in mail.outbox] == [
        "Inscription confirmée : Job dating EHPAD",
        "Votre inscription : Job dating EHPAD",
    ]


def test_a_hybrid_event_has_its_own_seats_and_waitlist_per_mode(client):
    event = EventFactory(modalite=Event.Modalite.HYBRIDE, capacity_onsite=1, capacity_online=1)
    form = client.get(reverse("events:register", args=[event.pk])).content.decode()
    assert "Sur place – 1 place restante" in form
    assert "En ligne – 1 place restante" in form
    register(client, event, email="a@example.org", mode="presentiel")
    register(client, event, email="b@example.org", mode="presentiel")
    register(client, event, email="c@example.org", mode="distanciel")
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "a@example.org": Registration.Status.CONFIRMED,
        "b@example.org": Registration.Status.WAITLISTED,
        "c@example.org": Registration.Status.CONFIRMED,
    }
    event.refresh_from_db()
    assert (event.confirmed_onsite, event.confirmed_online) == (1, 1)


def test_a_hybrid_event_asks_how_one_takes_part(client):
    event = EventFactory(modalite=Event.Modalite.HYBRIDE, capacity_online=5)
    response = register(client, event, mode=None)
    assert response.status_code == 400
    assert "Choisissez comment vous participez" in response.content.decode()
    response = register(client, event, mode="teleportation")
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_an_event_without_limit_confirms_everyone(client):
    event = EventFactory(capacity_onsite=None)
    for n in range(3):
        register(Client(), event, email=f"p{n}@example.org")
    assert set(Registration.objects.values_list("status", flat=True)) == {
        Registration.Status.CONFIRMED
    }
    event.refresh_from_db()
    assert event.confirmed_onsite == 3


def test_a_cancelled_registration_may_register_again_at_the_end_of_the_queue(event):
    first = register_confirmed(
        event=event, first_name="A", last_name="A", email="again@example.org"
    )
    from events.services.registration import registration_cancel

    registration_cancel(registration=first)
    result = registration_create(
        event=event, first_name="A", last_name="A", email="AGAIN@example.org"
    )
    assert result.created
    assert result.registration.pk == first.pk
    assert confirm_registration(result.registration).status == Registration.Status.CONFIRMED
    event.refresh_from_db()
    assert event.confirmed_onsite == 1


# -- e-mails ----------------------------------------------------------------------------------


def test_the_confirmation_email_is_french_with_html_an_ics_and_a_cancel_link(
    client, event, emails_sent
):
    with emails_sent():
        register(client, event)
    (message,) = mail.outbox
    assert message.to == ["camille.durand@example.org"]
    assert message.subject == "Inscription confirmée : Job dating EHPAD"
    assert "Bonjour Camille" in message.body
    assert "Votre inscription est confirmée" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    attachment, qr_code = message.attachments
    assert (qr_code[0], qr_code[2]) == ("code-accueil.svg", "image/svg+xml")
    name, content, mimetype = attachment
    assert (name, mimetype) == (f"evenement-{event.pk}.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Job dating EHPAD"
    assert vevent.decoded("dtstart") == event.local_start.replace(microsecond=0)
    cancel_path = message.body.split("/inscriptions/")[1].split()[0]
    assert client.get("/inscriptions/" + cancel_path).status_code == 200
    assert "camille" not in cancel_path.lower()


def test_the_waitlist_email_gives_the_position_and_no_calendar_entry(client, event, emails_sent):
    event.capacity_onsite = 0
    event.save()
    with emails_sent():
        register(client, event)
    (message,) = mail.outbox
    assert message.subject == "Liste d'attente : Job dating EHPAD"
    assert "en position 1" in message.body
    assert message.attachments == []


def test_an_online_confirmation_gives_the_connection_link(client, emails_sent):
    event = EventFactory(
        modalite=Event.Modalite.DISTANCIEL,
        capacity_onsite=None,
        capacity_online=10,
        address="",
        department=None,
        online_url="https://visio.example/salle-42",
    )
    with emails_sent():
        register(client, event)
    (message,) = mail.outbox
    assert "https://visio.example/salle-42" in message.body
    assert "https://visio.example/salle-42" in message.alternatives[0][0]


def test_a_failing_mail_server_loses_no_registration_nor_its_email(client, event, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: connection refused
    response = register(client, event, confirm=False)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    with caplog.at_level(logging.WARNING), pytest.raises(DeliveryError) as failure:
        run_queued_emails()
    assert str(failure.value) == "ConnectionRefusedError"
    assert "not sent" in caplog.text
    assert "camille" not in caplog.text.lower()
    # Still queued, for the worker's next attempt; nothing recorded against the person yet.
    assert job_count(registration) == 1
    registration.refresh_from_db()
    assert registration.email_failure == ""


def test_the_email_is_queued_in_the_registrations_transaction(event):
    from django.db import transaction

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        registration_create(event=event, first_name="A", last_name="B", email="a@example.org")
        assert job_count() == 1
        raise Rollback
    assert job_count() == 0
    registration = registration_create(
        event=event, first_name="A", last_name="B", email="a@example.org"
    ).registration
    assert job_count(registration) == 1


def test_the_emails_job_names_ids_not_people(event):
    registration_create(event=event, first_name="Zoé", last_name="Q", email="zoe@example.org")
    job = ProcrastinateJob.objects.get()
    assert job.args == {"kind": "confirm", "registration_id": Registration.objects.get().pk}
    assert job.queue_name == "emails"


# -- bad input --------------------------------------------------------------------------------


def test_an_invalid_email_and_missing_names_get_french_messages(client, event):
    response = register(client, event, email="pas-une-adresse", first_name="", last_name=" ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Saisissez une adresse e-mail valide" in html
    assert "Indiquez votre prénom." in html
    assert "Indiquez votre nom." in html
    # Each error is announced with its field.
    assert 'aria-describedby=" id_email_error"' in html or 'id_email_error"' in html
    assert 'href="#id_email"' in html
    assert not Registration.objects.exists()


def test_ten_thousand_character_fields_are_refused_clearly(client, event):
    huge = "x" * 10_000
    response = register(client, event, first_name=huge, last_name=huge, phone=huge)
    assert response.status_code == 400
    html = response.content.decode()
    assert "ne peut pas dépasser 100 caractères (vous en avez saisi 10000)" in html
    assert huge not in html
    assert not Registration.objects.exists()


def test_a_phone_number_must_look_like_one(client, event):
    response = register(client, event, phone="appelez-moi")
    assert response.status_code == 400
    assert "numéro de téléphone valide" in response.content.decode()


def test_consent_to_be_contacted_is_required(client, event):
    response = register(client, event, consent_contact=None)
    assert response.status_code == 400
    assert "Cochez cette case" in response.content.decode()
    assert not Registration.objects.exists()


def test_html_in_names_is_escaped_on_pages_and_in_emails(client, event, emails_sent):
    script = "<script>alert(1)</script>"
    with emails_sent():
        response = register(client, event, first_name=script, last_name="<b>Durand</b>")
    assert Registration.objects.get().first_name == script
    page = client.get(response["Location"]).content.decode()
    assert script not in page
    html = mail.outbox[0].alternatives[0][0]
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Plain text is not HTML: the name is shown as typed.
    assert f"Bonjour {script}," in mail.outbox[0].body


def test_a_draft_event_has_no_registration_form(client):
    event = EventFactory(status=Event.Status.DRAFT)
    assert client.get(reverse("events:register", args=[event.pk])).status_code == 404
    assert register(client, event).status_code == 404
    assert client.get(reverse("events:register", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"status": Event.Status.CANCELLED}, "Cet événement est annulé"),
        (
            {
                "start": timezone.now() - datetime.timedelta(days=2),
                "end": timezone.now() - datetime.timedelta(days=2, hours=-2),
            },
            "a déjà commencé ou est terminé",
        ),
        ({"registration_required": False}, "en accès libre"),
    ],
)
def test_a_closed_event_says_why_and_stores_nothing(client, changes, reason):
    event = EventFactory(**changes)
    response = client.get(reverse("events:register", args=[event.pk]))
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert 'name="email"' not in response.content.decode()
    response = register(client, event)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Registration.objects.exists()


def test_a_full_event_without_waitlist_refuses_clearly(client, event, settings):
    settings.REGISTRATION_WAITLIST_LIMIT = 0
    RegistrationFactory.create_batch(2, event=event)
    Event.objects.filter(pk=event.pk).update(confirmed_onsite=2)
    response = register(client, event)
    assert response.status_code == 400
    assert "Cet événement est complet." in response.content.decode()
    assert Registration.objects.filter(event=event).count() == 2


def test_a_full_waitlist_refuses_clearly(event, settings):
    settings.REGISTRATION_WAITLIST_LIMIT = 1
    event.capacity_onsite = 0
    event.save()
    register_confirmed(event=event, first_name="A", last_name="A", email="a@example.org")
    with pytest.raises(RegistrationError, match="sa liste d'attente aussi"):
        registration_create(event=event, first_name="B", last_name="B", email="b@example.org")


def test_a_filled_honeypot_is_refused_and_nothing_stored(client, event):
    response = register(client, event, website="http://spam.example")
    assert response.status_code == 400
    assert "envoi automatique" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_form_requires_the_csrf_token(event):
    client = Client(enforce_csrf_checks=True)
    assert register(client, event).status_code == 403
    assert not Registration.objects.exists()


def test_the_confirmation_page_without_a_registration_goes_back_to_the_event(client, event):
    response = client.get(reverse("events:registration_done", args=[event.pk]))
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()


def test_no_personal_data_in_logs_or_urls(client, event, caplog):
    with caplog.at_level(logging.DEBUG):
        response = register(client, event, email="secret.person@example.org")
    assert "secret" not in response["Location"]
    assert "secret" not in caplog.text
    assert "Durand" not in caplog.text


# -- rate limit -------------------------------------------------------------------------------


def test_too_many_posts_from_one_address_get_429_with_retry_after(client, event, settings):
    settings.REGISTRATION_RATE_LIMIT = (2, 3600)
    register(client, event, email="one@example.org")
    register(client, event, email="two@example.org")
    response = register(client, event, email="three@example.org")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Trop de demandes" in response.content.decode()
    assert Registration.objects.count() == 2
    # Another address is not affected.
    other = register(Client(REMOTE_ADDR="203.0.113.9"), event, email="four@example.org")
    assert other.status_code == 302


def test_a_rate_limit_of_zero_turns_it_off(client, event, settings):
    settings.REGISTRATION_RATE_LIMIT = None
    settings.REGISTRATION_NETWORK_LIMIT = 0
    event.capacity_onsite = None
    event.save()
    for n in range(30):
        assert register(client, event, email=f"p{n}@example.org").status_code == 302


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("20/h", (20, 3600)), ("5/m", (5, 60)), ("0", None), ("100/d", (100, 86400))],
)
def test_the_rate_limit_setting_is_parsed(monkeypatch, raw, parsed):
    from semaine.settings import _rate

    monkeypatch.setenv("REGISTRATION_RATE_LIMIT", raw)
    assert _rate("REGISTRATION_RATE_LIMIT", "20/h") == parsed


@pytest.mark.parametrize("raw", ["20", "20/week", "-1/h", "lots"])
def test_a_wrong_rate_limit_setting_fails_loudly(monkeypatch, raw):
    from semaine.settings import _rate

    monkeypatch.setenv("REGISTRATION_RATE_LIMIT", raw)
    with pytest.raises(ImproperlyConfigured):
        _rate("REGISTRATION_RATE_LIMIT", "20/h")


def test_behind_a_proxy_the_limit_counts_the_forwarded_address(event, settings):
    settings.REGISTRATION_RATE_LIMIT = (1, 3600)
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert register(first, event, email="a@example.org").status_code == 302
    assert register(second, event, email="b@example.org").status_code == 302
    # A forged left part does not buy a new budget: the proxy's own entry is the one counted.
    forged = Client(**proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    assert register(forged, event, email="c@example.org").status_code == 429
