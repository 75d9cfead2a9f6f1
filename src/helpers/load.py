"""Read a raw survey export exactly as received: every cell as text, nothing coerced.

Values are kept as strings so that cleaning, not the CSV reader, decides what
each answer means ("NA" stays "NA", "05" stays "05") and so that an error can
quote the value exactly as the file holds it. The frame's index is the line
number in the file (the header is line 1), which is what error messages cite.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.codebook import Codebook
from helpers.errors import DataValidationError, Problem


def export_columns(codebook: Codebook) -> list[str]:
    """The columns an export must have, in the codebook's order."""
    export = codebook.export
    columns = [export["id_column"], export["stakeholder_column"]]
    if export.get("pilot_body_column"):
        columns.append(export["pilot_body_column"])
    columns += [f["id"] for f in codebook.profile()]
    for q in codebook.raw["questions"]:
        columns.append(q["id"])
        if q.get("other_column"):
            columns.append(q["other_column"])
    columns += codebook.statements()["statement_id"].tolist()
    return columns


def read_export(raw_dir: Path, codebook: Codebook, display_root: Path | None = None) -> tuple[pd.DataFrame, str]:
    """Read the export named in the codebook; return (frame of strings, file name for messages)."""
    export = codebook.export
    path = Path(raw_dir) / export["file"]
    source = _display(path, display_root)
    if not path.exists():
        raise DataValidationError([Problem(source, None, None, None, "the export file named in codebook.yaml (export.file)")])
    if path.stat().st_size == 0:
        raise DataValidationError([Problem(source, None, None, None, "a header row and at least one respondent (the file is empty)")])
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=export.get("encoding", "utf-8"),
                            sep=export.get("delimiter", ","))
    except UnicodeDecodeError as error:
        raise DataValidationError([Problem(source, None, None, None,
                                           f"text in the encoding {export.get('encoding', 'utf-8')!r} named in codebook.yaml ({error.reason} at byte {error.start})")]) from None
    except pd.errors.ParserError as error:
        raise DataValidationError([Problem(source, None, None, None, f"a well-formed delimited file ({error})")]) from None
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in export_columns(codebook) if c not in frame.columns]
    problems = [Problem(source, 1, column, None, "this column in the header (named in codebook.yaml)") for column in missing]
    if frame.empty:
        problems.append(Problem(source, None, None, None, "at least one respondent row below the header"))
    if problems:
        raise DataValidationError(problems)
    return frame, source


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()


def read_processed(folder: Path) -> dict[str, pd.DataFrame]:
    """Read the tidy tables written by the cleaning step, with their proper types."""
    folder = Path(folder)
    missing = [n for n in ("respondents", "choices", "likert") if not (folder / f"{n}.csv").exists()]
    if missing:
        raise FileNotFoundError(f"{folder}: no {', '.join(m + '.csv' for m in missing)}; run the cleaning notebook (01_clean) first.")
    text = {"respondent_id": str, "stakeholder": str, "pilot_body": str}
    respondents = pd.read_csv(folder / "respondents.csv", dtype=text, keep_default_na=False, na_values=[""])
    for column in respondents.columns:
        if column.endswith(("_years", "_months")):
            respondents[column] = respondents[column].astype("Int64")
        elif column.endswith("_lower_bound"):
            respondents[column] = respondents[column].astype("boolean")
    choices = pd.read_csv(folder / "choices.csv", dtype={**text, "question_id": str, "option": str, "free_text": str},
                          keep_default_na=False, na_values=[""])
    likert = pd.read_csv(folder / "likert.csv", dtype={**text, "factor_id": str, "statement_id": str, "score": "Int64",
                                                       "missing_reason": str},
                         keep_default_na=False, na_values=[""])
    return {"respondents": respondents, "choices": choices, "likert": likert}
