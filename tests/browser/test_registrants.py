"""Agency staff open the registrations of an event and cancel one, on a laptop's 1,366 px and
on a phone's 375 px: the list shows its date and status columns, the action says who is
e-mailed before it is done, and the seat goes to the waitlist."""

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import FIGURES, SCREENSHOTS
from tests.browser.test_checkin import context_url

# Within the list's own box (it scrolls sideways when too wide) and within the screen.
VISIBLE_COLUMNS = """(names) => {
    const list = document.querySelector('#result_list').parentElement.getBoundingClientRect();
    const right = Math.min(list.right, document.documentElement.clientWidth);
    return names.map(name => {
        const cell = document.querySelector(`#result_list th.column-${name}`);
        const box = cell && cell.getBoundingClientRect();
        const shown = !!box && box.width > 0 && box.left >= list.left && box.right <= right + 1;
        return {name, shown, right: box && Math.round(box.right), room: Math.round(right)};
    });
}"""

TABLE_FIT = """() => {
    const table = document.querySelector('#result_list');
    return {table: Math.round(table.getBoundingClientRect().width),
            room: Math.round(table.parentElement.clientWidth)};
}"""

PAGE_SCROLL = """() => ({
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
})"""


@pytest.fixture
def registrants(live_server, django_db_serialized_rollback):
    """An event with one seat, taken by Paul Bernard; Zoé Martin waits; a third person has not
    confirmed their (long, undelivered) address yet. A logged-in counsellor of its agency."""
    from events.models import Registration
    from events.services.registration import registration_create
    from tests.conftest import register_confirmed
    from tests.factories import EventFactory, OrganiserFactory, staff_user

    agency = OrganiserFactory(name="France Travail Villeurbanne")
    event = EventFactory(
        organiser=agency, capacity_onsite=1, title="Job dating des EHPAD de Villeurbanne"
    )
    for first, last in [("Paul", "Bernard"), ("Zoé", "Martin")]:
        register_confirmed(
            event=event,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@exemple.fr",
        )
    assert Registration.objects.filter(event=event).waitlisted().count() == 1
    pending = registration_create(
        event=event,
        first_name="Marie-Élisabeth",
        last_name="Éluard-Moretti",
        email="marie-elisabeth.eluard-moretti@association-des-aidants.example.fr",
    ).registration
    Registration.objects.filter(pk=pending.pk).update(
        email_failure="Adresse refusée par le serveur de messagerie (code 550)"
    )
    client = Client()
    client.force_login(staff_user("conseil-villeurbanne", group="Agence", organiser=agency))
    return event, client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 768}, {"width": 375, "height": 740}],
    ids=["1366px", "375px"],
)
def test_staff_open_an_events_registrations_and_cancel_one(new_context, registrants, viewport):
    from events.models import Event, Registration

    event, session = registrants
    context = new_context(viewport=viewport, is_mobile=viewport["width"] < 500)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": context_url(context)}]
    )
    page = context.new_page()

    page.goto(f"/admin/events/event/{event.pk}/change/")
    page.locator(".object-tools").get_by_role("link", name="Inscriptions", exact=True).click()
    page.wait_for_url(lambda url: url.endswith(f"/admin/events/registration/?evenement={event.pk}"))
    assert page.locator("#result_list tbody tr").count() == 3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"registrations-{viewport['width']}.png", full_page=True)
    if viewport["width"] >= 1366:
        shown = page.evaluate(
            VISIBLE_COLUMNS, ["event_start", "status_display", "created_at_display"]
        )
        assert all(column["shown"] for column in shown), shown
    scroll = page.evaluate(PAGE_SCROLL)
    assert scroll["scroll"] <= scroll["width"], scroll
    fit = page.evaluate(TABLE_FIT)
    FIGURES.append(
        f"registrations list, {viewport['width']} px: table {fit['table']} px in {fit['room']} px"
    )

    page.get_by_role("link", name="BERNARD Paul").click()
    page.get_by_role("link", name="Annuler l'inscription").click()
    notice = page.locator("#qui-est-prevenu")
    assert "La personne reçoit un e-mail d'annulation" in notice.inner_text()
    assert "la première personne de la liste d'attente reçoit sa place" in notice.inner_text()
    scroll = page.evaluate(PAGE_SCROLL)
    assert scroll["scroll"] <= scroll["width"], scroll
    page.screenshot(path=SCREENSHOTS / f"registration-cancel-{viewport['width']}.png")
    page.get_by_role("button", name="Oui, annuler l'inscription").click()

    assert (
        "Inscription annulée. La personne est prévenue par e-mail."
        in page.locator(".messagelist").inner_text()
    )
    statuses = dict(Registration.objects.filter(event=event).values_list("first_name", "status"))
    assert statuses == {"Paul": "cancelled", "Zoé": "confirmed", "Marie-Élisabeth": "pending"}
    event = Event.objects.get(pk=event.pk)
    assert event.confirmed_onsite == Registration.objects.filter(event=event).confirmed().count()
