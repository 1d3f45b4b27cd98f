"""Nobody gets in where they should not: every admin URL, every staff scope, every public output.

The admin URLs are read from the admin site itself, so a page added later is covered too.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver

from events.models import Event, Registration
from offers.models import Offer
from tests.factories import (
    EventFactory,
    OfferFactory,
    OrganiserFactory,
    RegistrationFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

# A registrant whose every detail is a string found nowhere else.
SECRET = {
    "first_name": "Quixotelle",
    "last_name": "Zbrodowskaia",
    "email": "zbrodowskaia.quixotelle@exemple-secret.fr",
    "phone": "06 13 57 92 46",
}
SECRET_STRINGS = [*SECRET.values(), "0613579246", "zbrodowskaia"]


def admin_routes(patterns=None, prefix=""):
    """(route, name) of every admin page: the site's own and every model admin's."""
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.name


def concrete(route: str, ids: dict) -> str:
    """/admin/… with an existing (or given) object id in place of each parameter."""
    model_prefix = route.split("<", 1)[0].rsplit("/", 2)[0] + "/"
    path = route.replace("<str:ext>", "xlsx")
    if "<path:content_type_id>" in path:
        event = ids["events/event/"]
        content_type = ContentType.objects.get_for_model(Event).pk
        path = path.replace("<path:content_type_id>", str(content_type))
        return "/admin/" + path.replace("<path:object_id>", str(event))
    return "/admin/" + path.replace("<path:object_id>", str(ids.get(model_prefix, 1)))


@pytest.fixture
def world(settings):
    # Staff users are made in every test: a fast hasher (the real one is tested by Django).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    lyon = OrganiserFactory(name="France Travail Lyon")
    marseille = OrganiserFactory(name="France Travail Marseille")
    lyon_event = EventFactory(organiser=lyon, title="Job dating EHPAD à Lyon")
    marseille_event = EventFactory(
        organiser=marseille,
        title="Forum santé à Marseille",
        department_id="13",
        postcode="13001",
        city="Marseille",
    )
    secret = RegistrationFactory(event=marseille_event, **SECRET)
    own_registration = RegistrationFactory(event=lyon_event)
    marseille_offer = OfferFactory(organiser=marseille, title="Infirmier Marseille")
    lyon_offer = OfferFactory(organiser=lyon, title="Aide-soignant Lyon")
    agency_user = staff_user("agence-lyon", group="Agence", organiser=lyon)
    other_user = staff_user("agence-marseille", group="Agence", organiser=marseille)
    return {
        "lyon": lyon,
        "marseille": marseille,
        "lyon_event": lyon_event,
        "marseille_event": marseille_event,
        "secret": secret,
        "own_registration": own_registration,
        "marseille_offer": marseille_offer,
        "lyon_offer": lyon_offer,
        "agency_user": agency_user,
        "other_user": other_user,
    }


def foreign_ids(world) -> dict:
    """Object ids that belong to the other agency, by admin URL prefix."""
    return {
        "events/event/": world["marseille_event"].pk,
        "events/registration/": world["secret"].pk,
        "offers/offer/": world["marseille_offer"].pk,
        "events/organiser/": world["marseille"].pk,
        "auth/user/": world["other_user"].pk,
    }


# -- anonymous ----------------------------------------------------------------------------------


def test_the_admin_has_the_pages_this_file_expects():
    names = {name for _, name in admin_routes()}
    assert {
        "events_event_change",
        "events_event_registrants",
        "events_registration_change",
        "offers_offer_change",
        "auth_user_change",
    } <= names


def test_every_admin_page_sends_an_anonymous_visitor_to_the_login(world):
    client = Client()
    checked = 0
    for route, name in admin_routes():
        if name in {"login", "logout"}:
            continue
        url = concrete(route, foreign_ids(world))
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (method.__name__, url, response.status_code)
            assert response["Location"].startswith("/admin/login/"), url
            checked += 1
    assert checked > 100
    # Nothing was written by the anonymous POSTs.
    assert Event.objects.count() == 2
    assert Registration.objects.count() == 2


def test_the_login_page_itself_is_open_and_in_french(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.text


def test_a_public_visitor_logged_in_without_staff_status_is_not_let_in(world, client):
    user = get_user_model().objects.create_user("curieux", password="mot-de-passe-test")
    client.force_login(user)
    response = client.get(f"/admin/events/registration/{world['secret'].pk}/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# -- agency user: own scope only, also by guessing ids ----------------------------------------


@pytest.fixture
def agency(world):
    client = Client()
    client.force_login(world["agency_user"])
    return client


@pytest.mark.parametrize(
    "prefix", ["events/event/", "events/registration/", "offers/offer/", "events/organiser/"]
)
@pytest.mark.parametrize("page", ["change/", "delete/", "history/", ""])
def test_an_agency_user_cannot_open_the_other_agencys_objects(world, agency, prefix, page):
    url = f"/admin/{prefix}{foreign_ids(world)[prefix]}/{page}"
    response = agency.get(url, follow=True)
    # Refused (403), or "does not exist" (404, or the admin's redirect to its index).
    assert response.status_code in {200, 403, 404}
    if response.status_code == 200:
        assert response.redirect_chain, url
        assert response.redirect_chain[-1][0].rstrip("/") in {"/admin", ""}
    assert "Marseille" not in response.text.replace("France Travail Marseille", "")
    for secret in SECRET_STRINGS:
        assert secret not in response.text


@pytest.mark.parametrize("page", ["change/", "delete/"])
def test_an_agency_user_cannot_write_to_the_other_agencys_objects(world, agency, page):
    event, offer, secret = world["marseille_event"], world["marseille_offer"], world["secret"]
    for url, data in [
        (f"/admin/events/event/{event.pk}/{page}", {"title": "Piraté", "post": "yes"}),
        (f"/admin/offers/offer/{offer.pk}/{page}", {"title": "Piraté", "post": "yes"}),
        (f"/admin/events/registration/{secret.pk}/{page}", {"status": "cancelled", "post": "yes"}),
    ]:
        assert agency.post(url, data).status_code in {302, 403, 404}, url
    event.refresh_from_db()
    offer.refresh_from_db()
    secret.refresh_from_db()
    assert event.title == "Forum santé à Marseille"
    assert offer.title == "Infirmier Marseille"
    assert secret.status == Registration.Status.CONFIRMED


def test_an_agency_user_cannot_download_the_other_agencys_registrants(world, agency):
    response = agency.get(f"/admin/events/event/{world['marseille_event'].pk}/inscrits.csv")
    assert response.status_code in {403, 404}
    own = agency.get(f"/admin/events/event/{world['lyon_event'].pk}/inscrits.csv")
    assert own.status_code == 200


def test_guessed_ids_give_nothing_either(world, agency):
    top = max(Event.objects.latest("pk").pk, Registration.objects.latest("pk").pk)
    for guess in [0, -1, top + 1, top + 1000, "1 OR 1=1", "%00", "../1"]:
        for prefix in ["events/event/", "events/registration/", "offers/offer/"]:
            response = agency.get(f"/admin/{prefix}{guess}/change/")
            assert response.status_code in {302, 403, 404}, (prefix, guess)


def test_an_agency_user_still_opens_their_own_objects(world, agency):
    for url in [
        f"/admin/events/event/{world['lyon_event'].pk}/change/",
        f"/admin/events/registration/{world['own_registration'].pk}/change/",
        f"/admin/offers/offer/{world['lyon_offer'].pk}/change/",
    ]:
        assert agency.get(url).status_code == 200, url


def test_no_admin_page_shows_an_agency_user_the_other_agencys_registrant(world, agency):
    for route, name in admin_routes():
        if name in {"logout"}:
            continue
        response = agency.get(concrete(route, foreign_ids(world)))
        assert response.status_code < 500, route
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        for secret in SECRET_STRINGS:
            assert secret not in text, (route, secret)


def test_an_agency_user_cannot_reach_national_settings(world, agency):
    for url in [
        "/admin/auth/group/",
        "/admin/auth/group/add/",
        f"/admin/auth/user/{world['other_user'].pk}/change/",
        "/admin/auth/user/add/",
        "/admin/axes/accessattempt/",
    ]:
        assert agency.get(url).status_code in {302, 403, 404}, url


# -- no personal data in any public output ------------------------------------------------------


def test_no_registrants_personal_data_in_any_public_page_export_or_api(world, settings):
    settings.RATE_LIMITS = False
    event, offer = world["marseille_event"], world["marseille_offer"]
    urls = [
        "/",
        "/evenements/",
        "/evenements/?passes=on",
        "/evenements/region/93/",
        event.get_absolute_url(),
        f"/evenements/{event.pk}.ics",
        f"/evenements/{event.pk}/inscription/",
        "/evenements/export.csv?passes=on",
        "/evenements/export.xlsx?passes=on",
        "/evenements/export.ics?passes=on",
        "/evenements/export.json?passes=on",
        "/api/v1/evenements/?passes=on",
        f"/api/v1/evenements/{event.pk}/",
        "/api/v1/offres/",
        f"/api/v1/offres/{offer.pk}/",
        "/api/schema/",
        "/widget/evenements/",
        "/partenaires/",
        "/offres/",
        offer.get_absolute_url(),
        "/healthz",
    ]
    shows_the_event = {u for u in urls if "evenements" in u and "xlsx" not in u}
    client = Client()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if url.startswith("/evenements/export.xlsx"):
            import io

            import openpyxl

            sheet = openpyxl.load_workbook(io.BytesIO(body)).active
            text = "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
        else:
            text = body.decode("utf-8")
        if url in shows_the_event:
            # The event is really there: the names are absent because they are left out.
            assert "Forum santé à Marseille" in text, url
        for secret in SECRET_STRINGS:
            assert secret.lower() not in text.lower(), (url, secret)


def test_the_offers_api_exposes_no_staff_or_registrant_field(world, client):
    offer = client.get(f"/api/v1/offres/{world['marseille_offer'].pk}/").json()
    event = client.get(f"/api/v1/evenements/{world['marseille_event'].pk}/").json()
    for payload in (offer, event):
        keys = set(payload)
        assert not keys & {"registrations", "registrants", "email", "phone", "created_by"}
    assert isinstance(Offer.objects.get(pk=offer["id"]), Offer)
