"""/robots.txt, /.well-known/security.txt, the favicon and the touch icon."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone
from PIL import Image

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

SITE = "https://semaine-soin.example"


def robots_rules(text: str) -> list[re.Pattern]:
    """The Disallow rules for every crawler, as RFC 9309 reads them (* any characters,
    a rule matches the start of the path)."""
    rules = []
    for line in text.splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() == "disallow" and value.strip():
            rules.append(re.compile(".*".join(map(re.escape, value.strip().split("*")))))
    return rules


def crawlable(rules, path: str) -> bool:
    return not any(rule.match(path) for rule in rules)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_paths(client, settings):
    settings.SITE_URL = SITE
    event = EventFactory()
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("User-agent: *\n")
    assert f"Sitemap: {SITE}/sitemap.xml" in text.splitlines()
    rules = robots_rules(text)
    for path in (
        "/admin/",
        "/admin/events/event/",
        "/api/v1/evenements/",
        "/evenements/export.csv",
        "/evenements/export.json?region=84",
        "/evenements/programme.pdf",
        f"/evenements/{event.pk}.ics",
        f"/evenements/{event.pk}/inscription/",
        "/inscriptions/jeton/annuler/",
        "/evenements/proposer/suivi/jeton/",
        "/widget/evenements/",
    ):
        assert not crawlable(rules, path), path
        assert client.get(path).status_code != 404 or path.startswith(
            ("/inscriptions/", "/evenements/proposer/suivi/")
        ), path
    for path in (
        "/",
        "/evenements/",
        "/evenements/?region=84",
        event.get_absolute_url(),
        "/evenements/region/84/",
        "/evenements/programme/",
        "/evenements/flux.atom",
        "/offres/",
        "/partenaires/",
        "/evenements/proposer/",
        "/sitemap.xml",
    ):
        assert crawlable(rules, path), path


def test_security_txt_follows_rfc_9116(client, settings):
    settings.SITE_URL = SITE
    settings.SECURITY_CONTACT = "mailto:securite@semaine-soin.example"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:securite@semaine-soin.example"
    assert fields["Preferred-Languages"] == "fr, en"
    assert fields["Canonical"] == f"{SITE}/.well-known/security.txt"
    expires = datetime.datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.UTC
    )
    # At most a year ahead, and computed at each request: never lapsed.
    ahead = expires - timezone.now()
    assert datetime.timedelta(days=364) < ahead <= datetime.timedelta(days=365)


def test_the_security_contact_defaults_to_the_sites_domain(monkeypatch):
    import importlib

    from semaine import settings as site_settings

    monkeypatch.delenv("SECURITY_CONTACT", raising=False)
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "Semaine <ne-pas-repondre@soin.example>")
    assert importlib.reload(site_settings).SECURITY_CONTACT == "mailto:securite@soin.example"
    monkeypatch.setenv("SECURITY_CONTACT", "https://soin.example/signaler")
    assert importlib.reload(site_settings).SECURITY_CONTACT == "https://soin.example/signaler"
    monkeypatch.setenv("SECURITY_CONTACT", "n'importe quoi")
    with pytest.raises(Exception, match="SECURITY_CONTACT"):
        importlib.reload(site_settings)
    monkeypatch.delenv("SECURITY_CONTACT")
    monkeypatch.delenv("DEFAULT_FROM_EMAIL")
    importlib.reload(site_settings)


@pytest.mark.parametrize(
    ("url", "static_path", "sizes"),
    [
        ("/favicon.ico", "icons/favicon.ico", {(16, 16), (32, 32), (48, 48)}),
        ("/apple-touch-icon.png", "icons/apple-touch-icon.png", {(180, 180)}),
        ("/apple-touch-icon-precomposed.png", "icons/apple-touch-icon.png", {(180, 180)}),
    ],
)
def test_the_icons_browsers_ask_for_lead_to_real_images(client, url, static_path, sizes):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/static/{static_path}"
    with Image.open(finders.find(static_path)) as image:
        assert set(image.info.get("sizes", {image.size})) == sizes


def test_every_page_links_its_icons(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/icons/favicon.ico"' in html
    assert '<link rel="icon" href="/static/icons/icon.svg" type="image/svg+xml">' in html
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in html
