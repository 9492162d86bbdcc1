# spapi-auth: `make run` serves the app with the Amazon simulator; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
STAMP := $(VENV)/.dev-installed
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint format bench mutation chromium postgresql nginx lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The lock files pin the whole tree with hashes (pip-tools; `make lock` remakes them from the
# direct pins in requirements*.txt), so every machine installs exactly the same packages.
$(RUNTIME): requirements.lock | $(BIN)/python
	$(PIP) --require-hashes -r requirements.lock
	touch $(RUNTIME)

$(STAMP): requirements.lock requirements-dev.lock | $(BIN)/python
	$(PIP) --require-hashes -r requirements-dev.lock
	touch $(RUNTIME) $(STAMP)

LOCK_TOOL := $(or $(TMPDIR),/tmp)/spapi-auth-piptools
COMPILE := $(LOCK_TOOL)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

# pip-tools lives in a scratch environment, never in the project's.
lock:
	test -x $(LOCK_TOOL)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_TOOL) && $(LOCK_TOOL)/bin/pip install --quiet pip-tools; }
	$(COMPILE) --output-file requirements.lock requirements.txt
	$(COMPILE) --output-file requirements-dev.lock requirements-dev.txt

# Development: simulator on, keys generated once under instance/, reloader on. No interactive
# debugger: it would show stack traces and run code for whoever reaches the port.
run: $(RUNTIME)
	$(BIN)/python -m auth.config.dev_env .
	SPAPI_ENV=development SPAPI_SIMULATOR=1 $(BIN)/flask --app app spapi db upgrade
	SPAPI_ENV=development SPAPI_SIMULATOR=1 $(BIN)/flask --app app run --reload --no-debugger --host 127.0.0.1 --port 5000

# Playwright drives Debian's Chromium; browser downloads are impossible here.
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The storage, state, callback and migration tests also run against a real PostgreSQL server,
# which the suite starts itself from Debian's binaries (tests/postgres.py).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql for the database tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

# deploy/nginx is checked with nginx -t; policy-rc.d keeps the package from starting a server.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx to check deploy/nginx (not started)"; \
	  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  rm -f /usr/sbin/policy-rc.d; }

# pytest-xdist: one worker more than the cores (at most 5), as much of the suite waits on
# processes starting and loopback servers (2 cores: 3 workers 5 min 48 s, 2 workers 6 min 31 s,
# 4 workers 5 min 58 s). Each worker starts its own PostgreSQL and Chromium.
# TEST_WORKERS=0 runs the suite in this one process.
TEST_WORKERS ?= $(shell n=$$(nproc); echo $$(( n + 1 < 5 ? n + 1 : 5 )))
test: $(STAMP) chromium postgresql nginx
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/flow.py
	$(BIN)/python bench/explain.py
	$(BIN)/python bench/tokens.py
	$(BIN)/python bench/soak.py
	$(BIN)/python bench/hang.py
	$(BIN)/python bench/fleet.py
	$(BIN)/python bench/clients.py
	$(BIN)/python bench/check.py
	$(BIN)/python bench/connect.py

# Mutation testing of the security-critical modules (pyproject.toml [tool.mutmut]); slow, so
# not part of `make test`. Prints the killed/survived counts.
mutation: $(STAMP) postgresql
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results --all true | tail -n 60

clean:
	rm -rf $(VENV) .pytest_cache
