"""Exports benchmark: time and peak memory of each export format for N events.

Each format runs in a fresh subprocess, so its peak RSS (resource.getrusage ru_maxrss) is the
whole process's: Python, Django, the database driver and the export. A small run is printed
beside the large one: with streaming, the peak should barely move between them.

Environment: BENCH_EVENTS (100000 events exported), BENCH_EVENTS_SMALL (1000),
BENCH_FORMATS (csv,xlsx,ics,json). The database is make bench's (bench/run.py's bench_env):
it is migrated and seeded with seed_demo when it has fewer events than asked for.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

EVENTS = int(os.environ.get("BENCH_EVENTS", "100000"))
SMALL = int(os.environ.get("BENCH_EVENTS_SMALL", "1000"))
FORMATS = os.environ.get("BENCH_FORMATS", "csv,xlsx,ics,json").split(",")
# The targets for 100,000 events.
CSV_SECONDS_TARGET = 5.0
RSS_MB_TARGET = 150.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def selection(size: int):
    """The first `size` events of the listing's order (past ones included), as exports select
    them: the listing's filter with `passes=1`, bounded by the last row wanted."""
    from django.db.models import Q
    from django.http import QueryDict

    from events.exports.selection import export_queryset
    from events.filters import EventFilter
    from events.models import Event

    everything = EventFilter(QueryDict("passes=1")).qs.order_by("start", "id")
    last = everything.values_list("start", "pk")[size - 1 : size].first()
    bounded = Event.objects.public()
    if last is not None:
        bounded = bounded.filter(Q(start__lt=last[0]) | Q(start=last[0], pk__lte=last[1]))
    return export_queryset(EventFilter(QueryDict("passes=1"), queryset=bounded))


def run_one(fmt: str, size: int) -> dict:
    """In the child process: export `size` events as `fmt`, writing the bytes nowhere."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from events.exports import writers as exports

    queryset = selection(size)
    rows = queryset.count()
    baseline = peak_rss_mb()
    cpu = cpu_seconds()
    started = time.perf_counter()
    written = 0
    if fmt == "xlsx":
        with exports.xlsx_file(queryset) as output:
            while block := output.read(1 << 16):
                written += len(block)
    else:
        stream = {
            "csv": exports.csv_stream,
            "ics": lambda qs: exports.ics_stream(qs, name="Benchmark"),
            "json": exports.json_stream,
        }[fmt](queryset)
        for chunk in stream:
            written += len(chunk)
    seconds = time.perf_counter() - started
    return {
        "format": fmt,
        "rows": rows,
        "bytes": written,
        "seconds": round(seconds, 2),
        # Python's share; the rest of the wall time is the database (or a busy machine).
        "cpu_seconds": round(cpu_seconds() - cpu, 2),
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def ensure_data(env) -> None:
    from run import manage

    manage(env, "migrate", "--noinput", capture=True)
    count = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from events.models import Event; print(Event.objects.public().count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    if int(count) < EVENTS:
        print(f"seeding {EVENTS} events (there are {count})…", flush=True)
        # The archive share and drafts of the demo data: ask for a little more than needed.
        manage(env, "seed_demo", "--size", str(int(EVENTS * 1.1)), "--offers", "1000")


def main() -> int:
    from run import bench_env

    env = bench_env()
    ensure_data(env)
    results = []
    for size in (SMALL, EVENTS):
        for fmt in FORMATS:
            child = subprocess.run(
                [sys.executable, __file__, "--one", fmt, str(size)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(
                f"{r['format']:>5} {r['rows']:>8} events  {r['seconds']:>7.2f} s "
                f"({r['cpu_seconds']:.2f} s CPU)  "
                f"{r['bytes'] / 1e6:>8.1f} MB written  peak RSS {r['peak_rss_mb']:>6.1f} MB "
                f"(of which {r['baseline_rss_mb']:.1f} MB before the export)",
                flush=True,
            )
    large = [r for r in results if r["rows"] >= min(EVENTS, max(x["rows"] for x in results))]
    failed = [
        f"{r['format']}: peak RSS {r['peak_rss_mb']} MB > {RSS_MB_TARGET} MB"
        for r in large
        if r["peak_rss_mb"] > RSS_MB_TARGET
    ] + [
        f"csv: {r['seconds']} s > {CSV_SECONDS_TARGET} s"
        for r in large
        if r["format"] == "csv" and r["seconds"] > CSV_SECONDS_TARGET
    ]
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "exports.json").write_text(json.dumps(results, indent=2))
    print("targets: " + ("met" if not failed else "MISSED — " + "; ".join(failed)))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(run_one(sys.argv[2], int(sys.argv[3]))))
    else:
        sys.exit(main())
