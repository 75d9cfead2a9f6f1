"""Missing answers: the table by statement and group, the minimum-items rule, "no opinion" as the midpoint."""

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import missingness, stats
from helpers.codebook import Codebook


class Book(Codebook):
    def __init__(self, raw=None):
        super().__init__("test", raw or {})

    def statements(self, lang="en"):
        return pd.DataFrame({"statement_id": ["s1", "s2", "s3", "s4"], "factor_id": ["f1", "f1", "f1", "f2"]})

    def stakeholders(self, lang="en"):
        return pd.DataFrame({"code": ["a", "b"]})

    @property
    def scale_values(self):
        return [1, 2, 3, 4, 5]


def likert(answers: dict[str, tuple[str, list]]) -> pd.DataFrame:
    """answers: respondent -> (stakeholder, [s1..s4]) with a number, 'no' (no opinion) or None (blank)."""
    factor = {"s1": "f1", "s2": "f1", "s3": "f1", "s4": "f2"}
    rows = []
    for respondent, (group, values) in answers.items():
        for statement, value in zip(factor, values):
            rows.append(
                {
                    "respondent_id": respondent,
                    "stakeholder": group,
                    "factor_id": factor[statement],
                    "statement_id": statement,
                    "score": value if isinstance(value, (int, float)) else np.nan,
                    "missing_reason": {"no": "no opinion", None: "blank"}.get(value)
                    if not isinstance(value, int)
                    else None,
                }
            )
    return pd.DataFrame(rows)


ANSWERS = likert(
    {
        "r1": ("a", [5, 4, 4, 2]),
        "r2": ("a", [3, None, "no", 4]),  # one of three f1 statements answered: below the half rule
        "r3": ("b", [2, "no", 2, None]),  # two of three: enough
    }
)


@pytest.mark.parametrize(
    "k, setting, needed", [(3, 0.5, 2), (4, 0.5, 2), (5, 0.5, 3), (1, 0.5, 1), (3, 1, 3), (3, 2, 2), (2, 5, 2)]
)
def test_required_items_rounds_a_share_up_and_caps_a_count(k, setting, needed):
    assert missingness.required_items(k, setting) == needed


def test_the_rule_leaves_out_factor_scores_on_too_few_statements_and_keeps_the_answers():
    marked = missingness.apply_min_items(ANSWERS, Book())
    assert len(marked) == len(ANSWERS) and marked["score"].equals(ANSWERS["score"])
    below = missingness.factor_scores_below_rule(marked)
    assert below[["respondent_id", "factor_id", "answered", "statements"]].values.tolist() == [
        ["r2", "f1", 1, 3],
        ["r3", "f2", 0, 1],
    ]
    # r3's f2 is blank: no factor score in any case, and the rule names it as well.
    scores = stats.respondent_factor_scores(marked).set_index(["respondent_id", "factor_id"])["score"]
    assert ("r2", "f1") not in scores.index and scores[("r3", "f1")] == 2
    stricter = missingness.apply_min_items(ANSWERS, Book({"analysis": {"min_items": 1.0}}))
    assert set(missingness.factor_scores_below_rule(stricter)["respondent_id"]) == {"r2", "r3"}


def test_the_missingness_table_counts_every_answer_once_by_statement_and_group():
    table = missingness.missingness_table(ANSWERS, Book())
    assert (table["answered"] + table["no_opinion"] + table["blank"] == table["n"]).all()
    every = table.loc[table["stakeholder"] == "all"].set_index("statement_id")
    assert every.loc["s2", ["answered", "no_opinion", "blank"]].tolist() == [1, 1, 1]
    assert every["n"].sum() == len(ANSWERS)
    by_group = table.loc[table["stakeholder"] != "all"].groupby("statement_id")[["answered", "no_opinion", "blank"]]
    assert by_group.sum().equals(every[["answered", "no_opinion", "blank"]])
    assert list(table["stakeholder"].unique()) == ["a", "b", "all"]


def test_no_opinion_as_the_midpoint_recodes_only_no_opinion():
    recoded = missingness.no_opinion_as_midpoint(ANSWERS, Book())
    changed = recoded["score"].ne(ANSWERS["score"]) & ANSWERS["score"].notna() | (
        recoded["score"].notna() & ANSWERS["score"].isna()
    )
    assert set(ANSWERS.loc[changed, "missing_reason"]) == {"no opinion"}
    assert (recoded.loc[changed, "score"] == 3).all()
    result = missingness.no_opinion_sensitivity(ANSWERS, Book(), stats.group_factor_scores)
    # r3 (group b): f1 from mean(2, 2) = 2 to mean(2, 3, 2) = 2.33; r2's f1 from 3 to mean(3, 3) = 3 (a).
    assert result["recoded"] == 2
    assert result["max_change"] == pytest.approx(1 / 3)
    assert (result["factor_id"], result["stakeholder"]) == ("f1", "b")
