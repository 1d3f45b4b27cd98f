"""The actions staff take on one registration (cancel, reinstate, move to the other mode): a
page that says who is e-mailed, then the change through the registration services."""

from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from events.models import Event, RegistrantAccess
from events.services.audit import record_registrant_access
from events.services.registrant_actions import (
    Action,
    ActionPlan,
    registration_action_plan,
    registration_action_run,
)
from events.services.registration import RegistrationError


class RegistrantActionsMixin:
    """The confirmation pages of RegistrationAdmin's actions, one URL each
    (`<id>/annuler/`, `<id>/retablir/`, `<id>/participation/`)."""

    def get_urls(self):
        return [
            *(
                path(
                    f"<path:object_id>/{action.value}/",
                    self.admin_site.admin_view(self.registrant_action_view),
                    {"action": action.value},
                    name=f"events_registration_{action.name.lower()}",
                )
                for action in Action
            ),
            *super().get_urls(),
        ]

    def _back(self, request, registration) -> str:
        """Where to go once done: the page the action came from (the event's page, the list),
        if it is this site's, else the registration's own page."""
        back = request.POST.get("next") or request.GET.get("next") or ""
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return back
        return reverse("admin:events_registration_change", args=[registration.pk])

    def registrant_action_view(self, request, object_id, action):
        registration = self.get_object(request, unquote(object_id))
        if registration is None:
            # Out of scope is as good as absent: the admin's own answer to a missing object.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, registration):
            raise PermissionDenied
        registration.event = Event.objects.select_related("department", "organiser").get(
            pk=registration.event_id
        )
        back = self._back(request, registration)
        plan = registration_action_plan(registration, action)
        if not isinstance(plan, ActionPlan):
            messages.error(request, plan)
            return redirect(back)
        if request.method == "POST":
            try:
                outcome = registration_action_run(registration=registration, action=action)
            except RegistrationError as exc:
                messages.error(request, str(exc))
                return redirect(back)
            self._log_action(request, registration, outcome)
            messages.success(request, outcome)
            return redirect(back)
        record_registrant_access(
            request.user, RegistrantAccess.Action.REGISTRATION, [registration.event], rows=1
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{plan.label} ?",
            "opts": self.opts,
            "original": registration,
            "registration": registration,
            "event": registration.event,
            "plan": plan,
            "back": back,
        }
        return TemplateResponse(request, "admin/events/registration/action_confirm.html", context)

    def _log_action(self, request, registration, outcome: str) -> None:
        """In the registration's history and its event's: what was done, never to whom (the
        history is kept for good, the names are not)."""
        self.log_change(request, registration, outcome)
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=Event.objects.filter(pk=registration.event_id),
            action_flag=CHANGE,
            change_message=f"Inscription n° {registration.pk} : {outcome}",
        )
