"""Agreement and group differences in the Likert answers, with well-kept libraries.

- Kendall's W: concordance of the factor rankings across respondents, from
  scipy's Friedman test (tie-corrected, ranks every respondent at once; W = Q / (n (k - 1))),
  with the chi-square p and, with few respondents and factors, an exact (or seeded
  permutation) p from scipy's permutation test: the chi-square is poor there.
- Cronbach's alpha of each factor's statements with Feldt's F interval (our own
  few lines, checked against pingouin's in the tests: importing pingouin costs
  the step over a second), only with enough respondents; otherwise a plain
  statement of why not.
- Krippendorff's alpha, ordinal, over the whole scale (the krippendorff
  package): how far respondents agree statement by statement, with a seeded
  bootstrap CI over statements.
- Kruskal-Wallis (scipy) across stakeholder groups, per statement and factor,
  when several groups have several respondents, with epsilon-squared, Holm and
  Benjamini-Hochberg across the statements (adjust_p), and Dunn's pairwise
  test with Holm's correction (scikit-posthocs).
- Group means with seeded bootstrap CIs, and the share agreeing with Wilson
  intervals (statsmodels).
- Scale checks per factor: item-total correlations and alpha if an item is deleted;
  exploratory loadings (scikit-learn) where n allows.
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
#: Every random draw (bootstrap, permutation) starts from this seed: same data, same bytes out.
SEED = 20200101
BOOTSTRAP_RESAMPLES = 2000
#: Kendall's W: the exact p enumerates (k!)^m rearrangements up to this many; below PERMUTATION_BELOW
#: respondents a seeded permutation p is shown instead; from there on, the chi-square approximation.
EXACT_LIMIT = 500_000
PERMUTATION_BELOW = 30
PERMUTATIONS = 9999
#: Alpha below this is flagged: the statements do not form a scale here.
LOW_ALPHA = 0.6
#: The factor structure is checked (exploratory loadings) with at least this many complete respondents
#: per statement, and at least MIN_RESPONDENTS_FOR_STRUCTURE in all (Gorsuch's rule of thumb, 1983).
RESPONDENTS_PER_ITEM_FOR_STRUCTURE = 5
MIN_RESPONDENTS_FOR_STRUCTURE = 100


def respondent_factor_scores(likert: pd.DataFrame) -> pd.DataFrame:
    """Long: respondent_id, stakeholder, factor_id, score (the mean of the respondent's answers to its statements)."""
    return (
        likert.dropna(subset=["score"])
        .assign(score=lambda f: f["score"].astype(float))
        .groupby(["respondent_id", "stakeholder", "factor_id"], sort=False)["score"]
        .mean()
        .reset_index()
    )


def group_factor_scores(likert: pd.DataFrame) -> pd.DataFrame:
    """Long: stakeholder, factor_id, score, n_respondents. A group's score for a factor is the mean over its
    respondents of their factor scores (respondent_factor_scores): the one definition every table, sentence and
    figure uses, as "Data and methods" states it. Respondents count the same whatever number of the factor's
    statements they answered; a respondent who answered none of them does not count (no row where nobody did).
    """
    return (
        respondent_factor_scores(likert)
        .groupby(["stakeholder", "factor_id"], sort=False, observed=True)["score"]
        .agg(score="mean", n_respondents="count")
        .reset_index()
    )


def format_p(p: float) -> str:
    """'p = 0.063', 'p < 0.001' (never 'p = 0.000'); 'p not computed' for a missing value."""
    if p is None or pd.isna(p):
        return "p not computed"
    return "p < 0.001" if float(p) < 0.001 else f"p = {float(p):.3f}"


def p_as_text(table: pd.DataFrame, columns=("p", "p_chi2", "p_holm", "p_bh")) -> pd.DataFrame:
    """A copy of `table` for display, its p-value columns written as 'p < 0.001' / 'p = 0.063'."""
    shown = table.copy()
    for column in columns:
        if column in shown.columns:
            shown[column] = [format_p(v) if isinstance(v, (int, float)) else v for v in shown[column]]
    return shown


def agree_from(codebook: Codebook) -> int:
    """The lowest scale value that means agreement: the points above the scale's middle (4 and 5 of 1-5)."""
    values = sorted(codebook.scale_values)
    middle = (values[0] + values[-1]) / 2
    return min(v for v in values if v > middle)


def kendalls_w(likert: pd.DataFrame, codebook: Codebook, seed: int = SEED) -> dict:
    """Kendall's W of the factor rankings across respondents (respondents with a score for every factor).

    `p` is the p the report shows, `p_method` says which: exact when every rearrangement of the
    respondents' rankings can be enumerated (at most EXACT_LIMIT), a seeded permutation p when the
    respondents are fewer than PERMUTATION_BELOW, else the chi-square approximation. `p_chi2` is always there.
    """
    from scipy.stats import friedmanchisquare

    factors = codebook.factors()["factor_id"]
    k = len(factors)
    wide = (
        respondent_factor_scores(likert)
        .pivot(index="respondent_id", columns="factor_id", values="score")
        .reindex(columns=factors)
        .dropna()
    )
    m = len(wide)
    if m < 2 or k < 3:
        return {
            "W": np.nan,
            "chi2": np.nan,
            "df": k - 1,
            "p": np.nan,
            "p_method": "",
            "p_chi2": np.nan,
            "n_respondents": m,
            "n_factors": k,
            "note": f"needs at least 3 factors and 2 respondents who scored all of them (here {k} and {m})",
        }
    # scipy ranks all respondents in one array operation; pingouin's friedman loops over them in Python.
    result = friedmanchisquare(*wide.to_numpy().T)
    p, method = friedman_small_sample_p(wide.to_numpy(), seed)
    if method == "":
        p, method = float(result.pvalue), "chi-square approximation"
    return {
        "W": float(result.statistic) / (m * (k - 1)),
        "chi2": float(result.statistic),
        "df": k - 1,
        "p": p,
        "p_method": method,
        "p_chi2": float(result.pvalue),
        "n_respondents": m,
        "n_factors": k,
        "note": "",
    }


def friedman_small_sample_p(scores: np.ndarray, seed: int = SEED) -> tuple[float, str]:
    """(p, how) for the Friedman / Kendall's W test of `scores` (respondents x factors), or (nan, '') when
    the chi-square approximation is good enough (PERMUTATION_BELOW respondents or more).

    Each respondent's scores are rearranged across the factors (scipy's permutation_test with
    permutation_type='samples'); the statistic is the spread of the factor rank sums, which orders
    rearrangements as W does (a respondent's ties move with its scores, so the tie correction is fixed).
    """
    from math import factorial

    from scipy.stats import permutation_test, rankdata

    m, k = scores.shape
    if m >= PERMUTATION_BELOW:
        return np.nan, ""
    total = factorial(k) ** m

    def spread(*columns, axis=-1):
        ranks = rankdata(np.stack(columns, axis=0), axis=0)  # rank within each respondent
        sums = ranks.sum(axis=-1)
        return ((sums - sums.mean(axis=0)) ** 2).sum(axis=0)

    exact = total <= EXACT_LIMIT
    result = permutation_test(
        tuple(scores.T),
        spread,
        permutation_type="samples",
        vectorized=True,
        n_resamples=np.inf if exact else PERMUTATIONS,
        alternative="greater",
        batch=20000,
        rng=np.random.default_rng(seed),
    )
    how = (
        f"exact (all {total:,} rearrangements)"
        if exact
        else f"permutation ({PERMUTATIONS:,} rearrangements, seed {seed})"
    )
    return float(result.pvalue), how


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


def ordinal_agreement(likert: pd.DataFrame, codebook: Codebook, seed: int = SEED, n_resamples: int = 1000) -> dict:
    """Krippendorff's ordinal alpha: respondents as raters, statements as units, over the full scale.

    The estimate is the krippendorff package's. Its 95 % CI is a seeded percentile bootstrap over the
    statements (the units, as Hayes and Krippendorff 2007 resample): alpha depends on the units only
    through the sum of their coincidence matrices, so a resample is a weighted sum of each statement's
    matrix, computed once (unit_coincidences; equal to the package's alpha with every weight 1, see the tests).
    """
    import krippendorff

    matrix = likert.pivot(index="respondent_id", columns="statement_id", values="score").astype(float)
    pairable = (matrix.notna().sum(axis=0) >= 2).sum()
    if len(matrix) < 2 or pairable < 1:
        return {
            "alpha": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "n_respondents": len(matrix),
            "n_statements": matrix.shape[1],
            "note": "needs at least two respondents answering the same statement",
        }
    data = matrix.to_numpy()
    alpha = krippendorff.alpha(
        reliability_data=data, level_of_measurement="ordinal", value_domain=codebook.scale_values
    )
    per_unit = unit_coincidences(data, codebook.scale_values)
    weights = np.random.default_rng(seed).multinomial(
        len(per_unit), np.full(len(per_unit), 1 / len(per_unit)), size=n_resamples
    )
    draws = [ordinal_alpha(np.tensordot(w, per_unit, axes=1)) for w in weights]
    draws = [d for d in draws if np.isfinite(d)]  # a resample with no variation has no alpha
    low, high = np.percentile(draws, [2.5, 97.5]) if draws else (np.nan, np.nan)
    return {
        "alpha": float(alpha),
        "ci_low": float(low),
        "ci_high": float(high),
        "n_respondents": len(matrix),
        "n_statements": matrix.shape[1],
        "note": "",
    }


def unit_coincidences(data: np.ndarray, values: list[int]) -> np.ndarray:
    """Units x values x values: each unit's (column's) coincidence matrix (Krippendorff 2011, section B);
    units with fewer than two values are left out, as they pair nothing."""
    counts = np.stack([(data == v).sum(axis=0) for v in values], axis=1).astype(float)
    pairable = counts.sum(axis=1)
    counts, pairable = counts[pairable >= 2], pairable[pairable >= 2]
    pairs = counts[:, :, None] * counts[:, None, :]
    diagonal = np.arange(len(values))
    pairs[:, diagonal, diagonal] -= counts
    return pairs / (pairable - 1)[:, None, None]


def ordinal_alpha(coincidences: np.ndarray) -> float:
    """Krippendorff's alpha with the ordinal metric, from a coincidence matrix (values in scale order)."""
    n_c = coincidences.sum(axis=0)
    n = n_c.sum()
    cumulative = np.cumsum(n_c)
    c, k = np.meshgrid(np.arange(len(n_c)), np.arange(len(n_c)), indexing="ij")
    low, high = np.minimum(c, k), np.maximum(c, k)
    between = cumulative[high] - np.where(low > 0, cumulative[np.maximum(low - 1, 0)], 0)
    distance = (between - (n_c[c] + n_c[k]) / 2) ** 2
    expected = (np.outer(n_c, n_c) * distance).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(1 - (n - 1) * (coincidences * distance).sum() / expected)


def bootstrap_mean_ci(
    values: np.ndarray, seed: int = SEED, n_resamples: int = BOOTSTRAP_RESAMPLES
) -> tuple[float, float]:
    """95 % percentile bootstrap CI of a mean, seeded; (nan, nan) for fewer than two values.

    Resampling n values with replacement only changes how often each distinct value occurs: the counts are
    drawn as one multinomial per resample, the same bootstrap at a cost that does not grow with n (a few
    distinct scores, however many respondents). Checked against scipy.stats.bootstrap in the tests.
    """
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return np.nan, np.nan
    distinct, counts = np.unique(values, return_counts=True)
    if len(distinct) == 1:
        return float(distinct[0]), float(distinct[0])
    draws = np.random.default_rng(seed).multinomial(len(values), counts / len(values), size=n_resamples)
    means = draws @ distinct / len(values)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def wilson_interval(agree: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of a share (statsmodels); (nan, nan) when n is 0."""
    from statsmodels.stats.proportion import proportion_confint

    if n == 0:
        return np.nan, np.nan
    low, high = proportion_confint(agree, n, alpha=0.05, method="wilson")
    return float(low), float(high)


def group_mean_intervals(
    likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE, seed: int = SEED
) -> pd.DataFrame:
    """Per stakeholder group x factor and x statement: n, mean with its bootstrap CI, and the share
    agreeing (above the scale's middle) with its Wilson interval. A factor's value for a respondent is
    the mean of their answers to its statements. With one respondent in a group there is no interval."""
    threshold = agree_from(codebook)
    scored = likert.dropna(subset=["score"]).assign(score=lambda f: f["score"].astype(float))
    factor_scores = respondent_factor_scores(scored).rename(columns={"factor_id": "id"})
    levels = [
        ("factor", factor_scores, codebook.factors(lang).set_index("factor_id")["factor_short"]),
        (
            "statement",
            scored.rename(columns={"statement_id": "id"}),
            codebook.statements(lang).set_index("statement_id")["statement"],
        ),
    ]
    order = {g: i for i, g in enumerate(codebook.stakeholders()["code"])}
    rows = []
    for level, frame, labels in levels:
        for (item_id, group), scores in frame.groupby(["id", "stakeholder"], sort=False, observed=True)["score"]:
            values = scores.to_numpy()
            low, high = bootstrap_mean_ci(values, seed)
            agree = int((values >= threshold).sum())
            share_low, share_high = wilson_interval(agree, len(values))
            rows.append(
                {
                    "level": level,
                    "id": item_id,
                    "label": labels.get(item_id, item_id),
                    "stakeholder": group,
                    "n": len(values),
                    "mean": float(values.mean()),
                    "ci_low": low,
                    "ci_high": high,
                    "share_agree": agree / len(values),
                    "agree_low": share_low,
                    "agree_high": share_high,
                }
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "level",
            "id",
            "label",
            "stakeholder",
            "n",
            "mean",
            "ci_low",
            "ci_high",
            "share_agree",
            "agree_low",
            "agree_high",
        ],
    )
    item_order = {
        i: j for j, i in enumerate([*codebook.factors()["factor_id"], *codebook.statements()["statement_id"]])
    }
    table = table.sort_values(
        ["level", "id", "stakeholder"],
        kind="stable",
        key=lambda c: c.map(item_order) if c.name == "id" else c.map(order) if c.name == "stakeholder" else c,
    )
    return table.reset_index(drop=True)


def group_differences(
    likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE, min_group: int = MIN_GROUP_SIZE_FOR_TESTS
) -> pd.DataFrame:
    """Kruskal-Wallis H across stakeholder groups for every statement and every factor.

    Only groups with at least `min_group` respondents take part; with fewer
    than two such groups the table is empty and `note` says why.
    """
    from scipy.stats import kruskal

    sizes = likert.groupby("stakeholder")["respondent_id"].nunique()
    groups = [g for g in codebook.stakeholders()["code"] if sizes.get(g, 0) >= min_group]
    columns = ["level", "id", "label", "n_groups", "n", "H", "p", "epsilon2", "p_holm", "p_bh"]
    if len(groups) < 2:
        table = pd.DataFrame(columns=columns)
        table.attrs["note"] = (
            f"not computed: fewer than two stakeholder groups have {min_group} or more respondents "
            f"(group sizes: {', '.join(f'{g} {sizes[g]}' for g in sizes.index)})"
        )
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
    table = pd.DataFrame(rows, columns=columns[:7])
    table["epsilon2"] = epsilon_squared(table["H"], table["n"])
    # The statement-level tests are one family (so are the factor-level ones): corrected within it.
    for level in ("statement", "factor"):
        rows_at = table["level"] == level
        table.loc[rows_at, "p_holm"] = adjust_p(table.loc[rows_at, "p"], "holm")
        table.loc[rows_at, "p_bh"] = adjust_p(table.loc[rows_at, "p"], "fdr_bh")
    table.attrs["note"] = ""
    return table


def epsilon_squared(h, n):
    """Effect size of a Kruskal-Wallis H over n observations: epsilon-squared = H / ((n^2 - 1) / (n + 1)),
    Tomczak & Tomczak (2014), eq. 5; from 0 (no difference) to 1."""
    n = np.asarray(n, dtype=float)
    return np.asarray(h, dtype=float) / ((n**2 - 1) / (n + 1))


def adjust_p(p: pd.Series, method: str) -> pd.Series:
    """p-values corrected for the family they form: 'holm' (Holm's step-down) or 'fdr_bh' (Benjamini-Hochberg,
    scipy's false_discovery_control); the same values as pingouin's multicomp and statsmodels' multipletests
    (whose Holm branch runs a full garbage collection on every call, and pingouin costs the step over a second
    to import). Missing p-values stay missing and do not count in the family."""
    corrections = {"holm": _holm, "fdr_bh": _benjamini_hochberg}
    if method not in corrections:
        raise ValueError(f"adjust_p: method {method!r}; use {' or '.join(corrections)}")
    p = pd.Series(p, dtype=float)
    adjusted = pd.Series(np.nan, index=p.index)
    present = p.notna()
    if present.any():
        adjusted[present] = corrections[method](p[present].to_numpy())
    return adjusted


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm: the i-th smallest of m p-values times (m - i + 1), never below the one before it, at most 1."""
    order = np.argsort(p)
    adjusted = np.empty(p.size)
    adjusted[order] = np.maximum.accumulate(p[order] * np.arange(p.size, 0, -1))
    return np.clip(adjusted, None, 1)


def _benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    from scipy.stats import false_discovery_control

    return false_discovery_control(p, method="bh")


def pairwise_differences(
    likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE, min_group: int = MIN_GROUP_SIZE_FOR_TESTS
) -> pd.DataFrame:
    """Dunn's test between every two stakeholder groups (of `min_group` or more respondents), for every
    statement and factor, p corrected by Holm within each item's pairs (scikit-posthocs)."""
    sizes = likert.groupby("stakeholder", observed=True)["respondent_id"].nunique()
    groups = [g for g in codebook.stakeholders()["code"] if sizes.get(g, 0) >= min_group]
    columns = ["level", "id", "label", "group_a", "group_b", "p_holm"]
    if len(groups) < 2:
        return pd.DataFrame(columns=columns)
    scored = likert.loc[likert["stakeholder"].isin(groups)].dropna(subset=["score"])
    scored = scored.assign(score=scored["score"].astype(float), stakeholder=scored["stakeholder"].astype(str))
    items = [
        (
            "statement",
            scored.rename(columns={"statement_id": "id"}),
            codebook.statements(lang).set_index("statement_id")["statement"],
        ),
        (
            "factor",
            respondent_factor_scores(scored).rename(columns={"factor_id": "id"}),
            codebook.factors(lang).set_index("factor_id")["factor"],
        ),
    ]
    rows = []
    for level, frame, labels in items:
        # Each item's rows, in their order, split off in one pass rather than by a scan of all rows per item.
        blocks = dict(tuple(frame.groupby("id", sort=False, observed=True)))
        for item_id in labels.index:
            block = blocks.get(item_id, frame.iloc[:0])
            seen = set(block["stakeholder"].unique())
            present = [g for g in groups if g in seen]
            if len(present) < 2 or block["score"].nunique() < 2:
                continue
            import scikit_posthocs  # only where there is a test: it imports matplotlib and seaborn, ~0.3 s

            matrix = scikit_posthocs.posthoc_dunn(block, val_col="score", group_col="stakeholder")
            pairs = [(a, b) for i, a in enumerate(present) for b in present[i + 1 :]]
            # Holm within the item's pairs, as posthoc_dunn(p_adjust="holm") does, without its per-call garbage collection.
            holm = adjust_p(pd.Series([matrix.loc[a, b] for a, b in pairs]), "holm")
            rows += [
                {
                    "level": level,
                    "id": item_id,
                    "label": labels[item_id],
                    "group_a": a,
                    "group_b": b,
                    "p_holm": float(p),
                }
                for (a, b), p in zip(pairs, holm)
            ]
    return pd.DataFrame(rows, columns=columns)


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
        return {
            "level": level,
            "id": item_id,
            "label": label,
            "n_groups": len(samples),
            "n": n,
            "H": np.nan,
            "p": np.nan,
        }
    result = kruskal(*samples)
    return {
        "level": level,
        "id": item_id,
        "label": label,
        "n_groups": len(samples),
        "n": n,
        "H": float(result.statistic),
        "p": float(result.pvalue),
    }


def factor_means_by_weighting(likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Per factor: the mean with groups weighted equally (the mean of group means, as Table 3's order) and
    with respondents weighted equally (the mean of respondents' factor scores), with the rank under each."""
    scores = respondent_factor_scores(likert)
    by_group = group_factor_scores(likert).groupby("factor_id", observed=True)["score"].mean()
    by_respondent = scores.groupby("factor_id")["score"].mean()
    factors = codebook.factors(lang)
    table = factors[["factor_id", "factor_short"]].copy()
    table["mean_groups"] = table["factor_id"].map(by_group)
    table["mean_respondents"] = table["factor_id"].map(by_respondent)
    table = table.dropna(subset=["mean_groups"])
    table["rank_groups"] = table["mean_groups"].rank(ascending=False, method="min").astype(int)
    table["rank_respondents"] = table["mean_respondents"].rank(ascending=False, method="min").astype(int)
    return table.sort_values(["rank_groups", "factor_id"], kind="stable").reset_index(drop=True)


def resampled_means(values: np.ndarray, rng: np.random.Generator, n_resamples: int, batch: int = 100) -> np.ndarray:
    """n_resamples x columns: column means (ignoring gaps) of `values` resampled by rows with replacement.

    A resample only changes how often each row is drawn: each is a row of counts, and the means one matrix
    product. With few distinct rows (yes/no choices) the counts of the distinct rows are drawn as one
    multinomial, at a cost that does not grow with the respondents; otherwise each row's count comes from a
    bincount over the batch, so memory stays at batch x rows however many respondents there are."""
    n = len(values)
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    distinct, inverse = np.unique(np.where(present, values, -np.inf), axis=0, return_inverse=True)
    few = len(distinct) <= 1000
    if few:
        weights = np.bincount(inverse.ravel(), minlength=len(distinct)) / n
        present, filled = np.isfinite(distinct), np.where(np.isfinite(distinct), distinct, 0.0)
    # How many answers each resampled mean divides by: a sum of whole counts, exact in any order. All rows
    # drawn (n) less those drawn of rows with a gap in that column: a product over those few rows only.
    gaps = np.flatnonzero(~present.all(axis=1))
    missing = (~present[gaps]).astype(float)
    out = []
    for start in range(0, n_resamples, batch):
        size = min(batch, n_resamples - start)
        if few:
            counts = rng.multinomial(n, weights, size=size).astype(float)
        else:
            picks = rng.integers(0, n, size=(size, n))
            counts = np.empty((size, n))
            for row, drawn in enumerate(picks):  # how often each row is drawn, resample by resample
                counts[row] = np.bincount(drawn, minlength=n)
        answered = counts.sum(axis=1, keepdims=True) - counts[:, gaps] @ missing
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append((counts @ filled) / answered)
    return np.vstack(out)


def factor_differences(
    likert: pd.DataFrame, codebook: Codebook, seed: int = SEED, n_resamples: int = BOOTSTRAP_RESAMPLES
) -> pd.DataFrame:
    """Every ordered pair of factors: the difference of their means (groups weighted equally) with a 95 %
    bootstrap CI, respondents resampled within their group (seeded). No CI when no group has two respondents:
    then the difference is that of individuals, not an estimate."""
    scores = respondent_factor_scores(likert)
    factors = [f for f in codebook.factors()["factor_id"] if f in set(scores["factor_id"])]
    wide = scores.pivot(index=["respondent_id", "stakeholder"], columns="factor_id", values="score").reindex(
        columns=factors
    )
    groups = wide.groupby(level="stakeholder", observed=True)
    means = groups.mean().mean(axis=0).to_numpy()
    several = (groups.size() > 1).any()
    draws = None
    if several:
        rng = np.random.default_rng(seed)
        draws = (
            sum(resampled_means(block.to_numpy(dtype=float), rng, n_resamples) for _, block in groups) / groups.ngroups
        )
    rows = []
    for i, a in enumerate(factors):
        for j, b in enumerate(factors):
            if i == j:
                continue
            low = high = np.nan
            if draws is not None:
                low, high = np.percentile(draws[:, i] - draws[:, j], [2.5, 97.5])
            rows.append(
                {
                    "factor_a": a,
                    "factor_b": b,
                    "difference": float(means[i] - means[j]),
                    "ci_low": float(low),
                    "ci_high": float(high),
                }
            )
    return pd.DataFrame(rows, columns=["factor_a", "factor_b", "difference", "ci_low", "ci_high"])
