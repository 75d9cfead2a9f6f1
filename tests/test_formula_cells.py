"""Formula cells are found once per distinct value: the same cells as checking every cell one by one."""

import numpy as np
import pandas as pd

from helpers.files import _runs_as_formula, neutralise_formulas, restore_formulas

CELLS = ["=SUM(A1)", "-1", "+2.5", "@x", "\tx", "plain", "'=SUM(A1)", "'-1", "", "-", "=SUM(A1)", None, np.nan, 7, 2.5]


def cell_by_cell_neutralised(column: pd.Series) -> list:
    return ["'" + v if _runs_as_formula(v) else v for v in column]


def test_neutralising_marks_the_same_cells_as_a_check_of_each_cell():
    table = pd.DataFrame(
        {
            "text": pd.Series(CELLS, dtype=object),
            "codes": pd.Categorical(["=a", "b", "=a", None] * 3 + ["b", "b", "-3"]),
            "scores": pd.array([1, None, 3] * 5, dtype="Int64"),
        }
    )
    safe = neutralise_formulas(table)
    for column in ("text", "codes"):
        assert safe[column].tolist() == cell_by_cell_neutralised(table[column].astype(object)), column
    assert safe["scores"].equals(table["scores"])


def test_restoring_takes_back_the_same_cells_as_a_check_of_each_cell():
    text = pd.Series(CELLS * 1000, dtype=object)
    table = pd.DataFrame({"text": text, "kept": ["'plain", "'5"] * (len(text) // 2) + ["'x"] * (len(text) % 2)})
    safe = neutralise_formulas(table)
    restored = restore_formulas(safe)
    for column in table.columns:
        expected = [
            v[1:] if isinstance(v, str) and v.startswith("'") and _runs_as_formula(v[1:]) else v for v in safe[column]
        ]
        assert restored[column].tolist() == expected, column
    # What the respondent wrote comes back (text that already began with an apostrophe and a formula is ambiguous).
    assert restored["text"].tolist()[:6] == CELLS[:6]
    assert restored["kept"].equals(table["kept"])
