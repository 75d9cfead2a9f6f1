"""The one line that sets up a notebook: its dataset's paths and how tables print.

Every notebook starts the same way under papermill, nbval and JupyterLab:

    from helpers.notebook import setup
    paths = setup(dataset)

and shows its tables with `show(frame)`: a rich table in JupyterLab, plain text in the runs nbval compares.
"""

from __future__ import annotations

import os

import pandas as pd

from helpers.paths import ROOT_VARIABLE, DatasetPaths, dataset_paths

# Wide enough for a table of four to six stakeholder groups, narrow enough for a screen;
# long statement texts are cut at 60 characters in plain-text output.
DISPLAY_OPTIONS = {"display.width": 200, "display.max_colwidth": 60}


def setup(dataset: str) -> DatasetPaths:
    """Display options for the notebook's printed tables, and the paths of `dataset` (refuses a name that is
    not a plain folder under data/raw)."""
    for option, value in DISPLAY_OPTIONS.items():
        pd.set_option(option, value)
    return dataset_paths(dataset)


def show(frame: pd.DataFrame, *, index: bool = True, max_rows: int | None = None) -> None:
    """A table as a reader wants it: an HTML table in JupyterLab (and in make report's executed copies), and
    exactly `print(frame.to_string(...))` in a run on a scratch tree (nbval, `make baseline`, the tests), so the
    stored reference stays plain text, which does not change with pandas' HTML. Both forms are deterministic."""
    text = frame.to_string(index=index, max_rows=max_rows)
    if os.environ.get(ROOT_VARIABLE):
        print(text)
        return
    from IPython.display import display

    display({"text/html": frame.to_html(index=index, max_rows=max_rows), "text/plain": text}, raw=True)
