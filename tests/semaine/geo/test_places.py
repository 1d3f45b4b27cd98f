import pytest

from semaine.geo.places import nearest_commune, resolve_place, suggest_communes
from semaine.geo.text import normalise
from semaine.models import Commune

pytestmark = pytest.mark.django_db


def test_names_are_compared_without_accents_hyphens_or_short_saints():
    assert normalise("Saint-Étienne") == normalise("st etienne") == "saint etienne"
    assert normalise("L'Haÿ-les-Roses") == "l hay les roses"
    assert normalise("Œuilly") == "oeuilly"


@pytest.mark.parametrize(
    "text,insee",
    [
        ("Lyon", "69123"),
        ("villeurbanne", "69266"),
        ("ST ETIENNE", "42218"),
        ("69003", "69383"),  # a city's postcode: its arrondissement
        ("42218", "42218"),  # an INSEE code
        ("2A004", "2A004"),
        ("Saint-Denis (93)", "93066"),
        ("saint denis 93", "93066"),
        ("Paris 16", "75116"),
    ],
)
def test_a_unique_place_is_resolved(text, insee):
    resolution = resolve_place(text)
    assert resolution.commune.insee == insee
    assert resolution.message == ""


def test_an_ambiguous_name_uses_the_most_populous_and_offers_the_others():
    resolution = resolve_place("Saint-Denis")
    assert resolution.is_ambiguous
    everyone = [resolution.commune, *resolution.others]
    assert {c.department_id for c in everyone} >= {"11", "30", "93", "974"}
    assert resolution.commune.population == max(c.population for c in everyone)


def test_an_unknown_name_says_so_and_offers_the_closest_names():
    resolution = resolve_place("Lyonn")
    assert resolution.commune is None
    assert "Aucune commune ne s'appelle « Lyonn »" in resolution.message
    assert "Lyon (69)" in [c.label for c in resolution.closest]


@pytest.mark.parametrize(
    "text,message",
    [
        ("99999", "Aucune commune n'a le code postal 99999."),
        ("x" * 10_000, "Le lieu saisi est trop long"),
        ("--- !!", "n'est pas un nom de commune"),
    ],
)
def test_what_is_no_place_gets_a_message(text, message):
    resolution = resolve_place(text)
    assert resolution.commune is None
    assert message in resolution.message


def test_suggestions_put_the_biggest_communes_first():
    assert [c.name for c in suggest_communes("lyo")][:1] == ["Lyon"]
    saints = suggest_communes("st etien")
    assert saints[0].name == "Saint-Étienne"
    # « st » being typed may also be the beginning of Strasbourg.
    assert "Strasbourg" in [c.name for c in suggest_communes("st")]
    # 69100 is Villeurbanne's postcode, and the INSEE code of a village of the Rhône.
    assert [c.insee for c in suggest_communes("69100")] == ["69266", "69100"]
    assert all(any(p.startswith("691") for p in c.postcodes) for c in suggest_communes("691"))
    assert suggest_communes("") == []


def test_the_nearest_commune_of_a_point():
    assert nearest_commune(45.7705, 4.8880).name == "Villeurbanne"
    assert nearest_commune(46.0, -8.0) is None  # the Atlantic
    assert nearest_commune(1e308, 0) is None


def _by_size(communes):
    return sorted(communes, key=lambda c: (-c.population, c.name, c.insee))


@pytest.mark.parametrize(
    "prefix",
    # A department's postcodes, a city's, Corsica's, overseas, a code ending in zeros, a
    # prefix no postcode has, and one of four digits of a few villages.
    ["69", "690", "6900", "13", "75", "01", "20", "201", "97", "974", "9740", "00", "999", "3818"],
)
def test_a_partial_postcode_suggests_the_biggest_communes_that_have_such_a_postcode(prefix):
    every = list(Commune.objects.all())
    expected = _by_size(c for c in every if any(p.startswith(prefix) for p in c.postcodes))
    # The indexed lookup finds exactly the communes that have such a postcode…
    assert {c.insee for c in Commune.objects.with_postcode_starting(prefix)} == {
        c.insee for c in expected
    }
    # …and the suggestions are the biggest ten of them, in order.
    assert [c.insee for c in suggest_communes(prefix)] == [c.insee for c in expected[:10]]


def test_a_partial_postcode_is_looked_up_in_an_index_not_in_every_commune():
    plan = Commune.objects.with_postcode_starting("69").explain()
    assert "commune_postcode_prefixes" in plan
    assert "Seq Scan" not in plan
