"""The bare app's settings: the project's database settings and nothing else (no app, no
middleware, no template). Served by gunicorn with the project's gunicorn.conf.py."""

import os

# As semaine/wsgi.py sets it for the project's web processes: the same connection options.
os.environ.setdefault("READ_STATEMENT_TIMEOUT_MS", "2000")

from semaine import settings as project  # noqa: E402 - reads the variable set above

DEBUG = False
SECRET_KEY = project.SECRET_KEY
ALLOWED_HOSTS = project.ALLOWED_HOSTS
DATABASES = project.DATABASES
TIME_ZONE = project.TIME_ZONE
USE_TZ = True
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.ceiling.urls"
