# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv on first use (Python 3.10+ needed) and reuse it afterwards.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 3

.PHONY: setup demo test clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; found " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	@echo "Setting up $(VENV) (first run only, a few minutes; log in $(VENV)/install.log) ..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@( $(PY) -m pip install --upgrade pip && $(PY) -m pip install -e ".[test]" ) > $(VENV)/install.log 2>&1 \
		|| { tail -n 30 $(VENV)/install.log; echo "Installing the package failed; the full log is $(VENV)/install.log."; exit 1; }
	@touch $(STAMP)
	@echo "$(VENV) is ready."

demo: setup
	@$(PY) -m grader demo

test: setup
	@$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
