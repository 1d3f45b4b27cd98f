"""Staff's second factor (TOTP): required for national staff, chosen by others."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-test"


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client, username, otp_token=""):
    return client.post(
        "/admin/login/",
        {"username": username, "password": PASSWORD, "otp_token": otp_token, "next": "/admin/"},
    )


@pytest.fixture(autouse=True)
def _production_rule(settings, fast_password_hasher):
    settings.OTP_REQUIRED_GROUPS = ["National"]
    # A wrong code then the right one within a second: no back-off in these tests.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_national_staff_set_up_an_authenticator_before_anything_else(client):
    staff_user("nat", group="National")
    assert log_in(client, "nat").status_code == 302

    # Every admin page leads to the set-up page first.
    for url in ("/admin/", "/admin/events/registration/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/admin/double-authentification/"
    page = client.get("/admin/double-authentification/")
    assert "<svg" in page.text and "Activer la double authentification" in page.text
    device = TOTPDevice.objects.get(user__username="nat", confirmed=False)
    assert " ".join(page.context["key"].split()) == page.context["key"]

    wrong = client.post("/admin/double-authentification/", {"code": "000000"})
    assert "n&#x27;est pas le bon" in wrong.text
    right = client.post("/admin/double-authentification/", {"code": code(device)})
    assert right.status_code == 302 and right.url == "/admin/"

    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_staff_member_with_an_authenticator_needs_its_code_to_log_in(client):
    user = staff_user("agent", group="Agence")
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)

    without = log_in(client, "agent")
    assert without.status_code == 200
    assert "Saisissez le code à 6 chiffres" in without.text
    wrong = log_in(client, "agent", "123456")
    assert "n&#x27;est pas le bon" in wrong.text
    assert client.get("/admin/").status_code == 302  # still not logged in

    right = log_in(client, "agent", code(device)[:3] + " " + code(device)[3:])
    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_other_staff_log_in_with_their_password_and_may_add_a_second_factor(client):
    staff_user("agent", group="Agence")

    assert log_in(client, "agent").status_code == 302
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "Double authentification : à activer" in index.text
    page = client.get("/admin/double-authentification/")
    assert page.status_code == 200 and not page.context["required"]


def test_a_session_without_the_second_factor_cannot_reach_the_admin(client):
    user = staff_user("nat", group="National")
    TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    client.force_login(user)  # the password alone, as a stolen session cookie would carry

    response = client.get("/admin/events/registration/")

    assert response.status_code == 302 and response.url.startswith("/admin/login/")
