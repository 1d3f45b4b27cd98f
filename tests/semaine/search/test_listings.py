"""What the listings show of a search: the corrected words, no result, the order, bad input."""

import pytest

from tests.factories import EventFactory, OfferFactory, in_days

EVENTS = "/evenements/"
OFFERS = "/offres/"


def titles(response, name="events"):
    return [row.title for row in response.context[name]]


@pytest.fixture
def nurses(db):
    return EventFactory(title="Forum des infirmières", trades=["J1506"])


def test_a_corrected_search_says_so_with_both_links(client, nurses):
    response = client.get(EVENTS, {"q": "infirmeire", "type": "job_dating"})
    html = response.content.decode()
    assert titles(response) == ["Forum des infirmières"]
    assert "Résultats pour" in html
    assert '<a href="?q=infirmi%C3%A8re&amp;type=job_dating"><em>infirmière</em></a>' in html
    assert "rechercher plutôt" in html
    assert '<a href="?q=infirmeire&amp;type=job_dating&amp;exact=1"><em>infirmeire</em></a>' in html


def test_the_words_as_typed_find_nothing_and_suggest_the_closest_trades(client, nurses):
    response = client.get(EVENTS, {"q": "infirmeire", "exact": "1"})
    html = response.content.decode()
    assert titles(response) == []
    assert "Résultats pour" not in html
    assert "Aucun résultat" in html
    assert "Métiers proches" in html
    assert "retirer tous les filtres" in html


def test_no_result_for_a_trade_word_suggests_that_trade_and_removing_filters(client, nurses):
    response = client.get(EVENTS, {"q": "IDE", "region": "53"})
    html = response.content.decode()
    assert "Aucun résultat" in html
    assert '<a href="/evenements/?metier=J1506">Infirmier / Infirmière en soins généraux' in html
    assert "retirer les mots-clés" in html


def test_the_offers_listing_corrects_and_says_so_too(client, db):
    OfferFactory(title="Infirmière de nuit", trade=None)
    response = client.get(OFFERS, {"q": "infirmeire"})
    assert titles(response, "offers") == ["Infirmière de nuit"]
    assert "rechercher plutôt" in response.content.decode()


def test_title_and_trade_matches_come_first_then_the_date(client, db):
    EventFactory(title="Forum emploi", description="Avec des infirmières.", start=in_days(1))
    EventFactory(title="Rencontre CHU", trades=["J1506"], start=in_days(5))
    EventFactory(title="Job dating infirmier", start=in_days(3))
    EventFactory(title="Atelier CV", start=in_days(2))
    response = client.get(EVENTS, {"q": "infirmière"})
    assert titles(response) == ["Job dating infirmier", "Rencontre CHU", "Forum emploi"]
    # Without keywords, the date alone.
    assert titles(client.get(EVENTS)) == [
        "Forum emploi",
        "Atelier CV",
        "Job dating infirmier",
        "Rencontre CHU",
    ]


def test_offers_matching_in_the_title_come_before_older_ones_only_described(client, db):
    from django.utils import timezone

    OfferFactory(title="Poste en EHPAD", description="Infirmière de jour.", trade=None)
    OfferFactory(
        title="Infirmière de nuit",
        trade=None,
        published_at=timezone.now() - timezone.timedelta(days=3),
    )
    response = client.get(OFFERS, {"q": "infirmière"})
    assert titles(response, "offers") == ["Infirmière de nuit", "Poste en EHPAD"]


def test_the_api_and_the_export_give_the_listing_s_rows_in_its_order(client, db):
    EventFactory(title="Forum emploi", description="Avec des infirmières.", start=in_days(1))
    EventFactory(title="Job dating infirmier", start=in_days(3))
    api = client.get("/api/v1/evenements/", {"q": "IDE"}).json()
    assert [e["title"] for e in api["results"]] == ["Job dating infirmier", "Forum emploi"]
    csv = b"".join(client.get("/evenements/export.csv", {"q": "IDE"}).streaming_content)
    assert csv.decode("utf-8-sig").index("Job dating infirmier") < csv.decode("utf-8-sig").index(
        "Forum emploi"
    )


BAD = [
    "x" * 10_000,
    "infirmière " * 100,
    "le la de des du",
    "!!! ??? ... ;;;",
    "' OR 1=1 --",
    "'; DROP TABLE events_event; --",
    ".*[a-z]+$ (a|b)* \\d{3}",
    "& | ! : * <-> ( )",
    " ".join(f"mot{i}" for i in range(30)),
    " ".join(["infirmière", "AS", "EHPAD", "alternance", "IDE", "ASH"] * 5),
    "infirmière Москва 東京 القاهرة",
    "😀 🏥 👩‍⚕️",
    "\u200b\u200b",
    '"unclosed phrase',
    "-",
    "or or or",
]


@pytest.mark.parametrize("q", BAD)
def test_bad_keywords_give_a_normal_page(client, nurses, q):
    response = client.get(EVENTS, {"q": q})
    assert response.status_code == 200
    assert b'<h2 id="resultats"' in response.content


@pytest.mark.parametrize("q", BAD)
def test_bad_keywords_give_normal_json(client, nurses, q):
    for url in ("/api/v1/evenements/", "/api/v1/offres/", "/api/v1/metiers/"):
        response = client.get(url, {"q": q})
        assert response.status_code == 200, (url, response.content[:300])
        assert "results" in response.json()


def test_thirty_terms_run_a_bounded_number_of_queries(
    client, nurses, django_assert_max_num_queries
):
    many = " ".join(["infirmière", "AS", "EHPAD", "alternance", "IDE", "ASH"] * 5)
    client.get(EVENTS)  # the rows in memory built (in production, by a thread of their own)
    with django_assert_max_num_queries(12):
        assert client.get(EVENTS, {"q": many}).status_code == 200


def test_only_stop_words_or_punctuation_find_nothing_rather_than_everything(client, nurses):
    for q in ("le la de", "!!!", "😀"):
        response = client.get(EVENTS, {"q": q})
        assert titles(response) == []
        assert "Aucun résultat" in response.content.decode()
