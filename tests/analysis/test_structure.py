"""The factor structure of the statements (helpers.analysis.structure), each statistic against a published
value, an exact result or an established implementation, then the edge cases on small hand-made frames."""

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import structure
from helpers.codebook import Codebook


def likert_from(matrix, statements_per_factor):
    """A long 'likert' frame from respondents x statements, statement j in factor j // statements_per_factor."""
    rows = []
    for r, values in enumerate(matrix):
        for j, value in enumerate(values):
            rows.append(
                {
                    "respondent_id": f"r{r:04d}",
                    "stakeholder": "g",
                    "factor_id": f"f{j // statements_per_factor}",
                    "statement_id": f"s{j}",
                    "score": value,
                }
            )
    return pd.DataFrame(rows)


def codebook_for(n_factors, statements_per_factor):
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
        {
            "factors": factors,
            "stakeholders": [{"code": "g", "label": {"en": "G"}}],
            "scale": {"values": [1, 2, 3, 4, 5]},
        },
    )


def simulated_answers(n, n_factors, per_factor, loading=0.7, factor_r=0.3, seed=7):
    """Likert answers 1-5 cut from a known factor model: each statement loads `loading` on its factor,
    the factors correlate `factor_r`."""
    rng = np.random.default_rng(seed)
    phi = np.full((n_factors, n_factors), factor_r) + (1 - factor_r) * np.eye(n_factors)
    latent = rng.multivariate_normal(np.zeros(n_factors), phi, size=n)
    p = n_factors * per_factor
    responses = np.repeat(latent, per_factor, axis=1) * loading + rng.normal(size=(n, p)) * np.sqrt(1 - loading**2)
    return np.digitize(responses, [-1.5, -0.5, 0.5, 1.5]) + 1.0


# --- polychoric ----------------------------------------------------------------------------------------------
def test_bivariate_normal_cdf_matches_scipys_multivariate_normal():
    from scipy.stats import multivariate_normal

    points = [-np.inf, -2.1, -0.7, 0.0, 0.4, 1.3, np.inf]
    for rho in (-0.95, -0.4, 0.0, 0.3, 0.8, 0.99):
        h, k = np.meshgrid(points, points, indexing="ij")
        ours = structure.bivariate_normal_cdf(h, k, rho)
        theirs = multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf(
            np.column_stack([h.ravel(), k.ravel()]), rng=np.random.default_rng(0)
        )
        np.testing.assert_allclose(ours.ravel(), theirs, atol=1e-6)


def test_tetrachoric_at_the_medians_is_sheppards_cosine():
    # Sheppard (1899): with both variables split at their medians, a 2 x 2 table [[a, b], [b, a]] has the
    # tetrachoric correlation cos(pi b / (a + b)); a = 35, b = 15 gives cos(0.3 pi) = 0.587785.
    assert structure.polychoric_from_table([[35, 15], [15, 35]]) == pytest.approx(0.587785, abs=1e-6)
    assert structure.polychoric_from_table([[15, 35], [35, 15]]) == pytest.approx(-0.587785, abs=1e-6)


def test_polychoric_recovers_rho_from_the_table_the_model_predicts():
    # A 5 x 4 table of exact bivariate-normal probabilities (rho = 0.6, uneven thresholds): the two-step ML
    # estimate is the rho that made it.
    rows, columns = np.array([-np.inf, -1.2, -0.3, 0.5, 1.4, np.inf]), np.array([-np.inf, -0.8, 0.2, 1.1, np.inf])
    cdf = structure.bivariate_normal_cdf(*np.meshgrid(rows, columns, indexing="ij"), 0.6)
    table = np.diff(np.diff(cdf, axis=0), axis=1) * 10_000
    assert structure.polychoric_from_table(table) == pytest.approx(0.6, abs=1e-6)


def test_polychoric_agrees_with_the_likelihood_written_with_scipys_multivariate_normal():
    # The same two-step estimate written out with scipy.stats.multivariate_normal's cdf for the cell
    # probabilities (semopy.polycorr.polychoric_corr would be the established implementation, but it calls
    # scipy.stats.mvn.mvnun, which scipy 1.17 no longer has).
    from scipy.optimize import minimize_scalar
    from scipy.stats import multivariate_normal, norm

    rng = np.random.default_rng(3)
    latent = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=400)
    answers = np.digitize(latent, [-1.0, -0.2, 0.6, 1.3]) + 1.0
    table = pd.crosstab(answers[:, 0], answers[:, 1]).to_numpy()

    def cuts(margin):
        return np.concatenate([[-10], norm.ppf(np.cumsum(margin)[:-1] / margin.sum()), [10]])

    a, b = cuts(table.sum(axis=1)), cuts(table.sum(axis=0))

    def minus_log_likelihood(rho):
        mvn = multivariate_normal([0, 0], [[1, rho], [rho, 1]])
        total = 0.0
        for i in range(table.shape[0]):
            for j in range(table.shape[1]):
                cell = mvn.cdf([a[i + 1], b[j + 1]], lower_limit=[a[i], b[j]], rng=np.random.default_rng(0))
                total -= table[i, j] * np.log(cell)
        return total

    theirs = minimize_scalar(minus_log_likelihood, bounds=(-0.99, 0.99), method="bounded").x
    ours = structure.polychoric_pairs(pd.DataFrame(answers, columns=["a", "b"]))["rho"].iloc[0]
    assert ours == pytest.approx(theirs, abs=1e-4)
    assert 0.4 < ours < 0.6


def test_polychoric_matrix_says_why_a_pair_has_no_correlation():
    rng = np.random.default_rng(5)
    wide = pd.DataFrame(
        {
            "a": rng.integers(1, 6, 60).astype(float),
            "b": rng.integers(1, 6, 60).astype(float),
            "constant": np.full(60, 3.0),
            "nobody": np.full(60, np.nan),
            "few": [1.0, 2.0, 3.0, 4.0, 5.0] * 2 + [np.nan] * 50,
        }
    )
    pairs = structure.polychoric_pairs(wide).set_index(["statement_a", "statement_b"])
    assert np.isfinite(pairs.loc[("a", "b"), "rho"]) and pairs.loc[("a", "b"), "n"] == 60
    assert "constant has one answer" in pairs.loc[("a", "constant"), "note"]
    assert pairs.loc[("a", "nobody"), "n"] == 0 and "fewer than 30" in pairs.loc[("a", "nobody"), "note"]
    assert pairs.loc[("a", "few"), "n"] == 10 and np.isnan(pairs.loc[("a", "few"), "rho"])
    matrix = structure.polychoric_correlations(wide)
    assert matrix.loc["a", "a"] == 1 and matrix.loc["a", "b"] == matrix.loc["b", "a"]
    assert matrix["nobody"].isna().all() and matrix["constant"].isna().all()


def test_perfectly_ordered_answers_stop_at_the_bound():
    wide = pd.DataFrame({"a": [1.0, 2, 3, 4, 5] * 8, "b": [1.0, 2, 3, 4, 5] * 8})
    pair = structure.polychoric_pairs(wide).iloc[0]
    assert pair["rho"] == pytest.approx(structure.MAX_RHO, abs=1e-6) and "bound" in pair["note"]


# --- how many factors, and the oblique loadings ------------------------------------------------------------------
def test_parallel_analysis_finds_three_simulated_factors():
    answers = simulated_answers(n=400, n_factors=3, per_factor=4)
    wide = pd.DataFrame(answers, columns=[f"s{j}" for j in range(12)])
    analysis = structure.parallel_analysis(structure.polychoric_correlations(wide), n=400)
    assert analysis["above_random"].sum() == 3 and analysis["above_one"].sum() == 3
    # The random eigenvalues of 400 x 12 independent normals: the first near 1 + sqrt(12 / 400) squared
    # (Marchenko-Pastur's edge, 1.38), the 95th percentile above their mean.
    assert 1.25 < analysis["random_mean"].iloc[0] < 1.45
    assert (analysis["random_p95"] > analysis["random_mean"]).all()
    again = structure.parallel_analysis(structure.polychoric_correlations(wide), n=400)
    pd.testing.assert_frame_equal(analysis, again)


def test_factor_count_on_likert_data():
    likert = likert_from(simulated_answers(n=400, n_factors=3, per_factor=4), statements_per_factor=4)
    count = structure.factor_count(likert, codebook_for(3, 4)).iloc[0]
    assert (count["parallel_count"], count["kaiser_count"], count["codebook_count"]) == (3, 3, 3)
    assert count["n_used"] == 400 and count["note"] == ""


def test_quartimin_matches_bernaards_and_jennrich():
    # Bernaards and Jennrich (2005), Educational and Psychological Measurement 65, 676-696, and GPArotation's
    # example: Harman's (1976) eight physical variables, two unrotated factors, rotated by quartimin.
    unrotated = np.array(
        [
            [0.830, -0.396],
            [0.818, -0.469],
            [0.777, -0.470],
            [0.798, -0.401],
            [0.786, 0.500],
            [0.672, 0.458],
            [0.594, 0.444],
            [0.647, 0.333],
        ]
    )
    published = np.array(
        [
            [0.891822, 0.056015],
            [0.953680, -0.023246],
            [0.929150, -0.046503],
            [0.876683, 0.033658],
            [0.013701, 0.925000],
            [-0.017265, 0.821253],
            [-0.052445, 0.764953],
            [0.085890, 0.683115],
        ]
    )
    pattern, phi = structure.oblimin_rotation(unrotated)
    np.testing.assert_allclose(pattern, published, atol=1e-5)
    # The rotation reproduces the common part of the correlations: L Phi L' = A A'.
    np.testing.assert_allclose(pattern @ phi @ pattern.T, unrotated @ unrotated.T, atol=1e-8)
    assert phi[0, 0] == pytest.approx(1) and 0.3 < phi[0, 1] < 0.6


def test_exploratory_factors_recover_the_codebooks_grouping():
    likert = likert_from(simulated_answers(n=400, n_factors=3, per_factor=4, factor_r=0.4), statements_per_factor=4)
    loadings, correlations = structure.exploratory_factors(likert, codebook_for(3, 4))
    assert loadings.attrs["n_factors"] == 3 and loadings.attrs["note"] == ""
    # Each codebook factor's statements share one extracted factor, a different one for each.
    home = loadings.groupby("factor_id")["loads_on"].agg(set)
    assert all(len(s) == 1 for s in home) and len(set.union(*home)) == 3
    assert (loadings["loading"] > 0.5).all()
    # The oblique rotation keeps the simulated correlation of the factors (0.4 between the latent answers).
    off = correlations[["F1", "F2", "F3"]].to_numpy()[np.triu_indices(3, 1)]
    assert ((off > 0.25) & (off < 0.55)).all()


# --- the confirmatory model -----------------------------------------------------------------------------------
def test_cfa_matches_lavaans_holzinger_swineford_tutorial():
    # lavaan's tutorial (Rosseel 2012; lavaan.ugent.be/tutorial/cfa.html), the three-factor model of
    # Holzinger and Swineford (1939), n = 301: chi2 = 85.306, df = 24, p < 0.001, CFI = 0.931, TLI = 0.896,
    # RMSEA = 0.092 (90 % CI 0.071 to 0.114), SRMR = 0.065; std.all loadings x1-x9 0.772 0.424 0.581 0.852
    # 0.855 0.838 0.570 0.723 0.665.
    import semopy

    data = semopy.examples.holzinger39.get_data()
    factors = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    fit, loadings = structure.fit_cfa(factors, data=data)
    assert fit["n"] == 301 and fit["df"] == 24 and fit["n_parameters"] == 21
    assert fit["chi2"] == pytest.approx(85.306, abs=0.001) and fit["p"] < 0.001
    for name, value in {"CFI": 0.931, "TLI": 0.896, "RMSEA": 0.092, "RMSEA_low": 0.071, "RMSEA_high": 0.114}.items():
        assert fit[name] == pytest.approx(value, abs=0.0005), name
    assert fit["SRMR"] == pytest.approx(0.065, abs=0.0005)
    published = [0.772, 0.424, 0.581, 0.852, 0.855, 0.838, 0.570, 0.723, 0.665]
    np.testing.assert_allclose(loadings["std_loading"], published, atol=0.0006)


def test_rmsea_interval_is_zero_below_the_degrees_of_freedom():
    # chi2 below df: RMSEA 0; the lower bound 0 as well, since even the central chi2 puts less than 95 % below.
    value, low, high = structure.rmsea_interval(chi2=20.0, df=24, n=301)
    assert value == 0 and low == 0 and 0 < high < 0.05
    # chi2 so small that the central chi2 puts less than 5 % below it: both bounds 0 (as lavaan gives).
    assert structure.rmsea_interval(chi2=10.0, df=24, n=301) == (0.0, 0.0, 0.0)


def test_confirmatory_factors_on_likert_data():
    likert = likert_from(simulated_answers(n=400, n_factors=3, per_factor=4), statements_per_factor=4)
    fit, loadings = structure.confirmatory_factors(likert, codebook_for(3, 4))
    fit = fit.iloc[0]
    assert fit["note"] == "" and fit["n"] == 400 and fit["df"] == 78 - 27 and fit["n_parameters"] == 27
    # The model is the one that made the data: it fits.
    assert fit["CFI"] > 0.95 and fit["RMSEA"] < 0.05 and fit["SRMR"] < 0.05
    # The loadings of the latent answers are the simulated 0.7.
    assert loadings["statement_id"].tolist() == [f"s{j}" for j in range(12)]
    assert loadings["std_loading"].between(0.55, 0.85).all()


def test_confirmatory_factors_say_why_not_with_few_respondents():
    likert = likert_from(simulated_answers(n=120, n_factors=3, per_factor=4), statements_per_factor=4)
    fit, loadings = structure.confirmatory_factors(likert, codebook_for(3, 4))
    assert loadings.empty and np.isnan(fit["CFI"].iloc[0])
    assert "27 free parameters need 135" in fit["note"].iloc[0]


def test_confirmatory_factors_leave_out_an_unanswered_statement():
    answers = simulated_answers(n=400, n_factors=3, per_factor=4)
    answers[:, 5] = np.nan  # nobody answered s5
    answers[:, 6] = 3.0  # everyone answered s6 alike
    fit, loadings = structure.confirmatory_factors(likert_from(answers, 4), codebook_for(3, 4))
    assert "left out (undefined correlations): s5, s6" in fit["note"].iloc[0]
    assert fit["n_statements"].iloc[0] == 10 and "s5" not in set(loadings["statement_id"])


def test_exploratory_factors_say_why_not_with_few_respondents():
    likert = likert_from(simulated_answers(n=60, n_factors=3, per_factor=4), statements_per_factor=4)
    loadings, correlations = structure.exploratory_factors(likert, codebook_for(3, 4))
    assert loadings.empty and "the smallest answered by 60 respondents" in loadings.attrs["note"]
    count = structure.factor_count(likert, codebook_for(3, 4)).iloc[0]
    assert np.isnan(count["parallel_count"]) and "needs 3 statements and 100" in count["note"]


# --- omega -------------------------------------------------------------------------------------------------------
def test_omega_from_loadings_by_hand():
    # Loadings 0.8, 0.7, 0.6: (2.1)^2 = 4.41; uniquenesses 0.36 + 0.51 + 0.64 = 1.51; 4.41 / 5.92 = 0.744932.
    assert structure.omega_from_loadings([0.8, 0.7, 0.6]) == pytest.approx(4.41 / 5.92, abs=1e-12)
    # Equal loadings l (tau-equivalent, standardised): omega is the standardised alpha k r / (1 + (k - 1) r),
    # r = l^2 (Spearman-Brown).
    k, r = 5, 0.36
    assert structure.omega_from_loadings([0.6] * k) == pytest.approx(k * r / (1 + (k - 1) * r), abs=1e-12)


def test_one_factor_loadings_of_three_statements_are_the_closed_form():
    # Three statements: the one-factor model is just identified, l_1 = sqrt(r12 r13 / r23), and so on.
    rng = np.random.default_rng(9)
    latent = rng.normal(size=500)
    wide = pd.DataFrame({f"s{j}": latent * w + rng.normal(size=500) for j, w in enumerate((1.2, 0.9, 0.6))})
    r = wide.corr().to_numpy()
    closed = [
        np.sqrt(r[0, 1] * r[0, 2] / r[1, 2]),
        np.sqrt(r[0, 1] * r[1, 2] / r[0, 2]),
        np.sqrt(r[0, 2] * r[1, 2] / r[0, 1]),
    ]
    np.testing.assert_allclose(structure.one_factor_loadings(wide).to_numpy(), closed, atol=1e-4)


def test_factor_omega_beside_alpha_and_its_edge_cases():
    answers = simulated_answers(n=300, n_factors=4, per_factor=4, loading=0.75)
    answers[:, 13] = 2.0  # f3: one statement everyone answered alike
    likert = likert_from(answers, 4)
    likert = likert.loc[~likert["statement_id"].isin(["s6", "s7"])]  # f1 keeps two statements
    likert.loc[likert["statement_id"].isin(["s8"]) & (likert["respondent_id"] > "r0020"), "score"] = np.nan
    omega = structure.factor_omega(likert, codebook_for(4, 4)).set_index("factor_id")
    assert 0.7 < omega.loc["f0", "omega"] < 0.9 and omega.loc["f0", "note"] == ""
    # For roughly equal loadings omega is close to alpha, and not below it.
    assert omega.loc["f0", "omega"] >= omega.loc["f0", "alpha"] - 1e-9
    assert omega.loc["f0", "omega"] - omega.loc["f0", "alpha"] < 0.02
    assert omega.loc["f1", "n_statements"] == 2 and "nobody answered s6, s7" in omega.loc["f1", "note"]
    assert "2 statements" in omega.loc["f1", "note"] and np.isnan(omega.loc["f1", "omega"])
    assert omega.loc["f2", "n_complete"] == 21 and "fewer than 30" in omega.loc["f2", "note"]
    assert "no variance in s13" in omega.loc["f3", "note"]


def test_the_same_data_give_the_same_bytes(tmp_path):
    from helpers.analysis.tables import write_table

    likert = likert_from(simulated_answers(n=300, n_factors=3, per_factor=4), statements_per_factor=4)
    codebook = codebook_for(3, 4)
    written = []
    for run in range(2):
        tables = [
            structure.factor_count(likert, codebook),
            *structure.exploratory_factors(likert, codebook),
            *structure.confirmatory_factors(likert, codebook),
            structure.factor_omega(likert, codebook),
        ]
        for i, table in enumerate(tables):
            write_table(table, tmp_path / f"{run}_{i}.csv")
        written.append([(tmp_path / f"{run}_{i}.csv").read_bytes() for i in range(len(tables))])
    assert written[0] == written[1]
