"""The regional view of the dashboard: figures by organiser and by department on a fixture with
known numbers, the links behind them, the scope, the exports and the « à surveiller » list."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from semaine.models import Department
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

CONFIRMED, WAITLISTED = Registration.Status.CONFIRMED, Registration.Status.WAITLISTED
PRESENT, ABSENT = Registration.Attendance.PRESENT, Registration.Attendance.ABSENT


def soon(days):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def week(lyon, marseille):
    """Lyon (Rhône): 4 events — one 50 % full, one at 10 % starting in 3 days (to watch), a draft
    without a seat limit, a cancelled one; 3 confirmed registrations (2 present, 1 absent) and
    1 waitlisted. Marseille (Bouches-du-Rhône, another region): 1 event 75 % full, 2 people."""
    full_half = EventFactory(
        organiser=lyon, title="Job dating EHPAD", capacity_onsite=20, confirmed_onsite=10
    )
    EventFactory(
        organiser=lyon,
        title="Forum peu rempli",
        start=soon(3),
        capacity_onsite=10,
        confirmed_onsite=1,
    )
    EventFactory(organiser=lyon, title="Brouillon", status=Event.Status.DRAFT, capacity_onsite=None)
    EventFactory(organiser=lyon, title="Annulé", status=Event.Status.CANCELLED, capacity_onsite=50)
    for attendance in (PRESENT, PRESENT, ABSENT):
        RegistrationFactory(event=full_half, attendance=attendance)
    RegistrationFactory(event=full_half, status=WAITLISTED)
    marseille_event = EventFactory(
        organiser=marseille,
        title="Forum santé",
        department=Department.objects.get(code="13"),
        postcode="13001",
        city="Marseille",
        capacity_onsite=40,
        confirmed_onsite=30,
    )
    RegistrationFactory.create_batch(2, event=marseille_event)


def dashboard(client):
    response = client.get(reverse("admin:events_event_dashboard"), {"edition": "2030"})
    assert response.status_code == 200
    return response


def figures(line):
    return {
        "events": line.events,
        "published": line.published,
        "seats": (line.taken, line.offered),
        "fill_rate": line.fill_rate,
        "confirmed": line.confirmed,
        "waitlisted": line.waitlisted,
        "attendance": (line.present, line.absent, line.attendance_rate),
        "at_risk": line.at_risk,
    }


LYON = {
    "events": 4,
    "published": 2,
    "seats": (11, 30),  # the cancelled event and the unlimited draft do not count
    "fill_rate": 37,
    "confirmed": 3,
    "waitlisted": 1,
    "attendance": (2, 1, 67),
    "at_risk": 1,
}
MARSEILLE = {
    "events": 1,
    "published": 1,
    "seats": (30, 40),
    "fill_rate": 75,
    "confirmed": 2,
    "waitlisted": 0,
    "attendance": (0, 0, None),
    "at_risk": 0,
}


def test_national_staff_see_the_figures_of_every_agency_and_department(client, national_user, week):
    client.force_login(national_user)

    context = dashboard(client).context

    by_organiser = {line.label: figures(line) for line in context["by_organiser"]["lines"]}
    assert by_organiser == {"France Travail Lyon": LYON, "France Travail Marseille": MARSEILLE}
    by_department = {line.label: figures(line) for line in context["by_department"]["lines"]}
    assert by_department == {"13 – Bouches-du-Rhône": MARSEILLE, "69 – Rhône": LYON}
    total = figures(context["by_organiser"]["total"])
    assert total["seats"] == (41, 70)
    assert total["fill_rate"] == 59
    assert total["confirmed"] == 5


def test_a_coordinator_sees_the_figures_of_their_region_only(client, coordinator, week):
    client.force_login(coordinator)

    response = dashboard(client)

    lines = response.context["by_organiser"]["lines"]
    assert [line.label for line in lines] == ["France Travail Lyon"]
    assert [line.label for line in response.context["by_department"]["lines"]] == ["69 – Rhône"]
    assert figures(response.context["by_organiser"]["total"]) == LYON
    assert "France Travail Marseille" not in response.text
    assert "Bouches-du-Rhône" not in response.text


def test_each_figure_leads_to_the_list_of_what_it_counts(client, national_user, week, lyon):
    client.force_login(national_user)
    context = dashboard(client).context
    lyon_line = next(line for line in context["by_organiser"]["lines"] if line.key == lyon.pk)
    rhone_line = next(line for line in context["by_department"]["lines"] if line.key == "69")

    def listed(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return response.context["cl"].result_count

    assert listed(lyon_line.links["events"]) == 4
    assert listed(lyon_line.links["published"]) == 2
    assert listed(lyon_line.links["at_risk"]) == 1
    assert listed(lyon_line.links["confirmed"]) == 3
    assert listed(lyon_line.links["waitlisted"]) == 1
    assert listed(lyon_line.links["present"]) == 2
    assert listed(lyon_line.links["absent"]) == 1
    assert listed(rhone_line.links["events"]) == 4
    assert listed(rhone_line.links["confirmed"]) == 3
    total = context["by_organiser"]["total"]
    assert listed(total.links["confirmed"]) == 5
    assert f'href="{lyon_line.links["confirmed"].replace("&", "&amp;")}"' in dashboard(client).text


def test_the_at_risk_list_names_the_events_to_watch(client, coordinator, week):
    client.force_login(coordinator)

    response = dashboard(client)

    assert [event.title for event in response.context["at_risk"]] == ["Forum peu rempli"]
    assert "1 / 10" in response.text


def export(client, **params):
    return client.get(reverse("admin:events_event_dashboard_export"), {"edition": "2030", **params})


def test_the_table_by_organiser_exports_as_csv_for_excel(client, coordinator, week):
    client.force_login(coordinator)

    response = export(client, par="organisateur", format="csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "tableau-de-bord-organisateur-2030.csv" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == [
        "Organisateur",
        "Événements",
        "Publiés",
        "Places offertes",
        "Places prises",
        "Taux de remplissage (%)",
    ]
    # The coordinator's region only: Lyon, then the total.
    assert rows[1] == [
        "France Travail Lyon",
        "4",
        "2",
        "30",
        "11",
        "37",
        "3",
        "1",
        "2",
        "1",
        "67",
        "1",
    ]
    assert rows[2][0] == "Total"
    assert len(rows) == 3


def test_the_table_by_department_exports_as_xlsx(client, national_user, week):
    client.force_login(national_user)

    response = export(client, par="departement", format="xlsx")

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Par département"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Département"
    assert rows[1] == ["13 – Bouches-du-Rhône", 1, 1, 40, 30, 75, 2, 0, 0, 0, None, 0]
    assert rows[2][:5] == ["69 – Rhône", 4, 2, 30, 11]
    assert rows[3][0] == "Total"
    assert rows[3][1] == 5


@pytest.mark.parametrize(
    "params", [{"par": "region", "format": "csv"}, {"par": "organisateur", "format": "pdf"}, {}]
)
def test_an_unknown_export_is_a_404_not_a_500(client, coordinator, params):
    client.force_login(coordinator)

    assert export(client, **params).status_code == 404


def test_an_organiser_named_like_a_formula_stays_text_in_the_exports(
    client, national_user, week, lyon
):
    lyon.name = '=HYPERLINK("http://x")'
    lyon.save()
    client.force_login(national_user)

    csv_text = export(client, par="organisateur", format="csv").content.decode("utf-8-sig")
    workbook = openpyxl.load_workbook(
        io.BytesIO(export(client, par="organisateur", format="xlsx").content)
    )

    assert "'=HYPERLINK" in csv_text
    cell = workbook.active["A2"]  # « = » sorts first
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_staff_without_the_right_to_see_events_get_no_export(client, db, fast_password_hasher):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("stagiaire", password="x", is_staff=True)
    client.force_login(user)

    assert export(client, par="organisateur", format="csv").status_code == 403
