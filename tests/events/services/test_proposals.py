"""A partner's proposal from the form to its events: proposed, confirmed, moderated with each of
the three decisions, edited and resubmitted, published, cancelled by its contact; the flags the
moderator sees, the e-mails (queued in the write's transaction, sent by the worker) and the
purge of the contact's data."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import (
    Event,
    Organiser,
    Proposal,
    ProposalDecision,
    RegistrantAccess,
    Registration,
)
from events.services.proposals import (
    ProposalError,
    proposal_cancel,
    proposal_confirm,
    proposal_publish,
    proposal_refuse,
    proposal_request_changes,
    proposals_purge,
)
from tests.conftest import register_confirmed, run_queued_emails
from tests.factories import EventFactory, content_of, edition

pytestmark = pytest.mark.django_db

Status = Proposal.Status


# The second line of dates left empty: a proposal of one date.
ONE_DATE = {"dates-1-day": "", "dates-1-start_time": "", "dates-1-end_time": ""}


def proposal_form_data(**overrides):
    """What the public form posts for a valid on-site job dating in Lyon on two days of the
    test edition's week (22–26 April 2030)."""
    data = {
        "organisation_name": "EHPAD Les Tilleuls",
        "siret": "123 456 789 00012",
        "organisation_kind": "employeur",
        "contact_name": "Claire Dupont",
        "contact_email": "claire.dupont@tilleuls.example",
        "contact_phone": "04 72 00 00 00",
        "title": "Portes ouvertes de l'EHPAD",
        "type": "portes_ouvertes",
        "modalite": "presentiel",
        "description": "Visite et rencontre avec l'équipe soignante.",
        "venue_name": "EHPAD Les Tilleuls",
        "address": "3 rue des Tilleuls",
        "postcode": "69003",
        "city": "Lyon",
        "department": "",
        "online_url": "",
        "capacity_onsite": "15",
        "capacity_online": "",
        "registration_required": "on",
        "audience": "tous",
        "trades": [],
        "website": "",
        "dates-TOTAL_FORMS": "5",
        "dates-INITIAL_FORMS": "0",
        "dates-MIN_NUM_FORMS": "0",
        "dates-MAX_NUM_FORMS": "5",
        "dates-0-day": "2030-04-23",
        "dates-0-start_time": "09:30",
        "dates-0-end_time": "12:00",
        "dates-1-day": "2030-04-25",
        "dates-1-start_time": "14:00",
        "dates-1-end_time": "17:00",
    }
    for i in range(2, 5):
        data.update({f"dates-{i}-day": "", f"dates-{i}-start_time": "", f"dates-{i}-end_time": ""})
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def propose(client, **overrides):
    """Post the form; the proposal it made."""
    edition()
    response = client.post(reverse("events:propose"), proposal_form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Proposal.objects.latest("id")


def manage_path(message) -> str:
    return re.search(r"(/evenements/proposer/suivi/[^/\s]+/)", message.body).group(1)


@pytest.fixture
def pending(client):
    """A proposal whose contact confirmed their address: in the moderators' queue."""
    proposal = propose(client)
    proposal_confirm(proposal=proposal)
    proposal.refresh_from_db()
    return proposal


# -- the whole path ---------------------------------------------------------------------------


def test_a_proposal_reaches_the_moderators_only_once_its_address_is_confirmed(client):
    proposal = propose(client)
    assert proposal.status == Status.UNCONFIRMED
    assert [
        (d.local_start.isoformat(), d.local_end.time().isoformat()) for d in proposal.dates.all()
    ] == [
        ("2030-04-23T09:30:00+02:00", "12:00:00"),
        ("2030-04-25T14:00:00+02:00", "17:00:00"),
    ]
    assert proposal.department_id == "69" and proposal.region_id == "84"
    assert not Proposal.objects.moderated().exists()

    assert run_queued_emails() == 1
    (message,) = mail.outbox
    assert message.to == ["claire.dupont@tilleuls.example"]
    assert "Confirmez votre proposition" in message.subject
    assert "Sans confirmation sous 7 jours, la proposition est effacée." in message.body
    page = manage_path(message)
    # Opening the link (a mail scanner does) confirms nothing: the button does.
    assert client.get(page).status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == Status.UNCONFIRMED

    response = client.post(page, {"action": "confirm"})
    assert response.status_code == 200
    assert "transmise" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert proposal.submitted_at is not None
    assert list(Proposal.objects.moderated()) == [proposal]
    assert [d.action for d in proposal.decisions.all()] == ["submitted", "confirmed"]


def test_publishing_makes_one_published_event_per_date_under_the_partner(pending, agency_user):
    pending.trades.set([])
    events = proposal_publish(proposal=pending, user=agency_user, message="Merci !")
    assert len(events) == 2
    for event in Event.objects.filter(pk__in=[e.pk for e in events]):
        assert event.status == Event.Status.PUBLISHED
        assert event.title == "Portes ouvertes de l'EHPAD"
        assert event.organiser.name == "EHPAD Les Tilleuls"
        assert event.organiser.kind == Organiser.Kind.PARTNER
        assert event.department_id == "69" and event.city == "Lyon"
        assert event.capacity_onsite == 15
        assert event.created_by == agency_user
    pending.refresh_from_db()
    assert pending.status == Status.PUBLISHED
    decision = pending.decisions.last()
    assert (decision.action, decision.user, decision.username, decision.message) == (
        "published",
        agency_user,
        "agence-lyon",
        "Merci !",
    )
    run_queued_emails()
    assert mail.outbox[-1].subject == "Votre événement est publié : Portes ouvertes de l'EHPAD"
    assert "Merci !" in mail.outbox[-1].body
    assert events[0].get_absolute_url() in mail.outbox[-1].body


def test_a_second_proposal_of_the_same_partner_reuses_its_organiser(client, agency_user):
    first = propose(client)
    proposal_confirm(proposal=first)
    proposal_publish(proposal=first, user=agency_user)
    second = propose(client, title="Job dating", **ONE_DATE)
    proposal_confirm(proposal=second)
    proposal_publish(proposal=second, user=agency_user)
    assert Organiser.objects.filter(name__iexact="EHPAD Les Tilleuls").count() == 1


def test_an_agency_name_is_never_borrowed_by_a_partner(client, agency_user, lyon):
    proposal = propose(client, organisation_name="France Travail Lyon")
    proposal_confirm(proposal=proposal)
    (event, _) = proposal_publish(proposal=proposal, user=agency_user)
    assert event.organiser != lyon
    assert event.organiser.name == "France Travail Lyon (partenaire)"


def test_asking_for_changes_then_resubmitting_puts_it_back_in_the_queue(
    client, pending, coordinator
):
    proposal_request_changes(
        proposal=pending, user=coordinator, message="Précisez l'étage <b>svp</b>."
    )
    pending.refresh_from_db()
    assert pending.status == Status.CHANGES_REQUESTED
    run_queued_emails()
    message = mail.outbox[-1]
    assert message.subject == "Modifications demandées : Portes ouvertes de l'EHPAD"
    assert "Précisez l'étage <b>svp</b>." in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;svp&lt;/b&gt;" in html and "<b>svp" not in html

    edit = manage_path(message) + "modifier/"
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        proposal_form_data(venue_name="EHPAD Les Tilleuls, 2e étage", contact_email="x@y.example"),
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert pending.venue_name == "EHPAD Les Tilleuls, 2e étage"
    # The address e-mails go to is the confirmed one.
    assert pending.contact_email == "claire.dupont@tilleuls.example"
    assert [d.action for d in pending.decisions.all()][-2:] == ["changes_requested", "resubmitted"]


def test_refusing_sends_the_reason_and_ends_the_moderation(pending, agency_user):
    proposal_refuse(proposal=pending, user=agency_user, reason="Hors du champ de la semaine.")
    pending.refresh_from_db()
    assert pending.status == Status.REFUSED
    run_queued_emails()
    assert "Hors du champ de la semaine." in mail.outbox[-1].body
    with pytest.raises(ProposalError):
        proposal_publish(proposal=pending, user=agency_user)
    assert not Event.objects.exists()


def test_changes_and_refusal_need_a_message(pending, agency_user):
    with pytest.raises(ProposalError):
        proposal_request_changes(proposal=pending, user=agency_user, message="  ")
    with pytest.raises(ProposalError):
        proposal_refuse(proposal=pending, user=agency_user, reason="")
    assert pending.decisions.count() == 2


def test_the_contact_cancels_the_published_event_and_its_registrants_are_told(
    client, pending, agency_user
):
    events = proposal_publish(proposal=pending, user=agency_user)
    registration = register_confirmed(
        event=events[0], first_name="Léa", last_name="Martin", email="lea@example.org"
    )
    run_queued_emails()
    mail.outbox.clear()
    page = reverse("events:proposal_manage", kwargs={"token": pending.contact_token()})
    response = client.get(page)
    # The contact sees who registered to their event.
    assert "lea@example.org" in response.content.decode()

    csv_url = reverse("events:proposal_registrants_csv", kwargs={"token": pending.contact_token()})
    export = content_of(client.get(csv_url)).decode("utf-8-sig")
    assert "lea@example.org" in export and export.startswith("événement;date;")
    # Both are in the registrants' access record, as staff's views are, without a name.
    accesses = RegistrantAccess.objects.order_by("pk")
    assert [(a.action, a.event_id, a.rows, a.user_id) for a in accesses] == [
        (action, event.pk, 1, None)
        for action in (RegistrantAccess.Action.EVENT_PAGE, RegistrantAccess.Action.EXPORT)
        for event in events
    ]
    assert {a.username for a in accesses} == {f"contact de la proposition n° {pending.pk}"}

    response = client.post(page, {"action": "cancel"})
    assert response.status_code == 200
    assert "1 personne inscrite" in response.content.decode()
    assert set(Event.objects.values_list("status", flat=True)) == {Event.Status.CANCELLED}
    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED  # kept, as when staff cancel
    run_queued_emails()
    assert [m.to for m in mail.outbox] == [["lea@example.org"]]
    assert mail.outbox[0].subject.startswith("Événement annulé")


def test_the_contact_may_withdraw_a_proposal_before_publication(client, pending):
    proposal_cancel(proposal=pending)
    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    assert not pending.is_editable
    with pytest.raises(ProposalError):
        proposal_cancel(proposal=pending)


def test_a_published_proposal_can_no_longer_be_edited(client, pending, agency_user):
    proposal_publish(proposal=pending, user=agency_user)
    edit = reverse("events:proposal_edit", kwargs={"token": pending.contact_token()})
    response = client.post(edit, proposal_form_data(title="Autre titre"))
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.title == "Portes ouvertes de l'EHPAD"


def test_a_forged_link_is_a_clear_404(client):
    response = client.get("/evenements/proposer/suivi/abc:def/")
    assert response.status_code == 404


# -- flags --------------------------------------------------------------------------------------


def test_dates_outside_the_week_are_flagged(client):
    proposal = propose(client, **{"dates-1-day": "2030-05-20"})
    proposal_confirm(proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.flags == ["hors_semaine"]
    assert proposal.get_flags_display() == ["Dates hors de la semaine"]


def test_a_place_beyond_the_101_departments_is_flagged_and_not_published(client, national_user):
    proposal = propose(client, postcode="98000", city="Monaco")
    proposal_confirm(proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.department_id is None
    assert proposal.flags == ["hors_departements"]
    with pytest.raises(ProposalError, match="101 départements"):
        proposal_publish(proposal=proposal, user=national_user)


def test_the_same_organiser_title_and_start_is_flagged_as_a_duplicate(client, agency_user):
    first = propose(client)
    proposal_confirm(proposal=first)
    second = propose(client, title="PORTES OUVERTES DE L'EHPAD", **ONE_DATE)
    proposal_confirm(proposal=second)
    second.refresh_from_db()
    assert second.flags == ["doublon"]
    first.refresh_from_db()
    assert first.flags == []


def test_a_proposal_duplicating_a_published_event_is_flagged(client):
    organiser = Organiser.objects.create(name="EHPAD Les Tilleuls", kind="partenaire")
    EventFactory(
        organiser=organiser,
        title="Portes ouvertes de l'EHPAD",
        start=datetime.datetime(2030, 4, 23, 7, 30, tzinfo=datetime.UTC),
        end=datetime.datetime(2030, 4, 23, 10, tzinfo=datetime.UTC),
    )
    proposal = propose(client)
    proposal_confirm(proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.flags == ["doublon"]


# -- the purge ----------------------------------------------------------------------------------


def test_the_purge_deletes_unconfirmed_proposals_and_erases_old_contacts(client, pending):
    forgotten = propose(client, title="Jamais confirmée")
    Proposal.objects.filter(pk=forgotten.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert proposals_purge(now=timezone.now()) == 1
    assert not Proposal.objects.filter(pk=forgotten.pk).exists()

    later = datetime.datetime(2030, 11, 1, tzinfo=datetime.UTC)
    assert proposals_purge(now=later) == 1
    pending.refresh_from_db()
    assert (pending.contact_name, pending.contact_email, pending.contact_phone) == ("", "", "")
    assert pending.anonymised_at is not None
    # The link of an anonymised proposal is dead.
    assert Proposal.from_token(pending.contact_token()) is None
    assert ProposalDecision.objects.filter(proposal=pending).exists()


def test_the_nightly_purge_of_the_workers_purges_proposals_too(client):
    from events.tasks import purge_registrations

    forgotten = propose(client)
    Proposal.objects.filter(pk=forgotten.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    purge_registrations(timestamp=0)
    assert not Proposal.objects.exists()


# -- the e-mails' jobs ----------------------------------------------------------------------------


def test_a_job_carries_ids_never_an_address(client):
    from django.db import connection

    proposal = propose(client)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args FROM procrastinate_jobs WHERE task_name = %s",
            ["events.proposal_emails.deliver_proposal"],
        )
        (args,) = [json.loads(a) if isinstance(a, str) else a for (a,) in cursor.fetchall()]
    assert args == {"kind": "confirm", "proposal_id": proposal.pk, "decision_id": None}


def test_an_address_refused_for_good_is_recorded_for_the_moderators(client, monkeypatch):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    from semaine.mail import PermanentDeliveryError

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@y": (550, b"unknown")})

    proposal = propose(client)
    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with pytest.raises(PermanentDeliveryError):
        run_queued_emails()
    proposal.refresh_from_db()
    assert proposal.email_failed_at is not None
    assert proposal.email_failure == "Adresse refusée par le serveur de messagerie (code 550)"
