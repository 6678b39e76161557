# `make run` and `make test` do all set-up on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT   ?= 8501

.PHONY: install browser node db run lint test bench clean

# The pinned requirements, then the project itself in editable mode (so `action-tracker` and
# `python -m bench` import it from anywhere, with no sys.path edits).
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Debian's chromium for the browser tests and the page-load benchmark
# (Playwright's own browser download does not work everywhere).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

db: install
	$(PY) -m action_tracker build --if-missing

run: db
	ACTION_TRACKER_LOCAL_EDITING=1 $(VENV)/bin/streamlit run serve.py \
		--server.address localhost --server.port $(PORT) --client.showErrorDetails=full

lint: install
	$(VENV)/bin/ruff check .

test: install browser lint
	$(PY) -m pytest

# Node and npm for Lighthouse in `make bench` (bench/lighthouse.py installs lighthouse@12.2.3 itself).
node:
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }

bench: install browser node
	$(PY) -m bench

clean:
	rm -rf $(VENV) data/tracker.duckdb data/tracker.duckdb.wal .pytest_cache test-artifacts
