"""Each verdict under the other readings the analysis admits, and the rules a reading changes."""

import pandas as pd
import pytest

from helpers.analysis import claims, design, missingness, stability
from helpers.codebook import read_codebook
from helpers.ingest.clean import clean_export
from helpers.paths import REPO_ROOT, dataset_paths


@pytest.fixture(scope="module")
def paper():
    paths = dataset_paths("amirova2020", root=REPO_ROOT)
    codebook = read_codebook(paths.codebook)
    clean = clean_export(paths, codebook)
    return missingness.apply_min_items(clean.likert, codebook), clean.choices, clean.respondents, codebook


def test_a_stricter_majority_changes_what_holds_partly():
    assert claims.share_state(6, 10) == claims.HOLDS_PARTLY
    assert claims.share_state(6, 10, majority=2 / 3) == claims.FAILS
    assert claims.share_state(7, 10, majority=2 / 3) == claims.HOLDS_PARTLY
    assert claims.share_state(10, 10, majority=2 / 3) == claims.HOLDS


def test_weighted_shares_count_the_effective_n():
    respondents = pd.DataFrame({"respondent_id": ["a", "b", "c", "d"], "stakeholder": ["g"] * 4})
    data = claims._Data.__new__(claims._Data)
    data.rules = claims.Reading(weights=pd.Series({"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0}))
    yes = pd.Series([True, True, True, False])
    assert data.count(respondents["respondent_id"], yes) == pytest.approx((3, 4))  # equal weights: the counts
    data.rules = claims.Reading(weights=pd.Series({"a": 3.0, "b": 1.0, "c": 1.0, "d": 1.0}))
    agree, n = data.count(respondents["respondent_id"], yes)
    assert n == pytest.approx(6**2 / 12)  # Kish: (sum w)^2 / sum w^2
    assert agree / n == pytest.approx(5 / 6)  # the weighted share


def test_the_reported_reading_is_the_reports_own_check(paper):
    likert, choices, respondents, codebook = paper
    reported = claims.check_claims(likert, choices, respondents, codebook)
    table = stability.verdict_stability(likert, choices, respondents, codebook)
    own = table.loc[table["reading"] == "reported"].set_index("id")["verdict"]
    assert own.to_dict() == dict(zip(reported["id"], reported["verdict"]))
    # No frame: no weighted reading; every other reading once per finding.
    assert set(table["reading"]) == set(stability.READINGS) - {"weighted"}
    assert (table.groupby("id").size() == len(stability.READINGS) - 1).all()
    base = dict(zip(reported["id"], reported["verdict"]))
    assert (table["differs"] == (table["verdict"] != table["id"].map(base))).all()


def test_on_the_papers_data_only_the_top_point_as_agreement_changes_finding_two(paper):
    likert, choices, respondents, codebook = paper
    summary = stability.stability_summary(stability.verdict_stability(likert, choices, respondents, codebook))
    changed = summary.loc[~summary["stable"]]
    # The four agree (4 or 5) that strategy and structure matter, but not all of them strongly (5).
    assert changed[["id", "changes_under"]].values.tolist() == [["strategy_and_structure_agreed", "agree_top"]]


def test_the_weighted_reading_appears_with_the_designs_weights():
    paths = dataset_paths("example-v2", root=REPO_ROOT)
    codebook = read_codebook(paths.codebook)
    clean = clean_export(paths, codebook)
    weights, how = design.weights_for(clean.respondents, codebook)
    assert how == "raked" and weights is not None
    names = [name for name, _, _ in stability.readings(clean.likert, codebook, weights)]
    assert names == list(stability.READINGS)
    # One pilot body's report is not weighted: the frame's stakeholder counts are for all bodies together.
    assert design.weights_for(clean.respondents, codebook, pilot_body="akimat_nur_sultan") == (
        None,
        "none: one pilot body",
    )
