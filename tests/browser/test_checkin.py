"""At the door, on a phone at 375 px and without JavaScript: three people checked in."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.browser.test_phones import OVERFLOW


@pytest.fixture
def checkin(live_server, django_db_serialized_rollback):
    """An event starting in twenty minutes, its three registrants and a logged-in counsellor."""

    from tests.factories import EventFactory, OrganiserFactory, RegistrationFactory, staff_user

    agency = OrganiserFactory(name="France Travail Villeurbanne")
    start = timezone.now() + datetime.timedelta(minutes=20)
    event = EventFactory(organiser=agency, start=start, end=start + datetime.timedelta(hours=3))
    for first, last in [("Paul", "Bernard"), ("Élise", "Éluard"), ("Zoé", "Martin")]:
        RegistrationFactory(event=event, first_name=first, last_name=last)
    client = Client()
    client.force_login(staff_user("accueil-villeurbanne", group="Agence", organiser=agency))
    return event, client.cookies[settings.SESSION_COOKIE_NAME].value


def test_three_people_are_checked_in_on_a_phone_and_the_counter_follows(new_context, checkin):
    event, session = checkin
    context = new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, java_script_enabled=False
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": context_url(context)}]
    )
    page = context.new_page()
    page.goto(f"/admin/events/event/{event.pk}/accueil/")
    counter = page.locator("#compteur")
    assert counter.inner_text().startswith("0 présent·e sur 3 inscrit·es")

    for n, name in enumerate(["Paul Bernard", "Élise Éluard", "Zoé Martin"], start=1):
        page.get_by_role("button", name=f"{name} présent·e").click()
        page.wait_for_load_state()
        assert counter.inner_text().startswith(
            f"{n} présent·e{'s' if n > 1 else ''} sur 3 inscrit·es"
        )

    overflow = page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= overflow["width"], overflow
    # The third one was a mistake: undone, the counter goes back.
    page.get_by_role("button", name="Annuler la présence de Zoé Martin").click()
    assert counter.inner_text().startswith("2 présent·es sur 3 inscrit·es")


def context_url(context):
    page = context.new_page()
    page.goto("/")
    url = page.url
    page.close()
    return url
