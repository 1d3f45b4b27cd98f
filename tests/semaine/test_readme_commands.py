"""Every `manage.py` command of the README's table works exactly as written from a fresh
clone after `make run` (the database migrated), and without DEBUG a command says what is
missing instead of failing obscurely.

Run in a shell as a developer types them, on a throwaway data directory (VAR_DIR): the
developer's own database in var/ is not touched.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.semaine.servers import ROOT, pg_ctl

pytestmark = pytest.mark.slow

README = (ROOT / "README.md").read_text()
SAMPLE_OFFERS = ROOT / "tests" / "offers" / "imports" / "samples" / "ft_offres_soin.json"


def readme_commands() -> list[str]:
    return re.findall(r"^\| `(DEBUG=1 \.venv/bin/python manage\.py [^`]+)`", README, re.M)


def as_typed(command: str) -> str:
    """The command with its optional parts left out and its placeholder filled in."""
    command = re.sub(r" \[[^\]]*\]", "", command)
    return command.replace("FILE.json", str(SAMPLE_OFFERS))


@pytest.fixture(scope="module")
def shell_env():
    var_dir = Path(f"/tmp/semc-{os.getpid()}")
    var_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(var_dir, 0o755)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO", "DATABASE_"))
        and k not in ("XDG_RUNTIME_DIR", "DEBUG", "SECRET_KEY", "CACHE_URL")
    }
    env["VAR_DIR"] = str(var_dir)
    # What `make run` did before: the database migrated.
    subprocess.run(  # noqa: S602 - the developer's shell, on a fixed command
        "DEBUG=1 .venv/bin/python manage.py migrate --noinput -v 0",
        shell=True,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    yield env
    if (var_dir / "postgres" / "postmaster.pid").exists():
        pg_ctl(var_dir / "postgres", "-m", "immediate", "stop")
    shutil.rmtree(var_dir, ignore_errors=True)


def typed(command: str, env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S602 - the README's commands, as typed
        command,
        shell=True,
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_readme_shows_the_commands():
    commands = readme_commands()
    for name in ("seed_demo", "import_offers", "send_reminders", "purge_registrations", "shell"):
        assert any(f"manage.py {name}" in command for command in commands), name


@pytest.mark.parametrize("command", readme_commands())
def test_each_readme_command_works_as_written(command, shell_env):
    if "procrastinate worker" in command:
        # A worker runs until stopped: `--one-shot` makes it return once the queue is empty.
        result = typed(as_typed(command) + " --one-shot", shell_env)
    elif command.endswith("manage.py shell"):
        result = typed(command, shell_env, "from events.models import Event\nprint(Event)\n")
        assert "<class 'events.models.event.Event'>" in result.stdout
    else:
        result = typed(as_typed(command), shell_env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command", ["shell -c 'from events.models import Event'", "send_reminders"]
)
def test_without_debug_a_command_asks_for_a_secret_key_clearly(command, shell_env):
    result = typed(f".venv/bin/python manage.py {command}", shell_env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "AppRegistryNotReady" not in result.stderr
    assert "Traceback" not in result.stderr
