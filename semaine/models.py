"""Shared vocabulary of the site: territories, trades and editions of the week."""

import datetime
import zoneinfo

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models

from semaine.pagecache import version_key
from semaine.reference import data as reference_data
from semaine.search.text import key as search_key


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_overseas(self) -> bool:
        return self.code < "10"


class Department(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name="région"
    )
    time_zone = models.CharField(
        "fuseau horaire", max_length=40, default=reference_data.DEFAULT_TIME_ZONE
    )

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def inside(self) -> str:
        """Where a place lies, in a sentence: « dans le Rhône (69) », « dans les
        Bouches-du-Rhône (13) », « dans l'Ain (01) », « à Paris (75) », « en Guyane (973) »."""
        kind = reference_data.DEPARTMENT_NAME_TYPES.get(self.code, 0)
        named = f"{self.name} ({self.code})"
        if kind in (0, 1):
            # No article: a city or an island (Paris, Mayotte), or « Ille-et-Vilaine ».
            return ("en " if "-et-" in self.name else "à ") + named
        if kind == 3 and (self.code in ("2A", "2B") or len(self.code) == 3):
            return "en " + named  # islands and overseas: « en Corse-du-Sud », « en Guadeloupe »
        return {2: "dans le ", 3: "dans la ", 4: "dans les ", 5: "dans l'"}[kind] + named


def department_code_from_postcode(postcode: str) -> str | None:
    """INSEE department of a French postcode (or commune code): Corsica and overseas included."""
    postcode = (postcode or "").strip().upper()
    if len(postcode) != 5:
        return None
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        # Corsican postcodes start with 20: 200xx-201xx Corse-du-Sud, 202xx-206xx Haute-Corse.
        return "2A" if postcode[2] in "01" else "2B"
    if postcode[:2] in ("2A", "2B"):
        return postcode[:2]
    return postcode[:2] if postcode[:2].isdigit() else None


class PostcodePrefixes(models.Func):
    """The 2-, 3- and 4-character beginnings of a commune's postcodes (« 69 », « 691 »,
    « 6910 » for 69100): the SQL function of migration 0007, indexed by
    `commune_postcode_prefixes`."""

    function = "semaine_postcode_prefixes"
    output_field = ArrayField(models.TextField())


class CommuneQuerySet(models.QuerySet):
    def by_size(self):
        """The biggest communes first: the one a visitor most likely means by a shared name."""
        return self.order_by("-population", "name", "insee")

    def with_postcode_starting(self, prefix: str):
        """Communes with a postcode beginning with `prefix` (2 to 4 digits): a lookup in the
        GIN index of their postcodes' prefixes, not a reading of every commune's postcodes."""
        return self.alias(postcode_prefixes=PostcodePrefixes("postcodes")).filter(
            postcode_prefixes__contains=[prefix]
        )


class Commune(models.Model):
    """A commune or a municipal arrondissement (Paris, Lyon, Marseille), with its postcodes,
    population and the coordinates of its centre (semaine/reference/communes.py).

    Reference data, loaded by a migration and never written by the site. Not managed by Django
    (`managed = False`; migration 0006 creates the table and its indexes): the test runner
    empties every managed table after each transactional test and reloads the reference rows
    one object at a time, which for 35,000 communes would cost seconds per browser test; the
    table keeps its rows instead. For the same reason nothing refers to it with a database
    constraint that a flush would have to cascade through (`department`, `parent`).
    """

    insee = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    # normalise(name) (semaine.geo.text): what a typed name is compared with.
    search_name = models.CharField("nom normalisé", max_length=100)
    department = models.ForeignKey(
        Department,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="communes",
        verbose_name="département",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="arrondissements",
        verbose_name="commune (d'un arrondissement)",
    )
    postcodes = ArrayField(models.CharField(max_length=5), verbose_name="codes postaux")
    population = models.PositiveIntegerField("population")
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")

    objects = CommuneQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "semaine_commune"
        verbose_name = "commune"
        ordering = ["-population", "name", "insee"]
        indexes = [
            # Name prefixes (LIKE 'saint e%') for the suggestions and exact names.
            models.Index(
                OpClass("search_name", name="varchar_pattern_ops"), name="commune_search_name"
            ),
            # Closest names when a typed name matches none (pg_trgm).
            GinIndex(OpClass("search_name", name="gin_trgm_ops"), name="commune_search_name_trgm"),
            GinIndex(fields=["postcodes"], name="commune_postcodes"),
            # Partial postcodes being typed (« 69 », « 690 »): see PostcodePrefixes.
            GinIndex(PostcodePrefixes("postcodes"), name="commune_postcode_prefixes"),
            # The nearest commune of a point: a bounding box on latitude, then longitude.
            models.Index(fields=["latitude", "longitude"], name="commune_lat_lon"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """« Saint-Denis (93) »: the name with its department, unique enough to be typed back."""
        return f"{self.name} ({self.department_id})"

    @property
    def is_arrondissement(self) -> bool:
        return bool(self.parent_id)


class TradeQuerySet(models.QuerySet):
    def current(self):
        """ROME 4.0 trades, the ones events and offers are tagged with."""
        return self.filter(version=Trade.Version.V4)


class Trade(models.Model):
    """A ROME trade. Codes are reused across versions with other meanings, hence `version`."""

    class Version(models.TextChoices):
        V3 = "v3", "ROME v3"
        V4 = "v4", "ROME 4.0"

    class Sector(models.TextChoices):
        SANTE = "J", "Santé"
        SERVICES = "K", "Services à la personne et à la collectivité"

    code = models.CharField("code ROME", max_length=5)
    version = models.CharField(max_length=2, choices=Version.choices, default=Version.V4)
    label = models.CharField("libellé", max_length=200)
    domain = models.CharField("domaine", max_length=200)
    sector = models.CharField("secteur", max_length=1, choices=Sector.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name="famille ROME v3",
    )

    objects = TradeQuerySet.as_manager()

    class Meta:
        verbose_name = "métier"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="trade_code_version_unique")
        ]

    def __str__(self):
        return f"{self.label} ({self.code})"


class EditionQuerySet(models.QuerySet):
    def covering(self, day: datetime.date):
        """The edition whose days include `day`; None when it falls outside every edition."""
        return self.filter(start_date__lte=day, end_date__gte=day).first()

    def current_cached(self):
        """The current edition (else the latest), which every page's footer names.

        Cached under the "editions" data version (semaine/0005: bumped when a transaction that
        writes editions commits), read once per request with the page cache's: never stale,
        on any instance or worker.
        """
        key = f"semaine:current-edition:{version_key((EDITIONS_VERSION,))}"
        edition = cache.get(key)
        if edition is None:
            edition = self.filter(is_current=True).first() or self.order_by("-year").first()
            cache.set(key, edition or False, EDITION_CACHE_SECONDS)
        return edition or None


# The row of semaine_data_version bumped by every write to editions (migration 0005).
EDITIONS_VERSION = "editions"
# The key changes with the version; the lifetime only bounds what a restore, which can move the
# versions back to numbers already used, could bring back.
EDITION_CACHE_SECONDS = 300


class Edition(models.Model):
    year = models.PositiveSmallIntegerField("année", primary_key=True)
    start_date = models.DateField("premier jour")
    end_date = models.DateField("dernier jour")
    is_current = models.BooleanField("édition en cours", default=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = "édition"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="edition_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="edition_one_current",
            ),
        ]

    def __str__(self):
        return f"Édition {self.year}"

    @property
    def days(self) -> list[datetime.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=i) for i in range(count)]


# The row of semaine_data_version bumped by every write to the search vocabulary (migration
# 0007): what a query means is cached under it (semaine.search.understanding).
VOCABULARY_VERSION = "vocabulary"

EMPTY_TERM = "Le mot ou l'expression doit contenir au moins une lettre ou un chiffre."
SELF_EXPANSION = "« %(phrase)s » ne peut pas se développer en lui-même."
EMPTY_EXPANSION = (
    "Ce mot ne se développerait en rien : choisissez au moins un métier ou un mot équivalent."
)


class SearchTerm(models.Model):
    """A word or phrase people search with, and what it means: ROME trades and/or other words.

    « infirmière » means the trade J1506 and the words « infirmier », « IDE »…; « apprentissage »
    means « alternance », « contrat de professionnalisation »… A query naming it finds what any
    of those words or trades finds (semaine.search). Expansion is one step: the words it
    expands to are searched as words, not expanded again, so no chain of entries can loop.
    """

    class Kind(models.TextChoices):
        ROME = "rome", "Appellation ROME"
        ACRONYM = "sigle", "Sigle ou diplôme"
        WORD = "mot", "Mot courant"

    phrase = models.CharField(
        "mot ou expression",
        max_length=200,
        help_text="Tel qu'on l'écrit ; majuscules, accents, traits d'union et pluriel ignorés.",
    )
    # semaine.search.text.key(phrase): the form a query is compared with.
    key = models.CharField("clé", max_length=200, unique=True, editable=False)
    kind = models.CharField("nature", max_length=5, choices=Kind.choices, default=Kind.WORD)
    trades = models.ManyToManyField(
        Trade,
        blank=True,
        related_name="search_terms",
        verbose_name="métiers désignés",
        limit_choices_to={"version": Trade.Version.V4},
    )
    expansions = ArrayField(
        models.CharField(max_length=200),
        blank=True,
        default=list,
        verbose_name="se développe en",
        help_text="Mots ou expressions cherchés aussi, séparés par des virgules.",
    )

    class Meta:
        verbose_name = "mot du vocabulaire de recherche"
        verbose_name_plural = "vocabulaire de recherche"
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(key=""),
                name="searchterm_key_not_empty",
                violation_error_message=EMPTY_TERM,
            ),
        ]

    def __str__(self):
        return self.phrase

    def clean(self):
        self.key = search_key(self.phrase)
        if not self.key:
            raise ValidationError({"phrase": EMPTY_TERM})
        # The key is not a form field: its uniqueness is checked here, with a French message.
        same = SearchTerm.objects.filter(key=self.key).exclude(pk=self.pk).first()
        if same:
            raise ValidationError({"phrase": f"« {same.phrase} » est déjà dans le vocabulaire."})
        cleaned, seen = [], set()
        for expansion in self.expansions:
            expansion_key = search_key(expansion)
            if not expansion_key:
                raise ValidationError(
                    {"expansions": f"« {expansion} » ne contient ni lettre ni chiffre."}
                )
            if expansion_key == self.key:
                raise ValidationError({"expansions": SELF_EXPANSION % {"phrase": self.phrase}})
            if expansion_key not in seen:
                seen.add(expansion_key)
                cleaned.append(expansion.strip())
        self.expansions = cleaned

    def save(self, *args, **kwargs):
        self.key = search_key(self.phrase)
        super().save(*args, **kwargs)


class SearchWord(models.Model):
    """A word of the trades' vocabulary or of the events and offers, for typo correction.

    Filled by triggers (semaine/0007 and the apps' migrations) from the vocabulary and from the
    titles, places and organisations of events and offers; a misspelt query word is corrected
    to the nearest of them by trigram similarity (pg_trgm, the GiST index below).
    """

    # Lower case, no accent: what a query word is compared with.
    word = models.CharField("mot", max_length=100, primary_key=True)
    # As first written (« infirmière »): what a suggestion shows.
    display = models.CharField("forme affichée", max_length=100)

    class Meta:
        verbose_name = "mot connu"
        verbose_name_plural = "mots connus"
        indexes = [
            # GiST rather than GIN: it gives the nearest words in order (KNN on <->), without
            # a similarity threshold to tune.
            GistIndex(fields=["word"], opclasses=["gist_trgm_ops"], name="searchword_trigram"),
        ]

    def __str__(self):
        return self.display
