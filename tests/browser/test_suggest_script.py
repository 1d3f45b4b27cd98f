"""static/js/suggest.js, the shared suggestion list, on a page of its own: its contract (the
data-suggest-* attributes), the keyboard, the announced count and the stale answers."""

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest

PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>t</title>
<link rel="stylesheet" href="/static/css/site.css"></head><body>
<form action="/__suggest__/results" method="get">
  <label for="place">Lieu</label>
  <input id="place" name="lieu" type="search" data-suggest-url="/__suggest__/api?kind=commune"
         data-suggest-text="label" data-suggest-detail="postcodes"
         data-suggest-fill="insee=code" data-suggest-clear="departement" {submit}>
  <select name="departement"><option value="">Tous</option>
    <option value="69" selected>Rhône</option></select>
  <button type="submit">Chercher</button>
</form>
<script src="/static/js/suggest.js"></script></body></html>"""

CITIES = [
    {"label": "Lyon (69)", "postcodes": "69001 69002", "code": "69123"},
    {"label": "Lyons-la-Forêt (27)", "postcodes": "27480", "code": "27377"},
]


@pytest.fixture
def suggest_page(new_context):
    """A page with the script, its API answered by the browser itself; `requests` records the
    texts asked for."""
    requests = []

    def open_page(*, submit=False, delay_first=False):
        page = new_context().new_page()

        def answer_page(route):
            html = PAGE.replace("{submit}", "data-suggest-submit" if submit else "")
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        def answer_api(route):
            query = parse_qs(urlparse(route.request.url).query)
            text = query["q"][0]
            requests.append((query["kind"][0], text))
            results = [c for c in CITIES if c["label"].lower().startswith(text.lower())]
            route.fulfill(
                status=200, content_type="application/json", body=json.dumps({"results": results})
            )

        def answer_results(route):
            route.fulfill(status=200, content_type="text/html", body="<title>ok</title>")

        page.route("**/__suggest__/page", answer_page)
        page.route("**/__suggest__/api*", answer_api)
        page.route("**/__suggest__/results*", answer_results)
        page.goto("/__suggest__/page")
        return page

    open_page.requests = requests
    return open_page


def test_typing_shows_the_suggestions_as_an_accessible_listbox(suggest_page):
    page = suggest_page()
    field = page.get_by_role("combobox", name="Lieu")
    field.press_sequentially("ly")

    listbox = page.get_by_role("listbox", name="Lieu")
    listbox.wait_for()
    options = listbox.get_by_role("option")
    assert [" ".join(text.split()) for text in options.all_inner_texts()] == [
        "Lyon (69) 69001 69002",
        "Lyons-la-Forêt (27) 27480",
    ]
    assert field.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("status").inner_text() == "2 suggestions disponibles."
    assert suggest_page.requests == [("commune", "ly")]  # debounced: one request for two keys


def test_the_keyboard_picks_a_suggestion_and_fills_and_clears_the_named_fields(suggest_page):
    page = suggest_page()
    field = page.get_by_role("combobox", name="Lieu")
    field.press_sequentially("lyon")
    page.get_by_role("listbox").get_by_role("option").first.wait_for()

    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == "place-option-0"
    active = page.get_by_role("listbox").get_by_role("option", selected=True)
    assert active.inner_text().startswith("Lyon (69)")
    field.press("Enter")

    assert field.input_value() == "Lyon (69)"
    assert page.locator("input[type=hidden][name=insee]").input_value() == "69123"
    assert page.locator("select[name=departement]").input_value() == ""
    assert field.get_attribute("aria-expanded") == "false"
    assert page.url.endswith("/__suggest__/page")  # no data-suggest-submit: the form waits

    field.press("End")
    field.press_sequentially(" 3e")  # typing again forgets the choice
    assert page.locator("input[name=insee]").input_value() == ""


def test_escape_closes_the_list_and_a_second_escape_empties_the_field(suggest_page):
    page = suggest_page()
    field = page.get_by_role("combobox", name="Lieu")
    field.press_sequentially("ly")
    page.get_by_role("listbox").get_by_role("option").first.wait_for()

    field.press("Escape")
    assert page.get_by_role("listbox", include_hidden=True).is_hidden()
    assert field.input_value() == "ly"
    field.press("Escape")
    assert field.input_value() == ""


def test_a_tap_on_a_suggestion_submits_the_form_when_asked(suggest_page):
    page = suggest_page(submit=True)
    page.get_by_role("combobox", name="Lieu").press_sequentially("lyons")
    page.get_by_role("option", name=re.compile("^Lyons-la-Forêt")).click()

    page.wait_for_url(re.compile(r"/__suggest__/results\?"))
    query = parse_qs(urlparse(page.url).query, keep_blank_values=True)
    assert query["lieu"] == ["Lyons-la-Forêt (27)"]
    assert query["insee"] == ["27377"]
    assert query["departement"] == [""]


def test_no_suggestion_is_announced_and_the_field_keeps_working(suggest_page):
    page = suggest_page()
    field = page.get_by_role("combobox", name="Lieu")
    field.press_sequentially("zz")

    expect_status = page.get_by_role("status")
    expect_status.filter(has_text="Aucune suggestion.").wait_for()
    assert page.locator(".suggest-option").count() == 0
    field.press("Enter")  # nothing chosen: Enter submits what was typed
    page.wait_for_url(re.compile(r"lieu=zz"))
