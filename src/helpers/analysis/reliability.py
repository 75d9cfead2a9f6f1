"""Scale checks per factor: whether a factor's statements form a scale.

- Cronbach's alpha of each factor's statements with Feldt's F interval (our own
  few lines, checked against pingouin's in the tests: importing pingouin costs
  the step over a second), only with enough respondents; otherwise a plain
  statement of why not.
- Item-total correlations and alpha if an item is deleted; exploratory loadings
  (scikit-learn) where n allows, checked against the codebook's factors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE, Codebook
from helpers.analysis.scores import SEED

#: Below this many respondents with every statement of a factor answered,
#: alpha is not reported: with so few, it mostly reflects chance (its
#: confidence interval spans most of the range).
MIN_RESPONDENTS_FOR_ALPHA = 30


#: Alpha below this is flagged: the statements do not form a scale here.
LOW_ALPHA = 0.6


#: The factor structure is checked (exploratory loadings) with at least this many complete respondents
#: per statement, and at least MIN_RESPONDENTS_FOR_STRUCTURE in all (Gorsuch's rule of thumb, 1983).
RESPONDENTS_PER_ITEM_FOR_STRUCTURE = 5


MIN_RESPONDENTS_FOR_STRUCTURE = 100


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


def factor_structure(likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Does the codebook's grouping of statements into factors show in the answers?

    Exploratory factor analysis (scikit-learn, varimax rotation) with as many factors as the codebook
    has, on respondents who answered every statement, standardised. Per statement: its loadings, the
    extracted factor it loads on most, and whether that is the one most of its codebook factor's
    statements load on. Empty (with `note` in attrs) below the rule stated in the constants:
    RESPONDENTS_PER_ITEM_FOR_STRUCTURE complete respondents per statement and MIN_RESPONDENTS_FOR_STRUCTURE in all.
    """
    statements = codebook.statements(lang)
    wide = (
        likert.pivot(index="respondent_id", columns="statement_id", values="score")
        .astype(float)
        .reindex(columns=statements["statement_id"])
        .dropna()
    )
    n, p = wide.shape
    k = len(codebook.factors())
    needed = max(MIN_RESPONDENTS_FOR_STRUCTURE, RESPONDENTS_PER_ITEM_FOR_STRUCTURE * p)
    columns = ["factor_id", "statement_id", "statement", "loads_on", "loading", "fits_codebook"]
    if n < needed or k < 2:
        table = pd.DataFrame(columns=columns)
        table.attrs["note"] = (
            f"not checked: {n} respondents answered all {p} statements; the check needs "
            f"{RESPONDENTS_PER_ITEM_FOR_STRUCTURE} per statement and at least "
            f"{MIN_RESPONDENTS_FOR_STRUCTURE} ({needed} here)"
        )
        return table
    from sklearn.decomposition import FactorAnalysis  # here: scikit-learn costs a step ~0.3 s to import

    standard = (wide - wide.mean()) / wide.std(ddof=0).replace(0, 1)
    model = FactorAnalysis(n_components=k, rotation="varimax", random_state=SEED).fit(standard.to_numpy())
    components = model.components_.T
    components = components * np.where(
        components.sum(axis=0) < 0, -1, 1
    )  # a factor's sign is arbitrary: mostly positive
    loadings = pd.DataFrame(components, index=wide.columns, columns=[f"F{i + 1}" for i in range(k)])
    strongest = loadings.abs().idxmax(axis=1)
    table = statements[["factor_id", "statement_id", "statement"]].copy()
    table["loads_on"] = table["statement_id"].map(strongest)
    table["loading"] = [float(loadings.loc[s, f]) for s, f in zip(table["statement_id"], table["loads_on"])]
    home = table.groupby("factor_id")["loads_on"].agg(lambda f: f.mode().iloc[0])
    table["fits_codebook"] = table["loads_on"] == table["factor_id"].map(home)
    # A codebook factor whose statements share their extracted factor with another codebook factor does not stand apart.
    shared = home.duplicated(keep=False)
    table.loc[table["factor_id"].map(shared), "fits_codebook"] = False
    for name in loadings.columns:
        table[name] = table["statement_id"].map(loadings[name]).round(3)
    table.attrs["note"] = ""
    table.attrs["n"] = n
    return table
