"""The processed tables: the contract between cleaning and every step after it.

`data/processed/<dataset>/` holds three long tables, one row per observation,
written by the cleaning step (helpers.ingest.clean) and read here by analysis
and publishing, which need to know nothing about how an export was read:

    respondents  one row per respondent: stakeholder type, pilot body, cleaned profile
    choices      one row per respondent x question x chosen option, with any free text
    likert       one row per respondent x statement: the score, and why it is missing where it is
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.files import replace_atomically, write_csv

PROCESSED_TABLES = ("respondents", "choices", "likert")
# The respondents' columns cleaning writes as numbers (helpers.ingest.clean): the others are read as text.
_NUMBER_SUFFIXES = ("_years", "_months", "_lower_bound", "_years_decimal")
# A text cell holding one of these is quoted in a CSV: the fast writer leaves such tables to pandas.
_NEEDS_QUOTES = re.compile(r'[,"\n\r]')


def write_processed_table(frame: pd.DataFrame, path: Path, rows_at_once: int = 100_000) -> Path:
    """Write a processed table as CSV: the bytes `helpers.files.write_csv(frame, path, for_spreadsheets=False)`
    writes (pandas' to_csv), in a fraction of its time for a long table.

    pandas formats and quotes cell by cell, row by row: seconds for the millions of cells of a Likert
    table. Here each column's distinct values are written once (a long table holds a few codes and
    scores) and the lines joined, `rows_at_once` rows at a time so that memory stays small. A table with
    something this writer does not format exactly as pandas does (a decimal number, a text cell that
    needs quotes, an empty table) is written by pandas.
    """
    columns = [_csv_cells(frame.iloc[:, position]) for position in range(frame.shape[1])]
    header = [str(name) for name in frame.columns]
    if len(frame) == 0 or not columns or any(c is None for c in columns) or _csv_cells(pd.Series(header)) is None:
        return write_csv(frame, path, for_spreadsheets=False)

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as file:
            file.write((",".join(header) + "\n").encode("utf-8"))
            for start in range(0, len(frame), rows_at_once):
                cells = [texts[codes[start : start + rows_at_once]].tolist() for texts, codes in columns]
                file.write(("\n".join(map(",".join, zip(*cells))) + "\n").encode("utf-8"))

    return replace_atomically(path, write)


def _csv_cells(column: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(each distinct value as pandas' to_csv writes it, then '' for a missing cell; each cell's position
    in that array), or None where this writer cannot be sure to write what pandas writes."""
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    written = []
    for value in distinct:
        if isinstance(value, str):
            if _NEEDS_QUOTES.search(value):
                return None
            written.append(value)
        elif isinstance(value, (bool, np.bool_)):
            written.append("True" if value else "False")
        elif isinstance(value, (int, np.integer)):
            written.append(str(int(value)))
        else:  # a decimal number, a date ...: pandas' own formatting decides
            return None
    return np.array(written + [""], dtype=object), codes  # code -1 (missing) takes the last, ""


def read_processed(folder: Path) -> dict[str, pd.DataFrame]:
    """Read the tidy tables written by the cleaning step, with their proper types."""
    folder = Path(folder)
    missing = [n for n in PROCESSED_TABLES if not (folder / f"{n}.csv").exists()]
    if missing:
        raise FileNotFoundError(
            f"{folder}: no {', '.join(m + '.csv' for m in missing)}; run the cleaning notebook (01_clean) first."
        )
    # Codes that repeat on every row (stakeholder type, question, option, factor, statement) are read as
    # categories: the long tables hold a few distinct codes in up to millions of rows, and grouping or
    # comparing by a category is several times faster than by text. The categories are the codes in
    # sorted order, so grouped results come out as they would from text. pilot_body stays text: it is
    # missing for respondents outside the pilot bodies, and the tables fill those cells in.
    code = "category"
    text = {"respondent_id": str, "stakeholder": code, "pilot_body": str}
    # Every profile column is text unless cleaning wrote it as a number (its name says which): a category
    # coded 1, 2, 3 (an SPSS or Kobo export's) read as numbers would match none of the codebook's values.
    header = pd.read_csv(folder / "respondents.csv", nrows=0).columns
    numeric = ("source_row",)
    respondents = pd.read_csv(
        folder / "respondents.csv",
        dtype={**{c: str for c in header if c not in numeric and not c.endswith(_NUMBER_SUFFIXES)}, **text},
        keep_default_na=False,
        na_values=[""],
    )
    for column in respondents.columns:
        if column.endswith(("_years", "_months")):
            respondents[column] = respondents[column].astype("Int64")
        elif column.endswith("_lower_bound"):
            respondents[column] = respondents[column].astype("boolean")
    choices = pd.read_csv(
        folder / "choices.csv",
        dtype={**text, "question_id": code, "option": code, "free_text": str},
        keep_default_na=False,
        na_values=[""],
    )
    likert = pd.read_csv(
        folder / "likert.csv",
        dtype={**text, "factor_id": code, "statement_id": code, "score": "Int64", "missing_reason": code},
        keep_default_na=False,
        na_values=[""],
    )
    # Respondent ids too, converted after reading: the CSV reader merges the categories of each chunk
    # it reads, which is slow for as many categories as respondents.
    for frame in (choices, likert):
        frame["respondent_id"] = frame["respondent_id"].astype(code)
    # The reader infers the type of categories: codes "1", "2" (an SPSS file's) would become numbers and
    # match no code of the codebook. Keep them text.
    for frame in (respondents, choices, likert):
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype) and not pd.api.types.is_string_dtype(
                frame[column].cat.categories
            ):
                frame[column] = frame[column].cat.rename_categories(lambda value: str(value))
    return {"respondents": respondents, "choices": choices, "likert": likert}
