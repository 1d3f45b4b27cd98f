"""The search recall suite (issue 15): what people type, and exactly what it must find.

Every query runs through the listings' one filter definition (EventFilter, OfferFilter), which
the pages, exports, API, widget and feeds share, over the fixed fixture of conftest.py.
"""

import pytest

from events.filters import EventFilter
from offers.filters import OfferFilter

# What the nurses' words find: the events that say it, in the title or the description, in any
# gender or number, and the one only tagged with the trade J1506; the offers of the nurse trades.
NURSE_EVENTS = {
    "forum_infirmieres",
    "job_dating_infirmier",
    "chu_nurses_tagged",
    "description_only",
}
NURSE_OFFERS = {"ibode", "soins_generaux", "ide_nuit"}
CARE_EVENTS = {"aides_soignantes", "care_assistants_tagged", "description_only"}
CARE_OFFERS = {"as_nuit", "deas"}
ASH_EVENTS = {"ash", "ash_tagged"}
EDUCATOR_EVENTS = {"moniteur", "monitrices"}
WORK_STUDY_EVENTS = {"alternance", "apprentissage", "professionnalisation"}
WORK_STUDY_OFFERS = {"apprenti_aes", "es_alternance"}
EHPAD_EVENTS = {"aides_soignantes", "ehpad", "maison_retraite"}

RECALL = [
    # Nurses: masculine, feminine, plural, capitals, without accents, acronyms, diploma.
    ("infirmier", NURSE_EVENTS, NURSE_OFFERS),
    ("infirmière", NURSE_EVENTS, NURSE_OFFERS),
    ("infirmiere", NURSE_EVENTS, NURSE_OFFERS),
    ("Infirmières", NURSE_EVENTS, NURSE_OFFERS),
    ("INFIRMIERS", NURSE_EVENTS, NURSE_OFFERS),
    ("IDE", NURSE_EVENTS, NURSE_OFFERS),
    ("ide", NURSE_EVENTS, NURSE_OFFERS),
    ("DEI", NURSE_EVENTS, NURSE_OFFERS),
    # One and two typos.
    ("infirmeire", NURSE_EVENTS, NURSE_OFFERS),
    ("infirmire", NURSE_EVENTS, NURSE_OFFERS),
    ("infirmeirre", NURSE_EVENTS, NURSE_OFFERS),
    # Care assistants: hyphens or not, plurals, the acronym that is a French stop word.
    ("aide-soignant", CARE_EVENTS, CARE_OFFERS),
    ("aide soignante", CARE_EVENTS, CARE_OFFERS),
    ("aides-soignantes", CARE_EVENTS, CARE_OFFERS),
    ("Aides Soignants", CARE_EVENTS, CARE_OFFERS),
    ("AS", CARE_EVENTS, CARE_OFFERS),
    ("as", CARE_EVENTS, CARE_OFFERS),
    ("DEAS", CARE_EVENTS, CARE_OFFERS),
    ("deas", CARE_EVENTS, CARE_OFFERS),
    ("aide-soigante", CARE_EVENTS, CARE_OFFERS),
    ("aide soigant", CARE_EVENTS, CARE_OFFERS),
    # Hospital service agents: the acronym, and the trade alone (« ash_tagged »).
    ("ASH", ASH_EVENTS, {"ash"}),
    ("agent de service hospitalier", ASH_EVENTS, {"ash"}),
    ("agente de service hospitalier", ASH_EVENTS, {"ash"}),
    # Educators.
    ("moniteur éducateur", EDUCATOR_EVENTS, {"moniteur"}),
    ("monitrice éducatrice", EDUCATOR_EVENTS, {"moniteur"}),
    ("monitrices educatrices", EDUCATOR_EVENTS, {"moniteur"}),
    ("moniteur-educateur", EDUCATOR_EVENTS, {"moniteur"}),
    ("ME", EDUCATOR_EVENTS, {"moniteur"}),
    ("DEME", EDUCATOR_EVENTS, {"moniteur"}),
    ("monitrise éducatrise", EDUCATOR_EVENTS, {"moniteur"}),
    ("éducatrice spécialisée", {"educatrice"}, {"es_alternance"}),
    ("educateur specialise", {"educatrice"}, {"es_alternance"}),
    ("ES", {"educatrice"}, {"es_alternance"}),
    ("DEES", {"educatrice"}, {"es_alternance"}),
    ("educatrise specialisee", {"educatrice"}, {"es_alternance"}),
    # Early childhood.
    ("puéricultrice", {"puericultrices"}, set()),
    ("puericulteur", {"puericultrices"}, set()),
    ("puéricultrices", {"puericultrices"}, set()),
    ("auxiliaire de puériculture", {"auxiliaire_puer"}, {"auxiliaire_puer"}),
    ("AP", {"auxiliaire_puer"}, {"auxiliaire_puer"}),
    ("DEAP", {"auxiliaire_puer"}, {"auxiliaire_puer"}),
    ("petite enfance", {"petite_enfance"}, {"auxiliaire_puer"}),
    ("EJE", {"petite_enfance"}, set()),
    # Social carers: acronym, diploma, feminine, the former name of the diploma.
    ("AES", {"aes"}, {"apprenti_aes"}),
    ("DEAES", {"aes"}, {"apprenti_aes"}),
    ("accompagnante éducative et sociale", {"aes"}, {"apprenti_aes"}),
    ("AMP", {"aes"}, {"apprenti_aes"}),
    # Work-study, whatever its name.
    ("apprentissage", WORK_STUDY_EVENTS, WORK_STUDY_OFFERS),
    ("alternance", WORK_STUDY_EVENTS, WORK_STUDY_OFFERS),
    ("contrat de professionnalisation", WORK_STUDY_EVENTS, WORK_STUDY_OFFERS),
    ("apprenti", WORK_STUDY_EVENTS, WORK_STUDY_OFFERS),
    ("alternanse", WORK_STUDY_EVENTS, WORK_STUDY_OFFERS),
    # Places of work.
    ("EHPAD", EHPAD_EVENTS, {"ash"}),
    ("ehpad", EHPAD_EVENTS, {"ash"}),
    ("maison de retraite", EHPAD_EVENTS, {"ash"}),
    ("ehpda", EHPAD_EVENTS, {"ash"}),
    ("aide à domicile", {"aide_domicile"}, set()),
    # Cities and employers, with a typo too.
    ("Brest", {"brest"}, {"soins_generaux"}),
    ("brest", {"brest"}, {"soins_generaux"}),
    ("Marseille", {"job_dating_infirmier"}, {"ide_nuit"}),
    ("marseile", {"job_dating_infirmier"}, {"ide_nuit"}),
    ("Croix-Rouge", {"croix_rouge"}, set()),
    ("croix rouge", {"croix_rouge"}, set()),
    ("ADMR", set(), {"apprenti_aes", "moniteur"}),
    ("Clinique du Parc", set(), {"ibode"}),
    ("CHU", {"chu_nurses_tagged"}, {"as_nuit", "soins_generaux"}),
    # Specialities, and the query syntax kept from the web search.
    ("IBODE", set(), {"ibode"}),
    ("infirmier de bloc", set(), {"ibode"}),
    ("infirmière -bloc", NURSE_EVENTS, {"ide_nuit", "soins_generaux"}),
    ('"infirmière en soins"', set(), {"soins_generaux"}),
    ("infirmière or moniteur", NURSE_EVENTS | {"moniteur"}, NURSE_OFFERS | {"moniteur"}),
    # A trade and a place.
    ("IDE Brest", set(), {"soins_generaux"}),
    ("AS Rennes", {"aides_soignantes"}, CARE_OFFERS),
    ("infirmière lyon", {"chu_nurses_tagged", "description_only", "forum_infirmieres"}, {"ibode"}),
    # Nothing to find.
    ("chirurgien", set(), set()),
    ("astronaute", set(), set()),
]

# Precision: what a query must NOT find, although a looser search would.
PRECISION = [
    # « AS » is not the start of « ASH »: the hospital service agents are not care assistants.
    ("AS", ASH_EVENTS, {"ash"}),
    ("DEAS", ASH_EVENTS | {"educatrice"}, {"ash", "es_alternance"}),
    # « DEES » and « DEAS » stem alike in French: the educators' diploma is not the carers'.
    ("DEES", CARE_EVENTS, CARE_OFFERS),
    # « aide » alone is a word, not every trade with « aide » in its name.
    ("aide", {"forum_infirmieres", "ash", "moniteur", "atelier_cv"}, {"ibode", "ash"}),
    # A speciality is not the general trade.
    ("IBODE", {"forum_infirmieres"}, {"ide_nuit", "soins_generaux"}),
]


def found(events, offers, q) -> tuple[set[str], set[str]]:
    event_names = {e.pk: name for name, e in events.items()}
    offer_names = {o.pk: name for name, o in offers.items()}
    event_ids = EventFilter({"q": q}).qs.values_list("pk", flat=True)
    offer_ids = OfferFilter({"q": q}).qs.values_list("pk", flat=True)
    return {event_names[pk] for pk in event_ids}, {offer_names[pk] for pk in offer_ids}


def test_the_suite_has_at_least_sixty_queries():
    assert len({q for q, _, _ in RECALL}) >= 60


@pytest.mark.parametrize(("q", "expected_events", "expected_offers"), RECALL)
def test_a_query_finds_exactly_its_events_and_offers(
    events, offers, q, expected_events, expected_offers
):
    assert found(events, offers, q) == (expected_events, expected_offers)


@pytest.mark.parametrize(("q", "not_events", "not_offers"), PRECISION)
def test_a_query_does_not_find_what_it_does_not_mean(events, offers, q, not_events, not_offers):
    found_events, found_offers = found(events, offers, q)
    assert not found_events & not_events
    assert not found_offers & not_offers
    assert found_events or found_offers  # it does find something: the test is not vacuous
