# Two commands do everything: `make report` (the main job) and `make test` (all tests).
# Each target creates .venv and installs the pinned requirements by itself when needed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# the data directory `make validate` checks: DATA=..., else $$GBARESEARCH_DATA, else data/
DATA ?= $(or $(GBARESEARCH_DATA),data)
export PYTHONHASHSEED := 0

export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Another data directory (a copy being extended): make validate DATA=/path/to/data. validate,
# notebooks, report and lab all use it; with another directory, `make notebooks` executes the
# notebooks without rewriting their outputs.
OTHER_DATA := $(if $(filter-out data,$(DATA)),$(DATA),)
DATA_ARG := $(if $(OTHER_DATA),"$(OTHER_DATA)",)
# nbval checks every stored notebook output against a fresh run (strict: all cells compared).
NBVAL := --nbval --nbval-sanitize-with=tests/nbval_sanitize.cfg --nbval-current-env

.PHONY: help install report test test-fast lint notebooks validate export lab bench clean

help:  ## list the targets
	@grep -E '^[a-z][a-z-]*:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@echo "==> creating $(VENV) and installing pinned requirements (first run only)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)  ## create .venv with the pinned requirements

report: $(STAMP)  ## validate the data, execute every notebook, write build/report/index.html
	$(PY) -m gbaresearch report $(DATA_ARG)

test: $(STAMP)  ## all tests: unit, data, corpora, wheel, site in a browser, nbval over every notebook
	$(PY) -m pytest -n 2 -q -rs $(NBVAL)

# The edit-test loop. In-process only, with no plugin but xdist (no nbval, hypothesis or the
# plugins other packages register), and modules whose every test is slow are not even imported
# (tests/conftest.py). Bytecode (with pytest's rewritten asserts) is cached under build/pycache
# even where PYTHONDONTWRITEBYTECODE is set; test folders go to memory (/dev/shm) where there is
# one, and only a failed test's folder is kept. What it leaves to `make test`: notebook
# execution, builds, browsers, the wheel, subprocess walk-throughs, property-based fuzzing, the
# figure layout sweep, answers recomputed across the six data variants, and the corpora beyond a
# sample that holds every problem code.
FAST_TMP := $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm)
FAST_ENV := env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX="$(CURDIR)/build/pycache" PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(if $(FAST_TMP),TMPDIR=$(FAST_TMP),)
FAST_OPTS := -p xdist -n 2 --dist=loadfile -q -m "not slow" -p no:nbval -p no:hypothesispytest -o tmp_path_retention_policy=failed -o tmp_path_retention_count=1
test-fast: $(STAMP)  ## the edit-test loop: unit tests and a sample of the corpora (see the comment above)
	$(FAST_ENV) $(PY) -m pytest $(FAST_OPTS) tests

lint: $(STAMP)  ## ruff (lint and format check) and mypy (strict, every module)
	$(VENV)/bin/ruff check gbaresearch tests benchmarks setup.py
	$(VENV)/bin/ruff format --check gbaresearch tests benchmarks setup.py
	$(VENV)/bin/mypy gbaresearch

notebooks: $(STAMP)  ## re-execute the notebooks in place to refresh their stored outputs
	GBARESEARCH_DATA=$(DATA_ARG) $(PY) -m gbaresearch notebooks $(if $(OTHER_DATA),,--in-place)

validate: $(STAMP)  ## check $(DATA) (default data/, or $$GBARESEARCH_DATA) against datapackage.json and the cross-table rules
	$(PY) -m gbaresearch validate "$(DATA)"
	$(PY) -m gbaresearch codebook --check "$(DATA)"
	$(PY) -m gbaresearch validate --frictionless "$(DATA)"

export: $(STAMP)  ## write the downloads (zip, xlsx, flat csv, dta) to build/downloads
	$(PY) -m gbaresearch export --out build/downloads

lab: $(STAMP)  ## open JupyterLab on notebooks/ (localhost, as root too; settings and state in build/jupyter)
	GBARESEARCH_DATA=$(DATA_ARG) $(PY) -m gbaresearch lab

bench: $(STAMP)  ## measure import, load, validation scaling (vs frictionless), site build split; writes build/bench/
	$(PY) benchmarks/run.py
	$(PY) benchmarks/site_build.py

clean:  ## remove build outputs (keeps .venv)
	rm -rf build
