"""The architecture's rules (docs/architecture.md) are checked by import-linter in `make lint`.

These tests prove the check bites: each adds one forbidden import to a copy of the code and
expects the contract of that rule to fail (others may fail with it: an app importing semaine's
shared module then reaches the other app too).
"""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# semaine's composition modules: they may import the apps (docs/architecture.md).
COMPOSITION = {
    "semaine/settings.py",
    "semaine/urls.py",
    "semaine/api_urls.py",
    "semaine/views.py",
    "semaine/wsgi.py",
    "semaine/asgi.py",
    "semaine/management/commands/seed_demo.py",
}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy(tmp_path):
    for package in ("alerts", "events", "offers", "semaine"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_code_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("events/models/__init__.py", "from offers import models", "events never imports offers"),
        (
            "offers/related.py",
            "from events.services import registration",
            "offers uses only the public modules of events",
        ),
        (
            "semaine/pagecache.py",
            "from events import models",
            "semaine imports neither app, but in its composition modules",
        ),
        (
            "semaine/facets.py",
            "import offers.models",
            "semaine imports neither app, but in its composition modules",
        ),
        (
            "events/models/__init__.py",
            "from events.views import listing",
            "events: entry points, then services, then models",
        ),
        (
            "events/services/registration.py",
            "from events.admin import registrations",
            "events: entry points, then services, then models",
        ),
        (
            # The e-mails sit below the services that queue them.
            "events/emails.py",
            "from events.services import registration",
            "events: entry points, then services, then models",
        ),
        (
            "events/services/events.py",
            "from events import tasks",
            "events: entry points, then services, then models",
        ),
        (
            "offers/related.py",
            "from events import emails",
            "offers uses only the public modules of events",
        ),
        (
            "offers/models.py",
            "from offers import admin",
            "offers: entry points, then services, then models",
        ),
        (
            "events/filters.py",
            "from alerts import selection",
            "alerts builds on both apps; neither app nor semaine's shared modules import it",
        ),
        (
            "semaine/feeds.py",
            "import alerts.models",
            "alerts builds on both apps; neither app nor semaine's shared modules import it",
        ),
        (
            "alerts/selection.py",
            "from events.services import registration",
            "alerts uses only the public modules of events and offers",
        ),
        (
            # The e-mails sit below the services that plan and queue them.
            "alerts/emails.py",
            "from alerts import services",
            "alerts: entry points, then services, then e-mails, then models",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(copy, module, line, contract):
    path = copy / module
    if not path.exists():  # a module that became a package
        path = copy / module.replace("/__init__.py", ".py")
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(copy)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout


def _strings(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def test_no_shared_module_of_semaine_names_an_app_module_in_a_string():
    # A string escapes import-linter: a rename would silently break it (a view that must read
    # the primary says so with @reads_primary, not by its module's name).
    offending = []
    for path in sorted((ROOT / "semaine").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in COMPOSITION or "/migrations/" in relative:
            continue
        for value in _strings(path):
            for word in value.replace("/", " ").replace('"', " ").split():
                if word.startswith(("events.", "offers.")) and word.split(".")[1].isidentifier():
                    offending.append(f"{relative}: {value[:60]!r}")
    assert offending == []
