"""gunicorn settings from the environment: used by `make serve`, `make bench`, the Dockerfile.

Graceful restarts: `kill -HUP <master>` re-reads this file and replaces the workers one by one
(running requests finish, within GUNICORN_GRACEFUL_TIMEOUT); `kill -TERM` stops the same way, as
a container platform does on a rolling deploy. `kill -USR2` then `-WINCH`/`-TERM` on the old
master upgrades the code with no dropped connection.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers, more than cores: a request spends much of its time waiting on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak can never take a worker down at peak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# The load balancers allowed to set X-Forwarded-Proto (comma-separated; "*" behind a private one).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Worker heartbeats in memory, not on a container's overlay disk (gunicorn's own advice).
if os.path.isdir("/dev/shm"):  # noqa: S108 - a tmpfs for gunicorn's own heartbeat files
    worker_tmp_dir = "/dev/shm"  # noqa: S108

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# The access log drops the visitor's position (« Autour de moi »: ?lat=&lon=).
logger_class = "semaine.logging.GunicornLogger"
# Text format (LOG_FORMAT=text); in JSON the same fields become keys (semaine.logging).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

_debug = os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
if os.environ.get("LOG_FORMAT", "text" if _debug else "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "semaine.logging.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["error_console"],
                "propagate": False,
            },
            # GUNICORN_ACCESS_LOG="" turns the access log off (benchmarks), in JSON too.
            "gunicorn.access": {
                "level": "INFO" if accesslog else "CRITICAL",
                "handlers": ["console"] if accesslog else [],
                "propagate": False,
            },
        },
    }

# The app is loaded once, then forked: less memory per worker.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
