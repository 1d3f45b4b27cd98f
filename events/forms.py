"""The jobseeker's registration form: few fields, French messages, a honeypot against bots."""

import re

from django import forms

from events.models import Event, Registration
from events.services.registration import registration_modes

PHONE_RE = re.compile(r"^\+?[0-9 .()\-]{6,20}$")


def seats_text(left: int | None) -> str:
    if left is None:
        return "places disponibles"
    if left == 0:
        return "complet, liste d'attente"
    return f"{left} place{'s' if left > 1 else ''} restante{'s' if left > 1 else ''}"


class RegistrationForm(forms.Form):
    first_name = forms.CharField(
        label="Prénom",
        max_length=100,
        error_messages={"required": "Indiquez votre prénom."},
    )
    last_name = forms.CharField(
        label="Nom",
        max_length=100,
        error_messages={"required": "Indiquez votre nom."},
    )
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        help_text="Pour vous envoyer la confirmation, le rappel et le lien d'annulation.",
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
        },
    )
    phone = forms.CharField(
        label="Téléphone (facultatif)",
        max_length=20,
        required=False,
        help_text="Utile à l'organisateur en cas de changement de dernière minute.",
    )
    situation = forms.ChoiceField(
        label="Votre situation (facultatif)",
        choices=[("", "Je préfère ne pas le dire"), *Registration.Situation.choices],
        required=False,
    )
    mode = forms.ChoiceField(
        label="Comment participez-vous ?",
        choices=Registration.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez comment vous participez : sur place ou en ligne.",
            "invalid_choice": "Choisissez comment vous participez : sur place ou en ligne.",
        },
    )
    consent_contact = forms.BooleanField(
        label=(
            "J'accepte d'être contacté·e par l'organisateur au sujet de cet événement "
            "(confirmation, rappel, changement d'horaire ou de lieu)."
        ),
        error_messages={
            "required": "Cochez cette case : sans elle, nous ne pouvons pas vous inscrire."
        },
    )
    # Honeypot: hidden from people (visually and from assistive technologies), filled by bots.
    website = forms.CharField(label="Site web (laisser vide)", required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        modes = registration_modes(event)
        if len(modes) < 2:
            # Only hybrid events offer a choice; the others have one mode.
            del self.fields["mode"]
        else:
            self.fields["mode"].choices = [
                (mode, f"{label} – {seats_text(event.seats_left_for(mode))}")
                for mode, label in Registration.Mode.choices
            ]
        for name in ("first_name", "last_name", "email", "phone"):
            self.fields[name].error_messages["max_length"] = (
                "Ce champ ne peut pas dépasser %(limit_value)d caractères "
                "(vous en avez saisi %(show_value)d)."
            )

    def clean_first_name(self):
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self):
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78."
            )
        return phone

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("Ce champ doit rester vide.")
        return ""

    @property
    def is_bot(self) -> bool:
        return "website" in self.errors
