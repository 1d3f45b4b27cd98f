import pytest
from django.core.cache import cache
from django.urls import reverse

from offers.models import Offer
from semaine.models import Department, Trade
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

URL = "/offres/"


def titles(response):
    return {offer.title for offer in response.context["offers"]}


def trade(code):
    return Trade.objects.current().get(code=code)


@pytest.fixture
def offers():
    """A small, varied catalogue: Brittany, Rhône, Corsica; jobs and trainings."""
    return {
        "as_rennes": OfferFactory(title="Aide-soignant de nuit (H/F)"),
        "ide_brest": OfferFactory(
            title="Infirmière en soins généraux",
            description="Service de médecine, équipe de jour.",
            trade=trade("J1506"),
            city="Brest",
            postcode="29200",
            department=Department.objects.get(code="29"),
            contract_type=Offer.Contract.CDD,
            working_time=Offer.WorkingTime.PARTIEL,
        ),
        "aes_lyon": OfferFactory(
            title="Accompagnant éducatif et social en alternance",
            description="Accompagnement de personnes âgées à domicile.",
            trade=trade("K1306"),
            city="Lyon",
            postcode="69003",
            department=Department.objects.get(code="69"),
            contract_type=Offer.Contract.APPRENTISSAGE,
            work_study=True,
            employer="ADMR du Rhône",
        ),
        "deas_rennes": OfferFactory(
            nature=Offer.Nature.FORMATION,
            title="Formation Diplôme d'État d'aide-soignant (DEAS)",
            employer="",
            contract_type="",
            working_time="",
            organisation="IFAS du CHU de Rennes",
            diploma=Offer.Diploma.DEAS,
            work_study=True,
        ),
        "closed": OfferFactory(title="Aide-soignant pourvu", status=Offer.Status.CLOSED),
    }


def test_the_listing_shows_open_offers_most_recent_first(client, offers):
    Offer.objects.filter(pk=offers["ide_brest"].pk).update(
        published_at=offers["as_rennes"].published_at.replace(year=2099)
    )

    response = client.get(URL)

    assert response.status_code == 200
    listed = [offer.title for offer in response.context["offers"]]
    assert listed[0] == "Infirmière en soins généraux"
    assert "Aide-soignant pourvu" not in listed
    assert len(listed) == 4
    assert "4 offres" in response.content.decode()
    assert reverse("offers:list") == URL


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nature=formation", {"deas"}),
        ("nature=emploi", {"as", "ide", "aes"}),
        ("region=53", {"as", "ide", "deas"}),
        ("region=84", {"aes"}),
        ("departement=29", {"ide"}),
        ("metier=J1501", {"as", "deas"}),
        ("contrat=CDD", {"ide"}),
        ("contrat=CDD&contrat=APP", {"ide", "aes"}),
        ("alternance=1", {"aes", "deas"}),
        ("temps=partiel", {"ide"}),
        ("temps=plein", {"as", "aes"}),
        ("region=53&nature=emploi&temps=plein", {"as"}),
    ],
)
def test_each_filter_narrows_the_listing(client, offers, query, expected):
    short = {
        "as": "Aide-soignant de nuit (H/F)",
        "ide": "Infirmière en soins généraux",
        "aes": "Accompagnant éducatif et social en alternance",
        "deas": "Formation Diplôme d'État d'aide-soignant (DEAS)",
    }

    response = client.get(f"{URL}?{query}")

    assert titles(response) == {short[k] for k in expected}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (
            "aide-soignant",
            {"Aide-soignant de nuit (H/F)", "Formation Diplôme d'État d'aide-soignant (DEAS)"},
        ),
        (
            "aides-soignantes",
            {"Aide-soignant de nuit (H/F)", "Formation Diplôme d'État d'aide-soignant (DEAS)"},
        ),
        ("infirmiere", {"Infirmière en soins généraux"}),
        ("INFIRMIÈRES", {"Infirmière en soins généraux"}),
        ("accompagnants educatifs", {"Accompagnant éducatif et social en alternance"}),
        ("brest", {"Infirmière en soins généraux"}),
        ("admr", {"Accompagnant éducatif et social en alternance"}),
        ("aide-soignant -formation", {"Aide-soignant de nuit (H/F)"}),
    ],
)
def test_full_text_search_ignores_accents_case_and_plurals(client, offers, q, expected):
    response = client.get(URL, {"q": q})

    assert titles(response) == expected


def test_facets_count_the_filtered_offers(client, offers):
    response = client.get(URL, {"region": "53"})

    options = response.context["options"]
    facets = response.context["facets"]
    assert facets.total == 3
    assert {v: n for v, _, n, _ in options["nature"]} == {"emploi": 2, "formation": 1}
    assert {v: n for v, _, n, _ in options["departement"] if n} == {"35": 2, "29": 1}
    assert {v: n for v, _, n, _ in options["metier"] if n} == {"J1501": 2, "J1506": 1}
    assert options["alternance"] == 1
    # The region facet itself still counts the other regions, so they stay choosable.
    assert {v: n for v, _, n, s in options["region"] if n} == {"53": 3, "84": 1}
    assert [v for v, _, _, selected in options["region"] if selected] == ["53"]


def test_the_page_shows_counts_next_to_each_option(client, offers):
    html = client.get(URL).content.decode()

    assert "Bretagne (3)" in html
    assert 'id="contrat-APP"' in html
    assert 'En alternance seulement <span class="count">(2)</span>' in html


@pytest.mark.parametrize(
    "query",
    [
        "region=999",
        "departement=<script>",
        "metier=Z9999",
        "contrat=XXX",
        "temps=nuit",
        "nature=stage",
        "alternance=peut-etre",
        "q=" + "x" * 500,
        "q=%27%3B+DROP+TABLE+offers_offer%3B--",
        "q=%22%22%22+%26+%21+%7C",
        "page=-3",
        "page=999999999999",
        "page=abc",
    ],
)
def test_bad_input_never_breaks_the_listing(client, offers, query):
    response = client.get(f"{URL}?{query}")

    assert response.status_code == 200
    assert Offer.objects.count() == 5


def test_an_unknown_filter_value_is_ignored_and_said_so(client, offers):
    response = client.get(URL, {"region": "999", "temps": "nuit"})

    html = response.content.decode()
    assert len(response.context["offers"]) == 4
    assert "Région inconnue : le filtre est ignoré." in html
    assert "Temps de travail inconnu : le filtre est ignoré." in html
    assert 'aria-describedby="id_region_error"' in html


def test_a_page_beyond_the_last_shows_the_last_with_a_message(client, offers):
    response = client.get(URL, {"page": "40"})

    assert response.context["page_obj"].number == 1
    assert "La page « 40 » n&#x27;existe pas : voici la page 1." in response.content.decode()


def test_no_result_suggests_widening_the_search(client, offers):
    response = client.get(URL, {"q": "chirurgien", "region": "53"})

    html = response.content.decode()
    assert "Aucune offre ne correspond à ces critères." in html
    assert "retirer les mots-clés" in html


def test_the_listing_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    OfferFactory.create_batch(3)
    cache.clear()
    with django_assert_max_num_queries(8) as few:
        response = client.get(URL)
    assert response.status_code == 200
    OfferFactory.create_batch(40, nature=Offer.Nature.FORMATION)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.status_code == 200
    cache.clear()
    # Each active faceted filter adds one count: region, metier and nature here; the keywords
    # two: what they mean (the vocabulary and the stop words) and the rows they find.
    with django_assert_max_num_queries(len(few.captured_queries) + 5):
        response = client.get(
            URL, {"region": "53", "metier": "J1501", "nature": "emploi", "q": "aide"}
        )
    assert response.status_code == 200


def test_facet_counts_are_cached_for_the_same_filters_searches_included(
    client, django_assert_max_num_queries
):
    OfferFactory.create_batch(3)
    with django_assert_max_num_queries(20) as first:
        response = client.get(URL, {"contrat": ["CDI", "CDD"], "region": "53"})
    assert response.status_code == 200
    # Reordered: the same page, from the page cache.
    with django_assert_max_num_queries(1):
        response = client.get(URL, {"contrat": ["CDI", "CDD"], "region": "53"})
    assert response.status_code == 200
    # Another page of it: three counts spared, one look at the listing version spent.
    with django_assert_max_num_queries(len(first.captured_queries) - 2):
        response = client.get(URL, {"contrat": ["CDD", "CDI"], "region": "53", "page": "1"})
    assert response.status_code == 200
    assert response.context["facets"].total == 3
    with django_assert_max_num_queries(20) as search:
        response = client.get(URL, {"q": "aide"})
    assert response.status_code == 200
    # Another URL (so not the page cache), the same search: its counts are not made again.
    with django_assert_max_num_queries(len(search.captured_queries) - 1):
        response = client.get(URL, {"q": "aide", "page": "2"})
    assert response.status_code == 200
    assert response.context["facets"].total == 3


def test_cached_counts_never_hide_a_new_or_closed_offer(client):
    offer = OfferFactory()
    assert client.get(URL, {"region": "53"}).context["facets"].total == 1
    OfferFactory()
    assert client.get(URL, {"region": "53"}).context["facets"].total == 2
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.CLOSED)
    assert client.get(URL, {"region": "53"}).context["facets"].total == 1


def test_the_listing_rejects_writes(client):
    assert client.post(URL).status_code == 405


def test_total_counts_every_offer_when_several_contracts_are_chosen(client):
    OfferFactory.create_batch(3, contract_type=Offer.Contract.CDI)
    OfferFactory.create_batch(2, contract_type=Offer.Contract.CDD)
    OfferFactory(contract_type=Offer.Contract.MIS)
    response = client.get("/offres/", {"contrat": ["CDI", "CDD"]})
    assert response.context["facets"].total == 5
    assert len(response.context["page_obj"].object_list) == 5


def test_offers_active_filters_are_chips_whose_links_remove_them(client):
    OfferFactory()
    response = client.get(
        "/offres/", {"nature": "emploi", "contrat": ["CDI", "CDD"], "alternance": "1"}
    )

    assert [(chip.label, href) for chip, href in response.context["chips"]] == [
        ("Offre d'emploi", "?contrat=CDI&contrat=CDD&alternance=1"),
        ("CDI", "?nature=emploi&contrat=CDD&alternance=1"),
        ("CDD", "?nature=emploi&contrat=CDI&alternance=1"),
        ("En alternance", "?nature=emploi&contrat=CDI&contrat=CDD"),
    ]
    assert response.context["panel_filter_count"] == 4
