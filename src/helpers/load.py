"""Read a raw survey export exactly as received: every cell as text, nothing coerced.

Values are kept as strings so that cleaning, not the CSV reader, decides what
each answer means ("NA" stays "NA", "05" stays "05") and so that an error can
quote the value exactly as the file holds it. The frame's index is the line
number in the file (the header is line 1), which is what error messages cite.
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from helpers.codebook import Codebook
from helpers.encoding import AUTO, detect_encoding, sniff_delimiter
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
    """Read the export named in the codebook; return (frame of strings as in the file, file name for messages).

    CSV: the encoding is detected when the codebook says `auto` (the default)
    -- UTF-8 with or without BOM, Windows-1251 or kz1048 -- and the
    delimiter is sniffed from the header when it says `auto` (the default).
    .xlsx: the first sheet, every cell as text.
    """
    export = codebook.export
    path = Path(raw_dir) / export["file"]
    source = _display(path, display_root)
    if not path.exists():
        raise DataValidationError([Problem(source, None, None, None, "the export file named in codebook.yaml (export.file)")])
    if path.stat().st_size == 0:
        raise DataValidationError([Problem(source, None, None, None, "a header row and at least one respondent (the file is empty)")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = _read_xlsx(path, source)
    else:
        frame = _read_csv(path, source, export.get("encoding", AUTO), export.get("delimiter", AUTO))
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise DataValidationError([Problem(source, None, None, None, "at least one respondent row below the header")])
    return frame, source


def _read_csv(path: Path, source: str, encoding: str, delimiter: str) -> pd.DataFrame:
    data = path.read_bytes()
    encoding = detect_encoding(data) if encoding in (None, AUTO) else encoding
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        reason = f"{error.reason} at byte {error.start}" if isinstance(error, UnicodeDecodeError) else str(error)
        raise DataValidationError([Problem(source, None, None, None,
                                           f"text in the encoding {encoding!r} named in codebook.yaml ({reason}); "
                                           "use `encoding: auto` or the file's real encoding")]) from None
    text = text.removeprefix("\ufeff")
    if delimiter in (None, AUTO):
        delimiter = sniff_delimiter(text.split("\n", 1)[0])
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=delimiter)
    except pd.errors.ParserError as error:
        raise DataValidationError([Problem(source, None, None, None, f"a well-formed delimited file ({error})")]) from None
    except pd.errors.EmptyDataError:
        raise DataValidationError([Problem(source, None, None, None, "a header row and at least one respondent")]) from None


def _read_xlsx(path: Path, source: str) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise DataValidationError([Problem(source, None, None, None, f"a readable .xlsx workbook ({type(error).__name__}: {error})")]) from None
    # Excel stores whole numbers as floats: 5 comes back as "5" with dtype=str, but dates come back as timestamps.
    return frame.astype(str).replace({"nan": "", "NaT": ""})


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
    # Codes that repeat on every row (stakeholder type, question, option, factor, statement) are read as
    # categories: the long tables hold a few distinct codes in up to millions of rows, and grouping or
    # comparing by a category is several times faster than by text. The categories are the codes in
    # sorted order, so grouped results come out as they would from text. pilot_body stays text: it is
    # missing for respondents outside the pilot bodies, and the tables fill those cells in.
    code = "category"
    text = {"respondent_id": str, "stakeholder": code, "pilot_body": str}
    respondents = pd.read_csv(folder / "respondents.csv", dtype=text, keep_default_na=False, na_values=[""])
    for column in respondents.columns:
        if column.endswith(("_years", "_months")):
            respondents[column] = respondents[column].astype("Int64")
        elif column.endswith("_lower_bound"):
            respondents[column] = respondents[column].astype("boolean")
    choices = pd.read_csv(folder / "choices.csv", dtype={**text, "question_id": code, "option": code, "free_text": str},
                          keep_default_na=False, na_values=[""])
    likert = pd.read_csv(folder / "likert.csv", dtype={**text, "factor_id": code, "statement_id": code, "score": "Int64",
                                                       "missing_reason": code},
                         keep_default_na=False, na_values=[""])
    # Respondent ids too, converted after reading: the CSV reader merges the categories of each chunk
    # it reads, which is slow for as many categories as respondents.
    for frame in (choices, likert):
        frame["respondent_id"] = frame["respondent_id"].astype(code)
    return {"respondents": respondents, "choices": choices, "likert": likert}
