import csv
import datetime
import io
import json
import zoneinfo

import icalendar
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import ical
from events.exports import rows, writers
from events.exports.selection import FORMATS
from events.models import Event
from semaine.models import Department
from tests.factories import (
    EventFactory,
    OrganiserFactory,
    content_of,
    event_listing_ids,
    in_days,
)

pytestmark = pytest.mark.django_db

REUNION = zoneinfo.ZoneInfo("Indian/Reunion")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def export(client, fmt, query=""):
    response = client.get(f"/evenements/export.{fmt}{query}")
    assert response.status_code == 200, content_of(response)[:500]
    return response, content_of(response)


def csv_rows(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def ics_events(content: bytes) -> list:
    return icalendar.Calendar.from_ical(content).walk("VEVENT")


def ids_of(fmt, content: bytes) -> list[int]:
    if fmt == "csv":
        return [int(row["Identifiant"]) for row in csv_rows(content)]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    if fmt == "ics":
        return [
            int(str(e["UID"]).split("@")[0].removeprefix("evenement-")) for e in ics_events(content)
        ]
    return [item["id"] for item in json.loads(content)]


@pytest.fixture
def selection():
    """More than one listing page, in two regions, of every format, plus rows never shown."""
    toulouse = Department.objects.get(code="31")
    events = []
    for i in range(24):
        events.append(
            EventFactory(
                start=in_days(2 + i % 9, hour=8 + i % 10),
                department=toulouse if i % 3 == 0 else Department.objects.get(code="69"),
                type=Event.Type.FORUM if i % 2 else Event.Type.JOB_DATING,
                modalite=[Event.Modalite.PRESENTIEL, Event.Modalite.HYBRIDE][i % 2],
                trades=["J1501", "K1302"] if i % 4 == 0 else [],
            )
        )
    EventFactory(status=Event.Status.DRAFT)
    EventFactory(start=in_days(-3))
    EventFactory(start=in_days(4), status=Event.Status.CANCELLED)
    return events


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "query",
    ["", "?region=84", "?type=forum&modalite=hybride", "?passes=1", "?departement=31&places=1"],
)
def test_each_export_has_exactly_the_rows_of_the_same_listing_in_its_order(
    client, selection, fmt, query
):
    expected = event_listing_ids(client, query)
    assert expected, "the listing should not be empty"
    _, content = export(client, fmt, query)
    assert ids_of(fmt, content) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_filters_exports_are_the_published_upcoming_events(client, fmt):
    shown = EventFactory()
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    EventFactory(status=Event.Status.DRAFT)
    EventFactory(start=in_days(-10))
    _, content = export(client, fmt)
    assert sorted(ids_of(fmt, content)) == sorted([shown.pk, cancelled.pk])


def test_rows_stream_from_one_server_side_cursor_in_chunks_without_per_row_queries(
    client, monkeypatch
):
    monkeypatch.setattr(rows, "CHUNK_SIZE", 3)
    events = [EventFactory(start=in_days(i + 1), trades=["J1501"]) for i in range(12)]
    with CaptureQueriesContext(connection) as queries:
        _, content = export(client, "csv")
    assert ids_of("csv", content) == [e.pk for e in events]
    assert all(
        row["Métiers"] == "Aide-soignant / Aide-soignante (J1501)" for row in csv_rows(content)
    )
    sql = [q["sql"] for q in queries.captured_queries]
    cursors = [s for s in sql if s.startswith("DECLARE")]
    assert len(cursors) == 1
    # Declared inside a transaction: streamed, not materialised first as WITH HOLD would be.
    assert "WITH HOLD" not in cursors[0]
    # Trades, departments, regions once; organisers at most once per chunk of 3 rows.
    selects = [s for s in sql if s.startswith("SELECT")]
    assert len(selects) <= 3 + len(events) // 3


@pytest.mark.parametrize("fmt", ["csv", "ics", "json"])
def test_text_exports_are_streamed(client, fmt):
    EventFactory()
    response = client.get(f"/evenements/export.{fmt}")
    assert response.streaming
    assert "attachment" in response["Content-Disposition"] or fmt == "ics"


# -- CSV ---------------------------------------------------------------------------------


def test_csv_opens_in_french_spreadsheets_with_local_dates_and_iso_columns(client):
    start = datetime.datetime(2031, 4, 23, 9, 30, tzinfo=REUNION)
    EventFactory(
        title="Journée découverte : métiers de l'aide à domicile",
        department=Department.objects.get(code="974"),
        city="Saint-Denis",
        postcode="97400",
        start=start,
        end=start + datetime.timedelta(hours=2),
        trades=["J1501"],
    )
    response, content = export(client, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.splitlines()[0].decode("utf-8-sig").startswith("Identifiant;Titre;Type;Format;")
    [row] = csv_rows(content)
    assert row["Titre"] == "Journée découverte : métiers de l'aide à domicile"
    assert row["Début"] == "23/04/2031 09:30"
    assert row["Fin"] == "23/04/2031 11:30"
    assert row["Fuseau horaire"] == "Indian/Reunion"
    assert row["Début (ISO 8601)"] == "2031-04-23T09:30:00+04:00"
    assert row["Région"] == "La Réunion"
    assert row["Département"] == "974 – La Réunion"
    assert row["Statut"] == "Publié"


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(client):
    EventFactory(
        title='=HYPERLINK("http://evil.example","Cliquez")',
        city="+cmd|' /C calc'!A0",
        venue_name="@SUM(1+1)",
        address="-2+3 rue du Piège",
        description="\tcaché",
        organiser=OrganiserFactory(name="\r=1+1"),
    )
    [row] = csv_rows(export(client, "csv")[1])
    assert row["Titre"] == '\'=HYPERLINK("http://evil.example","Cliquez")'
    assert row["Ville"] == "'+cmd|' /C calc'!A0"
    assert row["Lieu"] == "'@SUM(1+1)"
    assert row["Adresse"] == "'-2+3 rue du Piège"
    assert row["Description"] == "'\tcaché"
    assert row["Organisateur"] == "'\r=1+1"
    # Numbers stay numbers.
    assert row["Places"] == "20"


def test_csv_of_a_hybrid_event_gives_both_seat_counts(client):
    EventFactory(
        modalite=Event.Modalite.HYBRIDE,
        capacity_onsite=10,
        capacity_online=None,
        registration_required=False,
    )
    event = Event.objects.get()
    Event.objects.filter(pk=event.pk).update(confirmed_onsite=4)
    [row] = csv_rows(export(client, "csv")[1])
    assert row["Format"] == "Sur place et en ligne"
    assert row["Places restantes sur place"] == "6"
    assert row["Places restantes en ligne"] == "illimité"
    assert row["Lien de connexion"] == "https://visio.example/salle"


# -- XLSX --------------------------------------------------------------------------------


def test_xlsx_is_a_real_workbook_with_typed_dates_frozen_header_and_widths(client):
    start = datetime.datetime(2031, 4, 23, 9, 30, tzinfo=REUNION)
    event = EventFactory(
        title="Forum des métiers — Saint-Denis",
        department=Department.objects.get(code="974"),
        start=start,
        end=start + datetime.timedelta(hours=2),
    )
    response, content = export(client, "xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == writers.HEADERS
    assert sheet[1][0].font.bold
    assert sheet.column_dimensions["B"].width == 45
    row = sheet[2]
    assert row[0].value == event.pk
    assert row[1].value == "Forum des métiers — Saint-Denis"
    start_cell = row[header.index("Début")]
    assert start_cell.is_date
    assert start_cell.value == datetime.datetime(2031, 4, 23, 9, 30)  # local wall-clock time
    assert start_cell.number_format == writers.XLSX_DATE_FORMAT
    assert row[header.index("Fuseau horaire")].value == "Indian/Reunion"


def test_xlsx_keeps_formula_like_text_as_text_and_drops_control_characters(client):
    EventFactory(title="=1+1", description="ligne\x01cachée\x0b")
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx")[1])).active
    header = [c.value for c in sheet[1]]
    title = sheet[2][1]
    assert title.data_type == "s"
    assert title.value == "=1+1"
    assert sheet[2][header.index("Description")].value == "lignecachée"


# -- iCalendar ---------------------------------------------------------------------------


def test_ics_feed_has_stable_uids_time_zones_and_cancelled_status(client):
    start = datetime.datetime(2031, 4, 23, 9, 30, tzinfo=REUNION)
    reunion = EventFactory(
        department=Department.objects.get(code="974"),
        city="Saint-Denis",
        postcode="97400",
        start=start,
        end=start + datetime.timedelta(hours=2),
    )
    online = EventFactory(
        modalite=Event.Modalite.DISTANCIEL,
        department=None,
        address="",
        online_url="https://visio.example/atelier",
        registration_required=False,
    )
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    response, content = export(client, "ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(content)
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {
        "Indian/Reunion",
        "Europe/Paris",
    }
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(by_uid) == {ical.event_uid(e) for e in (reunion, online, cancelled)}

    vevent = by_uid[ical.event_uid(reunion)]
    assert vevent["DTSTART"].params["TZID"] == "Indian/Reunion"
    assert vevent.decoded("DTSTART") == start
    assert vevent.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=4)
    assert str(vevent["URL"]).endswith(reunion.get_absolute_url())
    assert "Saint-Denis" in str(vevent["LOCATION"])
    assert str(vevent["STATUS"]) == "CONFIRMED"

    assert str(by_uid[ical.event_uid(online)]["LOCATION"]) == "https://visio.example/atelier"
    assert str(by_uid[ical.event_uid(cancelled)]["STATUS"]) == "CANCELLED"

    # Same UIDs on the next poll: calendar apps update events instead of duplicating them.
    assert ids_of("ics", export(client, "ics")[1]) == ids_of("ics", content)


def test_ics_feed_of_a_region_is_named_after_it(client):
    EventFactory(department=Department.objects.get(code="31"))
    content = export(client, "ics", "?region=76")[1]
    calendar = icalendar.Calendar.from_ical(content)
    assert str(calendar["X-WR-CALNAME"]) == "Semaine des métiers du soin – Occitanie"
    content = export(client, "ics", "?departement=31")[1]
    assert "Haute-Garonne" in str(icalendar.Calendar.from_ical(content)["X-WR-CALNAME"])


def test_an_empty_ics_feed_is_still_a_valid_calendar(client):
    calendar = icalendar.Calendar.from_ical(export(client, "ics")[1])
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"


# -- JSON --------------------------------------------------------------------------------


def test_json_export_is_the_api_representation_of_every_row(client):
    events = [EventFactory(start=in_days(i + 1), trades=["J1501"]) for i in range(25)]
    items = json.loads(export(client, "json")[1])
    assert [item["id"] for item in items] == [e.pk for e in events]
    api_item = client.get(f"/api/v1/evenements/{events[0].pk}/").json()
    assert items[0] == api_item


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ics"])
@pytest.mark.parametrize(
    "query", ["?region=ZZ", "?du=2031-13-45", "?du=2031-05-01&au=2031-04-01", "?type=concert"]
)
def test_invalid_filters_give_a_french_400_not_a_wider_export(client, fmt, query):
    EventFactory()
    response = client.get(f"/evenements/export.{fmt}{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("Export impossible : ces filtres sont invalides.")


def test_invalid_filters_on_the_json_export_give_a_json_error(client):
    response = client.get("/evenements/export.json?region=ZZ")
    assert response.status_code == 400
    assert list(response.json()) == ["region"]


@pytest.mark.parametrize("path", ["export.pdf", "export.CSV", "export.", "export.csv.exe"])
def test_unknown_formats_are_not_found(client, path):
    assert client.get(f"/evenements/{path}").status_code == 404


@pytest.mark.parametrize(
    "q", ["' OR 1=1 --", "<script>alert(1)</script>", '"aide', "a" * 200, "-", "&|!()"]
)
def test_injection_strings_in_keywords_never_break_an_export(client, q):
    EventFactory()
    for fmt in FORMATS:
        response = client.get(f"/evenements/export.{fmt}", {"q": q})
        assert response.status_code == 200
        content_of(response)


# -- links from the listing --------------------------------------------------------------


def test_listing_links_to_exports_of_its_own_selection(client):
    EventFactory()
    html = client.get("/evenements/?region=84&type=forum&type=atelier&page=2").content.decode()
    assert "Exporter cette sélection" in html
    query = "region=84&amp;type=forum&amp;type=atelier"
    for fmt in FORMATS:
        assert f'href="/evenements/export.{fmt}?{query}"' in html
    # A calendar keeps the subscription for months: on the site's address (SITE_URL), not the
    # host the page was asked through (the page is cached for every host).
    assert f'href="webcal://127.0.0.1:8000/evenements/export.ics?{query}"' in html


def test_listing_export_links_leave_out_the_values_the_page_ignored(client):
    EventFactory()
    html = client.get("/evenements/?region=ZZ&departement=69").content.decode()
    assert 'href="/evenements/export.csv?departement=69"' in html


def test_region_page_links_feeds_of_the_region_and_of_each_department(client):
    EventFactory(department=Department.objects.get(code="31"))
    html = client.get("/evenements/region/76/").content.decode()
    assert 'href="webcal://127.0.0.1:8000/evenements/export.ics?region=76"' in html
    for code in ("09", "31", "34", "66"):
        assert f'href="webcal://127.0.0.1:8000/evenements/export.ics?departement={code}"' in html
        assert f'href="/evenements/export.ics?departement={code}"' in html
