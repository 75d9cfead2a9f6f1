"""The reproduction status: Tables 1-3 compared cell for cell with the published tables the codebook
names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE
from helpers.publish.report.tables import read_table


def _reproduction(paths, codebook, computed: dict, lang: str, pilot_body: str, words: dict) -> dict:
    published = published_tables(paths.raw, codebook)
    if not published:
        return {"text": words["reproduction_none"], "differences": [], "n_cells": 0, "n_equal": 0}
    if lang != DEFAULT_LANGUAGE or pilot_body:
        return {"text": words["reproduction_scope"], "differences": [], "n_cells": 0, "n_equal": 0}
    return reproduction_status(computed, published, words, lang=lang)


def reproduction_status(
    computed: dict[str, pd.DataFrame], published: dict[str, pd.DataFrame], words: dict, lang: str = DEFAULT_LANGUAGE
) -> dict:
    """Compare the computed tables with the published ones cell for cell: {n_cells, n_equal, text, differences}."""
    n_cells = n_equal = 0
    differences = []
    for name, table in published.items():
        mine = computed[name]
        if mine.shape != table.shape or list(mine.columns) != list(table.columns):
            differences.append(
                words["reproduction_shape"].format(
                    table=name,
                    published=f"{table.shape[0]} × {table.shape[1]}",
                    computed=f"{mine.shape[0]} × {mine.shape[1]}",
                )
            )
            n_cells += table.size
            continue
        equal = mine.to_numpy() == table.to_numpy()
        n_cells += equal.size
        n_equal += int(equal.sum())
        for i, j in zip(*np.nonzero(~equal)):
            differences.append(
                words["reproduction_difference"].format(
                    table=name, row=i + 1, column=table.columns[j], published=table.iat[i, j], computed=mine.iat[i, j]
                )
            )
    key = "reproduction_equal" if not differences else "reproduction_differ"
    return {
        "n_cells": n_cells,
        "n_equal": n_equal,
        "differences": differences,
        "text": words[key].format(n_equal=n_equal, n_cells=n_cells, n_differ=n_cells - n_equal),
    }


def published_tables(raw_dir: Path, codebook) -> dict[str, pd.DataFrame]:
    """The published tables the codebook names (dataset.published_tables), read as text; each path must lie
    inside the dataset's folder."""
    named = codebook.dataset.get("published_tables") or {}
    folder = Path(raw_dir).resolve()
    tables = {}
    for name, relative in named.items():
        path = (folder / relative).resolve()
        if folder not in path.parents:
            raise ValueError(
                f"{codebook.source}: dataset.published_tables.{name} = {relative!r} lies outside {folder.name}/"
            )
        tables[name] = read_table(path)
    return tables
