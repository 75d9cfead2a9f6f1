"""The tables the report shows, read back from the CSVs the earlier steps wrote: every cell as text, the
scores as numbers, the group means with their intervals as one wide table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE
from helpers.files import read_csv_for_people
from helpers.publish.report.numbers import _number


def read_table(path: Path) -> pd.DataFrame:
    """A table CSV as computed: every cell as text, empty cells as '', respondents' text as they wrote it."""
    return read_csv_for_people(path)


def scores_read_back(table: pd.DataFrame, decimals: tuple[str, ...], counts: tuple[str, ...]) -> pd.DataFrame:
    """A table CSV's number columns as numbers. An empty cell is a value the step had nothing to compute from (a
    group that answered none of a factor's statements has no mean and no rank): missing, never an error;
    counts become whole numbers that may be missing."""
    numbers = table.copy()
    for column in (*decimals, *counts):
        numbers[column] = numbers[column].mask(numbers[column] == "").astype(float)
    return numbers.astype({column: "Int64" for column in counts})


PAPER_TABLES = ("table1", "table2", "table3")


def group_means_table(
    group_means: pd.DataFrame, groups: pd.DataFrame, words: dict, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame | None:
    """Factor, item, then per stakeholder type 'mean [low–high]' (the mean alone for a type of one); None when every
    type has one respondent (there is no interval to show)."""
    if not (groups["n"] > 1).any():
        return None
    table = group_means.assign(
        cell=[
            _number(r.mean, lang)
            + (f" [{_number(r.ci_low, lang)}–{_number(r.ci_high, lang)}]" if r.ci_low != "" else "")
            for r in group_means.itertuples()
        ]
    )
    wide = table.pivot(index=["level", "id"], columns="stakeholder", values="cell")
    labels = table.drop_duplicates(["level", "id"]).set_index(["level", "id"])["label"]
    columns = [g for g in groups["stakeholder"] if g in wide.columns]
    small = set(group_means.loc[group_means.get("small", pd.Series(dtype=str)).eq("True"), "stakeholder"])
    small.discard(None)
    heading = {
        g.stakeholder: f"{g.label} (n = {g.n}"
        + (f", {words['small_mark']})" if g.stakeholder in small and g.n > 1 else ")")
        for g in groups.itertuples()
    }
    order = list(dict.fromkeys(zip(group_means["level"], group_means["id"])))
    factor_rows = [key for key in order if key[0] == "factor"]
    statement_rows = [key for key in order if key[0] == "statement"]
    item = f"{words['factor']} / {words['statement']}"
    rows = [
        {"part": words["factors_heading"], item: labels[key], **wide.loc[key, columns].to_dict()} for key in factor_rows
    ]
    rows += [
        {"part": words["statements_heading"], item: f"{key[1]} {labels[key]}", **wide.loc[key, columns].to_dict()}
        for key in statement_rows
    ]
    return pd.DataFrame(rows).fillna("").rename(columns=heading)
