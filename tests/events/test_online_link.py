"""The connection link of an online event that requires registration reaches confirmed
registrants and staff only: with it, anyone would join without a seat."""

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from events.models import Event
from tests.factories import EventFactory, content_of

pytestmark = pytest.mark.django_db

LINK = "https://visio.example/salle-secrete"


def public_outputs(client, event) -> dict[str, bytes]:
    """Every public output that describes `event`, by name."""
    urls = {
        "page": event.get_absolute_url(),
        "ics": reverse("events:ics", args=[event.pk]),
        "api list": "/api/v1/evenements/",
        "api detail": f"/api/v1/evenements/{event.pk}/",
        "widget": "/widget/evenements/",
        **{f"export {fmt}": f"/evenements/export.{fmt}" for fmt in ("csv", "xlsx", "ics", "json")},
    }
    outputs = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        outputs[name] = content_of(response)
    return outputs


def xlsx_text(content: bytes) -> str:
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


@pytest.mark.parametrize("modalite", [Event.Modalite.DISTANCIEL, Event.Modalite.HYBRIDE])
def test_no_public_output_carries_the_link_of_an_event_with_registration(client, modalite):
    event = EventFactory(modalite=modalite, online_url=LINK, registration_required=True)

    outputs = public_outputs(client, event)

    outputs["export xlsx"] = xlsx_text(outputs["export xlsx"]).encode()
    leaking = [name for name, content in outputs.items() if LINK.encode() in content]
    assert leaking == []
    assert "Le lien de connexion vous est envoyé après inscription" in outputs["page"].decode()


def test_an_event_open_to_all_shows_its_link_everywhere(client):
    event = EventFactory(
        modalite=Event.Modalite.DISTANCIEL, online_url=LINK, registration_required=False
    )

    outputs = public_outputs(client, event)

    outputs["export xlsx"] = xlsx_text(outputs["export xlsx"]).encode()
    del outputs["widget"]  # its cards name no place nor link: a partner's page links to ours
    assert [name for name, content in outputs.items() if LINK.encode() not in content] == []


def test_the_confirmed_registrant_gets_the_link_in_the_mail_and_its_calendar_entry(
    client, emails_sent
):
    event = EventFactory(
        modalite=Event.Modalite.DISTANCIEL,
        department=None,
        address="",
        online_url=LINK,
        capacity_online=5,
    )
    with emails_sent():
        response = client.post(
            reverse("events:register", args=[event.pk]),
            {
                "first_name": "Awa",
                "last_name": "Diallo",
                "email": "awa@example.org",
                "situation": "demandeur_emploi",
                "consent_contact": "on",
                "website": "",
            },
        )

    assert response.status_code == 302, response.content.decode()[-3000:]
    from events.models import Registration
    from tests.conftest import confirm_registration, run_queued_emails

    # Not in the e-mail asking to confirm the address: only once the seat is confirmed.
    run_queued_emails()
    (request,) = mail.outbox
    assert LINK not in request.body
    mail.outbox.clear()
    confirm_registration(Registration.objects.get(email="awa@example.org"))
    run_queued_emails()
    (message,) = mail.outbox
    assert LINK in message.body
    [(_, ics, _)] = message.attachments
    [vevent] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["LOCATION"]) == LINK
