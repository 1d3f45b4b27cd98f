"""Real servers for the scale-out tests: gunicorn instances, a throwaway Redis, and a browsing
client that keeps its cookies and fills the CSRF token like a browser."""

import contextlib
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

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
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "REGISTRATION_RATE_LIMIT": "0",
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
