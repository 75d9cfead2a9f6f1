# Reproduce Amirova (2020) and re-run it on new survey data.
# `make help` lists the targets. The steps, in order (each is one notebook run by papermill):
#
#   data/raw/$(DATA)/ (export + codebook.yaml, read-only)
#     01_clean   -> data/processed/$(DATA)/{respondents,choices,likert}.csv
#     02_tables  -> reports/$(DATA)/<lang>/tables/*.csv
#     03_priorities -> reports/$(DATA)/<lang>/tables/{agreement,reliability,group_means,group_differences,claims,...}.csv
#     04_figures -> reports/$(DATA)/<lang>/figures/*.{png,svg}
#     05_report  -> reports/$(DATA)/<lang>/report.html
#
# Steps 02-05 run once per language of REPORT_LANG, each into its own folder reports/$(DATA)/<lang>/,
# so reports in several languages stand side by side. Each executed notebook lands in
# reports/$(DATA)/notebooks/ (01) or reports/$(DATA)/<lang>/notebooks/ (02-05) and is the file
# target of its step; its prerequisites are what the step reads: the source
# notebook, the helper modules it imports, the data the step before wrote.
# The helpers follow the same flow: src/helpers/ingest (01), analysis (02, 03),
# publish (04, 05, the PDF), with the modules every step uses at the top.

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
SHELL := /bin/bash

DATA ?= amirova2020
# Language(s) of the report: en, ru, kk, or several at once, e.g. REPORT_LANG="en ru kk".
REPORT_LANG ?= en
# What cleaning does with invalid rows: stop (default) or quarantine (set them aside, go on).
ON_INVALID ?= stop
# Limit tables, figures and report to one pilot body (its code in the codebook); empty for all.
PILOT_BODY ?=
# Paper size of report.pdf: a4 (default) or letter.
PAPER ?= a4
# Notebooks that do not depend on each other (tables, figures) run side by side.
JOBS ?= 2

# Parameter values are data, never code. Make itself checks them before anything runs, because make
# would otherwise expand a `$(...)` in a value and put the rest into shell command lines:
# - no value may hold a `$` (read unexpanded with $(value ...));
# - DATA must be a plain folder name: letters, digits, '_', '.', '-' (it is part of every path below).
# The other values reach the notebooks through the environment (exported below), never through a shell
# line, and `python -m helpers.pipeline check` tests what they may be (a language the project has,
# stop or quarantine, a pilot body of the codebook) before the first step.
PARAMETERS := DATA REPORT_LANG ON_INVALID PILOT_BODY NAME FROM FORM PAPER
$(foreach name,$(PARAMETERS),$(if $(findstring $$,$(value $(name))),$(error $(name) holds a '$$': \
  parameter values are plain text (see make help))))
NAME_CHARACTERS := a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N O P Q R S T U V W X Y Z \
  0 1 2 3 4 5 6 7 8 9 _ . -
without-name-characters = $(if $(2),$(call without-name-characters,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
ifeq ($(strip $(DATA)),)
$(error DATA is empty: give the name of a folder under data/raw, e.g. DATA=amirova2020)
endif
ifneq ($(words $(DATA))$(call without-name-characters,$(DATA),$(NAME_CHARACTERS))$(findstring ..,$(DATA)),1)
$(error DATA is not a plain folder name under data/raw (letters, digits, '_', '.', '-'; no '/', '..' or spaces))
endif
$(foreach lang,$(REPORT_LANG),$(if $(call without-name-characters,$(lang),$(NAME_CHARACTERS)),\
  $(error REPORT_LANG=$(lang) is not a language code such as en, ru or kk)))
$(if $(filter-out a4 letter,$(PAPER)),$(error PAPER=$(PAPER): use a4 or letter))
export DATA REPORT_LANG ON_INVALID PILOT_BODY NAME FROM FORM

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
ACTIVE_ENV_PROBLEM := $(shell $(ACTIVE_ENV)/bin/python src/helpers/tools/python_check.py 2>&1 && $(ACTIVE_ENV)/bin/python $(ENV_CHECK) matches $(LOCK) 2>&1 || echo " ")
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
# The language folders REPORT_LANG asks for: reports/$(DATA)/en, reports/$(DATA)/ru, ...
LANG_OUT := $(addprefix $(OUT)/,$(REPORT_LANG))
H := src/helpers
# Each step's prerequisites include the helper files its notebook loads, no more and no fewer
# (tests/test_layout.py checks these lists against the import graph): editing a helper re-runs
# exactly the steps that import it. Shared by every step: the package, paths, the notebook set-up,
# the codebook and its errors, and the runner.
STEP_HELPERS := $(H)/__init__.py $(H)/paths.py $(H)/notebook.py $(H)/codebook.py $(H)/errors.py $(H)/pipeline.py
# The processed tables (the contract between ingest and the rest) and the stages below them.
PROCESSED_TABLES := $(H)/processed.py
INGEST := $(addprefix $(H)/ingest/,__init__.py cells.py encoding.py load.py shapes.py validate.py clean.py)
# The statistics: stats (agreement, and the name every statistic is imported by) and the modules it re-exports.
STATISTICS := $(addprefix $(H)/analysis/,stats.py scores.py reliability.py differences.py pvalues.py intervals.py)
TABLES := $(H)/i18n.py $(H)/ui_text.yaml $(H)/files.py $(H)/analysis/__init__.py $(H)/analysis/tables.py $(STATISTICS)
STATS := $(STATISTICS) $(addprefix $(H)/analysis/,claims.py paper_claims.yaml)
# The paper's own data (reference_dataset in paper_claims.yaml): every dataset's findings table shows its verdicts.
REFERENCE_FILES := $(wildcard data/raw/amirova2020/*)
PUBLISH := $(H)/publish/__init__.py
# The report, a package of its own (the context, the words of each section, the HTML): every module of it.
REPORT := $(wildcard $(H)/publish/report/*.py)
# The figures, a package of their own (one module per family of figures, the shared style, text and layout).
FIGURES := $(wildcard $(H)/publish/figures/*.py)
RAW_FILES := $(wildcard $(RAW)/*)
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
PAPERMILL := $(PY) -m helpers.pipeline run

## Environment ---------------------------------------------------------------

# Installs with uv (https://docs.astral.sh/uv/; seconds instead of a minute), fetched from PyPI with pip once
# if it is not on PATH; with pip when uv cannot be had (or USE_PIP=1). Both install exactly requirements.lock,
# hashes checked, then this package (editable, no dependencies of its own to resolve).
# uv installs no bytecode (pip compiles all ~10,000 modules, uv's --compile-bytecode takes ~10 s more):
# Python writes the .pyc of what is imported when it is first imported, into .venv and src/, so the
# first run pays for the modules it uses and no more. PYTHONDONTWRITEBYTECODE (set on many CI machines)
# would make every process recompile what it imports, about 2 s per notebook step (pandas, matplotlib
# and scipy import in 3.4 s against 1.2 s), so nothing run by this Makefile inherits it.
unexport PYTHONDONTWRITEBYTECODE
UV_VERSION := 0.13.9
UV_HOME := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/amirova2020/uv-$(UV_VERSION)
UV ?=
USE_PIP ?=
# Never let uv download a Python of its own: the Python is PYTHON's (or .venv's).
export UV_PYTHON_DOWNLOADS := never

# A shell line that sets $$uv to uv's path -- UV, uv on PATH, or uv fetched with pip in one step -- or to nothing
# (then pip installs). In the shell, not in make: make would run it before the recipe's first line, that is,
# before the Python that would fetch it has been checked.
FIND_UV = uv=; test -n "$(USE_PIP)" || uv=$$(command -v $(or $(UV),uv) 2>/dev/null || \
    { { test -x $(UV_HOME)/bin/uv || PIP_ROOT_USER_ACTION=ignore $(PYTHON) -m pip install --quiet \
        --disable-pip-version-check --target $(UV_HOME) uv==$(UV_VERSION) >&2; } && test -x $(UV_HOME)/bin/uv && \
      echo $(UV_HOME)/bin/uv; }) || true

# python_check.py runs on any Python (2.7 included) and refuses an unsupported one in one sentence.
PYTHON_CHECK := src/helpers/tools/python_check.py
CHECK_PYTHON = command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11, 3.12 or 3.13, or run make PYTHON=/path/to/python3.11"; exit 1; }; \
    $(PYTHON) $(PYTHON_CHECK) || exit 1

# A .venv whose stamp is up to date is still rebuilt when its Python no longer runs (uninstalled, a link to
# nowhere) or is not supported, or when PYTHON=... on the command line is another version: the stamp cannot see these.
# Looked at once, by the make you ran (`make report` tells the make it starts, CHECKED=1); the recipe then
# looks again and says why it rebuilds.
VERSION_OF = $(1) -I -S -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
ifeq ($(VENV)$(CHECKED),.venv)
ifneq ($(wildcard $(VENV)/pyvenv.cfg),)
VENV_VERSION := $(shell $(call VERSION_OF,$(PY)))
VENV_STALE := $(if $(VENV_VERSION),$(shell $(PY) -I -S $(PYTHON_CHECK) >/dev/null || echo unsupported),gone)$(strip \
    $(if $(filter command line,$(origin PYTHON)),$(if $(filter-out $(VENV_VERSION),$(or $(shell $(call VERSION_OF,$(PYTHON))),none)),other)))
endif
endif

# A .venv is kept when its Python runs and is supported (and is PYTHON's version when PYTHON was given),
# rebuilt otherwise (e.g. one left by Python 3.10, or by a Python since uninstalled). A missing or wrong
# Python is refused in one sentence before anything is created.
$(VENV)/.installed: $(LOCK) pyproject.toml requirements.txt $(if $(VENV_STALE),FORCE)
	@# A linked .venv belongs to another copy of the project (make bench links its scratch copy to this one):
	@# `pip install -e .` here would point that environment at this folder. Refuse rather than repoint it.
	@test ! -L $(VENV) || { echo "$(VENV) links to another project's environment: run make env there"; exit 1; }
	@found=$$($(call VERSION_OF,$(PY))); \
	if test -e $(VENV) && { test -z "$$found" || ! $(PY) -I -S $(PYTHON_CHECK) >/dev/null || \
	    { test "$(origin PYTHON)" = "command line" && test "$$found" != "$$($(call VERSION_OF,$(PYTHON)))"; }; }; then \
	    $(CHECK_PYTHON); made="another Python (Python $$found)"; test -n "$$found" || made="a Python that no longer runs"; \
	    echo "$(VENV) was made with $$made: rebuilding it with $(PYTHON)"; \
	    rm -rf $(VENV); fi
	@test -e $(VENV) || { $(CHECK_PYTHON); }
	@$(PYTHON) $(ENV_CHECK) direct requirements.txt $(LOCK)
	@$(FIND_UV); set -e; \
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
# The stamp names the environment it was made for: another activated env is installed into, not taken as done.
.env-active: $(LOCK) pyproject.toml requirements.txt $(if $(filter-out $(VENV),$(file <.env-active)),FORCE)
	@$(PY) $(PYTHON_CHECK)
	@$(PY) $(ENV_CHECK) direct requirements.txt $(LOCK)
	@$(PY) $(ENV_CHECK) matches $(LOCK) >/dev/null || { $(FIND_UV); set -e; \
	    echo "Installing $(LOCK) into the active environment $(VENV)"; \
	    if test -n "$$uv"; then "$$uv" pip install --python $(PY) --require-hashes -r $(LOCK); "$$uv" pip install --python $(PY) --no-deps --quiet -e .; \
	    else $(PY) -m pip install --require-hashes --no-deps -r $(LOCK); $(PY) -m pip install --quiet --no-deps -e .; fi; }
	@printf '%s\n' '$(VENV)' > $@

.PHONY: env lock
env: $(ENV_STAMP) ## Create .venv from requirements.lock with uv (pip if need be); done by every target that needs it
	@echo "Environment: $(VENV) ($$($(PY) --version))"

# uv resolves for every platform and for Python 3.11 to 3.13 at once; environment.yml lists the same pins.
lock: ## Re-resolve requirements.txt into requirements.lock (every package, hashed) and environment.yml
	@$(FIND_UV); test -n "$$uv" || { echo "make lock needs uv: pip install uv==$(UV_VERSION)"; exit 1; }; \
	"$$uv" pip compile requirements.txt --universal --python-version 3.11 --generate-hashes --quiet \
	    --custom-compile-command "make lock" --output-file $(LOCK)
	@{ sed -n '/^name:/q;p' environment.yml; printf 'name: amirova2020\nchannels:\n  - conda-forge\ndependencies:\n  - python>=3.11,<3.14\n  - pip\n  - pip:\n'; \
	  $(PYTHON) $(ENV_CHECK) conda $(LOCK) | sed 's/^/      - /'; } > environment.yml.tmp && mv environment.yml.tmp environment.yml
	@echo "$(LOCK) and environment.yml written from requirements.txt: commit them (make env installs the lock)"

## Pipeline --------------------------------------------------------------------

# Parameter stamps: one file per parameter, rewritten only when its value
# changes, so that changing REPORT_LANG re-runs exactly the steps that take it.
# Written with make's own $(file ...): the value never passes through a shell.
PARAMS := $(OUT)/.parameters
same-text = $(and $(findstring x$(1),x$(2)),$(findstring x$(2),x$(1)))
# make -n (a dry run) writes nothing, not even a stamp.
DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))
# Never before the check: a refused value must not become the stamp's (and make a step stale).
$(PARAMS)/%: FORCE | $(PARAMS) check-parameters
	$(if $(DRY_RUN)$(and $(wildcard $@),$(call same-text,$(file <$@),$($*))),,$(file >$@,$($*)))
$(PARAMS):
	@mkdir -p $@
.PHONY: FORCE
FORCE:
.PRECIOUS: $(PARAMS)/%

$(RUN)/01_clean.ipynb: notebooks/01_clean.ipynb $(PARAMS)/ON_INVALID $(RAW_FILES) $(STEP_HELPERS) $(PROCESSED_TABLES) $(H)/files.py $(INGEST) $(ENV_STAMP) | check-parameters
	$(PAPERMILL) $< $@ --writes processed --from-env dataset=DATA on_invalid=ON_INVALID --reads $^

# Steps 02-05 are pattern rules whose stem is the language (reports/$(DATA)/<lang>/notebooks/...): the
# language is part of the path, so building one language never makes another stale.
$(OUT)/%/notebooks/02_tables.ipynb: notebooks/02_tables.ipynb $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(PUBLISH) $(H)/publish/export.py | check-parameters
	$(PAPERMILL) $< $@ -p lang $* --writes tables --from-env dataset=DATA pilot_body=PILOT_BODY --reads $^

$(OUT)/%/notebooks/03_priorities.ipynb: notebooks/03_priorities.ipynb $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(STATS) $(INGEST) $(REFERENCE_FILES) | check-parameters
	$(PAPERMILL) $< $@ -p lang $* --writes tables --from-env dataset=DATA pilot_body=PILOT_BODY --reads $^

$(OUT)/%/notebooks/04_figures.ipynb: notebooks/04_figures.ipynb $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(PUBLISH) $(FIGURES) | check-parameters
	$(PAPERMILL) $< $@ -p lang $* --writes figures tables --from-env dataset=DATA pilot_body=PILOT_BODY --reads $^

# make -j starts prerequisites in the order listed: the longest step (figures) first, so the two shorter
# ones share the other core instead of the figures running alone at the end.
$(OUT)/%/notebooks/05_report.ipynb: notebooks/05_report.ipynb $(PARAMS)/PILOT_BODY $(OUT)/%/notebooks/04_figures.ipynb $(OUT)/%/notebooks/03_priorities.ipynb $(OUT)/%/notebooks/02_tables.ipynb $(STEP_HELPERS) $(TABLES) $(PROCESSED_TABLES) $(INGEST) $(H)/analysis/claims.py $(H)/analysis/paper_claims.yaml $(STATISTICS) $(PUBLISH) $(REPORT) $(H)/publish/templates/report.html.j2 | check-parameters
	$(PAPERMILL) $< $@ -p lang $* --writes report --from-env dataset=DATA pilot_body=PILOT_BODY --reads $^

# The PDF, printed by headless Chromium, and the check that the report renders with no request leaving the file.
# Without Chromium the recipe says in one line how to get it and writes nothing.
$(OUT)/%/report.pdf: $(OUT)/%/notebooks/05_report.ipynb $(H)/publish/browser.py $(PARAMS)/PAPER
	$(PY) -m helpers.publish.browser $(OUT)/$* --paper $(PAPER)

# Name every language's executed notebooks as targets (their recipes are the pattern rules above), so make
# keeps them: a file reached only through pattern rules would be intermediate, deleted after the build.
STEP_RUNS := $(foreach folder,$(LANG_OUT),$(addprefix $(folder)/notebooks/,02_tables.ipynb 03_priorities.ipynb 04_figures.ipynb 05_report.ipynb))
$(STEP_RUNS):
# A language asked for by a target of its own (make reports/x/ru/notebooks/05_report.ipynb, ru not in REPORT_LANG)
# reaches its steps through the pattern rules alone: make would take their records for intermediate files and
# delete them after the build, and with them what each step read and wrote. They are kept. (Never a half-written
# one: the runner moves a record into place last, once the step has succeeded.)
.PRECIOUS: $(addprefix $(OUT)/%/notebooks/,02_tables.ipynb 03_priorities.ipynb 04_figures.ipynb 05_report.ipynb)

# Each step says itself what it did, in one line (`[2/5] 02_tables (en) … 3.1 s`): make need not echo the command.
.SILENT: $(RUN)/01_clean.ipynb $(STEP_RUNS) $(addsuffix /report.pdf,$(LANG_OUT))

.PHONY: report clean-data tables priorities figures
# First the parameters are checked (a refused value leaves every file as it was: no stamp, no report removed);
# then the steps whose files were changed since they wrote them (a notebook run by hand in Lab writes to the same
# places) are forgotten, so that make runs them again: both before make looks at any file's date. The make started
# then checks neither again (CHECKED=1).
report: $(ENV_STAMP) ## Run the whole pipeline on DATA (default amirova2020) in each REPORT_LANG: reports/$(DATA)/<lang>/report.html (+ .pdf)
	@$(PY) -m helpers.pipeline check --forget-altered
	@$(MAKE) --no-print-directory --jobs=$(JOBS) CHECKED=1 $(addsuffix /report.pdf,$(LANG_OUT)) || { $(PY) -m helpers.pipeline forget-report; exit 1; }
	@for folder in $(LANG_OUT); do echo "Report: $$folder/report.html"; done
	@# One line when any report shows a string in a fallback language (fallbacks.csv: a header, then one row each).
	@n=0; for folder in $(LANG_OUT); do n=$$((n + $$(tail -n +2 $$folder/fallbacks.csv | wc -l))); done; \
	  test $$n -eq 0 || echo "Fallback: $$n string(s) shown in another language, listed in $(addsuffix /fallbacks.csv,$(LANG_OUT)) (make translations DATA=$(DATA))"

# Every step waits for this check (an order-only prerequisite: it never makes a step stale). It tests
# the parameter values from the environment and the codebook, so a mistake stops before any notebook.
.PHONY: check-parameters
check-parameters: $(ENV_STAMP)
	$(if $(CHECKED),,@$(PY) -m helpers.pipeline check)
# The targets that make part of the pipeline go the way `make report` does: the parameters checked and the steps
# whose files were changed by hand forgotten first, then the make that runs the steps (see `report`).
define checked_make
@$(PY) -m helpers.pipeline check --forget-altered
@+$(MAKE) --no-print-directory --jobs=$(JOBS) CHECKED=1 $(1)
endef
clean-data: $(ENV_STAMP) ## Only clean DATA: data/processed/$(DATA)/
	$(call checked_make,$(RUN)/01_clean.ipynb)
tables: $(ENV_STAMP) ## Only Tables 1-3 of DATA: reports/$(DATA)/<lang>/tables/
	$(call checked_make,$(addsuffix /notebooks/02_tables.ipynb,$(LANG_OUT)))
priorities: $(ENV_STAMP) ## Only the agreement statistics and the paper's claims re-checked
	$(call checked_make,$(addsuffix /notebooks/03_priorities.ipynb,$(LANG_OUT)))
figures: $(ENV_STAMP) ## Only the figures of DATA: reports/$(DATA)/<lang>/figures/
	$(call checked_make,$(addsuffix /notebooks/04_figures.ipynb,$(LANG_OUT)))

.PHONY: translations
translations: $(ENV_STAMP) ## List every string missing in en, ru or kk (ui_text.yaml, the paper's findings, DATA's codebook)
	@$(PY) -m helpers.tools.translations $(DATA)

NAME ?=
# The export a new dataset starts from (CSV, .xlsx, KoboToolbox export, SPSS .sav), and its XLSForm if any.
FROM ?=
FORM ?=
.PHONY: new-dataset example-data check-codebook codebook
new-dataset: $(ENV_STAMP) ## Start data/raw/NAME/: make new-dataset NAME=x FROM=export.csv [FORM=xlsform.xlsx] drafts the codebook from the export
	@$(PY) -m helpers.tools.scaffold

check-codebook: $(ENV_STAMP) ## Every mismatch between data/raw/DATA/codebook.yaml and its export, in seconds (no notebook)
	@$(PY) -m helpers.ingest.check '$(DATA)'

codebook: $(ENV_STAMP) ## The questionnaire of DATA as a page with answer distributions, and its schema.org Dataset: reports/$(DATA)/en/codebook/
	$(call checked_make,$(RUN)/01_clean.ipynb)
	@$(PY) -m helpers.publish.codebook_page '$(DATA)'

example-data: $(ENV_STAMP) ## Re-create the synthetic data/raw/example-v2 from its seed (a person's step, never the pipeline's)
	$(PY) -m helpers.tools.synthetic example-v2

## Tests and reference outputs ------------------------------------------------

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: test baseline lab clean help lint format
# axe-core, from the npm registry (package.json, package-lock.json): the tests run it in Chromium on the reports.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility test (axe-core) is skipped; install Node.js to run it"; fi

# Tests run in TEST_JOBS processes (pytest-xdist); conftest.py keeps what must share a process together.
TEST_JOBS ?= 2
test: $(ENV_STAMP) $(AXE) lint ## Lint, unit tests, tests of the pipeline, and nbval on notebooks/ against their stored outputs
	$(PY) -m pytest -n $(TEST_JOBS) $(NBVAL) tests notebooks

# Lint: ruff's checks (pyproject.toml) and the notebooks still holding nbval's reference (make's default
# parameters, kernel python3), each problem in one line. The same checks run as pre-commit hooks.
lint: $(ENV_STAMP) ## ruff check and ruff format --check, and whether a notebook was saved with other parameters than the nbval reference
	@$(PY) -m ruff check --quiet . && echo "ruff: no findings"
	@$(PY) -m ruff format --check --quiet . || { echo "ruff format: the files above are not in the project's format: make format"; exit 1; }
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
# kernel, for any Jupyter on the machine (a kernelspec in the user's Jupyter folder), runs each notebook with the
# environment of the copy of the project that holds it (helpers.tools.lab_kernel). A busy PORT is an error, not
# another port. Notebooks saved from Lab on another dataset are caught by the tests (helpers.tools.notebook_guard).
PORT ?= 8888
KERNEL_NAME := amirova2020
LAB_ARGS ?=
lab: $(ENV_STAMP) ## JupyterLab at the repository root (PORT=8888), with the kernel "Amirova 2020 (.venv)"
	@$(PY) -m helpers.tools.lab_kernel $(KERNEL_NAME) "Amirova 2020 ($(notdir $(VENV)))" >/dev/null
	@echo "Kernel \"Amirova 2020 ($(notdir $(VENV)))\" ($(KERNEL_NAME)) registered; JupyterLab on port $(PORT), rooted at $(CURDIR)"
	exec $(PY) -m jupyterlab --ServerApp.root_dir=$(CURDIR) --port=$(PORT) --ServerApp.port_retries=0 $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean: ## Delete generated outputs (data/processed, reports); never data/raw
	rm -rf data/processed/*/ reports/*/

help: ## List the targets
	@echo "Usage: make <target> [DATA=<folder under data/raw>, now $(DATA)]"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z_-]+):.*## /  \1\t/' | sed 's/\$$(DATA)/$(DATA)/g' | expand -t 14

## Benchmarks ------------------------------------------------------------------

BENCH_REPEAT ?= 5
BENCH_SCALE ?= 1000 10000 100000 1000000
.PHONY: bench
bench: $(ENV_STAMP) ## Time a cold `make report` against its three floors (DAG, lean, bare), and at 1k-1M respondents; writes docs/benchmarks.md
	$(PY) -m helpers.tools.bench --repeat $(BENCH_REPEAT) --scale $(BENCH_SCALE) --output docs/benchmarks.md

# Set-up timings, a section of docs/benchmarks.md: make env and fresh clone -> report with uv beside pip, and
# make test, each in fresh clones of the committed state. `make bench` runs them first.
SETUP_REPEAT ?= 3
.PHONY: bench-setup
bench-setup: $(ENV_STAMP) ## Time make env, fresh clone -> report (uv beside pip) and make test: a section of docs/benchmarks.md
	$(PY) -m helpers.tools.bench_setup --repeat $(SETUP_REPEAT) --output docs/benchmarks.md
bench: bench-setup
