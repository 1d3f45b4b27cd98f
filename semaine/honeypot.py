"""The honeypot of the public forms (registration, partners' proposals, alerts): a field hidden
from people, visually and from assistive technologies, that bots fill in."""

from django import forms


def honeypot_field() -> forms.CharField:
    """The form's `website` field (declared where the form wants it among its fields)."""
    return forms.CharField(label="Site web (laisser vide)", required=False)


class Honeypot:
    """For a form with a honeypot_field() named `website`: refused when filled in, and the
    view asks `is_bot` to answer as if the form had been sent."""

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("Ce champ doit rester vide.")
        return ""

    @property
    def is_bot(self) -> bool:
        return "website" in self.errors
