"""Scale checks per factor: whether a factor's statements form a scale.

- Cronbach's alpha of each factor's statements with Feldt's F interval (our own
  few lines, checked against pingouin's in the tests: importing pingouin costs
  the step over a second), only with enough respondents; otherwise a plain
  statement of why not.
- Item-total correlations and alpha if an item is deleted. (The factor structure, checked against the
  codebook's factors, is structure's.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE, Codebook

#: Below this many respondents with every statement of a factor answered,
#: alpha is not reported: with so few, it mostly reflects chance (its
#: confidence interval spans most of the range).
MIN_RESPONDENTS_FOR_ALPHA = 30


#: Alpha below this is flagged: the statements do not form a scale here.
LOW_ALPHA = 0.6


def factor_reliability(
    likert: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    min_respondents: int = MIN_RESPONDENTS_FOR_ALPHA,
) -> pd.DataFrame:
    """Per factor: Cronbach's alpha of its statements with its 95 % CI, or why it is not reported.

    `scale` says in words whether the statements form a scale here (alpha of LOW_ALPHA or more).
    """
    rows = []
    for factor in codebook.factors(lang).itertuples():
        wide = _factor_items(likert, factor.factor_id)
        n, k = len(wide), wide.shape[1]
        row = {
            "factor_id": factor.factor_id,
            "factor": factor.factor,
            "n_statements": k,
            "n_complete": n,
            "alpha": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "scale": "",
            "note": "",
        }
        if k < 2:
            row["note"] = "one statement: alpha needs at least two"
        elif n < min_respondents:
            row["note"] = (
                f"not computed: {n} respondents answered every statement of this factor, fewer than "
                f"{min_respondents}; alpha from so few would mostly reflect chance"
            )
        else:
            alpha, ci = cronbach_alpha(wide)
            row.update(alpha=float(alpha), ci_low=float(ci[0]), ci_high=float(ci[1]), scale=scale_verdict(float(alpha)))
        rows.append(row)
    return pd.DataFrame(rows)


def cronbach_alpha(wide: pd.DataFrame, ci: float = 0.95) -> tuple[float, np.ndarray]:
    """Cronbach's alpha of the columns of `wide` (complete rows; at least two columns and two rows) and its
    confidence interval, rounded to 3 decimals.

    alpha = k / (k - 1) * (1 - trace(C) / sum(C)), C the items' sample covariance matrix (the sum of the item
    variances over the variance of the total). The interval is Feldt's (1965): 1 - alpha is proportional to an
    F(n - 1, (n - 1)(k - 1)) variable. Computed in the order pingouin computes it, so the values are the same
    to the last bit (tests/test_stats.py compares them).
    """
    from scipy.stats import f

    n, k = wide.shape
    covariance = wide.cov()
    alpha = (k / (k - 1)) * (1 - np.trace(covariance) / covariance.sum().sum())
    outside = 1 - ci
    df_respondents, df_error = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * f.isf(outside / 2, df_respondents, df_error)
    high = 1 - (1 - alpha) * f.isf(1 - outside / 2, df_respondents, df_error)
    return float(alpha), np.round([low, high], 3)


def scale_verdict(alpha: float) -> str:
    """Alpha in words: whether the factor mean stands for a scale here."""
    if alpha < 0:
        return (
            "negative alpha: these statements do not form a scale here; the factor mean is shown for "
            "comparison with the paper only"
        )
    if alpha < LOW_ALPHA:
        return (
            f"alpha below {LOW_ALPHA}: these statements do not form a scale here; the factor mean is shown for "
            "comparison with the paper only"
        )
    return "the statements form a scale here"


def _factor_items(likert: pd.DataFrame, factor_id: str) -> pd.DataFrame:
    """Respondents x the factor's statements, respondents who answered every one of them."""
    items = likert.loc[likert["factor_id"] == factor_id]
    return items.pivot(index="respondent_id", columns="statement_id", values="score").astype(float).dropna()


def item_statistics(
    likert: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    min_respondents: int = MIN_RESPONDENTS_FOR_ALPHA,
) -> pd.DataFrame:
    """Per statement: its corrected item-total correlation (with the sum of the factor's other statements)
    and the factor's alpha if the statement were deleted; empty where alpha is not computed."""
    rows = []
    statements = codebook.statements(lang)
    for factor_id, block in statements.groupby("factor_id", sort=False):
        wide = _factor_items(likert, factor_id)
        if wide.shape[1] < 3 or len(wide) < min_respondents:
            continue  # with two statements alpha-if-deleted is undefined; with few respondents, chance
        for statement in block.itertuples():
            if statement.statement_id not in wide.columns:
                continue
            rest = wide.drop(columns=statement.statement_id)
            rows.append(
                {
                    "factor_id": factor_id,
                    "statement_id": statement.statement_id,
                    "statement": statement.statement,
                    "n_complete": len(wide),
                    "item_total_r": float(np.corrcoef(wide[statement.statement_id], rest.sum(axis=1))[0, 1]),
                    "alpha_if_deleted": cronbach_alpha(rest)[0],
                }
            )
    return pd.DataFrame(
        rows, columns=["factor_id", "statement_id", "statement", "n_complete", "item_total_r", "alpha_if_deleted"]
    )
