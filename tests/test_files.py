"""Files for people: formula cells neutralised (found once per distinct value, the same cells as a check of each
cell), numbers and the report's text unchanged; a write that fails midway leaves the old file whole."""

import csv

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- every reader sees the same cells -----------------------------------------------------------------
# Characters that change how a CSV splits (line breaks, quotes, delimiters) or how a spreadsheet reads a cell
# (a leading = + - @), among plain letters and digits.
HOSTILE_CHARACTERS = ["a", "Ж", "1", " ", "\r", "\n", '"', "'", ",", ";", "\t", "=", "+", "-", "@"]
text_cells = st.lists(st.sampled_from(HOSTILE_CHARACTERS + ["\r\n"]), max_size=6).map("".join)


@st.composite
def text_frames(draw) -> pd.DataFrame:
    # Two columns at least: pandas skips a line of spaces only, which a one-column table with a cell ' ' is.
    labels = draw(st.lists(text_cells.filter(bool), min_size=2, max_size=4, unique=True))
    rows = draw(st.integers(min_value=0, max_value=5))
    columns = {label: draw(st.lists(text_cells, min_size=rows, max_size=rows)) for label in labels}
    return pd.DataFrame(columns, columns=labels, dtype=object)


def read_with_the_csv_module(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=text_frames())
def test_pandas_and_the_csv_module_read_back_the_cells_write_csv_was_given(frame, tmp_path):
    """A lone carriage return in a free-text answer is quoted: written bare, a reader that takes it for a line
    end (Python's csv module, spreadsheets) splits the row there."""
    # What the report shows: the respondent's text, but for one that already began with an apostrophe and a
    # formula character (ambiguous, see the test above).
    expected = restore_formulas(neutralise_formulas(frame))
    path = write_csv(frame, tmp_path / "t.csv")
    records = read_with_the_csv_module(path)
    assert len(records) == len(frame) + 1
    by_the_csv_module = restore_formulas(pd.DataFrame(records[1:], columns=records[0], dtype=object))
    by_pandas = read_csv_for_people(path)
    for read_back in (by_the_csv_module, by_pandas):
        assert read_back.columns.tolist() == expected.columns.tolist()
        assert read_back.values.tolist() == expected.values.tolist()


def test_only_cells_holding_a_carriage_return_are_quoted_more_than_before(tmp_path):
    frame = pd.DataFrame({"text": ["plain", "two\nlines", "back\rhere", 'say "hi"'], "n": [1, 2, 3, 4]})
    path = write_csv(frame, tmp_path / "t.csv")
    assert path.read_bytes() == b'text,n\nplain,1\n"two\nlines",2\n"back\rhere",3\n"say ""hi""",4\n'
