"""Accessibility in Chromium: axe-core on every public page type, and the keyboard."""

import re

import pytest

from tests.browser.conftest import FIGURES, axe_violations
from tests.browser.pages import PAGE_TYPES, visit


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_the_page_has_no_wcag_21_violation_and_says_where_the_visitor_is(
    page, site, live_server, page_type
):
    visited = visit(page, site, page_type)
    if visited is None:
        pytest.skip(f"the {page_type} page does not exist yet in this checkout")
    url = visited[0].removeprefix(live_server.url)

    count, report = axe_violations(page)

    FIGURES.append(f"axe-core, {page_type} ({url}): {count} violations")
    assert count == 0, report
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    if page_type != "home":
        # The layout's default title would not tell one page from another.
        assert page.title() != "Semaine des métiers du soin et de l'accompagnement"


def focus_style(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
                text: (el.innerText || el.value || '').trim().slice(0, 40),
                outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
            };
        }"""
    )


def tab_to(page, selector: str, max_steps: int = 120) -> None:
    """Presses Tab until `selector` has the focus, checking that every stop shows the focus."""
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        style = focus_style(page)
        assert style["outline"] != "none" and style["width"] >= 2, f"focus invisible on {style}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received the focus with Tab")


def test_the_skip_link_comes_first_and_takes_the_keyboard_to_the_content(page, site):
    page.goto("/evenements/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link must be on screen"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    # The next Tab continues inside the content, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_the_filter_form_can_be_completed_with_the_keyboard_alone(page, site):
    page.goto("/evenements/")
    tab_to(page, "#id_q")
    page.keyboard.type("aide-soignant")
    tab_to(page, "#type-job_dating")
    page.keyboard.press("Space")
    tab_to(page, "#modalite-presentiel")
    page.keyboard.press("Space")
    tab_to(page, "#id_places")
    page.keyboard.press("Space")
    tab_to(page, ".filters button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"type=job_dating"))
    assert "modalite=presentiel" in page.url and "places=1" in page.url
    assert page.locator("#resultats").inner_text() == "25 événements"
    # Then on to the results and the next page, still by keyboard.
    tab_to(page, "a[rel=next]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".cards .card").count() == 5


def test_the_home_map_and_search_can_be_used_with_the_keyboard(page, site):
    page.goto("/")
    tab_to(page, "#home-q")
    page.keyboard.type("infirmier")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=infirmier"))
    assert page.locator("#resultats").inner_text() == "4 événements"

    page.goto("/")
    tab_to(page, "svg.map a[aria-label*='Bretagne']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/evenements/region/53/")


def test_the_registration_form_can_be_completed_with_the_keyboard_alone(page, site):
    page.goto(site.first_event.get_absolute_url())
    tab_to(page, "a.button[href$='/inscription/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inscription/")
    tab_to(page, "#id_first_name")
    page.keyboard.type("Camille")
    tab_to(page, "#id_last_name")
    page.keyboard.type("Martin")
    tab_to(page, "#id_email")
    page.keyboard.type("camille.clavier@example.org")
    tab_to(page, "#id_consent_contact")
    page.keyboard.press("Space")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**/confirmation/")
    assert page.locator("h1").inner_text() == "Vérifiez votre boîte mail"


def test_registration_errors_are_summarised_and_each_link_leads_to_its_field(page, site):
    page.goto(f"/evenements/{site.first_event.pk}/inscription/")
    page.get_by_role("button", name="M'inscrire").click()

    links = page.locator(".error-summary a")
    assert links.count() >= 3
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href").removeprefix("#")
        field = page.locator(f"#{target}")
        assert field.get_attribute("aria-invalid") == "true"
        described = (field.get_attribute("aria-describedby") or "").split()
        assert any(page.locator(f"#{d}.error").count() for d in described), target
    links.first.click()
    assert page.evaluate("document.activeElement.id") == links.first.get_attribute("href")[1:]
