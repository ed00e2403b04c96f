# Two commands on a fresh machine: `make demo` and `make test` (tasks.py does the work, so that
# Windows, without make, runs the same steps with `py tasks.py demo` and `py tasks.py test`).
# Both create .venv on first use (Python 3.10+ needed) and reuse it afterwards.

PYTHON ?= python3

.PHONY: setup demo test clean

setup:
	@$(PYTHON) tasks.py setup

demo:
	@$(PYTHON) tasks.py demo

test:
	@$(PYTHON) tasks.py test

clean:
	rm -rf .venv .pytest_cache .hypothesis
