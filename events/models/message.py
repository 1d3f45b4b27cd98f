"""Messages staff write to the registrants of an event (a change of room, a document to bring)."""

from django.conf import settings
from django.db import models

from events.models.event import Event
from events.models.registration import Registration


class EventMessage(models.Model):
    """One message to an event's registrants: who sent it, when, to how many; its text is what
    each person's e-mail says. The recipients are `EventMessageRecipient` rows, never names."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="messages", verbose_name="événement"
    )
    subject = models.CharField("objet", max_length=150)
    body = models.TextField("texte", max_length=5000)
    include_waitlist = models.BooleanField("aussi la liste d'attente", default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="envoyé par",
    )
    # Kept in clear: the record outlives a deleted account.
    sent_by_name = models.CharField("envoyé par (identifiant)", max_length=150)
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)
    recipients = models.PositiveIntegerField("destinataires", default=0)

    class Meta:
        verbose_name = "message aux inscrits"
        verbose_name_plural = "messages aux inscrits"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Message « {self.subject} » — {self.event}"


class EventMessageRecipient(models.Model):
    """One person's copy of a message: queued with it, marked sent by the worker in the
    transaction that sends it, so that a job run again (a retry, a worker taken for dead)
    never e-mails the person twice."""

    message = models.ForeignKey(
        EventMessage, on_delete=models.CASCADE, related_name="deliveries", verbose_name="message"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="+", verbose_name="inscription"
    )
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "destinataire d'un message"
        constraints = [
            models.UniqueConstraint(
                fields=["message", "registration"], name="event_message_once_per_registration"
            )
        ]

    def __str__(self):
        return f"Destinataire n° {self.pk} — {self.message_id}"
