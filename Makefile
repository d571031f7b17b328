# The two commands of the README: `make run` and `make test`. Everything else helps them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# DATABASE_URL when set; otherwise the project-local PostgreSQL, started when needed.
DB := export DATABASE_URL="$$($(PY) -m crm.devdb url)";
DEV := export DJANGO_DEBUG=true;

.PHONY: help install run test prod-check screenshots db-stop lint format messages vendor bench-card bench-search bench-export bench-duplicates bench-import seed-million check load

help:
	@echo "make run      install, database, migrate, demo data, serve on http://127.0.0.1:8000"
	@echo "make test     install, database, the whole test suite (browser tests included)"
	@echo "make prod-check  the production path: pip install ., collectstatic, migrate, gunicorn, a login"
	@echo "make db-stop  stop the project-local PostgreSQL"
	@echo "make lint | format | messages | vendor | bench-card | bench-search | bench-export | bench-duplicates | bench-import"
	@echo "make load     gunicorn on the million-contact database, locust at 25-150 requests/s (JSON lines; LOAD_ARGS=...)"

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	@$(DB) $(DEV) \
	$(PY) manage.py migrate --no-input && \
	$(PY) manage.py seed_demo && \
	echo "Serving on http://127.0.0.1:8000 (Ctrl+C stops; 'make db-stop' stops the database)" && \
	$(PY) manage.py runserver 127.0.0.1:8000

# What the suite drives besides Python (Chromium, Dovecot, gettext) is installed first, or
# named, before any test runs.
test: install
	@scripts/test-deps.sh
	@$(DB) \
	$(PY) -m pytest $(PYTEST_ARGS)

# The Dockerfile's steps without Docker, then a login over HTTP (scripts/prod-check.sh).
prod-check: install
	@$(DB) scripts/prod-check.sh

db-stop: install
	$(PY) -m crm.devdb stop

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract and compile translations. The .mo files are committed, so a fresh clone shows
# Norwegian without gettext installed.
messages: install
	@$(DB) $(DEV) \
	$(PY) manage.py makemessages --locale nb --locale en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete && \
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

vendor:
	scripts/vendor.sh

check: install
	@$(DB) $(DEV) $(PY) manage.py makemigrations --check --dry-run && $(PY) manage.py check

# README screenshots from the demo data (run `make run` once first): docs/screenshots/.
screenshots: install
	@$(DB) $(PY) scripts/screenshots.py

bench-card: install
	@$(DB) $(PY) benchmarks/card.py

bench-search: install
	@$(DB) $(PY) benchmarks/search.py

# An open-model load test on loopback (benchmarks/load.py, benchmarks/locustfile.py):
# e.g. LOAD_ARGS="--login-storm 50" or "--worker-class gthread --workers 3 --threads 4".
load: install
	@$(DB) $(PY) benchmarks/load.py $(LOAD_ARGS)

# Streams the CSV and vCard export of 1,000,000 contacts three times each (seeded once).
bench-export: install
	@$(DB) $(PY) benchmarks/export_bench.py

# The lookalike checks of «Ny kontakt»/«Ny kunde» on a million contacts (issue 18: ≤ 50 ms).
bench-duplicates: install
	@$(DB) $(PY) benchmarks/duplicates_bench.py


# Imports 100,000 contacts, 20,000 companies and 100,000 links from a generated CSV.
bench-import: install
	@$(DB) $(PY) benchmarks/import_bench.py
