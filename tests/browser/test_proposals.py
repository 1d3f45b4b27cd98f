"""A partner proposes an event on two days in Chromium: the town picked among the commune
suggestions, two lines of dates, then the link of the e-mail confirms the address and the
proposal reaches the moderators."""

import re

import pytest
from django.core import mail

from events.models import Proposal
from tests.browser.conftest import axe_violations
from tests.conftest import run_queued_emails
from tests.factories import edition


@pytest.fixture
def week(live_server, django_db_serialized_rollback):
    return edition()


def test_a_partner_proposes_an_event_on_two_days_and_confirms_it(page, week):
    page.goto("/evenements/proposer/")
    assert page.locator("h1").inner_text() == "Proposer un événement"
    page.get_by_label("Nom de l'organisme").fill("Centre hospitalier de Villeurbanne")
    page.get_by_label("Type d'organisme").select_option(label="Employeur")
    page.get_by_label("Nom et prénom du contact").fill("Claire Dupont")
    page.get_by_label("Adresse e-mail du contact").fill("claire@ch-villeurbanne.example")
    page.get_by_label("Téléphone du contact").fill("04 72 00 00 00")
    page.get_by_label("Titre de l'événement").fill("Portes ouvertes du service de soins")
    page.get_by_label("Type d'événement").select_option(label="Portes ouvertes")
    page.get_by_label("Format").select_option(label="Sur place")
    page.get_by_label("Description (facultatif)").fill(
        "Visite des services, rencontre des équipes."
    )

    page.locator("#id_dates-0-day").fill("2030-04-23")
    page.locator("#id_dates-0-start_time").fill("09:30")
    page.locator("#id_dates-0-end_time").fill("12:00")
    page.locator("#id_dates-1-day").fill("2030-04-25")
    page.locator("#id_dates-1-start_time").fill("14:00")
    page.locator("#id_dates-1-end_time").fill("17:00")

    page.get_by_label("Adresse", exact=True).fill("200 avenue Roger Salengro")
    # The town among the suggestions of the near-me search.
    page.get_by_role("combobox", name="Ville").press_sequentially("villeurb")
    page.get_by_role("option", name=re.compile(r"^Villeurbanne")).click()
    assert page.get_by_role("combobox", name="Ville").input_value() == "Villeurbanne"
    page.get_by_label("Code postal").fill("69100")
    page.get_by_label("Places sur place (facultatif)").fill("30")
    page.get_by_role("button", name="Envoyer ma proposition").click()

    page.wait_for_url("**/evenements/proposer/envoyee/")
    assert page.locator("h1").inner_text() == "Vérifiez votre boîte mail"
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.UNCONFIRMED
    assert [d.local_start.strftime("%d/%m %H:%M") for d in proposal.dates.all()] == [
        "23/04 09:30",
        "25/04 14:00",
    ]
    assert (proposal.city, proposal.department_id) == ("Villeurbanne", "69")

    run_queued_emails()
    link = re.search(r"(/evenements/proposer/suivi/[^/\s]+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirmer et transmettre ma proposition").click()
    assert "votre proposition est transmise" in page.locator("[role=status]").inner_text()
    assert "mardi 23 avril 2030" in page.locator("main").inner_text()
    count, report = axe_violations(page)
    assert count == 0, report
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


@pytest.fixture
def queue(week, fast_password_hasher):
    """A confirmed proposal in Lyon, and the session of the Lyon agency (Rhône)."""
    from django.conf import settings
    from django.test import Client

    from events.services.proposals import proposal_confirm
    from tests.events.services.test_proposals import propose
    from tests.factories import OrganiserFactory, staff_user

    proposal = propose(Client())
    proposal_confirm(proposal=proposal)
    lyon = OrganiserFactory(name="France Travail Lyon", department_id="69")
    client = Client()
    client.force_login(staff_user("agence-lyon", group="Agence", organiser=lyon))
    return proposal, client.cookies[settings.SESSION_COOKIE_NAME].value


def test_an_agency_publishes_a_proposal_from_its_queue(new_context, queue):
    from django.conf import settings

    from events.models import Event
    from tests.browser.test_checkin import context_url

    proposal, session = queue
    context = new_context()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": context_url(context)}]
    )
    page = context.new_page()
    page.goto("/admin/events/proposal/")
    page.get_by_role("link", name="Portes ouvertes de l'EHPAD").click()
    page.get_by_role("radio", name=re.compile("Publier")).check()
    page.get_by_label("Message au contact").fill("Bienvenue dans la Semaine !")
    page.get_by_role("button", name="Enregistrer la décision").click()

    assert "Proposition publiée : 2 événements" in page.locator(".messagelist").inner_text()
    assert page.get_by_role("button", name="Enregistrer la décision").count() == 0
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert Event.objects.published().count() == 2
