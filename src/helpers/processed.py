"""The processed tables: the contract between cleaning and every step after it.

`data/processed/<dataset>/` holds three long tables, one row per observation,
written by the cleaning step (helpers.ingest.clean) and read here by analysis
and publishing, which need to know nothing about how an export was read:

    respondents  one row per respondent: stakeholder type, pilot body, cleaned profile
    choices      one row per respondent x question x chosen option, with any free text
    likert       one row per respondent x statement: the score, and why it is missing where it is
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

PROCESSED_TABLES = ("respondents", "choices", "likert")


def read_processed(folder: Path) -> dict[str, pd.DataFrame]:
    """Read the tidy tables written by the cleaning step, with their proper types."""
    folder = Path(folder)
    missing = [n for n in PROCESSED_TABLES if not (folder / f"{n}.csv").exists()]
    if missing:
        raise FileNotFoundError(
            f"{folder}: no {', '.join(m + '.csv' for m in missing)}; run the cleaning notebook (01_clean) first."
        )
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
    choices = pd.read_csv(
        folder / "choices.csv",
        dtype={**text, "question_id": code, "option": code, "free_text": str},
        keep_default_na=False,
        na_values=[""],
    )
    likert = pd.read_csv(
        folder / "likert.csv",
        dtype={**text, "factor_id": code, "statement_id": code, "score": "Int64", "missing_reason": code},
        keep_default_na=False,
        na_values=[""],
    )
    # Respondent ids too, converted after reading: the CSV reader merges the categories of each chunk
    # it reads, which is slow for as many categories as respondents.
    for frame in (choices, likert):
        frame["respondent_id"] = frame["respondent_id"].astype(code)
    # The reader infers the type of categories: codes "1", "2" (an SPSS file's) would become numbers and
    # match no code of the codebook. Keep them text.
    for frame in (respondents, choices, likert):
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype) and not pd.api.types.is_string_dtype(
                frame[column].cat.categories
            ):
                frame[column] = frame[column].cat.rename_categories(lambda value: str(value))
    return {"respondents": respondents, "choices": choices, "likert": likert}
