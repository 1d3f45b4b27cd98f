"""Job and training offers of care and social support."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from semaine.geo.locate import LocationSource, locate_row
from semaine.models import Department, Region, Trade

# The row of semaine_data_version this app's trigger bumps (migration 0005): see semaine.pagecache.
LISTING_VERSION = "offers"


class OfferQuerySet(models.QuerySet):
    def open(self):
        """Offers still open: those the listings show (a closed one keeps its own page)."""
        return self.filter(status=Offer.Status.OPEN)

    def work_study(self):
        """Offers in alternance (apprenticeship or professionalisation), jobs and trainings."""
        return self.filter(work_study=True)

    def for_listing(self):
        """With the related rows a listing shows (trade, department, region) joined."""
        return self.select_related("trade", "department", "region")


class Offer(models.Model):
    class Nature(models.TextChoices):
        EMPLOI = "emploi", "Offre d'emploi"
        FORMATION = "formation", "Formation"

    class Status(models.TextChoices):
        OPEN = "open", "Ouverte"
        CLOSED = "closed", "Pourvue ou close"

    class Source(models.TextChoices):
        FRANCE_TRAVAIL = "france_travail", "France Travail"
        MANUEL = "manuel", "Saisie manuelle"

    class Contract(models.TextChoices):
        CDI = "CDI", "CDI"
        CDD = "CDD", "CDD"
        MIS = "MIS", "Intérim"
        SAI = "SAI", "Saisonnier"
        APPRENTISSAGE = "APP", "Contrat d'apprentissage"
        PROFESSIONNALISATION = "PRO", "Contrat de professionnalisation"

    class WorkingTime(models.TextChoices):
        PLEIN = "plein", "Temps plein"
        PARTIEL = "partiel", "Temps partiel"

    class Diploma(models.TextChoices):
        DEAS = "DEAS", "Diplôme d'État d'aide-soignant (DEAS)"
        DEI = "DEI", "Diplôme d'État d'infirmier (DEI)"
        DEAES = "DEAES", "Diplôme d'État d'accompagnant éducatif et social (DEAES)"
        DEES = "DEES", "Diplôme d'État d'éducateur spécialisé (DEES)"
        DEAP = "DEAP", "Diplôme d'État d'auxiliaire de puériculture (DEAP)"
        DEME = "DEME", "Diplôme d'État de moniteur éducateur (DEME)"
        DEEJE = "DEEJE", "Diplôme d'État d'éducateur de jeunes enfants (DEEJE)"
        DEASS = "DEASS", "Diplôme d'État d'assistant de service social (DEASS)"
        DETISF = "DETISF", "Diplôme d'État de technicien de l'intervention sociale et familiale"
        DEA = "DEA", "Diplôme d'État d'ambulancier (DEA)"
        TPADVF = "TPADVF", "Titre professionnel assistant de vie aux familles (ADVF)"

    nature = models.CharField("nature", max_length=10, choices=Nature.choices)
    title = models.CharField("intitulé", max_length=250)
    slug = models.SlugField(max_length=250, blank=True)
    description = models.TextField("description", blank=True)
    trade = models.ForeignKey(
        Trade,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name="métier",
    )
    sector = models.CharField("secteur", max_length=1, blank=True, editable=False)
    city = models.CharField("ville", max_length=100, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name="département",
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name="région",
        editable=False,
    )
    # The workplace's coordinates: precise ones from the source, else its commune's centre.
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    location_source = models.CharField(
        "localisation",
        max_length=12,
        choices=LocationSource.choices,
        blank=True,
        default=LocationSource.NONE,
        editable=False,
    )
    published_at = models.DateTimeField("publiée le")
    source_updated_at = models.DateTimeField("mise à jour à la source le", null=True, blank=True)
    valid_through = models.DateField("valable jusqu'au", null=True, blank=True)
    source = models.CharField(
        "source", max_length=30, choices=Source.choices, default=Source.MANUEL
    )
    external_id = models.CharField("identifiant à la source", max_length=100)
    external_url = models.URLField("lien vers l'offre", max_length=500, blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.OPEN)
    work_study = models.BooleanField("en alternance", default=False)
    # Job
    employer = models.CharField("employeur", max_length=200, blank=True)
    contract_type = models.CharField(
        "type de contrat", max_length=3, choices=Contract.choices, blank=True
    )
    working_time = models.CharField(
        "temps de travail", max_length=10, choices=WorkingTime.choices, blank=True
    )
    salary = models.CharField("salaire", max_length=250, blank=True)
    experience = models.CharField("expérience demandée", max_length=250, blank=True)
    positions = models.PositiveSmallIntegerField("nombre de postes", default=1)
    # Training
    diploma = models.CharField(
        "diplôme préparé", max_length=10, choices=Diploma.choices, blank=True
    )
    organisation = models.CharField("organisme de formation", max_length=200, blank=True)
    duration = models.CharField("durée", max_length=100, blank=True)
    training_start = models.DateField("date de début", null=True, blank=True)
    funding = models.TextField("financement", blank=True)
    # Owner, for the admin's organisation scoping.
    organiser = models.ForeignKey(
        "events.Organiser",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
        verbose_name="organisateur",
    )
    events = models.ManyToManyField(
        "events.Event", blank=True, related_name="offers", verbose_name="événements liés"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    # Maintained by a database trigger (see migration 0002).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = "offre"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="offer_source_external_id_unique"
            ),
        ]
        indexes = [
            # The offers that appeared on the site since the last « Prévenez-moi » digest.
            models.Index(fields=["created_at"], name="offer_created_at"),
            # The listing's order, with the id as tie-break so deep pages walk the index.
            models.Index(
                fields=["status", "-published_at", "-id"], name="offer_status_published_id"
            ),
            # Facet counts read only these columns: an index-only scan instead of the table
            # with its long descriptions.
            models.Index(
                fields=["status"],
                include=[
                    "nature",
                    "region",
                    "department",
                    "trade",
                    "contract_type",
                    "work_study",
                    "working_time",
                ],
                name="offer_facets",
            ),
            # The offers an event page shows (offers.related): open ones of its trades in its
            # region, ranked by department and date, read from the index alone.
            models.Index(
                fields=["trade", "region"],
                include=["department", "published_at", "id"],
                condition=Q(status="open"),
                name="offer_open_trade_region",
            ),
            models.Index(fields=["region", "-published_at"], name="offer_region_published"),
            models.Index(fields=["department", "-published_at"], name="offer_dept_published"),
            models.Index(fields=["trade", "-published_at"], name="offer_trade_published"),
            models.Index(fields=["nature", "-published_at"], name="offer_nature_published"),
            GinIndex(fields=["search_vector"], name="offer_search_vector"),
            # Near-me search: a bounding box on latitude then longitude (semaine.geo.distance).
            models.Index(
                fields=["latitude", "longitude"],
                include=["status", "published_at"],
                condition=Q(latitude__isnull=False),
                name="offer_lat_lon",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("offers:detail", kwargs={"pk": self.pk, "slug": self.slug or "offre"})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:250] or "offre"
        self.region_id = (
            Department.objects.values_list("region_id", flat=True).get(pk=self.department_id)
            if self.department_id
            else None
        )
        self.sector = (
            Trade.objects.values_list("sector", flat=True).get(pk=self.trade_id)
            if self.trade_id
            else ""
        )
        self.locate()
        super().save(*args, **kwargs)

    def locate(self) -> None:
        """Coordinates of the workplace (semaine.geo.locate.locate_row), when it has a place."""
        locate_row(self, has_place=bool(self.postcode or self.city))
