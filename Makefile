# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Exported: the site's absolute links (SITE_URL, when unset) follow the port served on, in the
# web server and in the worker that writes the e-mails alike.
export PORT
export DEBUG ?= 1

.PHONY: install db run serve test lint format bench bench-scale bench-programme bench-writes bench-alerts vnu loadtest backup restore

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

# Migrates, then loads the demo data only when missing (seed_demo is idempotent).
db: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

# The web server and a task queue worker (e-mails, reminders, purge), stopped together by one
# Ctrl-C or `kill` (semaine/supervisor.py).
run: db
	exec $(PY) -m semaine.supervisor run -- $(PY) manage.py runserver 127.0.0.1:$(PORT) \
	  -- $(PY) manage.py procrastinate worker

# Production-like: gunicorn, DEBUG off, whitenoise serving the collected static files; a worker.
SERVE_ENV = DEBUG=0 EMBEDDED_DATABASE=1 SECRET_KEY=$${SECRET_KEY:-local-serve-$$(hostname)-not-for-production-use-0000}
serve: db
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} \
	  ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} PORT=$(PORT) \
	  exec $(PY) -m semaine.supervisor serve -- $(VENV)/bin/gunicorn semaine.wsgi -c gunicorn.conf.py \
	  -- $(PY) manage.py procrastinate worker

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The Nu HTML Checker of the browser tests (run with Java), kept out of git under var/.
VNU_JAR := var/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR):
	@if command -v npm >/dev/null; then npm install --prefix var --no-audit --no-fund --silent vnu-jar; \
	  else echo "npm not found: the HTML validation test will be skipped (failed under CI=true)"; fi

vnu: $(VNU_JAR)

test: lint vnu
	$(VENV)/bin/pytest

# Known vulnerabilities in the installed dependencies (pip-audit; needs pypi.org or osv.dev).
# Run by .ci/run after the tests; an unreachable advisory database is a failure, not a pass.
audit: install
	VENV=$(VENV) .ci/audit

# Benchmarks, separate from the tests: large dataset, gunicorn as in production, wrk.
bench: install
	command -v wrk >/dev/null && command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  apt-get install -y -qq wrk redis-server >/dev/null; }
	$(PY) bench/run.py

# One gunicorn instance, then two sharing the database and Redis (after `make bench`).
bench-scale: install
	$(PY) bench/scale.py

# The time a web worker takes to build the programme's PDF poster of 200 events.
bench-programme: install
	$(PY) bench/programme_pdf.py

# What the facet summaries' triggers cost a registration and a 1,000-row import (after `make bench`).
bench-writes: install
	$(PY) bench/write_cost.py

# The daily « Prévenez-moi » digest of 100,000 alerts (after `make bench`), rolled back.
bench-alerts: install
	$(PY) bench/alert_digest.py

# 60 s at 64 connections mixing pages, exports and registrations; checks the seat counts after.
loadtest: install
	command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq redis-server >/dev/null; } || true
	$(PY) bench/loadtest.py

# pg_dump (custom format) of DATABASE_URL or the embedded database, into var/backups/.
backup: install
	$(PY) manage.py backup

# make restore DUMP=var/backups/semaine-….dump [INTO=new_database_name]
restore: install
	@test -n "$(DUMP)" || { echo "usage: make restore DUMP=file.dump [INTO=new_database]"; exit 2; }
	$(PY) manage.py restore "$(DUMP)" $(if $(INTO),--into "$(INTO)")
