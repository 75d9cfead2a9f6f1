"""Each statistic against a published worked example, then on the paper's data; our own Cronbach's alpha and
p-value corrections against pingouin's values, to the last bit (stats.py computes them itself so that the
statistics step need not import pingouin, over a second; pingouin stays the reference here)."""

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import stats
from helpers.codebook import Codebook
from helpers.ingest.clean import clean_dataset

# Hollander & Wolfe (1973), Nonparametric statistical methods, p. 140: times of 22 baseball players for three
# ways of rounding first base; the worked example of R's friedman.test: chi-squared = 11.143, df = 2, p = 0.003805.
ROUNDING_TIMES = [
    (5.40, 5.50, 5.55),
    (5.85, 5.70, 5.75),
    (5.20, 5.60, 5.50),
    (5.55, 5.50, 5.40),
    (5.90, 5.85, 5.70),
    (5.45, 5.55, 5.60),
    (5.40, 5.40, 5.35),
    (5.45, 5.50, 5.35),
    (5.25, 5.15, 5.00),
    (5.85, 5.80, 5.70),
    (5.25, 5.20, 5.10),
    (5.65, 5.55, 5.45),
    (5.60, 5.35, 5.45),
    (5.05, 5.00, 4.95),
    (5.50, 5.50, 5.40),
    (5.45, 5.55, 5.50),
    (5.55, 5.55, 5.35),
    (5.45, 5.50, 5.55),
    (5.50, 5.45, 5.25),
    (5.65, 5.60, 5.40),
    (5.70, 5.65, 5.55),
    (6.30, 6.30, 6.25),
]


def as_likert(matrix, factors=None, statements=None):
    """A long 'likert' frame: rows = respondents, columns = items (factors with one statement each)."""
    rows = []
    for r, values in enumerate(matrix):
        for j, value in enumerate(values):
            rows.append(
                {
                    "respondent_id": f"r{r}",
                    "stakeholder": "g",
                    "factor_id": (factors or {}).get(j, f"f{j}"),
                    "statement_id": (statements or {}).get(j, f"s{j}"),
                    "score": value,
                }
            )
    return pd.DataFrame(rows)


def codebook_for(n_factors, statements_per_factor=1, values=(1, 2, 3, 4, 5)):
    factors = [
        {
            "id": f"f{i}",
            "label": {"en": f"F{i}"},
            "statements": [
                {"id": f"s{i * statements_per_factor + j}", "text": {"en": "x"}} for j in range(statements_per_factor)
            ],
        }
        for i in range(n_factors)
    ]
    return Codebook(
        "test",
        {"factors": factors, "stakeholders": [{"code": "g", "label": {"en": "G"}}], "scale": {"values": list(values)}},
    )


def test_kendalls_w_matches_hollander_and_wolfe():
    result = stats.kendalls_w(as_likert(ROUNDING_TIMES), codebook_for(3))
    assert result["chi2"] == pytest.approx(11.143, abs=5e-4)
    assert result["p_chi2"] == pytest.approx(0.003805, abs=5e-7)
    assert result["W"] == pytest.approx(11.142857 / (22 * 2), abs=1e-6)
    assert (result["df"], result["n_respondents"]) == (2, 22)


def test_kendalls_w_agrees_with_pingouin_on_tied_likert_scores():
    # Integer scores on a 1-5 scale tie often; pingouin's friedman (a per-respondent loop) is the reference.
    import pingouin

    rng = np.random.default_rng(7)
    matrix = rng.integers(1, 6, size=(60, 4)).astype(float)
    matrix[3, 2] = np.nan  # an incomplete respondent is left out by both
    likert = as_likert(matrix)
    ours = stats.kendalls_w(likert, codebook_for(4))
    scores = likert.dropna(subset=["score"])
    scores = scores.loc[scores["respondent_id"] != "r3"]
    theirs = pingouin.friedman(data=scores, dv="score", within="factor_id", subject="respondent_id").iloc[0]
    assert ours["n_respondents"] == 59
    assert ours["W"] == pytest.approx(theirs["W"], rel=1e-12) and ours["chi2"] == pytest.approx(theirs["Q"], rel=1e-12)
    assert ours["p_chi2"] == pytest.approx(theirs["p_unc"], rel=1e-9)


def test_kendalls_w_says_why_with_fewer_than_three_factors():
    result = stats.kendalls_w(as_likert([(1, 2), (2, 1), (3, 3)]), codebook_for(2))
    assert np.isnan(result["W"]) and "at least 3 factors" in result["note"]


def test_krippendorff_ordinal_matches_krippendorff_2011():
    # Krippendorff (2011), Computing Krippendorff's alpha-reliability: 4 observers x 12 units, alpha_ordinal = .815.
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    likert = as_likert([[np.nan if v is None else v for v in row] for row in observers])
    assert stats.ordinal_agreement(likert, codebook_for(12))["alpha"] == pytest.approx(0.815, abs=5e-4)


def test_cronbach_alpha_matches_its_definition_worked_by_hand():
    # alpha = k/(k-1) * (1 - sum of item variances / variance of the total), sample variances.
    items = np.array(
        [[1, 2, 2], [5, 4, 5], [2, 1, 1], [3, 2, 3], [4, 4, 3], [2, 1, 2], [3, 2, 2], [4, 5, 4], [3, 2, 2], [2, 1, 2]]
    )
    k = items.shape[1]
    by_hand = k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))
    likert = as_likert(items, factors={0: "f0", 1: "f0", 2: "f0"})
    table = stats.factor_reliability(likert, codebook_for(1, statements_per_factor=3), min_respondents=10)
    assert table.loc[0, "alpha"] == pytest.approx(by_hand, abs=1e-12)
    too_few = stats.factor_reliability(likert, codebook_for(1, statements_per_factor=3), min_respondents=30)
    assert np.isnan(too_few.loc[0, "alpha"]) and "10 respondents" in too_few.loc[0, "note"]


def test_kruskal_wallis_matches_hollander_and_wolfe():
    # Hollander & Wolfe (1973), p. 116: mucociliary efficiency, the worked example of R's kruskal.test:
    # chi-squared = 0.77143, df = 2, p = 0.68.
    groups = {
        "normal": [2.9, 3.0, 2.5, 2.6, 3.2],
        "obstructive": [3.8, 2.7, 4.0, 2.4],
        "asbestosis": [2.8, 3.4, 3.7, 2.2, 2.0],
    }
    rows = [
        {"respondent_id": f"{g}{i}", "stakeholder": g, "factor_id": "f0", "statement_id": "s0", "score": v}
        for g, values in groups.items()
        for i, v in enumerate(values)
    ]
    codebook = Codebook(
        "test",
        {
            "factors": [{"id": "f0", "label": {"en": "F"}, "statements": [{"id": "s0", "text": {"en": "x"}}]}],
            "stakeholders": [{"code": g, "label": {"en": g}} for g in groups],
            "scale": {"values": [1, 2, 3, 4, 5]},
        },
    )
    table = stats.group_differences(pd.DataFrame(rows), codebook, min_group=4)
    statement = table.loc[table["level"] == "statement"].iloc[0]
    assert statement["H"] == pytest.approx(0.77143, abs=5e-6) and statement["p"] == pytest.approx(0.68, abs=5e-3)


def test_on_the_papers_data(paper_raw, codebook):
    likert = clean_dataset(paper_raw, codebook, "survey.csv").likert
    w = stats.kendalls_w(likert, codebook)
    assert w["n_respondents"] == 4 and w["n_factors"] == 4 and 0 <= w["W"] <= 1
    reliability = stats.factor_reliability(likert, codebook)
    assert reliability["alpha"].isna().all()
    assert reliability["note"].str.contains("4 respondents answered every statement").all()
    differences = stats.group_differences(likert, codebook)
    assert differences.empty and "fewer than two stakeholder groups" in differences.attrs["note"]


# --- uncertainty, effect sizes and corrections, each against a published example ----------------------------


def test_p_values_are_never_printed_as_zero():
    assert stats.format_p(0.0004) == "p < 0.001" and stats.format_p(0.0) == "p < 0.001"
    assert stats.format_p(0.06271) == "p = 0.063" and stats.format_p(0.001) == "p = 0.001"
    assert stats.format_p(np.nan) == "p not computed"


def test_exact_friedman_p_matches_friedmans_table():
    # Friedman (1937) / Siegel (1956), Table N: k = 3 conditions, N = 3 blocks; chi-square_r = 6.0 has exact p = .028
    # (6 of the 3!^3 = 216 rearrangements reach it: the three respondents ranking alike, in any of the 3! orders).
    p, how = stats.friedman_small_sample_p(np.array([[1, 2, 3], [1, 2, 3], [1, 2, 3]], dtype=float))
    assert p == pytest.approx(0.028, abs=5e-4) and how == "exact (all 216 rearrangements)"
    # chi-square_r = 4.667 (one respondent's top two swapped) has exact p = .194 in the same table.
    p, _ = stats.friedman_small_sample_p(np.array([[1, 2, 3], [1, 2, 3], [2, 1, 3]], dtype=float))
    assert p == pytest.approx(0.194, abs=5e-4)


def test_kendalls_w_on_the_papers_data_shows_its_exact_p(paper_raw, codebook):
    w = stats.kendalls_w(clean_dataset(paper_raw, codebook, "survey.csv").likert, codebook)
    assert w["p_method"] == "exact (all 331,776 rearrangements)"
    assert w["p"] == pytest.approx(0.0508, abs=5e-4) and w["p_chi2"] == pytest.approx(0.0627, abs=5e-4)


def test_kendalls_w_with_many_respondents_keeps_the_chi_square_p():
    result = stats.kendalls_w(as_likert(ROUNDING_TIMES), codebook_for(3))  # 22 respondents: a permutation p
    assert result["p_method"].startswith("permutation (9,999 rearrangements")
    assert result["p"] == pytest.approx(result["p_chi2"], abs=0.004)  # close to the chi-square p of 0.0038
    rng = np.random.default_rng(3)
    many = stats.kendalls_w(as_likert(rng.integers(1, 6, size=(40, 4)).astype(float)), codebook_for(4))
    assert many["p_method"] == "chi-square approximation" and many["p"] == many["p_chi2"]


def test_wilson_interval_matches_newcombe_1998():
    # Newcombe (1998), Two-sided confidence intervals for the single proportion, Table I, method 3 (Wilson score).
    for (x, n), (low, high) in {
        (81, 263): (0.2553, 0.3662),
        (15, 148): (0.0624, 0.1605),
        (0, 20): (0.0, 0.1611),
        (1, 29): (0.0061, 0.1718),
    }.items():
        assert stats.wilson_interval(x, n) == pytest.approx((low, high), abs=5e-5)


def test_holm_and_bh_match_benjamini_and_hochberg_1995():
    # Benjamini & Hochberg (1995), section 4.2: 15 p-values; at 0.05 the FDR procedure rejects 4, Bonferroni-type
    # procedures (Holm's among them) reject 3.
    p = pd.Series(
        [
            0.0001,
            0.0004,
            0.0019,
            0.0095,
            0.0201,
            0.0278,
            0.0298,
            0.0344,
            0.0459,
            0.3240,
            0.4262,
            0.5719,
            0.6528,
            0.7590,
            1.000,
        ]
    )
    assert (stats.adjust_p(p, "fdr_bh") <= 0.05).sum() == 4
    assert (stats.adjust_p(p, "holm") <= 0.05).sum() == 3
    with_gap = stats.adjust_p(pd.Series([0.01, np.nan, 0.04]), "holm")
    assert np.isnan(with_gap[1]) and with_gap[0] == pytest.approx(0.02) and with_gap[2] == pytest.approx(0.04)


def test_epsilon_squared_of_hollander_and_wolfe():
    # Tomczak & Tomczak (2014): epsilon-squared = H / ((n^2 - 1) / (n + 1)); for the mucociliary data above,
    # H = 0.77143 over n = 14 gives 0.0593.
    assert float(stats.epsilon_squared(0.77143, 14)) == pytest.approx(0.0593, abs=5e-5)


def test_dunn_with_holm_matches_a_worked_example():
    # Five groups of five (the worked example of the `dunn` package's README): unadjusted two-sided p-values of
    # Dunn's z, e.g. group 1 vs 4: 0.00013, 1 vs 5: 0.00069, 2 vs 3: 0.26393; Holm is then applied per item.
    from statsmodels.stats.multitest import multipletests

    groups = {
        "g1": [0.28551035, 0.338524035, 0.088631321, 0.205930807, 0.363240102],
        "g2": [0.52173913, 0.763358779, 0.325436786, 0.425305688, 0.378071834],
        "g3": [0.98911968, 1.192718142, 0.788288288, 0.549176236, 0.544588155],
        "g4": [1.26705653, 1.625320787, 1.266108976, 1.154187629, 1.268489431],
        "g5": [1.25697569, 1.265897356, 1.237814561, 0.954612564, 2.365415457],
    }
    unadjusted = [0.32304, 0.03526, 0.00013, 0.00069, 0.26393, 0.00457, 0.01612, 0.08567, 0.19740, 0.66744]
    rows = [
        {"respondent_id": f"{g}{i}", "stakeholder": g, "factor_id": "f0", "statement_id": "s0", "score": v}
        for g, values in groups.items()
        for i, v in enumerate(values)
    ]
    codebook = Codebook(
        "test",
        {
            "factors": [{"id": "f0", "label": {"en": "F"}, "statements": [{"id": "s0", "text": {"en": "x"}}]}],
            "stakeholders": [{"code": g, "label": {"en": g}} for g in groups],
            "scale": {"values": [1, 5]},
        },
    )
    pairs = stats.pairwise_differences(pd.DataFrame(rows), codebook)
    statement = pairs.loc[pairs["level"] == "statement"]
    assert list(zip(statement["group_a"], statement["group_b"]))[:4] == [
        ("g1", "g2"),
        ("g1", "g3"),
        ("g1", "g4"),
        ("g1", "g5"),
    ]
    expected = multipletests(unadjusted, method="holm")[1]
    assert statement["p_holm"].to_numpy() == pytest.approx(expected, abs=2e-4)
    differences = stats.group_differences(pd.DataFrame(rows), codebook)
    assert {"epsilon2", "p_holm", "p_bh"} <= set(differences.columns)


def test_group_intervals_are_seeded_and_sensible(many_raw, codebook):
    likert = clean_dataset(many_raw, codebook, "survey.csv").likert
    first = stats.group_mean_intervals(likert, codebook)
    assert first.equals(stats.group_mean_intervals(likert, codebook))  # same seed, same numbers
    assert ((first["ci_low"] <= first["mean"]) & (first["mean"] <= first["ci_high"])).all()
    assert set(first["n"]) == {3} and len(first) == 4 * (4 + 15)
    s01 = first.loc[(first["id"] == "s01") & (first["stakeholder"] == "central_gov")].iloc[0]
    assert s01["mean"] == pytest.approx(10 / 3)  # 5, 2, 3
    # Three respondents are a small group: t interval for the mean, exact interval for the share.
    assert (s01["share_agree"], s01["agree_low"]) == (
        pytest.approx(1 / 3),
        pytest.approx(stats.exact_interval(1, 3)[0]),
    )
    assert (s01["ci_low"], s01["ci_high"]) == pytest.approx(stats.t_mean_ci(np.array([5.0, 2.0, 3.0]), (1, 5)))
    low, high = stats.bootstrap_mean_ci(np.array([4.0, 4.0, 4.0]))
    assert low == high == 4.0 and np.isnan(stats.bootstrap_mean_ci(np.array([3.0]))[0])


def test_krippendorff_interval_brackets_the_estimate():
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, 5, 1, 3],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 1, 3],
        [2, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 4],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 3],
    ]
    result = stats.ordinal_agreement(as_likert(observers), codebook_for(12))
    assert result["ci_low"] < result["alpha"] < result["ci_high"] <= 1
    assert result == stats.ordinal_agreement(as_likert(observers), codebook_for(12))


def test_item_statistics_by_hand():
    items = np.array(
        [[1, 2, 2], [5, 4, 5], [2, 1, 1], [3, 2, 3], [4, 4, 3], [2, 1, 2], [3, 2, 2], [4, 5, 4], [3, 2, 2], [2, 1, 2]]
    )
    likert = as_likert(items, factors={0: "f0", 1: "f0", 2: "f0"})
    table = stats.item_statistics(likert, codebook_for(1, statements_per_factor=3), min_respondents=10)
    first = table.set_index("statement_id").loc["s0"]
    rest = items[:, 1:]
    assert first["item_total_r"] == pytest.approx(np.corrcoef(items[:, 0], rest.sum(axis=1))[0, 1])
    by_hand = 2 * (1 - rest.var(axis=0, ddof=1).sum() / rest.sum(axis=1).var(ddof=1))
    assert first["alpha_if_deleted"] == pytest.approx(by_hand)


def test_low_alpha_is_said_in_words():
    assert "do not form a scale here" in stats.scale_verdict(-0.58)
    assert "do not form a scale here" in stats.scale_verdict(0.5)
    assert stats.scale_verdict(0.8) == "the statements form a scale here"


def test_factor_structure_finds_the_codebooks_factors_and_a_misplaced_statement():
    rng = np.random.default_rng(11)
    n = 300
    latent = rng.normal(size=(n, 2))
    items = np.column_stack(
        [latent[:, 0] + rng.normal(0, 0.5, n) for _ in range(3)]
        + [latent[:, 1] + rng.normal(0, 0.5, n) for _ in range(3)]
    )
    likert = as_likert(items, factors={0: "f0", 1: "f0", 2: "f0", 3: "f1", 4: "f1", 5: "f1"})
    structure = stats.factor_structure(likert, codebook_for(2, statements_per_factor=3))
    assert structure["fits_codebook"].all() and structure.attrs["n"] == n
    # s2 measures the second factor but the codebook puts it in the first: it is flagged.
    swapped = items.copy()
    swapped[:, 2] = latent[:, 1] + rng.normal(0, 0.5, n)
    structure = stats.factor_structure(
        as_likert(swapped, factors={0: "f0", 1: "f0", 2: "f0", 3: "f1", 4: "f1", 5: "f1"}),
        codebook_for(2, statements_per_factor=3),
    )
    assert structure.loc[~structure["fits_codebook"], "statement_id"].tolist() == ["s2"]
    few = stats.factor_structure(as_likert(items[:50]), codebook_for(6))
    assert few.empty and "needs 5 per statement and at least 100" in few.attrs["note"]


def test_the_bootstrap_by_distinct_values_is_scipys_bootstrap():
    from scipy.stats import bootstrap

    values = np.array([1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 3, 2, 4, 4, 5, 1, 3], dtype=float)
    ours = stats.bootstrap_mean_ci(values, n_resamples=20000)
    theirs = bootstrap((values,), np.mean, n_resamples=20000, method="percentile", rng=np.random.default_rng(0))
    assert ours == pytest.approx((theirs.confidence_interval.low, theirs.confidence_interval.high), abs=0.03)


def test_krippendorff_from_unit_coincidences_equals_the_package():
    import krippendorff

    rng = np.random.default_rng(5)
    data = rng.integers(1, 6, size=(30, 12)).astype(float)
    data[rng.random(data.shape) < 0.15] = np.nan
    data[:, 3] = np.nan
    data[0, 3] = 2.0  # a statement with a single answer pairs nothing
    ours = stats.ordinal_alpha(stats.unit_coincidences(data, [1, 2, 3, 4, 5]).sum(axis=0))
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=[1, 2, 3, 4, 5])
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_cronbach_alpha_and_interval_equal_pingouins(seed):
    import pingouin

    rng = np.random.default_rng(seed)
    n, k = rng.integers(5, 60), rng.integers(2, 8)
    common = rng.integers(1, 6, size=(n, 1))
    wide = pd.DataFrame(np.clip(common + rng.integers(-2, 3, size=(n, k)), 1, 5).astype(float))
    alpha, ci = stats.cronbach_alpha(wide)
    theirs, their_ci = pingouin.cronbach_alpha(data=wide)
    assert alpha == theirs
    assert ci.tolist() == their_ci.tolist()


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_adjusted_p_values_equal_pingouins_with_ties_and_gaps(method):
    import pingouin

    rng = np.random.default_rng(1)
    p = rng.uniform(0, 0.2, size=40).round(3)  # rounding makes ties
    p[[3, 17]] = np.nan
    ours = stats.adjust_p(pd.Series(p), method).to_numpy()
    theirs = pingouin.multicomp(p, method=method)[1]
    assert np.array_equal(ours, theirs, equal_nan=True)
    assert np.isnan(ours[[3, 17]]).all() and (ours[~np.isnan(p)] >= p[~np.isnan(p)]).all()


def test_adjust_p_refuses_an_unknown_method():
    with pytest.raises(ValueError, match="bonferroni"):
        stats.adjust_p(pd.Series([0.01, 0.02]), "bonferroni")
