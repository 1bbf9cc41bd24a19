# Two commands: `make run` (the product with demo data) and `make test` (the whole suite).
# With no DATABASE_URL / REDIS_URL both use an embedded PostgreSQL and a folder broker.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint messages bench-seed clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m handbook.devstack

test: $(BIN)/.installed
	$(BIN)/python -m handbook.embedded exec -- $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .

# Refresh the translation catalogs (needs GNU gettext) and compile them (pure Python).
messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages -l vi --no-obsolete -i ".venv/*" -i "var/*" -i "templates/account/*" -i "templates/mfa/*" -i "templates/allauth/*" -i "tests/*" -i "bench/*" -i "test-artifacts/*"
	$(BIN)/python -m handbook.compilemessages

clean:
	-$(BIN)/python -m handbook.embedded stop
	rm -rf var
