"""The daily digest: what it announces, once, and how one leaves it."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, Digest, Subscriber
from alerts.selection import Selection
from alerts.services import alert_subscribe, alerts_purge, digests_plan
from events.models import Event
from semaine.mail import PermanentDeliveryError
from tests.conftest import run_queued_emails
from tests.factories import EventFactory, OfferFactory, edition

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.timedelta(days=1)


def confirmed_alert(query: str, email: str = "lea@example.org", nature: str = "evenements"):
    """An alert confirmed a day ago: what was published since is new for it."""
    alert_subscribe(email=email, selection=Selection(nature, _pairs(query)))
    alert = Alert.objects.filter(subscriber__email=email).order_by("-pk").first()
    confirmed = timezone.now() - YESTERDAY
    Alert.objects.filter(pk=alert.pk).update(confirmed_at=confirmed, since=confirmed)
    return Alert.objects.get(pk=alert.pk)


def _pairs(query: str) -> list[tuple[str, str]]:
    return [tuple(part.split("=", 1)) for part in query.split("&") if part]


def published(days_ago: float = 0, hours_ago: float = 1, **kwargs) -> Event:
    """An event published some time ago: a run sees what was published SETTLE before it."""
    event = EventFactory(**kwargs)
    ago = datetime.timedelta(days=days_ago, hours=hours_ago)
    Event.objects.filter(pk=event.pk).update(published_at=timezone.now() - ago)
    return event


def digest_mails():
    run_queued_emails()
    return [m for m in mail.outbox if "nouve" in m.subject]


@pytest.fixture(autouse=True)
def _edition():
    edition()


def test_a_digest_lists_what_is_new_matching_and_not_cancelled_once(client):
    confirmed_alert("region=84")
    published(days_ago=3, title="Forum publié avant l'alerte")
    published(title="Annoncé par le digest d'hier", hours_ago=20)
    assert digests_plan(now=timezone.now() - datetime.timedelta(hours=12)).digests == 1
    (yesterday,) = digest_mails()
    assert "Annoncé par le digest d'hier" in yesterday.body
    mail.outbox.clear()

    new = published(title="Job dating EHPAD de Lyon")
    cancelled = published(title="Atelier annulé")
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)
    published(title="Visite à Rennes", department_id="35", postcode="35000", city="Rennes")
    plan = digests_plan()
    assert (plan.selections, plan.alerts, plan.digests) == (1, 1, 1)
    (message,) = digest_mails()
    assert message.subject == "1 nouvel événement : Auvergne-Rhône-Alpes"
    assert "Job dating EHPAD de Lyon" in message.body
    for absent in ("avant l'alerte", "annulé", "Rennes", "hier"):
        assert absent not in message.body
    assert new.get_absolute_url() in message.body
    html = message.alternatives[0][0]
    assert "Job dating EHPAD de Lyon" in html
    # RFC 8058: a link to POST to, and the header saying so.
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/desinscription/" in message.extra_headers["List-Unsubscribe"]
    assert "s'arrête le" in message.body

    # The next day's run finds nothing new: no e-mail, and the event is never sent again.
    mail.outbox.clear()
    assert digests_plan().digests == 0
    assert digest_mails() == []


def test_an_event_found_by_two_alerts_of_one_address_is_sent_once():
    confirmed_alert("region=84")
    confirmed_alert("type=job_dating")
    confirmed_alert("type=job_dating", email="sam@example.org")
    mail.outbox.clear()
    published(title="Job dating à Lyon")
    digests_plan()
    mails = digest_mails()
    assert sorted(m.to[0] for m in mails) == ["lea@example.org", "sam@example.org"]
    assert all("Job dating à Lyon" in m.body for m in mails)


def test_alerts_of_one_selection_are_computed_once(django_assert_max_num_queries):
    for n in range(30):
        confirmed_alert("region=84", email=f"personne{n}@example.org")
    published(title="Nouveau")
    with django_assert_max_num_queries(20):
        plan = digests_plan()
    assert (plan.selections, plan.digests) == (1, 30)


def test_an_offers_alert_announces_the_offers_that_appeared_on_the_site():
    confirmed_alert("nature=formation", nature="offres")
    mail.outbox.clear()
    OfferFactory(nature="formation", title="Formation AES à Rennes")
    OfferFactory(nature="emploi", title="Infirmier de nuit")
    old = OfferFactory(nature="formation", title="Formation publiée avant")
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - 3 * YESTERDAY)
    # Offers appear when they are created: the run an hour later sees them.
    digests_plan(now=timezone.now() + datetime.timedelta(hours=1))
    (message,) = digest_mails()
    assert message.subject.startswith("1 nouvelle offre")
    assert "Formation AES à Rennes" in message.body
    assert "Infirmier" not in message.body and "avant" not in message.body


def test_a_digest_lists_twenty_and_links_to_the_rest(settings):
    settings.ALERT_DIGEST_ITEMS = 2
    confirmed_alert("region=84")
    mail.outbox.clear()
    for n in range(3):
        published(title=f"Événement {n}")
    digests_plan()
    (message,) = digest_mails()
    assert message.subject.startswith("3 nouveaux événements")
    assert "Et 1 autre" in message.body and "/evenements/?region=84" in message.body


def test_one_click_unsubscribe_by_post_deletes_the_alert_and_the_address():
    confirmed_alert("region=84")
    mail.outbox.clear()
    published()
    digests_plan()
    (message,) = digest_mails()
    url = message.extra_headers["List-Unsubscribe"].strip("<>").replace("http://127.0.0.1:8000", "")
    # The mail client's POST: no CSRF token, no cookie, the RFC 8058 body.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "Alerte supprimée" in response.text
    assert not Alert.objects.exists() and not Subscriber.objects.exists()
    # Digests stay for the staff's counts, without anything personal.
    assert Digest.objects.get().alert is None
    again = client.post(url, "List-Unsubscribe=One-Click", content_type="text/plain")
    assert again.status_code == 200 and "déjà supprimée" in again.text
    forged = client.post(url.replace("/desinscription/", "x/desinscription/"))
    assert forged.status_code == 400


def test_a_person_opening_the_unsubscribe_link_gets_a_button_first():
    alert = confirmed_alert("region=84")
    page = Client().get(f"/alertes/{alert.manage_token()}/desinscription/")
    assert page.status_code == 200 and "Ne plus recevoir" in page.text
    assert Alert.objects.exists()


def test_an_expired_alert_gets_nothing_and_is_purged_with_its_address():
    alert = confirmed_alert("region=84")
    Alert.objects.filter(pk=alert.pk).update(
        expires_at=timezone.now() - datetime.timedelta(hours=1)
    )
    published()
    assert digests_plan().alerts == 0
    assert alerts_purge() == (1, 1)
    assert not Subscriber.objects.exists()


def test_an_unconfirmed_alert_is_purged_after_its_link_expires(settings):
    alert_subscribe(email="lea@example.org", selection=Selection("evenements", [("region", "84")]))
    assert alerts_purge() == (0, 0)
    later = timezone.now() + datetime.timedelta(days=settings.ALERT_CONFIRM_DAYS + 1)
    assert alerts_purge(now=later) == (1, 1)


def test_a_mailbox_refusing_for_good_pauses_the_alerts_until_resumed(monkeypatch):
    alert = confirmed_alert("region=84")
    mail.outbox.clear()
    published()
    digests_plan()

    def refused(backend, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"no such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    with pytest.raises(PermanentDeliveryError):
        run_queued_emails()
    monkeypatch.undo()
    alert.subscriber.refresh_from_db()
    assert alert.subscriber.bounced_at is not None
    assert Digest.objects.get().sent_at is None

    published(title="Le lendemain", hours_ago=0)
    tomorrow = timezone.now() + YESTERDAY
    assert digests_plan(now=tomorrow).alerts == 0

    client = Client()
    manage = f"/alertes/{alert.manage_token()}/"
    assert "en pause" in client.get(manage).text
    client.post(manage, {"action": "resume"})
    alert.subscriber.refresh_from_db()
    assert alert.subscriber.bounced_at is None
    assert digests_plan(now=tomorrow).digests == 1


def test_a_digest_job_run_twice_sends_once():
    confirmed_alert("region=84")
    mail.outbox.clear()
    published()
    digests_plan()
    from alerts.emails import send_digest

    digest = Digest.objects.get()
    assert send_digest(digest_id=digest.pk, job_id=1) is True
    assert send_digest(digest_id=digest.pk, job_id=1) is False
    assert len(mail.outbox) == 1


def test_the_dashboard_counts_alerts_and_digests_without_addresses(client, national_user):
    confirmed_alert("region=84")
    alert_subscribe(email="sam@example.org", selection=Selection("evenements", []))
    published()
    digests_plan()
    run_queued_emails()
    client.force_login(national_user)
    page = client.get(reverse("admin:events_event_dashboard"))
    assert page.status_code == 200
    assert "1</strong> alerte active" in page.text
    assert "1</strong> e-mail de nouveautés envoyé" in page.text
    assert "example.org" not in page.text


def test_a_row_published_just_before_a_run_is_announced_by_the_next_one():
    """A row stamped when its transaction starts may commit minutes later: a run looks only at
    what was published SETTLE before it, and the next run takes the rest, once."""
    confirmed_alert("region=84")
    mail.outbox.clear()
    published(title="Tout juste publié", hours_ago=0)
    assert digests_plan().digests == 0
    assert digests_plan(now=timezone.now() + YESTERDAY).digests == 1
    assert digests_plan(now=timezone.now() + 2 * YESTERDAY).digests == 0
    (message,) = digest_mails()
    assert "Tout juste publié" in message.body
