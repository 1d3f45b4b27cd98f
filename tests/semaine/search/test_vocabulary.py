"""The search vocabulary: loaded from the ROME titles and the sector's words, edited by
national staff in the admin, with validation."""

import csv

import pytest

from events.filters import EventFilter
from semaine.models import SearchTerm, Trade
from semaine.search.text import key
from semaine.search.vocabulary import shipped_entries, title_forms
from tests.factories import EventFactory

ADMIN = "/admin/semaine/searchterm/"


@pytest.mark.parametrize(
    ("label", "forms", "acronyms"),
    [
        ("Infirmier / Infirmière", ["Infirmier", "Infirmière"], []),
        (
            "Infirmier / Infirmière de bloc opératoire (IBODE)",
            ["Infirmier de bloc opératoire", "Infirmière de bloc opératoire"],
            ["IBODE"],
        ),
        (
            "Moniteur éducateur / Monitrice éducatrice",
            ["Moniteur éducateur", "Monitrice éducatrice"],
            [],
        ),
        (
            "Infirmier Anesthésiste Diplômé / Infirmière Anesthésiste Diplômée d'Etat -IADE-",
            ["Infirmier Anesthésiste Diplômé d'Etat", "Infirmière Anesthésiste Diplômée d'Etat"],
            ["IADE"],
        ),
        ("Auxiliaire de puériculture", ["Auxiliaire de puériculture"], []),
        ("Homme sage-femme / Sage-femme", ["Homme sage-femme", "Sage-femme"], []),
    ],
)
def test_a_rome_title_gives_its_gender_forms_and_acronyms(label, forms, acronyms):
    assert title_forms(label) == (forms, acronyms)


def test_keys_ignore_case_accents_hyphens_and_apostrophes():
    assert key("Aide-Soignante") == key("aide soignante") == "aide soignante"
    assert key("Diplôme d'État") == "diplome d etat"
    assert key("  !!! ") == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("phrase", "trade", "expands_to"),
    [
        ("infirmière", "J1506", "IDE"),
        ("IDE", "J1506", "infirmière"),
        ("AS", "J1501", "aide-soignant"),
        ("DEAS", "J1501", "aide-soignante"),
        ("monitrice éducatrice", "K1208", "moniteur éducateur"),
        ("puéricultrice", "J1507", "puériculteur"),
        ("ASH", "J1301", "agent de service hospitalier"),
        ("EJE", "K1202", "éducatrice de jeunes enfants"),
        ("Ambulancière urgentiste", "J1305", "Ambulancier urgentiste"),
    ],
)
def test_the_migration_loads_trades_words_acronyms_and_diplomas(phrase, trade, expands_to):
    term = SearchTerm.objects.get(key=key(phrase))
    assert trade in {t.code for t in term.trades.all()}
    assert expands_to in term.expansions


@pytest.mark.django_db
def test_everyday_words_expand_to_each_other_without_a_trade():
    term = SearchTerm.objects.get(key="apprentissage")
    assert not term.trades.exists()
    assert {"alternance", "contrat de professionnalisation"} <= set(term.expansions)


@pytest.mark.django_db
def test_every_rome_title_of_the_reference_is_in_the_vocabulary(shared_reference):
    codes = set(Trade.objects.current().values_list("code", flat=True))
    keys = set(SearchTerm.objects.values_list("key", flat=True))
    expected = set(shipped_entries(codes))
    assert expected <= keys
    with open(shared_reference / "rome_jk_appellations_v460.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2149
    for row in rows:
        forms, _ = title_forms(row["label_long"])
        if row["code_rome"] in codes or len(forms) > 1:
            assert {key(f) for f in forms} <= keys, row["label_long"]


# -- the admin -------------------------------------------------------------------------------


@pytest.fixture
def national_client(client, national_user):
    client.force_login(national_user)
    return client


def form(**overrides):
    data = {"phrase": "IDEH", "kind": "sigle", "trades": [], "expansions": ""}
    data.update(overrides)
    return data


def nurse_trade():
    return Trade.objects.current().get(code="J1506")


def test_national_staff_add_a_word_and_searches_use_it_at_once(national_client):
    event = EventFactory(title="Job dating", trades=["J1507"])
    assert not EventFilter({"q": "puer"}).qs.exists()
    puericulture = Trade.objects.current().get(code="J1507")
    response = national_client.post(
        f"{ADMIN}add/", form(phrase="Puer", trades=[puericulture.pk], expansions="puéricultrice")
    )
    assert response.status_code == 302, response.content.decode()
    term = SearchTerm.objects.get(key="puer")
    assert term.kind == "sigle"
    assert [e.pk for e in EventFilter({"q": "puer"}).qs] == [event.pk]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form(expansions="idéh"), "ne peut pas se développer en lui-même"),
        (form(phrase="Ideh", expansions="infirmière, IDEH"), "en lui-même"),
        (form(expansions=""), "ne se développerait en rien"),
        (form(expansions="infirmière, !!!"), "ne contient ni lettre ni chiffre"),
        (form(phrase=" -- ", expansions="infirmier"), "au moins une lettre ou un chiffre"),
        (form(phrase="aide-soignante", expansions="AS"), "est déjà dans le vocabulaire"),
    ],
)
def test_the_admin_refuses_a_loop_an_empty_expansion_and_a_duplicate(
    national_client, data, message
):
    response = national_client.post(f"{ADMIN}add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SearchTerm.objects.filter(key="ideh").exists()


def test_an_entry_with_a_trade_and_no_word_is_accepted(national_client):
    response = national_client.post(f"{ADMIN}add/", form(trades=[nurse_trade().pk]))
    assert response.status_code == 302
    assert SearchTerm.objects.get(key="ideh").expansions == []


def test_agency_staff_cannot_edit_the_vocabulary(agency_client):
    assert agency_client.get(ADMIN).status_code == 403


def test_an_edit_in_the_admin_shows_at_once_on_a_cached_page(national_client, client):
    EventFactory(title="Job dating", trades=["J1507"])
    assert "0 événement" in client.get("/evenements/", {"q": "puer"}).content.decode()
    puericulture = Trade.objects.current().get(code="J1507")
    national_client.post(f"{ADMIN}add/", form(phrase="puer", trades=[puericulture.pk]))
    assert "1 événement" in client.get("/evenements/", {"q": "puer"}).content.decode()
    assert client.get("/api/v1/evenements/", {"q": "puer"}).json()["count"] == 1
