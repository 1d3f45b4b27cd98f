"""What each middleware of settings.MIDDLEWARE costs a request, measured in process.

Requests go through Django's WSGI handler as gunicorn sends them (a WSGI environ, the response
iterated and closed), on `make bench`'s database with its settings (bench/run.py's bench_env:
DEBUG off, JSON logs, the statement timeout of semaine/wsgi.py) and a local-memory cache. A
stopwatch between each pair of middlewares times what lies inside it; a middleware's own cost
is the time inside it less the time inside the next (its process_view hook, which Django calls
at the end of the chain, is timed apart and added to it). The handler's own work (the request
object, the request_started and request_finished signals and their receivers) and the view
(URL resolution included) are rows of their own.

Pages: /healthz and a cached listing page (asked for once before). BENCH_MW_REQUESTS (2000)
requests per round, BENCH_MW_ROUNDS (5) rounds; a row gives the median of the rounds' means, in
µs per request. The bare app of the `ceiling` scenario (bench/ceiling) is timed the same way on
/healthz, in a process of its own: its column, the ratio of the two whole requests, and both
requests without their view (what the stack, the signals and the handler cost: the view's two
database round trips wait more or less from one run to the next, and sway the ratio). In
process, on a machine shared with other work: compare rows within one run.
Run after `make bench` (its database), or by it (BENCH_ONLY=middleware). Writes
var/bench/middleware.json.
"""

import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

from bench import run  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_MW_REQUESTS", "2000"))
ROUNDS = int(os.environ.get("BENCH_MW_ROUNDS", "5"))
PAGES = {"/healthz": "/healthz", "cached listing": "/evenements/?region=84"}
HOST = f"127.0.0.1:{run.PORT}"  # SITE_URL's host under the bench: no mismatch warning


class Stopwatch:
    """Calls `inner` and adds the seconds it took to `self.seconds`."""

    def __init__(self, inner):
        self.inner = inner
        self.seconds = 0.0

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def environ(path: str) -> dict:
    """A GET as gunicorn hands it to the application."""
    path_info, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(run.PORT),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": HOST,
        "HTTP_USER_AGENT": "semaine-bench",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _start_response(status, headers, exc_info=None):
    if not status.startswith("200"):
        raise RuntimeError(f"answered {status}")


class Profiler:
    """A WSGI handler whose middleware chain has a stopwatch between every two middlewares."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.signals import request_finished, request_started

        self.handler = WSGIHandler()
        self.middleware = []
        self.inside = []  # inside[i]: the time inside middleware i's get_response
        step = self.handler._middleware_chain
        while hasattr(getattr(step, "__wrapped__", None), "get_response"):
            instance = step.__wrapped__
            self.middleware.append(instance)
            step = instance.get_response
            instance.get_response = Stopwatch(step)
            self.inside.append(instance.get_response)
        self.chain = self.handler._middleware_chain = Stopwatch(self.handler._middleware_chain)
        self.hooks = {}
        for number, hook in enumerate(self.handler._view_middleware):
            watch = Stopwatch(hook)
            self.hooks[hook.__self__] = watch
            self.handler._view_middleware[number] = watch
        # The signals' receivers (the page cache's, the request id's, closing old connections).
        self.signals = [request_started, request_finished]
        self.signal_watches = [Stopwatch(signal.send) for signal in self.signals]
        for signal, watch in zip(self.signals, self.signal_watches, strict=True):
            signal.send = watch

    def close(self):
        for signal in self.signals:
            del signal.send  # back to the class's method

    def reset(self):
        for watch in (self.chain, *self.inside, *self.hooks.values(), *self.signal_watches):
            watch.seconds = 0.0

    def request(self, path: str) -> float:
        started = time.perf_counter()
        response = self.handler(environ(path), _start_response)
        for _ in response:
            pass
        response.close()
        return time.perf_counter() - started

    def round(self, path: str, count: int) -> dict[str, float]:
        """µs per request of each middleware, the view, the handler, over `count` requests."""
        self.reset()
        total = sum(self.request(path) for _ in range(count))
        row = {}
        outer = self.chain.seconds
        for instance, inner in zip(self.middleware, self.inside, strict=True):
            hook = self.hooks.get(instance)
            own = outer - inner.seconds + (hook.seconds if hook else 0.0)
            row[_name(instance)] = own
            outer = inner.seconds
        row["(view, URL resolution included)"] = outer - sum(
            watch.seconds for watch in self.hooks.values()
        )
        signals = sum(watch.seconds for watch in self.signal_watches)
        row["(signals: request_started, request_finished)"] = signals
        row["(handler: request object, response)"] = total - self.chain.seconds - signals
        row["(whole request)"] = total
        return {name: seconds / count * 1e6 for name, seconds in row.items()}


def _name(instance) -> str:
    cls = type(instance)
    return f"{cls.__module__}.{cls.__name__}"


def stopwatch_overhead(count: int = 100_000) -> float:
    """µs a stopwatch adds to what it times (counted once in each middleware's row)."""
    watch = Stopwatch(lambda: None)
    started = time.perf_counter()
    for _ in range(count):
        watch()
    timed = time.perf_counter() - started
    bare = lambda: None  # noqa: E731 - the same call, unwatched
    started = time.perf_counter()
    for _ in range(count):
        bare()
    return (timed - (time.perf_counter() - started)) / count * 1e6


def profile(requests: int = REQUESTS, rounds: int = ROUNDS) -> dict:
    profiler = Profiler()
    try:
        table = {}
        for page, path in PAGES.items():
            for _ in range(20):  # imports, connection, the cached page: not what is measured
                profiler.request(path)
            runs = [profiler.round(path, requests) for _ in range(rounds)]
            table[page] = {
                name: round(statistics.median(run_[name] for run_ in runs), 1) for name in runs[0]
            }
    finally:
        profiler.close()
    return {
        "requests_per_round": requests,
        "rounds": rounds,
        "stopwatch_overhead_us": round(stopwatch_overhead(), 2),
        "us_per_request": table,
    }


def ceiling_profile(env: dict) -> dict:
    """The bare app's /healthz (bench/ceiling: no middleware) timed the same way, in a process
    of its own: what the project's /healthz would cost without its stack."""
    done = subprocess.run(
        [sys.executable, __file__, "--ceiling"],
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.ceiling.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def print_profile(figures: dict) -> None:
    pages = list(figures["us_per_request"])
    width = max(len(name) for name in figures["us_per_request"][pages[0]])
    run.log(
        f"µs per request, in process (median of {figures['rounds']} rounds of "
        f"{figures['requests_per_round']}; a stopwatch adds {figures['stopwatch_overhead_us']} µs "
        "to each middleware row)"
    )
    run.log(f"{'':<{width}} " + " ".join(f"{page:>15}" for page in pages))
    for name in figures["us_per_request"][pages[0]]:
        values = " ".join(f"{figures['us_per_request'][page].get(name, ''):>15}" for page in pages)
        run.log(f"{name:<{width}} {values}")
    ratio = figures.get("healthz_vs_ceiling")
    if ratio:
        run.log(f"/healthz in process: the bare app's time / the project's = {ratio}")
    outside = figures.get("healthz_outside_the_view")
    if outside:
        run.log(
            f"/healthz outside the view (its two database round trips' waits move the ratio "
            f"above from run to run): the project {outside['project']} µs, the bare app "
            f"{outside['ceiling']} µs"
        )


def main():
    env = run.bench_env()
    # As semaine/wsgi.py sets it for the web processes: the same connection options.
    env.setdefault("READ_STATEMENT_TIMEOUT_MS", "2000")
    env.pop("CACHE_URL", None)
    if "--ceiling" in sys.argv:
        os.environ.update(env)
        django.setup()  # DJANGO_SETTINGS_MODULE: the bare app's, set by ceiling_profile
        profiler = Profiler()
        for _ in range(20):
            profiler.request("/healthz")
        runs = [profiler.round("/healthz", REQUESTS) for _ in range(ROUNDS)]
        print(
            json.dumps(
                {name: round(statistics.median(r[name] for r in runs), 1) for name in runs[0]}
            )
        )
        return
    ceiling = ceiling_profile(env)
    run.django_setup(env)
    figures = profile()
    figures["us_per_request"]["ceiling /healthz"] = ceiling
    healthz = figures["us_per_request"]["/healthz"]
    figures["healthz_vs_ceiling"] = round(
        ceiling["(whole request)"] / healthz["(whole request)"], 2
    )
    # What the stack, the signals and the handler cost, the view (and its database) left out.
    view = "(view, URL resolution included)"
    figures["healthz_outside_the_view"] = {
        "project": round(healthz["(whole request)"] - healthz[view], 1),
        "ceiling": round(ceiling["(whole request)"] - ceiling[view], 1),
    }
    run.OUT.mkdir(parents=True, exist_ok=True)
    (run.OUT / "middleware.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print_profile(figures)


if __name__ == "__main__":
    main()
