"""`make run` as a developer (or a process manager) uses it: started, stopped by SIGTERM or
SIGKILL at any moment, started again, and it serves, with no file to fix by hand.

The real command, on a throwaway data directory (VAR_DIR) and a free port: the developer's
own database in var/ is not touched.
"""

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.semaine.servers import ROOT, free_port, pg_ctl, wait_for

pytestmark = pytest.mark.slow


class MakeRun:
    def __init__(self, var_dir: Path, port: int, target: str = "run"):
        self.var_dir, self.port, self.target = var_dir, port, target
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST", "DJANGO", "DATABASE_"))
            and k not in ("XDG_RUNTIME_DIR", "DEBUG", "CACHE_URL")
        }
        self.env.update({"VAR_DIR": str(var_dir), "PORT": str(port), "LOG_LEVEL": "WARNING"})
        self.process = None

    def start(self):
        self.log = (self.var_dir / f"make-{time.monotonic_ns()}.log").open("w")
        # A session of its own, as in a terminal: Ctrl-C would reach this group only.
        self.process = subprocess.Popen(
            ["make", self.target],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def serves(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:  # noqa: S310
                return r.status == 200
        except OSError:
            return False

    def wait_serving(self):
        if not wait_for(self.serves, seconds=180):
            raise AssertionError(Path(self.log.name).read_text()[-3000:])

    def signal(self, signum):
        os.kill(self.process.pid, signum)
        self.process.wait(60)
        self.log.close()

    def leftovers(self) -> list[psutil.Process]:
        """Processes of this run still alive: the web server and the worker, whatever group."""
        here = str(ROOT)
        found = []
        for process in psutil.process_iter(["cmdline", "cwd", "environ"]):
            try:
                if (
                    process.info["cwd"] == here
                    and (process.info["environ"] or {}).get("VAR_DIR") == str(self.var_dir)
                    and "postgres" not in " ".join(process.info["cmdline"] or [])
                ):
                    found.append(process)
            except psutil.Error:
                continue
        return found


@pytest.fixture
def var_dir():
    # Short path: the embedded server's socket lives in its data directory.
    path = Path(f"/tmp/semr-{os.getpid()}")
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o755)
    yield path
    for process in MakeRun(path, 0).leftovers():
        process.kill()
    if (path / "postgres" / "postmaster.pid").exists():
        pg_ctl(path / "postgres", "-m", "immediate", "stop")
    shutil.rmtree(path, ignore_errors=True)


def test_make_run_starts_again_after_sigterm_or_sigkill_at_any_moment(var_dir):
    port = free_port()
    run = MakeRun(var_dir, port).start()
    run.wait_serving()
    web_and_worker = {" ".join(p.cmdline()) for p in run.leftovers()}
    assert any("runserver" in cmd for cmd in web_and_worker)
    assert any("procrastinate worker" in cmd for cmd in web_and_worker)

    # `kill` (SIGTERM) while serving: everything stops, nothing is left behind.
    run.signal(signal.SIGTERM)
    assert wait_for(lambda: run.leftovers() == [], seconds=40), run.leftovers()
    assert not run.serves()

    # Started again, then killed in the middle of its start (migrations, demo data).
    run = MakeRun(var_dir, port).start()
    time.sleep(2)
    run.signal(signal.SIGTERM)

    run = MakeRun(var_dir, port).start()
    run.wait_serving()
    # SIGKILL on make: its processes notice and stop; the next start serves.
    run.signal(signal.SIGKILL)
    assert wait_for(lambda: run.leftovers() == [], seconds=40), run.leftovers()

    run = MakeRun(var_dir, port).start()
    run.wait_serving()
    # SIGKILL on the whole group (make and the supervisor at once): whatever survives is
    # stopped by the next start, which serves.
    os.killpg(run.process.pid, signal.SIGKILL)
    run.process.wait(10)
    handles = var_dir / "postgres" / ".handle_pids.json"
    handles.write_text("")  # as a kill in the middle of its rewrite leaves it

    run = MakeRun(var_dir, port).start()
    run.wait_serving()
    run.signal(signal.SIGTERM)
    assert wait_for(lambda: run.leftovers() == [], seconds=40), run.leftovers()


def test_make_serve_starts_again_after_sigkill_and_stops_on_sigterm(var_dir):
    port = free_port()
    run = MakeRun(var_dir, port, target="serve")
    # Its static files in the throwaway directory, not in the checkout.
    run.env["STATIC_ROOT"] = str(var_dir / "static")
    run.start()
    run.wait_serving()
    commands = " ".join(" ".join(p.cmdline()) for p in run.leftovers())
    assert "gunicorn" in commands and "procrastinate worker" in commands
    run.signal(signal.SIGKILL)
    assert wait_for(lambda: run.leftovers() == [], seconds=60), run.leftovers()

    run.start()
    run.wait_serving()
    run.signal(signal.SIGTERM)
    assert wait_for(lambda: run.leftovers() == [], seconds=60), run.leftovers()
    assert not run.serves()
