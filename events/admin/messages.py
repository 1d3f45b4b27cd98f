"""« Écrire aux inscrits »: staff who may edit an event send its registrants a message."""

from django import forms
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from events.models import Event, EventMessage
from events.services.messages import MessageError, event_message_audience, event_message_send


class EventMessageForm(forms.Form):
    subject = forms.CharField(
        label="Objet",
        max_length=150,
        help_text="Par exemple : « Changement de salle » ou « Document à apporter ».",
    )
    body = forms.CharField(
        label="Texte",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="5 000 caractères au plus. L'e-mail rappelle le titre, la date, le lieu "
        "(ou le lien de connexion) et le contact de l'organisateur.",
    )
    include_waitlist = forms.BooleanField(
        label="Aussi aux personnes en liste d'attente", required=False
    )

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        if "\n" in subject or "\r" in subject:
            raise forms.ValidationError("L'objet tient sur une ligne.")
        return subject


class EventMessagesMixin:
    """The message page of EventAdmin (`<id>/message/`, a link of the event's page)."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/message/",
                self.admin_site.admin_view(self.message_view),
                name="events_event_message",
            ),
            *super().get_urls(),
        ]

    def message_view(self, request, object_id):
        event = self.get_object(request, unquote(object_id))
        if event is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        # Who may edit the event may write to its registrants.
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        form = EventMessageForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                message = event_message_send(event=event, user=request.user, **form.cleaned_data)
            except MessageError as exc:
                form.add_error(None, str(exc))
            else:
                self._log_message(request, event, message)
                messages.success(
                    request,
                    f"Message « {message.subject} » envoyé à {message.recipients} personne(s), "
                    "une à une par la file d'attente des e-mails.",
                )
                return redirect(reverse("admin:events_event_change", args=[event.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Écrire aux inscrits : {event.title}",
            "opts": self.opts,
            "original": event,
            "event": event,
            "form": form,
            "audience": event_message_audience(event),
            "sent": EventMessage.objects.filter(event=event)
            .annotate(delivered=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False)))
            .order_by("-created_at", "-id")[:20],
        }
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/events/event/message.html", context, status=status)

    def _log_message(self, request, event: Event, message: EventMessage) -> None:
        """The event's history says who wrote, when and to how many; never to whom."""
        audience = "confirmées et en liste d'attente" if message.include_waitlist else "confirmées"
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=Event.objects.filter(pk=event.pk),
            action_flag=CHANGE,
            change_message=(
                f"Message aux inscrits « {message.subject} » : {message.recipients} "
                f"destinataire(s) (inscriptions {audience})."
            ),
        )
