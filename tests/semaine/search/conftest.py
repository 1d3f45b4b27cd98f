"""A fixed fixture of events and offers for the search tests, each known by a short name."""

import pytest

from events.models import Event
from offers.models import Offer
from semaine.models import Department
from tests.factories import EventFactory, OfferFactory, OrganiserFactory

NEUTRAL = "Rencontrez les employeurs qui recrutent près de chez vous."

# name: (title, description, city, department, organiser, trades)
EVENTS = {
    "forum_infirmieres": ("Forum des infirmières", NEUTRAL, "Lyon", "69", None, []),
    "job_dating_infirmier": ("Job dating infirmier", NEUTRAL, "Marseille", "13", None, []),
    "chu_nurses_tagged": ("Rencontre avec le CHU", NEUTRAL, "Lyon", "69", None, ["J1506"]),
    "aides_soignantes": (
        "Job dating : aides-soignantes en EHPAD",
        NEUTRAL,
        "Rennes",
        "35",
        None,
        [],
    ),
    "care_assistants_tagged": ("Matinée recrutement", NEUTRAL, "Lyon", "69", None, ["J1501"]),
    "ash": ("Job dating agents de service hospitalier (ASH)", NEUTRAL, "Lyon", "69", None, []),
    "ash_tagged": (
        "Portes ouvertes du centre hospitalier",
        NEUTRAL,
        "Vienne",
        "38",
        None,
        ["J1301"],
    ),
    "moniteur": ("Devenir moniteur éducateur", NEUTRAL, "Lyon", "69", None, ["K1208"]),
    "monitrices": ("Rencontre avec des monitrices éducatrices", NEUTRAL, "Lyon", "69", None, []),
    "educatrice": ("Éducatrice spécialisée : un métier", NEUTRAL, "Lyon", "69", None, ["K1207"]),
    "puericultrices": ("Les puéricultrices recrutent", NEUTRAL, "Lyon", "69", None, []),
    "auxiliaire_puer": (
        "Auxiliaire de puériculture : la formation",
        NEUTRAL,
        "Lyon",
        "69",
        None,
        [],
    ),
    "petite_enfance": ("Forum de la petite enfance", NEUTRAL, "Lyon", "69", None, ["K1202"]),
    "aes": ("Atelier : devenir AES", NEUTRAL, "Lyon", "69", None, ["K1306"]),
    "alternance": ("Forum de l'alternance", NEUTRAL, "Lyon", "69", None, []),
    "apprentissage": ("Signer un contrat d'apprentissage", NEUTRAL, "Lyon", "69", None, []),
    "professionnalisation": (
        "Le contrat de professionnalisation expliqué",
        NEUTRAL,
        "Lyon",
        "69",
        None,
        [],
    ),
    "ehpad": ("Visite d'un EHPAD", NEUTRAL, "Lyon", "69", None, []),
    "maison_retraite": ("Visite d'une maison de retraite", NEUTRAL, "Lyon", "69", None, []),
    "aide_domicile": ("L'aide à domicile recrute", NEUTRAL, "Lyon", "69", None, ["K1304"]),
    "description_only": (
        "Forum emploi santé",
        "Nous recrutons des infirmiers et des aides-soignants.",
        "Lyon",
        "69",
        None,
        [],
    ),
    "brest": ("Job dating hôpital", NEUTRAL, "Brest", "29", None, []),
    "croix_rouge": ("Visite d'établissement", NEUTRAL, "Lyon", "69", "Croix-Rouge française", []),
    "atelier_cv": ("Atelier CV", "Préparer son entretien.", "Lyon", "69", None, []),
}

# name: (title, employer, city, department, trade)
OFFERS = {
    "ibode": ("Infirmier de bloc opératoire (H/F)", "Clinique du Parc", "Lyon", "69", "J1504"),
    "soins_generaux": ("Infirmière en soins généraux", "CHU de Brest", "Brest", "29", "J1506"),
    "ide_nuit": ("IDE de nuit", "Hôpital Nord", "Marseille", "13", "J1506"),
    "as_nuit": ("Aide-soignant de nuit (H/F)", "CHU de Rennes", "Rennes", "35", "J1501"),
    "deas": (
        "Formation Diplôme d'État d'aide-soignant (DEAS)",
        "IFAS de Rennes",
        "Rennes",
        "35",
        "J1501",
    ),
    "ash": ("Agent de service hospitalier (ASH)", "EHPAD Les Tilleuls", "Lyon", "69", "J1301"),
    "apprenti_aes": ("Apprenti accompagnant éducatif et social", "ADMR", "Lyon", "69", "K1306"),
    "es_alternance": ("Éducateur spécialisé en alternance", "Sauvegarde 69", "Lyon", "69", "K1207"),
    "auxiliaire_puer": (
        "Auxiliaire de puériculture",
        "Crèche Les Petits Pas",
        "Lyon",
        "69",
        "J1304",
    ),
    "moniteur": ("Moniteur éducateur (H/F)", "ADMR", "Lyon", "69", "K1208"),
    "entretien": ("Agent d'entretien", "Mairie de Lyon", "Lyon", "69", None),
    "secretaire": ("Secrétaire médicale", "Cabinet médical", "Lyon", "69", None),
}


@pytest.fixture
def events(db) -> dict[str, Event]:
    departments = {d.code: d for d in Department.objects.all()}
    organisers = {}
    made = {}
    for name, (title, description, city, dept, organiser, trades) in EVENTS.items():
        kwargs = {}
        if organiser:
            kwargs["organiser"] = organisers.setdefault(organiser, OrganiserFactory(name=organiser))
        made[name] = EventFactory(
            title=title,
            description=description,
            city=city,
            department=departments[dept],
            trades=trades,
            **kwargs,
        )
    return made


@pytest.fixture
def offers(db) -> dict[str, Offer]:
    from semaine.models import Trade

    trades = {t.code: t for t in Trade.objects.current()}
    departments = {d.code: d for d in Department.objects.all()}
    return {
        name: OfferFactory(
            title=title,
            employer=employer,
            city=city,
            department=departments[dept],
            trade=trades.get(trade),
            description="Poste à pourvoir.",
        )
        for name, (title, employer, city, dept, trade) in OFFERS.items()
    }
