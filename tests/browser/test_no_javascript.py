"""With JavaScript disabled, the visitor still filters, paginates and adds to a calendar."""

import re

import pytest
from django.urls import reverse

from tests.browser.pages import fill_registration


@pytest.fixture
def page(new_context):
    return new_context(java_script_enabled=False).new_page()


def test_filtering_and_pagination_work_without_javascript(page, site):
    page.goto("/evenements/")
    page.get_by_label("Mots-clés").fill("aide-soignant")
    page.get_by_role("checkbox", name=re.compile("^Job dating")).check()
    page.get_by_label("Région").select_option("84")
    page.get_by_role("button", name="Afficher les événements").click()

    page.wait_for_url(re.compile(r"region=84"))
    assert page.locator("#resultats").inner_text() == "25 événements"
    page.get_by_role("link", name="Page suivante").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".cards .card").count() == 5
    page.get_by_role("link", name="Page précédente").click()
    assert page.locator(".cards .card").count() == 20


def test_the_home_search_and_map_work_without_javascript(page, site):
    page.goto("/")
    page.get_by_label(re.compile("^Rechercher un événement")).fill("infirmier")
    page.get_by_role("button", name="Rechercher").click()
    assert page.locator("#resultats").inner_text() == "4 événements"

    page.goto("/")
    page.locator("svg.map a[aria-label*='Bretagne']").click()
    page.wait_for_url("**/evenements/region/53/")
    assert page.locator("h1").inner_text() == "Événements en Bretagne"


def test_the_calendar_file_downloads_without_javascript(page, site):
    page.goto(site.first_event.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Ajouter à mon agenda")).click()
    assert download_info.value.suggested_filename.endswith(".ics")


def test_registration_works_without_javascript(page, site):
    event = site.first_event
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name=re.compile("^S'inscrire")).click()
    page.get_by_role("button", name="M'inscrire").click()
    assert "Le formulaire contient des erreurs" in page.locator(".error-summary").inner_text()

    fill_registration(page)
    page.get_by_role("button", name="M'inscrire").click()
    assert page.locator("h1").inner_text() == "Vérifiez votre boîte mail"

    # The link of the e-mail, then its button: a form, no script needed.
    registration = event.registrations.get()
    page.goto(reverse("registration_confirm", args=[registration.confirm_token()]))
    page.get_by_role("button", name="Confirmer mon inscription").click()
    assert page.locator("h1").inner_text() == "Votre inscription est confirmée"


def test_the_csv_export_of_a_selection_works_without_javascript(page, site):
    page.goto("/evenements/?modalite=distanciel")
    page.get_by_text("Exporter cette sélection").click()  # <details> opens without script
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tableau CSV").click()
    text = download_info.value.path().read_bytes().decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 1 + len(site.online_fairs)
