"""Browser layer: Debian's Chromium driven by Playwright against a live server on PostgreSQL.

Without /usr/bin/chromium the browser tests are skipped with a clear message; under CI=true
their absence is a failure, so a CI machine that lost Chromium cannot go green silently.
"""

import datetime
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VNU_JAR = Path(settings.VAR_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
BROWSER_DIR = Path(__file__).resolve().parent


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_browser_reason() -> str:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install '.[dev]')"
    return ""


def pytest_collection_modifyitems(config, items):
    reason = missing_browser_reason()
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason and not in_ci():
            item.add_marker(pytest.mark.skip(reason=f"Browser tests skipped: {reason}"))


# Figures measured by the tests (page weights, violation and error counts), printed at the end.
FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if FIGURES:
        terminalreporter.section("browser figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
    reason = missing_browser_reason()
    if reason and not in_ci():
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED: {reason}. They run (and are required) under CI=true.",
            yellow=True,
            bold=True,
        )


# -- the browser ---------------------------------------------------------------------------


class BrowserSession:
    """One Chromium for the run of browser tests, closed as soon as they are over.

    While Playwright's sync API runs, the main thread has an asyncio loop, so Django refuses
    ORM calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set; and the code runs in Playwright's own
    context, where Django opens a new connection object. Both are undone or bridged here, and
    only for the browser tests: later tests (and their subprocesses) see the usual Django.
    """

    def __init__(self):
        self.manager = self.chromium = None

    def start(self):
        if self.chromium is None:
            from playwright.sync_api import sync_playwright

            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            with keep_serialized_rollback():
                self.manager = sync_playwright()
                playwright = self.manager.__enter__()
            self.chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        return self.chromium

    def stop(self):
        if self.chromium is not None:
            self.chromium.close()
            with keep_serialized_rollback():
                self.manager.__exit__(None, None, None)
            self.manager = self.chromium = None
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class keep_serialized_rollback:  # noqa: N801 - used as a statement
    """Carries the reference-data snapshot that serialized rollbacks restore after each flush
    over to the connection object of the new context; without it every transactional test
    after the first one would start from an empty database."""

    def __enter__(self):
        from django.db import connections

        self.before = connections[DEFAULT_DB_ALIAS]

    def __exit__(self, *exc):
        from django.db import connections

        after = connections[DEFAULT_DB_ALIAS]
        snapshot = getattr(self.before, "_test_serialized_contents", None)
        if snapshot is not None and not hasattr(after, "_test_serialized_contents"):
            after._test_serialized_contents = snapshot


BROWSER_SESSION = BrowserSession()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        BROWSER_SESSION.stop()
    return result


@pytest.fixture
def browser(django_db_setup):
    # Function-scoped on purpose: BROWSER_SESSION reuses the running Chromium across tests.
    reason = missing_browser_reason()
    if reason:
        # Only reached under CI=true (elsewhere the items were skipped at collection).
        pytest.fail(f"Browser tests cannot run in CI: {reason}", pytrace=False)
    return BROWSER_SESSION.start()


@pytest.fixture
def new_context(browser, live_server, django_db_serialized_rollback):
    """Opens browser contexts on the live server; each is closed after the test.

    The live server only sees committed rows, hence transactional tests; the serialized
    rollback restores the reference data (regions, departments, trades) that the flush
    between tests would otherwise wipe.
    """
    contexts = []

    def open_context(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "fr-FR")
        options.setdefault("timezone_id", "Europe/Paris")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# -- the data ------------------------------------------------------------------------------


@dataclass
class Site:
    """The small dataset every browser test starts from."""

    lyon_job_datings: list
    online_fairs: list
    rennes_workshops: list
    guadeloupe_forums: list
    cancelled: object
    offers: list

    @property
    def first_event(self):
        return self.lyon_job_datings[0]


@pytest.fixture
def site(live_server, django_db_serialized_rollback):
    """37 events: enough for two pages of results after filtering, in four regions."""
    from events.models import Event
    from semaine.models import Department
    from tests.factories import EventFactory, OfferFactory, OrganiserFactory

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    lyon = OrganiserFactory(name="France Travail Lyon Part-Dieu", phone="04 72 00 00 00")
    rennes = OrganiserFactory(name="France Travail Rennes Centre")
    guadeloupe = OrganiserFactory(name="France Travail Pointe-à-Pitre")

    def day(n, hour=9):
        return now.replace(hour=hour) + datetime.timedelta(days=n)

    job_datings = [
        EventFactory(
            title=f"Job dating aide-soignant à Lyon n°{i + 1}",
            description="Rencontrez les EHPAD et les hôpitaux lyonnais qui recrutent.",
            organiser=lyon,
            start=day(3 + i % 10, 9 + i % 6),
            capacity_onsite=30,
            trades=["J1501"],
        )
        for i in range(25)
    ]
    online_fairs = [
        EventFactory(
            title=f"Salon en ligne des métiers du domicile n°{i + 1}",
            type=Event.Type.SALON_EN_LIGNE,
            modalite=Event.Modalite.DISTANCIEL,
            venue_name="",
            address="",
            postcode="",
            city="",
            department=None,
            capacity_onsite=None,
            capacity_online=100,
            organiser=lyon,
            start=day(5 + i, 14),
        )
        for i in range(5)
    ]
    workshops = [
        EventFactory(
            title=f"Atelier CV infirmier n°{i + 1}",
            type=Event.Type.ATELIER,
            organiser=rennes,
            city="Rennes",
            postcode="35000",
            department=Department.objects.get(code="35"),
            start=day(40 + i, 10),
        )
        for i in range(4)
    ]
    forums = [
        EventFactory(
            title=f"Forum emploi santé des Abymes n°{i + 1}",
            type=Event.Type.FORUM,
            modalite=Event.Modalite.HYBRIDE,
            organiser=guadeloupe,
            city="Les Abymes",
            postcode="97139",
            department=Department.objects.get(code="971"),
            capacity_online=50,
            start=day(6 + i, 13),
            wheelchair_accessible=True,
        )
        for i in range(2)
    ]
    cancelled = EventFactory(
        title="Visite de l'EHPAD des Tilleuls",
        type=Event.Type.VISITE_ENTREPRISE,
        status=Event.Status.CANCELLED,
        organiser=lyon,
        start=day(8, 10),
    )
    offers = [
        OfferFactory(
            title="Aide-soignant de nuit (H/F)",
            city="Lyon",
            postcode="69003",
            department=Department.objects.get(code="69"),
            employer="EHPAD Les Tilleuls",
        ),
        OfferFactory(title="Infirmier en bloc opératoire (H/F)", employer="CHU de Rennes"),
    ]
    return Site(job_datings, online_fairs, workshops, forums, cancelled, offers)


# -- checks shared by several test modules -------------------------------------------------

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# axe leaves its rules tagged "experimental" out unless asked, among them some that check WCAG
# A/AA criteria (label-content-name-mismatch: 2.5.3 Label in name). Those are turned on by id:
# an "experimental" tag in runOnly would also bring the experimental best practices.
EXPERIMENTAL_WCAG_RULES = """(tags) => axe.getRules(['experimental'])
    .filter(rule => rule.tags.some(tag => tags.includes(tag)))
    .map(rule => rule.ruleId)"""


def axe_violations(page) -> tuple[int, str]:
    """Runs axe-core on the page for WCAG 2.1 A and AA, experimental rules included:
    (number of violations, report)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page.evaluate(axe.axe_script)
    experimental = page.evaluate(EXPERIMENTAL_WCAG_RULES, WCAG_TAGS)
    assert "label-content-name-mismatch" in experimental, experimental
    results = axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "rules": {rule: {"enabled": True} for rule in experimental},
            "resultTypes": ["violations"],
        },
    )
    return results.violations_count, results.generate_report()


@dataclass
class HtmlReport:
    errors: list

    def __str__(self):
        return "\n".join(
            f"{e.get('url', '').rsplit('/', 1)[-1]}:{e.get('lastLine', '?')}: {e['message']}"
            f" — {e.get('extract', '').strip()[:120]}"
            for e in self.errors
        )


def nu_html_check(documents: dict[str, str], tmp_path: Path) -> HtmlReport:
    """Validates named HTML documents with the Nu HTML Checker in one Java run."""
    java = shutil.which("java")
    missing = "" if java else "java is not installed"
    if not VNU_JAR.exists():
        missing = f"{VNU_JAR} is missing (make vnu)"
    if missing:
        if in_ci():
            pytest.fail(f"HTML validation cannot run in CI: {missing}", pytrace=False)
        pytest.skip(f"HTML validation skipped: {missing}")
    paths = []
    for name, html in documents.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(str(path))
    completed = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # vnu writes its JSON report on stderr.
    messages = json.loads(completed.stderr or completed.stdout)["messages"]
    return HtmlReport([m for m in messages if m.get("type") == "error"])
