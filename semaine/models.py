"""Shared vocabulary of the site: territories, trades and editions of the week."""

import datetime
import zoneinfo

from django.core.cache import cache
from django.db import models

from semaine.pagecache import version_key
from semaine.reference import data as reference_data


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
