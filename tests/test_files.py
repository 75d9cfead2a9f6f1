"""Files for people: formula cells neutralised (found once per distinct value, the same cells as a check of each
cell), numbers and the report's text unchanged; a write that fails midway leaves the old file whole."""

import numpy as np
import pandas as pd
import pytest

from helpers.files import _runs_as_formula, neutralise_formulas, read_csv_for_people, restore_formulas, write_csv

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


# --- files for spreadsheets and for the report ------------------------------------------------------
def test_formulas_are_neutralised_but_numbers_and_the_reports_text_are_not_changed(tmp_path):
    table = pd.DataFrame({"text": ['=HYPERLINK("x")', "-1", "+2.5", "@SUM(A1)", "plain"], "n": [-1, 2, 3, 4, 5]})
    safe = neutralise_formulas(table)
    assert safe["text"].tolist() == ['\'=HYPERLINK("x")', "-1", "+2.5", "'@SUM(A1)", "plain"]
    assert safe["n"].tolist() == [-1, 2, 3, 4, 5]
    write_csv(table, tmp_path / "t.csv")
    assert read_csv_for_people(tmp_path / "t.csv")["text"].tolist() == table["text"].tolist()


def test_a_write_that_fails_midway_leaves_the_old_file_whole(tmp_path):
    """A full disk (ENOSPC) while writing: the previous file stays as it was, no partial file is left."""
    import errno

    from helpers.files import replace_atomically, write_text

    target = write_text("old report\n", tmp_path / "report.html")

    def fill_the_disk(temporary):
        temporary.write_text("half a rep", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        replace_atomically(target, fill_the_disk)
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
