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
# Steps 02-05 run once per language of REPORT_LANG, side by side in reports/$(DATA)/<lang>/. A step's file target is
# its executed notebook (reports/$(DATA)/notebooks/ for 01, reports/$(DATA)/<lang>/notebooks/ for 02-05); its
# prerequisites are what it reads: the source notebook, the helper modules it imports, the data the step before
# wrote. The helpers follow the same flow: src/helpers/ingest (01), analysis (02, 03), publish (04, 05, the PDF).

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
SHELL := /bin/bash
# The parameters: DATA, a folder under data/raw; REPORT_LANG, the report's language(s): en, ru, kk or several, e.g.
# "en ru kk"; ON_INVALID, what cleaning does with invalid rows: stop, or quarantine (set them aside, go on);
# PILOT_BODY, one pilot body's code in the codebook (empty: all; each: the report of all, then one per body); PAPER, report.pdf's size: a4 or letter; JOBS, how
# many notebooks that do not depend on each other (tables, figures) run side by side.
DATA ?= amirova2020
REPORT_LANG ?= en
ON_INVALID ?= stop
PILOT_BODY ?=
PAPER ?= a4
JOBS ?= 2
# Parameter values are data, never code. Make checks them before anything runs (it would otherwise expand a
# `$(...)` in a value into shell lines): no value may hold a `$` (read unexpanded with $(value ...)), and DATA,
# part of every path, must be a plain folder name. The others reach the notebooks through the environment, never a
# shell line; `python -m helpers.pipeline check` tests what they may be before the first step.
PARAMETERS := DATA REPORT_LANG ON_INVALID PILOT_BODY NAME FROM FORM PAPER
$(foreach name,$(PARAMETERS),$(if $(findstring $$,$(value $(name))),$(error $(name) holds a '$$': parameter values are plain text (see make help))))
NAME_CHARACTERS := a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9 _ . -
without-name-characters = $(if $(2),$(call without-name-characters,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
$(if $(strip $(DATA)),,$(error DATA is empty: give the name of a folder under data/raw, e.g. DATA=amirova2020))
$(if $(filter-out 1,$(words $(DATA))$(call without-name-characters,$(DATA),$(NAME_CHARACTERS))$(findstring ..,$(DATA))),\
  $(error DATA is not a plain folder name under data/raw (letters, digits, '_', '.', '-'; no '/', '..' or spaces)))
$(foreach lang,$(REPORT_LANG),$(if $(call without-name-characters,$(lang),$(NAME_CHARACTERS)),$(error REPORT_LANG=$(lang) is not a language code such as en, ru or kk)))
$(if $(filter-out a4 letter,$(PAPER)),$(error PAPER=$(PAPER): use a4 or letter))
export DATA REPORT_LANG ON_INVALID PILOT_BODY NAME FROM FORM

## Environment ---------------------------------------------------------------
# Decided by src/helpers/tools/env_check.py (standard library; any Python, an unsupported one gets one sentence):
# exactly requirements.lock, hashes checked, then this package, with uv (UV=, on PATH or fetched with pip once) or
# pip (no uv, or USE_PIP=1). PYTHON creates .venv; one named on the command line asks for a .venv of its version.
# USE_ENV: auto (an activated env that has the lock and this copy's helpers, else .venv), venv, active (install into it).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
GIVEN_PYTHON := $(if $(filter command line,$(origin PYTHON)),$(PYTHON))
USE_ENV ?= auto
# The variables of the tools (make help, README): checked before anything runs (before the shell below that asks an
# active environment), since each of them
# reaches a shell line. Numbers are digits only; paths and arguments hold no quote, ';', '|', '&', '<', '>', '(',
# ')', '`' or newline. VIRTUAL_ENV and CONDA_PREFIX come from the environment and pick the environment used.
TOOL_VARIABLES := JOBS TEST_JOBS PORT BENCH_REPEAT BENCH_SCALE SETUP_REPEAT CENSUS_RESPONDENTS PYTHON UV USE_PIP USE_ENV LAB_ARGS CHECKED \
  VIRTUAL_ENV CONDA_PREFIX
# A value given on the command line or in the environment is looked at unexpanded; a default of this file expanded.
given = $(if $(filter command line environment%,$(origin $(1))),$(value $(1)),$($(1)))
$(foreach name,$(TOOL_VARIABLES),$(if $(and $(filter command line environment%,$(origin $(name))),$(findstring $$,$(value $(name)))),$(error $(name) holds a '$$': values of make's variables are plain text (see make help))))
define NEWLINE


endef
# make splits words at a newline, a shell runs what follows it as a command of its own: no value holds one.
$(foreach name,$(TOOL_VARIABLES) $(PARAMETERS),$(if $(findstring $(NEWLINE),$(call given,$(name))),$(error $(name) holds a line break: values of make's variables are one line)))
DIGITS := 0 1 2 3 4 5 6 7 8 9
PATH_CHARACTERS := $(NAME_CHARACTERS) / + ~
ARGUMENT_CHARACTERS := $(PATH_CHARACTERS) = , : @
not-a-number = $(or $(filter-out 1,$(words $(1))),$(call without-name-characters,$(1),$(DIGITS)))
$(foreach name,JOBS TEST_JOBS PORT BENCH_REPEAT SETUP_REPEAT CENSUS_RESPONDENTS,$(if $(and $(filter-out undefined,$(origin $(name))),$(call not-a-number,$(call given,$(name)))),\
  $(error $(name)=$(call given,$(name)): give a whole number, e.g. $(name)=2)))
$(foreach number,$(call given,BENCH_SCALE),$(if $(call not-a-number,$(number)),$(error BENCH_SCALE holds '$(number)': give whole numbers, e.g. BENCH_SCALE="1000 10000")))
$(foreach name,PYTHON UV VIRTUAL_ENV CONDA_PREFIX,$(if $(or $(filter-out 0 1,$(words $(call given,$(name)))),$(call without-name-characters,$(call given,$(name)),$(PATH_CHARACTERS))),\
  $(error $(name)=$(call given,$(name)): give one path of letters, digits, '_', '.', '-', '/', '+' and '~')))
$(foreach argument,$(call given,LAB_ARGS),$(if $(call without-name-characters,$(argument),$(ARGUMENT_CHARACTERS)),\
  $(error LAB_ARGS holds '$(argument)': JupyterLab's options are letters, digits and _ . - / + ~ = , : @)))
$(if $(filter-out auto venv active,$(call given,USE_ENV)),$(error USE_ENV=$(call given,USE_ENV): use auto, venv or active))
$(if $(filter-out 0 1,$(call given,USE_PIP)),$(error USE_PIP=$(call given,USE_PIP): use 1 (or leave it empty)))
$(if $(filter-out 0 1,$(call given,CHECKED)),$(error CHECKED=$(call given,CHECKED) is set by make itself: leave it out))
# The make you ran, which every step watches: killed (even by SIGKILL), it takes the run's processes with it.
export HELPERS_RUN_OWNER := $(if $(call not-a-number,$(value HELPERS_RUN_OWNER)),$(shell echo $$PPID),$(value HELPERS_RUN_OWNER))
VENV := .venv
LOCK := requirements.lock
ENV_CHECK := src/helpers/tools/env_check.py
ENV_OPTIONS = --python=$(PYTHON) --given=$(GIVEN_PYTHON) --uv=$(UV) --use-pip=$(USE_PIP)
ACTIVE_ENV := $(filter-out $(abspath $(VENV)),$(abspath $(or $(VIRTUAL_ENV),$(CONDA_PREFIX))))
ifneq ($(ACTIVE_ENV),)
ACTIVE_ENV_PROBLEM := $(if $(filter auto,$(USE_ENV)),$(strip $(shell $(ACTIVE_ENV)/bin/python $(ENV_CHECK) matches $(LOCK) 2>&1 || echo " ")))
$(if $(ACTIVE_ENV_PROBLEM),$(info Not using the active environment $(ACTIVE_ENV): $(ACTIVE_ENV_PROBLEM); using .venv \
  (make USE_ENV=active installs the lock into it instead).),$(if $(filter auto active,$(USE_ENV)),$(eval VENV := $(ACTIVE_ENV))))
endif
PY := $(VENV)/bin/python
# .venv's stamp records what it was built from; an active env that already matches needs no stamp.
ENV_STAMP := $(if $(filter .venv,$(VENV)),$(VENV)/.installed,$(if $(filter active,$(USE_ENV)),.env-active))
# uv installs no bytecode: Python writes the .pyc of what it imports, once. PYTHONDONTWRITEBYTECODE (set on many CI
# machines) would make every step recompile its imports (~2 s a step). uv never downloads a Python of its own.
unexport PYTHONDONTWRITEBYTECODE
export UV_PYTHON_DOWNLOADS := never
# .venv is rebuilt, its stamp up to date or not, when its Python no longer runs, is not supported or is not that
# of a PYTHON named on the command line: looked at by the make you ran (not those it starts, CHECKED=1), then by
# the recipe, which says why and refuses a missing or unsupported PYTHON, or a linked .venv, in one sentence.
ifeq ($(VENV)$(CHECKED),.venv)
VENV_STALE := $(if $(wildcard $(VENV)/pyvenv.cfg),$(shell $(PY) -E -S $(ENV_CHECK) stale $(GIVEN_PYTHON) 2>/dev/null || echo gone))
endif
$(VENV)/.installed: $(LOCK) pyproject.toml requirements.txt $(if $(VENV_STALE),FORCE)
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11, 3.12 or 3.13, or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) $(ENV_CHECK) venv $(VENV) $(LOCK) requirements.txt $(ENV_OPTIONS)
	@touch $@
# USE_ENV=active: the lock and this package go into the activated environment (nothing is removed). The stamp
# names the environment it was made for: another activated env is installed into, not taken as done.
.env-active: $(LOCK) pyproject.toml requirements.txt $(if $(filter-out $(VENV),$(file <.env-active)),FORCE)
	@$(PY) $(ENV_CHECK) active $(VENV) $(LOCK) requirements.txt $(ENV_OPTIONS)
	@printf '%s\n' '$(VENV)' > $@
env: $(ENV_STAMP) ## Create .venv from requirements.lock with uv (pip if need be); done by every target that needs it
	@echo "Environment: $(VENV) ($$($(PY) --version))"
lock: ## Re-resolve requirements.txt into requirements.lock (every package, hashed) and environment.yml
	@$(PYTHON) $(ENV_CHECK) lock $(LOCK) requirements.txt environment.yml $(ENV_OPTIONS)

## Pipeline --------------------------------------------------------------------
RAW := data/raw/$(DATA)
OUT := reports/$(DATA)
RUN := $(OUT)/notebooks
LANG_OUT := $(addprefix $(OUT)/,$(REPORT_LANG))
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
PAPERMILL := $(PY) -m helpers.pipeline run
# A step's prerequisites include exactly the helper files its notebook loads (tests/test_layout.py checks them
# against the import graph). Shared by every step: the package, paths, notebook set-up, codebook, errors, runner.
H := src/helpers
STEP_HELPERS := $(H)/__init__.py $(H)/paths.py $(H)/notebook.py $(H)/codebook.py $(H)/errors.py $(H)/pipeline.py $(H)/runner.py $(H)/records.py $(H)/kernel.py $(H)/processes.py
# The processed tables (the contract between ingest and the rest) and the stages below them.
PROCESSED_TABLES := $(H)/processed.py
INGEST := $(addprefix $(H)/ingest/,__init__.py cells.py encoding.py identifiers.py layouts.py load.py shapes.py validate.py clean.py)
# The statistics: stats (agreement, and the name every statistic is imported by) and the modules it re-exports.
STATISTICS := $(addprefix $(H)/analysis/,stats.py scores.py reliability.py structure.py polychoric.py differences.py pvalues.py intervals.py missingness.py)
TABLES := $(H)/i18n.py $(H)/ui_text.yaml $(H)/files.py $(H)/analysis/__init__.py $(H)/analysis/tables.py $(H)/analysis/disclosure.py $(STATISTICS)
STATS := $(STATISTICS) $(addprefix $(H)/analysis/,claims.py checks.py roles.py paper_claims.yaml design.py stability.py)
# The paper's own data (reference_dataset in paper_claims.yaml): every dataset's findings table shows its verdicts.
REFERENCE_FILES := $(wildcard data/raw/amirova2020/*)
PUBLISH := $(H)/publish/__init__.py
# The report, a package of its own (the context, the words of each section, the HTML): every module of it.
REPORT := $(wildcard $(H)/publish/report/*.py)
# The report's templates: the folder its HTML module loads (with the body reports' beside the report's).
TEMPLATES := $(wildcard $(H)/publish/templates/*)
# The figures, a package of their own (one module per family of figures, the shared style, text and layout).
FIGURES := $(wildcard $(H)/publish/figures/*.py)
# Parameter stamps: one file per parameter, rewritten (with make's own $(file ...), never through a shell) only
# when its value changes, so that changing REPORT_LANG re-runs exactly the steps that take it. Never before the
# check: a refused value must not become the stamp's. make -n (a dry run) writes nothing, not even a stamp.
PARAMS := $(OUT)/.parameters
same-text = $(and $(findstring x$(1),x$(2)),$(findstring x$(2),x$(1)))
DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))
$(PARAMS)/%: FORCE | $(PARAMS) check-parameters
	$(if $(DRY_RUN)$(and $(wildcard $@),$(call same-text,$(file <$@),$($*))),,$(file >$@,$($*)))
$(PARAMS):
	@mkdir -p $@
FORCE:

# Steps 02-05 are pattern rules whose stem is the language (reports/$(DATA)/<lang>/notebooks/...): building one
# language never makes another stale. Each runs `$(call STEP,<what it writes>)`.
# What a step read reaches its record through the environment (STEP_READS), never a shell line: a file name is data.
STEP = $(PAPERMILL) $< $@ -p lang $* --writes $(1) --from-env dataset=DATA pilot_body=PILOT_BODY
%.ipynb: export STEP_READS = $^
# The dataset's raw files, listed by name, size and modification time in one file (rewritten only when one of them
# changes): file names reach neither make nor a shell, so any name works (spaces, Cyrillic, '$$'), and a link that
# leads outside the dataset's folder is refused by name before a step runs.
$(PARAMS)/RAW: FORCE | $(PARAMS) check-parameters
	$(if $(DRY_RUN),,@$(PY) -m helpers.pipeline raw-manifest $@)
$(RUN)/01_clean.ipynb: notebooks/01_clean.ipynb $(PARAMS)/ON_INVALID $(PARAMS)/RAW $(STEP_HELPERS) $(PROCESSED_TABLES) $(H)/files.py $(INGEST) $(ENV_STAMP) | check-parameters
	$(PAPERMILL) $< $@ --writes processed --from-env dataset=DATA on_invalid=ON_INVALID
$(OUT)/%/notebooks/02_tables.ipynb: notebooks/02_tables.ipynb $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(PUBLISH) $(H)/publish/export.py | check-parameters
	$(call STEP,tables)
$(OUT)/%/notebooks/03_priorities.ipynb: notebooks/03_priorities.ipynb $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(STATS) $(INGEST) $(REFERENCE_FILES) | check-parameters
	$(call STEP,tables)
$(OUT)/%/notebooks/04_figures.ipynb: notebooks/04_figures.ipynb $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(PUBLISH) $(FIGURES) | check-parameters
	$(call STEP,figures tables)
# make -j starts prerequisites in the order listed: the longest (figures) first, the two shorter share the other core.
$(OUT)/%/notebooks/05_report.ipynb: notebooks/05_report.ipynb $(PARAMS)/PILOT_BODY $(OUT)/%/notebooks/04_figures.ipynb $(OUT)/%/notebooks/03_priorities.ipynb $(OUT)/%/notebooks/02_tables.ipynb $(STEP_HELPERS) $(TABLES) $(PROCESSED_TABLES) $(INGEST) $(STATS) $(PUBLISH) $(REPORT) $(TEMPLATES) | check-parameters
	$(call STEP,report)
# The PDF and the check that the report renders with no request leaving it, in headless Chromium (without: one line).
$(OUT)/%/report.pdf: $(OUT)/%/notebooks/05_report.ipynb $(H)/publish/browser.py $(H)/processes.py $(PARAMS)/PAPER
	$(PY) -m helpers.publish.browser $(OUT)/$* --paper $(PAPER)

# The executed notebooks are targets, or precious for a language outside REPORT_LANG: a file reached only through
# pattern rules would be deleted after the build. (The runner moves a record into place last, once the step succeeded.)
STEP_RUNS := $(foreach folder,$(LANG_OUT),$(addprefix $(folder)/notebooks/,02_tables.ipynb 03_priorities.ipynb 04_figures.ipynb 05_report.ipynb))
$(STEP_RUNS):
.PRECIOUS: $(PARAMS)/% $(addprefix $(OUT)/%/notebooks/,02_tables.ipynb 03_priorities.ipynb 04_figures.ipynb 05_report.ipynb)
# Each step says itself what it did, in one line (`[2/5] 02_tables (en) … 3.1 s`): make need not echo the command.
.SILENT: $(RUN)/01_clean.ipynb $(STEP_RUNS) $(addsuffix /report.pdf,$(LANG_OUT))

# Before make looks at any file's date, the parameters are checked (a refused value leaves every file as it was) and
# steps whose files were changed since (e.g. by a notebook run in Lab) forgotten; the make started skips both (CHECKED=1).
# It runs --silent (no "'…/report.pdf' is up to date" when nothing is stale) and prints the steps' lines in the
# pipeline's order, though 02-04 run side by side (STEP_LINES: this run's id, the shell's; helpers.pipeline.announce).
# PILOT_BODY=each: the report of all bodies, then every body's report from one pass (make bodies).
ifeq ($(PILOT_BODY),each)
report: $(ENV_STAMP)
	@$(PY) -m helpers.pipeline check
	@$(MAKE) --no-print-directory report PILOT_BODY=
	@$(MAKE) --no-print-directory bodies PILOT_BODY=
else
report: $(ENV_STAMP) ## Run the whole pipeline on DATA (default amirova2020) in each REPORT_LANG: reports/$(DATA)/<lang>/report.html (+ .pdf)
	@$(PY) -m helpers.pipeline check --forget-altered
	@$(MAKE) --no-print-directory --silent --jobs=$(JOBS) CHECKED=1 STEP_LINES=$$$$ $(addsuffix /report.pdf,$(LANG_OUT)) || { STEP_LINES=$$$$ $(PY) -m helpers.pipeline forget-report; exit 1; }
	@for folder in $(LANG_OUT); do echo "Report: $$folder/report.html"; done
	@# One line when any report shows a string in a fallback language (fallbacks.csv: a header, then one row each).
	@n=0; for folder in $(LANG_OUT); do n=$$((n + $$(tail -n +2 $$folder/fallbacks.csv | wc -l))); done; \
	  test $$n -eq 0 || echo "Fallback: $$n string(s) shown in another language, listed in $(addsuffix /fallbacks.csv,$(LANG_OUT)) (make translations DATA=$(DATA))"
endif

# Every step waits for this check of the parameters against the codebook (order-only: it never makes a step stale).
check-parameters: $(ENV_STAMP)
	$(if $(CHECKED),,@$(PY) -m helpers.pipeline check)
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
translations: $(ENV_STAMP) ## List every string missing in en, ru or kk (ui_text.yaml, the paper's findings, DATA's codebook)
	@$(PY) -m helpers.tools.translations $(DATA)
# A new dataset: NAME, the export it starts from (CSV, .xlsx, KoboToolbox export, SPSS .sav), its XLSForm if any.
NAME ?=
FROM ?=
FORM ?=
new-dataset: $(ENV_STAMP) ## Start data/raw/NAME/: make new-dataset NAME=x FROM=export.csv [FORM=xlsform.xlsx] drafts the codebook from the export
	@$(PY) -m helpers.tools.scaffold
check-codebook: $(ENV_STAMP) ## Every mismatch between data/raw/DATA/codebook.yaml and its export, in seconds (no notebook)
	@$(PY) -m helpers.ingest.check '$(DATA)'
# Every pilot body's report and their index, from one pass over the processed tables (helpers.publish.bodies); the
# PDFs by JOBS Chromiums side by side (without Chromium: one line, no PDF).
bodies: $(ENV_STAMP) ## A report for every pilot body of DATA, from one pass, and an index: reports/$(DATA)/<lang>/bodies/ (also: make report PILOT_BODY=each)
	$(call checked_make,$(RUN)/01_clean.ipynb)
	@$(PY) -m helpers.publish.bodies '$(DATA)' $(REPORT_LANG) --paper $(PAPER) --jobs $(JOBS)
codebook: $(ENV_STAMP) ## The questionnaire of DATA as a page with answer distributions, and its schema.org Dataset: reports/$(DATA)/en/codebook/
	$(call checked_make,$(RUN)/01_clean.ipynb)
	@$(PY) -m helpers.publish.codebook_page '$(DATA)'
# A static site of DATA's report in each REPORT_LANG, from what make report wrote (no notebook runs again), with the
# pipeline drawn for DATA; then checked in headless Chromium (links, requests out, axe-core), one line without it.
site: report ## The report, its executed notebooks, codebook, pipeline and benchmarks as a static site: reports/$(DATA)/site/
	@$(PY) -m helpers.tools.dag --data '$(DATA)' --output $(OUT)/pipeline.svg >/dev/null
	@$(PY) -m helpers.publish.site '$(DATA)' $(REPORT_LANG) --pipeline $(OUT)/pipeline.svg --check
# The steps drawn from make's own account of `make report` (make -nB --trace, the database for what is phony): the
# Makefile's defaults, whatever parameters make was given, so the drawing in docs/ (README) is the same for everyone.
dag: $(ENV_STAMP) ## Draw the steps as this Makefile declares them, what each reads and writes: docs/pipeline.svg
	@$(PY) -m helpers.tools.dag --output docs/pipeline.svg
example-data: $(ENV_STAMP) ## Re-create the synthetic data/raw/example-v2 from its seed (a person's step, never the pipeline's)
	$(PY) -m helpers.tools.synthetic example-v2
# A census-sized synthetic dataset, as an agency's survey tool exports it (numeric codes with value labels, .csv and
# .sav): 80 statements in 16 factors, 6 stakeholder types, 300 bodies. Not tracked by git (data/raw/*).
CENSUS_RESPONDENTS ?= 500000
census-data: $(ENV_STAMP) ## Write the synthetic census data/raw/census: CENSUS_RESPONDENTS (500000), 80 statements, 300 bodies, seeded
	$(PY) -m helpers.tools.synthetic census data/raw/census $(CENSUS_RESPONDENTS)

## Tests and reference outputs ------------------------------------------------
# axe-core, from the npm registry (package.json, package-lock.json): the tests run it in Chromium on the reports.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility test (axe-core) is skipped; install Node.js to run it"; fi
# Tests run in TEST_JOBS processes (pytest-xdist); conftest.py keeps what must share a process together. Their
# scratch folders live in one folder of this copy's own (emptied when a run starts), not in pytest's numbered ones
# under /tmp/pytest-of-<user>: pytest keeps only the last three of those, so a run started by the same user elsewhere
# (another clone's make test) would delete the folders of a run still going, its shared build among them.
TEST_JOBS ?= 2
TEST_TMP := $(or $(TMPDIR),/tmp)/amirova2020-tests$(subst /,-,$(CURDIR))
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
test: $(ENV_STAMP) $(AXE) lint ## Lint, unit tests, tests of the pipeline, and nbval on notebooks/ against their stored outputs
	$(PY) -m pytest -n $(TEST_JOBS) --basetemp=$(TEST_TMP) $(NBVAL) tests notebooks
# Lint (also pre-commit hooks): ruff, and the notebooks still holding nbval's reference (default parameters, python3).
lint: $(ENV_STAMP) ## ruff check and ruff format --check, and whether a notebook was saved with other parameters than the nbval reference
	@$(PY) -m ruff check --quiet . && echo "ruff: no findings"
	@$(PY) -m ruff format --check --quiet . || { echo "ruff format: the files above are not in the project's format: make format"; exit 1; }
	@$(PY) -m helpers.tools.notebook_guard $(NOTEBOOKS)
format: $(ENV_STAMP) ## Rewrite the Python files in ruff's format (pyproject.toml) and apply ruff's safe fixes
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .
# nbdime in this clone's .git/config: `git diff` and merges of notebooks go cell by cell (.gitattributes names them).
nbdime: $(ENV_STAMP) ## Readable notebook diffs and merges in git for this clone (nbdime)
	git config diff.jupyternotebook.command "$(abspath $(VENV))/bin/git-nbdiffdriver diff"
	git config merge.jupyternotebook.driver "$(abspath $(VENV))/bin/git-nbmergedriver merge %O %A %B %L %P"
	git config merge.jupyternotebook.name "jupyter notebook merge driver"
baseline: $(ENV_STAMP) ## Refresh the outputs stored in notebooks/ (the nbval reference) on purpose; review the diff
	$(PY) -m helpers.pipeline baseline $(NOTEBOOKS)

# JupyterLab at the repository root. The named kernel (a kernelspec in the user's Jupyter folder) runs each notebook
# in the environment of the project copy that holds it (helpers.tools.lab_kernel). A busy PORT is an error. Kernels
# talk to Lab over Unix-domain sockets (ipc): no port is opened for them, and none warns of TCP without encryption.
PORT ?= 8888
KERNEL_NAME := amirova2020
LAB_ARGS ?=
lab: $(ENV_STAMP) ## JupyterLab at the repository root (PORT=8888), with the kernel "Amirova 2020 (.venv)"
	@$(PY) -m helpers.tools.lab_kernel $(KERNEL_NAME) "Amirova 2020 ($(notdir $(VENV)))" >/dev/null
	@echo "Kernel \"Amirova 2020 ($(notdir $(VENV)))\" ($(KERNEL_NAME)) registered; JupyterLab on port $(PORT), rooted at $(CURDIR)"
	exec $(PY) -m jupyterlab --ServerApp.root_dir=$(CURDIR) --KernelManager.transport=ipc --port=$(PORT) --ServerApp.port_retries=0 $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)
clean: ## Delete generated outputs (data/processed, reports); never data/raw
	rm -rf data/processed/*/ reports/*/
help: ## List the targets
	@echo "Usage: make <target> [DATA=<folder under data/raw>, now $(DATA)]"
	@# Every description starts in one column, two spaces after the longest target's name.
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z_-]+):.*## /\1\t/' | sed 's/\$$(DATA)/$(DATA)/g' | \
	  awk -F '\t' '{ name[NR] = $$1; text[NR] = $$2; if (length($$1) > width) width = length($$1) } \
	    END { for (i = 1; i <= NR; i++) printf "  %-" width "s  %s\n", name[i], text[i] }'

## Benchmarks ------------------------------------------------------------------
BENCH_REPEAT ?= 5
BENCH_SCALE ?= 1000 10000 100000 1000000
bench: $(ENV_STAMP) ## Time a cold `make report` against its three floors (DAG, lean, bare), and at 1k-1M respondents; writes docs/benchmarks.md
	$(PY) -m helpers.tools.bench --repeat $(BENCH_REPEAT) --scale $(BENCH_SCALE) --output docs/benchmarks.md
# Set-up timings (a section of docs/benchmarks.md), in fresh clones of the committed state; `make bench` runs them first.
SETUP_REPEAT ?= 3
bench-setup: $(ENV_STAMP) ## Time make env, fresh clone -> report (uv beside pip) and make test: a section of docs/benchmarks.md
	$(PY) -m helpers.tools.bench_setup --repeat $(SETUP_REPEAT) --output docs/benchmarks.md
bench: bench-setup

.PHONY: FORCE env lock report check-parameters clean-data tables priorities figures translations new-dataset \
  check-codebook codebook site dag example-data census-data test lint format nbdime baseline lab clean help bench bench-setup
