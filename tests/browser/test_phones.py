"""Phones: nothing overflows at 320 and 375 px, tap targets are at least 24 px."""

import pytest
from django.conf import settings

from tests.browser.conftest import SCREENSHOTS
from tests.browser.pages import PAGE_TYPES, public_pages

# Targets smaller than 24 px that WCAG 2.2 (2.5.8) exempts: links inside a sentence.
SMALL_TARGETS = """() => {
    const small = [];
    const targets = 'a[href], button, input, select, textarea, summary';
    for (const el of document.querySelectorAll(targets)) {
        const box = el.getBoundingClientRect();
        if (!box.width || !box.height) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || el.closest('.skip-link, .visually-hidden')) continue;
        if (el.tagName === 'A' && style.display === 'inline') {
            const block = el.parentElement.closest('p, li, dd, td, address');
            const text = block ? block.textContent.trim() : '';
            if (text.length > el.textContent.trim().length) continue;  // inline in a sentence
        }
        if (box.width < 24 || box.height < 24) {
            small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim()
                .slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
        }
    }
    return small;
}"""

OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_the_page_fits_a_phone_screen_with_large_enough_tap_targets(
    new_context, site, page_type, width
):
    url = public_pages(site).get(page_type)
    if url is None:
        pytest.skip(f"the {page_type} page does not exist yet in this checkout")
    page = new_context(viewport={"width": width, "height": 720}, is_mobile=True).new_page()
    page.goto(url)

    overflow = page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= overflow["width"], f"horizontal overflow: {overflow}"
    small = page.evaluate(SMALL_TARGETS)
    assert not small, f"tap targets under 24 px: {small}"


@pytest.mark.parametrize("page_type", ["home", "listing", "detail"])
def test_a_screenshot_at_375_px_is_kept_for_people_to_look_at(new_context, site, page_type):
    page = new_context(viewport={"width": 375, "height": 740}, is_mobile=True).new_page()
    page.goto(public_pages(site)[page_type])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{page_type}-375.png"

    page.screenshot(path=str(path), full_page=True)

    assert path.stat().st_size > 10_000
    assert str(path).startswith(str(settings.VAR_DIR))  # git-ignored
