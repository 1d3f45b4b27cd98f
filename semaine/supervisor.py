"""Run the site's processes together, for `make run` and `make serve`: the web server and a task
queue worker, started by one command and stopped together.

    python -m semaine.supervisor NAME -- COMMAND... -- COMMAND...

- Ctrl-C, SIGTERM (`kill`, a process manager, `timeout`) or SIGHUP (a closed terminal) stops
  every command with one SIGTERM each, waits for them (a worker finishes the e-mail it is
  sending), then exits.
- A command that dies after it got going (a worker whose database went away) is started again,
  with back-off; one that fails at its first start (a port taken) stops everything, saying so.
- `make` killed with SIGKILL: this process notices that its parent is gone and stops the
  commands. This process killed with SIGKILL: the commands get SIGTERM from the kernel
  (PR_SET_PDEATHSIG), and whatever still survives (runserver's reloader child) is stopped by
  the next start, from the process groups recorded in `var/run/NAME.pids`.

Each command runs in a process group of its own, so that the terminal's Ctrl-C reaches this
process only and each command is signalled once (a worker signalled twice would abandon its
jobs), and so that a command's own children (runserver's reloader) are stopped with it.
"""

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# A worker waits for the e-mails it is sending (EMAIL_TIMEOUT is 30 s at most).
GRACE_SECONDS = 35
# A command that dies sooner after its first start is misconfigured: everything stops. Later,
# it is started again, after 2 s, 4 s… at most MAX_BACKOFF_SECONDS.
STARTUP_SECONDS = 10
MAX_BACKOFF_SECONDS = 30
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _parse(argv: list[str]) -> tuple[str, list[list[str]]]:
    if len(argv) < 3 or argv[1] != "--":
        raise SystemExit(__doc__)
    name, commands, current = argv[0], [], []
    for arg in argv[2:]:
        if arg == "--":
            commands.append(current)
            current = []
        else:
            current.append(arg)
    commands.append(current)
    if not all(commands):
        raise SystemExit("an empty command between two --")
    return name, commands


def _ours(pgid: int) -> list[psutil.Process]:
    """The live processes of process group `pgid` that run from this checkout."""
    here = str(Path.cwd())
    found = []
    for process in psutil.process_iter(["pid", "cwd"]):
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(process.pid) == pgid and process.info["cwd"] == here:
                found.append(process)
    return found


def stop_leftovers(state: Path) -> None:
    """Stop what a previous run killed with SIGKILL left behind (a server holding the port)."""
    try:
        groups = json.loads(state.read_text())["groups"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    for pgid in groups if isinstance(groups, list) else []:
        if not isinstance(pgid, int):
            continue
        leftovers = _ours(pgid)
        for process in leftovers:
            with contextlib.suppress(psutil.Error):
                process.terminate()
        _, alive = psutil.wait_procs(leftovers, timeout=10)
        for process in alive:
            with contextlib.suppress(psutil.Error):
                process.kill()
        if leftovers:
            print(f"stopped {len(leftovers)} process(es) left by a previous run", file=sys.stderr)
    state.unlink(missing_ok=True)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signum)


def stop(children: list[subprocess.Popen], grace: float = GRACE_SECONDS) -> None:
    for child in children:
        if child.poll() is None:
            _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)
            child.wait()
    # runserver's reloader child may outlive its parent for a moment: the group goes too.
    for child in children:
        _signal_group(child, signal.SIGKILL)


class _Command:
    """One command, started (and started again) in a process group of its own."""

    def __init__(self, argv: list[str]):
        self.argv, self.label = argv, " ".join(argv[:4])
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.runs = 0
        self.backoff = 1.0
        self.restart_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, process_group=0, preexec_fn=_die_with_parent)  # noqa: S603
        self.started, self.runs, self.restart_at = time.monotonic(), self.runs + 1, None

    def check(self) -> int | None:
        """None while all is well (running, or waiting to start again); the exit code when it
        failed at its first start."""
        if self.restart_at is not None:
            if time.monotonic() >= self.restart_at:
                self.start()
            return None
        if self.process.poll() is None:
            return None
        ran = time.monotonic() - self.started
        if self.runs == 1 and ran < STARTUP_SECONDS:
            print(f"{self.label} failed to start: stopping", file=sys.stderr)
            return self.process.returncode or 1
        # It ran, then died (its database away, a crash): started again, the others go on.
        self.backoff = (
            2.0 if ran > MAX_BACKOFF_SECONDS else min(2 * self.backoff, MAX_BACKOFF_SECONDS)
        )
        print(
            f"{self.label} exited ({self.process.returncode}): restarting in {self.backoff:.0f} s",
            file=sys.stderr,
        )
        self.restart_at = time.monotonic() + self.backoff
        return None


def run(name: str, argvs: list[list[str]], var_dir: Path) -> int:
    state = var_dir / "run" / f"{name}.pids"
    state.parent.mkdir(parents=True, exist_ok=True)
    stop_leftovers(state)

    received: list[int] = []

    def on_signal(signum, frame):
        received.append(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, on_signal)
    parent = os.getppid()
    commands = [_Command(argv) for argv in argvs]
    groups: list[int] = []
    failed = None
    try:
        for command in commands:
            command.start()
        while not received and failed is None:
            if os.getppid() != parent:
                print("parent process gone: stopping", file=sys.stderr)
                break
            for command in commands:
                failed = failed or command.check()
            # Every group ever started, for the next start to clean up after a SIGKILL.
            now = sorted({*groups, *(c.process.pid for c in commands)})
            if now != groups:
                groups = now
                state.write_text(json.dumps({"groups": groups}))
            time.sleep(0.2)
    finally:
        stop([command.process for command in commands if command.process])
        state.unlink(missing_ok=True)
    if received:
        return 128 + received[0]
    return failed or 0


def main() -> None:
    name, commands = _parse(sys.argv[1:])
    var_dir = Path(os.environ.get("VAR_DIR") or Path.cwd() / "var")
    sys.exit(run(name, commands, var_dir))


if __name__ == "__main__":
    main()
