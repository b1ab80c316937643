# `make run` and `make test` are all a fresh clone needs; every other target is a step of theirs.
SHELL := /bin/bash
PY := .venv/bin/python
FLASK := .venv/bin/flask --app app
PYTEST_ARGS ?=
# The suite runs on two processes (one module stays on one process); PYTEST_WORKERS=0 for one.
PYTEST_WORKERS ?= 2
# `make setup` installs the dev lock (runtime, tests and tooling); PRODUCTION=1 the runtime lock only.
INSTALLED := .venv/.installed-$(if $(filter 1,$(PRODUCTION)),runtime,dev)

.PHONY: run dev test setup assets translations messages db lint imports lock bench profile clean

# The demo shows its development pages (/dev/sms and /dev/mail, for admins); DEV_PAGES=0 make run
# hides them. Without MAIL_SERVER (and MAIL_BACKEND) its emails are kept for /dev/mail, not sent.
DEMO_MAIL := $$([ -n "$${MAIL_SERVER:-}" ] && echo smtp || echo dev)

run: setup db
	DEV_PAGES=$${DEV_PAGES:-1} MAIL_BACKEND=$${MAIL_BACKEND:-$(DEMO_MAIL)} .venv/bin/honcho start -f Procfile

dev: setup db
	DEV_PAGES=$${DEV_PAGES:-1} MAIL_BACKEND=$${MAIL_BACKEND:-$(DEMO_MAIL)} $(FLASK) run --debug --port $${PORT:-5000}

test: setup imports
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

setup: $(INSTALLED) assets translations

# Installs a lock file exactly: every package pinned and checked against its hashes.
define install_lock
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --require-hashes -r $(1)
	touch $@
endef

.venv/.installed-runtime: requirements.txt
	$(call install_lock,$<)

.venv/.installed-dev: requirements-dev.txt
	$(call install_lock,$<)

# After editing requirements.in or requirements-dev.in: re-lock, keeping every other pin
# (LOCK_ARGS="--upgrade-package NAME" to move one package, "--upgrade" to move all).
lock: .venv/.installed-dev
	CUSTOM_COMPILE_COMMAND="make lock" .venv/bin/pip-compile --quiet $(LOCK_ARGS) requirements.in
	CUSTOM_COMPILE_COMMAND="make lock" .venv/bin/pip-compile --quiet $(LOCK_ARGS) requirements-dev.in

assets: static/vendor/.installed

# node_modules: what pages load (copied into static/vendor/) and what the tests use (axe-core).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.installed: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	touch $@

translations: $(INSTALLED)
	.venv/bin/pybabel compile -d translations

# Re-extract translatable strings after changing templates or code, then translate the .po files.
messages: .venv/.installed-dev
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 --project=Jielong --version=1 -o translations/messages.pot --no-location --sort-output .
	.venv/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

db: setup
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty

lint: setup imports
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# The layers and the domain packages' import contracts ([tool.importlinter] in pyproject.toml).
imports: .venv/.installed-dev
	.venv/bin/lint-imports --no-cache --no-logo

# Where an order submit's time goes: a flame graph (profile-submit.svg) and the top functions.
profile: setup
	$(PY) bench/profile_submit.py

clean:
	rm -rf .venv node_modules static/vendor

bench: setup
	bench/run.sh
	$(PY) bench/ordering.py
	$(PY) bench/submit.py
	$(PY) bench/sqlite_writers.py
	$(PY) bench/board.py
	$(PY) bench/backup.py
	$(PY) bench/chat_import_accuracy.py
	$(PY) bench/reports.py
	$(PY) bench/inventory.py
	$(PY) bench/duplicates.py --runs $${BENCH_RUNS:-2} --kills $${BENCH_KILLS:-5}
