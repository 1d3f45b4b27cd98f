"""On paper: the event page and the programme print on A4 without navigation nor filters,
with the addresses of their links and a QR code to the page."""

import pytest


def after_content(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el, '::after').content")


@pytest.fixture
def printed(page):
    page.emulate_media(media="print")
    return page


def test_the_event_page_prints_its_address_and_a_qr_code_without_the_site_chrome(printed, site):
    event = site.first_event
    printed.goto(event.get_absolute_url())

    for hidden in (".site-header nav", ".site-footer", ".breadcrumb", ".event-side .button"):
        assert printed.locator(hidden).first.is_hidden(), hidden
    qr = printed.get_by_role("img", name="Code QR de la page de l'événement")
    assert qr.is_visible()
    assert printed.locator(".print-link").inner_text().endswith(event.get_absolute_url())
    osm = printed.get_by_role("link", name="Voir le lieu sur OpenStreetMap")
    assert "openstreetmap.org" in after_content(osm)
    pdf = printed.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_the_programme_prints_each_event_address_and_a_qr_code(printed, site):
    printed.goto("/evenements/programme/?region=84&type=job_dating")

    assert printed.locator(".programme-actions").is_hidden()
    assert printed.get_by_role("img", name="Code QR du programme en ligne").is_visible()
    first = printed.locator(".programme-title a").first
    assert first.inner_text() == "Job dating aide-soignant à Lyon n°1"
    assert "/evenements/" in after_content(first) and "http" in after_content(first)


def test_on_screen_the_print_block_is_hidden(page, site):
    page.goto(site.first_event.get_absolute_url())
    assert page.locator(".print-link").is_hidden()
