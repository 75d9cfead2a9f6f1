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
from helpers.ingest.encoding import AUTO, detect_encoding, sniff_delimiter
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
    elif path.suffix.lower() == ".sav":
        frame = _read_sav(path, source)
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


def _read_sav(path: Path, source: str) -> pd.DataFrame:
    """An SPSS .sav file (LimeSurvey, Qualtrics, SurveyMonkey): every value as text, codes not labels.

    Whole numbers as "5" (SPSS stores every number as a double), dates as YYYY-MM-DD, missing as blank;
    the value labels belong to the codebook (helpers.ingest.spss drafts one from them).
    """
    import pyreadstat  # only .sav exports need it

    try:
        frame, _ = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=False)
    except Exception as error:  # pyreadstat raises its own error types for a damaged file
        raise DataValidationError([Problem(source, None, None, None, f"a readable SPSS .sav file ({type(error).__name__}: {error})")]) from None
    return frame.apply(_sav_text).astype(str)


def _sav_text(column: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column):
        return column.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else repr(float(v))))
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.strftime("%Y-%m-%d").fillna("")
    return column.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else
                      (v.isoformat() if hasattr(v, "isoformat") else str(v)))


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()
