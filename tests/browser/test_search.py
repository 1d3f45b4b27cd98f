"""The keywords box in Chromium: a trade suggested while typing filters by that trade."""

import re

import pytest

from tests.factories import EventFactory


@pytest.fixture
def nurse_and_carer_events(site):
    return (
        EventFactory(title="Portes ouvertes de l'hôpital Nord", trades=["J1506"]),
        EventFactory(title="Job dating des EHPAD", trades=["J1501"]),
    )


def test_choosing_a_suggested_trade_filters_the_listing_by_it(page, nurse_and_carer_events):
    nurses, carers = nurse_and_carer_events
    page.goto("/evenements/")
    page.get_by_role("combobox", name="Mots-clés").press_sequentially("infirmi")
    suggestions = page.get_by_role("listbox", name="Mots-clés")
    suggestions.get_by_role("option", name=re.compile(r"en soins généraux \(IDE\)")).click()

    # The suggestion submits the form with the trade, not the typed words.
    page.wait_for_url(re.compile(r"metier=J1506"))
    assert "q=infirmi" not in page.url
    titles = page.locator(".cards .card-title").all_inner_texts()
    assert nurses.title in titles and carers.title not in titles


def test_a_feminine_form_with_a_typo_finds_the_nurses_and_says_so(page, nurse_and_carer_events):
    nurses, carers = nurse_and_carer_events
    page.goto("/evenements/?q=infirmiere")
    titles = page.locator(".cards .card-title").all_inner_texts()
    assert nurses.title in titles and carers.title not in titles

    page.goto("/evenements/?q=infirmeire")
    assert "Résultats pour" in page.locator("main").inner_text()
    assert nurses.title in page.locator(".cards .card-title").all_inner_texts()
