"""A regional coordinator reads the dashboard's table by organiser on a laptop and on a phone,
then follows a figure to the registrations it counts."""

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_checkin import context_url
from tests.browser.test_registrants import PAGE_SCROLL


@pytest.fixture
def region(live_server, django_db_serialized_rollback):
    """Two Lyon events (one to watch), three confirmed registrants; a coordinator of region 84."""
    import datetime

    from django.utils import timezone

    from tests.factories import EventFactory, OrganiserFactory, RegistrationFactory, staff_user

    lyon = OrganiserFactory(name="France Travail Lyon Part-Dieu")
    event = EventFactory(organiser=lyon, capacity_onsite=20, confirmed_onsite=3)
    RegistrationFactory.create_batch(3, event=event)
    EventFactory(
        organiser=lyon,
        title="Forum à relancer",
        start=timezone.now() + datetime.timedelta(days=2),
        capacity_onsite=50,
        confirmed_onsite=2,
    )
    client = Client()
    client.force_login(staff_user("coord-84", group="Coordination régionale", region_code="84"))
    return lyon, client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 768}, {"width": 375, "height": 740}],
    ids=["1366px", "375px"],
)
def test_a_coordinator_follows_a_figure_of_the_dashboard(new_context, region, viewport):
    lyon, session = region
    context = new_context(viewport=viewport, is_mobile=viewport["width"] < 500)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": context_url(context)}]
    )
    page = context.new_page()

    page.goto("/admin/events/event/tableau-de-bord/?edition=toutes")
    watch = page.locator("section[aria-labelledby='a-surveiller']")
    assert "Forum à relancer" in watch.inner_text()
    row = page.locator("section[aria-labelledby='par-organisateur'] tbody tr").filter(
        has_text="France Travail Lyon Part-Dieu"
    )
    cells = row.locator("td")
    assert cells.nth(0).inner_text() == "2"  # events
    assert cells.nth(2).inner_text() == "5 / 70"  # seats taken / offered
    scroll = page.evaluate(PAGE_SCROLL)
    assert scroll["scroll"] <= scroll["width"], scroll
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"dashboard-{viewport['width']}.png", full_page=True)

    cells.nth(4).get_by_role("link").click()  # confirmed registrations

    page.wait_for_url(lambda url: f"organisateur={lyon.pk}" in url and "confirmed" in url)
    assert page.locator("#result_list tbody tr").count() == 3
