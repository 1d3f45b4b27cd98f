"""`gunicorn bench.ceiling.wsgi -c gunicorn.conf.py`, from the project's root."""

import os

from django.core.wsgi import get_wsgi_application

# Never the project's settings, even if the environment names them: this app is the bare one.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.ceiling.settings"
application = get_wsgi_application()
