"""Intervals: group means with seeded bootstrap CIs (t intervals for small groups), the share agreeing with Wilson
intervals (exact Clopper-Pearson ones for small groups; statsmodels), and the differences between factor means
with their bootstrap CIs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE, Codebook
from helpers.analysis.scores import SEED, agree_from, respondent_factor_scores

BOOTSTRAP_RESAMPLES = 2000
#: Below this many respondents a group is small: its mean gets a t interval and its shares an exact one, and
#: the report marks it (a codebook sets its own: `analysis: {small_group: 10}`). The percentile bootstrap is too
#: narrow for small n — by sqrt((n - 1) / n) and by using normal rather than t quantiles (Hesterberg 2015,
#: "What teachers should know about the bootstrap") — and the Wilson interval's coverage dips below 95 % for
#: shares near 0 or 1 at small n (Brown, Cai and DasGupta 2001); by 30 both are close to nominal.
SMALL_GROUP = 30


def small_group_threshold(codebook: Codebook) -> int:
    """The codebook's `analysis.small_group`, else SMALL_GROUP."""
    return int((codebook.raw.get("analysis") or {}).get("small_group", SMALL_GROUP))


def t_mean_ci(values: np.ndarray, bounds: tuple[float, float] | None = None) -> tuple[float, float]:
    """95 % t interval of a mean (scipy); (nan, nan) for fewer than two values. With `bounds` (the scale's lowest
    and highest point) the interval is cut to them: a mean of answers on a 1-5 scale cannot lie outside 1-5,
    though a symmetric t interval around a mean near the end of the scale does."""
    from scipy.stats import t as student_t

    values = np.asarray(values, dtype=float)
    n = len(values)
    if n < 2:
        return np.nan, np.nan
    half = float(student_t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n))
    low, high = float(values.mean() - half), float(values.mean() + half)
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return low, high


def exact_interval(agree: int, n: int) -> tuple[float, float]:
    """95 % Clopper-Pearson (exact) interval of a share (statsmodels' "beta"); (nan, nan) when n is 0."""
    from statsmodels.stats.proportion import proportion_confint

    if n == 0:
        return np.nan, np.nan
    low, high = proportion_confint(agree, n, alpha=0.05, method="beta")
    return float(low), float(high)


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
    """Per stakeholder group x factor and x statement: n, mean with its CI, and the share agreeing (above the
    scale's middle) with its interval. A factor's value for a respondent is the mean of their answers to its
    statements. A group of at least small_group_threshold respondents gets a percentile bootstrap CI and a
    Wilson interval, a smaller one a t interval and an exact interval (`interval`: "bootstrap/wilson" or
    "t/exact", `small` True). With one respondent in a group there is no interval."""
    threshold = agree_from(codebook)
    small_below = small_group_threshold(codebook)
    scale = (min(codebook.scale_values), max(codebook.scale_values))
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
            small = len(values) < small_below
            low, high = t_mean_ci(values, scale) if small else bootstrap_mean_ci(values, seed)
            agree = int((values >= threshold).sum())
            share_low, share_high = (exact_interval if small else wilson_interval)(agree, len(values))
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
                    "interval": "t/exact" if small else "bootstrap/wilson",
                    "small": small,
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
            "interval",
            "small",
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
