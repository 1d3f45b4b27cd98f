"""On paper: the event page and the programme print on A4 without navigation nor filters,
with the addresses of their links and a QR code to the page."""


def after_content(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el, '::after').content")


def displayed(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => getComputedStyle(document.querySelector(s)).display !== 'none'", selector
    )


def test_the_event_page_prints_its_address_and_a_qr_code_without_the_site_chrome(page, site):
    event = site.first_event
    page.emulate_media(media="print")
    page.goto(event.get_absolute_url())

    for hidden in (".site-header nav", ".site-footer", ".breadcrumb", ".event-side .button"):
        assert not displayed(page, hidden), hidden
    assert displayed(page, ".print-link svg.qr-code")
    assert page.locator(".print-link").inner_text().endswith(event.get_absolute_url())
    osm = page.get_by_role("link", name="Voir le lieu sur OpenStreetMap")
    assert "openstreetmap.org" in after_content(osm)
    assert page.pdf(format="A4").startswith(b"%PDF")


def test_the_programme_prints_each_event_address_and_a_qr_code(page, site):
    page.emulate_media(media="print")
    page.goto("/evenements/programme/?region=84&type=job_dating")

    assert not displayed(page, ".programme-actions")
    assert displayed(page, ".print-link svg.qr-code")
    first = page.locator(".programme-title a").first
    assert first.inner_text() == "Job dating aide-soignant à Lyon n°1"
    assert "/evenements/" in after_content(first) and "http" in after_content(first)


def test_on_screen_the_print_block_is_hidden(page, site):
    page.goto(site.first_event.get_absolute_url())
    assert not displayed(page, ".print-link")
    assert displayed(page, ".site-header nav")
