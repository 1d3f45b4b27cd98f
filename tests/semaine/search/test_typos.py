"""Typo tolerance: one typo from 5 letters, two from 9, to a word that exists."""

import pytest

from events.filters import EventFilter
from semaine.search.typos import typo_distance
from tests.factories import EventFactory


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("infirmiere", "infirmiere", 0),
        ("infirmeire", "infirmiere", 1),  # two letters swapped: one typo
        ("infirmire", "infirmiere", 1),
        ("infirmierre", "infirmiere", 1),
        ("infirmeirre", "infirmiere", 2),
        ("lyon", "lyom", 1),
        ("", "abc", 3),
    ],
)
def test_typo_distance_counts_inversions_as_one(a, b, distance):
    assert typo_distance(a, b) == distance


def search(q):
    f = EventFilter({"q": q})
    return {e.title for e in f.qs}, f.search


@pytest.fixture
def nurses(db):
    EventFactory(title="Forum des infirmières", city="Bordeaux")
    EventFactory(title="Atelier CV", description="Préparer son entretien de bienveillance.")


def test_a_word_found_nowhere_is_corrected_to_the_nearest_known_word(nurses):
    titles, search_ = search("infirmeire")
    assert titles == {"Forum des infirmières"}
    assert search_.is_corrected
    assert search_.used.text == "infirmière"
    assert search_.typed.text == "infirmeire"


def test_a_city_is_corrected_too_and_the_other_words_stay(nurses):
    titles, search_ = search("infirmière Bordaux")
    assert titles == {"Forum des infirmières"}
    assert search_.used.text == "infirmière bordeaux"


@pytest.mark.parametrize("q", ["infrmeirre", "nfrmeire", "bodrauxx"])
def test_too_many_typos_are_not_corrected(nurses, q):
    titles, search_ = search(q)
    assert titles == set()
    assert not search_.is_corrected


def test_short_words_are_not_corrected(nurses):
    # Four letters: one typo would turn « lyon » into « lion ».
    EventFactory(title="Job dating", city="Lyon")
    titles, search_ = search("lyom")
    assert titles == set() and not search_.is_corrected


def test_a_word_known_only_from_a_description_is_not_corrected(nurses):
    # « bienveillance » is in no title but in a description: found as typed.
    titles, search_ = search("bienveillance")
    assert titles == {"Atelier CV"}
    assert not search_.is_corrected


def test_exact_searches_the_words_as_typed(nurses):
    f = EventFilter({"q": "infirmeire", "exact": "1"})
    assert not f.qs.exists()
    assert not f.search.is_corrected


def test_words_of_new_events_are_known_at_once(db):
    EventFactory(title="Job dating ergothérapie", city="Quimper")
    titles, search_ = search("Quimpre")
    assert titles == {"Job dating ergothérapie"}
    assert search_.used.text == "quimper"
