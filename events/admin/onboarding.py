"""Setting up a staff member in one form (« Inviter un membre de l'équipe »): name, e-mail, role
and perimeter; the account gets « Statut équipe » and its group from the role, and the person
an invitation to choose their password. National staff reach it from the users' list (its
« Ajouter » leads there); a regional coordinator from the events' list, for their region only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from events.forms import StaffInvitationForm
from events.models.staff import INVITATION_VALID_HOURS
from events.scoping import invitable_roles
from events.services.staff import staff_invitation_resend, staff_invite


class StaffInvitationMixin:
    """The invitation page of UserAdmin, open to whoever may set up someone (not only to those
    who may see the users' list: a coordinator may not)."""

    def get_urls(self):
        return [
            path(
                "inviter/",
                self.admin_site.admin_view(self.invite_view),
                name="auth_user_invite",
            ),
            *super().get_urls(),
        ]

    actions = ["resend_invitation"]

    @admin.action(
        description="Renvoyer l'invitation (comptes sans mot de passe choisi)",
        permissions=["change"],
    )
    def resend_invitation(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)  # not theirs to touch
        sent = staff_invitation_resend(invited_by=request.user, users=queryset)
        skipped = queryset.count() - sent
        messages.success(
            request,
            f"{sent} invitation(s) renvoyée(s), chacune avec un nouveau lien valable "
            f"{INVITATION_VALID_HOURS} heures."
            + (
                f" {skipped} compte(s) ont déjà un mot de passe : rien ne leur est envoyé."
                if skipped
                else ""
            ),
        )

    def add_view(self, request, form_url="", extra_context=None):
        # Django's two screens (username and password, then the rest) left accounts without
        # « Statut équipe » or group: staff are set up by the invitation only.
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("admin:auth_user_invite")

    def invite_view(self, request):
        if not invitable_roles(request.user):
            raise PermissionDenied
        form = StaffInvitationForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                user = staff_invite(invited_by=request.user, **data)
            except IntegrityError:
                # Two invitations of the same address at once: the second finds it taken.
                form.add_error("email", "Un compte utilise déjà cette adresse.")
            else:
                self.log_addition(request, user, "Invitation envoyée")
                messages.success(
                    request,
                    f"Compte créé pour {user.get_full_name()} ({user.email}) : l'invitation part "
                    f"par e-mail, avec un lien valable {INVITATION_VALID_HOURS} heures pour "
                    "choisir son mot de passe.",
                )
                if self.has_change_permission(request, user):
                    return redirect("admin:auth_user_change", user.pk)
                return redirect("admin:auth_user_invite")
        context = {
            **self.admin_site.each_context(request),
            "title": "Inviter un membre de l'équipe",
            "opts": self.model._meta,
            "form": form,
            "hours": INVITATION_VALID_HOURS,
            "may_list_users": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/auth/user/invite.html", context)
