"""The attendance sheet: PDF and XLSX, registrants in alphabetical order, only one's own events."""

import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from events.models import Event, RegistrantAccess, Registration
from tests.factories import EventFactory, RegistrationFactory, content_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon_event(lyon):
    event = EventFactory(
        organiser=lyon, title="Job dating EHPAD à Lyon", venue_name="Agence Part-Dieu"
    )
    for first, last in [("Zoé", "Martin"), ("Élise", "Éluard"), ("Paul", "Bernard")]:
        RegistrationFactory(event=event, first_name=first, last_name=last)
    RegistrationFactory(
        event=event, first_name="Wendy", last_name="Attente", status=Registration.Status.WAITLISTED
    )
    RegistrationFactory(
        event=event, first_name="Carl", last_name="Annulé", status=Registration.Status.CANCELLED
    )
    return event


@pytest.fixture
def marseille_event(marseille):
    event = EventFactory(organiser=marseille, title="Forum santé à Marseille")
    RegistrationFactory(event=event, first_name="Quixotelle", last_name="Zbrodowskaia")
    return event


def pdf_pages(response) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content_of(response))).pages]


def test_the_pdf_lists_the_registrants_in_order_and_the_waitlist_on_its_own_page(
    agency_client, lyon_event
):
    response = agency_client.get(f"/admin/events/event/{lyon_event.pk}/emargement.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    first, waitlist = pdf_pages(response)
    assert "Job dating EHPAD à Lyon" in first and "France Travail Lyon" in first
    assert "Agence Part-Dieu" in first and lyon_event.local_start.strftime("%d/%m/%Y") in first
    assert first.index("BERNARD") < first.index("ÉLUARD") < first.index("MARTIN")
    assert "Wendy" not in first and "Carl" not in first
    assert "Page 1 sur 2" in first
    assert "Liste d'attente" in waitlist and "ATTENTE" in waitlist
    assert "Page 2 sur 2" in waitlist
    assert RegistrantAccess.objects.filter(
        action=RegistrantAccess.Action.SHEET, event=lyon_event
    ).exists()


def test_the_xlsx_lists_the_same_registrants_in_the_same_order(agency_client, lyon_event):
    response = agency_client.get(f"/admin/events/event/{lyon_event.pk}/emargement.xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(content_of(response)))
    assert workbook.sheetnames == [f"{lyon_event.pk} émargement", f"{lyon_event.pk} attente"]
    rows = list(workbook.worksheets[0].values)
    assert rows[0][0] == "Job dating EHPAD à Lyon"
    names = [row[1] for row in rows if row and isinstance(row[0], int)]
    assert names == ["BERNARD", "ÉLUARD", "MARTIN"]
    assert [row[1] for row in workbook.worksheets[1].values if row and isinstance(row[0], int)] == [
        "ATTENTE"
    ]


def test_a_name_that_looks_like_a_formula_stays_text_in_the_xlsx(agency_client, lyon_event):
    RegistrationFactory(event=lyon_event, first_name="=HYPERLINK(1)", last_name="Zed")

    response = agency_client.get(f"/admin/events/event/{lyon_event.pk}/emargement.xlsx")

    values = [
        cell
        for row in openpyxl.load_workbook(io.BytesIO(content_of(response))).worksheets[0].values
        for cell in row
    ]
    assert "'=HYPERLINK(1)" in values


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_another_agencys_sheet_is_refused(agency_client, marseille_event, fmt):
    response = agency_client.get(f"/admin/events/event/{marseille_event.pk}/emargement.{fmt}")

    assert response.status_code == 404


def test_the_action_prints_only_the_agencys_own_events(agency_client, lyon_event, marseille_event):
    second = EventFactory(organiser=lyon_event.organiser, title="Atelier CV à Lyon")
    RegistrationFactory(event=second, first_name="Anna", last_name="Petit")

    response = agency_client.post(
        reverse("admin:events_event_changelist"),
        {
            "action": "attendance_sheets_pdf",
            "_selected_action": [lyon_event.pk, second.pk, marseille_event.pk],
        },
    )

    text = "\n".join(pdf_pages(response))
    assert "Job dating EHPAD à Lyon" in text and "PETIT" in text
    assert "Marseille" not in text and "ZBRODOWSKAIA" not in text


def test_the_xlsx_action_has_one_sheet_per_own_event(agency_client, lyon_event, marseille_event):
    response = agency_client.post(
        reverse("admin:events_event_changelist"),
        {
            "action": "attendance_sheets_xlsx",
            "_selected_action": [lyon_event.pk, marseille_event.pk],
        },
    )

    workbook = openpyxl.load_workbook(io.BytesIO(content_of(response)))
    assert all(name.startswith(str(lyon_event.pk)) for name in workbook.sheetnames)


def test_the_registrants_export_has_the_attendance_column(agency_client, lyon_event):
    Registration.objects.filter(event=lyon_event, last_name="Bernard").update(
        attendance=Registration.Attendance.PRESENT
    )

    response = agency_client.get(reverse("admin:events_event_registrants", args=[lyon_event.pk]))

    lines = content_of(response).decode("utf-8-sig").splitlines()
    assert lines[0].endswith(";présence")
    bernard = next(line for line in lines if "Bernard" in line)
    assert bernard.endswith(";Présent·e")
    martin = next(line for line in lines if "Martin" in line)
    assert martin.endswith(";Non relevée")


def test_the_mark_absent_action_completes_finished_events_only(agency_client, lyon):
    import datetime

    from django.utils import timezone

    start = timezone.now() - datetime.timedelta(days=1)
    finished = EventFactory(organiser=lyon, start=start, end=start + datetime.timedelta(hours=2))
    missed = RegistrationFactory(event=finished)
    coming = RegistrationFactory(event=EventFactory(organiser=lyon))

    response = agency_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "mark_absent", "_selected_action": [finished.pk, coming.event_id]},
        follow=True,
    )

    assert "1 inscrit·e(s) marqué·e(s) absent·e(s)" in content_of(response).decode()
    assert Registration.objects.get(pk=missed.pk).attendance == Registration.Attendance.ABSENT
    assert Registration.objects.get(pk=coming.pk).attendance == ""
    assert Event.objects.count() == 2
