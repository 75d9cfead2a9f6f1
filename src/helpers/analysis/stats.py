"""Agreement and group differences in the Likert answers, with well-kept libraries.

- Kendall's W: concordance of the factor rankings across respondents, from
  scipy's Friedman test (tie-corrected, ranks every respondent at once; W = Q / (n (k - 1))),
  with the chi-square test.
- Cronbach's alpha (pingouin) of each factor's statements, only with enough
  respondents; otherwise a plain statement of why not.
- Krippendorff's alpha, ordinal, over the whole scale (the krippendorff
  package): how far respondents agree statement by statement.
- Kruskal-Wallis (scipy) across stakeholder groups, per statement and factor,
  when several groups have several respondents.
Each is checked against a published worked example in tests/test_stats.py.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE, Codebook

#: Below this many respondents with every statement of a factor answered,
#: alpha is not reported: with so few, it mostly reflects chance (its
#: confidence interval spans most of the range).
MIN_RESPONDENTS_FOR_ALPHA = 30
#: Kruskal-Wallis compares groups that each have at least this many respondents.
MIN_GROUP_SIZE_FOR_TESTS = 5


def respondent_factor_scores(likert: pd.DataFrame) -> pd.DataFrame:
    """Long: respondent_id, stakeholder, factor_id, score (the mean of the respondent's answers to its statements)."""
    return (likert.dropna(subset=["score"]).assign(score=lambda f: f["score"].astype(float))
            .groupby(["respondent_id", "stakeholder", "factor_id"], sort=False)["score"].mean().reset_index())


def kendalls_w(likert: pd.DataFrame, codebook: Codebook) -> dict:
    """Kendall's W of the factor rankings across respondents (respondents with a score for every factor)."""
    from scipy.stats import friedmanchisquare

    factors = codebook.factors()["factor_id"]
    k = len(factors)
    wide = (respondent_factor_scores(likert).pivot(index="respondent_id", columns="factor_id", values="score")
            .reindex(columns=factors).dropna())
    m = len(wide)
    if m < 2 or k < 3:
        return {"W": np.nan, "chi2": np.nan, "df": k - 1, "p": np.nan, "n_respondents": m, "n_factors": k,
                "note": f"needs at least 3 factors and 2 respondents who scored all of them (here {k} and {m})"}
    # scipy ranks all respondents in one array operation; pingouin's friedman loops over them in Python.
    result = friedmanchisquare(*wide.to_numpy().T)
    return {"W": float(result.statistic) / (m * (k - 1)), "chi2": float(result.statistic), "df": k - 1,
            "p": float(result.pvalue), "n_respondents": m, "n_factors": k, "note": ""}


def factor_reliability(likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE,
                       min_respondents: int = MIN_RESPONDENTS_FOR_ALPHA) -> pd.DataFrame:
    """Per factor: Cronbach's alpha of its statements with its 95 % CI, or why it is not reported."""
    rows = []
    for factor in codebook.factors(lang).itertuples():
        items = likert.loc[likert["factor_id"] == factor.factor_id]
        wide = items.pivot(index="respondent_id", columns="statement_id", values="score").astype(float).dropna()
        n, k = len(wide), wide.shape[1]
        row = {"factor_id": factor.factor_id, "factor": factor.factor, "n_statements": k, "n_complete": n,
               "alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan, "note": ""}
        if k < 2:
            row["note"] = "one statement: alpha needs at least two"
        elif n < min_respondents:
            row["note"] = (f"not computed: {n} respondents answered every statement of this factor, fewer than "
                           f"{min_respondents}; alpha from so few would mostly reflect chance")
        else:
            import pingouin  # only here: it loads statsmodels, matplotlib and seaborn, over a second

            alpha, ci = pingouin.cronbach_alpha(data=wide)
            row.update(alpha=float(alpha), ci_low=float(ci[0]), ci_high=float(ci[1]))
        rows.append(row)
    return pd.DataFrame(rows)


def ordinal_agreement(likert: pd.DataFrame, codebook: Codebook) -> dict:
    """Krippendorff's ordinal alpha: respondents as raters, statements as units, over the full scale."""
    import krippendorff

    matrix = likert.pivot(index="respondent_id", columns="statement_id", values="score").astype(float)
    pairable = (matrix.notna().sum(axis=0) >= 2).sum()
    if len(matrix) < 2 or pairable < 1:
        return {"alpha": np.nan, "n_respondents": len(matrix), "n_statements": matrix.shape[1],
                "note": "needs at least two respondents answering the same statement"}
    alpha = krippendorff.alpha(reliability_data=matrix.to_numpy(), level_of_measurement="ordinal",
                               value_domain=codebook.scale_values)
    return {"alpha": float(alpha), "n_respondents": len(matrix), "n_statements": matrix.shape[1], "note": ""}


def group_differences(likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE,
                      min_group: int = MIN_GROUP_SIZE_FOR_TESTS) -> pd.DataFrame:
    """Kruskal-Wallis H across stakeholder groups for every statement and every factor.

    Only groups with at least `min_group` respondents take part; with fewer
    than two such groups the table is empty and `note` says why.
    """
    from scipy.stats import kruskal

    sizes = likert.groupby("stakeholder")["respondent_id"].nunique()
    groups = [g for g in codebook.stakeholders()["code"] if sizes.get(g, 0) >= min_group]
    columns = ["level", "id", "label", "n_groups", "n", "H", "p"]
    if len(groups) < 2:
        table = pd.DataFrame(columns=columns)
        table.attrs["note"] = (f"not computed: fewer than two stakeholder groups have {min_group} or more respondents "
                               f"(group sizes: {', '.join(f'{g} {sizes[g]}' for g in sizes.index)})")
        return table
    rows = []
    statements = codebook.statements(lang)
    scored = likert.loc[likert["stakeholder"].isin(groups)].dropna(subset=["score"])
    # One pass over the rows: split by item and group once, not by filtering the whole frame per item.
    by_statement = _samples(scored.assign(score=scored["score"].astype(float)), "statement_id")
    for statement in statements.itertuples():
        samples = by_statement.get(statement.statement_id, [])
        rows.append(_kruskal_row("statement", statement.statement_id, statement.statement, samples, kruskal))
    by_factor = _samples(respondent_factor_scores(scored), "factor_id")
    for factor in codebook.factors(lang).itertuples():
        samples = by_factor.get(factor.factor_id, [])
        rows.append(_kruskal_row("factor", factor.factor_id, factor.factor, samples, kruskal))
    table = pd.DataFrame(rows, columns=columns)
    table.attrs["note"] = ""
    return table


def _samples(scores: pd.DataFrame, item: str) -> dict[str, list[np.ndarray]]:
    """{item id: [the scores of each stakeholder group, groups in sorted order]}."""
    samples: dict[str, list[np.ndarray]] = {}
    for (item_id, _), group in scores.groupby([item, "stakeholder"], sort=True)["score"]:
        samples.setdefault(item_id, []).append(group.to_numpy(dtype=float))
    return samples


def _kruskal_row(level, item_id, label, samples, kruskal) -> dict:
    samples = [s for s in samples if len(s)]
    n = sum(len(s) for s in samples)
    pooled = np.concatenate(samples) if samples else np.array([])
    if len(samples) < 2 or np.all(pooled == pooled[0]):
        return {"level": level, "id": item_id, "label": label, "n_groups": len(samples), "n": n, "H": np.nan, "p": np.nan}
    result = kruskal(*samples)
    return {"level": level, "id": item_id, "label": label, "n_groups": len(samples), "n": n,
            "H": float(result.statistic), "p": float(result.pvalue)}
