import datetime

import factory
from django.utils import timezone

from events.models import Event, Organiser, Registration
from offers.models import Offer
from semaine.models import Department, Edition, Trade


def in_days(days, hour=10):
    """A time `days` from today (local date), at `hour` o'clock."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def content_of(response) -> bytes:
    """The whole body of a response, streamed (exports, CSV of registrants) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def event_listing_ids(client, query=""):
    """Ids of every page of the events listing, in the listing's order."""
    ids, page = [], 1
    separator = "&" if query else "?"
    while True:
        response = client.get(f"/evenements/{query}{separator}page={page}")
        assert response.status_code == 200
        ids += [e.pk for e in response.context["events"]]
        if not response.context["page_obj"].has_next():
            return ids
        page += 1


def api_ids(client, url):
    """Ids of every page of an API list from `url`, following `next`."""
    ids = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        ids += [item["id"] for item in data["results"]]
        url = data["next"]
    return ids


def edition():
    return Edition.objects.get_or_create(
        year=2030,
        defaults={
            "start_date": datetime.date(2030, 4, 22),
            "end_date": datetime.date(2030, 4, 26),
            "is_current": True,
        },
    )[0]


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organiser

    name = factory.Sequence(lambda n: f"France Travail Agence {n}")
    kind = Organiser.Kind.AGENCY
    email = "agence@francetravail.example"


def _on_site(event, value: str) -> str:
    return "" if event.modalite == Event.Modalite.DISTANCIEL else value


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Job dating aide-soignant n°{n}")
    description = "Rencontrez les employeurs qui recrutent."
    type = Event.Type.JOB_DATING
    modalite = Event.Modalite.PRESENTIEL
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=2))
    # An online-only event has no venue (Event.clean, event_online_has_no_venue).
    venue_name = factory.LazyAttribute(lambda o: _on_site(o, "Agence France Travail"))
    address = factory.LazyAttribute(lambda o: _on_site(o, "12 rue de la République"))
    postcode = factory.LazyAttribute(lambda o: _on_site(o, "69003"))
    city = factory.LazyAttribute(lambda o: _on_site(o, "Lyon"))
    department = factory.LazyFunction(lambda: Department.objects.get(code="69"))
    online_url = factory.LazyAttribute(
        lambda o: "" if o.modalite == Event.Modalite.PRESENTIEL else "https://visio.example/salle"
    )
    organiser = factory.SubFactory(OrganiserFactory)
    status = Event.Status.PUBLISHED
    edition = factory.LazyFunction(edition)
    capacity_onsite = 20

    @factory.post_generation
    def trades(self, create, extracted, **kwargs):
        if create and extracted:
            self.trades.set(Trade.objects.current().filter(code__in=extracted))
            self.refresh_sectors()


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.Sequence(lambda n: f"camille{n}@example.org")
    status = Registration.Status.CONFIRMED
    # A pending registration waits for its address until a deadline (a check constraint).
    confirm_by = factory.LazyAttribute(
        lambda o: (
            timezone.now() + datetime.timedelta(minutes=30)
            if o.status == Registration.Status.PENDING
            else None
        )
    )


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    nature = Offer.Nature.EMPLOI
    title = factory.Sequence(lambda n: f"Aide-soignant (H/F) n°{n}")
    description = "Poste d'aide-soignant en EHPAD."
    trade = factory.LazyFunction(lambda: Trade.objects.current().get(code="J1501"))
    city = "Rennes"
    postcode = "35000"
    department = factory.LazyFunction(lambda: Department.objects.get(code="35"))
    published_at = factory.LazyFunction(timezone.now)
    external_id = factory.Sequence(lambda n: f"T{n}")
    employer = "CHU de Rennes"
    contract_type = Offer.Contract.CDI
    working_time = Offer.WorkingTime.PLEIN


def staff_user(username, *, group, organiser=None, region_code=None, password="mot-de-passe-test"):  # noqa: S107
    """A staff user in one of the admin's groups, with their scope (organiser and/or region)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from events.models import StaffProfile

    user = get_user_model().objects.create_user(username, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    if organiser is not None or region_code is not None:
        StaffProfile.objects.create(user=user, organiser=organiser, region_id=region_code)
    return user


def event_form_data(**overrides):
    """What the admin's event form posts for a valid on-site job dating in Lyon (no organiser)."""
    data = {
        "title": "Job dating aide-soignant",
        "type": "job_dating",
        "status": "draft",
        "edition": edition().pk,
        "audience": "tous",
        "modalite": "presentiel",
        "start_0": "23/04/2030",
        "start_1": "09:30",
        "end_0": "23/04/2030",
        "end_1": "12:00",
        "venue_name": "Agence France Travail Lyon Part-Dieu",
        "address": "12 rue de la Villette",
        "postcode": "69003",
        "city": "Lyon",
        "department": "69",
        "registration_required": "on",
        "capacity_onsite": "20",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data
