"""The « Prévenez-moi » form: an address and the honeypot of the registration form."""

from django import forms

from semaine.honeypot import Honeypot, honeypot_field


class AlertForm(Honeypot, forms.Form):
    email = forms.EmailField(
        label="Votre adresse e-mail",
        max_length=254,
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
        },
    )
    website = honeypot_field()
