"""The staff admin site: a password, then a one-time code (TOTP, django-otp) for those who must
or chose to have one.

Staff in the groups of OTP_REQUIRED_GROUPS (national staff, who can reach every registration and
set staff up) must set up an authenticator app before anything else; any other staff member may
set one up, and from then on their login asks for its code too. A lost phone: national staff
delete the person's device (« TOTP devices » in the admin), who then sets up a new one.
"""

import base64
import functools

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django_otp import login as otp_login
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_required(user) -> bool:
    """Must `user` prove a second factor? When they have one, or their group requires it."""
    cached = getattr(user, "_second_factor_required", None)
    if cached is None:
        cached = (
            confirmed_device(user) is not None
            or (user.is_superuser and bool(settings.OTP_REQUIRED_GROUPS))
            or user.groups.filter(name__in=settings.OTP_REQUIRED_GROUPS).exists()
        )
        user._second_factor_required = cached
    return cached


class StaffAuthenticationForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    otp_token = forms.CharField(
        label="Code de double authentification",
        required=False,
        max_length=12,
        widget=CODE_WIDGET,
        help_text="Les 6 chiffres de votre application d'authentification, si vous l'avez activée.",
    )
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": "Saisissez le code à 6 chiffres de votre application d'authentification.",
        "invalid_token": "Ce code n'est pas le bon, ou il a expiré : saisissez le code affiché "
        "en ce moment par votre application.",
        "device_required": "Aucune application d'authentification n'est associée à ce compte.",
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and confirmed_device(user) is not None:
            self.cleaned_data["otp_token"] = "".join(cleaned.get("otp_token", "").split())
            self.clean_otp(user)
        return self.cleaned_data

    def _chosen_device(self, user):
        # One authenticator per person: the form does not ask which.
        return confirmed_device(user)

    def _update_form(self, user):
        """django-otp lists the devices here: there is no such field to fill."""


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code affiché par l'application", max_length=12, widget=CODE_WIDGET
    )


class StaffAdminSite(admin.AdminSite):
    site_header = "Semaine des métiers du soin et de l'accompagnement"
    site_title = "Administration de la Semaine"
    index_title = "Administration"
    index_template = "admin/semaine_index.html"
    login_form = StaffAuthenticationForm
    login_template = "admin/staff_login.html"

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and (
            user.is_verified() or not second_factor_required(user)
        )

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(view)
        def set_up_first(request, *args, **kwargs):
            user = request.user
            # Logged in with the password alone, in a group that must have a second factor.
            if (
                user.is_active
                and user.is_staff
                and not user.is_verified()
                and second_factor_required(user)
                and confirmed_device(user) is None
            ):
                return redirect("admin:second_factor")
            return inner(request, *args, **kwargs)

        return set_up_first

    def get_urls(self):
        return [
            path("double-authentification/", self.second_factor_view, name="second_factor"),
            *super().get_urls(),
        ]

    def second_factor_view(self, request):
        """Set up an authenticator app: scan the code, type what the app shows."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect(f"{reverse('admin:login')}?next={request.path}")
        if confirmed_device(user) is not None:
            if not user.is_verified():
                return redirect(f"{reverse('admin:login')}?next={request.path}")
            context = {**self.each_context(request), "title": "Double authentification"}
            return TemplateResponse(request, "admin/second_factor.html", context)
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="Application d'authentification", confirmed=False
            )
        form = CodeForm(request.POST or None)
        if form.is_valid():
            code = "".join(form.cleaned_data["code"].split())
            if device.verify_token(code):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                user._second_factor_required = True
                messages.success(
                    request,
                    "La double authentification est activée : chaque connexion demandera "
                    "désormais le code de votre application.",
                )
                return redirect("admin:index")
            form.add_error("code", StaffAuthenticationForm.otp_error_messages["invalid_token"])
        context = {
            **self.each_context(request),
            "title": "Activer la double authentification",
            "form": form,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, border=2),
            "key": " ".join(_base32(device.bin_key)[i : i + 4] for i in range(0, 32, 4)),
            "required": second_factor_required(user),
        }
        return TemplateResponse(request, "admin/second_factor.html", context)


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")
