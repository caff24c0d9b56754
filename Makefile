# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Optional extras to install besides the tests' (CI adds `pdf`, which needs Pango).
EXTRAS ?= test

.PHONY: wheel run test test-unit lint format typecheck bench assets demo clean translations translations-extract

# Debian's python3 leaves out ensurepip unless python3-venv is installed; then the environment
# is made without pip and pip is put into it by the system's own pip, when there is one.
$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV) && $(PYTHON) -m venv --without-pip $(VENV) && \
	  $(PYTHON) -m pip --python $(BIN)/python install --quiet pip; } || { \
	  rm -rf $(VENV); \
	  echo "Could not create a virtual environment. On Debian: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(INSTALLED)

# The Welsh catalogue is compiled from its .po file whenever that changes; the .mo is not kept.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard service/translations/*/LC_MESSAGES/messages.po))

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --statistics -i $< -o $@

## Compile the translation catalogues (Welsh) from their .po files.
translations: $(CATALOGUES)

## Find every translatable string again and add new ones to each .po file, unfilled.
translations-extract: $(INSTALLED)
	$(BIN)/pybabel extract --no-location --sort-output --project=cpc-observers --version=1 -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k words -k say -k N_ -o service/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i service/translations/messages.pot -d service/translations

## Set up, migrate the SQLite database, seed demo data on first run, and start the service.
run: $(INSTALLED) $(CATALOGUES)
	$(BIN)/cpc-observers migrate
	$(BIN)/cpc-observers demo
	$(BIN)/cpc-observers serve

## Build the installable wheel in dist/ (templates, migrations, static files and the compiled
## Welsh catalogue inside); see docs/deploy.md.
wheel: $(INSTALLED) $(CATALOGUES)
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .

## Set up and run the whole test suite (PostgreSQL too when TEST_DATABASE_URL is set).
test: $(INSTALLED) $(CATALOGUES)
	$(BIN)/python -m pytest

test-unit: $(INSTALLED) $(CATALOGUES)
	$(BIN)/python -m pytest tests/unit

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Measure the service beside the bare stack (see tests/perf/README.md).
bench: $(INSTALLED) $(CATALOGUES)
	$(BIN)/python -m tests.perf.run

## Rebuild the compiled GOV.UK Frontend assets in service/web/static (needs node and npm).
assets:
	bash scripts/build-assets.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
