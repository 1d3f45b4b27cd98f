"""The visitors' journeys, each walked through in Chromium as a person would."""

import csv
import datetime
import io
import re

import icalendar
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.browser.pages import fill_registration


def test_a_visitor_finds_the_events_of_a_region_from_the_home_map(page, site):
    page.goto("/")
    page.locator("svg.map a[aria-label*='Auvergne-Rhône-Alpes']").click()

    page.wait_for_url("**/evenements/region/84/")
    assert page.locator("h1").inner_text() == "Événements en Auvergne-Rhône-Alpes"
    expected = Event.objects.public().upcoming().in_region("84").count()
    assert page.locator("#resultats").inner_text() == f"{expected} événements"
    places = page.locator(".cards .card-where").all_inner_texts()
    assert places and all("Lyon (69)" in place for place in places)

    page.locator(".cards .card-title a").first.click()
    assert page.locator("nav.breadcrumb").get_by_role("link", name="Auvergne-Rhône-Alpes").count()


def test_a_visitor_filters_by_type_format_dates_and_words_then_paginates(page, site):
    today = timezone.localdate()
    page.goto("/evenements/")
    page.get_by_role("combobox", name="Mots-clés").fill("aide-soignant")
    page.get_by_role("checkbox", name=re.compile("^Job dating")).check()
    page.get_by_role("checkbox", name=re.compile("^Sur place \\(")).check()
    page.get_by_label("À partir du").fill(today.isoformat())
    page.get_by_label("Jusqu'au").fill((today + datetime.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Afficher les événements").click()

    assert page.locator("#resultats").inner_text() == "25 événements"
    titles = page.locator(".cards .card-title").all_inner_texts()
    assert len(titles) == 20
    assert all(title.startswith("Job dating aide-soignant") for title in titles)

    page.get_by_role("link", name="Page suivante").click()
    assert "page=2" in page.url
    assert page.locator(".cards .card").count() == 5
    # The filters travel with the pagination: the form still shows them.
    assert page.get_by_role("combobox", name="Mots-clés").input_value() == "aide-soignant"
    assert page.get_by_role("checkbox", name=re.compile("^Job dating")).is_checked()
    assert page.locator("[aria-current='page']", has_text="2").count() == 1


def test_a_visitor_opens_an_event_and_adds_it_to_a_calendar(page, site):
    event = site.first_event
    page.goto("/evenements/")
    page.get_by_role("link", name=event.title, exact=True).click()
    assert page.locator("h1").inner_text() == event.title
    assert page.title().startswith(event.title)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Ajouter à mon agenda")).click()
    download = download_info.value

    assert download.suggested_filename == f"evenement-{event.pk}.ics"
    calendar = icalendar.Calendar.from_ical(download.path().read_bytes())
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent.decoded("DTSTART") == event.start


def test_a_visitor_registers_for_an_event_and_sees_the_confirmation(page, site):
    event = site.first_event
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name=re.compile("^S'inscrire")).click()
    assert page.locator("h1").inner_text() == "S'inscrire"

    # First without the consent: the error is announced, linked and focusable.
    fill_registration(page)
    page.get_by_label("J'accepte d'être contacté").uncheck()
    page.get_by_role("button", name="M'inscrire").click()
    summary = page.locator(".error-summary")
    assert "Cochez cette case" in summary.inner_text()
    consent = page.get_by_label("J'accepte d'être contacté")
    assert consent.get_attribute("aria-invalid") == "true"
    described = consent.get_attribute("aria-describedby")
    assert "Cochez cette case" in page.locator(f"#{described}").inner_text()
    assert page.get_by_label("Prénom").input_value() == "Camille"  # nothing typed is lost

    consent.check()
    page.get_by_role("button", name="M'inscrire").click()

    assert page.locator("h1").inner_text() == "Vérifiez votre boîte mail"
    # The seat is held while the address waits for its confirmation.
    event.refresh_from_db()
    assert event.confirmed_onsite == 1
    registration = event.registrations.get()
    page.goto(reverse("registration_confirm", args=[registration.confirm_token()]))
    page.get_by_role("button", name="Confirmer mon inscription").click()
    assert page.locator("h1").inner_text() == "Votre inscription est confirmée"
    event.refresh_from_db()
    assert event.confirmed_onsite == 1


def test_a_visitor_browses_offers_by_trade_and_region_and_reaches_a_related_event(page, site):
    page.goto("/offres/")
    page.get_by_label("Métier").select_option("J1501")
    page.get_by_label("Région").select_option("84")
    page.get_by_role("button", name=re.compile("^Afficher")).click()

    page.wait_for_url(re.compile(r"region=84"))
    titles = page.locator(".cards .card-title").all_inner_texts()
    assert titles == ["Aide-soignant de nuit (H/F)"]
    page.get_by_role("link", name="Aide-soignant de nuit (H/F)").click()
    assert page.locator("h1").inner_text() == "Aide-soignant de nuit (H/F)"

    # Events of the same trade nearby: job datings for care assistants in Lyon.
    page.locator(".cards .card-title a").first.click()
    assert page.locator("h1").inner_text().startswith("Job dating aide-soignant à Lyon")


def test_a_partner_exports_the_current_selection_as_csv(page, site):
    page.goto("/evenements/?type=job_dating&region=84")
    assert page.locator("#resultats").inner_text() == "25 événements"
    page.get_by_text("Exporter cette sélection").click()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tableau CSV").click()

    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 1 + 25
    assert all("Job dating" in ";".join(row) for row in rows[1:])


def test_an_agency_user_logs_into_the_admin_and_creates_an_event(page, site, settings):
    from events import demo

    # The README's demo accounts; they are refused when DEBUG is off, as in tests.
    settings.DEBUG = True
    demo.seed_accounts()
    settings.DEBUG = False

    page.goto("/admin/")
    page.get_by_label("Nom d’utilisateur").fill("agence-lyon")
    page.get_by_label("Mot de passe").fill("semaine-demo")
    page.get_by_role("button", name="Connexion").click()
    page.goto("/admin/events/event/add/")
    # The admin's labels end with " :", hence the field ids.

    page.locator("#id_title").fill("Job dating des EHPAD lyonnais")
    page.locator("#id_type").select_option("job_dating")
    start = timezone.localtime() + datetime.timedelta(days=12)
    page.locator("#id_start_0").fill(start.strftime("%d/%m/%Y"))
    page.locator("#id_start_1").fill("09:30")
    page.locator("#id_end_0").fill(start.strftime("%d/%m/%Y"))
    page.locator("#id_end_1").fill("12:00")
    page.locator("#id_venue_name").fill("Agence France Travail Lyon Part-Dieu")
    page.locator("#id_address").fill("12 rue de la Villette")
    page.locator("#id_postcode").fill("69003")
    page.locator("#id_city").fill("Lyon")
    # The department is an autocomplete (select2): type, then pick the suggestion.
    page.locator("#id_department").locator("xpath=..").locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Rhône")
    page.locator(".select2-results__option", has_text=re.compile(r"^(69\W+)?Rhône")).click()
    page.locator("input[name=_save]").click()

    page.wait_for_url("**/admin/events/event/")
    assert "ajouté" in page.locator(".messagelist").inner_text()
    assert page.get_by_role("link", name="Job dating des EHPAD lyonnais").count() >= 1
    event = Event.objects.get(title="Job dating des EHPAD lyonnais")
    assert event.organiser.name == "France Travail Lyon"
    assert event.department_id == "69"
