"""The one line that sets up a notebook: its dataset's paths and how tables print.

Every notebook starts the same way under papermill, nbval and JupyterLab:

    from helpers.notebook import setup
    paths = setup(dataset)

and shows its tables with `show(frame)`: the same output wherever it runs, a table in JupyterLab with its text.
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


def show(frame: pd.DataFrame, *, index: bool = True, max_rows: int | None = None) -> None:
    """A table as a reader wants it: one output holding the HTML table JupyterLab shows and the text
    (`frame.to_string(...)`) a terminal shows, the same wherever the notebook runs (JupyterLab, make report,
    nbval, make baseline). So a notebook run in Lab on the defaults and saved still holds nbval's reference;
    both forms are deterministic, and a pandas release that changes either is a pin change (make baseline)."""
    from IPython.display import display

    text = frame.to_string(index=index, max_rows=max_rows)
    display({"text/html": frame.to_html(index=index, max_rows=max_rows), "text/plain": text}, raw=True)
