import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")
# A web process: no public read runs a query for more than 2 s (semaine.middleware).
os.environ.setdefault("READ_STATEMENT_TIMEOUT_MS", "2000")
application = get_wsgi_application()

# gunicorn loads this module once and forks its workers from it (preload_app): the URLconf and
# every view it imports are loaded here, once, rather than by each worker's first request, in
# every worker again after each of its max_requests restarts (180 ms of CPU each time, against
# 15 ms left: the database connection).
# It opens no database connection, which every worker would share (a test checks it).
get_resolver().url_patterns  # noqa: B018 - the import is the point
