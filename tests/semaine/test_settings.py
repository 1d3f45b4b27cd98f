import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env):
    """Import the settings in a fresh interpreter with only `env` as configuration."""
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "semaine.settings",
            "DATABASE_URL": "postgres://u@127.0.0.1:1/none",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "django-insecure-development-only"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_misspelt_debug_value_is_an_error_not_false():
    result = run_settings({"DEBUG": "flase"})
    assert result.returncode != 0
    assert "is not a boolean" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_refuses_to_start_without_a_database_url():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "x" * 50, "DATABASE_URL": ""})
    assert result.returncode != 0
    assert "DATABASE_URL must be set when DEBUG is off" in result.stderr


def test_site_speaks_french_on_paris_time(settings):
    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_TZ
