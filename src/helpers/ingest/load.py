"""Read a raw survey export exactly as received: every cell as text, nothing coerced.

Values are kept as strings so that cleaning, not the CSV reader, decides what
each answer means ("NA" stays "NA", "05" stays "05") and so that an error can
quote the value exactly as the file holds it. The frame's index is the line
number in the file where each record starts (the header is line 1), counting
blank lines and cells that span lines: what error messages cite.

Nothing is lost on the way. A CSV is read record by record with each
record's own lines: a record with too few or too many fields is a problem (a
reader would pad or shift it), and a quoted cell that swallows lines which
look like rows of their own (an unclosed quote) stops the load, naming the
line where the quote opens.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pandas as pd

from helpers.codebook import INVISIBLE, Codebook
from helpers.errors import NOTICE, DataValidationError, Problem
from helpers.ingest.cells import each_distinct
from helpers.ingest.layouts import one_header_row
from helpers.ingest.encoding import AUTO, ENCODINGS_TRIED, detect_encoding, looks_like_mojibake, sniff_delimiter

# Control characters have no place in a survey answer; an ESC sequence would repaint a terminal and a
# NUL breaks every spreadsheet writer. Tab and line breaks are ordinary text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Share of non-blank text cells that may look wrongly decoded before the whole file is called mis-encoded.
MOJIBAKE_SHARE = 0.2
#: The longest cell an export may hold (the csv module's default limit): a free-text answer is far shorter.
MAX_CELL = 131_072
#: The most columns a header may have: what a spreadsheet holds (Excel's limit). A frame of two million columns
#: kills the notebook's kernel; an export this wide is not a survey's.
MAX_COLUMNS = 16_384


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

    Problems of single records (a wrong number of fields, a control character) do not stop the read:
    they are in `frame.attrs["problems"]`, for cleaning to report or set the rows aside. Problems of
    the whole file (encoding, an unclosed quote, no header) raise DataValidationError here.

    CSV: the encoding is detected when the codebook says `auto` (the default)
    -- UTF-8 with or without BOM, Windows-1251 or kz1048 -- and the
    delimiter is sniffed from the header when it says `auto` (the default).
    .xlsx: the first sheet, every cell as text.
    """
    export = codebook.export
    path = export_path(raw_dir, export["file"])
    source = _display(path, display_root)
    if not path.exists():
        raise DataValidationError(
            [Problem(source, None, None, None, "the export file named in codebook.yaml (export.file)")]
        )
    if not path.is_file():  # a folder (or a device) where the export should be
        raise DataValidationError(
            [Problem(source, None, None, None, "a file as export.file in codebook.yaml: this names a folder")]
        )
    if path.stat().st_size == 0:
        raise DataValidationError(
            [Problem(source, None, None, None, "a header row and at least one respondent (the file is empty)")]
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame, problems = _read_xlsx(path, source)
    elif path.suffix.lower() == ".sav":
        frame, problems = _read_sav(path, source, statement_headers(codebook))
    else:
        frame, problems = _read_csv(path, source, export.get("encoding", AUTO), export.get("delimiter", AUTO))
    frame, tool = one_header_row(frame)  # Qualtrics' and SurveyMonkey's extra header rows, LimeSurvey's codes
    frame.columns = [str(c).strip() for c in frame.columns]
    problems += duplicate_headers(list(frame.columns), source)
    problems += invisible_in_headers(list(frame.columns), source)
    if frame.empty:
        raise DataValidationError([Problem(source, None, None, None, "at least one respondent row below the header")])
    check_decoding(frame, source, export.get("encoding", AUTO))
    frame.attrs["problems"] = problems + control_characters(frame, source)
    frame.attrs["tool"] = tool
    return frame, source


def export_path(raw_dir: Path, name: str) -> Path:
    """The export file named in the codebook, which must lie inside the dataset's folder.

    A name such as ../../etc/passwd, an absolute path, or a link that points outside the folder is
    refused: the pipeline reads nothing but the dataset it was given.
    """
    folder = Path(raw_dir).resolve()
    path = Path(raw_dir) / str(name)
    if not path.resolve().is_relative_to(folder):
        raise DataValidationError(
            [
                Problem(
                    "codebook.yaml",
                    None,
                    "export.file",
                    str(name),
                    "a file inside the dataset's folder (no '..', no absolute path, no link pointing outside it)",
                )
            ]
        )
    return path


def duplicate_headers(columns: list[str], source: str) -> list[Problem]:
    """A header that names two columns: which of them would the codebook mean?"""
    seen: dict[str, int] = {}
    problems = []
    for position, name in enumerate(columns, start=1):
        shown = INVISIBLE.sub("", name)  # 'Q1' and 'Q1\u200b' look the same: one header twice
        if shown in seen:
            problems.append(
                Problem(
                    source, 1, name, name, f"each column header once (it heads columns {seen[shown]} and {position})"
                )
            )
        else:
            seen[shown] = position
    return problems


def invisible_in_headers(columns: list[str], source: str) -> list[Problem]:
    """A header holding characters that show nothing (codebook.INVISIBLE: a zero-width space, a byte-order mark,
    a direction override): matched without them (shapes.norm), and said, a notice a header naming the code
    points, for the export to be corrected."""
    problems = []
    for name in columns:
        found = sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(name)})
        if found:
            problems.append(
                Problem(
                    source,
                    1,
                    name,
                    name,
                    f"a header without invisible or direction-changing characters ({', '.join(found)}): read as "
                    f"{INVISIBLE.sub('', name)!r}",
                    NOTICE,
                )
            )
    return problems


def control_characters(frame: pd.DataFrame, source: str) -> list[Problem]:
    """A cell holding a control character (NUL, ESC ...): a problem of its row, never passed on."""
    problems = []
    for position, column in enumerate(frame.columns):
        cells = frame.iloc[:, position]
        found = each_distinct(cells, lambda u: u.str.contains(CONTROL_CHARACTERS, regex=True, na=False))
        for row, value in cells[found.astype(bool)].items():
            problems.append(
                Problem(
                    source,
                    int(row),
                    column,
                    value,
                    "text without control characters (NUL, escape sequences ...): retype or delete them in the export",
                )
            )
    return problems


def check_decoding(frame: pd.DataFrame, source: str, declared: str) -> None:
    """Stop with one sentence when the text as a whole looks wrongly decoded.

    A file in another encoding (Latin-1 read as Cyrillic, UTF-8 read as Windows-1251) makes nearly
    every text cell fail on its own; one message about the encoding is what a person can act on.
    """
    counts = pd.Series(frame.to_numpy().ravel()).value_counts()  # each distinct cell once
    counts = counts[counts.index.str.strip() != ""]
    labels = pd.Series([str(c) for c in frame.columns])
    mis_decoded = labels[looks_like_mojibake(labels).to_numpy()].tolist()  # header labels, named in the message
    header_bad = bool(mis_decoded)
    share = (
        counts[looks_like_mojibake(counts.index.to_series()).to_numpy()].sum() / counts.sum() if len(counts) else 0.0
    )
    if header_bad or share > MOJIBAKE_SHARE:
        tried = "the codebook's " + repr(declared) if declared not in (None, AUTO) else ", ".join(ENCODINGS_TRIED)
        raise DataValidationError(
            [
                Problem(
                    source,
                    None,
                    mis_decoded[0] if header_bad else None,
                    None,
                    f"text in a known encoding: {share:.0%} of the cells"
                    + (f" and {len(mis_decoded)} of the header's labels (the first shown)" if header_bad else "")
                    + " look "
                    f"wrongly decoded (encodings tried: {tried}); save the export as UTF-8, or set export.encoding "
                    "in codebook.yaml to the file's real encoding",
                )
            ]
        )


def _read_csv(path: Path, source: str, encoding: str, delimiter: str) -> tuple[pd.DataFrame, list[Problem]]:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4096].count(b"\x00") > len(data[:4096]) // 10:
        raise DataValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    None,
                    "a text file in UTF-8, Windows-1251 or kz1048: this one looks like UTF-16 or a binary file "
                    f"(encodings tried: {', '.join(ENCODINGS_TRIED)}); save it as 'CSV UTF-8'",
                )
            ]
        )
    encoding = detect_encoding(data) if encoding in (None, AUTO) else encoding
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        reason = f"{error.reason} at byte {error.start}" if isinstance(error, UnicodeDecodeError) else str(error)
        raise DataValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    None,
                    f"text in the encoding {encoding!r} named in codebook.yaml ({reason}); "
                    "use `encoding: auto` or the file's real encoding",
                )
            ]
        ) from None
    text = text.removeprefix("\ufeff")
    if delimiter in (None, AUTO):
        delimiter = sniff_delimiter(text.split("\n", 1)[0])
    return read_records(text, delimiter, source)


def read_records(text: str, delimiter: str, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The records of a delimited text, each indexed by the line it starts on; the problems of its shape.

    Python's csv reader splits the records; each record's lines are then checked against the text
    itself, line by line, so that what the reader merged or padded is seen rather than trusted.
    """
    # The csv module's own limit (131,072 characters a field) raises an error that names no place: read any
    # length, and name the cell that is longer than MAX_CELL below.
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise DataValidationError(
            [Problem(source, None, None, None, "a header row and at least one respondent")]
        ) from None
    refuse_wider_than_a_spreadsheet(len(header), source)
    width, problems, spanning = len(header), [], []
    records, starts, end = [], [], reader.line_num
    for record in reader:
        start, end = end + 1, reader.line_num
        if not record:  # a blank line: not a respondent
            continue
        if end > start:
            spanning.append((start, record))
            if len(record) != width:
                # A record over several lines with the wrong number of fields: a quote joined lines that were rows
                # of their own. Setting the joined record aside would hide each respondent after the first.
                raise DataValidationError(
                    [
                        Problem(
                            source,
                            start,
                            None,
                            f"{len(record)} fields over lines {start}-{end}",
                            f"{width} fields, as in the header: a quote that opens on line {start} closes only on "
                            f"line {end}, so those lines were read as one record; close the quote, or write a quote "
                            'inside a cell as two quotes ("")',
                        )
                    ]
                )
        if len(record) != width:
            problems.append(
                Problem(
                    source,
                    start,
                    None,
                    f"{len(record)} fields",
                    f"{width} fields, as in the header ({'too few' if len(record) < width else 'too many'}: "
                    "a missing or extra delimiter)",
                )
            )
            record = (record + [""] * width)[:width]
        if max(map(len, record), default=0) > MAX_CELL:
            problems += _long_cells(record, header, start, source)
            record = [cell if len(cell) <= MAX_CELL else "" for cell in record]
        records.append(record)
        starts.append(start)
    # Cells that span lines: did one swallow lines that are rows of their own (an unclosed quote)?
    # (How each record's first field is written is only needed when some cell spans lines.)
    first_shapes = {_shape(record[0]) for record in records} if spanning else set()
    for start, record in spanning:
        _check_swallowed(start, record, header, delimiter, first_shapes, source)
    frame = pd.DataFrame(records, columns=header, dtype=object, index=pd.Index(starts, name="row"))
    if not records:
        frame = pd.DataFrame(columns=header, dtype=object, index=pd.Index([], name="row", dtype=int))
    return frame.astype(str), problems


def refuse_wider_than_a_spreadsheet(columns: int, source: str) -> None:
    """Stop, in one line naming the file, when its header has more than MAX_COLUMNS columns."""
    if columns > MAX_COLUMNS:
        raise DataValidationError(
            [
                Problem(
                    source,
                    1,
                    None,
                    f"{columns:,} columns",
                    f"at most {MAX_COLUMNS:,} columns, the most a spreadsheet holds (Excel's limit): is this the "
                    "export, or the data turned on its side?",
                )
            ]
        )


def _long_cells(record: list[str], header: list[str], row: int, source: str) -> list[Problem]:
    """A cell longer than MAX_CELL characters: a problem of its row, named with its first characters only."""
    return [
        Problem(
            source,
            row,
            header[i] if i < len(header) else None,
            cell[:40] + "...",
            f"a cell of at most {MAX_CELL:,} characters (this one has {len(cell):,}: a pasted file, or a quote "
            "never closed)",
        )
        for i, cell in enumerate(record)
        if len(cell) > MAX_CELL
    ]


def _shape(text: str) -> str:
    """'R12' -> 'a9', '2021/03/12 10:00' -> '9/9/9 9:9': how a value is written, not what it says."""
    return re.sub(r"[^\W\d_]+", "a", re.sub(r"\d+", "9", text.replace('"', "").strip()))


def _check_swallowed(
    start: int, record: list[str], header: list[str], delimiter: str, first_shapes: set, source: str
) -> None:
    """Stop when a line inside a cell looks like a record of its own.

    A line inside a cell is taken for a swallowed row when it holds at least half the header's
    delimiters, or when it begins like the file's records do (its first field written the way the
    first column is, such as R12 or S000123) and holds at least two delimiters.
    """
    width = len(header)
    for position, cell in enumerate(record):
        inside = cell.split("\n")
        # Every line of a cell that spans lines, its first too: a quote that opens a record's first field takes
        # that whole line into the cell (`"R1,…` closed by the quote that opens the next line).
        swallowed = [
            line
            for line in (inside if len(inside) > 1 else [])
            if width >= 3
            and (
                line.count(delimiter) >= max(2, (width - 1) // 2)
                or (line.count(delimiter) >= 2 and _shape(line.split(delimiter)[0]) in first_shapes)
            )
        ]
        if swallowed:
            column = header[position] if position < width else f"field {position + 1}"
            opens = start + sum(c.count("\n") for c in record[:position])
            raise DataValidationError(
                [
                    Problem(
                        source,
                        opens,
                        column,
                        None,
                        f"a quote that closes in the same cell: a quote opens on line {opens} and closes only on "
                        f"line {opens + len(inside) - 1}, so {len(swallowed)} line(s) that look like rows "
                        "of their own were read as one cell; close the quote, or write a quote inside a cell as "
                        'two quotes ("")',
                    )
                ]
            )


def _read_xlsx(path: Path, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The first sheet, every cell as text, indexed by its row number in the sheet.

    A real date cell becomes an ISO date (2019-11-04); a whole number 5, not 5.0; the text "nan" or
    "NaT" stays text. A formula whose result was never saved (a workbook written by a program, not
    Excel) has no value to read: a problem of its row, never a silent blank.
    """
    import openpyxl

    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False).worksheets[0]
        value_rows = list(values.iter_rows(values_only=True))
        formula_rows = list(formulas.iter_rows(values_only=True))
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise DataValidationError(
            [Problem(source, None, None, None, f"a readable .xlsx workbook ({type(error).__name__}: {error})")]
        ) from None
    if not value_rows:
        raise DataValidationError([Problem(source, None, None, None, "a header row and at least one respondent")])
    header = [_xlsx_text(cell) for cell in value_rows[0]]
    while header and header[-1] == "":
        header.pop()
    refuse_wider_than_a_spreadsheet(len(header), source)
    width, records, starts, problems = len(header), [], [], []
    for number, (row, row_formulas) in enumerate(zip(value_rows[1:], formula_rows[1:]), start=2):
        row, row_formulas = (list(row) + [None] * width)[:width], (list(row_formulas) + [None] * width)[:width]
        if all(v is None for v in row) and all(f is None for f in row_formulas):
            continue  # an empty row of the sheet: not a respondent
        for column, value, formula in zip(header, row, row_formulas):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                problems.append(
                    Problem(
                        source,
                        number,
                        column,
                        formula,
                        "a value: this cell holds a formula whose result was never saved "
                        "(open and save the workbook in Excel, or paste the values)",
                    )
                )
        records.append([_xlsx_text(value) for value in row])
        starts.append(number)
    frame = pd.DataFrame(records, columns=header, dtype=object, index=pd.Index(starts, name="row", dtype=int))
    return frame.astype(str), problems


def _xlsx_text(value) -> str:
    """A cell's value as the text a CSV export would hold."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def statement_headers(codebook: Codebook) -> set[str]:
    """The ids and `column:` aliases of the codebook's statements (empty for a codebook being drafted)."""
    names = set()
    for factor in codebook.raw.get("factors") or []:
        for statement in (factor.get("statements") or []) if isinstance(factor, dict) else []:
            column = statement.get("column")
            names.update([statement.get("id"), *([column] if isinstance(column, str) else (column or []))])
    for statement in codebook.raw.get("statements") or []:  # flat, not yet nested under their factor
        if isinstance(statement, dict):
            column = statement.get("column")
            names.update([statement.get("id"), *([column] if isinstance(column, str) else (column or []))])
    return {str(n) for n in names if n}


def _read_sav(path: Path, source: str, statements: set[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """An SPSS .sav file (LimeSurvey, Qualtrics, SurveyMonkey): every value as text, codes not labels.

    Whole numbers as "5" (SPSS stores every number as a double), dates as YYYY-MM-DD, system-missing as blank;
    the value labels belong to the codebook (helpers.ingest.spss drafts one from them). A declared user-missing
    code (9 = "Затрудняюсь ответить") is kept as written in the variables of `statements`, where the codebook's
    `scale.missing` says what it means ("no opinion"); in any other variable it is read as blank, and each such
    cell is a notice in validation.csv, so that no answer disappears without a word.
    """
    import pyreadstat  # only .sav exports need it

    try:
        refuse_wider_than_a_spreadsheet(pyreadstat.read_sav(str(path), metadataonly=True)[1].number_columns, source)
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True)
    except DataValidationError:
        raise
    except Exception as error:  # pyreadstat raises its own error types for a damaged file
        raise DataValidationError(
            [Problem(source, None, None, None, f"a readable SPSS .sav file ({type(error).__name__}: {error})")]
        ) from None
    frame = frame.apply(_sav_text).astype(str)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    problems = []
    for name, ranges in (meta.missing_ranges or {}).items():
        if name not in frame.columns or name in statements:
            continue
        declared = user_missing_cells(frame[name], ranges)
        labels = meta.variable_value_labels.get(name, {})
        for row, value in frame.loc[declared, name].items():
            label = next((str(t) for c, t in labels.items() if _sav_code(c) == value), None)
            problems.append(
                Problem(
                    source,
                    int(row),
                    name,
                    value,
                    f"an answer: {value!r}{f' ({label})' if label else ''} is a user-missing code of this SPSS "
                    "variable, read as blank",
                    level=NOTICE,
                )
            )
        frame.loc[declared, name] = ""
    return frame, problems


def user_missing_cells(cells: pd.Series, ranges: list[dict]) -> pd.Series:
    """Which cells (text, as _sav_text writes them) hold a code SPSS declares user-missing (`missing_ranges`)."""
    numbers = pd.to_numeric(cells, errors="coerce")
    hit = pd.Series(False, index=cells.index)
    for span in ranges:
        low, high = span.get("lo"), span.get("hi")
        if isinstance(low, str) or isinstance(high, str):
            hit |= cells.eq(str(low)) | cells.eq(str(high))
        else:
            hit |= numbers.between(low, high)
    return hit & cells.ne("")


def _sav_code(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _sav_text(column: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column):
        return column.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else repr(float(v))))
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.strftime("%Y-%m-%d").fillna("")
    return column.map(
        lambda v: (
            ""
            if v is None or (isinstance(v, float) and pd.isna(v))
            else (v.isoformat() if hasattr(v, "isoformat") else str(v))
        )
    )


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()
