"""Cell-level readers shared by the shapes, validation and cleaning of an export.

Each reads one kind of cell the same way wherever it is met: a duration such as
"5 years 5 months", a code or label of the codebook, a score or its label. They
sit below shapes, validate and clean, which all use them and import nothing
from each other in a circle.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from helpers.codebook import INVISIBLE, Codebook

_DURATION = re.compile(
    r"^\s*(?P<bound>more than|over|более|больше|свыше)?\s*"
    # At most four digits: '99999999999999999999 years' is no duration (and no number a column of them holds).
    r"(?:(?P<years>\d{1,4})\s*(?:years?|yrs?|года?|лет|жыл))?\s*"
    r"(?:(?P<months>\d{1,4})\s*(?:months?|mos?|месяц(?:а|ев)?|мес\.?|ай))?\s*$",
    re.IGNORECASE,
)


def parse_duration(text: str) -> tuple[int, bool] | None:
    """'5 years 5 months' -> (65, False); 'More than 10 years' -> (120, True); None if unreadable.

    The flag marks a lower bound: the respondent gave only "more than".
    Russian and Kazakh units are read too ('5 лет 5 месяцев', '3 жыл 2 ай').
    """
    match = _DURATION.match(text or "")
    if not match or (match["years"] is None and match["months"] is None):
        return None
    months = int(match["years"] or 0) * 12 + int(match["months"] or 0)
    return months, match["bound"] is not None


def each_distinct(values: pd.Series, transform):
    """`transform` run on the distinct values of `values` only, its result spread back row by row.

    Exports repeat a few answers many times (a Likert column of 100,000 rows
    holds a handful of different cells), so string work done once per distinct
    value costs almost nothing whatever the number of respondents. `transform`
    takes a Series of the distinct values (missing included) and returns a
    Series or DataFrame of the same length; the result has `values`' index.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    result = transform(pd.Series(uniques, dtype=values.dtype, name=values.name))
    return result.take(codes).set_axis(values.index)


def visible(cells: pd.Series) -> pd.Series:
    """Text cells without INVISIBLE characters (what a person sees)."""
    return cells.str.replace(INVISIBLE, "", regex=True)


def text_key(text) -> str:
    """One text as it is compared with another: invisible characters removed, compatibility forms folded
    (NFKC: full-width 'Ｒ１' is 'R1'), spaces around it dropped, case ignored."""
    return unicodedata.normalize("NFKC", INVISIBLE.sub("", str(text))).strip().casefold()


def text_keys(cells: pd.Series) -> pd.Series:
    """`text_key` of each cell (a Series of text)."""
    return visible(cells).str.normalize("NFKC").str.strip().str.casefold()


def ascii_digits(cells: pd.Series) -> pd.Series:
    """Numbers written with other decimal digits ('３５' full-width, '٣٥' Arabic-Indic) in ASCII digits, so that
    they read as the numbers they are; every other character as it was."""
    return cells.str.replace(r"[^\x00-\x7f]", lambda m: _ascii_digit(m.group()), regex=True)


def _ascii_digit(character: str) -> str:
    digit = unicodedata.decimal(character, None)
    return character if digit is None else str(digit)


def code_lookup(entries: list[dict]) -> dict[str, str]:
    """Map each code and each label in every language (compared as text_key: case and invisible characters
    ignored) to the code."""
    lookup = {}
    for entry in entries:
        lookup[text_key(entry["code"])] = entry["code"]
        for text in filter(None, (entry.get("label") or {}).values()):  # an empty language slot names nothing
            lookup[text_key(text)] = entry["code"]
    return lookup


def category_lookup(field: dict) -> dict[str, str]:
    """Map each value of a category field and each of its labels (`value_labels`, any language) to the value.

    Case-insensitive, as for stakeholder types and scale labels: an export in Russian answers 'Магистр'
    where the codebook's value is 'Master', and the processed tables hold 'Master'.
    """
    labels = field.get("value_labels") or {}
    return code_lookup(
        [{"code": str(value), "label": labels.get(value) or labels.get(str(value))} for value in field["values"]]
    )


#: `export.id_column` of an export without a respondent id (Google Forms collects none; a timestamp is no id: two
#: respondents may send in the same second): each respondent is named by the line of the export its record starts on.
ROW_ID = "@row"


def respondent_ids(cells: pd.Series) -> pd.Series:
    """Respondent ids as a person reads them: spaces around an id (non-breaking ones too), invisible characters
    (INVISIBLE) and compatibility forms (NFKC: 'Ｒ１' is 'R1') do not count; case does.

    The duplicate check and the processed tables both read ids through this, so that 'S000026', 'S000026 ' and
    'S000026\u200b' are one respondent everywhere, never two that collide later in a pivot.
    """
    return visible(cells).str.normalize("NFKC").str.strip()


def score_lookup(codebook: Codebook) -> dict[str, int]:
    """Every way a score may be written -> the scale value: the number itself and each label in every language."""
    lookup = {str(v): v for v in codebook.scale_values}
    lookup.update({f"{v}.0": v for v in codebook.scale_values})  # as some spreadsheets write whole numbers
    for value, translations in (codebook.raw["scale"].get("labels") or {}).items():
        for text in filter(None, (translations or {}).values()):
            lookup[str(text).strip().casefold()] = int(value)
    return lookup


#: A spreadsheet's own date cell arrives as an ISO date (see helpers.ingest.load), whatever format the
#: codebook gives for dates typed as text.
ISO_DATE = "%Y-%m-%d"


def parse_dates(cells: pd.Series, fmt: str) -> pd.Series:
    """Dates written in the codebook's format `fmt` or as ISO dates; NaT where neither reads."""
    text = cells.str.strip()
    parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    return parsed.fillna(pd.to_datetime(text, format=ISO_DATE, errors="coerce"))
