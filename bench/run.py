"""`make bench`: seed a large dataset, serve it as in production, load it with wrk, print figures.

Scenarios: baseline (/healthz), listing (300 filtered listing URLs), rush (the same listing URLs
while a few threads register jobseekers on a few events without a seat limit, without pause,
through the warm-up and the measured seconds: each confirmed seat bumps the "seats" data version,
which empties the cache of the pages giving exact seats (event pages, the events API), not the
listings', whose cards give the seats left only for an event's last ten; reported with the
registrations attempted, stored and per second, and the seats the events' counters gained),
detail, offers, api, deep_page, first_page, search and search_offers (200 queries drawn from the
search vocabulary, half with a typo, on the events and offers listings: issue 15 wants their p95
within 1.5 times the unfiltered listing's, reported as search_p95_vs_unfiltered), near_me (200
listings around communes drawn by population, radii 10–50 km: its p95 compared with first_page's,
the unfiltered listing), communes (300 suggestion prefixes of real commune names and postcodes,
2–6 characters; also timed in process, the server's own time), ceiling (issue 23: a bare
Django app, bench/ceiling, answering /healthz with the same SELECT 1 under the same database and
gunicorn settings, without the project's middleware; its seconds alternate, in
BENCH_CEILING_SLICES (4) slices, with as many of the project's /healthz, whose rps in those
slices is reported as a ratio of the ceiling's),
cold and cold_offers (issue 23: BENCH_COLD_POOL (30000) distinct /evenements/ or /offres/
selections, each asked for once in the whole run through bench/cold.lua, so that the page cache,
in place, cannot help; a pool used up is reported as exhausted, never walked again).

BENCH_ONLY (comma-separated names, e.g. BENCH_ONLY=baseline,ceiling,cold) runs those scenarios
and the in-process timings that go with them; "exports" names the export timings, "middleware"
the cost of each middleware per request (bench/middleware.py). Unset: all.

Environment: BENCH_EVENTS (100000), BENCH_OFFERS (200000), BENCH_SECONDS (20 per scenario),
BENCH_WARMUP (10 unmeasured seconds before each scenario),
BENCH_CONCURRENCY (16), BENCH_PORT (8765), WEB_CONCURRENCY (gunicorn workers),
BENCH_RUSH_EVENTS (5 events registered to in the rush), BENCH_RUSH_THREADS (4 registering threads).
E-mails go to Django's dummy backend unless EMAIL_BACKEND is set.
Also times, in process, the listing and offers URLs each with every cache empty, then in one
pass sharing the cache (what the facet layers share), and a single cold request of issue 23's
named selections (median and max of 9, every cache emptied before each, the parts the
listings' rows in memory keep included), and how long those rows take to build
(semaine.rowindex); reports the gunicorn workers' resident memory after the scenarios. Writes
var/bench/latest.json.
"""

import collections
import datetime
import http.client
import http.cookies
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OUT = ROOT / "var" / "bench"
EVENTS = int(os.environ.get("BENCH_EVENTS", "100000"))
OFFERS = int(os.environ.get("BENCH_OFFERS", "200000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# The bare app of the `ceiling` scenario, served beside the project (PORT + 1 is Redis).
CEILING_PORT = PORT + 2
WRK_THREADS = 2
# The ceiling and the project's /healthz measured in turn, slice by slice (run_ceiling).
CEILING_SLICES = int(os.environ.get("BENCH_CEILING_SLICES", "4"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "10"))
RUSH_EVENTS = int(os.environ.get("BENCH_RUSH_EVENTS", "5"))
RUSH_THREADS = int(os.environ.get("BENCH_RUSH_THREADS", "4"))
# Distinct selections per cold scenario: enough for the warm-up and the measured seconds at a
# few hundred requests per second.
COLD_POOL = int(os.environ.get("BENCH_COLD_POOL", "30000"))
# The rush's registrants: found (and removed) by this domain at the start of the next run.
RUSH_EMAIL_DOMAIN = "@rush.bench.exemple.fr"
DB_NAME = "semaine_bench"

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MODE_RE = re.compile(r'name="mode" value="([^"]+)"')


def log(message):
    print(message, flush=True)


def bench_env() -> dict:
    """Production settings on a database of its own, so the demo database stays small."""
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        sys.path.insert(0, str(ROOT))
        import psycopg

        from semaine.embedded_db import ensure_server

        db = ensure_server(ROOT / "var")
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]
            ).fetchone():
                conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        env["DATABASE_URL"] = (
            f"postgres://postgres@{urllib.parse.quote(db['HOST'], safe='')}:{db['PORT']}/{DB_NAME}"
        )
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": env.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "RATE_LIMITS": "off",
            "REGISTRATION_RATE_LIMIT": "0",
            # Every registration of a bench comes from 127.0.0.1: no cap per network.
            "REGISTRATION_NETWORK_LIMIT": "0",
            "GUNICORN_ACCESS_LOG": "",
            "PORT": str(PORT),
            "LOG_LEVEL": "WARNING",
        }
    )
    if not env.get("EMAIL_BACKEND"):
        # The console backend would print every registration's e-mail on the terminal.
        env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    return env


def start_redis() -> tuple[subprocess.Popen | None, str]:
    """A throwaway Redis on loopback: the cache the gunicorn workers share, as in production."""
    server = shutil.which("redis-server")
    if not server:
        log("redis-server missing: each worker keeps its own cache (apt-get install redis-server)")
        return None, ""
    port = PORT + 1
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def manage(env, *args, capture=False):
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )


def django_setup(env):
    os.environ.update(env)
    # In process, the listings' rows in memory are built before the request that needs them
    # returns, so the timings that follow measure them (served, they are built in a thread).
    os.environ["ROW_INDEX_BACKGROUND"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def listing_urls(rng) -> list[str]:
    from events.models import Event
    from semaine.models import Department, Region, Trade

    regions = list(Region.objects.values_list("code", flat=True))
    departments = list(Department.objects.values_list("code", flat=True))
    trades = list(Trade.objects.current().values_list("code", flat=True))
    words = [
        "soin",
        "aide soignant",
        "infirmier",
        "domicile",
        "ehpad",
        "alternance",
        "éducateur",
        "job dating",
        "hôpital",
        "accompagnant",
    ]
    urls = set()
    while len(urls) < 300:
        params = {}
        if rng.random() < 0.5:
            params["region"] = rng.choice(regions)
        elif rng.random() < 0.4:
            params["departement"] = rng.choice(departments)
        if rng.random() < 0.4:
            params["type"] = rng.choice(Event.Type.values)
        if rng.random() < 0.25:
            params["modalite"] = rng.choice(Event.Modalite.values)
        if rng.random() < 0.2:
            params["metier"] = rng.choice(trades)
        if rng.random() < 0.3:
            params["q"] = rng.choice(words)
        if rng.random() < 0.1:
            params["places"] = "1"
        if rng.random() < 0.3:
            params["page"] = str(rng.randint(2, 5))
        urls.add("/evenements/?" + urllib.parse.urlencode(params))
    return sorted(urls)


def detail_urls(rng) -> list[str]:
    from events.models import Event

    ids = list(Event.objects.public().values_list("pk", "slug").order_by("?")[:500])
    return [f"/evenements/{pk}-{slug}/" for pk, slug in ids]


def offers_urls(rng) -> list[str]:
    from semaine.models import Region, Trade

    regions = list(Region.objects.values_list("code", flat=True))
    trades = list(Trade.objects.current().values_list("code", flat=True))
    urls = set()
    while len(urls) < 250:
        params = {}
        if rng.random() < 0.6:
            params["region"] = rng.choice(regions)
        if rng.random() < 0.4:
            params["nature"] = rng.choice(["emploi", "formation"])
        if rng.random() < 0.3:
            params["metier"] = rng.choice(trades)
        if rng.random() < 0.2:
            params["alternance"] = "1"
        if rng.random() < 0.2:
            params["q"] = rng.choice(["aide soignant", "infirmier", "cdi", "ehpad"])
        if rng.random() < 0.3:
            params["page"] = str(rng.randint(2, 5))
        urls.add("/offres/?" + urllib.parse.urlencode(params))
    return sorted(urls)


def with_typo(phrase: str, rng) -> str:
    """`phrase` with its longest word misspelt as people do: two letters swapped, one missing
    or one wrong (two of them from 9 letters), within what the search corrects."""
    words = phrase.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 5:
        return phrase
    for _ in range(2 if len(word) >= 9 else 1):
        i = rng.randrange(1, len(word) - 1)
        kind = rng.choice(["swap", "drop", "replace"])
        if kind == "swap":
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif kind == "drop":
            word = word[:i] + word[i + 1 :]
        else:
            word = word[:i] + rng.choice("aeiourstln") + word[i + 1 :]
    words[longest] = word
    return " ".join(words)


def search_queries(rng, count: int = 200) -> list[str]:
    """`count` queries drawn from the search vocabulary (trades' words, acronyms, diplomas,
    everyday words), half of them with a typo."""
    from semaine.models import SearchTerm

    phrases = list(
        SearchTerm.objects.filter(trades__isnull=False)
        .values_list("phrase", flat=True)
        .distinct()
        .order_by("phrase")
    ) + list(SearchTerm.objects.filter(kind="mot").values_list("phrase", flat=True))
    queries: set[str] = set()
    while len(queries) < count:
        phrase = rng.choice(phrases)
        queries.add(with_typo(phrase, rng) if len(queries) % 2 else phrase)
    return sorted(queries)


def search_urls(path: str, queries: list[str]) -> list[str]:
    return [f"{path}?" + urllib.parse.urlencode({"q": q}) for q in queries]


def api_urls(listing: list[str]) -> list[str]:
    # Without `page`: the API answers a page past the end with an error, the HTML page does not.
    urls = set()
    for url in listing:
        path, _, query = url.partition("?")
        params = [(k, v) for k, v in urllib.parse.parse_qsl(query) if k != "page"]
        urls.add("/api/v1/evenements/?" + urllib.parse.urlencode(params))
    return sorted(urls)


# Near me (issue 16): the radii of the form between 10 and 50 km.
NEAR_RADII_KM = (10, 20, 30, 50)


def near_me_urls(rng, count: int = 200) -> list[str]:
    """`count` listings around communes drawn by population (where visitors are), as the form
    sends them once a suggestion is chosen: the commune's label (« Saint-Denis (93) »)."""
    from semaine.models import Commune

    communes = list(Commune.objects.select_related("department").filter(population__gt=0))
    weights = [c.population for c in communes]
    urls = set()
    while len(urls) < count:
        commune = rng.choices(communes, weights=weights)[0]
        params = {"lieu": commune.label, "rayon": str(rng.choice(NEAR_RADII_KM))}
        urls.add("/evenements/?" + urllib.parse.urlencode(params))
    return sorted(urls)


def cold_vocabulary() -> dict:
    """What the cold selections are drawn from: the reference data the forms offer, communes
    weighted by population as the near-me scenario draws them, the search vocabulary (as the
    search scenario) and the days on which upcoming events take place."""
    from django.db.models import Max
    from django.utils import timezone

    from events.models import Event
    from semaine.filters import RADII_KM
    from semaine.models import Commune, Department, Region, SearchTerm, Trade

    communes = list(Commune.objects.select_related("department").filter(population__gt=0))
    last = Event.objects.public().upcoming().aggregate(last=Max("start"))["last"]
    today = timezone.localdate()
    last_day = timezone.localtime(last).date() if last else today
    phrases = sorted(
        set(SearchTerm.objects.filter(trades__isnull=False).values_list("phrase", flat=True))
        | set(SearchTerm.objects.filter(kind="mot").values_list("phrase", flat=True))
    )
    return {
        "regions": list(Region.objects.values_list("code", flat=True)),
        "departments": list(Department.objects.values_list("code", flat=True)),
        "trades": list(Trade.objects.current().values_list("code", flat=True)),
        "places": [c.label for c in communes],
        "place_weights": [c.population for c in communes],
        "radii": [str(km) for km in RADII_KM],
        "phrases": phrases,
        "days": [today + datetime.timedelta(days=n) for n in range((last_day - today).days + 1)],
    }


def _cold_where(params: dict, vocabulary: dict, rng) -> None:
    """Where: a region, a department or a place with a radius (as the form sends a chosen
    suggestion), or nowhere in particular; never two of them."""
    where = rng.random()
    if where < 0.3:
        params["region"] = rng.choice(vocabulary["regions"])
    elif where < 0.5:
        params["departement"] = rng.choice(vocabulary["departments"])
    elif where < 0.7:
        params["lieu"] = rng.choices(vocabulary["places"], weights=vocabulary["place_weights"])[0]
        params["rayon"] = rng.choice(vocabulary["radii"])


def _cold_words_and_page(params: dict, vocabulary: dict, rng) -> None:
    if rng.random() < 0.3:
        phrase = rng.choice(vocabulary["phrases"])
        params["q"] = with_typo(phrase, rng) if rng.random() < 0.3 else phrase
    if rng.random() < 0.25:
        params["page"] = str(rng.randint(2, 4))


def _distinct_draws(draw, count: int) -> list[str]:
    """`count` distinct URLs from `draw()` (fewer if the draws keep repeating), shuffled."""
    urls = set()
    for _ in range(count * 20):
        if len(urls) >= count:
            break
        urls.add(draw())
    return sorted(urls)


def cold_listing_urls(rng, vocabulary: dict, count: int) -> list[str]:
    """`count` distinct /evenements/ selections for the `cold` scenario, in a random order:
    where (region, department or place + radius), type, format, trade, dates, search words
    and page, each present or not, combined at random."""
    from events.models import Event

    def draw() -> str:
        params = {}
        _cold_where(params, vocabulary, rng)
        if rng.random() < 0.35:
            params["type"] = rng.choice(Event.Type.values)
        if rng.random() < 0.25:
            params["modalite"] = rng.choice(Event.Modalite.values)
        if rng.random() < 0.25:
            params["metier"] = rng.choice(vocabulary["trades"])
        if rng.random() < 0.2 and vocabulary["days"]:
            start = rng.choice(vocabulary["days"])
            params["du"] = start.isoformat()
            if rng.random() < 0.6:
                params["au"] = (start + datetime.timedelta(days=rng.randint(0, 6))).isoformat()
        _cold_words_and_page(params, vocabulary, rng)
        return "/evenements/?" + urllib.parse.urlencode(params)

    urls = _distinct_draws(draw, count)
    rng.shuffle(urls)
    return urls


def cold_offers_urls(rng, vocabulary: dict, count: int) -> list[str]:
    """`count` distinct /offres/ selections for `cold_offers`: nature, where, trade, contract,
    work-study, working time, search words and page."""
    from offers.models import Offer

    def draw() -> str:
        params = {}
        if rng.random() < 0.4:
            params["nature"] = rng.choice(Offer.Nature.values)
        _cold_where(params, vocabulary, rng)
        if rng.random() < 0.25:
            params["metier"] = rng.choice(vocabulary["trades"])
        if rng.random() < 0.25:
            params["contrat"] = rng.choice(Offer.Contract.values)
        if rng.random() < 0.15:
            params["alternance"] = "1"
        if rng.random() < 0.2:
            params["temps"] = rng.choice(Offer.WorkingTime.values)
        _cold_words_and_page(params, vocabulary, rng)
        return "/offres/?" + urllib.parse.urlencode(params)

    urls = _distinct_draws(draw, count)
    rng.shuffle(urls)
    return urls


def cold_named_selections() -> dict[str, str]:
    """The selections whose single cold request is timed in process: unfiltered, one region,
    region + type (offers: nature) + search, and 30 km around the biggest commune, given as
    the suggestions give it."""
    from semaine.models import Commune

    biggest = Commune.objects.filter(parent__isnull=True, population__gt=0).by_size().first()
    near = urllib.parse.urlencode({"lieu": biggest.label, "rayon": "30"}) if biggest else ""
    selections = {}
    for name, path, kind in (
        ("events", "/evenements/", "type=job_dating"),
        ("offers", "/offres/", "nature=emploi"),
    ):
        selections[f"{name}_unfiltered"] = path
        selections[f"{name}_region84"] = f"{path}?region=84"
        selections[f"{name}_region84_{kind.split('=')[1]}_soin"] = f"{path}?region=84&{kind}&q=soin"
        if near:
            selections[f"{name}_place_30km"] = f"{path}?{near}"
    return selections


def commune_suggestion_urls(rng, count: int = 300) -> list[str]:
    """`count` distinct /api/v1/communes/?q= URLs: what is typed before a suggestion is
    chosen, 2 to 6 characters of a real commune's name (seven in ten) or of one of its
    postcodes (2 to 5 digits). Communes drawn by population; the short prefixes that many
    communes share (« sa », « 69 ») come up most, as they do in the field."""
    from semaine.models import Commune

    communes = list(
        Commune.objects.filter(population__gt=0).values_list("name", "postcodes", "population")
    )
    weights = [population for _, _, population in communes]
    urls = set()
    for _ in range(count * 50):  # the distinct short prefixes run out before `count`
        if len(urls) >= count:
            break
        name, postcodes, _ = rng.choices(communes, weights=weights)[0]
        if rng.random() < 0.7:
            text = name[: rng.randint(2, 6)]
        else:
            text = rng.choice(postcodes)[: rng.randint(2, 5)]
        urls.add("/api/v1/communes/?" + urllib.parse.urlencode({"q": text}))
    return sorted(urls)


def prepare_rush_events(count: int = RUSH_EVENTS) -> list[int]:
    """`count` published, upcoming events open to registration without a seat limit, so that
    every registration of the rush is confirmed and moves a seat counter.

    The registrations of an earlier run are removed first, and the counters of their events
    recounted from the rows left.
    """
    from django.db import transaction
    from django.utils import timezone

    from events.models import Event, Registration

    now = timezone.now()
    with transaction.atomic():
        earlier = Registration.objects.filter(email__endswith=RUSH_EMAIL_DOMAIN)
        touched = set(earlier.values_list("event_id", flat=True))
        earlier.delete()
        for pk in touched:
            rows = Registration.objects.confirmed().filter(event_id=pk)
            Event.objects.filter(pk=pk).update(
                confirmed_onsite=rows.filter(mode=Registration.Mode.PRESENTIEL).count(),
                confirmed_online=rows.filter(mode=Registration.Mode.DISTANCIEL).count(),
            )
        # The soonest events still hours away (registration closes when an event starts): those
        # of the listing's first pages, as in a real rush.
        ids = list(
            Event.objects.published()
            .filter(start__gt=now + datetime.timedelta(hours=2))
            .order_by("start", "pk")
            .values_list("pk", flat=True)[:count]
        )
        if len(ids) < count:
            # Not enough upcoming events (a dataset seeded long ago): move some into next week.
            start = now + datetime.timedelta(days=7)
            for event in (
                Event.objects.published()
                .exclude(pk__in=ids)
                .order_by("-start", "pk")[: count - len(ids)]
            ):
                Event.objects.filter(pk=event.pk).update(
                    start=start, end=start + (event.end - event.start)
                )
                ids.append(event.pk)
        Event.objects.filter(pk__in=ids).update(
            status=Event.Status.PUBLISHED,
            registration_required=True,
            capacity_onsite=None,
            capacity_online=None,
        )
    return ids


def seats_confirmed(event_ids: list[int]) -> int:
    from django.db.models import Sum

    from events.models import Event

    totals = Event.objects.filter(pk__in=event_ids).aggregate(
        onsite=Sum("confirmed_onsite"), online=Sum("confirmed_online")
    )
    return (totals["onsite"] or 0) + (totals["online"] or 0)


def registration_data(page: str, email: str, last_name: str, rng) -> dict | None:
    """The fields of a registration form page as a jobseeker fills them; None without a form."""
    token = CSRF_RE.search(page)
    if not token:
        return None
    data = {
        "csrfmiddlewaretoken": token.group(1),
        "first_name": "Camille",
        "last_name": last_name,
        "email": email,
        "consent_contact": "on",
        "website": "",
    }
    modes = MODE_RE.findall(page)  # only hybrid events ask
    if modes:
        data["mode"] = rng.choice(modes)
    return data


def registration_stored(status: int, location: str) -> bool:
    """A registration is stored when its POST redirects to the confirmation page."""
    return status == 302 and "/inscription/confirmation/" in location


class HttpSession:
    """One connection to the bench server (reopened when gunicorn's sync workers close it) and
    the cookies it was given."""

    def __init__(self, port: int | None = None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port or PORT, timeout=60)
        self.cookies = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, text) of the answer; raises OSError or HTTPException."""
        headers = {"User-Agent": "semaine-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        encoded = None
        if body is not None:
            encoded = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=encoded, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return (
            response.status,
            response.getheader("Location", ""),
            content.decode("utf-8", "replace"),
        )


class RegistrationRush:
    """Registers jobseekers on `event_ids` from a few threads, without pause, until stopped.

    Each registration is a newcomer (no cookie): GET of the form (CSRF token and cookie), then
    its POST with an e-mail never used before. Outcomes: "stored" (POST redirected to the
    confirmation page), "form_<status>" (no form on the page), "post_<status>", "socket".
    """

    def __init__(self, event_ids: list[int], threads: int = RUSH_THREADS):
        self.event_ids = event_ids
        self.run_id = f"{int(time.time())}-{os.getpid()}"
        self.lock = threading.Lock()
        self.outcomes = collections.Counter()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._work, args=(n,), daemon=True) for n in range(threads)
        ]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=70)

    def counts(self) -> tuple[int, int]:
        """(attempted, stored) so far."""
        with self.lock:
            return sum(self.outcomes.values()), self.outcomes["stored"]

    def _work(self, index: int):
        rng = random.Random(index)
        session = HttpSession()
        serial = 0
        while not self.stopping.is_set():
            serial += 1
            outcome = self._register(session, rng, f"{self.run_id}-{index}-{serial}")
            with self.lock:
                self.outcomes[outcome] += 1

    def _register(self, session: HttpSession, rng, serial: str) -> str:
        path = f"/evenements/{rng.choice(self.event_ids)}/inscription/"
        session.cookies.clear()
        try:
            status, _, page = session.request("GET", path)
            email = f"rush-{serial}{RUSH_EMAIL_DOMAIN}"
            data = registration_data(page, email, f"Essai {serial}", rng)
            if status != 200 or data is None:
                return f"form_{status}"
            status, location, _ = session.request("POST", path, data)
        except (OSError, http.client.HTTPException):
            return "socket"
        return "stored" if registration_stored(status, location) else f"post_{status}"


def url_ok(path: str, port: int = PORT) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:  # noqa: S310 - loopback
            return r.status == 200
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def run_wrk(
    name: str,
    urls: list[str],
    seconds: int = SECONDS,
    *,
    script: str = "urls.lua",
    port: int = PORT,
) -> dict:
    urls_file = OUT / f"{name}.urls"
    urls_file.write_text("\n".join(urls) + "\n")
    result = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{CONCURRENCY}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / script),
            f"http://127.0.0.1:{port}",
        ],
        env={**os.environ, "URLS_FILE": str(urls_file), "URLS_THREADS": str(WRK_THREADS)},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    figures = {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "errors": raw["socket_errors"] + raw["status_errors"],
        "requests": raw["requests"],
        "distinct_urls": len(urls),
    }
    if "paths_used" in raw:  # cold.lua: each path once
        figures["paths_used"] = raw["paths_used"]
        figures["pool_exhausted"] = raw["exhausted"] > 0
    return figures


def run_cold(name: str, pool: list[str]) -> dict:
    """wrk through cold.lua: the warm-up walks the start of `pool`, the measured seconds the
    paths after those, so that no path is asked for twice in the run."""
    used = 0
    if WARMUP:
        warm = run_wrk(f"{name}_warmup", pool, WARMUP, script="cold.lua")
        used = warm["paths_used"]
        if warm["pool_exhausted"]:
            log(f"{name}: POOL EXHAUSTED during the warm-up ({len(pool)} paths), not measured")
            warm.update({"distinct_urls": len(pool), "warmup_paths": used, "measured_paths": 0})
            warm.pop("paths_used")
            return warm
    figures = run_wrk(name, pool[used:], script="cold.lua")
    figures.update(
        {
            "distinct_urls": len(pool),
            "warmup_paths": used,
            "measured_paths": figures.pop("paths_used"),
        }
    )
    if figures["pool_exhausted"]:
        log(
            f"{name}: POOL EXHAUSTED, {len(pool)} paths were not enough for the warm-up and "
            f"the measured seconds: the threads stopped early (BENCH_COLD_POOL to raise it)"
        )
    return figures


def run_rush(name: str, urls: list[str], event_ids: list[int]) -> dict:
    """wrk on `urls` while RegistrationRush registers on `event_ids`, from before the warm-up to
    the end of the measured seconds; registrations are counted over the measured seconds."""
    seats_before = seats_confirmed(event_ids)
    rush = RegistrationRush(event_ids)
    rush.start()
    try:
        if WARMUP:
            run_wrk(name, urls, WARMUP)
        attempted_before, stored_before = rush.counts()
        started = time.monotonic()
        figures = run_wrk(name, urls)
        elapsed = time.monotonic() - started
        attempted, stored = rush.counts()
    finally:
        rush.stop()
    seats_gained = seats_confirmed(event_ids) - seats_before
    stored_in_all = rush.outcomes["stored"]
    if seats_gained != stored_in_all:
        log(
            f"{name}: {stored_in_all} registrations stored, "
            f"but the seat counters gained {seats_gained}"
        )
    return {
        **figures,
        "registrations_attempted": attempted - attempted_before,
        "registrations_succeeded": stored - stored_before,
        "registrations_per_s": round((stored - stored_before) / elapsed, 1),
        # Over the warm-up and the measured seconds, and what the events' counters gained then.
        "registration_outcomes": dict(rush.outcomes),
        "seats_confirmed_gained": seats_gained,
        "registration_events": event_ids,
        "registration_threads": len(rush.threads),
    }


def count_queries() -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from events.models import Event

    client = Client()
    event = Event.objects.public().first()
    pages = {
        "listing": "/evenements/?region=84&type=job_dating&q=soin",
        "detail": event.get_absolute_url(),
        "api": "/api/v1/evenements/?region=84",
        "offers": "/offres/?region=53&metier=J1501",
        "near_me": "/evenements/?lieu=Lyon+%2869%29&rayon=30",
    }
    counts = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url, HTTP_HOST="127.0.0.1").status_code
        if status == 200:
            counts[f"queries_{name}"] = len(ctx.captured_queries)
    return counts


def cold_passes(urls: list[str]) -> dict:
    """In-process seconds over `urls`: each page with every cache emptied first, then one pass
    sharing the cache from empty (pages of one selection share their facet counts, listings that
    differ by one filter share that facet's counts). A cache that never evicts, so that the
    second pass measures what the layers share, not the local-memory cache's 300-entry limit."""
    from django.core.cache import caches
    from django.test import Client
    from django.test.utils import override_settings

    from semaine import rowindex

    never_evicts = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10**6},
        }
    }
    client = Client()
    with override_settings(CACHES=never_evicts):
        cache = caches["default"]
        for url in urls[:20]:  # imports and connections: not what is measured
            client.get(url, HTTP_HOST="127.0.0.1")
        each = []
        for url in urls:
            cache.clear()
            rowindex.forget_parts()
            started = time.perf_counter()
            client.get(url, HTTP_HOST="127.0.0.1")
            each.append(time.perf_counter() - started)
        cache.clear()
        started = time.perf_counter()
        for url in urls:
            client.get(url, HTTP_HOST="127.0.0.1")
        shared = time.perf_counter() - started
    each.sort()
    return {
        "urls": len(urls),
        "each_cold_total_s": round(sum(each), 2),
        "each_cold_p50_ms": round(each[len(each) // 2] * 1000, 1),
        "each_cold_p95_ms": round(each[int(len(each) * 0.95)] * 1000, 1),
        "shared_pass_s": round(shared, 2),
    }


def timed_requests(path: str, repeat: int, *, cold: bool) -> list[float]:
    """In-process seconds of `repeat` requests of `path` after one unmeasured one; with `cold`,
    every cache (pages, facet counts, rate limits, the parts of selections the listings' rows
    in memory keep: semaine.rowindex) emptied before each. The rows in memory themselves are
    kept, as every process keeps them until the data changes (their build: row_index_build)."""
    from django.core.cache import caches
    from django.test import Client

    from semaine import rowindex

    client = Client()
    client.get(path, HTTP_HOST="127.0.0.1")
    timings = []
    for _ in range(repeat):
        if cold:
            for cache in caches.all():
                cache.clear()
            rowindex.forget_parts()
        started = time.perf_counter()
        client.get(path, HTTP_HOST="127.0.0.1")
        timings.append(time.perf_counter() - started)
    return timings


def server_time(path: str, repeat: int = 20) -> dict:
    """In-process server time of one page: with every cache emptied first, then cached."""
    return {
        label: round(sum(timed_requests(path, repeat, cold=cold)) / repeat * 1000, 1)
        for label, cold in (("cold_ms", True), ("cached_ms", False))
    }


def row_index_build(repeat: int = 3) -> dict:
    """Seconds to build each listing's rows in memory (semaine.rowindex), median of `repeat`,
    and the size of what is kept: what every process pays once per change of the data."""
    import tracemalloc

    from events.facets import SUMMARY as EVENTS
    from events.models import LISTING_VERSION as EVENTS_VERSION
    from events.models import Event
    from offers.facets import SUMMARY as OFFERS
    from offers.models import LISTING_VERSION as OFFERS_VERSION
    from offers.models import Offer
    from semaine import rowindex

    figures = {}
    for name, summary, model, version in (
        ("events", EVENTS, Event, EVENTS_VERSION),
        ("offers", OFFERS, Offer, OFFERS_VERSION),
    ):
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            index = rowindex.build(summary, model, (version,), "default")
            timings.append(time.perf_counter() - started)
        tracemalloc.start()
        index = rowindex.build(summary, model, (version,), "default")
        kept, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures[name] = {
            "rows": index.size,
            "facet_values": sum(len(values) for values in index.values.values()),
            "build_ms": round(sorted(timings)[len(timings) // 2] * 1000),
            "kept_mb": round(kept / 1e6, 1),
            "build_peak_mb": round(peak / 1e6, 1),
        }
    return figures


def cold_server_time(path: str, repeat: int = 9) -> dict:
    """In-process server time of a single cold request of `path` (issue 23's named selections):
    median and max over `repeat` requests, every cache emptied before each."""
    timings = sorted(timed_requests(path, repeat, cold=True))
    return {
        "path": path,
        "repeat": repeat,
        "median_ms": round(timings[len(timings) // 2] * 1000, 1),
        "max_ms": round(timings[-1] * 1000, 1),
    }


def suggestion_server_times(urls: list[str], passes: int = 3) -> dict:
    """In-process server time of each commune suggestion URL (the API keeps no server-side
    cache: every answer is computed), after one unmeasured pass: `passes` measured passes."""
    from django.test import Client

    client = Client()
    for url in urls:
        client.get(url, HTTP_HOST="127.0.0.1")
    timings = []
    for _ in range(passes):
        for url in urls:
            started = time.perf_counter()
            client.get(url, HTTP_HOST="127.0.0.1")
            timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "urls": len(urls),
        "requests": len(timings),
        "p50_ms": round(timings[len(timings) // 2] * 1000, 1),
        "p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 1),
        "max_ms": round(timings[-1] * 1000, 1),
    }


def near_me_summary(results: dict, suggestions: dict) -> dict:
    """Issue 16's targets: the near-me listings' p95 within 1.5 × the unfiltered listing's
    (`first_page`, /evenements/) in the same run; the suggestions' p95 ≤ 20 ms on the server."""
    summary = {"suggestions_server": suggestions, "suggestions_p95_target_ms": 20}
    near, unfiltered = results.get("near_me"), results.get("first_page")
    if near and unfiltered and unfiltered["p95_ms"]:
        summary["near_me_p95_ms"] = near["p95_ms"]
        summary["unfiltered_listing_p95_ms"] = unfiltered["p95_ms"]
        summary["p95_ratio_to_unfiltered_listing"] = round(near["p95_ms"] / unfiltered["p95_ms"], 2)
        summary["p95_ratio_target"] = 1.5
    return summary


SCENARIOS = (
    "baseline",
    "ceiling",
    "listing",
    "rush",
    "detail",
    "offers",
    "api",
    "deep_page",
    "first_page",
    "search",
    "search_offers",
    "near_me",
    "communes",
    "cold",
    "cold_offers",
)
# Parts of a run that are not wrk scenarios but may be asked for by name in BENCH_ONLY.
EXTRAS = ("exports", "middleware")


def selected_scenarios() -> tuple[str, ...]:
    """BENCH_ONLY's names (comma-separated), in the run's order; every scenario and extra when
    it is unset or empty."""
    raw = os.environ.get("BENCH_ONLY", "").strip()
    if not raw:
        return SCENARIOS + EXTRAS
    names = {name.strip() for name in raw.split(",") if name.strip()}
    unknown = names - set(SCENARIOS + EXTRAS)
    if unknown:
        sys.exit(
            f"BENCH_ONLY: unknown {', '.join(sorted(unknown))}; "
            f"known: {', '.join(SCENARIOS + EXTRAS)}"
        )
    return tuple(name for name in SCENARIOS + EXTRAS if name in names)


def scenario_urls(selected: tuple[str, ...]) -> dict[str, list[str]]:
    """The URLs of each selected scenario. Every list is drawn whatever is selected, so that a
    scenario has the same URLs in a partial run as in a full one."""
    rng = random.Random(42)
    urls = {"baseline": ["/healthz"], "ceiling": ["/healthz"]}
    urls["listing"] = listing_urls(rng)
    # The same pages while registrations keep moving the seat counters: compare with "listing".
    urls["rush"] = urls["listing"]
    urls["detail"] = detail_urls(rng)
    urls["offers"] = offers_urls(rng)
    urls["api"] = api_urls(urls["listing"])
    urls["deep_page"] = ["/evenements/?page=200"]
    urls["first_page"] = ["/evenements/"]
    # Issue 15: what people type, from the vocabulary, with and without typos; compared with
    # the unfiltered listing (first_page) of the same run.
    queries = search_queries(rng)
    urls["search"] = search_urls("/evenements/", queries)
    urls["search_offers"] = search_urls("/offres/", queries)
    # Near me (issue 16), with draws of their own so that the other scenarios keep their URLs.
    urls["near_me"] = near_me_urls(random.Random(16))
    urls["communes"] = commune_suggestion_urls(random.Random(1616))
    # Issue 23: selections never asked for before in the run (cold.lua walks them once).
    if "cold" in selected or "cold_offers" in selected:
        vocabulary = cold_vocabulary()
        urls["cold"] = cold_listing_urls(random.Random(23), vocabulary, COLD_POOL)
        urls["cold_offers"] = cold_offers_urls(random.Random(2323), vocabulary, COLD_POOL)
    return {name: urls[name] for name in selected if name in urls}


def start_gunicorn(app: str, env: dict, port: int) -> subprocess.Popen:
    """gunicorn serving `app` with gunicorn.conf.py on `port`; exits if /healthz never answers."""
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), app, "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        start_new_session=True,
    )
    for _ in range(60):
        if url_ok("/healthz", port):
            return server
        time.sleep(0.5)
    stop_gunicorn(server)
    sys.exit(f"gunicorn ({app}) did not answer on /healthz")


def worker_memory(server: subprocess.Popen) -> dict:
    """The resident memory of gunicorn's workers (MB): the largest and the median."""
    import psutil

    sizes = sorted(child.memory_info().rss / 1e6 for child in psutil.Process(server.pid).children())
    if not sizes:
        return {}
    return {"max": round(sizes[-1], 1), "median": round(sizes[len(sizes) // 2], 1)}


def stop_gunicorn(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def run_ceiling(env: dict) -> dict:
    """The bare app (bench/ceiling) under the same gunicorn settings and wrk load as
    `baseline`, served on a port of its own while the project's server waits unloaded.

    Its measured seconds are cut into CEILING_SLICES slices, each followed by as many seconds of
    the project's /healthz: on a machine whose load drifts, the two then meet the same drift.
    rps from the totals; p50/p95/p99 the median of the slices'. The project's paired figures
    (`paired_healthz`) give the ratio of the report."""
    server = start_gunicorn("bench.ceiling.wsgi", env, CEILING_PORT)
    slices = max(1, min(CEILING_SLICES, SECONDS))
    seconds = max(1, SECONDS // slices)
    try:
        if WARMUP:
            run_wrk("ceiling", ["/healthz"], WARMUP, port=CEILING_PORT)
        runs = {"ceiling": [], "healthz": []}
        for _ in range(slices):
            runs["ceiling"].append(run_wrk("ceiling", ["/healthz"], seconds, port=CEILING_PORT))
            runs["healthz"].append(run_wrk("ceiling_paired", ["/healthz"], seconds))
    finally:
        stop_gunicorn(server)
    figures, paired = (_merged(runs[name], seconds) for name in ("ceiling", "healthz"))
    figures["slices"] = slices
    figures["paired_healthz"] = paired
    return figures


def _merged(runs: list[dict], seconds: int) -> dict:
    """Figures of wrk runs of `seconds` each taken as one: rps from the totals, percentiles the
    median of the runs'."""
    merged = {"rps": round(sum(r["requests"] for r in runs) / (seconds * len(runs)), 1)}
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        merged[key] = statistics.median(r[key] for r in runs)
    merged["errors"] = sum(r["errors"] for r in runs)
    merged["requests"] = sum(r["requests"] for r in runs)
    merged["distinct_urls"] = 1
    return merged


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it when run as root)")
    selected = selected_scenarios()
    OUT.mkdir(parents=True, exist_ok=True)
    env = bench_env()
    log(f"dataset: {EVENTS} events, {OFFERS} offers in database {DB_NAME}")
    log(f"scenarios: {', '.join(selected)}")
    manage(env, "migrate", "--noinput", "-v", "0")
    started = time.monotonic()
    manage(env, "seed_demo", "--size", str(EVENTS), "--offers", str(OFFERS))
    seed_s = round(time.monotonic() - started, 1)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    django_setup(env)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    rush_events = prepare_rush_events() if "rush" in selected else []
    scenarios = scenario_urls(selected)

    redis, cache_url = start_redis()
    if cache_url:
        env["CACHE_URL"] = cache_url
    server = start_gunicorn("semaine.wsgi", env, PORT)
    results = {}
    try:
        for name, urls in scenarios.items():
            if name == "ceiling":
                results[name] = run_ceiling(env)
            elif not url_ok(urls[0]):
                log(f"{name}: {urls[0]} does not answer 200, scenario skipped")
                continue
            elif name == "rush":
                if not rush_events or not url_ok(f"/evenements/{rush_events[0]}/inscription/"):
                    log(f"{name}: no registration form on events {rush_events}, scenario skipped")
                    continue
                results[name] = run_rush(name, urls, rush_events)
            elif name in ("cold", "cold_offers"):
                # url_ok asked for the first path once: the pool starts after it.
                results[name] = run_cold(name, urls[1:])
            else:
                if WARMUP:
                    # Unmeasured: workers start, caches fill as they would in the first minutes.
                    run_wrk(name, urls, WARMUP)
                results[name] = run_wrk(name, urls)
            log(f"{name}: {results[name]}")
        workers_mb = worker_memory(server)
    finally:
        stop_gunicorn(server)
        if redis:
            redis.terminate()
            redis.wait(timeout=10)

    base = results.get("baseline", {}).get("rps") or 0
    for figures in results.values():
        figures["ratio_to_baseline"] = round(figures["rps"] / base, 2) if base else None
    report = {
        "dataset": {"events": EVENTS, "offers": OFFERS, "seed_s": seed_s},
        "machine": {"cores": os.cpu_count()},
        "gunicorn": {
            "workers": int(env.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1)),
            "worker_class": env.get("GUNICORN_WORKER_CLASS", "sync"),
            "threads": int(env.get("GUNICORN_THREADS", "1")),
        },
        "cache": "redis (shared by the workers)" if cache_url else "local memory (per worker)",
        "concurrency": CONCURRENCY,
        "seconds_per_scenario": SECONDS,
        "warmup_seconds_per_scenario": WARMUP,
        "scenarios_selected": list(selected),
        "scenarios": results,
        # After every scenario: the caches and the listings' rows in memory are full.
        "worker_rss_mb": workers_mb,
    }
    ceiling = results.get("ceiling")
    if ceiling and ceiling["rps"]:
        healthz = ceiling.pop("paired_healthz")["rps"]
        report["healthz_vs_ceiling"] = {
            "healthz_rps": healthz,
            "ceiling_rps": ceiling["rps"],
            "ratio": round(healthz / ceiling["rps"], 2),
            "target": 0.80,
            "measured": f"interleaved, {ceiling['slices']} slices of each",
        }
    report.update(in_process_figures(selected, scenarios, results))
    if "exports" in selected:
        report.update(export_figures(env))
    if "middleware" in selected:
        report["middleware"] = middleware_profile(env)
    report["search_p95_vs_unfiltered"] = search_ratios(report)
    (OUT / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_table(report)


def in_process_figures(
    selected: tuple[str, ...], scenarios: dict[str, list[str]], results: dict
) -> dict:
    """The in-process timings that go with the selected scenarios (`results`: the served
    figures, which the near-me summary compares)."""
    figures = {"cold_passes": {}, "server_time_ms": {}, **count_queries()}
    passes = figures["cold_passes"]
    for name in ("listing", "offers", "search", "search_offers"):
        if name in selected:
            passes[name] = cold_passes(scenarios[name])
    if "search" in selected or "first_page" in selected:
        passes["unfiltered_listing"] = cold_passes(["/evenements/"] * 20)
    if "search_offers" in selected:
        passes["unfiltered_offers"] = cold_passes(["/offres/"] * 20)
    if "near_me" in selected:
        passes["near_me"] = cold_passes(scenarios["near_me"])
    if "communes" in selected:
        suggestions = suggestion_server_times(scenarios["communes"])
        figures["near_me"] = near_me_summary(results, suggestions)
    if "listing" in selected:
        figures["server_time_ms"]["listing_region84_jobdating_soin"] = server_time(
            "/evenements/?region=84&type=job_dating&q=soin"
        )
    if "cold" in selected or "cold_offers" in selected:
        figures["row_index_build"] = row_index_build()
        figures["cold_server_time_ms"] = {
            name: cold_server_time(path)
            for name, path in cold_named_selections().items()
            if ("cold_offers" if name.startswith("offers") else "cold") in selected
        }
    return figures


def middleware_profile(env: dict) -> dict:
    """What each middleware costs a request, in a process of its own (bench/middleware.py)."""
    log("middleware: each one's cost per request, in process…")
    profiled = subprocess.run(
        [PY, str(ROOT / "bench" / "middleware.py")],
        cwd=ROOT,
        env={key: value for key, value in env.items() if key != "CACHE_URL"},
        capture_output=True,
        text=True,
    )
    log(profiled.stdout.strip())
    if profiled.returncode:
        log(profiled.stderr[-2000:])
        return {}
    return json.loads((OUT / "middleware.json").read_text())


def export_figures(env: dict) -> dict:
    """Every event exported in each format, in a subprocess (bench/exports.py)."""
    from events.models import Event

    figures = {}
    export_rows = min(EVENTS, Event.objects.public().count())
    log(f"exports: {export_rows} events in each format, each in a subprocess…")
    exported = subprocess.run(
        [PY, str(ROOT / "bench" / "exports.py")],
        cwd=ROOT,
        env={**env, "BENCH_EVENTS": str(export_rows)},
        capture_output=True,
        text=True,
    )
    log(exported.stdout.strip())
    if exported.returncode:
        log(exported.stderr[-2000:])
        return figures
    for row in json.loads((OUT / "exports.json").read_text()):
        if row["rows"] >= export_rows:
            figures[f"export_{row['format']}_s"] = round(row["seconds"], 2)
            figures[f"export_{row['format']}_peak_mb"] = round(row["peak_rss_mb"], 1)
    figures["export_rows"] = export_rows
    return figures


def search_ratios(report) -> dict:
    """Issue 15's bar: the search pages' p95 within 1.5 times the unfiltered listing's, served
    (wrk) and cold in process, in the same run."""
    scenarios, cold = report["scenarios"], report["cold_passes"]
    ratios = {}
    base = scenarios.get("first_page", {}).get("p95_ms")
    for name in ("search", "search_offers"):
        if base and name in scenarios:
            ratios[f"{name}_served"] = round(scenarios[name]["p95_ms"] / base, 2)
    for name, unfiltered in (
        ("search", "unfiltered_listing"),
        ("search_offers", "unfiltered_offers"),
    ):
        if name not in cold or unfiltered not in cold:
            continue
        ratios[f"{name}_cold"] = round(
            cold[name]["each_cold_p95_ms"] / cold[unfiltered]["each_cold_p95_ms"], 2
        )
    return ratios


def print_table(report):
    log("")
    log(
        f"{'scenario':<12} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7} {'× base':>7}"
    )
    for name, r in report["scenarios"].items():
        log(
            f"{name:<12} {r['rps']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} "
            f"{r['errors']:>7} {r['ratio_to_baseline'] or '':>7}"
        )
    rush = report["scenarios"].get("rush")
    if rush:
        log(
            f"rush: {rush['registrations_attempted']} registrations attempted, "
            f"{rush['registrations_succeeded']} succeeded ({rush['registrations_per_s']}/s) "
            f"on {len(rush['registration_events'])} events by {rush['registration_threads']} "
            f"threads; warm-up included: {rush['registration_outcomes']}, "
            f"seat counters +{rush['seats_confirmed_gained']}"
        )
    for key, value in report.items():
        if key.startswith(("queries_", "export_")):
            log(f"{key}: {value}")
    for name in ("cold", "cold_offers"):
        cold = report["scenarios"].get(name)
        if cold:
            log(
                f"{name}: {cold['distinct_urls']} distinct selections, "
                f"{cold['warmup_paths']} asked for in the warm-up, {cold['measured_paths']} "
                f"in the measured seconds, each once"
                + ("; POOL EXHAUSTED (BENCH_COLD_POOL)" if cold["pool_exhausted"] else "")
            )
    if report.get("worker_rss_mb"):
        log(f"gunicorn workers' resident memory after the run: {report['worker_rss_mb']} MB")
    ceiling = report.get("healthz_vs_ceiling")
    if ceiling:
        log(
            f"/healthz: {ceiling['healthz_rps']} rps = {ceiling['ratio']} × the bare app's "
            f"{ceiling['ceiling_rps']} (target ≥ {ceiling['target']} ×; {ceiling['measured']})"
        )
    for name, figures in report.get("row_index_build", {}).items():
        log(
            f"rows in memory, {name}: {figures['rows']} rows, {figures['facet_values']} facet "
            f"values, built in {figures['build_ms']} ms (peak {figures['build_peak_mb']} MB), "
            f"{figures['kept_mb']} MB kept"
        )
    for name, figures in report.get("cold_server_time_ms", {}).items():
        log(
            f"single cold request, in-process server time, {name} ({figures['path']}): "
            f"median {figures['median_ms']} ms, max {figures['max_ms']} ms "
            f"over {figures['repeat']}"
        )
    if report["server_time_ms"]:
        log(f"server time of the reference listing: {report['server_time_ms']} ms")
    near = report.get("near_me", {})
    if "p95_ratio_to_unfiltered_listing" in near:
        log(
            f"near me: p95 {near['near_me_p95_ms']} ms = "
            f"{near['p95_ratio_to_unfiltered_listing']} × the unfiltered listing's "
            f"({near['unfiltered_listing_p95_ms']} ms; target ≤ {near['p95_ratio_target']} ×)"
        )
    suggestions = near.get("suggestions_server")
    if suggestions:
        log(
            f"commune suggestions, in-process server time over {suggestions['urls']} prefixes: "
            f"p50 {suggestions['p50_ms']} ms, p95 {suggestions['p95_ms']} ms, max "
            f"{suggestions['max_ms']} ms (target p95 ≤ {near['suggestions_p95_target_ms']} ms)"
        )
    for name, figures in report["cold_passes"].items():
        log(f"in-process cold passes over the {name} URLs: {figures}")
    log(f"search p95 / unfiltered listing p95 (bar: 1.5): {report['search_p95_vs_unfiltered']}")
    log(f"seed: {report['dataset']}")
    log(f"written to {OUT / 'latest.json'}")


if __name__ == "__main__":
    main()
