"""The « Prévenez-moi » form: an address and the honeypot of the registration form."""

from django import forms


class AlertForm(forms.Form):
    email = forms.EmailField(
        label="Votre adresse e-mail",
        max_length=254,
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
        },
    )
    # Hidden from people (and from assistive technology); bots fill it in.
    website = forms.CharField(label="Site web (laisser vide)", required=False)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("Ce champ doit rester vide.")
        return ""

    @property
    def is_bot(self) -> bool:
        return "website" in self.errors
