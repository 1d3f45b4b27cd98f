"""The partners' proposal form: the organisation, its contact, the event with the admin's rules
(Proposal.clean runs Event.clean), and its dates (one to MAX_DATES, each a day and two times on
the place's own clock). A honeypot field, as on the registration form."""

import datetime

from django import forms
from django.utils import timezone

from events.models import Proposal
from events.models.rules import PHONE_RE
from events.services.proposals import ProposalData
from semaine.honeypot import Honeypot, honeypot_field
from semaine.models import Department, Trade

# The same event on several days of the week: five at most in one proposal.
MAX_DATES = 5
SIRET_LENGTH = 14

TOO_LONG = (
    "Ce champ ne peut pas dépasser %(limit_value)d caractères (vous en avez saisi %(show_value)d)."
)


class ProposalForm(Honeypot, forms.ModelForm):
    website = honeypot_field()
    # Typed with spaces (« 123 456 789 00012 »): 14 digits once they are taken out.
    siret = forms.CharField(label="SIRET (facultatif)", max_length=20, required=False)
    online_url = forms.URLField(
        label="Lien de connexion", max_length=500, required=False, assume_scheme="https"
    )
    trades = forms.ModelMultipleChoiceField(
        label="Métiers présentés (facultatif)",
        queryset=Trade.objects.none(),
        required=False,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )

    class Meta:
        model = Proposal
        fields = [
            "organisation_name",
            "siret",
            "organisation_kind",
            "contact_name",
            "contact_email",
            "contact_phone",
            "title",
            "type",
            "modalite",
            "description",
            "venue_name",
            "address",
            "postcode",
            "city",
            "department",
            "online_url",
            "capacity_onsite",
            "capacity_online",
            "registration_required",
            "audience",
            "wheelchair_accessible",
            "trades",
        ]
        labels = {
            "organisation_name": "Nom de l'organisme",
            "siret": "SIRET (facultatif)",
            "organisation_kind": "Type d'organisme",
            "contact_name": "Nom et prénom du contact",
            "contact_email": "Adresse e-mail du contact",
            "contact_phone": "Téléphone du contact",
            "title": "Titre de l'événement",
            "type": "Type d'événement",
            "modalite": "Format",
            "description": "Description",
            "venue_name": "Nom du lieu (facultatif)",
            "address": "Adresse",
            "postcode": "Code postal",
            "city": "Ville",
            "department": "Département",
            "online_url": "Lien de connexion",
            "capacity_onsite": "Places sur place (facultatif)",
            "capacity_online": "Places en ligne (facultatif)",
            "registration_required": "Inscription obligatoire",
            "audience": "Public",
            "wheelchair_accessible": "Lieu accessible en fauteuil roulant",
        }
        help_texts = {
            "contact_email": "Un lien pour confirmer votre proposition, puis la suivre, y est "
            "envoyé.",
            "siret": "14 chiffres.",
            "department": "Pour un événement en ligne : celui des agences qui examinent votre "
            "proposition (et dont l'heure s'applique). Sur place, il vient du code postal.",
            "postcode": "Sur place ou hybride.",
            "online_url": "En ligne ou hybride. Envoyé aux seuls inscrits quand l'inscription "
            "est obligatoire.",
            "capacity_onsite": "Vide : pas de limite.",
            "capacity_online": "Vide : pas de limite.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trades"].queryset = Trade.objects.current().order_by("label")
        self.fields["department"].queryset = Department.objects.order_by("code")
        self.fields["department"].empty_label = "—"
        if self.instance.pk:
            # The address the link was sent to stays the one e-mails go to: changing it would
            # send the moderators' decisions to an address nobody confirmed.
            self.fields["contact_email"].disabled = True
            self.fields["contact_email"].help_text = "L'adresse confirmée ne change pas."
        for name in ("organisation_name", "contact_name", "contact_email", "contact_phone"):
            self.fields[name].required = True
        required = {
            "organisation_name": "Indiquez le nom de votre organisme.",
            "organisation_kind": "Choisissez le type de votre organisme.",
            "contact_name": "Indiquez le nom du contact.",
            "contact_email": "Indiquez l'adresse e-mail du contact.",
            "contact_phone": "Indiquez le téléphone du contact.",
            "title": "Indiquez le titre de l'événement.",
            "type": "Choisissez le type d'événement.",
        }
        for name, field in self.fields.items():
            field.error_messages["max_length"] = TOO_LONG
            if name in required:
                field.error_messages["required"] = required[name]
        self.fields["contact_email"].error_messages["invalid"] = (
            "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
        )
        self.fields["online_url"].error_messages["invalid"] = (
            "Saisissez une adresse web complète, par exemple https://visio.exemple.fr/salle."
        )

    def clean_siret(self):
        siret = "".join(self.cleaned_data["siret"].split())
        if siret and not (siret.isdigit() and len(siret) == SIRET_LENGTH):
            raise forms.ValidationError("Un SIRET a 14 chiffres, par exemple 123 456 789 00012.")
        return siret

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78."
            )
        return phone

    def clean_contact_email(self):
        return self.cleaned_data["contact_email"].strip().lower()


class ProposalDateForm(forms.Form):
    day = forms.DateField(
        label="Jour",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Saisissez une date, par exemple 23/04/2030."},
    )
    start_time = forms.TimeField(
        label="Début",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Saisissez une heure, par exemple 09:30."},
    )
    end_time = forms.TimeField(
        label="Fin",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Saisissez une heure, par exemple 12:00."},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "La fin doit être après le début.")
        day = cleaned.get("day")
        if day and day < timezone.localdate():
            self.add_error("day", "Cette date est passée.")
        return cleaned


class BaseDateFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        days = [form.cleaned_data["day"] for form in self.dated_forms()]
        if not days:
            raise forms.ValidationError("Indiquez au moins une date.")
        if len(days) != len(set(days)):
            raise forms.ValidationError("Chaque date ne peut figurer qu'une fois.")

    def dated_forms(self):
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]


DateFormSet = forms.formset_factory(
    ProposalDateForm,
    formset=BaseDateFormSet,
    extra=MAX_DATES,
    max_num=MAX_DATES,
    validate_max=True,
    absolute_max=MAX_DATES,
)


def date_formset(data=None, *, proposal: Proposal | None = None) -> forms.BaseFormSet:
    """The dates' forms: MAX_DATES lines, those of `proposal` filled in."""
    initial = None
    if proposal is not None:
        initial = [
            {"day": d.local_start.date(), "start_time": d.local_start, "end_time": d.local_end}
            for d in proposal.dates.all()
        ]
        initial = [
            {**row, "start_time": row["start_time"].time(), "end_time": row["end_time"].time()}
            for row in initial
        ]
    formset = DateFormSet(data, initial=initial, prefix="dates")
    if initial:
        formset.extra = max(0, MAX_DATES - len(initial))
    return formset


def proposal_data(form: ProposalForm, formset: forms.BaseFormSet) -> ProposalData:
    """What the valid form and dates give the services: the dates on the place's own clock."""
    fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "trades"}
    # Proposal.clean may have taken the department from the postcode.
    fields["department"] = form.instance.department
    zone = form.instance.tzinfo
    dates = []
    for date_form in formset.dated_forms():
        day = date_form.cleaned_data["day"]
        dates.append(
            (
                datetime.datetime.combine(day, date_form.cleaned_data["start_time"], tzinfo=zone),
                datetime.datetime.combine(day, date_form.cleaned_data["end_time"], tzinfo=zone),
            )
        )
    return ProposalData(
        fields=fields,
        trade_ids=[trade.pk for trade in form.cleaned_data["trades"]],
        dates=sorted(dates),
    )
