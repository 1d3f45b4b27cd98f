"""« Prévenez-moi »: a listing's selection saved with an e-mail address, no account, and the daily
digests of what was published since.

An address is a Subscriber (at most ALERTS_PER_ADDRESS alerts); each Alert is one selection of
the events or the offers listing (its normalised query string), confirmed through a signed link
before anything is sent to it. A Digest is one e-mail of one alert, planned with its items and
sent by the task queue.

No item reaches an address twice, without a row per item sent: a row's publication time is set
once (Event.published_at, Offer.created_at) and each alert announces only what appeared after its
`since`, which every digest run moves to its own start, for all the alerts of an address at once;
within a run, an item two alerts of one address find is announced by the first only.
"""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.core import signing
from django.db import models
from django.db.models import Q
from django.utils import timezone

MANAGE_TOKEN_SALT = "alerts.manage"  # noqa: S105 - a namespace, not a secret
CONFIRM_TOKEN_SALT = "alerts.confirm"  # noqa: S105 - a namespace, not a secret


class Nature(models.TextChoices):
    """Which listing an alert follows; the value is the `nature` of /alertes/nouvelle/."""

    EVENTS = "evenements", "Événements"
    OFFERS = "offres", "Offres d'emploi et formations"


class SubscriberQuerySet(models.QuerySet):
    def mark_bounced(self) -> int:
        """The mailbox refused a message for good: every alert of the address is paused."""
        return self.filter(bounced_at__isnull=True).update(bounced_at=timezone.now())


class Subscriber(models.Model):
    """One e-mail address, lower-cased. A mailbox that refused a message for good pauses every
    alert of the address (bounced_at) until its owner resumes them from a manage page."""

    email = models.EmailField("adresse e-mail", unique=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    bounced_at = models.DateTimeField("refusée le", null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = "adresse abonnée"
        verbose_name_plural = "adresses abonnées"

    def __str__(self) -> str:
        return f"adresse n° {self.pk}"


class AlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def due(self, now: datetime.datetime):
        """The alerts that get a digest at `now`: confirmed, not expired, their address not
        refusing mail."""
        return self.confirmed().filter(expires_at__gt=now, subscriber__bounced_at__isnull=True)

    def expired(self, now: datetime.datetime):
        return self.filter(expires_at__lte=now)

    def unconfirmed_since(self, moment: datetime.datetime):
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)


class Alert(models.Model):
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="alerts", verbose_name="adresse"
    )
    nature = models.CharField("liste suivie", max_length=10, choices=Nature.choices)
    # The listing's filters as a query string, normalised (alerts.selection): the same selection
    # written two ways is one alert, and alerts of one selection are computed once.
    query = models.CharField("sélection", max_length=2000, blank=True)
    # The selection as the listing names its filters when the alert was made (« Bretagne ·
    # Job dating »): what the e-mails and the manage page call it.
    label = models.CharField("libellé", max_length=500)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    # What was published after this moment is new for the next digest (the confirmation, then
    # the end of each digest run's window).
    since = models.DateTimeField("nouveautés depuis", null=True, blank=True)
    expires_at = models.DateTimeField("expire le")

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = "alerte"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "nature", "query"], name="alert_one_per_selection"
            ),
        ]
        indexes = [
            # The daily planning walks the confirmed alerts grouped by selection.
            models.Index(
                fields=["nature", "query"],
                name="alert_confirmed_selection",
                condition=Q(confirmed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"alerte n° {self.pk}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def manage_token(self) -> str:
        """Signed token of the manage and unsubscribe links: names the alert, not the address."""
        return signing.dumps({"a": self.pk}, salt=MANAGE_TOKEN_SALT)

    def confirm_token(self) -> str:
        """Signed token of the confirmation link; its age is checked when it is opened."""
        return signing.dumps({"a": self.pk}, salt=CONFIRM_TOKEN_SALT)

    @staticmethod
    def pk_from_token(token: str, *, salt: str, max_age: datetime.timedelta | None = None):
        """The alert id a token names, None for a forged or expired one."""
        try:
            return int(signing.loads(token, salt=salt, max_age=max_age)["a"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None


class Digest(models.Model):
    """One e-mail of an alert: the items it announces, planned together, and whether the mail
    server took it. Kept without the alert once it is deleted, for the staff's counts."""

    alert = models.ForeignKey(
        Alert, null=True, on_delete=models.SET_NULL, related_name="digests", verbose_name="alerte"
    )
    nature = models.CharField("liste suivie", max_length=10, choices=Nature.choices)
    item_ids = ArrayField(models.BigIntegerField(), verbose_name="éléments annoncés")
    created_at = models.DateTimeField("préparé le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    failure = models.CharField("échec", max_length=200, blank=True)

    class Meta:
        verbose_name = "envoi d'alerte"
        indexes = [models.Index(fields=["created_at"], name="digest_created_at")]

    def __str__(self) -> str:
        return f"envoi n° {self.pk}"
