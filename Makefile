# Reproduce Amirova (2020) and re-run it on new survey data.
# `make help` lists the targets. The steps, in order (each is one notebook run by papermill):
#
#   data/raw/$(DATA)/ (export + codebook.yaml, read-only)
#     01_clean   -> data/processed/$(DATA)/{respondents,choices,likert}.csv
#     02_tables  -> reports/$(DATA)/tables/*.csv
#     03_priorities -> reports/$(DATA)/tables/{agreement,reliability,group_differences,claims}.csv
#     04_figures -> reports/$(DATA)/figures/*.{png,svg}
#     05_report  -> reports/$(DATA)/report.html
#
# Each executed notebook lands in reports/$(DATA)/notebooks/ and is the file
# target of its step; its prerequisites are what the step reads: the source
# notebook, the helper modules it imports, the data the step before wrote.
# The helpers follow the same flow: src/helpers/ingest (01), analysis (02, 03),
# publish (04, 05, the PDF), with the modules every step uses at the top.

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
SHELL := /bin/bash

DATA ?= amirova2020
# Language of the report's labels, from the codebook's translations.
REPORT_LANG ?= en
# What cleaning does with invalid rows: stop (default) or quarantine (set them aside, go on).
ON_INVALID ?= stop
# Limit tables, figures and report to one pilot body (its code in the codebook); empty for all.
PILOT_BODY ?=
# Notebooks that do not depend on each other (tables, figures) run side by side.
JOBS ?= 2

# Refuse a dataset name that is not a plain folder under data/raw before anything is written.
ifneq ($(filter-out $(notdir $(DATA)),$(DATA))$(findstring ..,$(DATA)),)
$(error DATA=$(DATA) is not a plain folder name under data/raw)
endif
ifeq ($(strip $(DATA)),)
$(error DATA is empty: give the name of a folder under data/raw, e.g. DATA=amirova2020)
endif

# The interpreter that creates .venv: Python 3.11 where it is installed under that name. Supported:
# 3.11, 3.12, 3.13 (as pyproject.toml, environment.yml and README.md say); any other is refused in one sentence.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
LOCK := requirements.lock
ENV_CHECK := src/helpers/tools/env_check.py
# Which environment runs the notebooks and tests:
#   auto   (default) an activated conda env or venv when it already has every package of the lock at its
#          pinned version and `helpers` from this copy; otherwise .venv (a line says why the active one is not used)
#   venv   always .venv
#   active install the lock (and this package) into the activated env and use it: no second environment
USE_ENV ?= auto
ACTIVE_ENV := $(filter-out $(abspath $(VENV)),$(abspath $(or $(VIRTUAL_ENV),$(CONDA_PREFIX))))
ifneq ($(ACTIVE_ENV),)
ifeq ($(USE_ENV),auto)
ACTIVE_ENV_PROBLEM := $(shell $(ACTIVE_ENV)/bin/python $(ENV_CHECK) matches $(LOCK) 2>&1 || echo " ")
ifeq ($(strip $(ACTIVE_ENV_PROBLEM)),)
VENV := $(ACTIVE_ENV)
else
$(info Not using the active environment $(ACTIVE_ENV): $(strip $(ACTIVE_ENV_PROBLEM)); using .venv (make USE_ENV=active installs the lock into it instead).)
endif
else ifeq ($(USE_ENV),active)
VENV := $(ACTIVE_ENV)
endif
endif
PY := $(VENV)/bin/python
# .venv's stamp records what it was built from; an active env that already matches needs no stamp.
ENV_STAMP := $(if $(filter .venv,$(VENV)),$(VENV)/.installed,$(if $(filter active,$(USE_ENV)),.env-active))

RAW := data/raw/$(DATA)
PROCESSED := data/processed/$(DATA)
OUT := reports/$(DATA)
RUN := $(OUT)/notebooks
H := src/helpers
# Each step's prerequisites include the helper files its notebook loads, no more and no fewer
# (tests/test_layout.py checks these lists against the import graph): editing a helper re-runs
# exactly the steps that import it. Shared by every step: the package, paths, the notebook set-up,
# the codebook and its errors, and the runner.
STEP_HELPERS := $(H)/__init__.py $(H)/paths.py $(H)/notebook.py $(H)/codebook.py $(H)/errors.py $(H)/pipeline.py
# The processed tables (the contract between ingest and the rest) and the stages below them.
PROCESSED_TABLES := $(H)/processed.py
INGEST := $(addprefix $(H)/ingest/,__init__.py cells.py encoding.py load.py shapes.py validate.py clean.py)
TABLES := $(H)/i18n.py $(H)/ui_text.yaml $(H)/files.py $(H)/analysis/__init__.py $(H)/analysis/tables.py
STATS := $(addprefix $(H)/analysis/,stats.py claims.py paper_claims.yaml)
PUBLISH := $(H)/publish/__init__.py
RAW_FILES := $(wildcard $(RAW)/*)
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
PAPERMILL := $(PY) -m helpers.pipeline run

## Environment ---------------------------------------------------------------

# Installs with uv (https://docs.astral.sh/uv/; seconds instead of a minute), fetched from PyPI with pip once
# if it is not on PATH; with pip when uv cannot be had (or USE_PIP=1). Both install exactly requirements.lock,
# hashes checked, then this package (editable, no dependencies of its own to resolve).
UV_VERSION := 0.13.9
UV_HOME := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/amirova2020/uv-$(UV_VERSION)
UV ?= $(shell command -v uv 2>/dev/null || { test -x $(UV_HOME)/bin/uv && echo $(UV_HOME)/bin/uv; })
USE_PIP ?=
# Never let uv download a Python of its own: the Python is PYTHON's (or .venv's).
export UV_PYTHON_DOWNLOADS := never

# Finds uv, or fetches it with pip in one step; prints its path, or nothing (then pip installs).
define find_uv
$(if $(USE_PIP),,$(or $(UV),$(shell $(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(UV_HOME) uv==$(UV_VERSION) >&2 && echo $(UV_HOME)/bin/uv)))
endef

CHECK_PYTHON = command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11, 3.12 or 3.13, or run make PYTHON=/path/to/python3.11"; exit 1; }; \
    $(PYTHON) $(ENV_CHECK) python || exit 1

# A .venv is kept when its Python runs and is supported (and is PYTHON's version when PYTHON was given),
# rebuilt otherwise (e.g. one left by Python 3.10, or by a Python since uninstalled). A missing or wrong
# Python is refused in one sentence before anything is created.
$(VENV)/.installed: $(LOCK) pyproject.toml requirements.txt
	@# A linked .venv belongs to another copy of the project (make bench links its scratch copy to this one):
	@# `pip install -e .` here would point that environment at this folder. Refuse rather than repoint it.
	@test ! -L $(VENV) || { echo "$(VENV) links to another project's environment: run make env there"; exit 1; }
	@if test -e $(VENV) && ! { $(PY) $(ENV_CHECK) python >/dev/null 2>&1 && \
	    { test "$(origin PYTHON)" = file || test "$$($(PY) -c 'import sys; print(sys.version_info[:2])')" = "$$($(PYTHON) -c 'import sys; print(sys.version_info[:2])' 2>/dev/null)"; }; }; then \
	    $(CHECK_PYTHON); echo "$(VENV) was made with another Python ($$($(PY) --version 2>&1 | head -n 1)): rebuilding it"; rm -rf $(VENV); fi
	@test -e $(VENV) || { $(CHECK_PYTHON); }
	@$(PYTHON) $(ENV_CHECK) direct requirements.txt $(LOCK)
	@uv='$(strip $(find_uv))'; set -e; \
	if test -n "$$uv"; then \
	    echo "Installing $(LOCK) into $(VENV) with uv"; \
	    test -e $(VENV) || "$$uv" venv --quiet --python $(PYTHON) $(VENV); \
	    "$$uv" pip sync --python $(PY) --require-hashes $(LOCK); \
	    "$$uv" pip install --python $(PY) --no-deps --quiet -e .; \
	else \
	    echo "Installing $(LOCK) into $(VENV) with pip (uv not available: this takes minutes, not seconds)"; \
	    test -e $(VENV) || $(PYTHON) -m venv $(VENV); \
	    $(PY) -m pip install --disable-pip-version-check --progress-bar on --require-hashes --no-deps -r $(LOCK); \
	    $(PY) -m pip install --disable-pip-version-check --quiet --no-deps -e .; \
	fi
	@$(PY) $(ENV_CHECK) matches $(LOCK)
	@touch $@

# USE_ENV=active: the activated environment gets the lock and this package (uv or pip; nothing is removed).
.env-active: $(LOCK) pyproject.toml requirements.txt
	@$(PY) $(ENV_CHECK) python
	@$(PY) $(ENV_CHECK) direct requirements.txt $(LOCK)
	@$(PY) $(ENV_CHECK) matches $(LOCK) >/dev/null || { uv='$(strip $(find_uv))'; set -e; \
	    echo "Installing $(LOCK) into the active environment $(VENV)"; \
	    if test -n "$$uv"; then "$$uv" pip install --python $(PY) --require-hashes -r $(LOCK); "$$uv" pip install --python $(PY) --no-deps --quiet -e .; \
	    else $(PY) -m pip install --require-hashes --no-deps -r $(LOCK); $(PY) -m pip install --quiet --no-deps -e .; fi; }
	@touch $@

.PHONY: env lock
env: $(ENV_STAMP) ## Create .venv from requirements.lock with uv (pip if need be); done by every target that needs it
	@echo "Environment: $(VENV) ($$($(PY) --version))"

# uv resolves for every platform and for Python 3.11 to 3.13 at once; environment.yml lists the same pins.
lock: ## Re-resolve requirements.txt into requirements.lock (every package, hashed) and environment.yml
	@uv='$(strip $(find_uv))'; test -n "$$uv" || { echo "make lock needs uv: pip install uv==$(UV_VERSION)"; exit 1; }; \
	"$$uv" pip compile requirements.txt --universal --python-version 3.11 --generate-hashes --quiet \
	    --custom-compile-command "make lock" --output-file $(LOCK)
	@{ sed -n '/^name:/q;p' environment.yml; printf 'name: amirova2020\nchannels:\n  - conda-forge\ndependencies:\n  - python>=3.11,<3.14\n  - pip\n  - pip:\n'; \
	  $(PYTHON) $(ENV_CHECK) conda $(LOCK) | sed 's/^/      - /'; } > environment.yml.tmp && mv environment.yml.tmp environment.yml
	@echo "$(LOCK) and environment.yml written from requirements.txt: commit them (make env installs the lock)"

## Pipeline --------------------------------------------------------------------

# Parameter stamps: one file per parameter, rewritten only when its value
# changes, so that changing REPORT_LANG re-runs exactly the steps that take it.
PARAMS := $(OUT)/.parameters
$(PARAMS)/%: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$($*)' | cmp -s - $@ || printf '%s\n' '$($*)' > $@
.PHONY: FORCE
FORCE:
.PRECIOUS: $(PARAMS)/%

$(RUN)/01_clean.ipynb: notebooks/01_clean.ipynb $(PARAMS)/ON_INVALID $(RAW_FILES) $(STEP_HELPERS) $(PROCESSED_TABLES) $(INGEST) $(ENV_STAMP)
	@test -d $(RAW) || { echo "No dataset folder $(RAW): see data/raw/README.md (make new-dataset NAME=$(DATA) starts one)"; exit 1; }
	$(PAPERMILL) $< $@ -p dataset $(DATA) -p on_invalid $(ON_INVALID)

$(RUN)/02_tables.ipynb: notebooks/02_tables.ipynb $(PARAMS)/REPORT_LANG $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(PUBLISH) $(H)/publish/export.py
	$(PAPERMILL) $< $@ -p dataset $(DATA) -p lang $(REPORT_LANG) -p pilot_body '$(PILOT_BODY)'

$(RUN)/03_priorities.ipynb: notebooks/03_priorities.ipynb $(PARAMS)/REPORT_LANG $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(STATS)
	$(PAPERMILL) $< $@ -p dataset $(DATA) -p lang $(REPORT_LANG) -p pilot_body '$(PILOT_BODY)'

$(RUN)/04_figures.ipynb: notebooks/04_figures.ipynb $(PARAMS)/REPORT_LANG $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(PUBLISH) $(H)/publish/figures.py
	$(PAPERMILL) $< $@ -p dataset $(DATA) -p lang $(REPORT_LANG) -p pilot_body '$(PILOT_BODY)'

# make -j starts prerequisites in the order listed: the longest step (figures) first, so the two shorter
# ones share the other core instead of the figures running alone at the end.
$(RUN)/05_report.ipynb: notebooks/05_report.ipynb $(PARAMS)/REPORT_LANG $(PARAMS)/PILOT_BODY $(RUN)/04_figures.ipynb $(RUN)/03_priorities.ipynb $(RUN)/02_tables.ipynb $(STEP_HELPERS) $(TABLES) $(PUBLISH) $(H)/publish/report.py $(H)/publish/templates/report.html.j2
	$(PAPERMILL) $< $@ -p dataset $(DATA) -p lang $(REPORT_LANG) -p pilot_body '$(PILOT_BODY)'

# The PDF, printed by headless Chromium, and the check that the report renders with no request leaving the file.
# Without Chromium the recipe says in one line how to get it and writes nothing.
$(OUT)/report.pdf: $(RUN)/05_report.ipynb $(H)/publish/browser.py
	$(PY) -m helpers.publish.browser $(OUT)

.PHONY: report clean-data tables priorities figures
report: ## Run the whole pipeline on DATA (default amirova2020): reports/$(DATA)/report.html (+ .pdf with Chromium)
	@$(MAKE) --no-print-directory --jobs=$(JOBS) $(OUT)/report.pdf
	@echo "Report: $(OUT)/report.html"
clean-data: $(RUN)/01_clean.ipynb ## Only clean DATA: data/processed/$(DATA)/
tables: $(RUN)/02_tables.ipynb ## Only Tables 1-3 of DATA: reports/$(DATA)/tables/
priorities: $(RUN)/03_priorities.ipynb ## Only the agreement statistics and the paper's claims re-checked
figures: $(RUN)/04_figures.ipynb ## Only the figures of DATA: reports/$(DATA)/figures/

NAME ?=
.PHONY: new-dataset example-data
new-dataset: $(ENV_STAMP) ## Start data/raw/NAME/ with a template codebook and an empty export: make new-dataset NAME=x
	@$(PY) -m helpers.tools.scaffold '$(NAME)'

example-data: $(ENV_STAMP) ## Re-create the synthetic data/raw/example-v2 from its seed (a person's step, never the pipeline's)
	$(PY) -m helpers.tools.synthetic example-v2

## Tests and reference outputs ------------------------------------------------

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: test baseline lab clean help lint format
# Tests run in TEST_JOBS processes (pytest-xdist); conftest.py keeps what must share a process together.
TEST_JOBS ?= 2
test: $(ENV_STAMP) lint ## Lint, unit tests, tests of the pipeline, and nbval on notebooks/ against their stored outputs
	$(PY) -m pytest -n $(TEST_JOBS) $(NBVAL) tests notebooks

# Lint: ruff's checks (pyproject.toml) and the notebooks still holding nbval's reference (make's default
# parameters, kernel python3), each problem in one line. The same checks run as pre-commit hooks.
lint: $(ENV_STAMP) ## ruff check, and whether a notebook was saved with other parameters than the nbval reference
	@$(PY) -m ruff check --quiet . && echo "ruff: no findings"
	@$(PY) -m helpers.tools.notebook_guard $(NOTEBOOKS)

format: $(ENV_STAMP) ## Rewrite the Python files in ruff's format (pyproject.toml) and apply ruff's safe fixes
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# nbdime's git integration for this clone only (its .git/config): `git diff` and merges of notebooks go cell by
# cell, outputs apart (.gitattributes names the drivers). JupyterLab shows the same diffs (nbdime's extension).
.PHONY: nbdime
nbdime: $(ENV_STAMP) ## Readable notebook diffs and merges in git for this clone (nbdime)
	git config diff.jupyternotebook.command "$(abspath $(VENV))/bin/git-nbdiffdriver diff"
	git config merge.jupyternotebook.driver "$(abspath $(VENV))/bin/git-nbmergedriver merge %O %A %B %L %P"
	git config merge.jupyternotebook.name "jupyter notebook merge driver"

baseline: $(ENV_STAMP) ## Refresh the outputs stored in notebooks/ (the nbval reference) on purpose; review the diff
	$(PY) -m helpers.pipeline baseline $(NOTEBOOKS)

# JupyterLab at the repository root, so reports/, data/ and src/helpers open beside notebooks/. The named
# kernel points at this environment's Python, for any Jupyter on the machine (a kernelspec in the user's
# Jupyter folder). Notebooks saved from Lab on another dataset are caught by the tests (helpers.tools.notebook_guard).
PORT ?= 8888
KERNEL_NAME := amirova2020
LAB_ARGS ?=
lab: $(ENV_STAMP) ## JupyterLab at the repository root (PORT=8888), with the kernel "Amirova 2020 (.venv)"
	@$(PY) -m ipykernel install --user --name $(KERNEL_NAME) --display-name "Amirova 2020 ($(notdir $(VENV)))" >/dev/null
	@echo "Kernel \"Amirova 2020 ($(notdir $(VENV)))\" ($(KERNEL_NAME)) registered; JupyterLab on port $(PORT), rooted at $(CURDIR)"
	exec $(PY) -m jupyterlab --ServerApp.root_dir=$(CURDIR) --port=$(PORT) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean: ## Delete generated outputs (data/processed, reports); never data/raw
	rm -rf data/processed/*/ reports/*/

help: ## List the targets
	@echo "Usage: make <target> [DATA=<folder under data/raw>, now $(DATA)]"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z_-]+):.*## /  \1\t/' | sed 's/\$$(DATA)/$(DATA)/g' | expand -t 14

## Benchmarks ------------------------------------------------------------------

BENCH_REPEAT ?= 5
BENCH_SCALE ?= 10000 100000
.PHONY: bench
bench: $(ENV_STAMP) ## Time a cold `make report` against its floor, and the pipeline at national scale; writes docs/benchmarks.md
	$(PY) -m helpers.tools.bench --repeat $(BENCH_REPEAT) --scale $(BENCH_SCALE) --output docs/benchmarks.md

# Set-up timings in a page of their own: make env and fresh clone -> report with uv beside pip, and make test,
# each in fresh clones of the committed state. `make bench` runs them too.
SETUP_REPEAT ?= 3
.PHONY: bench-setup
bench-setup: $(ENV_STAMP) ## Time make env, fresh clone -> report (uv beside pip) and make test: docs/benchmarks-setup.md
	$(PY) -m helpers.tools.bench_setup --repeat $(SETUP_REPEAT) --output docs/benchmarks-setup.md
bench: bench-setup
