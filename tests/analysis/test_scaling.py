"""The statistics rewritten to scale to a census (300 bodies, 80 statements) give what their plain definitions
give: the permutation test's rearrangements summed in one bincount, the polychoric likelihood from one CDF grid,
the bodies' scores from one grouping. Each is compared with the definition written out here, on many generated
cases."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.analysis import tables
from helpers.analysis.differences import within_strata_permutation_p
from helpers.analysis.polychoric import MAX_RHO, bivariate_normal_cdf, polychoric_from_table, thresholds


def permutation_p_by_definition(scores, groups, strata, seed, n_permutations):
    """The test's definition: residuals from the strata's means, the same seeded rearrangements within each
    stratum, and for each rearrangement sum over groups of n_g * (mean residual of g)^2, from a groupby."""
    scores, groups, strata = np.asarray(scores, float), np.asarray(groups).astype(str), np.asarray(strata).astype(str)
    residual = pd.Series(scores - pd.Series(scores).groupby(strata).transform("mean").to_numpy())
    labels, codes = np.unique(groups, return_inverse=True)
    if len(labels) < 2 or not (pd.Series(groups).groupby(strata).nunique() > 1).any():
        return np.nan, np.nan

    def between_groups(assigned) -> float:
        means = residual.groupby(assigned).agg(["mean", "size"])
        return float((means["size"] * means["mean"] ** 2).sum())

    observed = between_groups(codes)
    rng = np.random.default_rng(seed)
    rearranged = np.tile(codes, (n_permutations, 1))
    for stratum in np.unique(strata):
        at = np.flatnonzero(strata == stratum)
        rearranged[:, at] = rng.permuted(rearranged[:, at], axis=1)
    extreme = sum(between_groups(row) >= observed - 1e-9 * max(1.0, abs(observed)) for row in rearranged)
    return observed, (1 + extreme) / (1 + n_permutations)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(4, 60),
    n_groups=st.integers(2, 6),
    n_strata=st.integers(1, 4),
    seed=st.integers(0, 2**16),
    whole=st.booleans(),
)
def test_the_permutation_test_gives_its_definitions_statistic_and_p(n, n_groups, n_strata, seed, whole):
    """Scores on a 1-5 scale (many ties: rearrangements equal to the observed one) and continuous ones."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(1, 6, n).astype(float) if whole else rng.normal(size=n)
    groups, strata = rng.integers(0, n_groups, n), rng.integers(0, n_strata, n)
    fast = within_strata_permutation_p(scores, groups, strata, seed=seed, n_permutations=199)
    slow = permutation_p_by_definition(scores, groups, strata, seed=seed, n_permutations=199)
    if np.isnan(slow[0]):
        assert np.isnan(fast[0]) and np.isnan(fast[1])
    else:
        assert fast[0] == pytest.approx(slow[0], rel=1e-9, abs=1e-12) and fast[1] == slow[1]


def polychoric_by_definition(table):
    """Each cell's probability from its four corners, each corner's CDF evaluated for that cell."""
    from scipy.optimize import minimize_scalar

    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return np.nan
    rows, columns = thresholds(table.sum(axis=1)), thresholds(table.sum(axis=0))
    upper_r, upper_c = np.meshgrid(rows[1:], columns[1:], indexing="ij")
    lower_r, lower_c = np.meshgrid(rows[:-1], columns[:-1], indexing="ij")
    observed = table > 0

    def minus_log_likelihood(rho):
        cells = (
            bivariate_normal_cdf(upper_r, upper_c, rho)
            - bivariate_normal_cdf(lower_r, upper_c, rho)
            - bivariate_normal_cdf(upper_r, lower_c, rho)
            + bivariate_normal_cdf(lower_r, lower_c, rho)
        )
        return -float(np.sum(table[observed] * np.log(np.maximum(cells[observed], 1e-300))))

    return float(
        minimize_scalar(minus_log_likelihood, bounds=(-MAX_RHO, MAX_RHO), method="bounded", options={"xatol": 1e-10}).x
    )


@settings(max_examples=100, deadline=None)
@given(
    shape=st.tuples(st.integers(2, 7), st.integers(2, 7)),
    seed=st.integers(0, 2**16),
    empty_share=st.floats(0, 0.5),
)
def test_the_polychoric_correlation_from_the_cdf_grid_is_the_definitions_bit_for_bit(shape, seed, empty_share):
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 40, shape) * (rng.random(shape) >= empty_share)
    fast, slow = polychoric_from_table(table), polychoric_by_definition(table)
    assert (np.isnan(fast) and np.isnan(slow)) or fast == slow


class _Book:
    """What pilot_body_scores asks of a codebook."""

    def __init__(self, bodies, factors, threshold):
        self._bodies, self._factors = bodies, factors
        self.scale_values = [1, 2, 3, 4, 5]
        self.disclosure_threshold = threshold

    def pilot_bodies(self):
        return pd.DataFrame({"code": self._bodies})

    def factors(self):
        return pd.DataFrame({"factor_id": self._factors})


@settings(max_examples=40, deadline=None)
@given(n=st.integers(5, 120), n_bodies=st.integers(1, 8), threshold=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_the_bodies_scores_from_one_grouping_are_those_of_a_selection_per_body_and_factor(n, n_bodies, threshold, seed):
    rng = np.random.default_rng(seed)
    factors = ["f1", "f2", "f3"]
    statements = {"f1": ["s1", "s2"], "f2": ["s3"], "f3": ["s4", "s5"]}
    bodies = [f"b{i}" for i in range(n_bodies)]
    respondents = pd.DataFrame(
        {
            "respondent_id": [f"R{i}" for i in range(n)],
            # Some respondents of no body (''), some bodies never drawn.
            "pilot_body": rng.choice([*bodies, ""], size=n),
            "stakeholder": rng.choice(["a", "b"], size=n),
        }
    )
    likert = pd.DataFrame(
        [
            {
                "respondent_id": r,
                "stakeholder": t,
                "factor_id": f,
                "statement_id": s,
                "score": float(rng.integers(1, 6)) if rng.random() > 0.15 else np.nan,
            }
            for r, t in zip(respondents["respondent_id"], respondents["stakeholder"])
            for f in factors
            for s in statements[f]
        ]
    )
    likert["missing_reason"] = np.where(likert["score"].isna(), "blank", "")
    book = _Book(bodies, factors, threshold)
    fast = tables.pilot_body_scores(likert, respondents, book)
    scores = tables._body_scores(likert, respondents)
    from helpers.analysis import stats
    from helpers.analysis.disclosure import suppressed_rows

    suppressed = suppressed_rows(respondents["pilot_body"].value_counts(), threshold)
    expected = []
    for body in tables._body_order(book, scores["pilot_body"]):
        part = scores.loc[scores["pilot_body"] == body]
        for factor in factors:
            values = part.loc[part["factor_id"] == factor, "score"].to_numpy(float)
            n_rows = len(values)
            values = values[:0] if body in suppressed else values
            low, high = stats.t_mean_ci(values, (1, 5))
            mean = float(values.mean()) if len(values) else float("nan")
            expected.append((body, factor, n_rows, mean, low, high, body in suppressed))
    assert len(fast) == len(expected)
    assert fast.to_csv() == pd.DataFrame(expected, columns=fast.columns).to_csv()  # NaN equal to NaN here


def test_parallel_analysis_from_wishart_draws_has_the_distribution_of_drawn_data_sets():
    """Above WISHART_FROM_N the random correlation matrices come from Bartlett's decomposition: their eigenvalues'
    means and 95th percentiles are those of correlations of drawn data sets (400 draws each, within what 400 draws
    can tell apart), and they cost nothing like n x p normals per draw."""
    from helpers.analysis.structure import _wishart_correlation_eigenvalues

    n, p, draws = 6000, 10, 400
    wishart = _wishart_correlation_eigenvalues(np.random.default_rng(5), n, p, draws)
    rng = np.random.default_rng(6)
    drawn = np.array(
        [
            np.sort(np.linalg.eigvalsh(np.corrcoef(rng.standard_normal((n, p)), rowvar=False)))[::-1]
            for _ in range(draws)
        ]
    )
    spread = drawn.std(axis=0) / np.sqrt(draws)  # the standard error of each mean
    assert (np.abs(wishart.mean(axis=0) - drawn.mean(axis=0)) < 5 * spread).all()
    assert np.allclose(np.percentile(wishart, 95, axis=0), np.percentile(drawn, 95, axis=0), atol=8 * spread.max())
    assert np.allclose(wishart.sum(axis=1), p)  # a correlation matrix's eigenvalues sum to p


def test_parallel_analysis_of_a_smaller_survey_still_draws_the_data_sets():
    """Up to WISHART_FROM_N respondents the bytes are those of the data sets drawn, as before."""
    from helpers.analysis.structure import WISHART_FROM_N, parallel_analysis

    p, n, draws = 4, 50, 20
    correlation = pd.DataFrame(np.eye(p))
    result = parallel_analysis(correlation, n, seed=3, draws=draws)
    rng = np.random.default_rng(3)
    drawn = np.array(
        [
            np.sort(np.linalg.eigvalsh(np.corrcoef(rng.standard_normal((n, p)), rowvar=False)))[::-1]
            for _ in range(draws)
        ]
    )
    assert n <= WISHART_FROM_N and result["random_mean"].tolist() == drawn.mean(axis=0).tolist()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(20, 80), seed=st.integers(0, 2**16), shift=st.floats(0, 1.5))
def test_the_permutation_test_in_blocks_estimates_the_same_p(n, seed, shift):
    """A census's rearrangements are drawn in blocks of rows (PERMUTATION_CELLS): the statistic is the same, and the
    p-value estimates the same probability, within what 999 rearrangements can tell apart."""
    import helpers.analysis.differences as differences

    rng = np.random.default_rng(seed)
    groups, strata = rng.integers(0, 3, n), rng.integers(0, 2, n)
    scores = rng.normal(size=n) + shift * (groups == 0)
    whole = within_strata_permutation_p(scores, groups, strata, seed=seed, n_permutations=999)
    saved = differences.PERMUTATION_CELLS
    differences.PERMUTATION_CELLS = 7 * n  # blocks of 7 rearrangements
    try:
        blocks = within_strata_permutation_p(scores, groups, strata, seed=seed, n_permutations=999)
    finally:
        differences.PERMUTATION_CELLS = saved
    if np.isnan(whole[0]):
        assert np.isnan(blocks[0])
        return
    assert blocks[0] == whole[0]
    p = (whole[1] + blocks[1]) / 2
    assert abs(blocks[1] - whole[1]) <= 5 * np.sqrt(p * (1 - p) / 999 * 2) + 2 / 1000


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 60),
    p=st.integers(2, 5),
    seed=st.integers(0, 2**16),
    blank_share=st.floats(0, 0.6),
    constant=st.booleans(),
)
def test_polychoric_pairs_from_codes_once_are_the_pairs_of_their_definition(n, p, seed, blank_share, constant):
    """Each pair's table from the statements' codes found once (one bincount) gives the rho and the note of the
    pair's own table: blanks, categories nobody in the pair chose, a statement with one answer, too few pairs."""
    from helpers.analysis.polychoric import polychoric_pairs

    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, (n, p)).astype(float)
    if constant and n:
        values[:, 0] = 3.0
    values[rng.random((n, p)) < blank_share] = np.nan
    wide = pd.DataFrame(values, columns=[f"s{k}" for k in range(p)])
    pairs = polychoric_pairs(wide, min_pair=5)
    for row in pairs.itertuples():
        x, y = wide[row.statement_a], wide[row.statement_b]
        both = x.notna() & y.notna()
        assert row.n == int(both.sum())
        if row.n < 5:
            assert np.isnan(row.rho) and "fewer than 5" in row.note
        elif x[both].nunique() < 2 or y[both].nunique() < 2:
            assert np.isnan(row.rho) and "has one answer" in row.note
        else:
            table = pd.crosstab(x[both], y[both]).to_numpy()
            assert row.rho == polychoric_by_definition(table)


def respondent_scores_by_definition(likert: pd.DataFrame) -> pd.DataFrame:
    """A respondent's factor score by its definition: the mean of their answers counted in factor scores,
    grouped by respondent, type and factor in the order of their first row."""
    counted = likert.loc[likert["in_factor_score"].astype(bool)].dropna(subset=["score"])
    return (
        counted.assign(score=counted["score"].astype(float))
        .groupby(["respondent_id", "stakeholder", "factor_id"], sort=False, observed=True)["score"]
        .mean()
        .reset_index()
    )


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 40),
    n_factors=st.integers(1, 4),
    seed=st.integers(0, 2**16),
    blank_share=st.sampled_from([0.0, 0.2, 0.9]),
    unused=st.booleans(),
)
def test_respondents_factor_scores_from_codes_are_those_of_the_grouping(n, n_factors, seed, blank_share, unused):
    """Scores from the category codes (numbered in order of appearance, summed by bincount) equal the group-by's,
    with blank answers, answers left out by the minimum-items rule, categories nobody has and rows in any order."""
    from helpers.analysis.scores import respondent_factor_scores

    rng = np.random.default_rng(seed)
    rows = n * n_factors * 3
    ids = [f"R{k}" for k in range(n)] + (["R-unused"] if unused else [])
    types = ["a", "b", "c"] + (["z"] if unused else [])
    factors = [f"f{k}" for k in range(n_factors)]
    respondent = rng.integers(0, n, rows)
    likert = pd.DataFrame(
        {
            "respondent_id": pd.Categorical([ids[r] for r in respondent], categories=ids),
            "stakeholder": pd.Categorical([types[r % 3] for r in respondent], categories=types),
            "factor_id": pd.Categorical(rng.choice(factors, rows), categories=factors),
            "score": pd.array(
                [pd.NA if rng.random() < blank_share else int(v) for v in rng.integers(1, 6, rows)], dtype="Int64"
            ),
            "in_factor_score": rng.random(rows) > 0.15,
        }
    )
    pd.testing.assert_frame_equal(respondent_factor_scores(likert), respondent_scores_by_definition(likert))
