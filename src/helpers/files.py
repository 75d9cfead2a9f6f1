"""Writing the project's files: whole or not at all, and safe to open in a spreadsheet.

Every file is written to a temporary name in its own folder and moved into
place with `os.replace`, which is atomic on one file system: an interrupted
run or a full disk leaves the old file or the new one, never half of either.

Respondents' free text is data: a text cell that begins with = + - @ (or a
tab or carriage return) would run as a formula when a spreadsheet opens the
file, so such cells get a leading apostrophe (the usual defence against
CSV/formula injection). Numbers are left alone. Column and index labels are
cells too (a stakeholder label heads a column of Table 1): they are treated
the same way. A field holding a carriage return is quoted, as one holding a
line break is, so that every CSV reader splits the rows where the writer did.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number such as -1 or +2.5 is a value, not a formula: it is never changed.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _runs_as_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value)


def _was_neutralised(value) -> bool:
    return isinstance(value, str) and value.startswith("'") and _runs_as_formula(value[1:])


def _each_distinct_value(cells: pd.Series, test) -> np.ndarray:
    """`test` of every cell as a boolean array, computed once per distinct value: a column of a long table
    holds a few distinct values (codes, scores) in up to millions of rows. Missing cells are False."""
    codes, distinct = pd.factorize(cells, use_na_sentinel=True)
    found = np.fromiter((bool(test(value)) for value in distinct), dtype=bool, count=len(distinct))
    return np.append(found, False)[codes]  # code -1 (a missing cell) takes the appended False


def _relabel(labels: pd.Index, change) -> pd.Index:
    """`labels` (columns or index, one level or several) with `change` applied to each text label."""
    if isinstance(labels, pd.MultiIndex):
        return labels.set_levels([_relabel(level, change) for level in labels.levels])
    if not (pd.api.types.is_object_dtype(labels) or pd.api.types.is_string_dtype(labels)):
        return labels
    return labels.map(change).rename(change(labels.name))


def _neutralised(value):
    return "'" + value if _runs_as_formula(value) else value


def _restored(value):
    return value[1:] if _was_neutralised(value) else value


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe; so do such column and
    index labels (a header is a cell in the spreadsheet)."""
    safe = table.copy()
    safe.columns = _relabel(safe.columns, _neutralised)
    safe.index = _relabel(safe.index, _neutralised)
    for column in safe.columns:
        if pd.api.types.is_object_dtype(safe[column]) or pd.api.types.is_string_dtype(safe[column]):
            if isinstance(safe[column].dtype, pd.CategoricalDtype):  # codes read as categories: edit as text
                safe[column] = safe[column].astype(object)
            text = safe[column]
            risky = _each_distinct_value(text, _runs_as_formula)
            if risky.any():  # an assignment through an all-False mask still costs pandas a millisecond a column
                safe.loc[risky, column] = "'" + text[risky]
    return safe


def restore_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """The text as the respondent wrote it, from a neutralised table (for the HTML report, where nothing runs)."""
    restored = table.copy()
    restored.columns = _relabel(restored.columns, _restored)
    restored.index = _relabel(restored.index, _restored)
    for column in restored.columns:
        if pd.api.types.is_object_dtype(restored[column]) or pd.api.types.is_string_dtype(restored[column]):
            text = restored[column]
            added = _each_distinct_value(text, _was_neutralised)
            if added.any():
                restored.loc[added, column] = text[added].str.slice(1)
    return restored


def read_csv_for_people(path: Path) -> pd.DataFrame:
    """A CSV written by `write_csv`, every cell as text as it was before neutralising, empty cells as ''."""
    return restore_formulas(pd.read_csv(path, dtype=str, keep_default_na=False))


def current_umask() -> int:
    """The process's umask (reading it means setting it: it is set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def replace_atomically(path: Path, write) -> Path:
    """Call `write(temporary_path)`, then move the result to `path` in one step; on any error nothing is left."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        # mkstemp makes the file readable by its owner only: give it the mode any new file gets under the
        # user's umask, so tables and reports can be shared with a group or served as other files are.
        os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_text(text: str, path: Path) -> Path:
    """UTF-8 text, written atomically."""
    return replace_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes(data: bytes, path: Path) -> Path:
    return replace_atomically(path, lambda tmp: tmp.write_bytes(data))


def write_csv(frame: pd.DataFrame, path: Path, *, for_spreadsheets: bool = True) -> Path:
    """CSV, UTF-8, '\\n' line ends, no index: the same frame gives the same bytes.

    With `for_spreadsheets` (the default) text cells that a spreadsheet would
    run as a formula are neutralised; the processed tables, read back by the
    pipeline itself, are written as they are.
    """
    table = neutralise_formulas(frame) if for_spreadsheets else frame

    def write(temporary: Path) -> None:
        if holds_carriage_return(table):
            temporary.write_bytes(csv_quoting_carriage_returns(table).encode("utf-8"))
        else:
            table.to_csv(temporary, index=False, encoding="utf-8", lineterminator="\n")

    return replace_atomically(path, write)


def holds_carriage_return(table: pd.DataFrame) -> bool:
    """Whether a text cell or a column label of `table` holds a carriage return."""

    def holds(value) -> bool:
        return isinstance(value, str) and "\r" in value

    if any(holds(label) for label in table.columns.to_flat_index()):
        return True
    columns = (table.iloc[:, position] for position in range(table.shape[1]))
    return any(_each_distinct_value(column, holds).any() for column in columns if _may_hold_text(column))


def _may_hold_text(column: pd.Series) -> bool:
    dtype = column.dtype
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def csv_quoting_carriage_returns(table: pd.DataFrame) -> str:
    """The CSV text of `table` (no index, '\\n' line ends) with every field that holds a carriage return quoted.

    Python's csv writer quotes only a field holding a character of its line terminator: with '\\n' a lone
    '\\r' in a free-text answer is written bare, and a reader that takes it for a line end (Python's csv
    module, spreadsheets) splits the row there. Written with '\\r\\n' every field holding '\\r' or '\\n' is
    quoted, and every other field exactly as with '\\n'; outside the quotes a '\\r\\n' then only ends a
    record, and is made '\\n' again.
    """
    text = table.to_csv(index=False, lineterminator="\r\n")
    pieces = text.split('"')  # the even pieces lie outside quotes (a doubled quote leaves an empty odd one)
    pieces[::2] = [piece.replace("\r\n", "\n") for piece in pieces[::2]]
    return '"'.join(pieces)
