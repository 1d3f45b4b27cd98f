"""« Prévenez-moi »: the form, double opt-in, the selection's checks, abuse."""

import datetime
import re

import pytest
from django.core import mail
from django.template.defaultfilters import date
from django.test import Client
from django.utils import timezone, translation

from alerts.models import Alert, Subscriber
from tests.conftest import run_queued_emails
from tests.factories import EventFactory, OfferFactory, edition

pytestmark = pytest.mark.django_db

NEW = "/alertes/nouvelle/"


def subscribe(client, query: str, email: str = "lea@example.org", **extra):
    return client.post(f"{NEW}?{query}", {"email": email, "website": "", **extra})


def link_in(message, path: str) -> str:
    return re.search(rf"https?://[^\s\"<>]+{path}[^\s\"<>]*", message.body).group(0)


def local(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_an_address_gets_nothing_but_the_confirmation_until_it_clicks(client):
    edition()
    page = client.get(f"{NEW}?region=84&type=job_dating")
    assert page.status_code == 200
    assert "Auvergne-Rhône-Alpes" in page.text and "Job dating" in page.text

    response = subscribe(client, "type=job_dating&region=84")
    assert response.status_code == 302 and response.url == "/alertes/nouvelle/envoyee/"
    assert "Vérifiez votre boîte" in client.get(response.url).text
    alert = Alert.objects.get()
    assert alert.query == "region=84&type=job_dating"
    assert not alert.is_confirmed

    run_queued_emails()
    (message,) = mail.outbox
    assert message.to == ["lea@example.org"]
    assert message.subject.startswith("Confirmez votre alerte")
    with translation.override("fr"):
        until = date(timezone.localtime(alert.expires_at), "j F Y")
    assert f"jusqu'au {until}" in message.body
    confirm = local(link_in(message, "/alertes/confirmer/"))

    # Opening the link (a mail scanner does) confirms nothing: a button does.
    page = client.get(confirm)
    assert page.status_code == 200 and "Confirmer et recevoir" in page.text
    alert.refresh_from_db()
    assert not alert.is_confirmed

    done = client.post(confirm)
    assert "Votre alerte est confirmée" in done.text
    alert.refresh_from_db()
    assert alert.is_confirmed and alert.since is not None
    # A second click changes nothing and says so.
    assert "déjà confirmée" in client.post(confirm).text


def test_the_same_selection_twice_is_one_alert_and_the_page_does_not_tell(client):
    first = subscribe(client, "region=84&type=job_dating", email="Lea@Example.org")
    second = subscribe(client, "type=job_dating&region=84&page=3&tri=date")
    assert first.status_code == second.status_code == 302
    assert Alert.objects.count() == 1 and Subscriber.objects.get().email == "lea@example.org"
    run_queued_emails()
    # Not confirmed yet: the confirmation link again.
    assert [m.subject[:20] for m in mail.outbox] == ["Confirmez votre aler"] * 2

    alert = Alert.objects.get()
    Client().post(f"/alertes/confirmer/{alert.confirm_token()}/")
    mail.outbox.clear()
    third = subscribe(client, "region=84&type=job_dating")
    assert third.status_code == 302 and third.url == first.url
    run_queued_emails()
    (message,) = mail.outbox
    assert message.subject.startswith("Votre alerte")
    assert "/alertes/" in message.body and "déjà" in message.body


def test_a_selection_the_listing_would_ignore_is_refused_with_its_messages(client):
    response = client.get(f"{NEW}?region=99&du=2030-13-45")
    assert response.status_code == 400
    assert "Région :" in response.text
    assert "À partir du : Saisissez une date valide" in response.text
    assert 'name="email"' not in response.text
    assert subscribe(client, "region=99").status_code == 400
    assert not Alert.objects.exists()


def test_a_bad_address_and_the_honeypot_are_refused_and_nothing_is_stored(client):
    bad = subscribe(client, "region=84", email="pas-une-adresse")
    assert bad.status_code == 400 and "adresse e-mail valide" in bad.text
    bot = subscribe(client, "region=84", website="http://spam.example")
    assert bot.status_code == 400 and "envoi automatique" in bot.text
    assert not Subscriber.objects.exists()
    run_queued_emails()
    assert mail.outbox == []


def test_the_form_is_rate_limited(client, settings):
    settings.RATE_LIMITS = True
    settings.ALERT_RATE_LIMIT = (2, 3600)
    assert subscribe(client, "region=84").status_code == 302
    assert subscribe(client, "region=11").status_code == 302
    limited = subscribe(client, "region=32")
    assert limited.status_code == 429 and limited["Retry-After"]
    assert Alert.objects.count() == 2


def test_an_address_keeps_ten_alerts_at_most_and_is_told_by_mail_not_on_the_page(client, settings):
    settings.ALERTS_PER_ADDRESS = 3
    for code in ("84", "11", "32"):
        subscribe(client, f"region={code}")
    run_queued_emails()
    mail.outbox.clear()
    response = subscribe(client, "region=53")
    assert response.status_code == 302 and response.url == "/alertes/nouvelle/envoyee/"
    assert Alert.objects.count() == 3
    run_queued_emails()
    (message,) = mail.outbox
    assert "déjà 3" in message.body and message.body.count("/alertes/") == 3


def test_forged_and_expired_confirmation_links_are_refused(client, settings):
    subscribe(client, "region=84")
    alert = Alert.objects.get()
    token = alert.confirm_token()
    forged = client.post(f"/alertes/confirmer/{token[:-2]}xx/")
    assert forged.status_code == 400 and "Lien non valide" in forged.text
    settings.ALERT_CONFIRM_DAYS = 0
    expired = client.post(f"/alertes/confirmer/{token}/")
    assert expired.status_code == 400
    alert.refresh_from_db()
    assert not alert.is_confirmed


def test_an_alert_expires_a_month_after_the_edition_and_the_mail_says_when(client):
    week = edition()
    week.start_date = timezone.localdate() + datetime.timedelta(days=16)
    week.end_date = timezone.localdate() + datetime.timedelta(days=20)
    week.save()
    subscribe(client, "region=84")
    alert = Alert.objects.get()
    expected = week.end_date + datetime.timedelta(days=31)
    assert timezone.localdate(alert.expires_at) == expected
    Client().post(f"/alertes/confirmer/{alert.confirm_token()}/")
    manage = client.get(f"/alertes/{alert.manage_token()}/")
    assert expected.strftime("%Y") in manage.text and "Supprimer cette alerte" in manage.text


def test_the_listings_link_to_an_alert_of_what_they_show(client):
    EventFactory()
    OfferFactory()
    events = client.get("/evenements/?region=84&type=job_dating&departement=zz").text
    assert 'href="/alertes/nouvelle/?region=84&amp;type=job_dating"' in events
    offers = client.get("/offres/?nature=emploi").text
    assert 'href="/alertes/nouvelle/?nature=emploi&amp;nature=offres"' in offers
    region = client.get("/evenements/region/84/").text
    assert 'href="/alertes/nouvelle/?region=84"' in region


def test_an_offers_alert_keeps_the_offers_own_nature_filter(client):
    page = client.get(f"{NEW}?nature=formation&nature=offres&region=53")
    assert page.status_code == 200 and "Formation" in page.text
    subscribe(client, "nature=offres&region=53&nature=formation")
    alert = Alert.objects.get()
    assert (alert.nature, alert.query) == ("offres", "nature=formation&region=53")


def test_the_privacy_page_says_what_an_alert_keeps_and_for_how_long(client, settings):
    settings.ALERT_CONFIRM_DAYS = 5
    settings.ALERT_EXPIRY_DAYS = 40
    html = client.get("/donnees-personnelles/").text
    assert "Alertes par e-mail" in html
    assert "dans les 5 jours" in html and "40 jours après la fin de la Semaine" in html
    assert "jamais les adresses" in html
