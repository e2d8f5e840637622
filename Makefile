# Quick start: `make run` (serves the demo on http://127.0.0.1:$PORT) and `make test`.
# DATABASE_URL switches from the SQLite default to PostgreSQL.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/iecmhc_bench
TEST_SECRET := insecure-test-only-secret-key

.DEFAULT_GOAL := help
.PHONY: help venv run serve test lint format check bench load clean messages compilemessages

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed ## create .venv with the pinned requirements

.env: | $(VENV)/.installed
	@echo "Writing a development .env (DEBUG on, a fresh secret key)"
	@printf 'DJANGO_DEBUG=true\nDJANGO_SECRET_KEY=%s\n' \
		"$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

run: venv .env ## migrate, load the demo data and serve on 127.0.0.1:$PORT
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo --site-url http://127.0.0.1:$(PORT)
	@echo "Serving on http://127.0.0.1:$(PORT)/ (API docs at /api/docs/, admin at /admin/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: venv ## production server: gunicorn + whitenoise on 127.0.0.1:$PORT, $WEB_CONCURRENCY workers
	$(PY) manage.py check --deploy
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py createcachetable
	PORT=$(PORT) $(VENV)/bin/gunicorn iecmhc.wsgi --config python:iecmhc.gunicorn_conf

test: venv ## run the test suite (SQLite unless DATABASE_URL is set)
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} $(PY) -m pytest $(PYTEST_ARGS)

lint: venv ## ruff check, ruff format --check, makemigrations --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} $(PY) manage.py makemigrations --check --dry-run

format: venv ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: venv ## benchmarks on PostgreSQL (BENCH_DATABASE_URL)
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) bench/directory.py
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) bench/consultations.py
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET)} DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) bench/matching.py

load: venv ## load test of `make serve` on PostgreSQL (LOAD_ARGS="--duration 60 --users 50")
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
