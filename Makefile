# Two commands matter: `make demo` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench bench-quick messages screenshots clean

$(STAMP): requirements/lock.txt requirements/build.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/build.txt -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/alliance migrate
	$(BIN)/alliance demo
	$(BIN)/alliance serve --demo

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m alliance.i18n_check

test: install lint
	$(BIN)/python tests/run_layers.py

bench: install
	$(BIN)/python bench/run.py

# Every benchmark whole on tiny data (about 2 minutes): CI runs it so that the benchmarks cannot rot.
bench-quick: install
	$(BIN)/python bench/run.py --quick

messages: install
	cd src/alliance && ALLIANCE_PROFILE=test ALLIANCE_VAR_DIR=$$(mktemp -d) ../../$(BIN)/django-admin makemessages -l ru --ignore=migrations --settings=alliance.config.settings
	cd src/alliance && ALLIANCE_PROFILE=test ALLIANCE_VAR_DIR=$$(mktemp -d) ../../$(BIN)/django-admin compilemessages --settings=alliance.config.settings
	$(BIN)/python -m alliance.i18n_check

# docs/screenshots again, from the Dreamland demo in Chromium (tests/e2e/test_screenshots.py, which runs only with
# ALLIANCE_SCREENSHOTS=1); run it after a change to the look. Without Chromium the test would only be skipped,
# so the target stops first.
screenshots: install
	@test -x "$${ALLIANCE_CHROMIUM:-/usr/bin/chromium}" || { echo "Chromium not found (apt-get install chromium, or set ALLIANCE_CHROMIUM)"; exit 1; }
	ALLIANCE_SCREENSHOTS=1 ALLIANCE_PROFILE=test ALLIANCE_VAR_DIR=$$(mktemp -d) $(BIN)/python -m pytest -m browser tests/e2e/test_screenshots.py -q

clean:
	rm -rf $(VENV) var/*.sqlite3*
