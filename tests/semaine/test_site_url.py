"""SITE_URL, the start of every absolute link: it follows `make run`'s port in development, and
in production a SITE_URL that is not the address served on is logged and shown to staff."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from semaine import site_url

ROOT = Path(__file__).resolve().parents[2]

SNIPPET_START = "&lt;iframe src=&quot;"


def settings_site_url(env: dict) -> subprocess.CompletedProcess:
    """Start Django (settings and apps, as any process does) in a fresh interpreter."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "SITE_URL", "PORT", "ALLOWED_HOSTS", "LOG_FORMAT")
        and not k.startswith("PYTEST")
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SITE_URL)",
        ],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "semaine.settings",
            "DATABASE_URL": "postgres://u@127.0.0.1:1/none",
            "LOG_FORMAT": "text",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


# -- development: the port served on ------------------------------------------------------------


def test_unset_it_is_the_address_of_the_port_served_on():
    result = settings_site_url({"DEBUG": "1", "PORT": "8123"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "http://127.0.0.1:8123"


def test_unset_and_without_a_port_it_is_port_8000():
    result = settings_site_url({"DEBUG": "1"})

    assert result.stdout.splitlines()[-1] == "http://127.0.0.1:8000"


def test_set_it_is_kept_whatever_the_port():
    result = settings_site_url({"DEBUG": "1", "PORT": "8123", "SITE_URL": "https://exemple.fr/"})

    assert result.stdout.splitlines()[-1] == "https://exemple.fr"


def test_make_hands_the_port_it_serves_on_to_the_processes_it_starts():
    # `make run PORT=8123` as much as `PORT=8123 make run`: runserver and the worker see it.
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "MAKEFLAGS")}
    for args, extra, expected in (
        (["PORT=8123"], {}, "8123"),
        ([], {"PORT": "8124"}, "8124"),
        ([], {}, "8000"),
    ):
        result = subprocess.run(
            ["make", "-s", "--eval", "print-port: ; @echo $$PORT", "print-port", *args],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.strip() == expected, result.stderr


# -- production: said at start ------------------------------------------------------------------

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "semaine-soin.fr"}


def test_a_site_url_on_a_host_the_site_refuses_is_logged_at_start():
    result = settings_site_url(PRODUCTION)  # SITE_URL left to its development default

    assert result.returncode == 0, result.stderr
    logs = result.stderr + result.stdout
    assert "WARNING semaine.site_url" in logs
    assert "SITE_URL http://127.0.0.1:8000 names a host that ALLOWED_HOSTS" in logs


def test_the_sites_own_address_logs_nothing_at_start():
    result = settings_site_url({**PRODUCTION, "SITE_URL": "https://semaine-soin.fr"})

    assert result.returncode == 0, result.stderr
    assert "semaine.site_url" not in result.stderr + result.stdout


# -- production: said on the first request on another address -----------------------------------


@pytest.fixture
def fresh_warnings(monkeypatch, caplog):
    monkeypatch.setattr(site_url, "_warned", set())
    caplog.set_level(logging.WARNING, logger="semaine.site_url")
    return caplog


def site_url_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "semaine.site_url"]


@pytest.mark.django_db
def test_the_first_request_on_another_host_is_logged_once(client, settings, fresh_warnings):
    settings.SITE_URL = "https://semaine-soin.fr"

    client.get("/partenaires/")
    client.get("/evenements/")

    [warning] = site_url_warnings(fresh_warnings)
    assert warning.startswith("SITE_URL is https://semaine-soin.fr but this site is served on ")
    assert "http://testserver" in warning


@pytest.mark.django_db
def test_requests_on_the_site_url_log_nothing(client, settings, fresh_warnings):
    settings.SITE_URL = "http://testserver"

    client.get("/partenaires/")

    assert site_url_warnings(fresh_warnings) == []


@pytest.mark.django_db
def test_the_default_port_of_the_scheme_is_the_same_address(rf, settings):
    settings.SITE_URL = "https://semaine-soin.fr:443"
    settings.ALLOWED_HOSTS = ["semaine-soin.fr"]
    request = rf.get("/", HTTP_HOST="semaine-soin.fr", secure=True)

    assert site_url.request_mismatch(request) == ""
    assert site_url.request_mismatch(rf.get("/", HTTP_HOST="semaine-soin.fr:8443")) == (
        "http://semaine-soin.fr:8443"
    )


@pytest.mark.django_db
def test_probes_on_an_internal_address_log_nothing(client, settings, fresh_warnings):
    settings.SITE_URL = "https://semaine-soin.fr"

    client.get("/healthz")

    assert site_url_warnings(fresh_warnings) == []


def test_logging_of_another_host_is_off_in_development(rf, settings, fresh_warnings):
    settings.DEBUG = True
    settings.SITE_URL = "https://semaine-soin.fr"
    middleware = site_url.SiteUrlCheckMiddleware(lambda request: None)

    middleware(rf.get("/partenaires/"))

    assert site_url_warnings(fresh_warnings) == []


# -- the partners' page: shown to staff ---------------------------------------------------------


@pytest.mark.django_db
def test_staff_are_told_on_the_partners_page_that_its_links_point_elsewhere(
    agency_client, settings
):
    settings.SITE_URL = "https://semaine-soin.fr"

    html = agency_client.get("/partenaires/").text

    assert "les liens de cette page pointent ailleurs" in html
    assert "<code>https://semaine-soin.fr</code>" in html
    assert "<code>http://testserver</code>" in html
    assert SNIPPET_START + "https://semaine-soin.fr/widget/evenements/" in html


@pytest.mark.django_db
def test_the_public_is_not_told(client, settings):
    settings.SITE_URL = "https://semaine-soin.fr"

    assert "pointent ailleurs" not in client.get("/partenaires/").text


@pytest.mark.django_db
def test_staff_see_no_notice_when_the_links_are_right(agency_client, settings):
    settings.SITE_URL = "http://testserver"

    html = agency_client.get("/partenaires/").text

    assert "pointent ailleurs" not in html
    assert SNIPPET_START + "http://testserver/widget/evenements/" in html
