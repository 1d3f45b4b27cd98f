"""The pages a French public-service site must publish, linked from every footer."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_accessibility_statement_gives_the_rgaa_conformity_level(client):
    response = client.get("/accessibilite/")

    assert response.status_code == 200
    html = response.text
    assert "<title>Accessibilité – Semaine des métiers du soin</title>" in html
    assert "Déclaration d'accessibilité" in html
    assert "<strong>non conforme</strong>" in html and "RGAA), version 4.1.2" in html
    assert "Défenseur des droits" in html  # the legal means of redress


def test_the_legal_notice_names_the_publisher_and_the_host(client):
    response = client.get("/mentions-legales/")

    assert response.status_code == 200
    assert "<title>Mentions légales – Semaine des métiers du soin</title>" in response.text
    assert "Éditeur" in response.text and "Hébergement" in response.text


def test_the_privacy_page_says_who_sees_registrations_and_how_long_backups_last(client, settings):
    settings.BACKUP_KEEP = 7
    response = client.get("/donnees-personnelles/")

    html = response.text
    for role in ("agence France Travail", "coordination régionale", "équipe nationale"):
        assert role in html
    assert "seules les 7 plus récentes sont gardées" in html
    assert "ni votre adresse IP" in html


@pytest.mark.parametrize("url", ["/", "/evenements/", "/accessibilite/", "/mentions-legales/"])
def test_every_footer_links_to_the_statement_with_its_status_and_to_the_legal_notice(client, url):
    html = client.get(url).text

    assert f'<a href="{reverse("accessibility")}">Accessibilité : non conforme</a>' in html
    assert f'<a href="{reverse("legal_notice")}">Mentions légales</a>' in html


@pytest.mark.parametrize("url", ["/accessibilite/", "/mentions-legales/"])
def test_the_legal_pages_refuse_writes(client, url):
    assert client.post(url).status_code == 405
