"""Helpers for reproducing Amirova (2020) and re-running it on new survey data.

The folders follow the data's one-way flow, raw -> processed -> tables and figures -> report:

    ingest/    reading exports: raw survey file -> the processed tables
    analysis/  processed tables -> the paper's tables, statistics, the paper's findings re-checked
    publish/   tables and statistics -> figures, documents (.xlsx, .docx, .tex), the report, its PDF
    tools/     for people, not pipeline steps: synthetic data, new-dataset scaffold, benchmark

Modules every stage uses sit here:

    paths      -- every file location, derived from the repository root and the dataset name
    codebook   -- the questionnaire as data (read and checked)
    errors     -- the project's validation error: every problem with file, row, column, value
    processed  -- the processed tables, the contract between ingest and everything after it
    files      -- atomic writes; CSV safe to open in a spreadsheet
    i18n       -- the words of the report in each language (+ ui_text.yaml)
    notebook   -- the one-line set-up of every notebook
    pipeline   -- the command line the Makefile calls: run a step, check the parameters, refresh the reference
    runner     -- running the notebooks with papermill (a step's outputs staged) and refreshing the nbval reference
    records    -- what each step read and wrote (with SHA-256); forgetting a step and every step after it
    kernel     -- a step's kernel, started quietly in the notebook's folder and stopped at once
    processes  -- a run's processes end with the make that started them (even killed)

Imports point down the flow only: ingest imports nothing from analysis or publish, analysis nothing
from publish; tests/test_layout.py enforces it.
"""
