"""Respondents' own words: every free-text answer the report may show, and the distinct answers written
under an 'Other' option with how many wrote each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def free_text_answers(codebook, respondents: pd.DataFrame, processed: Path) -> list[str]:
    """Every free-text answer the report may show: text profile fields and the 'other' options' free text."""
    columns = [f["id"] for f in codebook.profile() if f["type"] == "text" and f["id"] in respondents.columns]
    answers = set(respondents[columns].stack().dropna().astype(str)) if columns else set()
    choices_path = Path(processed) / "choices.csv"
    if choices_path.exists():
        header = pd.read_csv(choices_path, dtype=str, nrows=0).columns
        if "free_text" in header:  # only that column, each distinct answer once
            answers |= set(
                pd.read_csv(choices_path, usecols=["free_text"], dtype=str, keep_default_na=False)["free_text"].unique()
            )
    return sorted(a for a in answers if a.strip())


def other_answers(choices: pd.DataFrame, codebook) -> pd.DataFrame:
    """question, text, n: each distinct free text written under an 'Other' option, with how many respondents wrote it."""
    texts = choices.loc[choices["free_text"] != ""]
    counts = texts.groupby(["question_id", "free_text"], sort=False)["respondent_id"].nunique().reset_index(name="n")
    order = {q: i for i, q in enumerate(codebook.questions()["question_id"])}
    counts = counts.sort_values(
        ["question_id", "n", "free_text"],
        ascending=[True, False, True],
        kind="stable",
        key=lambda c: c.map(order) if c.name == "question_id" else c,
    )
    return counts.rename(columns={"question_id": "question", "free_text": "text"}).reset_index(drop=True)
