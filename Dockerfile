# Production image: gunicorn behind any load balancer, whitenoise for static files.
#   docker build -t semaine .
#   docker run --rm --env-file prod.env semaine python manage.py migrate --noinput   # once per release
#   docker run -d -p 8000:8000 --env-file prod.env semaine                           # web: any number
#   docker run -d --env-file prod.env --no-healthcheck --restart unless-stopped semaine \
#     python manage.py procrastinate worker                                           # task workers
# The same image runs either role: the web (the default command, gunicorn) or a task queue worker
# (e-mails, reminders, purge; docs/deploy.md says how many). The HEALTHCHECK below probes the web
# role; a worker's probe is `python manage.py procrastinate healthchecks` (docs/deploy.md).
# Configuration: environment variables only (docs/deploy.md lists them).

# --- build stage: the dependencies in a virtualenv (no dev dependencies, no compiler left behind)
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml ./
RUN pip install --no-cache-dir .

# --- runtime stage
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
RUN useradd --system --uid 10001 --no-create-home --home-dir /app semaine
# WeasyPrint (the programme's poster, the attendance sheets) lays text out with Pango and needs
# a font. Debian's security updates, not a pinned version, keep these current: no version pins.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Owned by root, read-only for the app's user: a compromised process cannot rewrite the code.
COPY . .
# collectstatic needs settings, not a database: a throwaway key and a dummy URL suffice here
# (tests/semaine/test_dockerfile.py runs this very command).
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-real-secret-key-000000 \
    DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput --verbosity 0
USER 10001

EXPOSE 8000
ENV GUNICORN_BIND=0.0.0.0:8000 LOG_FORMAT=json
# Liveness for Docker and orchestrators; load balancers should use /readyz (database and cache).
# The probe names the site's first ALLOWED_HOSTS entry, as Django refuses unknown hosts.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.').replace('*', 'localhost'); u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=4)"]
# Graceful stop: gunicorn finishes running requests on SIGTERM (GUNICORN_GRACEFUL_TIMEOUT), a
# worker the jobs it is running (give it `docker stop -t 40`: an e-mail waits 30 s at most).
STOPSIGNAL SIGTERM
CMD ["gunicorn", "semaine.wsgi", "-c", "gunicorn.conf.py"]
