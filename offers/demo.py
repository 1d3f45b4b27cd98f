"""Demo dataset of job and training offers."""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from offers.models import Offer
from semaine.bulk import copy_insert
from semaine.demo_places import demo_place
from semaine.geo.locate import LocationSource
from semaine.models import Department, Trade

DEMO_SOURCE = Offer.Source.MANUEL

EMPLOYERS = (
    "Centre hospitalier de {city}",
    "EHPAD Les Jardins de {city}",
    "CHU de {city}",
    "Clinique Saint-Joseph",
    "ADMR de {city}",
    "Foyer d'accueil médicalisé Les Cèdres",
    "Maison d'accueil spécialisée de {city}",
    "Service de soins infirmiers à domicile",
    "Association départementale de protection de l'enfance",
    "Crèche Les Petits Pas",
)
TRAINING_ORGANISATIONS = (
    "IFSI de {city}",
    "IFAS du centre hospitalier de {city}",
    "Croix-Rouge Compétence",
    "IRTS de {city}",
    "GRETA de {city}",
    "AFPA de {city}",
)
# Diploma that leads to each v4 trade, for training offers.
DIPLOMAS = {
    "J1501": "DEAS",
    "J1506": "DEI",
    "K1306": "DEAES",
    "K1207": "DEES",
    "J1304": "DEAP",
    "K1208": "DEME",
    "K1202": "DEEJE",
    "K1201": "DEASS",
    "K1305": "DETISF",
    "J1305": "DEA",
    "K1311": "TPADVF",
}
SALARIES = (
    "Mensuel de 1 900,00 Euros à 2 200,00 Euros sur 12 mois",
    "Selon grille FPH",
    "Selon convention collective 51",
    "Horaire de 12,50 Euros",
    "",
)
EXPERIENCES = ("Débutant accepté", "1 an", "2 ans", "Expérience en EHPAD souhaitée")


def _training(rng: random.Random, ctx: dict, city: str, now: datetime.datetime) -> tuple:
    """(trade, work study, title, fields) of a training offer."""
    code = rng.choice(list(DIPLOMAS))
    trade = ctx["trades_by_code"][code]
    diploma = DIPLOMAS[code]
    work_study = rng.random() < 0.5
    title = f"Formation {Offer.Diploma(diploma).label}"
    fields = {
        "nature": Offer.Nature.FORMATION,
        "diploma": diploma,
        "organisation": rng.choice(TRAINING_ORGANISATIONS).format(city=city),
        "duration": rng.choice(("10 mois", "12 mois", "18 mois", "3 ans")),
        "training_start": (now + datetime.timedelta(days=rng.randint(30, 240))).date(),
        "funding": rng.choice(
            (
                "Financement possible par la Région et France Travail.",
                "Éligible au CPF et à la Pro-A.",
                "Formation rémunérée en alternance.",
            )
        ),
    }
    return trade, work_study, title, fields


def _job(rng: random.Random, ctx: dict, city: str) -> tuple:
    """(trade, work study, title, fields) of a job offer."""
    trade = rng.choice(ctx["trades"])
    contract = rng.choices(list(Offer.Contract.values), weights=(40, 30, 8, 2, 12, 8))[0]
    work_study = contract in (Offer.Contract.APPRENTISSAGE, Offer.Contract.PROFESSIONNALISATION)
    label = trade.label.split(" / ")[0]
    title = f"{label} (H/F)" + (" en alternance" if work_study else "")
    fields = {
        "nature": Offer.Nature.EMPLOI,
        "employer": rng.choice(EMPLOYERS).format(city=city),
        "contract_type": contract,
        "working_time": rng.choices(list(Offer.WorkingTime.values), weights=(75, 25))[0],
        "salary": rng.choice(SALARIES),
        "experience": rng.choice(EXPERIENCES),
        "positions": rng.choice((1, 1, 1, 2, 3, 5)),
    }
    return trade, work_study, title, fields


def _build_offer(i: int, ctx: dict, now: datetime.datetime) -> Offer:
    rng = random.Random(1_000_000 + i)
    dept = rng.choice(ctx["departments"])
    place = demo_place(rng, dept.code)
    city, postcode = place.city, place.postcode
    if rng.random() < 0.25:
        trade, work_study, title, fields = _training(rng, ctx, city, now)
    else:
        trade, work_study, title, fields = _job(rng, ctx, city)
    published = now - datetime.timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
    return Offer(
        title=title,
        slug=slugify(title)[:250],
        description=(
            f"{title} à {city}. Vous rejoignez une équipe pluridisciplinaire au service des "
            "personnes accompagnées. Les candidatures de personnes en reconversion sont les "
            "bienvenues."
        ),
        trade=trade,
        sector=trade.sector,
        city=city,
        postcode=postcode,
        # What Offer.locate() would give, set here: the bulk COPY does not call save().
        latitude=place.latitude,
        longitude=place.longitude,
        location_source=LocationSource.COMMUNE,
        department=dept,
        region_id=dept.region_id,
        published_at=published,
        source_updated_at=published,
        source=DEMO_SOURCE,
        external_id=f"demo-{i}",
        status=Offer.Status.OPEN if rng.random() < 0.93 else Offer.Status.CLOSED,
        work_study=work_study,
        **fields,
    )


def seed_offers(*, total: int, batch: int = 5000, stdout=None) -> int:
    existing = set(
        Offer.objects.filter(source=DEMO_SOURCE, external_id__startswith="demo-").values_list(
            "external_id", flat=True
        )
    )
    trades = list(Trade.objects.current())
    ctx = {
        "departments": list(Department.objects.all()),
        "trades": trades,
        "trades_by_code": {t.code: t for t in trades},
    }
    now = timezone.now()
    todo = [i for i in range(total) if f"demo-{i}" not in existing]
    for offset in range(0, len(todo), batch):
        with transaction.atomic():
            copy_insert(
                Offer,
                [_build_offer(i, ctx, now) for i in todo[offset : offset + batch]],
                exclude=("search_vector",),
            )
        if stdout:
            stdout.write(f"  {min(offset + batch, len(todo))}/{len(todo)} offers")
    return len(todo)
