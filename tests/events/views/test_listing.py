import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from events.models import Event
from semaine.models import Department
from tests.factories import EventFactory, OrganiserFactory, in_days

pytestmark = pytest.mark.django_db

LIST = "/evenements/"


def listed(client, query=""):
    response = client.get(LIST + query)
    assert response.status_code == 200
    return {e.pk for e in response.context["events"]}, response


def test_default_listing_shows_published_upcoming_events_sorted_by_start(client):
    later = EventFactory(start=in_days(20))
    sooner = EventFactory(start=in_days(5))
    EventFactory(status=Event.Status.DRAFT)
    past = EventFactory(start=in_days(-5))
    ids, response = listed(client)
    assert ids == {later.pk, sooner.pk}
    assert [e.pk for e in response.context["events"]] == [sooner.pk, later.pk]
    ids, _ = listed(client, "?passes=1")
    assert past.pk in ids


def test_an_event_in_progress_is_still_listed(client):
    now = timezone.now()
    running = EventFactory(
        start=now - datetime.timedelta(hours=1), end=now + datetime.timedelta(hours=1)
    )
    assert running.pk in listed(client)[0]


def test_filter_by_region_and_department(client):
    lyon = EventFactory()  # 69, Auvergne-Rhône-Alpes
    toulouse = EventFactory(department=Department.objects.get(code="31"), city="Toulouse")
    assert listed(client, "?region=84")[0] == {lyon.pk}
    assert listed(client, "?region=76")[0] == {toulouse.pk}
    assert listed(client, "?departement=31")[0] == {toulouse.pk}
    assert listed(client, "?region=84&departement=31")[0] == set()


def test_corsica_and_overseas_departments_filter(client):
    ajaccio = EventFactory(department=Department.objects.get(code="2A"), city="Ajaccio")
    reunion = EventFactory(department=Department.objects.get(code="974"), city="Saint-Denis")
    assert listed(client, "?departement=2A")[0] == {ajaccio.pk}
    assert listed(client, "?departement=974")[0] == {reunion.pk}
    assert listed(client, "?region=04")[0] == {reunion.pk}


def test_filter_by_type_modalite_and_audience(client):
    dating = EventFactory(type=Event.Type.JOB_DATING)
    online = EventFactory(
        type=Event.Type.ATELIER,
        modalite=Event.Modalite.DISTANCIEL,
        address="",
        department=None,
        postcode="",
        city="",
    )
    young = EventFactory(type=Event.Type.FORUM, audience=Event.Audience.JEUNES)
    assert listed(client, "?type=job_dating")[0] == {dating.pk}
    assert listed(client, "?type=job_dating&type=atelier")[0] == {dating.pk, online.pk}
    assert listed(client, "?modalite=distanciel")[0] == {online.pk}
    assert listed(client, "?public=jeunes")[0] == {young.pk}


def test_filter_by_dates_defines_the_period_past_or_future(client):
    soon = EventFactory(start=in_days(3))
    later = EventFactory(start=in_days(30))
    past = EventFactory(start=in_days(-30))
    day = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert listed(client, f"?du={day}&au={day}")[0] == {soon.pk}
    assert listed(client, f"?du={day}")[0] == {soon.pk, later.pk}
    past_day = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert listed(client, f"?au={past_day}")[0] == {past.pk}


def test_filter_by_trade_and_sector(client):
    nurse = EventFactory(trades=["J1506"])
    aes = EventFactory(trades=["K1306"])
    both = EventFactory(trades=["J1501", "K1306"])
    assert listed(client, "?metier=J1506")[0] == {nurse.pk}
    assert listed(client, "?secteur=J")[0] == {nurse.pk, both.pk}
    assert listed(client, "?secteur=K")[0] == {aes.pk, both.pk}


def test_filter_only_events_with_seats_left(client):
    full = EventFactory(capacity_onsite=10)
    Event.objects.filter(pk=full.pk).update(confirmed_onsite=10)
    open_ = EventFactory(capacity_onsite=10)
    unlimited = EventFactory(capacity_onsite=None)
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    ids, _ = listed(client, "?places=1")
    assert ids == {open_.pk, unlimited.pk}
    assert cancelled.pk not in ids


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("aide soignante", "Job dating des aides-soignants"),
        ("aides-soignantes", "Job dating : aide-soignant en EHPAD"),
        ("infirmiere", "Forum des infirmières"),
        ("INFIRMIÈRES", "Forum des infirmières"),
        ("educateur specialise", "Réunion : devenir éducateur spécialisé"),
    ],
)
def test_full_text_search_ignores_accents_case_and_plurals(client, query, title):
    wanted = EventFactory(title=title)
    EventFactory(title="Atelier CV", description="Préparer son entretien")
    assert listed(client, f"?q={query}")[0] == {wanted.pk}


def test_full_text_search_covers_organiser_and_city(client):
    event = EventFactory(
        organiser=OrganiserFactory(name="Croix-Rouge française"), city="Clermont-Ferrand"
    )
    EventFactory(city="Lyon")
    assert listed(client, "?q=croix rouge")[0] == {event.pk}
    assert listed(client, "?q=clermont")[0] == {event.pk}


def test_filters_combine(client):
    match = EventFactory(type=Event.Type.JOB_DATING, title="Job dating soins à domicile")
    EventFactory(type=Event.Type.FORUM, title="Forum soins")
    EventFactory(
        type=Event.Type.JOB_DATING,
        title="Job dating soins",
        department=Department.objects.get(code="31"),
    )
    assert listed(client, "?region=84&type=job_dating&q=soin")[0] == {match.pk}


def test_facets_count_each_option(client):
    EventFactory.create_batch(2, type=Event.Type.JOB_DATING)
    EventFactory(type=Event.Type.FORUM, department=Department.objects.get(code="31"))
    _, response = listed(client)
    facets = response.context["facets"]
    assert facets.total == 3
    assert facets.count("type", "job_dating") == 2
    assert facets.count("region", "84") == 2
    assert facets.count("region", "76") == 1
    assert "Occitanie (1)" in response.content.decode()


def test_a_filtered_facet_keeps_the_counts_of_its_other_options(client):
    EventFactory.create_batch(2, type=Event.Type.JOB_DATING)
    EventFactory(type=Event.Type.FORUM)
    _, response = listed(client, "?type=forum")
    facets = response.context["facets"]
    assert facets.total == 1
    assert facets.count("type", "job_dating") == 2
    assert facets.count("type", "forum") == 1


def test_listing_paginates_with_links_that_keep_the_filters(client):
    EventFactory.create_batch(25, type=Event.Type.ATELIER)
    ids, response = listed(client, "?type=atelier")
    assert len(ids) == 20
    assert 'href="?type=atelier&amp;page=2"' in response.content.decode()
    ids2, _ = listed(client, "?type=atelier&page=2")
    assert len(ids2) == 5 and not ids & ids2


def test_cards_say_cancelled_full_and_online(client):
    EventFactory(title="Annulé ici", status=Event.Status.CANCELLED)
    full = EventFactory(title="Plein", capacity_onsite=5)
    Event.objects.filter(pk=full.pk).update(confirmed_onsite=5)
    EventFactory(
        title="Webinaire",
        modalite=Event.Modalite.DISTANCIEL,
        address="",
        department=None,
        city="",
        postcode="",
    )
    html = listed(client)[1].content.decode()
    assert "Annulé" in html
    assert "Complet" in html
    assert "En ligne" in html


def test_empty_result_says_so_and_offers_to_widen(client):
    _, response = listed(client, "?q=astronaute")
    html = response.content.decode()
    assert "Aucun événement ne correspond" in html
    assert "retirer tous les filtres" in html


@pytest.mark.parametrize(
    "query",
    [
        "?region=99",
        "?departement=20",
        "?type=concert",
        "?modalite=teleportation",
        "?du=2024-13-45",
        "?au=hier",
        "?du=2030-05-01&au=2030-04-01",
        "?page=999999",
        "?page=-1",
        "?page=abc",
        "?metier=Z9999",
        "?secteur=X",
        "?public=chats",
        "?q=%27%22%25%3B--+DROP+TABLE+events_event%3B",
        "?q=" + "a" * 10_000,
        "?q=%00",
        "?q=%26%7C%21%3A%2A",
        "?au=9999-12-31",
        "?du=9999-12-31",
        "?du=0001-01-01",
        "?au=0001-01-01",
        "?places=peut-etre",
        "?region=84&region=76",
    ],
)
def test_bad_input_never_gives_a_server_error(client, query):
    EventFactory()
    response = client.get(LIST + query)
    assert response.status_code in (200, 400)


def test_invalid_values_are_reported_next_to_the_field_and_ignored(client):
    event = EventFactory()
    ids, response = listed(client, "?region=99&du=2030-05-01&au=2030-04-01")
    html = response.content.decode()
    assert "Région inconnue" in html
    assert "La date de fin doit être après la date de début" in html
    assert event.pk in ids


def test_huge_page_number_shows_the_last_page_and_says_so(client):
    EventFactory.create_batch(3)
    _, response = listed(client, "?page=999999")
    assert "existe pas : voici la page 1" in response.content.decode()
    assert response.context["page_obj"].number == 1


def test_listing_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, settings):
    settings.ROW_INDEX = False  # over the rows, as a search asked for the first time
    EventFactory.create_batch(3, trades=["J1501"])
    # Two of them read what the keywords mean (vocabulary and stop words) and the rows they
    # find (with their relevance), both then cached; the page's ids, then its rows.
    with django_assert_max_num_queries(9):
        response = client.get(LIST + "?region=84&q=job")
    assert response.status_code == 200
    EventFactory.create_batch(30, trades=["J1501"])
    with django_assert_max_num_queries(9):
        response = client.get(LIST + "?region=84&q=job")
    assert response.status_code == 200


def test_region_page_lists_the_region_and_links_its_departments(client):
    lyon = EventFactory()
    EventFactory(department=Department.objects.get(code="31"))
    response = client.get("/evenements/region/84/")
    assert response.status_code == 200
    assert {e.pk for e in response.context["events"]} == {lyon.pk}
    html = response.content.decode()
    assert "<title>Événements en Auvergne-Rhône-Alpes" in html
    assert "?departement=69" in html
    assert client.get("/evenements/region/99/").status_code == 404


def test_cached_facets_never_hide_a_change_made_in_the_admin(client):
    event = EventFactory(type=Event.Type.FORUM)
    assert listed(client)[1].context["facets"].count("type", "forum") == 1
    # An admin edit (model save) and a bulk change (queryset update) both show at once.
    event.type = Event.Type.ATELIER
    event.save()
    facets = listed(client)[1].context["facets"]
    assert facets.count("type", "forum") == 0
    assert facets.count("type", "atelier") == 1
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    ids, response = listed(client)
    assert ids == set() and response.context["facets"].total == 0
    EventFactory.create_batch(2)
    assert listed(client)[1].context["facets"].total == 2


def test_a_seat_taken_updates_the_counts_of_the_seats_left_filter(client):
    event = EventFactory(type=Event.Type.FORUM, capacity_onsite=1)
    assert listed(client, "?places=1")[1].context["facets"].count("type", "forum") == 1
    Event.objects.filter(pk=event.pk).update(confirmed_onsite=1)
    ids, response = listed(client, "?places=1")
    assert ids == set() and response.context["facets"].count("type", "forum") == 0


def test_listings_that_differ_by_one_filter_share_its_counts(
    client, django_assert_num_queries, settings
):
    settings.ROW_INDEX = False  # as a process counts until it holds the rows in memory
    lyon = EventFactory()
    EventFactory(department=Department.objects.get(code="35"), city="Rennes", postcode="35000")
    # The regions are counted on every event, whichever region is chosen: once for both pages.
    # (With an audience, a selection the facet summary does not keep: counted over the rows.)
    first = listed(client, "?region=84&public=tous")[1].context["facets"]
    # Versions, facets of Brittany, its audiences, its trades, ids, rows: no regions.
    with django_assert_num_queries(6):
        second = listed(client, "?region=53&public=tous")[1].context["facets"]
    assert first.counts["region"] == second.counts["region"] == {"84": 1, "53": 1}
    assert first.total == second.total == 1
    assert lyon.region_id == "84"


def test_a_common_selection_is_counted_from_the_facet_summary(
    client, django_assert_num_queries, settings
):
    settings.ROW_INDEX = False  # as a process counts until it holds the rows in memory
    EventFactory(trades=["J1501"])
    EventFactory(department=Department.objects.get(code="35"), city="Rennes", postcode="35000")
    listed(client, "?type=forum")  # the reference data the form shows, read once per process
    with django_assert_num_queries(4):  # versions, every count from the summary, ids, rows
        facets = listed(client, "?region=53&type=job_dating")[1].context["facets"]
    assert facets.total == 1
    assert facets.counts["region"] == {"84": 1, "53": 1}
    assert facets.counts["metier"] == {}


def test_with_the_rows_in_memory_a_page_reads_only_its_own_rows(client, django_assert_num_queries):
    EventFactory(trades=["J1501"])
    EventFactory(department=Department.objects.get(code="35"), city="Rennes", postcode="35000")
    listed(client, "?type=forum")  # the rows in memory built, the form's reference data read
    with django_assert_num_queries(2):  # versions, the page's rows: no count, no ids
        ids, response = listed(
            client, "?region=84&type=job_dating&metier=J1501&modalite=presentiel"
        )
    facets = response.context["facets"]
    assert facets.total == len(ids) == 1
    assert facets.counts["region"] == {"84": 1}
    assert facets.counts["metier"] == {"J1501": 1}


def test_an_event_cannot_last_more_than_a_month():
    from django.core.exceptions import ValidationError

    event = EventFactory.build(start=in_days(1), end=in_days(40))
    with pytest.raises(ValidationError) as error:
        event.full_clean(exclude=["organiser", "edition", "department"])
    assert "31 jours" in str(error.value)


def seats_on_card(client, event) -> str:
    text = client.get("/evenements/").text
    card = text[text.index(escape(event.title)) :]
    seats = card[card.index('class="card-seats">') + len('class="card-seats">') :]
    return seats[: seats.index("</p>")]


def register(event, n):
    from events.services.registration import registration_create

    start = event.registrations.count()
    for i in range(start, start + n):
        registration_create(
            event=event, first_name="Awa", last_name=f"Diallo {i}", email=f"awa{i}@example.org"
        )


def test_a_card_gives_the_number_of_seats_left_only_for_the_last_ones(client):
    event = EventFactory(title="Job dating EHPAD", capacity_onsite=50)
    register(event, 39)
    assert seats_on_card(client, event) == "Places disponibles"
    register(event, 1)
    assert seats_on_card(client, event) == "10 places restantes"
    register(event, 9)
    assert seats_on_card(client, event) == "1 place restante"
    register(event, 1)
    assert "Complet" in seats_on_card(client, event)


def test_a_registration_far_from_the_last_seats_leaves_the_listing_cached(client):
    from semaine.pagecache import data_versions

    event = EventFactory(title="Forum des métiers du soin", capacity_onsite=100)
    page = client.get("/evenements/").content
    before = data_versions()
    register(event, 3)
    after = data_versions()
    # The seats moved (the event's page and the API show them), the listing's cards did not.
    assert after["seats"] > before["seats"]
    assert after["availability"] == before["availability"]
    assert client.get("/evenements/").content == page


def test_the_last_seats_show_on_the_listing_at_once(client):
    event = EventFactory(title="Visite de l'hôpital", capacity_onsite=12)
    assert seats_on_card(client, event) == "Places disponibles"  # now cached
    register(event, 2)
    assert seats_on_card(client, event) == "10 places restantes"
    register(event, 10)
    assert "Complet" in seats_on_card(client, event)
    assert event.title not in client.get("/evenements/?places=1").text


def chips(response) -> list[tuple[str, str]]:
    return [(chip.label, href) for chip, href in response.context["chips"]]


def test_active_filters_are_chips_whose_links_remove_them(client):
    EventFactory()
    response = client.get(
        LIST,
        {
            "q": "soin",
            "region": "84",
            "lieu": "Lyon",
            "rayon": "10",
            "tri": "date",
            "type": ["job_dating", "forum"],
            "du": "2030-04-22",
            "places": "1",
            "page": "2",
        },
    )

    base = "q=soin&region=84&lieu=Lyon&rayon=10&tri=date&type=job_dating&type=forum"
    assert chips(response) == [
        ("« soin »", "?" + base.replace("q=soin&", "") + "&du=2030-04-22&places=1"),
        ("Auvergne-Rhône-Alpes", "?" + base.replace("region=84&", "") + "&du=2030-04-22&places=1"),
        (
            "Autour de Lyon (69), 10 km",
            "?q=soin&region=84&type=job_dating&type=forum&du=2030-04-22&places=1",
        ),
        ("Job dating", "?" + base.replace("type=job_dating&", "") + "&du=2030-04-22&places=1"),
        ("Forum", "?" + base.replace("&type=forum", "") + "&du=2030-04-22&places=1"),
        ("À partir du 22 avril 2030", "?" + base + "&places=1"),
        ("Avec des places", "?" + base + "&du=2030-04-22"),
    ]
    # The « Filtres » button counts what its panel holds: not the keywords nor the place.
    assert response.context["panel_filter_count"] == 5
    html = response.content.decode()
    assert '<a class="chip chip-clear" href="/evenements/">Tout effacer</a>' in html
    assert 'Filtres <span class="filters-count">(5<span class="visually-hidden"> actifs' in html


def test_the_last_chip_removed_leads_to_the_bare_listing(client):
    response = client.get(LIST, {"modalite": "distanciel", "page": "3"})
    assert chips(response) == [("En ligne", "/evenements/")]


def test_invalid_filters_make_no_chip_and_open_the_filter_panel(client):
    response = client.get(LIST, {"region": "XX", "type": "nope", "du": "2030-13-45"})

    assert chips(response) == []
    assert response.context["panel_filter_count"] == 0
    assert 'class="filter-panel is-open" id="filtres"' in response.content.decode()


def test_without_the_online_events_near_a_place_is_a_chip_of_its_own(client):
    response = client.get(LIST, {"lieu": "Lyon", "en_ligne": ["0"]})
    assert chips(response) == [
        ("Autour de Lyon (69), 30 km", "/evenements/"),
        ("Sans les événements en ligne", "?lieu=Lyon"),
    ]
    # Without a place, the online events are no filter at all.
    assert chips(client.get(LIST, {"en_ligne": "0"})) == []


def test_a_region_page_shows_no_chip_for_its_own_region(client):
    response = client.get("/evenements/region/84/", {"type": "forum"})
    assert chips(response) == [("Forum", "/evenements/region/84/")]
    assert 'class="chip chip-clear" href="/evenements/region/84/"' in response.content.decode()


def test_the_filter_form_lists_only_departments_and_trades_with_events(client):
    EventFactory(trades=["J1501"])  # Rhône
    html = client.get(LIST).content.decode()
    departments = re.findall(
        r'<option value="([0-9AB]+)"', html.split('id="id_departement"')[1].split("</select>")[0]
    )
    assert departments == ["69"]
    assert (
        client.get(LIST, {"departement": "35"}).content.decode().count('value="35" selected') == 1
    )
