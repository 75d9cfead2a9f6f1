"""Agreement among respondents, and the name every statistic is imported by (`from helpers.analysis import stats`).

- Kendall's W: concordance of the factor rankings across respondents, from
  scipy's Friedman test (tie-corrected, ranks every respondent at once; W = Q / (n (k - 1))),
  with the chi-square p and, with few respondents and factors, an exact (or seeded
  permutation) p from scipy's permutation test: the chi-square is poor there.
- Krippendorff's alpha, ordinal, over the whole scale (the krippendorff
  package), respondents taken as raters of the statements: how far the respondents agree with one another
  statement by statement (their consensus, not a reliability of the questionnaire), with seeded bootstrap
  CIs over the statements and over the respondents.

The other statistics live in modules of their own and are re-exported here:

    scores       -- respondents' and groups' factor scores, the factor order under both weightings, the seed
    reliability  -- scale checks: Cronbach's alpha with its interval, item statistics
    structure    -- the factor structure (polychoric, parallel analysis, oblique loadings), checked against the codebook
    differences  -- Kruskal-Wallis across stakeholder groups with epsilon-squared, Dunn's pairs
    pvalues      -- p-values adjusted across tests (Holm, Benjamini-Hochberg) and written for display
    intervals    -- group means with bootstrap CIs, shares agreeing with Wilson intervals, factor differences

Each is checked against a published worked example in the tests of this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import Codebook
from helpers.analysis.differences import (
    MIN_GROUP_SIZE_FOR_TESTS,
    _kruskal_row as _kruskal_row,
    _samples as _samples,
    epsilon_squared,
    group_differences,
    pairwise_differences,
)
from helpers.analysis.intervals import (
    BOOTSTRAP_RESAMPLES,
    SMALL_GROUP,
    bootstrap_mean_ci,
    exact_interval,
    small_group_threshold,
    t_mean_ci,
    factor_differences,
    group_mean_intervals,
    resampled_means,
    wilson_interval,
)
from helpers.analysis.pvalues import (
    _benjamini_hochberg as _benjamini_hochberg,
    _holm as _holm,
    adjust_p,
    format_p,
    p_as_text,
)
from helpers.analysis.reliability import (
    LOW_ALPHA,
    MIN_RESPONDENTS_FOR_ALPHA,
    _factor_items as _factor_items,
    cronbach_alpha,
    factor_reliability,
    item_statistics,
    scale_verdict,
)
from helpers.analysis.structure import (
    MIN_RESPONDENTS_FOR_STRUCTURE,
    RESPONDENTS_PER_ITEM_FOR_STRUCTURE,
    factor_structure,
)
from helpers.analysis.scores import (
    SEED,
    agree_from,
    factor_means_by_weighting,
    group_factor_scores,
    respondent_factor_scores,
)

__all__ = [
    # agreement, here
    "EXACT_LIMIT",
    "PERMUTATIONS",
    "PERMUTATION_BELOW",
    "friedman_small_sample_p",
    "kendalls_w",
    "ordinal_agreement",
    "ordinal_alpha",
    "unit_coincidences",
    "raters_bootstrap_ci",
    "coincidences_from_counts",
    "RATERS_BOOTSTRAP_UP_TO",
    "RATERS_BOOTSTRAP_FROM",
    "leave_one_out_range",
    # scores
    "SEED",
    "agree_from",
    "factor_means_by_weighting",
    "group_factor_scores",
    "respondent_factor_scores",
    # reliability
    "LOW_ALPHA",
    "MIN_RESPONDENTS_FOR_ALPHA",
    "MIN_RESPONDENTS_FOR_STRUCTURE",
    "RESPONDENTS_PER_ITEM_FOR_STRUCTURE",
    "cronbach_alpha",
    "factor_reliability",
    "factor_structure",
    "item_statistics",
    "scale_verdict",
    # differences
    "MIN_GROUP_SIZE_FOR_TESTS",
    "epsilon_squared",
    "group_differences",
    "pairwise_differences",
    # p-values
    "adjust_p",
    "format_p",
    "p_as_text",
    # intervals
    "BOOTSTRAP_RESAMPLES",
    "SMALL_GROUP",
    "bootstrap_mean_ci",
    "exact_interval",
    "small_group_threshold",
    "t_mean_ci",
    "factor_differences",
    "group_mean_intervals",
    "resampled_means",
    "wilson_interval",
]


#: Kendall's W: the exact p enumerates (k!)^m rearrangements up to this many; below PERMUTATION_BELOW
#: respondents a seeded permutation p is shown instead; from there on, the chi-square approximation.
EXACT_LIMIT = 500_000


PERMUTATION_BELOW = 30


PERMUTATIONS = 9999


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
    if exact:
        return _exact_friedman_p(scores), f"exact (all {total:,} rearrangements)"
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


def _exact_friedman_p(scores: np.ndarray) -> float:
    """The exact p of the Friedman / Kendall's W statistic: every rearrangement of each respondent's ranks
    across the factors enumerated at once as sums of rank vectors (numpy), not one by one: the same p as
    scipy's permutation_test over all of them, in a fraction of the time (331,776 rearrangements for the
    paper's four respondents and four factors)."""
    from itertools import permutations

    from scipy.stats import rankdata

    ranks = rankdata(scores, axis=1)
    sums = np.zeros((1, scores.shape[1]))
    for row in ranks:
        arrangements = np.array(list(permutations(row)), dtype=float)
        sums = (sums[:, None, :] + arrangements[None, :, :]).reshape(-1, scores.shape[1])
    spread = ((sums - sums.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    observed = float(((ranks.sum(axis=0) - ranks.sum(axis=0).mean()) ** 2).sum())
    return float((spread >= observed - 1e-9 * max(1.0, observed)).mean())


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
    if len(data) < RATERS_BOOTSTRAP_FROM:
        raters_low, raters_high = leave_one_out_range(data, codebook.scale_values)
        raters_method = "leave-one-out range"
    else:
        raters_low, raters_high = raters_bootstrap_ci(data, codebook.scale_values, seed, n_resamples)
        raters_method = "bootstrap" if np.isfinite(raters_low) else ""
    return {
        "alpha": float(alpha),
        "ci_low": float(low),
        "ci_high": float(high),
        "respondents_low": raters_low,
        "respondents_high": raters_high,
        "respondents_method": raters_method,
        "n_respondents": len(matrix),
        "n_statements": matrix.shape[1],
        "note": "",
    }


#: With fewer respondents than this, resampling them draws the same person twice too often (a respondent agrees
#: with themself): the range of alpha leaving out one respondent at a time is shown instead.
RATERS_BOOTSTRAP_FROM = 30


def leave_one_out_range(data: np.ndarray, values: list[int]) -> tuple[float, float]:
    """The lowest and highest ordinal alpha with one respondent (row) left out at a time; (nan, nan) below 3."""
    if len(data) < 3:
        return np.nan, np.nan
    alphas = [
        ordinal_alpha(unit_coincidences(np.delete(data, i, axis=0), values).sum(axis=0)) for i in range(len(data))
    ]
    alphas = [a for a in alphas if np.isfinite(a)]
    return (float(min(alphas)), float(max(alphas))) if alphas else (np.nan, np.nan)


#: The bootstrap over respondents redraws every respondent's answers: above this many respondents it is left out
#: (its cost grows with them; with so many, the interval over statements is the wider one by far).
RATERS_BOOTSTRAP_UP_TO = 20_000


def raters_bootstrap_ci(
    data: np.ndarray, values: list[int], seed: int = SEED, n_resamples: int = 1000
) -> tuple[float, float]:
    """95 % percentile CI of the ordinal alpha with the respondents (rows, the raters) resampled, seeded: how
    much alpha depends on who answered. A resample is a row of counts; each statement's counts of each scale
    value are then one matrix product, and its coincidences follow from them. (nan, nan) with fewer than three
    respondents or more than RATERS_BOOTSTRAP_UP_TO."""
    n = len(data)
    if n < 3 or n > RATERS_BOOTSTRAP_UP_TO:
        return np.nan, np.nan
    indicators = np.stack([(data == v) for v in values], axis=2).astype(float)  # respondents x units x values
    flat = indicators.reshape(n, -1)
    rng = np.random.default_rng([seed, 2])
    draws = []
    for counts_of_rows in rng.multinomial(n, np.full(n, 1 / n), size=n_resamples):
        counts = (counts_of_rows @ flat).reshape(data.shape[1], len(values))
        draws.append(ordinal_alpha(coincidences_from_counts(counts)))
    draws = [d for d in draws if np.isfinite(d)]
    if not draws:
        return np.nan, np.nan
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(low), float(high)


def coincidences_from_counts(counts: np.ndarray) -> np.ndarray:
    """The coincidence matrix (values x values) summed over units, from each unit's count of each value."""
    pairable = counts.sum(axis=1)
    counts, pairable = counts[pairable >= 2], pairable[pairable >= 2]
    pairs = counts[:, :, None] * counts[:, None, :]
    diagonal = np.arange(counts.shape[1])
    pairs[:, diagonal, diagonal] -= counts
    return (pairs / (pairable - 1)[:, None, None]).sum(axis=0)


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
