"""The link of a staff invitation: the new staff member chooses their password, then logs in.

Django's password-reset page (PasswordResetConfirmView: the token moved from the address to
the session before the form is shown, so that it leaks through no Referer), with the
invitation's own token (events.models.staff.InvitationTokenGenerator: 72 hours) and a page
that says why a link does not work: expired, or used already / wrong."""

from django.contrib import messages
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.urls import reverse_lazy

from events.models.staff import INVITATION_VALID_HOURS, invitation_tokens


class InvitationConfirmView(PasswordResetConfirmView):
    token_generator = invitation_tokens
    template_name = "admin/invitation_confirm.html"
    title = "Choisissez votre mot de passe"
    success_url = reverse_lazy("admin:login")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hours"] = INVITATION_VALID_HOURS
        if not self.validlink:
            token = self.kwargs["token"]
            if token == self.reset_url_token:
                token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
            context["link_state"] = invitation_tokens.token_state(self.user, token)
            context["title"] = "Lien d'invitation inutilisable"
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            "Votre mot de passe est enregistré : connectez-vous avec votre adresse e-mail "
            f"({self.user.get_username()}) et ce mot de passe.",
        )
        return response


invitation_confirm = InvitationConfirmView.as_view()
