import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")
# A web process: no public read runs a query for more than 2 s (semaine.middleware).
os.environ.setdefault("READ_STATEMENT_TIMEOUT_MS", "2000")
application = get_wsgi_application()
