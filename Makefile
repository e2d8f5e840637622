# Quick start: `make run` (serves the demo on http://127.0.0.1:$PORT, with a task worker) and
# `make test`. DATABASE_URL switches from the SQLite default to PostgreSQL.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/iecmhc_bench
TEST_SECRET := insecure-test-only-secret-key
# Test processes (pytest-xdist): `logical` is one per CPU; TEST_WORKERS=0 runs in one process.
# Work stealing: a process that runs out of tests takes half of another's (the suite's longest
# tests run first, tests/conftest.py), so both end together.
TEST_WORKERS ?= logical

.DEFAULT_GOAL := help
.PHONY: help venv venv-dev run worker serve test lint format check bench load clean messages compilemessages

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# Serving needs requirements.txt only; tests, lint and benchmarks requirements-dev.txt too.
$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed ## create .venv with what serving needs (requirements.txt)

venv-dev: $(VENV)/.installed-dev ## add the test, lint and benchmark tools (requirements-dev.txt)

.env: | $(VENV)/.installed
	@echo "Writing a development .env (DEBUG on, a fresh secret key)"
	@printf 'DJANGO_DEBUG=true\nDJANGO_SECRET_KEY=%s\n' \
		"$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

run: venv .env ## migrate, load the demo data, serve on 127.0.0.1:$PORT with a task worker
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --site-url http://127.0.0.1:$(PORT)
	@echo "Serving on http://127.0.0.1:$(PORT)/ (API docs at /api/docs/, admin at /admin/)"
	@# The worker (emails, periodic jobs) runs beside the server and stops with it (Ctrl+C).
	@export PORT=$(PORT); $(PY) manage.py run_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: venv .env ## run a task worker (emails, periodic jobs such as expiring offers)
	$(PY) manage.py run_worker

serve: venv ## production server: gunicorn + whitenoise on 127.0.0.1:$PORT, $WEB_CONCURRENCY workers
	$(PY) manage.py check --deploy
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py createcachetable
	PORT=$(PORT) $(VENV)/bin/gunicorn iecmhc.wsgi --config python:iecmhc.gunicorn_conf

# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: without it each test process
# compiles every module and pytest rewrites every test module again (~6 s a process).
test: venv-dev ## run the test suite on both cores (SQLite unless DATABASE_URL is set)
	PYTHONDONTWRITEBYTECODE= DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} \
		$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: venv-dev ## ruff check, ruff format --check, makemigrations --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} $(PY) manage.py makemigrations --check --dry-run

format: venv-dev ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: venv-dev ## benchmarks on PostgreSQL (BENCH_DATABASE_URL)
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) bench/directory.py
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) bench/consultations.py
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) bench/matching.py
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) bench/whatif.py --scale national

load: venv-dev ## load test of `make serve` on PostgreSQL (LOAD_ARGS="--duration 60 --users 50")
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) bench/load.py $(LOAD_ARGS)

# Translations (locale/, docs/translations.md). Both need GNU gettext (Debian: gettext). The
# compiled .mo files are committed, so running the site needs no gettext.
I18N_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=node_modules

messages: venv ## update the catalogues (locale/es, locale/hmn) from the marked strings
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} $(PY) manage.py makemessages \
		-l es -l hmn $(I18N_IGNORE) --add-location=file

compilemessages: venv ## compile the catalogues to the committed .mo files
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} $(PY) manage.py compilemessages $(I18N_IGNORE)

clean: ## remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles
