"""The rows the cleaning step processed and set aside, and why, as the report tells them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from helpers.codebook import DEFAULT_LANGUAGE
from helpers.i18n import ui
from helpers.publish.report.tables import read_table


def cleaning_summary(processed: Path) -> dict:
    """How many raw rows were processed and set aside, and why: read from the cleaning step's files."""
    respondents = pd.read_csv(processed / "respondents.csv", dtype=str, keep_default_na=False, na_values=[""])
    rejected_path = processed / "rejected.csv"
    rejected = read_table(rejected_path) if rejected_path.exists() else pd.DataFrame()
    reasons = problem_counts(processed)
    n_rejected = len(rejected)
    return {
        "n_raw": len(respondents) + n_rejected,
        "n_processed": len(respondents),
        "n_rejected": n_rejected,
        "reasons": reasons,
        "respondents": respondents,
    }


def problem_counts(processed: Path) -> list[dict]:
    """n, column, expected: each problem the cleaning step found (validation.csv), with how many rows had it."""
    validation_path = Path(processed) / "validation.csv"
    problems = read_table(validation_path) if validation_path.exists() else pd.DataFrame()
    if problems.empty:
        return []
    counted = problems.groupby(["column", "expected"], sort=False).size().reset_index(name="n")
    return [{"n": row.n, "column": row.column, "expected": row.expected} for row in counted.itertuples()]


#: The language of the cleaning step's messages (what a cell should have held): helpers.ingest writes them in
#: English only, with the codebook's English labels inside, so the report cannot translate them.
MESSAGE_LANGUAGE = DEFAULT_LANGUAGE


def set_aside_reasons(reasons: list[dict], lang: str = DEFAULT_LANGUAGE) -> list[Markup]:
    """Why rows were set aside, one sentence per problem in `lang`. The cleaning step's message inside it stays
    English: in a report in another language it is marked lang="en" (readers and screen readers know) and
    fallbacks.csv lists it (message_fallbacks), as every other string shown in a fallback language."""
    in_a_column = Markup(escape(ui(lang)["set_aside_reason"]))
    whole_row = Markup(escape(ui(lang)["set_aside_row_reason"]))  # e.g. too few or too many fields: no column
    shown = []
    for reason in reasons:
        expected = reason["expected"]
        if lang != MESSAGE_LANGUAGE:
            expected = Markup('<span lang="{}">{}</span>').format(MESSAGE_LANGUAGE, expected)
        column = reason["column"]
        sentence = in_a_column if column and str(column) not in ("None", "nan") else whole_row
        shown.append(sentence.format(n=reason["n"], column=column, expected=expected))
    return shown
