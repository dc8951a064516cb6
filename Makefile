# Carejourney. Two commands matter: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
STATIC := app/static
IS_ROOT_DEBIAN := $(shell [ "$$(id -u)" = 0 ] && [ -f /etc/debian_version ] && echo yes)

.PHONY: run test system-deps test-system-deps venv assets db demo lint unit check-tools serve clean

run: system-deps venv assets db demo serve

test: system-deps test-system-deps venv assets lint
	TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$$DATABASE_URL}" $(BIN)/python -m pytest

# Debian packages the app needs to build and run: Python venv, Node and npm for the assets,
# Pango and DejaVu fonts for WeasyPrint (posters and PDF reports), Chromium for kaleido (the
# report's charts as SVG).
system-deps:
	@missing=""; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	ldconfig -p | grep -q 'libpangoft2-1.0.so' || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT_DEBIAN)" = yes ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing (Debian: sudo apt-get install$$missing)"; exit 1; fi; \
	fi

# Tests also need PostgreSQL (the production database) and pdftoppm (poppler-utils: the
# printed forms' QR codes are scanned from a picture of the PDF).
test-system-deps:
	@missing=""; \
	command -v pg_ctlcluster >/dev/null || missing="$$missing postgresql"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT_DEBIAN)" = yes ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing (Debian: sudo apt-get install$$missing)"; exit 1; fi; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test,bench]'
	touch $@

# NHS.UK frontend from npm, built and copied into our own static files (no CDN).
assets: $(STATIC)/css/carejourney.css $(STATIC)/nhsuk/nhsuk-frontend.min.js

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STATIC)/nhsuk/nhsuk-frontend.min.js: node_modules/.package-lock.json
	mkdir -p $(STATIC)/nhsuk
	cp $(NHSUK)/nhsuk-frontend.min.js $(STATIC)/nhsuk/
	cp -r $(NHSUK)/assets/* $(STATIC)/nhsuk/

$(STATIC)/css/carejourney.css: node_modules/.package-lock.json app/assets/carejourney.scss
	mkdir -p $(STATIC)/css
	npx sass --style=compressed --no-source-map --quiet --load-path=node_modules app/assets/carejourney.scss $@

db: venv
	$(FLASK) db upgrade

demo: venv
	$(FLASK) demo --if-empty
	$(FLASK) demo-users

serve:
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --threads 4 --access-logfile - wsgi:app

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules $(STATIC)/css $(STATIC)/nhsuk
