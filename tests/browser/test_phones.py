"""Phones: nothing overflows at 320 and 375 px, tap targets are at least 24 px."""

import json

import pytest
from django.conf import settings

from tests.browser.conftest import FIGURES, SCREENSHOTS
from tests.browser.pages import PAGE_TYPES, public_pages, visit

# Targets smaller than 24 px that WCAG 2.2 (2.5.8) exempts: links inside a sentence.
SMALL_TARGETS = """() => {
    const small = [];
    const targets = 'a[href], button, input, select, textarea, summary';
    for (const el of document.querySelectorAll(targets)) {
        const box = el.getBoundingClientRect();
        // Closed <details> keep a layout box in Chromium: only what can be tapped counts.
        if (!box.width || !box.height || !el.checkVisibility({visibilityProperty: true})) continue;
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
def test_every_page_type_fits_a_phone_screen_with_large_enough_tap_targets(
    new_context, site, width
):
    page = new_context(viewport={"width": width, "height": 720}, is_mobile=True).new_page()
    problems = {}
    for page_type in PAGE_TYPES:
        if visit(page, site, page_type) is None:
            continue
        overflow = page.evaluate(OVERFLOW)
        if overflow["scroll"] > overflow["width"]:
            problems[f"{page_type} overflows"] = overflow
        # What folds away must also be tappable once unfolded.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        small = page.evaluate(SMALL_TARGETS)
        if small:
            problems[f"{page_type} has tap targets under 24 px"] = small

    FIGURES.append(f"phones, {width} px: {len(problems)} problems on {len(PAGE_TYPES)} page types")
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_screenshots_at_375_px_are_kept_for_people_to_look_at(new_context, site):
    page = new_context(viewport={"width": 375, "height": 740}, is_mobile=True).new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for page_type in ("home", "listing", "detail"):
        page.goto(public_pages(site)[page_type])
        path = SCREENSHOTS / f"{page_type}-375.png"

        page.screenshot(path=str(path), full_page=True)

        assert path.stat().st_size > 10_000
        assert str(path).startswith(str(settings.VAR_DIR))  # git-ignored
