"""An agency user sees and touches only their agency's events, by URL as well as in lists."""

import io

import openpyxl
import pytest
from django.contrib import admin as django_admin
from django.test import RequestFactory
from django.urls import reverse

from events.admin.events import EventAdmin
from events.models import Event
from semaine.models import Department
from tests.factories import EventFactory, OrganiserFactory, RegistrationFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon():
    return OrganiserFactory(name="France Travail Lyon")


@pytest.fixture
def marseille():
    return OrganiserFactory(name="France Travail Marseille")


@pytest.fixture
def lyon_event(lyon):
    return EventFactory(organiser=lyon, title="Job dating EHPAD à Lyon")


@pytest.fixture
def marseille_event(marseille):
    return EventFactory(
        organiser=marseille,
        title="Forum santé à Marseille",
        department_id="13",
        postcode="13001",
        city="Marseille",
    )


@pytest.fixture
def agency_client(client, lyon):
    client.force_login(staff_user("agence-lyon", group="Agence", organiser=lyon))
    return client


def change_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def test_agency_list_shows_only_its_own_events(agency_client, lyon_event, marseille_event):
    response = agency_client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 200
    assert "Job dating EHPAD à Lyon" in response.text
    assert "Forum santé à Marseille" not in response.text


def test_agency_cannot_open_another_agencys_event_by_url(agency_client, marseille_event):
    response = agency_client.get(change_url(marseille_event))

    # The admin answers "does not exist" (redirect to the index) rather than showing the form.
    assert response.status_code == 302
    assert "Forum santé" not in agency_client.get(response.url).text


def test_agency_cannot_change_another_agencys_event_by_post(agency_client, marseille_event):
    response = agency_client.post(
        change_url(marseille_event), {"title": "Piraté", "status": "draft"}
    )

    assert response.status_code == 302
    marseille_event.refresh_from_db()
    assert marseille_event.title == "Forum santé à Marseille"


def test_agency_cannot_delete_another_agencys_event(agency_client, marseille_event):
    url = reverse("admin:events_event_delete", args=[marseille_event.pk])

    assert agency_client.get(url).status_code == 302
    agency_client.post(url, {"post": "yes"})

    assert Event.objects.filter(pk=marseille_event.pk).exists()


def test_agency_cannot_read_another_agencys_history(agency_client, marseille_event):
    url = reverse("admin:events_event_history", args=[marseille_event.pk])

    response = agency_client.get(url)

    assert response.status_code == 302
    assert "Forum santé" not in agency_client.get(response.url).text


def test_agency_cannot_download_another_agencys_registrants(agency_client, marseille_event):
    RegistrationFactory(event=marseille_event, email="personne@marseille.example")
    url = reverse("admin:events_event_registrants", args=[marseille_event.pk])

    response = agency_client.get(url)

    assert response.status_code == 404


def test_agency_export_of_a_forged_selection_leaves_out_other_agencies(
    agency_client, lyon_event, marseille_event
):
    RegistrationFactory(event=lyon_event, email="camille@lyon.example")
    RegistrationFactory(event=marseille_event, email="personne@marseille.example")

    response = agency_client.post(
        reverse("admin:events_event_changelist"),
        {
            "action": "export_registrants",
            "_selected_action": [lyon_event.pk, marseille_event.pk],
        },
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "camille@lyon.example" in body
    assert "personne@marseille.example" not in body


def test_agency_events_export_contains_only_its_events(agency_client, lyon_event, marseille_event):
    columns = {f"eventexportresource_{key}": "on" for key in ("titre", "organisateur", "date")}
    response = agency_client.post(
        reverse("admin:events_event_export"), {"format": "0", "resource": "0", **columns}
    )

    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert body.startswith("titre;date;organisateur")
    assert "Job dating EHPAD à Lyon" in body
    assert "Forum santé à Marseille" not in body


def test_agency_registrations_list_hides_other_agencies_registrants(
    agency_client, lyon_event, marseille_event
):
    RegistrationFactory(event=lyon_event, email="camille@lyon.example")
    other = RegistrationFactory(event=marseille_event, email="personne@marseille.example")

    listing = agency_client.get(reverse("admin:events_registration_changelist"))
    detail = agency_client.get(reverse("admin:events_registration_change", args=[other.pk]))

    assert "camille@lyon.example" in listing.text
    assert "personne@marseille.example" not in listing.text
    assert detail.status_code == 302


def test_agency_form_offers_only_its_own_organiser(agency_client, lyon, marseille):
    response = agency_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "event", "field_name": "organiser", "term": "France"},
    )

    names = [item["text"] for item in response.json()["results"]]
    assert names == ["France Travail Lyon"]


def test_agency_cannot_create_an_event_for_another_organiser(agency_client, marseille):
    response = agency_client.post(
        reverse("admin:events_event_add"),
        {
            "title": "Événement glissé chez Marseille",
            "type": "atelier",
            "status": "draft",
            "organiser": marseille.pk,
            "edition": "2030",
            "audience": "tous",
            "modalite": "distanciel",
            "start_0": "23/04/2030",
            "start_1": "10:00",
            "end_0": "23/04/2030",
            "end_1": "11:00",
            "online_url": "https://visio.example/atelier",
            "registration_required": "on",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert not Event.objects.filter(title="Événement glissé chez Marseille").exists()


def test_regional_coordinator_sees_the_whole_region_and_only_it(client, lyon, marseille):
    grenoble = OrganiserFactory(name="France Travail Grenoble")
    EventFactory(organiser=lyon, title="Atelier à Lyon")
    EventFactory(organiser=grenoble, title="Forum à Grenoble", department_id="38")
    EventFactory(organiser=marseille, title="Job dating à Marseille", department_id="13")
    client.force_login(staff_user("coord-ara", group="Coordination régionale", region_code="84"))

    response = client.get(reverse("admin:events_event_changelist"))

    assert "Atelier à Lyon" in response.text
    assert "Forum à Grenoble" in response.text
    assert "Job dating à Marseille" not in response.text


def test_regional_coordinator_cannot_move_an_event_out_of_the_region(client, lyon):
    event = EventFactory(organiser=lyon, title="Atelier à Lyon", status=Event.Status.DRAFT)
    client.force_login(staff_user("coord-ara", group="Coordination régionale", region_code="84"))

    data = {
        "title": event.title,
        "type": event.type,
        "status": "draft",
        "organiser": lyon.pk,
        "edition": event.edition_id,
        "audience": "tous",
        "modalite": "presentiel",
        "start_0": "23/04/2030",
        "start_1": "10:00",
        "end_0": "23/04/2030",
        "end_1": "11:00",
        "address": "1 La Canebière",
        "postcode": "13001",
        "city": "Marseille",
        "department": "13",
        "registration_required": "on",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    response = client.post(change_url(event), data)

    assert response.status_code == 200
    event.refresh_from_db()
    assert event.department_id == "69"


def test_national_staff_see_every_event(client, lyon_event, marseille_event):
    client.force_login(staff_user("national", group="National"))

    response = client.get(reverse("admin:events_event_changelist"))

    assert "Job dating EHPAD à Lyon" in response.text
    assert "Forum santé à Marseille" in response.text


def test_staff_without_scope_see_no_event(client, lyon_event):
    client.force_login(staff_user("nouvelle-recrue", group="Agence"))

    response = client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 200
    assert "Job dating EHPAD à Lyon" not in response.text


def test_the_export_action_cannot_be_forged_to_another_agencys_event(
    agency_client, lyon_event, marseille_event
):
    form = agency_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "export_admin_action", "_selected_action": [lyon_event.pk]},
    )
    assert form.status_code == 200

    response = agency_client.post(
        reverse("admin:events_event_export"),
        {
            "format": "0",
            "resource": "0",
            "export_items": [lyon_event.pk, marseille_event.pk],
            "eventexportresource_titre": "on",
        },
    )

    body = response.content.decode("utf-8-sig")
    assert "Forum santé à Marseille" not in body


def test_the_export_action_exports_the_selection(agency_client, lyon_event):
    other_of_mine = EventFactory(organiser=lyon_event.organiser, title="Atelier CV à Lyon")

    response = agency_client.post(
        reverse("admin:events_event_export"),
        {
            "format": "1",
            "resource": "0",
            "export_items": [lyon_event.pk],
            "eventexportresource_titre": "on",
        },
    )

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Job dating EHPAD à Lyon"]
    assert other_of_mine.title not in titles


def test_a_coordinators_partner_event_must_stay_in_the_region(client):

    croix_rouge = OrganiserFactory(name="Croix-Rouge française", kind="partenaire")
    coordinator = staff_user("coord-ara", group="Coordination régionale", region_code="84")
    request = RequestFactory().get("/")
    request.user = coordinator
    form_class = EventAdmin(Event, django_admin.site).get_form(request)
    # The department field's choices already leave Marseille out; the form's own rule is the
    # second lock, tried here with a department list that would let it through.
    form = form_class(
        data={
            "title": "Forum",
            "type": "forum",
            "status": "draft",
            "organiser": croix_rouge.pk,
            "edition": "2030",
            "audience": "tous",
            "modalite": "presentiel",
            "start_0": "23/04/2030",
            "start_1": "10:00",
            "end_0": "23/04/2030",
            "end_1": "12:00",
            "address": "1 La Canebière",
            "department": "13",
        }
    )
    form.fields["department"].queryset = Department.objects.all()

    assert not form.is_valid()
    assert "pas dans votre région" in str(form.non_field_errors())
