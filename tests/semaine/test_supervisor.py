"""semaine/supervisor.py with plain commands: who is started again, who stops everything.
(`test_make_run.py` drives it through `make run` and `make serve` with signals.)"""

import os
import signal
import subprocess
import sys
import time

import psutil

from tests.semaine.servers import ROOT, wait_for


def supervise(tmp_path, *commands, startup_seconds=10):
    argv = ["--"]
    for command in commands:
        argv += [*command, "--"]
    code = (
        "import sys, pathlib, semaine.supervisor as s; "
        f"s.STARTUP_SECONDS = {startup_seconds}; "
        "sys.exit(s.run('t', s._parse(['t', *sys.argv[2:]])[1], pathlib.Path(sys.argv[1])))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path), *argv[:-1]],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_command_failing_at_its_first_start_stops_everything(tmp_path):
    marker = tmp_path / "long"
    # A duration no other process of the machine sleeps (a `sleep 60` of a shell nearby).
    sleep = f"sleep 60.{os.getpid()}"
    process = supervise(tmp_path, ["sh", "-c", "exit 3"], ["sh", "-c", f"touch {marker}; {sleep}"])
    process.wait(30)
    assert process.returncode == 3
    assert "failed to start: stopping" in process.stderr.read()
    assert not [
        p for p in psutil.process_iter(["cmdline"]) if sleep in " ".join(p.info["cmdline"] or [])
    ]


def test_a_command_dying_after_it_got_going_is_started_again_the_others_go_on(tmp_path):
    starts = tmp_path / "starts"
    other = tmp_path / "other"
    process = supervise(
        tmp_path,
        ["sh", "-c", f"echo x >> {starts}; sleep 0.5; exit 1"],
        ["sh", "-c", f"echo x >> {other}; sleep 60"],
        startup_seconds=0.2,
    )
    try:
        assert wait_for(lambda: starts.exists() and len(starts.read_text().split()) >= 3, 30)
        assert other.read_text().split() == ["x"]  # started once, never disturbed
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(30)
    assert process.returncode == 128 + signal.SIGTERM
    assert "restarting in" in process.stderr.read()
    time.sleep(0.5)
    assert not (tmp_path / "run" / "t.pids").exists()
