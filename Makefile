# The two commands a newcomer needs: `make demo` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

.PHONY: demo test setup lint clean

$(STAMP): pyproject.toml scripts/find-python
	@PYTHON=$$(scripts/find-python) || exit 1; \
	 echo "使用 Python / using $$PYTHON"; \
	 [ -x $(PY) ] || $$PYTHON -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

## Set up, migrate the embedded SQLite database under var/, load demo data and serve on :8000.
demo: $(STAMP)
	$(VENV)/bin/shopops demo

## Set up and run the whole suite on SQLite and, when reachable, again on PostgreSQL.
test: $(STAMP)
	$(PY) scripts/run_tests.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(VENV) var/test-*
