"""The project's validation error: every problem found, each with where and what."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import pandas as pd

PROBLEM_COLUMNS = ["file", "row", "column", "value", "expected", "level"]

#: What cleaning does with rows that have problems: stop with the list, or set them aside and go on.
ON_INVALID = ("stop", "quarantine")

#: A problem stops cleaning (or sets its row aside); a notice only tells a person what was done.
ERROR, NOTICE = "error", "notice"

# Characters that must never reach a terminal raw: C0 and C1 controls other than tab and line breaks
# (an ESC sequence can clear the screen or paint text), and the byte-order mark.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
#: How much of a value a message quotes.
VALUE_LIMIT = 60
#: How many problems the terminal shows per column before it only counts them.
SHOWN_PER_COLUMN = 3
SHOWN_IN_ALL = 30


def printable(value, limit: int = VALUE_LIMIT) -> str:
    """A value quoted for a message: control characters escaped, cut after `limit` characters."""
    text = str(value)
    cut = len(text) > limit
    text = text[:limit]
    text = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), repr(text))
    return text + ("…" if cut else "")


@dataclass(frozen=True)
class Problem:
    """One problem in the input. `row` is the line number in the file (header = 1), or None."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    level: str = ERROR

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {printable(self.column)}"
        found = "" if self.value is None else f": found {printable(self.value)}"
        if self.level == NOTICE:
            return f"{where}{found}: {self.expected}"
        return f"{where}{found}; expected {self.expected}"


class DataValidationError(ValueError):
    """Raised with the full list of problems found in one pass over the input."""

    def __init__(self, problems: list[Problem], full_list: str | None = None):
        self.problems = [p for p in problems if p.level == ERROR] or list(problems)
        self.full_list = full_list
        super().__init__(summary(self.problems, full_list))

    def to_frame(self) -> pd.DataFrame:
        return problems_frame(self.problems)


def summary(problems: list[Problem], full_list: str | None = None) -> str:
    """The problems for a terminal: the first few per column, how many there are, and where the full list is.

    Thousands of problems (a file in the wrong encoding, a shifted column) would otherwise fill the
    screen and hide the one sentence that matters.
    """
    lines = [f"{len(problems)} problem(s) in the input data:"]
    shown, per_column = 0, {}
    for problem in problems:
        key = problem.column
        per_column[key] = per_column.get(key, 0) + 1
        if per_column[key] <= SHOWN_PER_COLUMN and shown < SHOWN_IN_ALL:
            lines.append(f"  - {problem}")
            shown += 1
    if shown < len(problems):
        counts = ", ".join(f"{printable(c) if c else 'the file'}: {n}" for c, n in per_column.items())
        lines.append(f"  … {len(problems) - shown} more not shown (problems per column: {counts})")
    if full_list:
        lines.append(f"The full list: {full_list}")
    return "\n".join(lines)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table with columns file, row, column, value, expected."""
    return pd.DataFrame([asdict(p) for p in problems], columns=PROBLEM_COLUMNS).astype({"row": "Int64"})
