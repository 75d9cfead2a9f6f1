"""The project's validation error: every problem found, each with where and what."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

PROBLEM_COLUMNS = ["file", "row", "column", "value", "expected"]


@dataclass(frozen=True)
class Problem:
    """One problem in the input. `row` is the line number in the file (header = 1), or None."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        found = "" if self.value is None else f": found {self.value!r}"
        return f"{where}{found}; expected {self.expected}"


class DataValidationError(ValueError):
    """Raised with the full list of problems found in one pass over the input."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the input data:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))

    def to_frame(self) -> pd.DataFrame:
        return problems_frame(self.problems)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table with columns file, row, column, value, expected."""
    return pd.DataFrame([asdict(p) for p in problems], columns=PROBLEM_COLUMNS).astype({"row": "Int64"})
