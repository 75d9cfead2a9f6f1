"""The one line that sets up a notebook: its dataset's paths and how tables print.

Every notebook starts the same way under papermill, nbval and JupyterLab:

    from helpers.notebook import setup
    paths = setup(dataset)
"""
from __future__ import annotations

import pandas as pd

from helpers.paths import DatasetPaths, dataset_paths

# Wide enough for a table of four to six stakeholder groups, narrow enough for a screen;
# long statement texts are cut at 60 characters in plain-text output.
DISPLAY_OPTIONS = {"display.width": 200, "display.max_colwidth": 60}


def setup(dataset: str) -> DatasetPaths:
    """Display options for the notebook's printed tables, and the paths of `dataset` (refuses a name that is
    not a plain folder under data/raw)."""
    for option, value in DISPLAY_OPTIONS.items():
        pd.set_option(option, value)
    return dataset_paths(dataset)
