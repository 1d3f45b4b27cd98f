"""Request ids, JSON logs, readiness, metrics, and where the router sends queries."""

import contextlib
import json
import logging
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError
from django.http import HttpResponse
from django.test import override_settings
from gunicorn.config import Config

from semaine import db_router
from semaine.logging import (
    AccessLogger,
    JsonFormatter,
    RequestIdFilter,
    redact,
    request_id_var,
)
from tests.semaine.servers import (
    ROOT,
    Gunicorn,
    collected_static,
    database_url,
    production_env,
)

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_generated_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_sane_request_id_from_the_load_balancer_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-2f6c1a9e-0001")
    assert response["X-Request-ID"] == "lb-2f6c1a9e-0001"


@pytest.mark.parametrize("forged", ["x", "abc def ghi", "a" * 200, 'id"\n{"level":"ERROR"}'])
def test_a_forged_or_odd_request_id_is_replaced(client, forged):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=forged)
    assert response["X-Request-ID"] != forged and len(response["X-Request-ID"]) == 32


class _Remember(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdFilter())  # as the console handler of the settings
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_django_request_warnings_carry_the_request_id(client):
    handler, logger = _Remember(), logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/page-qui-n-existe-pas/", HTTP_X_REQUEST_ID="lb-not-found-0001")
        client.get("/healthz")  # the next request's lines get the next id
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    assert [r.request_id for r in handler.records] == ["lb-not-found-0001"]


def _format(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_application_logs_are_json_lines_with_the_request_id():
    token = request_id_var.set("req-12345678")
    try:
        record = logging.LogRecord("events", logging.WARNING, __file__, 1, "Place %s", ("A",), None)
        line = _format(record)
    finally:
        request_id_var.reset(token)
    assert line["level"] == "WARNING" and line["logger"] == "events"
    assert line["message"] == "Place A" and line["request_id"] == "req-12345678"
    assert "timestamp" in line


def test_gunicorn_access_lines_become_json_fields():
    atoms = {"m": "POST", "U": "/evenements/3/inscription/", "q": "", "s": "302", "B": 0}
    atoms |= {"M": 41, "h": "10.0.0.7", "a": "Firefox", "{x-request-id}o": "abcdef123456"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "-", (), None)
    record.args = atoms  # as gunicorn sets it: a dict of atoms
    line = _format(record)
    assert line["method"] == "POST" and line["status"] == "302"
    assert line["path"] == "/evenements/3/inscription/" and line["duration_ms"] == 41
    assert line["request_id"] == "abcdef123456" and "query" not in line


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        (
            "GET /inscriptions/.eJyrVipSsjI0NjEyMgfSOkqJSgX5OakKSrmZeUmpRYm5SgXFKalFiiWZual6OWmJ"
            "SqkA:1tQ2sa:Zk3vA9lNwH2dcsr5b0rXnC6xxFcq4Gm_3dQ6l7xH0yM/annuler/ HTTP/1.1",
            "GET /inscriptions/[masqué]/annuler/ HTTP/1.1",
        ),
        ("/api/v1/communes/?lat=45.76&lon=4.83", "/api/v1/communes/?lat=[masqué]&lon=[masqué]"),
        ("Invalid request from ip=2001:db8::7 x", "Invalid request from ip=[masqué] x"),
        # Searches, dates and hours are not personal: kept for diagnosis.
        (
            "/evenements/?q=aide-soignant&du=2030-04-22",
            "/evenements/?q=aide-soignant&du=2030-04-22",
        ),
        ("GET /evenements/?q=12:30 HTTP/1.1", "GET /evenements/?q=12:30 HTTP/1.1"),
    ],
)
def test_logs_keep_no_token_coordinates_or_address(line, logged):
    assert redact(line) == logged


@pytest.mark.slow
def test_gunicorn_and_django_logs_of_a_personal_link_name_no_one(tmp_path, tmp_path_factory):
    from django.db import connection

    from events.models import Registration

    token = Registration(pk=987654).cancel_token()
    env = production_env(
        DATABASE_URL=database_url(connection.settings_dict),
        STATIC_ROOT=str(collected_static(tmp_path_factory.getbasetemp())),
        LOG_LEVEL="INFO",
    )
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        request = urllib.request.Request(  # noqa: S310 - the test's own server
            f"{server.url}/inscriptions/{token}/annuler/?lat=45.7641&lon=4.8357",
            headers={"Referer": f"{server.url}/inscriptions/{token}/annuler/"},
        )
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10)  # noqa: S310
    finally:
        server.stop()
    log = server.log_path.read_text()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    [access] = [line for line in lines if line.get("path", "").startswith("/inscriptions/")]
    assert access["path"] == "/inscriptions/[masqué]/annuler/"
    assert "remote_addr" not in access
    assert token not in log and token.split(":")[-1] not in log
    assert "45.7641" not in log and "4.8357" not in log


def test_readyz_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
)
def test_readyz_is_503_when_the_cache_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503 and b"cache" in response.content


def test_readyz_is_503_when_the_database_is_unreachable(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")
    ):
        response = client.get("/readyz")
    assert response.status_code == 503 and b"database default" in response.content


def test_without_replicas_every_query_goes_to_the_primary():
    from events.models import Event

    router = db_router.ReplicaRouter()
    assert router.db_for_read(Event) == "default"
    assert router.db_for_write(Event) == "default"
    # Nothing to choose: the replica step is left out of the middleware chain.
    with pytest.raises(MiddlewareNotUsed):
        db_router.ReplicaMiddleware(lambda request: HttpResponse())


def test_outside_a_vetted_request_reads_go_to_the_primary_and_sessions_always_do():
    from django.contrib.sessions.models import Session

    from events.models import Event

    router = db_router.ReplicaRouter()
    db_router.use_replica("replica1")
    try:
        assert router.db_for_read(Event) == "replica1"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_write(Event) == "default"
        assert not router.allow_migrate("replica1", "events")
    finally:
        db_router.use_replica(None)
    assert router.db_for_read(Event) == "default"


def test_metrics_are_served_when_turned_on():
    code = (
        "from django.test import Client; r = Client(HTTP_HOST='localhost').get('/metrics'); "
        "print(r.status_code, b'django_http_requests' in r.content)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**_env(), "METRICS": "on", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split()[-2:] == ["200", "True"], result.stderr[-2000:]


def _metrics(env: dict, *headers: str) -> subprocess.CompletedProcess:
    requests = "; ".join(
        f"r = c.get('/metrics', **{header}); print(r.status_code, b'django_http' in r.content)"
        for header in headers
    )
    code = f"from django.test import Client; c = Client(HTTP_HOST='localhost'); {requests}"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={
            **_env(),
            **{"METRICS": "on", "DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "EMBEDDED_DATABASE": "1"},
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_metrics_in_production_need_the_scrapers_token():
    production = {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "localhost"}

    refused = _metrics(production, "{}")
    assert refused.returncode != 0
    assert "METRICS=on needs METRICS_TOKEN" in refused.stderr

    served = _metrics(
        {**production, "METRICS_TOKEN": "t" * 40},
        "{}",
        "{'HTTP_AUTHORIZATION': 'Bearer wrong'}",
        "{'HTTP_AUTHORIZATION': 'Bearer ' + 't' * 40}",
    )
    assert served.stdout.split()[-6:] == ["401", "False", "401", "False", "200", "True"], (
        served.stderr[-2000:]
    )


def _env():
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}


def test_the_confirmation_link_is_redacted_from_logs():
    from events.models import Registration
    from semaine.logging import redact
    from tests.factories import RegistrationFactory

    registration = RegistrationFactory(status=Registration.Status.PENDING)
    line = f"GET /inscriptions/{registration.confirm_token()}/confirmer/ HTTP/1.1"
    assert redact(line) == "GET /inscriptions/[masqué]/confirmer/ HTTP/1.1"


@pytest.mark.parametrize(("accesslog", "built"), [("-", True), (None, False)])
def test_an_access_line_is_built_only_when_the_access_log_is_on(accesslog, built):
    cfg = Config()
    cfg.set("accesslog", accesslog)
    cfg.set("logconfig_dict", {"version": 1, "disable_existing_loggers": False})
    logger = AccessLogger(cfg)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/", "SERVER_PROTOCOL": "HTTP/1.1"}
    response = SimpleNamespace(status="200 OK", sent=2, headers=[])

    with mock.patch.object(AccessLogger, "atoms", return_value={}) as atoms:
        logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(0))

    assert atoms.called is built
