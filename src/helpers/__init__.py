"""Helpers for reproducing Amirova (2020) and re-running it on new survey data.

Modules, named for what they hold:
    paths     -- every file location, derived from the repository root and the dataset name
    codebook  -- the questionnaire as data (read and checked)
    errors    -- the project's validation error: every problem with file, row, column, value
    load      -- reading a raw survey export exactly as received
    clean     -- raw export -> tidy tables (respondents, choices, likert)
    tables    -- aggregations over stakeholder groups and the paper's Tables 1-3
    figures   -- factor-priority figures
    report    -- the self-contained HTML report
    pipeline  -- running the notebooks with papermill and refreshing the nbval reference
"""
