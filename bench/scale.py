"""`make bench-scale`: the same app as one gunicorn instance, then as two, on this machine.

There is no load balancer here: wrk loads each instance in parallel (half the connections each)
and the throughputs are added. Both instances share the bench database and one Redis, as
instances behind a load balancer would. On one machine two instances share its cores, so this
measures the cost of scaling out (nothing is shared but PostgreSQL and Redis), not the gain of a
second machine. Uses `make bench`'s database (run `make bench` once first).

Environment: BENCH_SECONDS (15), BENCH_WARMUP (5), BENCH_CONCURRENCY (16, split between the
instances), WEB_CONCURRENCY (workers in all, 2 x cores + 1, shared out between the instances).
Each round has a Redis of its own, so the two instances start as cold as the one did.
Writes var/bench/scale.json.
"""

import json
import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_SECONDS", "15")
os.environ.setdefault("BENCH_WARMUP", "5")

from bench import run  # noqa: E402


def start_instance(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(run.PY).parent / "gunicorn"), "semaine.wsgi", "-c", "gunicorn.conf.py"],
        cwd=run.ROOT,
        env={**env, "PORT": str(port)},
        start_new_session=True,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return process
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.5)
    process.terminate()
    sys.exit(f"gunicorn did not answer on port {port}")


def wrk(port: int, urls_file: Path, connections: int, seconds: int) -> subprocess.Popen:
    return subprocess.Popen(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
        + ["-s", str(run.ROOT / "bench" / "urls.lua"), f"http://127.0.0.1:{port}"],
        env={**os.environ, "URLS_FILE": str(urls_file), "URLS_SEED": str(port)},
        stdout=subprocess.PIPE,
        text=True,
    )


def load(ports: list[int], name: str, urls: list[str], seconds: int) -> dict:
    urls_file = run.OUT / f"scale-{name}.urls"
    urls_file.write_text("\n".join(urls) + "\n")
    per_instance = max(1, run.CONCURRENCY // len(ports))
    results = []
    for process in [wrk(port, urls_file, per_instance, seconds) for port in ports]:
        out, _ = process.communicate()
        line = next(ln for ln in out.splitlines() if ln.startswith("BENCH_JSON "))
        results.append(json.loads(line.removeprefix("BENCH_JSON ")))
    return {
        "rps": round(sum(r["requests"] / (r["duration_us"] / 1e6) for r in results), 1),
        # The slower instance's percentiles: what the unluckiest visitor sees.
        "p50_ms": round(max(r["p50_us"] for r in results) / 1000, 1),
        "p95_ms": round(max(r["p95_us"] for r in results) / 1000, 1),
        "errors": sum(r["socket_errors"] + r["status_errors"] for r in results),
    }


def main():
    run.OUT.mkdir(parents=True, exist_ok=True)
    env = run.bench_env()
    run.manage(env, "collectstatic", "--noinput", "-v", "0")
    run.django_setup(env)
    rng = random.Random(42)
    scenarios = {
        "baseline": ["/healthz"],
        "listing": run.listing_urls(rng),
        "detail": run.detail_urls(rng),
        "first_page": ["/evenements/"],
    }
    workers = int(env.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1))
    report = {
        "machine": {"cores": os.cpu_count()},
        "workers_in_all": workers,
        "concurrency": run.CONCURRENCY,
        "seconds_per_scenario": run.SECONDS,
        "instances": {},
    }
    for count in (1, 2):
        # A Redis of their own: the two instances must not find the pages the one cached.
        redis, cache_url = run.start_redis()
        if cache_url:
            env["CACHE_URL"] = cache_url
        ports = [run.PORT + 10 + n for n in range(count)]
        # The same machine either way: the workers are shared out between the instances, so
        # the comparison is of one instance and two, not of 5 workers and 10 on 2 cores.
        per_instance = str(-(-workers // count))
        servers = [start_instance({**env, "WEB_CONCURRENCY": per_instance}, p) for p in ports]
        try:
            figures = {}
            for name, urls in scenarios.items():
                load(ports, name, urls, run.WARMUP)
                figures[name] = load(ports, name, urls, run.SECONDS)
                run.log(f"{count} instance(s) {name:<11} {figures[name]}")
            report["instances"][str(count)] = figures
        finally:
            for server in servers:
                server.terminate()
                server.wait(30)
            if redis:
                redis.terminate()
                redis.wait(10)
    (run.OUT / "scale.json").write_text(json.dumps(report, indent=2))
    run.log(
        f"\n{'scenario':<12}{'1 instance rps':>16}{'2 instances rps':>17}{'p95 1 / 2 (ms)':>18}"
    )
    one, two = report["instances"]["1"], report["instances"]["2"]
    for name in scenarios:
        p95 = f"{one[name]['p95_ms']} / {two[name]['p95_ms']}"
        run.log(f"{name:<12}{one[name]['rps']:>16}{two[name]['rps']:>17}{p95:>18}")


if __name__ == "__main__":
    main()
