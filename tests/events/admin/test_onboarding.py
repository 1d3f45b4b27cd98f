"""Setting up a staff member in one form: the account, its group and perimeter, the invitation
e-mail (once), its link through to a login, the link's 72 hours, and who may set up whom."""

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from events.models import StaffProfile
from events.models.staff import InvitationTokenGenerator
from semaine.models import Department
from tests.conftest import run_queued_emails
from tests.factories import OrganiserFactory, staff_user

pytestmark = pytest.mark.django_db

User = get_user_model()
INVITE = "admin:auth_user_invite"


@pytest.fixture
def lyon_in_rhone(lyon):
    lyon.department = Department.objects.get(code="69")
    lyon.save()
    return lyon


def invite(client, **overrides):
    data = {
        "first_name": "Inès",
        "last_name": "Roux",
        "email": "Ines.Roux@francetravail.example",
        "role": "Agence",
        "organiser": "",
        "region": "",
        **overrides,
    }
    return client.post(reverse(INVITE), data)


def queued_invitations() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE %s",
            ["%deliver_invitation"],
        )
        return cursor.fetchone()[0]


def invitation_link(message) -> str:
    return re.search(r"http://[^\s]+/admin/invitation/[^\s]+/", message.body).group(0)


def test_an_invitation_leads_from_the_email_to_a_working_login(
    client, national_user, lyon_in_rhone, settings
):
    settings.SITE_URL = "http://testserver"
    client.force_login(national_user)

    response = invite(client, organiser=lyon_in_rhone.pk)

    user = User.objects.get(email="ines.roux@francetravail.example")
    assert response.status_code == 302
    assert (user.username, user.first_name, user.last_name) == (
        "ines.roux@francetravail.example",
        "Inès",
        "Roux",
    )
    assert user.is_staff and user.is_active and not user.has_usable_password()
    assert [g.name for g in user.groups.all()] == ["Agence"]
    assert StaffProfile.objects.get(user=user).organiser == lyon_in_rhone
    assert run_queued_emails() == 1
    [message] = mail.outbox
    assert message.to == ["ines.roux@francetravail.example"]
    assert "72 heures" in message.body
    assert "France Travail Lyon" in message.body

    newcomer = Client()
    link = invitation_link(message)
    form_page = newcomer.get(link, follow=True)
    assert "Choisissez votre mot de passe" in form_page.text
    assert "/set-password/" in form_page.redirect_chain[-1][0]  # the token left the address
    done = newcomer.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Soin-accompagnement-2030", "new_password2": "Soin-accompagnement-2030"},
        follow=True,
    )
    assert "Votre mot de passe est enregistré" in done.text
    logged_in = newcomer.post(
        reverse("admin:login"),
        {"username": "ines.roux@francetravail.example", "password": "Soin-accompagnement-2030"},
    )
    assert logged_in.status_code == 302
    assert newcomer.get(reverse("admin:events_event_changelist")).status_code == 200
    # Used once: the same link says so instead of offering the form again.
    again = Client().get(link, follow=True)
    assert "n'est pas valable" in unescape(again.text)
    assert "new_password1" not in again.text


def test_a_link_older_than_72_hours_is_refused_in_french(
    client, national_user, lyon_in_rhone, settings, monkeypatch
):
    client.force_login(national_user)
    invite(client, organiser=lyon_in_rhone.pk)
    run_queued_emails()
    link = invitation_link(mail.outbox[0])
    real_now = InvitationTokenGenerator._now

    monkeypatch.setattr(
        InvitationTokenGenerator,
        "_now",
        lambda self: real_now(self) + datetime.timedelta(hours=71, minutes=59),
    )
    assert "new_password1" in Client().get(link, follow=True).text

    monkeypatch.setattr(
        InvitationTokenGenerator,
        "_now",
        lambda self: real_now(self) + datetime.timedelta(hours=72, minutes=1),
    )
    response = Client().get(link, follow=True)
    assert response.status_code == 200
    assert "Ce lien d'invitation a expiré : il était valable 72 heures." in unescape(response.text)
    assert "new_password1" not in response.text


def test_a_password_reset_token_is_no_invitation(client, national_user, lyon_in_rhone):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    client.force_login(national_user)
    invite(client, organiser=lyon_in_rhone.pk)
    user = User.objects.get(email="ines.roux@francetravail.example")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    response = Client().get(reverse("staff_invitation", args=[uid, token]), follow=True)

    assert "n'est pas valable" in unescape(response.text)


def test_the_invitation_reaches_the_person_once(client, national_user, lyon_in_rhone):
    client.force_login(national_user)

    invite(client, organiser=lyon_in_rhone.pk)
    invite(client, organiser=lyon_in_rhone.pk)  # a second click: the address is taken now

    assert queued_invitations() == 1
    assert run_queued_emails() == 1
    assert run_queued_emails() == 0
    assert len(mail.outbox) == 1


def test_an_invitation_whose_password_was_chosen_meanwhile_is_not_sent(
    client, national_user, lyon_in_rhone
):
    from events.emails import send_invitation

    client.force_login(national_user)
    invite(client, organiser=lyon_in_rhone.pk)
    user = User.objects.get(email="ines.roux@francetravail.example")
    user.set_password("Deja-choisi-2030")
    user.save()

    assert send_invitation(user_id=user.pk, invited_by_id=national_user.pk, job_id=1) is False
    assert mail.outbox == []


def test_an_organiser_and_a_region_together_are_refused(client, national_user, lyon_in_rhone):
    client.force_login(national_user)

    response = invite(client, organiser=lyon_in_rhone.pk, region="84")

    assert response.status_code == 200
    assert "Choisissez un organisateur ou une région, pas les deux" in response.text
    assert not User.objects.filter(email__iexact="ines.roux@francetravail.example").exists()
    assert queued_invitations() == 0


def test_an_address_already_used_is_refused(client, national_user, lyon_in_rhone):
    User.objects.create_user("iroux", email="ines.roux@francetravail.example")
    client.force_login(national_user)

    response = invite(client, organiser=lyon_in_rhone.pk, email="INES.ROUX@francetravail.example")

    assert response.status_code == 200
    assert "Un compte utilise déjà l'adresse ines.roux@francetravail.example" in unescape(
        response.text
    )
    assert User.objects.filter(email__iexact="ines.roux@francetravail.example").count() == 1
    assert queued_invitations() == 0


@pytest.mark.parametrize(
    ("role", "fields", "message"),
    [
        ("Agence", {}, "Choisissez l'organisateur de cette agence."),
        ("Coordination régionale", {}, "Choisissez la région de cette coordination."),
        ("National", {"region": "84"}, "ne choisissez ni organisateur ni région"),
    ],
)
def test_a_role_without_its_perimeter_is_refused(client, national_user, role, fields, message):
    client.force_login(national_user)

    response = invite(client, role=role, **fields)

    assert message in unescape(response.text)
    assert not User.objects.filter(email__iexact="ines.roux@francetravail.example").exists()


def test_national_staff_set_up_a_regional_coordinator(client, national_user):
    client.force_login(national_user)

    invite(client, role="Coordination régionale", region="93")

    user = User.objects.get(email="ines.roux@francetravail.example")
    assert [g.name for g in user.groups.all()] == ["Coordination régionale"]
    assert StaffProfile.objects.get(user=user).region_id == "93"


def test_a_coordinator_sets_up_an_agency_of_their_region(client, coordinator, lyon_in_rhone):
    client.force_login(coordinator)
    assert "Inviter un membre de l" in client.get(reverse("admin:events_event_changelist")).text

    response = invite(client, organiser=lyon_in_rhone.pk)

    assert response.status_code == 302
    assert User.objects.get(email="ines.roux@francetravail.example").groups.get().name == "Agence"


@pytest.mark.parametrize(
    "overrides",
    [
        {"role": "National"},
        {"role": "Coordination régionale", "region": "93"},
        {"organiser": "marseille"},
        {"organiser": "croix_rouge"},
    ],
)
def test_a_coordinator_cannot_set_up_beyond_their_region(
    client, coordinator, marseille, croix_rouge, overrides
):
    marseille.department = Department.objects.get(code="13")
    marseille.save()
    croix_rouge.department = Department.objects.get(code="69")
    croix_rouge.save()
    named = {"marseille": marseille.pk, "croix_rouge": croix_rouge.pk}
    if "organiser" in overrides:
        overrides = {"organiser": named[overrides["organiser"]]}
    client.force_login(coordinator)

    response = invite(client, **overrides)

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    assert not User.objects.filter(email__iexact="ines.roux@francetravail.example").exists()


def test_an_agency_counsellor_may_set_up_nobody(client, agency_user):
    client.force_login(agency_user)

    assert client.get(reverse(INVITE)).status_code == 403
    assert "Inviter un membre" not in client.get(reverse("admin:events_event_changelist")).text


def test_adding_a_user_leads_to_the_invitation(client, national_user):
    client.force_login(national_user)

    response = client.get(reverse("admin:auth_user_add"))

    assert response.status_code == 302
    assert response["Location"] == reverse(INVITE)
    page = client.get(reverse(INVITE))
    assert "Équipe nationale" in page.text  # national staff may give every role


def test_the_coordinators_form_offers_their_region_only(client, coordinator, lyon_in_rhone):
    OrganiserFactory(name="Agence de Nice", department=Department.objects.get(code="06"))
    staff_user("autre", group="Agence")
    client.force_login(coordinator)

    page = client.get(reverse(INVITE)).text

    assert "France Travail Lyon" in page
    assert "Agence de Nice" not in page
    assert "Équipe nationale" not in page
    assert "Provence-Alpes" not in page


def test_an_expired_invitation_is_sent_again_with_a_new_link(
    client, national_user, lyon_in_rhone, monkeypatch
):
    client.force_login(national_user)
    invite(client, organiser=lyon_in_rhone.pk)
    run_queued_emails()
    user = User.objects.get(email="ines.roux@francetravail.example")
    already_in = staff_user("deja", group="Agence", organiser=lyon_in_rhone)
    real_now = InvitationTokenGenerator._now
    later = datetime.timedelta(hours=80)
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: real_now(self) + later)
    assert "a expiré" in Client().get(invitation_link(mail.outbox[0]), follow=True).text

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "resend_invitation", "_selected_action": [user.pk, already_in.pk]},
        follow=True,
    )

    assert "1 invitation(s) renvoyée(s)" in unescape(response.text)
    assert "1 compte(s) ont déjà un mot de passe" in unescape(response.text)
    # The new e-mail's link is made when it is sent (80 hours later here): 72 hours from then.
    assert run_queued_emails() == 1
    assert len(mail.outbox) == 2
    assert "new_password1" in Client().get(invitation_link(mail.outbox[1]), follow=True).text
