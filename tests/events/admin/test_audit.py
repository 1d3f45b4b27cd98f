"""Who saw or exported registrants' personal data is recorded, and national staff read it."""

import pytest
from django.urls import reverse

from events.models import RegistrantAccess
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(lyon):
    event = EventFactory(organiser=lyon, title="Job dating EHPAD")
    RegistrationFactory.create_batch(2, event=event)
    return event


def records():
    return list(
        RegistrantAccess.objects.order_by("at").values_list(
            "username", "action", "event_title", "rows"
        )
    )


def test_exports_and_views_of_registrants_are_recorded(agency_client, event):
    registration = event.registrations.first()

    agency_client.get(reverse("admin:events_event_registrants", args=[event.pk]))
    agency_client.get(reverse("admin:events_event_change", args=[event.pk]))
    agency_client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    agency_client.get(reverse("admin:events_registration_changelist"), {"q": "Durand"})
    agency_client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_registrants", "_selected_action": [registration.pk]},
    )

    assert records() == [
        ("agence-lyon", "export", "Job dating EHPAD", None),
        ("agence-lyon", "event_page", "Job dating EHPAD", 2),
        ("agence-lyon", "registration", "Job dating EHPAD", 1),
        ("agence-lyon", "list", "", 0),
        ("agence-lyon", "export", "Job dating EHPAD", 1),
    ]
    assert RegistrantAccess.objects.get(action="list").detail == "q=Durand"


def test_an_event_page_without_registrants_records_nothing(agency_client, lyon):
    event = EventFactory(organiser=lyon)
    agency_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert records() == []


def test_national_staff_read_the_record_and_agencies_do_not(
    client, agency_client, national_user, event
):
    agency_client.get(reverse("admin:events_event_registrants", args=[event.pk]))
    url = reverse("admin:events_registrantaccess_changelist")

    assert agency_client.get(url).status_code == 403
    client.force_login(national_user)
    page = client.get(url)
    assert page.status_code == 200 and "agence-lyon" in page.text
    assert client.get(reverse("admin:events_registrantaccess_add")).status_code == 403
