import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0019_registration_double_opt_in"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EventMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject", models.CharField(max_length=150, verbose_name="objet")),
                ("body", models.TextField(max_length=5000, verbose_name="texte")),
                (
                    "include_waitlist",
                    models.BooleanField(default=False, verbose_name="aussi la liste d'attente"),
                ),
                (
                    "sent_by_name",
                    models.CharField(max_length=150, verbose_name="envoyé par (identifiant)"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="envoyé le")),
                (
                    "recipients",
                    models.PositiveIntegerField(default=0, verbose_name="destinataires"),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
                        to="events.event",
                        verbose_name="événement",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="envoyé par",
                    ),
                ),
            ],
            options={
                "verbose_name": "message aux inscrits",
                "verbose_name_plural": "messages aux inscrits",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="EventMessageRecipient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "sent_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="envoyé le"),
                ),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="events.eventmessage",
                        verbose_name="message",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.registration",
                        verbose_name="inscription",
                    ),
                ),
            ],
            options={
                "verbose_name": "destinataire d'un message",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("message", "registration"),
                        name="event_message_once_per_registration",
                    )
                ],
            },
        ),
    ]
