"""Page weight, measured from Chromium's network events: an Ecoindex A listing page."""

import pytest

from tests.browser.conftest import FIGURES

MAX_BYTES = 100 * 1024
MAX_REQUESTS = 10
MAX_DOM_NODES = 600


def measure(page, url) -> dict:
    """Loads `url` on a cold cache; bytes are what crossed the network (compressed, headers)."""
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    transferred = 0
    for request in finished:
        sizes = request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return {
        "bytes": transferred,
        "requests": len(finished) + len(failed),
        "dom_nodes": page.evaluate("document.getElementsByTagName('*').length"),
        "urls": [request.url for request in finished + failed],
    }


@pytest.mark.parametrize("page_type", ["listing", "home", "detail", "programme"])
def test_the_page_is_light_on_first_load(new_context, site, page_type):
    from tests.browser.pages import public_pages

    page = new_context().new_page()
    url = public_pages(site)[page_type]

    figures = measure(page, url)

    if page_type == "listing":
        assert page.locator(".cards .card").count() == 20
    FIGURES.append(
        f"page weight, {page_type} ({url}): {figures['bytes'] / 1024:.1f} KB transferred, "
        f"{figures['requests']} requests, {figures['dom_nodes']} DOM elements"
    )
    assert figures["bytes"] < MAX_BYTES, figures
    assert figures["requests"] <= MAX_REQUESTS, figures["urls"]
    assert figures["dom_nodes"] < MAX_DOM_NODES, figures
