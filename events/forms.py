"""The jobseeker's registration form: few fields, French messages, a honeypot against bots;
and the admin's form that sets up a new staff member."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from events import scoping
from events.models import Event, Registration
from events.models.rules import PHONE_RE
from events.services.registration import registration_modes
from semaine.honeypot import Honeypot, honeypot_field


def seats_text(left: int | None) -> str:
    if left is None:
        return "places disponibles"
    if left == 0:
        return "complet, liste d'attente"
    return f"{left} place{'s' if left > 1 else ''} restante{'s' if left > 1 else ''}"


class RegistrationForm(Honeypot, forms.Form):
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
    website = honeypot_field()

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


class StaffInvitationForm(forms.Form):
    """A new staff member, as the person who sets them up fills it in: the roles, organisers and
    regions offered are those `user` may give (events.scoping.invitable_*), so that a choice
    beyond them is refused like any invalid choice."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=150,
        help_text="Son identifiant de connexion ; l'invitation y est envoyée.",
        error_messages={
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
        },
    )
    role = forms.ChoiceField(label="Rôle", widget=forms.RadioSelect)
    organiser = forms.ModelChoiceField(
        label="Organisateur",
        queryset=None,
        required=False,
        help_text="Pour une agence : l'organisateur dont la personne gère les événements.",
    )
    region = forms.ModelChoiceField(
        label="Région",
        queryset=None,
        required=False,
        help_text="Pour une coordination régionale : la région dont elle voit tous les événements.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = scoping.invitable_roles(user)
        self.fields["role"].choices = [(role, scoping.ROLES[role]) for role in roles]
        self.fields["organiser"].queryset = scoping.invitable_organisers(user).order_by("name")
        self.fields["region"].queryset = scoping.invitable_regions(user).order_by("name")
        self.fields["organiser"].empty_label = self.fields["region"].empty_label = "—"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        User = get_user_model()
        if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
            raise forms.ValidationError(
                f"Un compte utilise déjà l'adresse {email} : modifiez-le plutôt que d'en "
                "créer un second."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        role, organiser, region = (cleaned.get(k) for k in ("role", "organiser", "region"))
        if organiser and region:
            raise forms.ValidationError(
                "Choisissez un organisateur ou une région, pas les deux : une agence gère les "
                "événements de son organisateur, une coordination ceux de sa région."
            )
        if role == scoping.GROUP_AGENCY and not organiser:
            self.add_error("organiser", "Choisissez l'organisateur de cette agence.")
        if role == scoping.GROUP_AGENCY and region:
            self.add_error("region", "Une agence a un organisateur pour périmètre, pas une région.")
        if role == scoping.GROUP_REGIONAL and not region:
            self.add_error("region", "Choisissez la région de cette coordination.")
        if role == scoping.GROUP_REGIONAL and organiser:
            self.add_error("organiser", "Une coordination régionale a une région pour périmètre.")
        if role == scoping.GROUP_NATIONAL and (organiser or region):
            raise forms.ValidationError(
                "L'équipe nationale voit tous les événements : ne choisissez ni organisateur ni "
                "région."
            )
        return cleaned
