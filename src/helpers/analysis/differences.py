"""Differences between stakeholder groups: Kruskal-Wallis (scipy) per statement and factor, when several
groups have several respondents, with epsilon-squared, Holm and Benjamini-Hochberg across the statements, and
Dunn's pairwise test with Holm's correction (scikit-posthocs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE, Codebook
from helpers.analysis.pvalues import adjust_p
from helpers.analysis.scores import respondent_factor_scores

#: Kruskal-Wallis compares groups that each have at least this many respondents.
MIN_GROUP_SIZE_FOR_TESTS = 5


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


#: Rearrangements of the stratified permutation test of the pilot bodies (seeded: same data, same p).
BODY_PERMUTATIONS = 2000
#: The most rearrangement x respondent cells the permutation test holds at once (as int64, 240 MB; the bincount's
#: weights as many again): 2,000 rearrangements of 500,000 respondents would need 8 GB for the codes alone.
PERMUTATION_CELLS = 30_000_000


def within_strata_permutation_p(
    scores: np.ndarray, groups: np.ndarray, strata: np.ndarray, seed: int, n_permutations: int = BODY_PERMUTATIONS
) -> tuple[float, float]:
    """(statistic, p) of a difference between `groups` that the `strata` do not explain.

    Each score is taken as its distance from its stratum's mean (a stakeholder type's level is removed), and
    the statistic is the between-group sum of squares of these residuals, sum of n_g * mean_g^2. Under the
    null the group labels are exchangeable *within* each stratum, so they are permuted there: every group keeps
    its own mix of strata in every rearrangement, and a group that differs only because it holds more of a
    high-scoring stratum is not called different. p = (1 + rearrangements at least as extreme) / (1 +
    rearrangements), seeded. (nan, nan) when no stratum holds two groups (nothing to compare within)."""
    scores, groups, strata = np.asarray(scores, float), np.asarray(groups).astype(str), np.asarray(strata).astype(str)
    residual = scores - pd.Series(scores).groupby(strata).transform("mean").to_numpy()
    labels, codes = np.unique(groups, return_inverse=True)
    informative = pd.Series(groups).groupby(strata).nunique()
    if len(labels) < 2 or not (informative > 1).any():
        return np.nan, np.nan
    counts = np.bincount(codes, minlength=len(labels)).astype(float)
    sums = np.array([(residual * (codes == g)).sum() for g in range(len(labels))])
    observed = float((sums**2 / counts).sum())
    # A rearrangement's sums are added in another order than the observed one's (one by one, the respondents
    # grouped by stratum, where these are summed pairwise): the tolerance keeps a rearrangement equal to the
    # observed one counted as at least as extreme.
    at_least = observed - 1e-12 * max(1.0, abs(observed))
    rng = np.random.default_rng(seed)
    # The respondents grouped by stratum, in their order within it, so that each stratum is one slice shuffled in
    # place: the same draws as shuffling its respondents where they stand (rng.permuted sees the same rows).
    order = np.argsort(strata, kind="stable")
    bounds = np.flatnonzero(np.r_[True, strata[order][1:] != strata[order][:-1], True])
    # int32: half the bytes to shuffle, and the same draws (a shuffle draws positions, whatever they hold)
    by_stratum, weights = codes[order].astype(np.int32), residual[order]
    # All rearrangements at once where they fit in PERMUTATION_CELLS (the bytes every survey had so far); a census
    # takes them in blocks of rows, the same kind of rearrangement drawn in another order from the same seed.
    block = (
        n_permutations if n_permutations * len(codes) <= PERMUTATION_CELLS else max(1, PERMUTATION_CELLS // len(codes))
    )
    extreme = 0
    for start in range(0, n_permutations, block):
        permuted = np.tile(by_stratum, (min(block, n_permutations - start), 1))
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            part = permuted[:, lo:hi]
            rng.permuted(part, axis=1, out=part)
        # Each rearrangement's group sums from a bincount of its own row: a bincount over all of them at once
        # needed the weights repeated for every row (a copy of the block, 1.6 GB at 100,000 respondents).
        for row in permuted:
            statistic = ((np.bincount(row, weights=weights, minlength=len(labels)) ** 2) / counts).sum()
            extreme += bool(statistic >= at_least)
    return observed, (1 + extreme) / (1 + n_permutations)
