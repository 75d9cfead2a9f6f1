"""Missing answers: where they are, the rule that keeps a factor score from resting on too few statements, and
how much treating "no opinion" as missing (rather than as the scale's middle) moves the results.

- `missingness_table`: per statement and stakeholder group (and all respondents), how many answered, said
  "no opinion", or left it blank.
- `apply_min_items`: marks the factor scores a respondent cannot have: fewer than the codebook's
  `analysis.min_items` share of the factor's statements answered (default MIN_ITEMS_SHARE). The statements'
  own answers stay; only the factor score is left out (the `in_factor_score` column every factor score honours).
- `no_opinion_as_midpoint` and `no_opinion_sensitivity`: the answers with "no opinion" recoded to the scale's
  middle, and the largest change that makes to a group's factor score and to the factor order.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.codebook import Codebook

#: A factor score needs at least half its statements answered: the "half rule" of scale scoring (Ware et al.'s
#: SF-36 manual scores a scale when at least half its items are answered); a codebook sets its own in
#: `analysis: {min_items: 0.75}` (a share of the factor's statements) or `min_items: 2` (a count).
MIN_ITEMS_SHARE = 0.5
NO_OPINION, BLANK = "no opinion", "blank"


def _reasons(likert: pd.DataFrame) -> pd.Series:
    """Why each answer is missing, as text ("" where it is not): the processed tables read it as a category."""
    return likert["missing_reason"].astype(object).fillna("")


def min_items_setting(codebook: Codebook) -> float:
    """The codebook's `analysis.min_items` (a share in (0, 1] or a whole count of statements), else the default."""
    value = (codebook.raw.get("analysis") or {}).get("min_items", MIN_ITEMS_SHARE)
    return float(value)


def required_items(n_statements: int, setting: float) -> int:
    """How many of a factor's `n_statements` must be answered: a share rounds up (half of 3 is 2), a count is
    capped at the factor's statements."""
    if setting <= 1:
        return max(1, math.ceil(setting * n_statements - 1e-9))
    return min(int(setting), n_statements)


def apply_min_items(likert: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """`likert` with `in_factor_score`: False on every row of a respondent's factor whose answered statements
    are fewer than the rule asks (required_items). The answers are kept; factor scores leave them out."""
    setting = min_items_setting(codebook)
    answered = likert["score"].notna()
    keys = [likert["respondent_id"], likert["factor_id"]]
    count = answered.groupby(keys).transform("sum")
    size = likert.groupby(["respondent_id", "factor_id"])["statement_id"].transform("size")
    needed = size.map({k: required_items(int(k), setting) for k in size.unique()})  # once per factor size
    return likert.assign(in_factor_score=(count >= needed).to_numpy())


def factor_scores_below_rule(likert: pd.DataFrame) -> pd.DataFrame:
    """Respondent x factor pairs left out by the minimum-items rule (respondent_id, stakeholder, factor_id,
    answered, statements), for the report to count."""
    if "in_factor_score" not in likert:
        return pd.DataFrame(columns=["respondent_id", "stakeholder", "factor_id", "answered", "statements"])
    out = likert.loc[~likert["in_factor_score"]]
    return (
        out.groupby(["respondent_id", "stakeholder", "factor_id"], sort=False)
        .agg(answered=("score", "count"), statements=("statement_id", "size"))
        .reset_index()
    )


def missingness_table(likert: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per statement (in the codebook's order) and stakeholder group (codebook order; then 'all'): n, answered,
    no_opinion, blank and share_missing (no opinion and blank over n)."""
    reason = _reasons(likert)
    marked = likert.assign(
        answered=likert["score"].notna(),
        no_opinion=likert["score"].isna() & reason.eq(NO_OPINION),
        blank=likert["score"].isna() & ~reason.eq(NO_OPINION),
    )
    statements = list(codebook.statements()["statement_id"])
    groups = [g for g in codebook.stakeholders()["code"] if g in set(likert["stakeholder"])]

    def counts(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.groupby("statement_id")[["answered", "no_opinion", "blank"]].sum().reindex(statements)

    parts = [counts(marked.loc[marked["stakeholder"] == g]).assign(stakeholder=g) for g in groups]
    parts.append(counts(marked).assign(stakeholder="all"))
    table = pd.concat(parts).reset_index().rename(columns={"index": "statement_id"})
    table = table.dropna(subset=["answered"])
    table[["answered", "no_opinion", "blank"]] = table[["answered", "no_opinion", "blank"]].astype(int)
    table["n"] = table[["answered", "no_opinion", "blank"]].sum(axis=1)
    table["share_missing"] = (table["no_opinion"] + table["blank"]) / table["n"]
    factor_of = dict(zip(codebook.statements()["statement_id"], codebook.statements()["factor_id"]))
    table.insert(1, "factor_id", table["statement_id"].map(factor_of))
    return table[["statement_id", "factor_id", "stakeholder", "n", "answered", "no_opinion", "blank", "share_missing"]]


def no_opinion_as_midpoint(likert: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The answers with every "no opinion" scored as the scale's middle ((lowest + highest) / 2, 3 of 1-5)."""
    values = sorted(codebook.scale_values)
    middle = (values[0] + values[-1]) / 2
    recoded = likert["score"].isna() & _reasons(likert).eq(NO_OPINION)
    out = likert.copy()
    out["score"] = out["score"].astype(float).where(~recoded, middle)
    out["missing_reason"] = out["missing_reason"].astype(object).where(~recoded, None)
    return out


def no_opinion_sensitivity(likert: pd.DataFrame, codebook: Codebook, group_scores) -> dict:
    """How far the group factor scores move when "no opinion" is the scale's middle instead of missing:
    recoded (how many answers), max_change (the largest absolute change of a group's factor score), where
    (factor_id, stakeholder of it), and order_changed (whether the factor order, groups weighted equally,
    differs). `group_scores(likert)` is the project's group factor score (stats.group_factor_scores)."""
    recoded = int((likert["score"].isna() & _reasons(likert).eq(NO_OPINION)).sum())
    as_missing = group_scores(likert).set_index(["factor_id", "stakeholder"])["score"]
    as_middle = group_scores(no_opinion_as_midpoint(likert, codebook)).set_index(["factor_id", "stakeholder"])["score"]
    change = (as_middle - as_missing.reindex(as_middle.index)).abs().dropna()
    order = lambda s: list(s.groupby(level="factor_id").mean().sort_values(ascending=False, kind="stable").index)  # noqa: E731
    result = {"recoded": recoded, "max_change": 0.0, "factor_id": "", "stakeholder": "", "order_changed": False}
    if len(change) and recoded:
        factor_id, stakeholder = change.idxmax()
        result.update(
            max_change=float(np.round(change.max(), 12)),
            factor_id=factor_id,
            stakeholder=stakeholder,
            order_changed=order(as_missing) != order(as_middle),
        )
    return result


def with_min_items(data: dict[str, pd.DataFrame], codebook: Codebook) -> dict[str, pd.DataFrame]:
    """The processed tables with the minimum-items rule marked on the answers (apply_min_items): what every step
    after cleaning analyses, so that the tables, the statistics and the figures share one factor score."""
    return {**data, "likert": apply_min_items(data["likert"], codebook)}
