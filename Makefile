# `make run` and `make test` are all a fresh clone needs; every other target is a step of theirs.
SHELL := /bin/bash
PY := .venv/bin/python
FLASK := .venv/bin/flask --app app
PYTEST_ARGS ?=

.PHONY: run dev test setup assets translations messages db lint bench clean

# The demo shows its development pages (/dev/sms and /dev/mail, for admins); DEV_PAGES=0 make run
# hides them. Without MAIL_SERVER (and MAIL_BACKEND) its emails are kept for /dev/mail, not sent.
DEMO_MAIL := $$([ -n "$${MAIL_SERVER:-}" ] && echo smtp || echo dev)

run: setup db
	DEV_PAGES=$${DEV_PAGES:-1} MAIL_BACKEND=$${MAIL_BACKEND:-$(DEMO_MAIL)} .venv/bin/honcho start -f Procfile

dev: setup db
	DEV_PAGES=$${DEV_PAGES:-1} MAIL_BACKEND=$${MAIL_BACKEND:-$(DEMO_MAIL)} $(FLASK) run --debug --port $${PORT:-5000}

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: .venv/.installed assets translations

.venv/.installed: requirements.txt
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

assets: static/vendor/.installed

# node_modules: what pages load (copied into static/vendor/) and what the tests use (axe-core).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.installed: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	touch $@

translations: .venv/.installed
	.venv/bin/pybabel compile -d translations

# Re-extract translatable strings after changing templates or code, then translate the .po files.
messages: .venv/.installed
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 --project=Jielong --version=1 -o translations/messages.pot --no-location --sort-output .
	.venv/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

db: setup
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

clean:
	rm -rf .venv node_modules static/vendor

bench: setup
	bench/run.sh
	$(PY) bench/ordering.py
	$(PY) bench/board.py
	$(PY) bench/duplicates.py --runs $${BENCH_RUNS:-2} --kills $${BENCH_KILLS:-5}
