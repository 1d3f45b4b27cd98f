"""`make bench`: seed a large dataset, serve it as in production, load it with wrk, print figures.

Environment: BENCH_EVENTS (100000), BENCH_OFFERS (200000), BENCH_SECONDS (20 per scenario),
BENCH_WARMUP (10 unmeasured seconds before each scenario),
BENCH_CONCURRENCY (16), BENCH_PORT (8765), WEB_CONCURRENCY (gunicorn workers).
Writes var/bench/latest.json.
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
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
WARMUP = int(os.environ.get("BENCH_WARMUP", "10"))
DB_NAME = "semaine_bench"


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
            "GUNICORN_ACCESS_LOG": "",
            "PORT": str(PORT),
            "LOG_LEVEL": "WARNING",
        }
    )
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

    ids = list(Event.objects.visible().values_list("pk", "slug").order_by("?")[:500])
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


def api_urls(listing: list[str]) -> list[str]:
    # Without `page`: the API answers a page past the end with an error, the HTML page does not.
    urls = set()
    for url in listing:
        path, _, query = url.partition("?")
        params = [(k, v) for k, v in urllib.parse.parse_qsl(query) if k != "page"]
        urls.add("/api/v1/evenements/?" + urllib.parse.urlencode(params))
    return sorted(urls)


def url_ok(path: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=30) as r:  # noqa: S310 - loopback
            return r.status == 200
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def run_wrk(name: str, urls: list[str], seconds: int = SECONDS) -> dict:
    urls_file = OUT / f"{name}.urls"
    urls_file.write_text("\n".join(urls) + "\n")
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONCURRENCY}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "urls.lua"),
            f"http://127.0.0.1:{PORT}",
        ],
        env={**os.environ, "URLS_FILE": str(urls_file)},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "errors": raw["socket_errors"] + raw["status_errors"],
        "requests": raw["requests"],
        "distinct_urls": len(urls),
    }


def count_queries() -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from events.models import Event

    client = Client()
    event = Event.objects.visible().first()
    pages = {
        "listing": "/evenements/?region=84&type=job_dating&q=soin",
        "detail": event.get_absolute_url(),
        "api": "/api/v1/evenements/?region=84",
        "offers": "/offres/?region=53&metier=J1501",
    }
    counts = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url, HTTP_HOST="127.0.0.1").status_code
        if status == 200:
            counts[f"queries_{name}"] = len(ctx.captured_queries)
    return counts


def server_time(path: str, repeat: int = 20) -> dict:
    """In-process server time of one page: with every cache emptied first, then cached."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    timings = {}
    for label, clear in (("cold_ms", True), ("cached_ms", False)):
        client.get(path, HTTP_HOST="127.0.0.1")
        total = 0.0
        for _ in range(repeat):
            if clear:
                cache.clear()
            started = time.perf_counter()
            client.get(path, HTTP_HOST="127.0.0.1")
            total += time.perf_counter() - started
        timings[label] = round(total / repeat * 1000, 1)
    return timings


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it when run as root)")
    OUT.mkdir(parents=True, exist_ok=True)
    env = bench_env()
    log(f"dataset: {EVENTS} events, {OFFERS} offers in database {DB_NAME}")
    manage(env, "migrate", "--noinput", "-v", "0")
    started = time.monotonic()
    manage(env, "seed_demo", "--size", str(EVENTS), "--offers", str(OFFERS))
    seed_s = round(time.monotonic() - started, 1)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    django_setup(env)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    rng = random.Random(42)
    scenarios = {"baseline": ["/healthz"]}
    scenarios["listing"] = listing_urls(rng)
    scenarios["detail"] = detail_urls(rng)
    scenarios["offers"] = offers_urls(rng)
    scenarios["api"] = api_urls(scenarios["listing"])
    scenarios["deep_page"] = ["/evenements/?page=200"]
    scenarios["first_page"] = ["/evenements/"]

    redis, cache_url = start_redis()
    if cache_url:
        env["CACHE_URL"] = cache_url
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "semaine.wsgi", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    results = {}
    try:
        for _ in range(60):
            if url_ok("/healthz"):
                break
            time.sleep(0.5)
        else:
            sys.exit("gunicorn did not answer on /healthz")
        for name, urls in scenarios.items():
            if not url_ok(urls[0]):
                log(f"{name}: {urls[0]} does not answer 200, scenario skipped")
                continue
            if WARMUP:
                # Unmeasured: workers start, caches fill as they would in the first minutes.
                run_wrk(name, urls, WARMUP)
            results[name] = run_wrk(name, urls)
            log(f"{name}: {results[name]}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
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
        "scenarios": results,
        "server_time_ms": {
            "listing_region84_jobdating_soin": server_time(
                "/evenements/?region=84&type=job_dating&q=soin"
            ),
        },
        **count_queries(),
    }
    from events.models import Event

    exportable = Event.objects.exclude(status=Event.Status.DRAFT).count()
    export_rows = min(EVENTS, exportable)
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
    else:
        for figures in json.loads((OUT / "exports.json").read_text()):
            if figures["rows"] >= export_rows:
                report[f"export_{figures['format']}_s"] = round(figures["seconds"], 2)
                report[f"export_{figures['format']}_peak_mb"] = round(figures["peak_rss_mb"], 1)
        report["export_rows"] = export_rows
    (OUT / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_table(report)


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
    for key, value in report.items():
        if key.startswith(("queries_", "export_")):
            log(f"{key}: {value}")
    log(f"server time of the reference listing: {report['server_time_ms']} ms")
    log(f"seed: {report['dataset']}")
    log(f"written to {OUT / 'latest.json'}")


if __name__ == "__main__":
    main()
