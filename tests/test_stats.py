"""Each statistic against a published worked example, then on the paper's data."""
import numpy as np
import pandas as pd
import pytest

from helpers.analysis import stats
from helpers.ingest.clean import clean_dataset
from helpers.codebook import Codebook

# Hollander & Wolfe (1973), Nonparametric statistical methods, p. 140: times of 22 baseball players for three
# ways of rounding first base; the worked example of R's friedman.test: chi-squared = 11.143, df = 2, p = 0.003805.
ROUNDING_TIMES = [
    (5.40, 5.50, 5.55), (5.85, 5.70, 5.75), (5.20, 5.60, 5.50), (5.55, 5.50, 5.40), (5.90, 5.85, 5.70),
    (5.45, 5.55, 5.60), (5.40, 5.40, 5.35), (5.45, 5.50, 5.35), (5.25, 5.15, 5.00), (5.85, 5.80, 5.70),
    (5.25, 5.20, 5.10), (5.65, 5.55, 5.45), (5.60, 5.35, 5.45), (5.05, 5.00, 4.95), (5.50, 5.50, 5.40),
    (5.45, 5.55, 5.50), (5.55, 5.55, 5.35), (5.45, 5.50, 5.55), (5.50, 5.45, 5.25), (5.65, 5.60, 5.40),
    (5.70, 5.65, 5.55), (6.30, 6.30, 6.25),
]


def as_likert(matrix, factors=None, statements=None):
    """A long 'likert' frame: rows = respondents, columns = items (factors with one statement each)."""
    rows = []
    for r, values in enumerate(matrix):
        for j, value in enumerate(values):
            rows.append({"respondent_id": f"r{r}", "stakeholder": "g", "factor_id": (factors or {}).get(j, f"f{j}"),
                         "statement_id": (statements or {}).get(j, f"s{j}"), "score": value})
    return pd.DataFrame(rows)


def codebook_for(n_factors, statements_per_factor=1, values=(1, 2, 3, 4, 5)):
    factors = [{"id": f"f{i}", "label": {"en": f"F{i}"},
                "statements": [{"id": f"s{i * statements_per_factor + j}", "text": {"en": "x"}} for j in range(statements_per_factor)]}
               for i in range(n_factors)]
    return Codebook("test", {"factors": factors, "stakeholders": [{"code": "g", "label": {"en": "G"}}],
                             "scale": {"values": list(values)}})


def test_kendalls_w_matches_hollander_and_wolfe():
    result = stats.kendalls_w(as_likert(ROUNDING_TIMES), codebook_for(3))
    assert result["chi2"] == pytest.approx(11.143, abs=5e-4)
    assert result["p"] == pytest.approx(0.003805, abs=5e-7)
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
    assert ours["p"] == pytest.approx(theirs["p_unc"], rel=1e-9)


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
    items = np.array([[1, 2, 2], [5, 4, 5], [2, 1, 1], [3, 2, 3], [4, 4, 3], [2, 1, 2], [3, 2, 2], [4, 5, 4], [3, 2, 2], [2, 1, 2]])
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
    groups = {"normal": [2.9, 3.0, 2.5, 2.6, 3.2], "obstructive": [3.8, 2.7, 4.0, 2.4], "asbestosis": [2.8, 3.4, 3.7, 2.2, 2.0]}
    rows = [{"respondent_id": f"{g}{i}", "stakeholder": g, "factor_id": "f0", "statement_id": "s0", "score": v}
            for g, values in groups.items() for i, v in enumerate(values)]
    codebook = Codebook("test", {"factors": [{"id": "f0", "label": {"en": "F"}, "statements": [{"id": "s0", "text": {"en": "x"}}]}],
                                 "stakeholders": [{"code": g, "label": {"en": g}} for g in groups], "scale": {"values": [1, 2, 3, 4, 5]}})
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
