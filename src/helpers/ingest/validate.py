"""Validation of a canonical export against its codebook, as a pandera schema built from the codebook.

Every check is collected in one pass (pandera's lazy validation) and turned
into the project's Problems: file, row, column, value found, what was
expected. The schema is data-driven: the codebook decides the allowed
stakeholder types, pilot bodies, option letters, scale values and labels.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

import pandas as pd
import pandera.pandas as pa

from helpers.ingest.cells import (
    category_lookup,
    code_lookup,
    each_distinct,
    parse_dates,
    parse_duration,
    ascii_digits,
    respondent_ids,
    score_lookup,
    text_keys,
)
from helpers.codebook import AGE_RANGE, Codebook, value_range
from helpers.ingest.encoding import looks_like_mojibake
from helpers.ingest.identifiers import identifier_problems
from helpers.errors import Problem

#: The name of the duplicate-id check, for its message to name the row that has the id first.
UNIQUE_IDS = "respondent ids unique in the file"


def _blank(s: pd.Series) -> pd.Series:
    return s.str.strip().eq("")


def _check(fn, expected: str) -> pa.Check:
    """A check of each cell on its own, run once per distinct value; `expected` is what the error message says was expected."""
    return pa.Check(lambda s: each_distinct(s, fn).astype(bool), error=expected, name=expected)


#: How a cell of type `years` and of type `decimal_years` is written ("41"; "3,0" or "2.5").
WHOLE_YEARS = r"\d{1,3}"
DECIMAL_YEARS = r"\d{1,3}(?:[.,]\d+)?"
#: A survey weight: digits with a decimal point or comma ("1.25", "0,8", "12").
WEIGHT = r"\d+(?:[.,]\d+)?"


def _years(cells: pd.Series, kind: str) -> pd.Series:
    """Each cell as a number of years (a duration's months / 12); NaN where blank or unreadable, since the type's
    own check already reports an unreadable cell and the range check should not report it twice."""
    text = cells.str.strip()
    if kind == "duration":
        readings = text.map(lambda t: parse_duration(t) if isinstance(t, str) else None)
        return readings.map(lambda r: r[0] / 12 if r else float("nan")).astype("float64")
    pattern = WHOLE_YEARS if kind == "years" else DECIMAL_YEARS
    readable = text.where(text.str.fullmatch(pattern).fillna(False).astype(bool))
    # `\d` is any decimal digit ('３５', '٣٥'): read as the number it is, as cleaning reads it.
    return pd.to_numeric(ascii_digits(readable).str.replace(",", ".", regex=False), errors="coerce")


def _range_checks(field: dict) -> list[pa.Check]:
    """The check that a number of years lies in the field's plausible range (value_range), if it has one."""
    bounds = value_range(field)
    if bounds is None:
        return []
    low, high = bounds
    kind = field["type"]
    return [
        _check(
            lambda s: (lambda years: years.isna() | years.between(low, high))(_years(s, kind)),
            _range_message(field, low, high),
        )
    ]


def _range_message(field: dict, low: float, high: float) -> str:
    """What a cell outside the range should have held, and where the range comes from (so a person can widen it)."""
    span = f"from {low:g} to {high:g} years"
    if field.get("range") is None and (low, high) == AGE_RANGE:
        return f"an age {span}, or blank (to accept other ages, give this field `range: [min, max]` in codebook.yaml)"
    what = "a duration" if field["type"] == "duration" else "a number of years"
    return f"{what} {span} (the field's `range` in codebook.yaml), or blank"


def export_schema(
    codebook: Codebook, present: Collection[str] | None = None
) -> tuple[pa.DataFrameSchema, dict[str, str]]:
    """The pandera schema of the canonical export described by `codebook`.

    Also returns, for the checks that span two columns, the column each one's
    message is about (pandera reports those at the frame level). With `present` (the columns the export has),
    only those are checked: a missing column is reported once, by the reader of the export's shape
    (shapes.to_canonical), in words; pandera would add its own check name ("column_in_dataframe").
    """
    export = codebook.export
    mojibake = _check(
        lambda s: ~looks_like_mojibake(s),
        "readable text (this looks wrongly decoded: check the file's encoding, e.g. kz1048 vs Windows-1251, "
        "or Latin-1 read as Windows-1251)",
    )
    columns: dict[str, pa.Column] = {}

    def add(name: str, *checks: pa.Check, text: bool = True, **options) -> None:
        # Only free-text columns are searched for mojibake: a coded cell that was wrongly decoded already
        # fails its own check (it matches no code, letter or scale label).
        columns[name] = pa.Column(str, checks=[*checks, *([mojibake] if text else [])], nullable=False, **options)

    add(
        export["id_column"],
        _check(lambda s: ~_blank(s), "a respondent id"),
        # Not pandera's `unique`, which compares the cells as written: ids are compared as read
        # (respondent_ids), the way cleaning writes them. Each repeat fails; the first holder does not.
        pa.Check(lambda s: ~respondent_ids(s).duplicated(keep="first"), error=UNIQUE_IDS, name=UNIQUE_IDS),
    )
    stakeholders = set(code_lookup(codebook.raw["stakeholders"]))
    add(
        export["stakeholder_column"],
        _check(
            lambda s: text_keys(s).isin(stakeholders),
            "a stakeholder type from codebook.yaml: " + ", ".join(codebook.stakeholders()["code"]),
        ),
    )
    if export.get("pilot_body_column"):
        bodies = set(code_lookup(codebook.raw.get("pilot_bodies") or []))
        add(
            export["pilot_body_column"],
            _check(
                lambda s: _blank(s) | text_keys(s).isin(bodies),
                "blank or a pilot body from codebook.yaml: " + ", ".join(codebook.pilot_bodies()["code"]),
            ),
        )
    footnotes = set(codebook.footnotes())
    for field in codebook.profile():
        kind = field["type"]
        if kind == "text":
            add(field["id"])
        elif kind == "category":
            allowed = [str(v) for v in field["values"]]
            labelled = " (or its label under value_labels, in any language)" if field.get("value_labels") else ""
            add(
                field["id"],
                _check(
                    lambda s, a=set(category_lookup(field)): _blank(s) | text_keys(s).isin(a),
                    "blank or one of " + ", ".join(allowed) + labelled,
                ),
            )
        elif kind == "date":
            fmt = field["format"]
            today = pd.Timestamp(dt.date.today())
            add(
                field["id"],
                _check(
                    lambda s, f=fmt: _blank(s) | parse_dates(s, f).notna(), f"a date in the format {fmt!r}, or blank"
                ),
                _check(
                    lambda s, f=fmt, d=today: _blank(s) | parse_dates(s, f).isna() | parse_dates(s, f).le(d),
                    "a date that is not in the future",
                ),
            )
        elif kind == "years":
            add(
                field["id"],
                _check(
                    lambda s: _blank(s) | s.str.strip().str.fullmatch(WHOLE_YEARS), "a whole number of years, or blank"
                ),
                *_range_checks(field),
            )
        elif kind == "decimal_years":
            add(
                field["id"],
                _check(
                    lambda s: _blank(s) | s.str.strip().str.fullmatch(DECIMAL_YEARS),
                    "a number of years such as '3', '3,0' or '2.5', or blank",
                ),
                *_range_checks(field),
            )
        elif kind == "duration":
            add(
                field["id"],
                _check(
                    lambda s: (
                        _blank(s) | s.map(lambda t: isinstance(t, str) and parse_duration(t) is not None).astype(bool)
                    ),
                    "a duration such as '5 years 5 months', '4 months' or 'More than 10 years', or blank",
                ),
                *_range_checks(field),
            )
        elif kind == "weight":
            add(
                field["id"],
                _check(
                    lambda s: (
                        s.str.strip().str.fullmatch(WEIGHT).fillna(False)
                        & pd.to_numeric(
                            ascii_digits(s.str.strip()).str.replace(",", ".", regex=False), errors="coerce"
                        ).gt(0)
                    ),
                    "a survey weight above 0 such as '1.25' or '0,8' (every respondent has one)",
                ),
            )
        elif kind == "footnote":
            add(
                field["id"],
                _check(
                    lambda s: _blank(s) | s.str.strip().isin(footnotes),
                    "blank or a footnote key from codebook.yaml: " + ", ".join(footnotes),
                ),
            )
    for question in codebook.raw["questions"]:
        letters = sorted({str(o["letter"]) for o in question["options"]}, key=len, reverse=True)
        only_letters = r"\s*(?:(?:" + "|".join(map(re.escape, letters)) + r")(?:\s+|$))*"
        add(
            question["id"],
            _check(
                lambda s, pattern=only_letters: s.str.fullmatch(pattern),
                f"option letters of {question['id']}: " + " ".join(sorted(letters)),
            ),
            text=False,
        )
        if question.get("other_column"):
            add(question["other_column"])
    scores = score_lookup(codebook)
    missing = {m.casefold() for m in codebook.scale_missing}
    labels = codebook.scale_labels()
    expected = (
        "a score on the scale "
        + ", ".join(f"{v} ({labels.get(v)})" if labels.get(v) else str(v) for v in codebook.scale_values)
        + (", a 'no opinion' answer (" + ", ".join(codebook.scale_missing) + ")" if missing else "")
        + ", or blank"
    )
    whole = {f"{v}.0" for v in codebook.scale_values}
    for statement in codebook.statements()["statement_id"]:
        add(
            statement,
            _check(
                lambda s: (
                    s.str.strip()
                    .str.casefold()
                    .pipe(lambda t: t.eq("") | t.isin(scores) | t.isin(missing) | t.isin(whole))
                ),
                expected,
            ),
            text=False,
        )
    other_checks, frame_check_columns = [], {}
    for question in codebook.raw["questions"]:
        other_letters = {str(o["letter"]) for o in question["options"] if o.get("other")}
        both_present = present is None or {question["id"], question.get("other_column")} <= set(present)
        if question.get("other_column") and other_letters and both_present:
            qid, col = question["id"], question["other_column"]
            message = f"free text only when the 'other' option ({', '.join(sorted(other_letters))}) of {qid} is chosen"
            frame_check_columns[message] = col
            chosen_other = r"(?:^|\s)(?:" + "|".join(map(re.escape, sorted(other_letters))) + r")(?:\s|$)"
            other_checks.append(
                pa.Check(
                    lambda df, q=qid, c=col, o=chosen_other: _blank(df[c]) | df[q].str.contains(o, regex=True),
                    name=message,
                    error=message,
                )
            )
    if present is not None:
        columns = {name: column for name, column in columns.items() if name in set(present)}
    return pa.DataFrameSchema(columns, checks=other_checks, strict=False, coerce=False), frame_check_columns


def validate_export(canonical: pd.DataFrame, codebook: Codebook, source: str) -> list[Problem]:
    """Every problem of the canonical export, in one pass; an empty list when it is valid."""
    schema, frame_check_columns = export_schema(codebook, present=canonical.columns)
    # A direct identifier the codebook would carry into the outputs (helpers.ingest.identifiers).
    found = identifier_problems(canonical, codebook, source)
    try:
        schema.validate(canonical, lazy=True)
    except pa.errors.SchemaErrors as errors:
        # pandera turns an exception raised inside a check into a failure case holding its text: that is a
        # fault of this code, never a property of the data, and must not be shown as a cell's problem.
        broken = [e for e in errors.schema_errors if e.reason_code == pa.errors.SchemaErrorReason.CHECK_ERROR]
        if broken:
            raise CheckFailed(
                "a check of the export failed to run (a fault in helpers.ingest, not in the data): "
                + "; ".join(f"{getattr(e.check, 'name', e.check)}: {e.failure_cases}" for e in broken[:3])
            )
        return found + _problems(errors.failure_cases, canonical, source, frame_check_columns)
    return found


class CheckFailed(RuntimeError):
    """A validation check that raised instead of answering: a fault of the code, reported as one."""


def _problems(failures: pd.DataFrame, canonical: pd.DataFrame, source: str, frame_check_columns: dict) -> list[Problem]:
    problems, first_holders = set(), None
    for failure in failures.itertuples():
        expected = str(failure.check)
        row = None if pd.isna(failure.index) else int(failure.index)
        column = frame_check_columns.get(expected, failure.column if isinstance(failure.column, str) else None)
        if row is not None and column in canonical.columns:
            value = canonical.at[row, column]
        else:
            value = None if pd.isna(failure.failure_case) else str(failure.failure_case)
        if expected == UNIQUE_IDS:
            if first_holders is None:  # once per file: a file may repeat one id thousands of times
                first_holders = _first_holders(canonical[column])
            expected = _duplicate_id_message(canonical[column], row, first_holders)
        problems.add(Problem(source, row, column, value, expected))
    return sorted(problems, key=lambda p: (p.row or 0, p.column or "", p.expected))


def _first_holders(ids: pd.Series) -> pd.Series:
    """For each row, the row that has its respondent id (as read: respondent_ids) first."""
    read = respondent_ids(ids)
    first = read.drop_duplicates(keep="first")
    return read.map(pd.Series(first.index, index=first.to_numpy()))


def _duplicate_id_message(ids: pd.Series, row: int, first_holders: pd.Series) -> str:
    """What the duplicate id on `row` should have been, naming the row that has the id first.

    When the two are written differently (a space after one of them), both spellings are quoted: the
    person sees why two ids that look different are one.
    """
    first = int(first_holders.at[row])
    message = f"{UNIQUE_IDS} (this id is also on row {first}"
    if ids.at[first] != ids.at[row]:
        message += (
            f", written there as {ids.at[first]!r}: spaces, invisible characters and full-width forms in an id "
            "do not count"
        )
    return message + ")"
