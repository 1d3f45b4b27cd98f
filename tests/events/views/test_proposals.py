"""The proposal form and the contact's page: bad input is told next to its field (never a 500),
bots and floods are kept out, what a partner typed is shown escaped, and nothing of a proposal is
public (listing, API, exports, feeds, sitemap, event page) before a moderator publishes it."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Proposal
from events.services.proposals import proposal_confirm, proposal_publish
from tests.conftest import run_queued_emails
from tests.events.services.test_proposals import ONE_DATE, proposal_form_data, propose
from tests.factories import content_of, edition

pytestmark = pytest.mark.django_db

URL = "/evenements/proposer/"


def post(client, **overrides):
    edition()
    return client.post(URL, proposal_form_data(**overrides))


def test_the_form_is_at_its_address_with_the_commune_suggestions(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-suggest-url="/api/v1/communes/"' in html
    assert html.count('name="dates-') >= 15  # five lines of dates


def test_a_proposal_sends_its_contact_to_their_mailbox(client):
    response = post(client)
    assert response.status_code == 302
    assert client.get(response["Location"]).content.decode().count("Vérifiez votre boîte mail")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide"),
        ({"siret": "1234"}, "Un SIRET a 14 chiffres"),
        ({"organisation_kind": "secte"}, "Sélectionnez un choix valide"),
        ({"postcode": "69999"}, "Le code postal 69999 n'existe pas"),
        ({"address": ""}, "doit avoir une adresse"),
        ({"modalite": "hybride"}, "doit avoir un lien de connexion"),
        ({"modalite": "distanciel", "online_url": "https://visio.example/s"}, "n'a pas de lieu"),
        ({"dates-0-end_time": "08:00"}, "La fin doit être après le début."),
        ({"dates-0-day": "2020-04-23"}, "Cette date est passée."),
        ({"dates-0-day": "demain"}, "Saisissez une date"),
        ({"dates-1-day": "2030-04-23"}, "Chaque date ne peut figurer qu'une fois."),
        (
            {"dates-0-day": "", "dates-0-start_time": "", "dates-0-end_time": "", **ONE_DATE},
            "Indiquez au moins une date.",
        ),
        ({"capacity_onsite": "-3"}, "supérieure ou égale à 0"),
        ({"title": "x" * 300}, "ne peut pas dépasser 200 caractères"),
    ],
)
def test_bad_input_is_told_next_to_its_field_and_nothing_is_stored(client, overrides, message):
    response = post(client, **overrides)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Proposal.objects.exists()


def test_an_online_proposal_names_the_department_whose_agencies_moderate_it(client):
    online = {
        "modalite": "distanciel",
        "online_url": "https://visio.example/salle",
        "venue_name": "",
        "address": "",
        "postcode": "",
        "city": "",
        "department": "974",
    }
    assert post(client, **online).status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.department_id, proposal.region_id) == ("974", "04")
    # Times are La Réunion's.
    assert proposal.dates.first().start.utcoffset().total_seconds() == 0
    assert proposal.dates.first().local_start.hour == 9


def test_the_honeypot_keeps_bots_out(client):
    response = post(client, website="http://spam.example")
    assert response.status_code == 400
    assert "envoi automatique" in response.content.decode()
    assert not Proposal.objects.exists()


def test_proposals_are_rate_limited_per_network(client, settings):
    settings.RATE_LIMITS = True
    settings.PROPOSAL_RATE_LIMIT = (2, 3600)
    assert post(client).status_code == 302
    assert post(client, title="Autre").status_code == 302
    response = post(client, title="Encore une")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Rien n'a été enregistré" in response.content.decode()
    assert Proposal.objects.count() == 2


def test_what_a_partner_typed_is_shown_escaped_on_pages_and_in_emails(client, agency_user):
    script = "<script>alert('x')</script>"
    proposal = propose(client, title=f"Forum {script}", organisation_name=f"Org {script}")
    run_queued_emails()
    html_mail = mail.outbox[0].alternatives[0][0]
    assert script not in html_mail and "&lt;script&gt;" in html_mail
    page = client.get(reverse("events:proposal_manage", kwargs={"token": proposal.contact_token()}))
    assert script not in page.content.decode()
    proposal_confirm(proposal=proposal)
    events = proposal_publish(proposal=proposal, user=agency_user)
    detail = client.get(events[0].get_absolute_url()).content.decode()
    assert script not in detail and "&lt;script&gt;" in detail
    export = content_of(client.get("/evenements/export.csv")).decode("utf-8-sig")
    assert f"Forum {script}" in export  # a CSV cell holds the text as typed, quoted


def test_nothing_of_a_proposal_is_public_before_publication(client, agency_user):
    proposal = propose(client, title="Portes ouvertes secrètes")
    proposal_confirm(proposal=proposal)
    # The sitemap names the page by its address, the others by its title.
    title, slug = "Portes ouvertes secrètes", "portes-ouvertes-secretes"
    public = [
        "/evenements/",
        "/evenements/?q=secretes",
        "/api/v1/evenements/",
        "/evenements/export.csv",
        "/evenements/export.json",
        "/evenements/export.ics",
        "/evenements/flux.atom",
        "/sitemap-evenements.xml",
        "/evenements/programme/",
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        body = content_of(response).decode("utf-8-sig")
        assert title not in body and slug not in body, url

    proposal_publish(proposal=proposal, user=agency_user)
    for url in public:
        body = content_of(client.get(url)).decode("utf-8-sig")
        assert title in body or slug in body, url


@pytest.mark.parametrize("total", ["abc", "100000", None])
def test_tampered_date_lines_are_a_400_never_a_500(client, total):
    response = post(client, **{"dates-TOTAL_FORMS": total})
    assert response.status_code in (302, 400)
    if total is None:
        assert response.status_code == 400
    assert Proposal.objects.count() <= 1


def test_an_unknown_action_on_the_contacts_page_changes_nothing(client):
    proposal = propose(client)
    page = reverse("events:proposal_manage", kwargs={"token": proposal.contact_token()})
    response = client.post(page, {"action": "publish"})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNCONFIRMED
