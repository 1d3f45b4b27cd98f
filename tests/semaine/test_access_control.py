"""Who may do what in the admin, all in one place; and no personal data in any public output.

Anonymous visitors and public accounts are sent to the login. Each staff scope lists, opens,
writes, exports and picks in forms only its own objects: an agency counsellor their organiser's,
a regional coordinator their region's, national staff everything (and they alone the pages that
set the site up). The admin URLs are read from the admin site itself, so a page added later is
covered too.

The row-level scope checks of spreadsheet imports are with the imports:
tests/events/imports/test_import.py.
"""

import io

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import URLResolver, reverse

from events.admin.events import EventAdmin
from events.models import Event, Registration
from events.scoping import organisers_in_scope
from semaine.models import Department
from tests.factories import (
    EventFactory,
    OfferFactory,
    OrganiserFactory,
    RegistrationFactory,
    content_of,
    event_form_data,
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

LYON_EVENT, GRENOBLE_EVENT, MARSEILLE_EVENT = (
    "Job dating EHPAD à Lyon",
    "Forum à Grenoble",
    "Forum santé à Marseille",
)


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
def world(lyon, marseille, agency_user):
    """Lyon's agency (the user under test), Grenoble's in the same region, Marseille's outside."""
    grenoble = OrganiserFactory(name="France Travail Grenoble")
    lyon_event = EventFactory(organiser=lyon, title=LYON_EVENT)
    EventFactory(
        organiser=grenoble,
        title=GRENOBLE_EVENT,
        department_id="38",
        postcode="38000",
        city="Grenoble",
    )
    marseille_event = EventFactory(
        organiser=marseille,
        title=MARSEILLE_EVENT,
        department_id="13",
        postcode="13001",
        city="Marseille",
    )
    return {
        "lyon": lyon,
        "marseille": marseille,
        "lyon_event": lyon_event,
        "marseille_event": marseille_event,
        "secret": RegistrationFactory(event=marseille_event, **SECRET),
        "own_registration": RegistrationFactory(event=lyon_event, email="camille@lyon.example"),
        "marseille_offer": OfferFactory(organiser=marseille, title="Infirmier Marseille"),
        "lyon_offer": OfferFactory(organiser=lyon, title="Aide-soignant Lyon"),
        "agency_user": agency_user,
        "other_user": staff_user("agence-marseille", group="Agence", organiser=marseille),
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


def assert_kept_out(response, user, prefix: str, action: str):
    """An object out of the user's scope is answered as absent: the admin's "does not exist"
    (a redirect to its index), the queryset's doing. Only when the user may not `action` any
    object of that model at all is the answer a refusal (403), the permissions' doing.

    `response` is followed (follow=True); `prefix` is the model's admin URL, "events/event/".
    """
    app_label, model_name = prefix.strip("/").split("/")
    if user.has_perm(f"{app_label}.{action}_{model_name}"):
        assert response.status_code == 200, response.status_code
        assert response.redirect_chain[-1:] == [("/admin/", 302)], response.redirect_chain
    else:
        assert response.status_code == 403, response.status_code


@pytest.fixture
def unscoped_user(fast_password_hasher):
    """An agency account whose scope nobody has set yet."""
    return staff_user("nouvelle-recrue", group="Agence")


# -- anonymous visitors and public accounts -----------------------------------------------------


def test_the_admin_has_the_pages_this_file_expects():
    names = {name for _, name in admin_routes()}
    assert {
        "events_event_change",
        "events_event_registrants",
        "events_registration_change",
        "offers_offer_change",
        "offers_offer_upload",
        "auth_user_change",
    } <= names


def test_every_admin_page_sends_an_anonymous_visitor_to_the_login(world):
    events, registrations = Event.objects.count(), Registration.objects.count()
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
    assert Event.objects.count() == events
    assert Registration.objects.count() == registrations


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


# -- what each staff scope lists ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "listed"),
    [
        ("agency_user", {LYON_EVENT}),
        ("coordinator", {LYON_EVENT, GRENOBLE_EVENT}),
        ("national_user", {LYON_EVENT, GRENOBLE_EVENT, MARSEILLE_EVENT}),
        ("unscoped_user", set()),
    ],
    ids=["agency", "regional coordinator", "national staff", "staff without scope"],
)
def test_each_staff_scope_lists_exactly_its_events(world, client, request, user, listed):
    client.force_login(request.getfixturevalue(user))

    response = client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 200
    titles = {LYON_EVENT, GRENOBLE_EVENT, MARSEILLE_EVENT}
    assert {title for title in titles if title in response.text} == listed


@pytest.mark.parametrize(
    ("changelist", "own", "other"),
    [
        ("admin:events_registration_changelist", "camille@lyon.example", SECRET["email"]),
        ("admin:offers_offer_changelist", "Aide-soignant Lyon", "Infirmier Marseille"),
    ],
    ids=["registrations", "offers"],
)
def test_an_agency_user_lists_only_its_own_registrations_and_offers(
    world, agency_client, changelist, own, other
):
    response = agency_client.get(reverse(changelist))

    assert response.status_code == 200
    assert own in response.text
    assert other not in response.text


# -- an agency user by URL: own scope only, also by guessing ids --------------------------------


@pytest.mark.parametrize(
    "prefix", ["events/event/", "events/registration/", "offers/offer/", "events/organiser/"]
)
@pytest.mark.parametrize("page", ["change/", "delete/", "history/", ""])
def test_an_agency_user_cannot_open_another_agencys_object(world, agency_client, prefix, page):
    response = agency_client.get(f"/admin/{prefix}{foreign_ids(world)[prefix]}/{page}", follow=True)

    assert_kept_out(
        response, world["agency_user"], prefix, "delete" if page == "delete/" else "view"
    )
    assert "Marseille" not in response.text.replace("France Travail Marseille", "")
    for secret in SECRET_STRINGS:
        assert secret not in response.text


@pytest.mark.parametrize(
    ("prefix", "key"),
    [
        ("events/event/", "marseille_event"),
        ("offers/offer/", "marseille_offer"),
        ("events/registration/", "secret"),
    ],
)
@pytest.mark.parametrize("page", ["change/", "delete/"])
def test_an_agency_user_cannot_change_or_delete_another_agencys_object(
    world, agency_client, prefix, key, page
):
    target = world[key]
    before = model_to_dict(target)

    response = agency_client.post(
        f"/admin/{prefix}{target.pk}/{page}",
        {"title": "Piraté", "status": "cancelled", "post": "yes"},
        follow=True,
    )

    assert_kept_out(response, world["agency_user"], prefix, page.rstrip("/"))
    target.refresh_from_db()  # still there
    assert model_to_dict(target) == before


def test_an_agency_user_downloads_the_registrants_of_its_own_events_only(world, agency_client):
    def registrants(event):
        return agency_client.get(reverse("admin:events_event_registrants", args=[event.pk]))

    theirs = registrants(world["marseille_event"])
    own = registrants(world["lyon_event"])

    assert theirs.status_code == 404
    assert own.status_code == 200
    assert "camille@lyon.example" in content_of(own).decode("utf-8-sig")


def test_an_agency_user_guessing_ids_gets_nothing(world, agency_client):
    top = max(Event.objects.latest("pk").pk, Registration.objects.latest("pk").pk)
    for guess in [0, -1, top + 1, top + 1000, "1 OR 1=1", "%00", "../1"]:
        for prefix in ["events/event/", "events/registration/", "offers/offer/"]:
            response = agency_client.get(f"/admin/{prefix}{guess}/change/", follow=True)
            assert_kept_out(response, world["agency_user"], prefix, "view")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("admin:events_event_change", "lyon_event"),
        ("admin:events_registration_change", "own_registration"),
        ("admin:offers_offer_change", "lyon_offer"),
    ],
)
def test_an_agency_user_still_opens_its_own_objects(world, agency_client, name, key):
    assert agency_client.get(reverse(name, args=[world[key].pk])).status_code == 200


def test_no_admin_page_shows_an_agency_user_the_other_agencys_registrant(world, agency_client):
    for route, name in admin_routes():
        if name in {"logout"}:
            continue
        response = agency_client.get(concrete(route, foreign_ids(world)))
        assert response.status_code < 500, route
        text = content_of(response).decode("utf-8", "replace")
        for secret in SECRET_STRINGS:
            assert secret not in text, (route, secret)


@pytest.mark.parametrize(
    "name",
    [
        "auth_group_changelist",
        "auth_group_add",
        "auth_user_changelist",
        "auth_user_add",
        "auth_user_change",
        "axes_accessattempt_changelist",
        "offers_offer_upload",
    ],
)
def test_an_agency_user_is_refused_the_national_pages(world, agency_client, name):
    args = [world["other_user"].pk] if name.endswith("_change") else []

    assert agency_client.get(reverse(f"admin:{name}", args=args)).status_code == 403


# -- exports and actions: a forged selection gives nothing more ---------------------------------


def test_the_registrants_export_leaves_out_another_agencys_event_slipped_into_the_selection(
    world, agency_client
):
    response = agency_client.post(
        reverse("admin:events_event_changelist"),
        {
            "action": "export_registrants",
            "_selected_action": [world["lyon_event"].pk, world["marseille_event"].pk],
        },
    )

    assert response.status_code == 200
    body = content_of(response).decode("utf-8-sig")
    assert "camille@lyon.example" in body
    for secret in SECRET_STRINGS:
        assert secret not in body


def test_an_agency_users_events_export_leaves_out_other_agencies_events(world, agency_client):
    columns = {f"eventexportresource_{key}": "on" for key in ("titre", "organisateur", "date")}

    response = agency_client.post(
        reverse("admin:events_event_export"), {"format": "0", "resource": "0", **columns}
    )

    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert body.startswith("titre;date;organisateur")
    assert LYON_EVENT in body
    assert GRENOBLE_EVENT not in body
    assert MARSEILLE_EVENT not in body


def test_an_events_export_forged_to_include_another_agencys_event_is_refused(world, agency_client):
    response = agency_client.post(
        reverse("admin:events_event_export"),
        {
            "format": "0",
            "resource": "0",
            "export_items": [world["lyon_event"].pk, world["marseille_event"].pk],
            "eventexportresource_titre": "on",
        },
    )

    # The export form comes back, its selection refused: no file at all.
    assert response.status_code == 200
    assert "export_items" in response.context["form"].errors
    assert MARSEILLE_EVENT not in response.content.decode("utf-8-sig")


# -- forms: choices and rules keep each scope in its place --------------------------------------


def test_an_agency_users_form_offers_only_its_own_organiser(world, agency_client):
    response = agency_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "event", "field_name": "organiser", "term": "France"},
    )

    assert response.status_code == 200
    names = [item["text"] for item in response.json()["results"]]
    assert names == ["France Travail Lyon"]


def test_an_agency_user_cannot_create_an_event_for_another_organiser(agency_client, marseille):
    response = agency_client.post(
        reverse("admin:events_event_add"),
        event_form_data(organiser=marseille.pk, title="Événement glissé chez Marseille"),
    )

    assert response.status_code == 200
    assert "organiser" in response.context["adminform"].form.errors
    assert not Event.objects.filter(title="Événement glissé chez Marseille").exists()


def test_a_regional_coordinator_cannot_move_an_event_out_of_the_region(client, lyon, coordinator):
    event = EventFactory(organiser=lyon, title="Atelier à Lyon", status=Event.Status.DRAFT)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(
            organiser=lyon.pk,
            title=event.title,
            type=event.type,
            address="1 La Canebière",
            postcode="13001",
            city="Marseille",
            department="13",
        ),
    )

    assert response.status_code == 200
    event.refresh_from_db()
    assert event.department_id == "69"


def test_a_coordinators_partner_event_must_stay_in_the_region(coordinator, croix_rouge):
    request = RequestFactory().get("/")
    request.user = coordinator
    form_class = EventAdmin(Event, admin.site).get_form(request)
    # The department field's choices already leave Marseille out; the form's own rule is the
    # second lock, tried here with a department list that would let it through.
    form = form_class(
        data={
            "title": "Forum",
            "type": "forum",
            "status": "draft",
            "organiser": croix_rouge.pk,
            "edition": "2030",
            "audience": "tous",
            "modalite": "presentiel",
            "start_0": "23/04/2030",
            "start_1": "10:00",
            "end_0": "23/04/2030",
            "end_1": "12:00",
            "address": "1 La Canebière",
            "department": "13",
        }
    )
    form.fields["department"].queryset = Department.objects.all()

    assert not form.is_valid()
    assert "pas dans votre région" in str(form.non_field_errors())


def test_a_coordinator_chooses_a_national_partner_but_cannot_edit_it(
    client, coordinator, national_user, croix_rouge
):
    # Its e-mail and phone are what registrants of every region use: national staff's to change.
    croix_rouge.email = "contact@croix-rouge.fr"
    croix_rouge.save()
    url = reverse("admin:events_organiser_change", args=[croix_rouge.pk])
    data = {"name": croix_rouge.name, "kind": "partenaire", "email": "piege@exemple.fr"}
    client.force_login(coordinator)

    refused = client.post(url, data)
    choices = organisers_in_scope(coordinator)

    croix_rouge.refresh_from_db()
    assert refused.status_code == 403
    assert croix_rouge.email == "contact@croix-rouge.fr"
    assert croix_rouge in choices
    client.force_login(national_user)
    assert client.post(url, data).status_code == 302
    croix_rouge.refresh_from_db()
    assert croix_rouge.email == "piege@exemple.fr"


def test_an_agency_cannot_link_its_offer_to_another_agencys_event(agency_user, lyon, marseille):
    from django.core.exceptions import ValidationError

    from offers.admin import OfferAdmin
    from offers.models import Offer

    own = EventFactory(organiser=lyon, title="Job dating à Lyon")
    other = EventFactory(organiser=marseille, title="Job dating à Marseille")
    request = RequestFactory().get("/")
    request.user = agency_user
    events = OfferAdmin(Offer, admin.site).get_form(request)().fields["events"]

    assert list(events.clean([own.pk])) == [own]
    with pytest.raises(ValidationError):
        events.clean([other.pk])  # a forged id in the POST


# -- national staff: the site's setup, but no superuser -----------------------------------------


def test_the_three_staff_groups_exist_with_their_permissions():
    agency = Group.objects.get(name="Agence")
    codes = set(agency.permissions.values_list("codename", flat=True))

    assert {"add_event", "change_event", "view_registration", "change_registration"} <= codes
    assert "add_user" not in codes
    assert Group.objects.get(name="National").permissions.filter(codename="add_user").exists()
    assert Group.objects.filter(name="Coordination régionale").exists()


def test_national_staff_set_a_counsellor_up_but_cannot_make_a_superuser(
    client, national_user, agency_user
):
    client.force_login(national_user)

    page = client.get(reverse("admin:auth_user_change", args=[agency_user.pk]))

    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.text
    assert 'name="staff_profile-0-organiser"' in page.text
    assert 'name="groups"' in page.text


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
        body = content_of(response)
        if url.startswith("/evenements/export.xlsx"):
            sheet = openpyxl.load_workbook(io.BytesIO(body)).active
            text = "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
        else:
            text = body.decode("utf-8")
        if url in shows_the_event:
            # The event is really there: the names are absent because they are left out.
            assert MARSEILLE_EVENT in text, url
        for secret in SECRET_STRINGS:
            assert secret.lower() not in text.lower(), (url, secret)


@pytest.mark.parametrize(
    ("api", "key"),
    [("/api/v1/offres/", "marseille_offer"), ("/api/v1/evenements/", "marseille_event")],
)
def test_the_api_exposes_no_staff_or_registrant_field(world, client, api, key):
    response = client.get(f"{api}{world[key].pk}/")

    assert response.status_code == 200
    payload = response.json()
    assert payload["id"] == world[key].pk
    assert not set(payload) & {"registrations", "registrants", "email", "phone", "created_by"}
