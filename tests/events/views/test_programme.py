"""The week's programme of a selection (/evenements/programme/) and its PDF poster."""

import datetime
import io
import re
import zoneinfo

import pytest
from django.utils import timezone
from pypdf import PdfReader

from events.exports import programme as programmes
from events.models import Event
from semaine.models import Department, Edition
from tests.factories import EventFactory, edition

pytestmark = pytest.mark.django_db

PAGE = "/evenements/programme/"
PDF = "/evenements/programme.pdf"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(day: int, hour: int, minute: int = 0, tz=PARIS) -> datetime.datetime:
    """A time of the 2030 edition's week (the factories' current edition), 22 to 26 April."""
    return datetime.datetime(2030, 4, day, hour, minute, tzinfo=tz)


def page_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " ").split())


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def week():
    """Events of the week in Auvergne-Rhône-Alpes, Brittany and Guadeloupe, created out of
    order."""
    edition()
    return {
        "tuesday_forum": EventFactory(
            title="Forum des EHPAD lyonnais", type=Event.Type.FORUM, start=at(23, 14)
        ),
        "monday_afternoon": EventFactory(title="Job dating de l'après-midi", start=at(22, 14)),
        "monday_morning": EventFactory(
            title="Job dating du matin",
            start=at(22, 9, 30),
            venue_name="Agence Part-Dieu",
            capacity_onsite=30,
        ),
        "rennes_workshop": EventFactory(
            title="Atelier CV infirmier",
            type=Event.Type.ATELIER,
            city="Rennes",
            postcode="35000",
            department=Department.objects.get(code="35"),
            start=at(24, 10),
            registration_required=False,
        ),
        # 20 h in Guadeloupe on Thursday is 2 h on Friday in Paris: listed on Thursday.
        "guadeloupe_evening": EventFactory(
            title="Forum santé des Abymes",
            type=Event.Type.FORUM,
            city="Les Abymes",
            postcode="97139",
            department=Department.objects.get(code="971"),
            start=at(25, 20, tz=zoneinfo.ZoneInfo("America/Guadeloupe")),
        ),
    }


def test_the_programme_lists_the_week_day_by_day_in_time_order(client, week):
    response = client.get(PAGE)

    assert response.status_code == 200
    text = page_text(response)
    headings = re.findall(r"<h2 id=\"jour-\d+\">([^<]+)</h2>", response.content.decode())
    assert headings == ["Lundi 22 avril", "Mardi 23 avril", "Mercredi 24 avril", "Jeudi 25 avril"]
    order = [
        "Job dating du matin",
        "Job dating de l&#x27;après-midi",
        "Forum des EHPAD lyonnais",
        "Atelier CV infirmier",
        "Forum santé des Abymes",
    ]
    html = response.content.decode()
    positions = [html.index(title) for title in order]
    assert positions == sorted(positions)
    # Time, type, place and seats of each event.
    assert "9 h 30 – 11 h 30 Job dating du matin Job dating · Agence Part-Dieu, Lyon (69)" in text
    assert "Sur inscription : 30 places" in text
    assert "Atelier CV infirmier Atelier · Agence France Travail, Rennes (35) Entrée libre" in text
    assert "20 h – 22 h (heure locale) Forum santé des Abymes" in text
    assert "Tous les événements — du lundi 22 avril au vendredi 26 avril 2030" in text


def test_the_programme_takes_the_listing_filters_and_names_them_in_words(client, week):
    response = client.get(PAGE, {"region": "84", "type": ["job_dating", "forum"]})

    text = page_text(response)
    assert "Auvergne-Rhône-Alpes, job datings et forums" in text
    assert "Job dating du matin" in text and "Forum des EHPAD lyonnais" in text
    assert "Atelier CV infirmier" not in text and "Forum santé des Abymes" not in text
    assert "3 événements, par jour et par heure." in text


def test_the_description_names_every_kind_of_filter():
    filterset = programmes.EventFilter(
        {
            "departement": "35",
            "modalite": ["distanciel"],
            "q": "aide-soignant",
            "places": "1",
            "du": "2030-04-23",
        }
    )
    assert programmes.selection_description(filterset) == (
        "Ille-et-Vilaine (35), en ligne, mots-clés « aide-soignant », à partir du 23 avril 2030,"
        " avec des places"
    )


def test_a_selection_with_no_event_says_so(client, week):
    response = client.get(PAGE, {"region": "53", "type": "job_dating"})

    assert response.status_code == 200
    assert "Aucun événement ne correspond à cette sélection pour l'édition 2030." in (
        page_text(response).replace("&#x27;", "'")
    )
    assert "programme.pdf" not in response.content.decode()


def test_only_the_current_edition_is_listed_unless_passes_is_set(client, week):
    older = Edition.objects.create(
        year=2029, start_date=datetime.date(2029, 4, 23), end_date=datetime.date(2029, 4, 27)
    )
    past = EventFactory(
        title="Job dating de 2029",
        edition=older,
        start=timezone.now() - datetime.timedelta(days=30),
    )
    next_year = EventFactory(
        title="Job dating annoncé pour 2031",
        edition=Edition.objects.create(
            year=2031, start_date=datetime.date(2031, 4, 21), end_date=datetime.date(2031, 4, 25)
        ),
        start=datetime.datetime(2031, 4, 22, 10, tzinfo=PARIS),
    )

    text = page_text(client.get(PAGE))
    assert "Job dating du matin" in text
    assert next_year.title not in text and past.title not in text

    text = page_text(client.get(PAGE, {"passes": "1"}))
    assert next_year.title in text and past.title in text
    assert "toutes les éditions" in text
    # Days of other years than the edition's name their year.
    assert "Mardi 22 avril 2031" in text and "Lundi 22 avril 2030" in text


def test_a_selection_too_large_is_refused_with_the_limit_said(client, week, monkeypatch):
    monkeypatch.setattr(programmes, "MAX_EVENTS", 3)

    page = client.get(PAGE)
    assert page.status_code == 200
    text = page_text(page)
    assert "Cette sélection compte 5 événements : un programme en montre 3 au plus." in text
    assert "Job dating du matin" not in text
    assert "programme.pdf" not in page.content.decode()

    pdf = client.get(PDF)
    assert pdf.status_code == 400
    assert pdf["Content-Type"].startswith("text/html")
    assert "Cette sélection compte 5 événements" in page_text(pdf)

    assert client.get(PDF, {"region": "84"}).status_code == 200  # three events: allowed


def test_the_limit_is_said_on_the_page(client, week):
    text = page_text(client.get(PAGE))
    assert f"comptent au plus {programmes.MAX_EVENTS} événements" in text


def test_invalid_filters_are_ignored_and_reported(client, week):
    response = client.get(PAGE, {"region": "XX", "du": "2030-13-45", "type": "nope"})

    assert response.status_code == 200
    text = page_text(response)
    assert "Certains filtres sont invalides : ils sont ignorés." in text
    assert "Tous les événements" in text and "Job dating du matin" in text


def test_the_pdf_poster_has_the_days_and_titles_in_order_and_the_edition(client, week):
    response = client.get(PDF, {"region": "84"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="programme-semaine-2030.pdf"'
    text = pdf_text(response.content)
    expected = [
        "Semaine nationale des métiers du soin et de l'accompagnement 2030",
        "Auvergne-Rhône-Alpes",
        "Lundi 22 avril",
        "Job dating du matin",
        "Job dating de l'après-midi",
        "Mardi 23 avril",
        "Forum des EHPAD lyonnais",
        "Page 1 sur 1",
    ]
    positions = [text.find(part) for part in expected]
    assert -1 not in positions, (expected, text)
    assert positions == sorted(positions), text
    assert "Atelier CV infirmier" not in text
    assert "9 h 30" in text


def test_the_pdf_poster_of_many_events_numbers_its_pages(client):
    edition()
    for i in range(60):
        EventFactory(title=f"Atelier n°{i:02d}", start=at(22 + i % 5, 8 + i % 10))

    text = pdf_text(client.get(PDF).content)

    pages = re.findall(r"Page (\d+) sur (\d+)", text)
    assert len(pages) >= 2 and {total for _, total in pages} == {str(len(pages))}
    assert [int(n) for n, _ in pages] == list(range(1, len(pages) + 1))


def test_the_cached_pdf_keeps_its_file_name(client, week):
    first = client.get(PDF)
    again = client.get(PDF, {"unknown": "x"})  # same selection: served from the page cache

    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]


def test_the_listing_region_and_partners_pages_link_to_the_programme(client, week):
    listing = client.get("/evenements/", {"type": "forum", "q": ""}).content.decode()
    assert '<a class="programme-link" href="/evenements/programme/?type=forum">' in listing

    region = client.get("/evenements/region/84/").content.decode()
    assert 'href="/evenements/programme/?region=84"' in region

    partners = client.get("/partenaires/", {"region": "84"}).content.decode()
    assert "/evenements/programme/?region=84" in partners
    assert "/evenements/programme.pdf?region=84" in partners


def test_the_printed_programme_and_event_page_carry_a_qr_code_of_their_address(client, week):
    programme = client.get(PAGE, {"region": "84"}).content.decode()
    assert re.search(r'<svg role="img" viewBox="[^"]+" class="qr-code"><title>Code QR', programme)
    assert "Programme en ligne : http://" in programme

    event = week["monday_morning"]
    page = client.get(event.get_absolute_url()).content.decode()
    assert '<svg role="img"' in page and 'class="qr-code"' in page
    assert f"{event.get_absolute_url()}</p>" in page
