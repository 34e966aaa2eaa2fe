# MIA developer commands. `make run` and `make test` need nothing but python3 on the machine:
# they install uv, build .venv from uv.lock, and (for tests) the Debian packages the tests drive.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
# One shell per recipe, so that variables and traps live across the lines of a recipe.
.ONESHELL:
.DEFAULT_GOAL := help

PY := .venv/bin/python
# The one Celery worker command: docker-compose.yml runs exactly this (tests/mia/test_deployment.py
# checks), so `make test` exercises the worker production runs.
CELERY_WORKER = celery -A mia worker --loglevel=INFO --concurrency=2
DEMO_PASSWORD := demo-mia-2026

.PHONY: help install system-packages run test quality fix bench messages

help:
	@echo "make run      install, migrate, load the demo data and serve http://127.0.0.1:8000"
	@echo "make test     run the tests (PostgreSQL + Redis + a live worker if DATABASE_URL/REDIS_URL are set)"
	@echo "make quality  ruff, djlint and the migrations check, as CI runs them"
	@echo "make fix      reformat Python and templates, apply safe lint fixes"
	@echo "make bench    page benchmarks (bench/pages.py)"
	@echo "make messages update the catalogues (locale/en; the slip's in locale/ro, locale/bg) after a change of French strings"

# Builds .venv from uv.lock with the dev group, for run and test alike: syncing without it would
# uninstall the test tools each time one switches between the two.
install:
	@uv="$$(command -v uv || true)"
	user_bin="$$(python3 -m site --user-base 2>/dev/null || echo "$$HOME/.local")/bin"
	if [ -z "$$uv" ] && [ -x "$$user_bin/uv" ]; then uv="$$user_bin/uv"; fi
	if [ -z "$$uv" ]; then
		echo "==> Installing uv (the Python package manager) with pip"
		# Debian's python3 refuses --user installs (PEP 668) unless told; ~/.local is ours anyway.
		python3 -m pip install --user --quiet uv \
			|| python3 -m pip install --user --quiet --break-system-packages uv \
			|| pip install --quiet uv \
			|| { echo "Could not install uv with pip; see https://docs.astral.sh/uv/getting-started/installation/" >&2; exit 1; }
		uv="$$(command -v uv || echo "$$user_bin/uv")"
	fi
	"$$uv" sync --frozen

# Chromium (Playwright journeys), pdftoppm (rendering the Préfecture PDF in tests), GNU
# gettext (the test that the English catalogue has every string) and redis-server (the tests
# of faults run and stop a Redis of their own, tests/redis_server.py).
system-packages:
	@if [ -x /usr/bin/chromium ] && command -v pdftoppm >/dev/null && command -v xgettext >/dev/null \
		&& command -v redis-server >/dev/null; then exit 0; fi
	if ! command -v apt-get >/dev/null; then
		echo "The tests need Chromium at /usr/bin/chromium, poppler's pdftoppm, gettext and redis-server; install them." >&2
		exit 1
	fi
	if [ "$$(id -u)" = 0 ]; then sudo=""
	elif command -v sudo >/dev/null; then sudo="sudo"
	else
		echo "Installing chromium, poppler-utils, gettext and redis-server needs root: run 'apt-get install chromium poppler-utils gettext redis-server' as root." >&2
		exit 1
	fi
	echo "==> Installing chromium, poppler-utils, gettext and redis-server"
	# Waits for another apt/dpkg run instead of failing on its lock.
	$$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends chromium poppler-utils gettext redis-server

run: install
	@$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --scale small --if-empty
	# With DEBUG on, WhiteNoise serves static files from the app folders; off, it needs STATIC_ROOT.
	if ! $(PY) manage.py shell --verbosity 0 -c 'from django.conf import settings; raise SystemExit(0 if settings.DEBUG else 1)'; then
		$(PY) manage.py collectstatic --noinput
	fi
	echo
	echo "  Demo accounts (password for all: $(DEMO_PASSWORD))"
	echo "    travailleur@demo.mia    social worker with a caseload"
	echo "    travailleur2@demo.mia   colleague in the same team"
	echo "    coordination@demo.mia   coordinator"
	echo "    partenaire@demo.mia     partner (organisation that received shares)"
	echo "    partenaire2@demo.mia    partner of another organisation"
	echo "    formateur@demo.mia      trainer of the French course provider (takes attendance)"
	echo "    direction@demo.mia      manager"
	echo "    admin@demo.mia          administrator"
	echo "    autre-asso@demo.mia     social worker of a second association"
	echo
	echo "  Open http://127.0.0.1:8000 (Ctrl-C to stop)"
	echo
	exec $(PY) manage.py runserver 127.0.0.1:8000

# Without REDIS_URL, tasks run in process (eager) and the tests use SQLite unless DATABASE_URL is
# set. With REDIS_URL, a real worker runs the tasks against the test database pytest-django
# creates, so the tests see what production does.
test: install system-packages
	@export DJANGO_ALLOW_ASYNC_UNSAFE=true  # the live server + Playwright tests run sync ORM calls
	if [ -z "$${REDIS_URL:-}" ]; then
		exec .venv/bin/pytest --create-db $(PYTEST_ARGS)
	fi
	case "$${DATABASE_URL:-}" in
		postgres://*|postgresql://*) ;;
		*) echo "REDIS_URL is set: the live worker needs a PostgreSQL DATABASE_URL to share the test database." >&2
		   exit 2 ;;
	esac
	# pytest-django creates test_<NAME>; the worker must read and write that database.
	test_db_url="$$($(PY) -c 'import os, urllib.parse as u; p = u.urlsplit(os.environ["DATABASE_URL"]); print(p._replace(path="/test_" + p.path.lstrip("/")).geturl())')"
	worker_log="$$(mktemp -t mia-worker.XXXXXX.log)"
	# A worker killed mid-task leaves unacknowledged messages; they must not run in this session.
	.venv/bin/celery -A mia purge -f >/dev/null
	echo "==> Starting a Celery worker (log: $$worker_log)"
	DATABASE_URL="$$test_db_url" setsid .venv/bin/$(CELERY_WORKER) >"$$worker_log" 2>&1 &
	worker=$$!
	stop_worker() {
		kill -TERM "$$worker" 2>/dev/null || return 0
		for _ in $$(seq 30); do kill -0 "$$worker" 2>/dev/null || return 0; sleep 0.5; done
		kill -KILL -- "-$$worker" 2>/dev/null || true
	}
	trap stop_worker EXIT
	for attempt in $$(seq 60); do
		if ! kill -0 "$$worker" 2>/dev/null; then
			echo "The Celery worker exited; its log:" >&2; cat "$$worker_log" >&2; exit 1
		fi
		if .venv/bin/celery -A mia inspect ping --timeout 1 -d "celery@$$(uname -n)" >/dev/null 2>&1; then break; fi
		if [ "$$attempt" = 60 ]; then echo "The Celery worker did not answer ping." >&2; tail -50 "$$worker_log" >&2; exit 1; fi
		sleep 1
	done
	export MIA_LIVE_WORKER=1
	# --reuse-db keeps the test database at the end: the worker may still hold a connection to it,
	# which would make DROP DATABASE fail; --create-db still starts every run from scratch.
	status=0
	.venv/bin/pytest --create-db --reuse-db $(PYTEST_ARGS) || status=$$?
	if [ "$$status" != 0 ]; then echo "==> Last lines of the worker log:"; tail -30 "$$worker_log"
	else rm -f "$$worker_log"; fi
	exit "$$status"

quality: install
	@.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/djlint templates --lint
	.venv/bin/djlint templates --check
	$(PY) manage.py makemigrations --check --dry-run

fix: install
	@.venv/bin/ruff format .
	.venv/bin/ruff check --fix .
	.venv/bin/djlint templates --reformat

# e.g. make bench BENCH_ARGS="--requests 100"
bench: install
	@$(PY) bench/pages.py $(BENCH_ARGS)

# French strings are the message ids; locale/en/LC_MESSAGES/django.po gets the new ones (to
# translate, see README), loses the unused ones, and is compiled to the .mo Django reads.
# Romanian and Bulgarian hold the appointment slip's strings only (context "fiche", see
# accompaniment/appointments.py): extracted like the others, then filtered back to those.
messages: install
	@$(PY) manage.py makemessages -l en --no-obsolete --ignore=tests --ignore=bench
	$(PY) manage.py makemessages -l ro -l bg --no-obsolete --ignore=tests --ignore=bench
	for lang in ro bg; do
		po="locale/$$lang/LC_MESSAGES/django.po"
		msggrep --msgctxt --regexp='^fiche$$' "$$po" --output-file="$$po.fiche"
		mv "$$po.fiche" "$$po"
	done
	# French is the source language: its catalogue only gives Django the French plural rule
	# ("0 personne", "1 personne", "2 personnes"); each entry is its own message id (msgen), made
	# afresh each time so that no entry is ever matched to a stale one.
	rm -f locale/fr/LC_MESSAGES/django.po
	$(PY) manage.py makemessages -l fr --no-obsolete --ignore=tests --ignore=bench
	msgen --force-po locale/fr/LC_MESSAGES/django.po --output-file=locale/fr/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages -l en -l fr -l ro -l bg --ignore=.venv
