import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def event():
    return EventFactory()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/evenements/",
        "/evenements/region/84/",
        "EVENT",
        "EVENT_ICS",
        "/healthz",
        "/page-qui-n-existe-pas/",
        "/admin/login/",
    ],
)
def test_security_headers_on_every_page_type(client, event, url):
    url = {"EVENT": event.get_absolute_url(), "EVENT_ICS": f"/evenements/{event.pk}.ics"}.get(
        url, url
    )
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_not_found_page_is_french_and_says_where_to_go(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert 'lang="fr"' in html


def test_server_error_page_renders_when_the_database_is_down():
    request = RequestFactory().get("/")
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Le service rencontre un problème" in html
    assert "Traceback" not in html and "SECRET_KEY" not in html


def production_env(**extra) -> dict:
    """This process's environment as a production instance would have it, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update({"DEBUG": "0", "SECRET_KEY": "p" * 30 + "-production-like-key-for-the-test"})
    env.setdefault("EMBEDDED_DATABASE", "1")
    return {**env, **extra}


def test_production_settings_pass_check_deploy():
    env = production_env(
        ALLOWED_HOSTS="semaine-soin.example",
        CSRF_TRUSTED_ORIGINS="https://semaine-soin.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_hsts_preload_is_the_owners_choice_not_a_default():
    script = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'semaine.settings'); "
        "django.setup(); from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    )

    def preload(**extra):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=production_env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert preload() == "False"
    assert preload(SECURE_HSTS_PRELOAD="1") == "True"


def test_staff_passwords_need_twelve_characters():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="au minimum 12 caractères"):
        validate_password("Kx7#pQ2!mZ4")  # 11 characters, not common
    validate_password("Kx7#pQ2!mZ4w")


def test_a_staff_session_ends_after_two_idle_hours(agency_client):
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    def expiry():
        return Session.objects.get().expire_date

    assert agency_client.get("/admin/").status_code == 200
    assert abs(expiry() - timezone.now() - datetime.timedelta(hours=2)).total_seconds() < 60

    # Active ten minutes before the deadline: the next request pushes it back to two hours.
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=10))
    assert agency_client.get("/admin/").status_code == 200
    assert expiry() - timezone.now() > datetime.timedelta(minutes=119)

    # Left alone past the deadline: back to the login page.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = agency_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_web_process_cuts_a_slow_query_of_a_public_read():
    # semaine/wsgi.py gives web processes a 2 s statement_timeout (READ_STATEMENT_TIMEOUT_MS).
    code = (
        "import semaine.wsgi; from django.db import connection, OperationalError\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW statement_timeout'); print(c.fetchone()[0])\n"
        "    try: c.execute('SELECT pg_sleep(5)')\n"
        "    except OperationalError as e: print(type(e.__cause__).__name__)\n"
    )
    result = run_as_web_process(code)
    assert result.stdout.split() == ["2s", "QueryCanceled"], result.stderr[-2000:]


def test_the_web_process_loads_its_views_before_forking_and_connects_to_nothing():
    # gunicorn imports semaine.wsgi once and forks its workers (preload_app): what it loads, the
    # workers need not load again; a connection it opened, they would all share.
    code = (
        "import sys, semaine.wsgi; from django.db import connections\n"
        "print('events.views.detail' in sys.modules, 'semaine.urls' in sys.modules)\n"
        "print([alias for alias in connections if connections[alias].connection is not None])\n"
    )
    result = run_as_web_process(code)
    assert result.stdout.split("\n")[:2] == ["True True", "[]"], result.stderr[-2000:]


def run_as_web_process(code: str) -> subprocess.CompletedProcess:
    """`code` run by a Python of its own with the environment a web process starts with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "READ_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_writes_and_staff_pages_get_the_longer_timeout_for_their_request(rf, settings):
    from django.db import connection

    from semaine.middleware import StatementTimeoutMiddleware

    settings.READ_STATEMENT_TIMEOUT_MS = 2000
    settings.WRITE_STATEMENT_TIMEOUT_MS = 30000

    def current(request):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    middleware = StatementTimeoutMiddleware(current)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 2000")
    assert middleware(rf.get("/evenements/")) == "2s"
    assert middleware(rf.post("/evenements/1/inscription/")) == "30s"
    assert middleware(rf.get("/admin/events/event/")) == "30s"
    assert current(None) == "0"  # RESET: back to the connection's own default
