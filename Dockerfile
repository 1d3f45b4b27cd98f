# Production image: gunicorn behind any load balancer, whitenoise for static files.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml ./
RUN pip install --no-cache-dir .

COPY . .
# collectstatic needs settings, not a database: a throwaway key and a dummy URL suffice here.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-real-secret-key-000000 \
    DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 --home /app semaine \
 && chown -R semaine /app
USER semaine

EXPOSE 8000
# Configure with DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, ... (see README).
# Migrations are a separate step: docker run IMAGE python manage.py migrate
ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["gunicorn", "semaine.wsgi", "-c", "gunicorn.conf.py"]
