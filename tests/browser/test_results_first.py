"""On a phone (375 × 667), a listing shows its results first: the search boxes, a « Filtres »
button, the count and the first result within the first screen; the other filters unfold on
demand, with and without JavaScript. Active filters are chips that remove themselves."""

import re

import pytest

from tests.browser.conftest import FIGURES, SCREENSHOTS

PHONE = {"width": 375, "height": 667}


def phone(new_context, *, javascript=True):
    return new_context(viewport=PHONE, is_mobile=True, java_script_enabled=javascript).new_page()


def visible_text(locator) -> list[str]:
    """Each element's text as seen on screen: without its visually hidden parts."""
    return locator.evaluate_all(
        """els => els.map(el => {
            const copy = el.cloneNode(true);
            copy.querySelectorAll('.visually-hidden').forEach(hidden => hidden.remove());
            return copy.textContent.replace(/\\s+/g, ' ').trim();
        })"""
    )


def top(locator) -> float:
    """The element's top in the page (not the viewport), the page scrolled to its start."""
    return locator.evaluate("el => el.getBoundingClientRect().top + window.scrollY")


@pytest.mark.parametrize("path", ["/evenements/", "/offres/"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_first_result_starts_within_the_first_phone_screen(new_context, site, path, javascript):
    page = phone(new_context, javascript=javascript)
    page.goto(path)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = f"{path.strip('/')}-375x667-{'js' if javascript else 'no-js'}.png"
    page.screenshot(path=str(SCREENSHOTS / name))

    card_top = top(page.locator(".cards .card").first)
    FIGURES.append(
        f"results first, {path} at 375 × 667, {javascript=}: first card at {card_top:.0f} px"
    )
    assert card_top < PHONE["height"], f"first card at {card_top} px"
    for visible in ("#id_q", "#id_lieu", ".filters-toggle", "#resultats"):
        assert page.locator(visible).is_visible(), visible
        assert top(page.locator(visible)) < PHONE["height"], visible
    assert page.locator("#id_region").is_hidden()


def test_the_filters_open_and_close_with_javascript(new_context, site):
    page = phone(new_context)
    page.goto("/evenements/?type=job_dating&places=1")
    toggle = page.get_by_role("button", name=re.compile(r"^Filtres"))
    assert visible_text(toggle) == ["Filtres (2)"]
    assert toggle.get_attribute("aria-expanded") == "false"
    region = page.get_by_label("Région")
    assert region.is_hidden()

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    region.select_option("84")
    page.get_by_role("button", name="Afficher les événements").click()

    page.wait_for_url(re.compile(r"region=84"))
    toggle = page.get_by_role("button", name=re.compile(r"^Filtres"))
    assert visible_text(toggle) == ["Filtres (3)"]
    assert page.get_by_label("Région").is_hidden(), "the panel folds again over the results"

    toggle.click()
    page.get_by_role("button", name="Fermer les filtres").click()
    assert page.get_by_label("Région").is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.evaluate("el => el === document.activeElement")


def test_the_filters_open_and_close_without_javascript(new_context, site):
    page = phone(new_context, javascript=False)
    page.goto("/offres/")
    contract = page.get_by_role("checkbox", name=re.compile("^CDI"))
    assert contract.is_hidden()

    page.get_by_role("link", name="Filtres").click()
    assert page.url.endswith("#filtres")
    contract.check()
    page.get_by_role("button", name="Afficher les offres").click()

    page.wait_for_url(re.compile(r"contrat=CDI"))
    assert visible_text(page.get_by_role("link", name=re.compile(r"^Filtres"))) == ["Filtres (1)"]
    assert page.get_by_role("checkbox", name=re.compile("^CDI")).is_hidden()

    page.get_by_role("link", name=re.compile(r"^Filtres")).click()
    assert page.get_by_role("checkbox", name=re.compile("^CDI")).is_visible()
    page.get_by_role("link", name="Fermer les filtres").click()
    assert page.get_by_role("checkbox", name=re.compile("^CDI")).is_hidden()


def test_on_a_wide_screen_the_filters_stay_beside_the_results(page, site):
    page.goto("/evenements/")
    assert page.get_by_label("Région").is_visible()
    assert page.locator(".filters-toggle").is_hidden()
    form = page.locator("form.filters").bounding_box()
    results = page.locator("section.results").bounding_box()
    assert form["x"] + form["width"] <= results["x"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_chips_show_the_active_filters_and_each_removes_its_own(new_context, site, javascript):
    page = phone(new_context, javascript=javascript)
    page.goto("/evenements/?region=84&type=job_dating&type=forum&lieu=Lyon&rayon=30&q=aide")
    chips = page.locator(".chips a")
    assert visible_text(chips) == [
        "« aide » ✕",
        "Auvergne-Rhône-Alpes ✕",
        "Autour de Lyon (69), 30 km ✕",
        "Job dating ✕",
        "Forum ✕",
        "Tout effacer",
    ]

    page.get_by_role("link", name="Job dating (retirer ce filtre)").click()
    page.wait_for_url(lambda url: "job_dating" not in url)
    assert "type=forum" in page.url and "region=84" in page.url

    page.get_by_role("link", name=re.compile(r"^Autour de Lyon")).click()
    page.wait_for_url(lambda url: "lieu=" not in url)
    assert "rayon=" not in page.url

    page.get_by_role("link", name="Tout effacer").click()
    page.wait_for_url(re.compile(r"/evenements/$"))
    assert page.locator(".chips").count() == 0
    assert page.locator("#resultats").inner_text() == "37 événements"


def test_offers_chips_remove_their_filter(new_context, site):
    page = phone(new_context)
    page.goto("/offres/?contrat=CDI&alternance=1")
    assert visible_text(page.locator(".chips a")) == ["CDI ✕", "En alternance ✕", "Tout effacer"]

    page.get_by_role("link", name="En alternance (retirer ce filtre)").click()
    page.wait_for_url(lambda url: "alternance" not in url)
    assert page.url.endswith("?contrat=CDI")
