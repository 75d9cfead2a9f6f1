# Reproduce Amirova (2020) and re-run it on new survey data.
# `make help` lists the targets. The steps, in order (each is one notebook run by papermill):
#
#   data/raw/$(DATA)/ (export + codebook.yaml, read-only)
#     01_clean   -> data/processed/$(DATA)/{respondents,choices,likert}.csv
#     02_tables  -> reports/$(DATA)/tables/*.csv
#     03_priorities -> reports/$(DATA)/tables/{agreement,reliability,group_means,group_differences,claims,...}.csv
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

# The interpreter that creates .venv: Python 3.11 where it is installed under that name.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
ENV_STAMP := $(VENV)/.installed

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
# The paper's own data (reference_dataset in paper_claims.yaml): every dataset's findings table shows its verdicts.
REFERENCE_FILES := $(wildcard data/raw/amirova2020/*)
PUBLISH := $(H)/publish/__init__.py
RAW_FILES := $(wildcard $(RAW)/*)
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
PAPERMILL := $(PY) -m helpers.pipeline run

## Environment ---------------------------------------------------------------

$(ENV_STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	@# A linked .venv belongs to another copy of the project (make bench links its scratch copy to this one):
	@# `pip install -e .` here would point that environment at this folder. Refuse rather than repoint it.
	@test ! -L $(VENV) || { echo "$(VENV) links to another project's environment: run make env there"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

.PHONY: env
env: $(ENV_STAMP) ## Create .venv with the pinned requirements (done by every target that needs it)

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

$(RUN)/03_priorities.ipynb: notebooks/03_priorities.ipynb $(PARAMS)/REPORT_LANG $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(STATS) $(INGEST) $(REFERENCE_FILES)
	$(PAPERMILL) $< $@ -p dataset $(DATA) -p lang $(REPORT_LANG) -p pilot_body '$(PILOT_BODY)'

$(RUN)/04_figures.ipynb: notebooks/04_figures.ipynb $(PARAMS)/REPORT_LANG $(PARAMS)/PILOT_BODY $(RUN)/01_clean.ipynb $(STEP_HELPERS) $(PROCESSED_TABLES) $(TABLES) $(PUBLISH) $(H)/publish/figures.py
	$(PAPERMILL) $< $@ -p dataset $(DATA) -p lang $(REPORT_LANG) -p pilot_body '$(PILOT_BODY)'

# make -j starts prerequisites in the order listed: the longest step (figures) first, so the two shorter
# ones share the other core instead of the figures running alone at the end.
$(RUN)/05_report.ipynb: notebooks/05_report.ipynb $(PARAMS)/REPORT_LANG $(PARAMS)/PILOT_BODY $(RUN)/04_figures.ipynb $(RUN)/03_priorities.ipynb $(RUN)/02_tables.ipynb $(STEP_HELPERS) $(TABLES) $(PUBLISH) $(H)/analysis/stats.py $(H)/publish/report.py $(H)/publish/templates/report.html.j2
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

.PHONY: test baseline lab clean help
test: $(ENV_STAMP) ## Unit tests, tests of the pipeline, and nbval on notebooks/ against their stored outputs
	$(PY) -m pytest $(NBVAL) tests notebooks

baseline: $(ENV_STAMP) ## Refresh the outputs stored in notebooks/ (the nbval reference) on purpose; review the diff
	$(PY) -m helpers.pipeline baseline $(NOTEBOOKS)

lab: $(ENV_STAMP) ## Open the notebooks in JupyterLab with this environment's kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

clean: ## Delete generated outputs (data/processed, reports); never data/raw
	rm -rf data/processed/*/ reports/*/

help: ## List the targets
	@echo "Usage: make <target> [DATA=<folder under data/raw>]"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z_-]+):.*## /  \1\t/' | expand -t 14

## Benchmarks ------------------------------------------------------------------

BENCH_REPEAT ?= 5
BENCH_SCALE ?= 10000 100000
.PHONY: bench
bench: $(ENV_STAMP) ## Time a cold `make report` against its floor, and the pipeline at national scale; writes docs/benchmarks.md
	$(PY) -m helpers.tools.bench --repeat $(BENCH_REPEAT) --scale $(BENCH_SCALE) --output docs/benchmarks.md
