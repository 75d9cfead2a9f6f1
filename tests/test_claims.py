"""The paper's findings re-checked: verdicts on the paper's own data, and checks that cannot run say so."""
import pytest

from helpers.analysis.claims import PARTLY, SUPPORTED, UNCHECKABLE, check_claims, disagreements, paper_claims
from helpers.ingest.clean import clean_dataset


@pytest.fixture
def clean(paper_raw, codebook):
    return clean_dataset(paper_raw, codebook, "survey.csv")


def test_every_claim_is_quoted_from_the_paper():
    from helpers.paths import REPO_ROOT

    paper = REPO_ROOT.parent / "shared" / "paper" / "amirova-2020.txt"
    claims = paper_claims()
    assert sorted({c["finding"] for c in claims}) == [1, 2, 3, 4, 5, 6]
    if paper.exists():  # the article's text sits beside the repository in the project's workspace
        text = " ".join(paper.read_text(encoding="utf-8").split())
        for claim in claims:
            assert " ".join(claim["quote"].split()) in text, claim["id"]


def test_verdicts_on_the_papers_data(clean, codebook):
    table = check_claims(clean.likert, clean.choices, clean.respondents, codebook).set_index("id")
    assert table["verdict"].to_dict() == {
        "factor_order_scores": PARTLY,          # Table 3 puts Organization (4.08) above Human capital (3.80)
        "factor_order_choices": PARTLY,         # no option of question 1 is known to name Resources
        "strategy_and_structure_agreed": SUPPORTED,
        "turnover": SUPPORTED,
        "tasks_and_views": PARTLY,              # only 2 of 4 chose "your opinion is taken into account"
        "leadership_proposed": SUPPORTED,
        "top_down_bottom_up": SUPPORTED,
    }
    assert table.loc["factor_order_scores", "numbers"] == "Strategy 4.58, Organization 4.08, Human capital 3.80, Resources 3.44"
    assert "q4 B: chosen by 50% of 4" in table.loc["tasks_and_views", "numbers"]
    notes = disagreements(check_claims(clean.likert, clean.choices, clean.respondents, codebook), codebook)
    assert notes == ["Finding 1: by Table 3, Organization comes before Human capital; by Table 2, first question, "
                     "the other way round."]


def test_a_changed_answer_changes_the_verdict(paper_raw, codebook):
    paper_raw.loc[2, "q4"] = "B"   # the public-sector PM now also chooses "opinion taken into account"
    paper_raw.loc[4, "q4"] = "B"   # and so does the central government representative
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    table = check_claims(clean.likert, clean.choices, clean.respondents, codebook).set_index("id")
    assert table.loc["tasks_and_views", "verdict"] == SUPPORTED


def test_missing_stakeholder_types_make_a_check_say_so(clean, codebook):
    keep = clean.respondents["stakeholder"].isin(["public_pm", "local_gov"])
    respondents = clean.respondents.loc[keep]
    likert = clean.likert.loc[clean.likert["respondent_id"].isin(respondents["respondent_id"])]
    choices = clean.choices.loc[clean.choices["respondent_id"].isin(respondents["respondent_id"])]
    table = check_claims(likert, choices, respondents, codebook).set_index("id")
    assert table.loc["turnover", "verdict"] == UNCHECKABLE
    assert "Private-sector PM: not in the data" in table.loc["top_down_bottom_up", "numbers"]
