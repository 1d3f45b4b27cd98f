"""Programme poster benchmark: the time to build the A4 PDF of N events (WeasyPrint), in process.

The PDF of a programme is built in the web worker that serves /evenements/programme.pdf (then
cached under the data versions it reads): this measures how long a worker is held for the
largest poster allowed. Environment: BENCH_PROGRAMME_EVENTS (200; the page refuses more than
events.exports.programme.MAX_EVENTS), BENCH_REPEAT (3). The database is make bench's
(bench/run.py's bench_env), seeded with seed_demo when it has too few events.
Writes var/bench/programme.json.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

EVENTS = int(os.environ.get("BENCH_PROGRAMME_EVENTS", "200"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def ensure_events(env, count: int) -> None:
    from run import manage

    manage(env, "migrate", "--noinput", capture=True)
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from events.models import Event; "
         "print(Event.objects.public().count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()[-1]  # fmt: skip
    if int(out) < count:
        print(f"seeding {count * 2} events (there are {out})…", flush=True)
        manage(env, "seed_demo", "--size", str(count * 2), "--offers", "100")


def main():
    from run import bench_env, django_setup

    env = bench_env()
    ensure_events(env, EVENTS)
    django_setup(env)
    from django.db.models import Q
    from django.http import QueryDict

    from events.exports import programme as programmes
    from events.exports import selection
    from events.filters import EventFilter
    from events.models import Event

    # The first N events (every edition, past ones included) in the order of the programme.
    everything = EventFilter(QueryDict("passes=1")).qs.order_by("start", "id")
    last = everything.values_list("start", "pk")[EVENTS - 1 : EVENTS].first()
    bounded = Event.objects.public().filter(
        Q(start__lt=last[0]) | Q(start=last[0], pk__lte=last[1])
    )
    filterset = EventFilter(QueryDict("passes=1"), queryset=bounded)
    links = selection.selection_links("passes=1")
    timings, size = [], 0
    for _ in range(REPEAT):
        started = time.perf_counter()
        built = programmes.programme_build(filterset=filterset, limit=EVENTS)
        pdf = programmes.programme_pdf(
            context={"programme": built, "absolute_links": links, "site_url": ""}
        )
        timings.append(time.perf_counter() - started)
        size = len(pdf)
    report = {
        "events": built.count,
        "days": len(built.days),
        "pdf_bytes": size,
        "seconds_min": round(min(timings), 2),
        "seconds_median": round(statistics.median(timings), 2),
    }
    print(
        f"programme PDF of {report['events']} events over {report['days']} days: "
        f"{report['seconds_median']} s (median of {REPEAT}; best {report['seconds_min']} s), "
        f"{size / 1024:.0f} KB"
    )
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "programme.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
