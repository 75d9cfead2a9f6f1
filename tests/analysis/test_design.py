"""The design block and what it permits: outcome rates, weights, design-based means, clustering."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.analysis import design
from helpers.codebook import Codebook, check_codebook, design_problems, read_codebook
from helpers.paths import REPO_ROOT


def _codebook(block: dict | None) -> Codebook:
    raw = {"design": block} if block is not None else {}
    return Codebook("test", raw)


def test_the_papers_codebook_states_a_judgment_sample_that_supports_no_population_estimate():
    paper = design.read_design(read_codebook(REPO_ROOT / "data/raw/amirova2020/codebook.yaml"))
    assert paper.selection == "judgment" and not paper.supports_population_estimates
    example = design.read_design(read_codebook(REPO_ROOT / "data/raw/example-v2/codebook.yaml"))
    assert example.selection == "census" and example.supports_population_estimates
    assert set(example.frame) == {"pilot_body", "stakeholder"}
    assert sum(example.frame["pilot_body"].values()) == sum(example.frame["stakeholder"].values())


@pytest.mark.parametrize(
    "block, key",
    [
        ({"selection": "quota-ish"}, "design.selection"),
        ({"selection": "census", "invited": -3}, "design.invited"),
        ({"selection": "census", "completes": 2.5}, "design.completes"),
        ({"selection": "census", "frame": {"stakeholder": {"a": 10}, "pilot_body": {"x": 11}}}, "design.frame"),
        ({"selection": "census", "frame": {"education": {"a": 10}}}, "design.frame.education"),
        ({"selection": "census", "frame": {"stakeholder": {"a": 0}}}, "design.frame.stakeholder.a"),
        ({"selection": "census", "fieldwork": {"start": "2021-01-01"}}, "design.fieldwork"),
        ("judgment", "design"),
    ],
)
def test_a_faulty_design_block_is_named_by_its_key(block, key):
    assert key in [k for k, _, _ in design_problems({"design": block})]


def test_check_codebook_reports_design_problems_with_the_file_and_key():
    raw = yaml_paper()
    raw["design"] = {"selection": "random"}
    problems = check_codebook(raw, "codebook.yaml")
    assert any(p.column == "design.selection" and p.value == "random" for p in problems)


def yaml_paper() -> dict:
    return dict(read_codebook(REPO_ROOT / "data/raw/amirova2020/codebook.yaml").raw)


# --- completion and outcome rates --------------------------------------------------------------
def _likert(rows: dict[str, list]) -> pd.DataFrame:
    """rows: respondent -> answers to s1..sk (a number, 'no' for no opinion, None for blank)."""
    records = []
    for respondent, answers in rows.items():
        for j, answer in enumerate(answers):
            records.append(
                {
                    "respondent_id": respondent,
                    "stakeholder": "g",
                    "factor_id": "f1" if j < len(answers) / 2 else "f2",
                    "statement_id": f"s{j + 1}",
                    "score": answer if isinstance(answer, (int, float)) else np.nan,
                    "missing_reason": "no opinion" if answer == "no" else "blank" if answer is None else np.nan,
                }
            )
    return pd.DataFrame(records)


class _Statements:
    def __init__(self, k):
        self.k = k

    def statements(self):
        return pd.DataFrame({"statement_id": [f"s{j + 1}" for j in range(self.k)]})


def test_completion_tells_complete_partial_and_breakoff_apart():
    likert = _likert(
        {
            "done": [1, 2, 3, 4, 5, 4],
            "one_left_out": [1, 2, 3, 4, 5, None],  # one blank last answer: an item left out, not a stop
            "no_opinion_at_end": [1, 2, 3, 4, "no", "no"],  # "no opinion" is an answer
            "stopped_late": [1, 2, 3, None, None, None],  # 3 of 6 answered: a partial (at least half)
            "stopped_early": [1, None, None, None, None, None],
        }
    )
    status = design.respondent_completion(likert, _Statements(6)).set_index("respondent_id")["status"]
    # The processed tables are read with categories (helpers.processed): the same answer.
    as_read = likert.astype({"respondent_id": "category", "statement_id": "category", "missing_reason": "category"})
    assert design.respondent_completion(as_read, _Statements(6)).set_index("respondent_id")["status"].equals(status)
    assert status.to_dict() == {
        "done": "complete",
        "one_left_out": "complete",
        "no_opinion_at_end": "complete",
        "stopped_late": "partial",
        "stopped_early": "breakoff",
    }


def test_outcome_rates_follow_aapor_rr1_and_rr2():
    completion = pd.DataFrame({"status": ["complete"] * 40 + ["partial"] * 5 + ["breakoff"] * 5})
    block = design.Design(selection="census", counts={"invited": 100})
    rates = design.outcome_rates(block, completion).set_index("measure")["value"]
    assert rates["RR1"] == pytest.approx(0.40)  # I / (I + P + R + NC + O + U): every invited person eligible
    assert rates["RR2"] == pytest.approx(0.45)  # (I + P) / the same
    assert rates["completion_rate"] == pytest.approx(40 / 50)
    # Without invitations no response rate can be given, only what the data show.
    assert "RR1" not in set(design.outcome_rates(None, completion)["measure"])


# --- weights -----------------------------------------------------------------------------------------
def test_post_stratification_gives_each_respondent_N_h_over_n_h():
    sample = pd.DataFrame({"stakeholder": ["a", "a", "a", "b"]})
    weights = design.rake(sample, {"stakeholder": {"a": 30, "b": 70}})
    assert weights.tolist() == pytest.approx([10, 10, 10, 70])


def test_raking_reproduces_a_worked_ipf_example():
    # Two margins of a 2 x 2 sample with one respondent per cell but two in (x, a): IPF's fixed point is the
    # weights whose cell totals t satisfy t_xa + t_xb = 60, t_ya + t_yb = 40, t_xa + t_ya = 50, t_xb + t_yb = 50
    # with the sample's odds ratio kept (t_xa t_yb / (t_xb t_ya) = 2): t^2 - 210 t + 6000 = 0, t_xa = 34.11.
    sample = pd.DataFrame({"body": ["x", "x", "x", "y", "y"], "stakeholder": ["a", "a", "b", "a", "b"]})
    weights = design.rake(sample, {"body": {"x": 60, "y": 40}, "stakeholder": {"a": 50, "b": 50}})
    cells = weights.groupby([sample["body"], sample["stakeholder"]]).sum()
    assert cells.groupby(level=0).sum().tolist() == pytest.approx([60, 40])
    assert cells.groupby(level=1).sum().tolist() == pytest.approx([50, 50])
    odds = cells[("x", "a")] * cells[("y", "b")] / (cells[("x", "b")] * cells[("y", "a")])
    assert odds == pytest.approx(2.0)  # raking keeps the sample's interaction: 2 * 1 / (1 * 1)
    assert cells[("x", "a")] == pytest.approx((210 - np.sqrt(210**2 - 4 * 6000)) / 2)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("xyz"), st.sampled_from("abc")), min_size=9, max_size=60),
    st.integers(min_value=0, max_value=10_000),
)
def test_raking_meets_every_margin_whenever_each_category_has_respondents(cells, seed):
    sample = pd.DataFrame(cells, columns=["body", "stakeholder"])
    rng = np.random.default_rng(seed)
    # A frame consistent with the sample's categories: the population over response rates in (0.2, 0.9).
    truth = sample.value_counts().astype(float) / rng.uniform(0.2, 0.9, size=sample.value_counts().size)
    margins = {
        "body": truth.groupby(level="body").sum().to_dict(),
        "stakeholder": truth.groupby(level="stakeholder").sum().to_dict(),
    }
    weights = design.rake(sample, margins)
    for variable, counts in margins.items():
        got = weights.groupby(sample[variable]).sum()
        assert got.to_dict() == pytest.approx(counts)


def test_a_frame_category_without_respondents_cannot_be_weighted_and_says_which():
    sample = pd.DataFrame({"stakeholder": ["a", "a"]})
    with pytest.raises(ValueError, match=r"design.frame.stakeholder: no respondent in \['b'\]"):
        design.rake(sample, {"stakeholder": {"a": 3, "b": 4}})
    with pytest.raises(ValueError, match="no population count"):
        design.rake(pd.DataFrame({"stakeholder": ["a", "c"]}), {"stakeholder": {"a": 3}})


def test_kish_design_effect():
    assert design.kish_deff([1, 1, 1, 1]) == 1
    assert design.kish_deff([1, 1, 2, 2]) == pytest.approx(4 * 10 / 36)  # n sum w^2 / (sum w)^2


def test_the_linearised_standard_error_equals_statsmodels_cluster_robust_wls():
    # svymean's linearisation with clusters as PSUs is the sandwich of a weighted regression on a constant with
    # the cluster correction G / (G - 1) (statsmodels' default for cov_type="cluster" with one regressor).
    import statsmodels.api as sm

    rng = np.random.default_rng(7)
    clusters = np.repeat(np.arange(12), rng.integers(3, 9, size=12))
    y = rng.normal(3.5, 1, size=len(clusters)) + clusters * 0.05
    w = rng.uniform(0.5, 3, size=len(clusters))
    mean, se, units = design.linearized_mean(y, w, clusters)
    fit = sm.WLS(y, np.ones_like(y), weights=w).fit(cov_type="cluster", cov_kwds={"groups": clusters})
    assert mean == pytest.approx(fit.params[0])
    assert se == pytest.approx(fit.bse[0], rel=1e-9)
    assert units == 12
    # Each respondent its own unit: HC1-like with n / (n - 1), as the robust sandwich with use_correction.
    mean, se, units = design.linearized_mean(y, w)
    fit = sm.WLS(y, np.ones_like(y), weights=w).fit(cov_type="cluster", cov_kwds={"groups": np.arange(len(y))})
    assert se == pytest.approx(fit.bse[0], rel=1e-9) and units == len(y)


def test_icc_anova_equals_the_reml_variance_components_on_balanced_data():
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(11)
    body = np.repeat(np.arange(15), 8)
    y = rng.normal(0, 0.6, size=15)[body] + rng.normal(0, 1, size=len(body))
    icc, size = design.icc_anova(pd.Series(y), pd.Series(body))
    fit = smf.mixedlm("y ~ 1", pd.DataFrame({"y": y, "body": body}), groups="body").fit(reml=True)
    between, within = float(fit.cov_re.iloc[0, 0]), float(fit.scale)
    assert icc == pytest.approx(between / (between + within), rel=1e-4)
    assert size == 8


def test_weighted_means_need_a_design_that_supports_them():
    likert = _likert({"r1": [4, 5], "r2": [3, 3], "r3": [5, 4]})
    respondents = pd.DataFrame(
        {"respondent_id": ["r1", "r2", "r3"], "stakeholder": ["g"] * 3, "pilot_body": ["x", "x", "y"]}
    )
    scores = likert.groupby(["respondent_id", "stakeholder", "factor_id"])["score"].mean().reset_index()

    class Book(Codebook):
        def factors(self, lang="en"):
            return pd.DataFrame({"factor_id": ["f1", "f2"]})

        def stakeholders(self, lang="en"):
            return pd.DataFrame({"code": ["g"]})

        def statements(self, lang="en"):
            return pd.DataFrame({"statement_id": ["s1", "s2"], "factor_id": ["f1", "f2"]})

    judged = design.analyse(likert, respondents, Book("t", {"design": {"selection": "judgment"}}), scores)
    assert judged["weighted_means"].empty
    assert judged["design"].set_index("measure").loc["population_estimates", "value"] == "no"
    frame = {"pilot_body": {"x": 20, "y": 30}}
    census = design.analyse(likert, respondents, Book("t", {"design": {"selection": "census", "frame": frame}}), scores)
    means = census["weighted_means"].set_index(["factor_id", "stakeholder"])
    # r1 and r2 share body x (weight 10 each), r3 is body y (weight 30): f1's weighted mean is (4 + 3 + 3 * 5) / 5.
    assert means.loc[("f1", "all"), "mean_weighted"] == pytest.approx((10 * 4 + 10 * 3 + 30 * 5) / 50)
    assert means.loc[("f1", "all"), "mean"] == pytest.approx(4.0)
    assert means.loc[("f1", "all"), "deff_weights"] == pytest.approx(3 * (100 + 100 + 900) / 50**2)
    assert census["design"].set_index("measure").loc["weighting", "value"] == "post-stratified"


# --- a weight column of the export, used as given --------------------------------------------------------------
def _weighted_codebook(codebook) -> Codebook:
    import copy

    raw = copy.deepcopy(codebook.raw)
    raw["profile"].append({"id": "weight", "type": "weight", "label": {"en": "Survey weight"}})
    raw["design"] = {"selection": "probability", "weight_column": "weight"}
    assert not check_codebook(raw, "codebook.yaml")
    return Codebook("codebook.yaml", raw)


def test_an_exports_weight_column_is_read_used_as_given_and_kept_out_of_table_1(many_raw, codebook):
    from helpers.analysis.tables import table1
    from helpers.ingest.clean import clean_dataset

    weighted = _weighted_codebook(codebook)
    raw = many_raw.assign(weight=["1,5", "2", "0.5", "1"] * (len(many_raw) // 4))
    clean = clean_dataset(raw, weighted, "survey.csv")
    weights, how = design.design_weights(clean.respondents, design.read_design(weighted))
    assert how == "given"
    assert weights.tolist() == [1.5, 2.0, 0.5, 1.0] * (len(many_raw) // 4)
    assert "Survey weight" not in table1(clean.respondents, weighted)["Parameter"].tolist()


@pytest.mark.parametrize("bad", ["", "0", "-1", "heavy"])
def test_a_missing_or_impossible_weight_is_named_by_row_column_and_value(many_raw, codebook, bad):
    from helpers.errors import DataValidationError
    from helpers.ingest.clean import clean_dataset

    raw = many_raw.assign(weight="1")
    raw.loc[raw.index[2], "weight"] = bad
    with pytest.raises(DataValidationError) as caught:
        clean_dataset(raw, _weighted_codebook(codebook), "survey.csv")
    problem = next(p for p in caught.value.problems if p.column == "weight" or "weight" in str(p.column))
    assert problem.row == raw.index[2] and (problem.value or "") == bad


def test_design_weight_column_must_name_a_weight_field():
    raw = {"profile": [{"id": "age", "type": "years"}], "design": {"selection": "census", "weight_column": "age"}}
    assert ("design.weight_column", "age") in [(k, v) for k, v, _ in design_problems(raw)]
