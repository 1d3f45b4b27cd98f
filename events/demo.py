"""Demo dataset of events: realistic, varied, deterministic and idempotent."""

import datetime
import random
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from events.models import Event, Organiser, Proposal, ProposalDate, ProposalDecision, Registration
from semaine.bulk import copy_insert
from semaine.demo_places import PLACES, STREETS, demo_place
from semaine.geo.locate import LocationSource
from semaine.models import Department, Edition, Trade

DEMO_SOURCE = "demo"

TITLES = {
    "reunion_information": (
        "Réunion d'information : devenir {trade}",
        "Les métiers du grand âge : réunion d'information",
        "Découvrir la formation d'{trade} en alternance",
    ),
    "forum": (
        "Forum des métiers du soin et de l'accompagnement",
        "Forum emploi santé et médico-social",
        "Forum de l'alternance : soin et social",
    ),
    "conference": (
        "Conférence : les métiers de l'autonomie qui recrutent",
        "Table ronde : se reconvertir dans le soin",
    ),
    "atelier": (
        "Atelier CV et entretien : postuler comme {trade}",
        "Atelier découverte : une journée dans la peau d'un {trade}",
        "Atelier : financer sa formation dans le sanitaire et social",
    ),
    "salon_en_ligne": (
        "Salon en ligne des métiers du soin",
        "Salon virtuel : l'aide à domicile recrute",
    ),
    "job_dating": (
        "Job dating {trade}",
        "Job dating EHPAD et services à domicile",
        "Job dating : les hôpitaux recrutent",
    ),
    "visite_entreprise": (
        "Visite de l'EHPAD {place}",
        "Visite du centre hospitalier de {place}",
        "Immersion dans une maison d'accueil spécialisée",
    ),
    "portes_ouvertes": (
        "Portes ouvertes de l'IFSI de {place}",
        "Portes ouvertes de l'institut de formation d'aides-soignants",
    ),
}

DESCRIPTIONS = (
    "Venez rencontrer des employeurs du secteur sanitaire, social et médico-social qui recrutent "
    "des aides-soignants, des infirmiers et des accompagnants éducatifs et sociaux. Pensez à "
    "apporter plusieurs CV.",
    "Une présentation des métiers, des formations et des aides financières, suivie d'échanges "
    "avec des professionnels en poste. Ouvert aux personnes sans diplôme du secteur.",
    "Des établissements de la région présentent leurs postes à pourvoir en CDI, CDD et "
    "alternance. Entretiens sur place avec les recruteurs.",
    "Découvrez le quotidien des équipes soignantes, les conditions de travail et les parcours "
    "de formation qui mènent au diplôme d'État.",
    "Un temps d'échange pour les personnes en reconversion : validation des acquis, "
    "financement de la formation et accompagnement par votre conseiller.",
)

PARTNERS = (
    "Croix-Rouge française",
    "ADMR",
    "Fédération hospitalière de France",
    "UNA",
    "Apprentis d'Auteuil",
    "APF France handicap",
    "Fondation Partage et Vie",
    "Mutualité française",
    "UNAPEI",
    "Korian",
    "Association des paralysés de France",
    "Fédération des établissements hospitaliers et d'aide à la personne (FEHAP)",
)

# (hour, minute, duration in minutes): slots of a working day
SLOTS = ((9, 0, 180), (9, 30, 120), (10, 0, 90), (13, 30, 180), (14, 0, 120), (14, 30, 150))


def current_edition_dates(today: datetime.date) -> tuple[int, datetime.date, datetime.date]:
    """The coming edition: the last full week of April, this year if still ahead, else next."""
    for year in (today.year, today.year + 1):
        last_day = datetime.date(year, 4, 30)
        monday = last_day - datetime.timedelta(days=(last_day.weekday() + 7) % 7 or 7)
        while (monday + datetime.timedelta(days=4)).month != 4:
            monday -= datetime.timedelta(days=7)
        friday = monday + datetime.timedelta(days=4)
        if friday >= today:
            return year, monday, friday
    raise AssertionError("unreachable")


def ensure_current_edition(today: datetime.date) -> Edition:
    year, start, end = current_edition_dates(today)
    edition = Edition.objects.filter(year=year).first()
    if edition is None:
        Edition.objects.filter(is_current=True).update(is_current=False)
        edition = Edition.objects.create(year=year, start_date=start, end_date=end, is_current=True)
    elif not edition.is_current:
        Edition.objects.filter(is_current=True).update(is_current=False)
        edition.is_current = True
        edition.save()
    return edition


def ensure_organisers() -> tuple[list[Organiser], list[Organiser]]:
    departments = {d.code: d for d in Department.objects.all()}
    agencies = []
    for code, ((city, _), _) in PLACES.items():
        slug = city.lower().replace(" ", "-").replace("'", "")
        agency, _ = Organiser.objects.get_or_create(
            name=f"France Travail {city}" + (" Bercy" if code == "75" else ""),
            defaults={
                "kind": Organiser.Kind.AGENCY,
                "department": departments[code],
                "email": f"entreprise.{slug[:30]}@francetravail.example",
                "phone": "3949",
            },
        )
        agencies.append(agency)
    partners = []
    for name in PARTNERS:
        partner, _ = Organiser.objects.get_or_create(
            name=name,
            defaults={"kind": Organiser.Kind.PARTNER, "email": "contact@partenaire.example"},
        )
        partners.append(partner)
    return agencies, partners


def _build_event(i: int, edition: Edition, ctx: dict) -> tuple[Event, list[int]]:
    rng = random.Random(i)
    dept = rng.choice(ctx["departments"])
    type_ = rng.choices(list(TITLES), weights=(14, 10, 4, 18, 4, 22, 18, 10))[0]
    if type_ == "salon_en_ligne":
        modalite = Event.Modalite.DISTANCIEL
    else:
        modalite = rng.choices(
            [Event.Modalite.PRESENTIEL, Event.Modalite.DISTANCIEL, Event.Modalite.HYBRIDE],
            weights=(70, 15, 15),
        )[0]
    trades = rng.sample(ctx["trades"], rng.choice((1, 1, 2, 3)))
    place = demo_place(rng, dept.code)
    city, postcode = place.city, place.postcode
    day = edition.start_date + datetime.timedelta(days=rng.randrange(5))
    hour, minute, duration = rng.choice(SLOTS)
    tz = zoneinfo.ZoneInfo(dept.time_zone)
    start = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)
    organiser = (
        rng.choice(ctx["partners"]) if rng.random() < 0.2 else ctx["agencies_by_dept"][dept.code]
    )
    title = rng.choice(TITLES[type_]).format(
        trade=trades[0].label.split(" / ")[0].lower(), place=city
    )
    onsite = modalite != Event.Modalite.DISTANCIEL
    online = modalite != Event.Modalite.PRESENTIEL
    event = Event(
        title=title,
        slug="",
        description=rng.choice(DESCRIPTIONS),
        type=type_,
        modalite=modalite,
        start=start,
        end=start + datetime.timedelta(minutes=duration),
        venue_name=f"Agence France Travail de {city}" if onsite else "",
        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}" if onsite else "",
        # An online-only event has no venue; its department (the organiser's) gives its
        # time zone and its region.
        postcode=postcode if onsite else "",
        city=city if onsite else "",
        department=dept,
        region_id=dept.region_id,
        # What Event.locate() would give, set here: the bulk COPY does not call save().
        latitude=place.latitude if onsite else None,
        longitude=place.longitude if onsite else None,
        location_source=LocationSource.COMMUNE if onsite else LocationSource.NONE,
        online_url=f"https://visio.francetravail.example/evenement-{i}" if online else "",
        organiser=organiser,
        sectors="".join(sorted({t.sector for t in trades})),
        audience=rng.choices(list(Event.Audience.values), weights=(70, 15, 15))[0],
        capacity_onsite=rng.choice((None, 12, 15, 20, 30, 40, 60)) if onsite else None,
        capacity_online=rng.choice((None, 50, 100, 200)) if online else None,
        registration_required=type_ not in ("forum", "portes_ouvertes") or rng.random() < 0.3,
        wheelchair_accessible=onsite and rng.random() < 0.7,
        status=rng.choices(list(Event.Status.values), weights=(4, 92, 4))[0],
        edition=edition,
        external_source=DEMO_SOURCE,
        external_id=str(i),
    )
    event.slug = slugify(title)[:200]
    return event, [t.pk for t in trades]


def seed_events(
    *, total: int, archive_share: float, today: datetime.date, batch: int = 5000, stdout=None
) -> int:
    """Create demo events up to `total` (idempotent: existing demo ids are kept)."""
    edition = ensure_current_edition(today)
    agencies, partners = ensure_organisers()
    past_editions = list(Edition.objects.exclude(pk=edition.pk).order_by("year"))
    ctx = {
        "departments": list(Department.objects.all()),
        "trades": list(Trade.objects.current()),
        "agencies_by_dept": {a.department_id: a for a in agencies},
        "partners": partners,
    }
    existing = set(
        Event.objects.filter(external_source=DEMO_SOURCE).values_list("external_id", flat=True)
    )
    todo = [i for i in range(total) if str(i) not in existing]
    through = Event.trades.through
    created = 0
    for offset in range(0, len(todo), batch):
        events, trade_ids = [], []
        for i in todo[offset : offset + batch]:
            # Every n-th event belongs to a past edition (an archive), the rest to the coming one.
            in_archive = past_editions and (i % 100) < archive_share * 100
            ed = past_editions[i % len(past_editions)] if in_archive else edition
            event, trades = _build_event(i, ed, ctx)
            events.append(event)
            trade_ids.append(trades)
        with transaction.atomic():
            copy_insert(Event, events, exclude=("search_vector",))
            copy_insert(
                through,
                [
                    through(event_id=e.pk, trade_id=t)
                    for e, ts in zip(events, trade_ids, strict=True)
                    for t in ts
                ],
                exclude=("id",),
            )
        created += len(events)
        if stdout:
            stdout.write(f"  {created}/{len(todo)} events")
    return created


# -- demo registrations -------------------------------------------------------------------------

FIRST_NAMES = ("Léa", "Karim", "Sophie", "Mamadou", "Chloé", "Julien", "Inès", "Thomas", "Aïcha")
LAST_NAMES = ("Martin", "Bernard", "Diallo", "Petit", "Nguyen", "Moreau", "Haddad", "Girard")
DEMO_FULL_EVENTS = 20
DEMO_WAITLIST = 3
DEMO_EMAIL_DOMAIN = "@demo.example.org"


def seed_registrations() -> int:
    """Registrations on some upcoming demo events, so the demo shows what a busy week looks like:
    events that are full with people waiting, others half full, registrant lists in the admin.

    Bounded whatever the dataset size (2 × DEMO_FULL_EVENTS events) and idempotent: done once,
    on events nobody has registered to yet. The seat counters are set with the rows, in one
    transaction, as the registration service keeps them.
    """
    if Registration.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN).exists():
        return 0
    candidates = (
        Event.objects.filter(
            external_source=DEMO_SOURCE,
            status=Event.Status.PUBLISHED,
            registration_required=True,
            modalite=Event.Modalite.PRESENTIEL,
            capacity_onsite__isnull=False,
            start__gt=timezone.now(),
        )
        .exclude(registrations__isnull=False)
        .order_by("start", "id")
    )
    # Spread over the week and the country rather than the first morning's events.
    chosen = list(candidates[: 8 * 2 * DEMO_FULL_EVENTS : 8])
    registrations = []
    with transaction.atomic():
        for n, event in enumerate(chosen):
            rng = random.Random(event.pk)
            full = n % 2 == 0
            confirmed = event.capacity_onsite if full else event.capacity_onsite // 2
            waiting = DEMO_WAITLIST if full else 0
            for k in range(confirmed + waiting):
                registrations.append(
                    Registration(
                        event=event,
                        mode=Registration.Mode.PRESENTIEL,
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        email=f"inscrit-{event.pk}-{k}{DEMO_EMAIL_DOMAIN}",
                        situation=rng.choice(Registration.Situation.values),
                        status=(
                            Registration.Status.CONFIRMED
                            if k < confirmed
                            else Registration.Status.WAITLISTED
                        ),
                    )
                )
            Event.objects.filter(pk=event.pk).update(confirmed_onsite=confirmed)
        Registration.objects.bulk_create(registrations)
    return len(registrations)


# Partners' proposals waiting in the moderation queue: (organisation, kind, title, type, place
# (venue, address, postcode, city, department), days into the edition, waiting days, state).
DEMO_PROPOSALS = [
    (
        "EHPAD Les Tilleuls",
        Proposal.Kind.EMPLOYER,
        "Portes ouvertes de l'EHPAD : les métiers du grand âge",
        Event.Type.PORTES_OUVERTES,
        ("EHPAD Les Tilleuls", "14 rue Garibaldi", "69006", "Lyon", "69"),
        (1, 3),
        4,
        Proposal.Status.PENDING,
    ),
    (
        "IFSI des Hospices civils",
        Proposal.Kind.TRAINING,
        "Devenir infirmier : rencontre avec les formateurs de l'IFSI",
        Event.Type.REUNION_INFORMATION,
        ("IFSI Esquirol", "1 rue Esquirol", "69003", "Lyon", "69"),
        (2,),
        1,
        Proposal.Status.PENDING,
    ),
    (
        "Association Aide à domicile Provence",
        Proposal.Kind.ASSOCIATION,
        "Job dating aide à domicile",
        Event.Type.JOB_DATING,
        ("Maison des associations", "93 La Canebière", "13001", "Marseille", "13"),
        (0, 12),  # the second day falls after the week: flagged
        2,
        Proposal.Status.PENDING,
    ),
    (
        "Centre hospitalier de Villefranche",
        Proposal.Kind.PUBLIC_BODY,
        "Visite du service de soins de suite",
        Event.Type.VISITE_ENTREPRISE,
        ("Centre hospitalier", "Plateau d'Ouilly", "69400", "Gleizé", "69"),
        (3,),
        6,
        Proposal.Status.CHANGES_REQUESTED,
    ),
]


def seed_proposals(edition: Edition) -> int:
    """A few partners' proposals in the moderation queue of the demo agencies (Lyon, Marseille),
    one flagged, one sent back for changes. Idempotent: made once."""
    if Proposal.objects.filter(contact_email__endswith=DEMO_EMAIL_DOMAIN).exists():
        return 0
    now = timezone.now()
    with transaction.atomic():
        for n, (name, kind, title, type_, place, days, waiting, status) in enumerate(
            DEMO_PROPOSALS
        ):
            venue, address, postcode, city, department = place
            proposal = Proposal.objects.create(
                organisation_name=name,
                organisation_kind=kind,
                contact_name=f"{FIRST_NAMES[n]} {LAST_NAMES[n]}",
                contact_email=f"contact-{n}{DEMO_EMAIL_DOMAIN}",
                contact_phone="04 00 00 00 00",
                title=title,
                description="Présentation des métiers, visite et échanges avec les équipes.",
                type=type_,
                venue_name=venue,
                address=address,
                postcode=postcode,
                city=city,
                department_id=department,
                capacity_onsite=20,
                edition=edition,
                status=status,
                submitted_at=now - datetime.timedelta(days=waiting),
                flags=[Proposal.Flag.OUTSIDE_WEEK] if max(days) > 4 else [],
            )
            zone = proposal.tzinfo
            ProposalDate.objects.bulk_create(
                ProposalDate(
                    proposal=proposal,
                    start=datetime.datetime.combine(
                        edition.start_date + datetime.timedelta(days=day),
                        datetime.time(9, 30),
                        tzinfo=zone,
                    ),
                    end=datetime.datetime.combine(
                        edition.start_date + datetime.timedelta(days=day),
                        datetime.time(12),
                        tzinfo=zone,
                    ),
                )
                for day in days
            )
            actions = [ProposalDecision.Action.SUBMITTED, ProposalDecision.Action.CONFIRMED]
            for action in actions:
                ProposalDecision.objects.create(proposal=proposal, action=action)
            if status == Proposal.Status.CHANGES_REQUESTED:
                ProposalDecision.objects.create(
                    proposal=proposal,
                    action=ProposalDecision.Action.CHANGES_REQUESTED,
                    username="agence-lyon",
                    message="Précisez le bâtiment et l'étage du rendez-vous.",
                )
    return len(DEMO_PROPOSALS)


def now_date() -> datetime.date:
    return timezone.localdate()


# -- demo staff accounts ------------------------------------------------------------------------

DEMO_PASSWORD = "semaine-demo"  # noqa: S105 - public on purpose, refused when DEBUG is off


class DemoAccountsRefused(RuntimeError):
    """Demo accounts with a published password must never exist on a production site."""


def seed_accounts() -> list[str]:
    """The admin's demo accounts (README), idempotent; refused when DEBUG is off.

    `national` sees everything, `coord-ara` Auvergne-Rhône-Alpes, `agence-lyon` and
    `agence-marseille` their agency's events. Returns the usernames created or reset.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from events.models import StaffProfile
    from events.scoping import GROUP_AGENCY, GROUP_NATIONAL, GROUP_REGIONAL
    from semaine.models import Region

    if not settings.DEBUG:
        raise DemoAccountsRefused(
            "Comptes de démonstration refusés : DEBUG est désactivé (site de production ?)."
        )
    ensure_organisers()
    lyon = Organiser.objects.get(name="France Travail Lyon")
    marseille = Organiser.objects.get(name="France Travail Marseille")
    accounts = [
        ("national", "Équipe nationale", GROUP_NATIONAL, None, None),
        ("coord-ara", "Coordination Auvergne-Rhône-Alpes", GROUP_REGIONAL, None, "84"),
        ("agence-lyon", "Agence de Lyon", GROUP_AGENCY, lyon, None),
        ("agence-marseille", "Agence de Marseille", GROUP_AGENCY, marseille, None),
    ]
    User = get_user_model()
    names = []
    with transaction.atomic():
        for username, label, group_name, organiser, region_code in accounts:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = label
            user.email = f"{username}@semaine-soin.example"
            user.is_staff = True
            user.is_active = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            StaffProfile.objects.update_or_create(
                user=user,
                defaults={
                    "organiser": organiser,
                    "region": Region.objects.get(pk=region_code) if region_code else None,
                },
            )
            names.append(username)
    return names
