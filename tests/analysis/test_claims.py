"""The paper's findings re-checked: verdicts on the paper's own data, and checks that cannot run say so."""

import pytest

import copy

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.analysis import claims as claims_module
from helpers.analysis.claims import (
    PARTLY,
    PARTLY_CHECKABLE,
    SUPPORTED,
    UNCHECKABLE,
    check_claims,
    disagreements,
    paper_claims,
)
from helpers.codebook import Codebook, read_codebook
from helpers.ingest.clean import clean_dataset, clean_export
from helpers.paths import REPO_ROOT, dataset_paths


@pytest.fixture
def clean(paper_raw, codebook):
    return clean_dataset(paper_raw, codebook, "survey.csv")


def test_every_claim_is_quoted_from_the_paper():
    from helpers.paths import REPO_ROOT

    paper = REPO_ROOT.parent / "shared" / "paper" / "amirova-2020.txt"
    claims = paper_claims()
    assert sorted({c["finding"] for c in claims}) == [1, 2, 3, 4, 5, 6, 7]
    if paper.exists():  # the article's text sits beside the repository in the project's workspace
        text = " ".join(paper.read_text(encoding="utf-8").split())
        for claim in claims:
            assert " ".join(claim["quote"].split()) in text, claim["id"]


def test_verdicts_on_the_papers_data(clean, codebook):
    table = check_claims(clean.likert, clean.choices, clean.respondents, codebook).set_index("id")
    assert table["verdict"].to_dict() == {
        "factor_order_scores": PARTLY,  # Table 3 puts Organization (4.08) above Human capital (3.80)
        "factor_order_choices": SUPPORTED,  # as far as it goes: no option of question 1 is known to name Resources
        "strategy_and_structure_agreed": SUPPORTED,
        "turnover": PARTLY,  # the Agency's project manager is a civil servant too, and rates it 2
        "tasks_and_views": PARTLY,  # only 2 of 4 chose "your opinion is taken into account"
        "leadership_proposed": SUPPORTED,
        "top_down_bottom_up": SUPPORTED,
        "similar_priorities": PARTLY,  # W 0.61 (similar), but its exact p 0.051 does not exclude chance
    }
    assert table["checkable"].to_dict() == {
        **{claim: "" for claim in table.index},
        "factor_order_choices": PARTLY_CHECKABLE,
    }
    assert "no option names Resources: the other factors decide" in table.loc["factor_order_choices", "numbers"]
    turnover = table.loc["turnover"]
    assert "2 of 3" in turnover["numbers"] and "contrary: Public-sector PM rates it 2" in turnover["numbers"]
    assert "rank 1 from the bottom of 5 Human capital statements" in turnover["numbers"]
    # The reading names the groups the words cover, from the codebook's roles.
    assert "(Public-sector PM, Central government, Local government)" in turnover["reading"]
    assert (
        table.loc["factor_order_scores", "numbers"]
        == "Strategy 4.58, Organization 4.08, Human capital 3.80, Resources 3.44"
    )
    assert "q4 B: chosen by 2 of 4 (50%" in table.loc["tasks_and_views", "numbers"]
    notes = disagreements(check_claims(clean.likert, clean.choices, clean.respondents, codebook), codebook)
    assert notes == [
        "Finding 1: by Table 3, Organization comes before Human capital; by Table 2, first question, "
        "the other way round."
    ]


def test_a_changed_answer_changes_the_verdict(paper_raw, codebook):
    paper_raw.loc[2, "q4"] = "B"  # the public-sector PM now also chooses "opinion taken into account"
    paper_raw.loc[4, "q4"] = "B"  # and so does the central government representative
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
    assert "company: not in the data" in table.loc["top_down_bottom_up", "numbers"]
    assert table.loc["top_down_bottom_up", "checkable"] == PARTLY_CHECKABLE


def test_a_majority_is_more_than_half():
    assert claims_module.share_state(2, 4) == claims_module.FAILS  # exactly half is no majority
    assert claims_module.share_state(3, 5) == claims_module.HOLDS_PARTLY  # a majority, not beyond chance
    assert claims_module.share_state(80, 100) == claims_module.HOLDS  # Wilson interval above one half
    assert claims_module.share_state(3, 3) == claims_module.HOLDS  # every one of them
    assert claims_module.combine([claims_module.HOLDS, claims_module.FAILS]) == PARTLY


def test_the_verdict_rule_can_fail_and_needs_a_findings_essential_part():
    holds, partly, fails = claims_module.HOLDS, claims_module.HOLDS_PARTLY, claims_module.FAILS
    # One part held by a plain majority out of four is no longer "partly".
    assert claims_module.combine([partly, fails, fails, fails]) == claims_module.NOT
    assert claims_module.combine([holds, partly, fails, fails]) == PARTLY  # half of the parts hold at least partly
    assert claims_module.combine([holds, holds], [fails]) == claims_module.NOT  # without its contrast: not supported
    assert claims_module.combine([fails, holds], [holds]) == PARTLY
    assert claims_module.combine([holds], [holds]) == SUPPORTED
    assert claims_module.combine([]) == claims_module.NOT


def test_every_role_is_defined_and_every_claim_names_roles_not_ids(codebook):
    vocabulary = claims_module.role_vocabulary()
    assert claims_module.unknown_roles(codebook) == []
    assert claims_module.unknown_roles(read_codebook(dataset_paths("example-v2", root=REPO_ROOT).codebook)) == []
    text = claims_module.CLAIMS_FILE.read_text(encoding="utf-8")
    for claim in paper_claims():
        for key in ("question_role", "option_role", "statement_role"):
            assert claim.get(key) is None or claim[key] in vocabulary
        for role in [
            *claim.get("statement_roles", []),
            *claim.get("option_roles", []),
            *claim.get("important_for", []),
            *claim.get("lowest_for", []),
        ]:
            assert role in vocabulary, role
    for paper_id in ("q1", "q3", "q4", "q5", "s02", "s08", "s09", "central_gov", "private_pm"):
        assert f" {paper_id}" not in text and f"[{paper_id}" not in text, paper_id
    # Every value a check reads (not the quoted and explained text) is a role, never a codebook's id.
    ids = set(_ids(codebook)) | set(_ids(read_codebook(dataset_paths("example-v2", root=REPO_ROOT).codebook)))
    words = ("id", "quote", "where", "evidence", "reading", "check", "keywords", "approach", "finding")

    def values(node):
        if isinstance(node, dict):
            return [v for key, value in node.items() if key not in words for v in values(value)]
        return [v for item in node for v in values(item)] if isinstance(node, list) else [node]

    for claim in paper_claims():
        read = [v for v in values(claim) if isinstance(v, str)]
        assert not set(read) & ids, (claim["id"], set(read) & ids)
        assert set(read) <= set(vocabulary), (claim["id"], set(read) - set(vocabulary))
    ids = [f["id"] for f in codebook.raw["factors"]] + ["q1", "q3", "q4", "q5", "s02", "s08", "s09", "central_gov"]
    # Nor in the code of the claims: a factor, statement or question id there would bind a finding to one codebook.
    for module in ("claims", "checks", "roles"):
        code = (claims_module.CLAIMS_FILE.parent / f"{module}.py").read_text(encoding="utf-8")
        for paper_id in ids:
            assert f'"{paper_id}"' not in code and f"'{paper_id}'" not in code, (module, paper_id)


def renumbered(paper_raw, codebook):
    """The paper's questionnaire with its questions renumbered: q3 (distribution of tasks) is now q2, and so on."""
    raw = copy.deepcopy(codebook.raw)
    new_ids = {"q1": "q1", "q2": "q5", "q3": "q2", "q4": "q3", "q5": "q4"}
    for question in raw["questions"]:
        question["id"] = new_ids[question["id"]]
    raw["questions"] = sorted(raw["questions"], key=lambda q: q["id"])
    export = paper_raw.rename(columns=new_ids)
    return Codebook("renumbered", raw), export


def test_a_renumbered_questionnaire_is_still_checked(paper_raw, codebook):
    other, export = renumbered(paper_raw, codebook)
    clean = clean_dataset(export, other, "survey.csv")
    moved = check_claims(clean.likert, clean.choices, clean.respondents, other).set_index("id")
    original = clean_dataset(paper_raw, codebook, "survey.csv")
    same = check_claims(original.likert, original.choices, original.respondents, codebook).set_index("id")
    assert (moved["verdict"] == same["verdict"]).all()
    assert (
        "q2 C: chosen by 4 of 4" in moved.loc["tasks_and_views", "numbers"]
    )  # the distribution-of-tasks question, now q2
    assert "q3 B: chosen by 2 of 4" in moved.loc["tasks_and_views", "numbers"]


def test_a_questionnaire_without_a_role_says_so(paper_raw, codebook):
    raw = copy.deepcopy(codebook.raw)
    for question in raw["questions"]:
        for option in question["options"]:
            option.pop("role", None)
    bare = Codebook("no roles", raw)
    clean = clean_dataset(paper_raw, bare, "survey.csv")
    table = check_claims(clean.likert, clean.choices, clean.respondents, bare).set_index("id")
    assert table.loc["tasks_and_views", "verdict"] == UNCHECKABLE
    assert (
        "no option of the questionnaire has the role tasks_distribution_option"
        in table.loc["tasks_and_views", "numbers"]
    )


def test_a_printed_leadership_option_is_prompted_not_a_proposal(tmp_path):
    from helpers.tools.synthetic import write_synthetic_dataset

    paths = dataset_paths("v2", root=tmp_path)
    write_synthetic_dataset(paths.raw, n_respondents=120, seed=3, n_pilot_bodies=2)
    codebook = read_codebook(paths.codebook)
    clean = clean_export(paths, codebook)
    row = (
        check_claims(clean.likert, clean.choices, clean.respondents, codebook)
        .set_index("id")
        .loc["leadership_proposed"]
    )
    listed = [
        (q["id"], str(o["letter"]))
        for q in codebook.raw["questions"]
        for o in q["options"]
        if "leadership_option" in claims_module.entry_roles(o)
    ]
    chose = set(
        clean.choices.loc[
            pd.MultiIndex.from_frame(clean.choices[["question_id", "option"]].astype(str)).isin(listed), "respondent_id"
        ]
    )
    texts = clean.choices.loc[clean.choices["free_text"].fillna("").str.strip() != ""]
    wrote = set(texts["respondent_id"])
    named = set(texts.loc[texts["free_text"].str.contains("Лидерство|Leadership|Стиль управления"), "respondent_id"])
    assert len(chose) > 30 and len(named) < len(chose)  # ticking the printed option is far commoner
    assert f"{len(chose)} ticked the printed option q1 E (prompted: not a proposal)" in row["numbers"]
    assert row["numbers"].startswith(f"named under 'Other' by {len(named)} of {len(wrote)} ")
    # The rule can fail: the verdict follows the unprompted proposals alone, whatever the ticks.
    expected = claims_module.combine([claims_module.share_state(len(named), len(wrote))])
    assert row["verdict"] == expected
    nobody = clean.choices.assign(
        free_text=clean.choices["free_text"].where(~clean.choices["respondent_id"].isin(named))
    )
    none = check_claims(clean.likert, nobody, clean.respondents, codebook).set_index("id").loc["leadership_proposed"]
    assert none["verdict"] == claims_module.NOT


def several_per_group(differences: dict[str, float], n: int = 40, spread: float = 1.0, seed: int = 1):
    """A likert frame of 3 groups x n respondents, one statement per factor; factor f scores around 3.5 + shift."""
    rng = np.random.default_rng(seed)
    rows = []
    for g in ("a", "b", "c"):
        for r in range(n):
            for factor, shift in differences.items():
                score = float(np.clip(np.rint(3.5 + shift + rng.normal(0, spread)), 1, 5))
                rows.append(
                    {
                        "respondent_id": f"{g}{r}",
                        "stakeholder": g,
                        "factor_id": factor,
                        "statement_id": f"s_{factor}",
                        "score": score,
                    }
                )
    return pd.DataFrame(rows)


def order_codebook(factors):
    return Codebook(
        "test",
        {
            "factors": [
                {
                    "id": f,
                    "role": f"{f}_factor",
                    "label": {"en": f.title()},
                    "statements": [{"id": f"s_{f}", "text": {"en": f}}],
                }
                for f in factors
            ],
            "stakeholders": [{"code": g, "label": {"en": g.upper()}} for g in "abc"],
            "scale": {"values": [1, 2, 3, 4, 5]},
            "questions": [],
        },
    )


def test_a_difference_within_its_interval_is_no_ranking():
    claim = {
        "id": "order",
        "finding": 1,
        "quote": "",
        "where": "",
        "evidence": "",
        "check": "factor_order",
        "order": [["strategy_factor"], ["organization_factor"], ["resources_factor"]],
    }
    codebook = order_codebook(["strategy", "organization", "resources"])
    likert = several_per_group({"strategy": 0.05, "organization": 0.0, "resources": -1.0})
    respondents = likert.drop_duplicates("respondent_id")[["respondent_id", "stakeholder"]]
    choices = pd.DataFrame(columns=["respondent_id", "question_id", "option", "free_text"])
    row = check_claims(likert, choices, respondents, codebook, [claim]).iloc[0]
    assert row["verdict"] == PARTLY
    assert "Strategy and Organization are indistinguishable here (difference" in row["numbers"]
    clear = several_per_group({"strategy": 1.0, "organization": 0.0, "resources": -1.0})
    row = check_claims(clear, choices, respondents, codebook, [claim]).iloc[0]
    assert row["verdict"] == SUPPORTED and "indistinguishable" not in row["numbers"]


def test_a_verdict_that_depends_on_the_weighting_says_so():
    claim = {
        "id": "order",
        "finding": 1,
        "quote": "",
        "where": "",
        "evidence": "",
        "check": "factor_order",
        "order": [["strategy_factor"], ["resources_factor"]],
    }
    codebook = order_codebook(["strategy", "resources"])
    rows = []
    # Group a (2 respondents) puts Strategy far ahead; groups b and c (30 each) put Resources a little ahead.
    for g, n, strategy, resources in (("a", 2, 5, 1), ("b", 30, 3, 4), ("c", 30, 3, 4)):
        for r in range(n):
            rows += [
                {"respondent_id": f"{g}{r}", "stakeholder": g, "factor_id": f, "statement_id": f"s_{f}", "score": v}
                for f, v in (("strategy", strategy), ("resources", resources))
            ]
    likert = pd.DataFrame(rows)
    respondents = likert.drop_duplicates("respondent_id")[["respondent_id", "stakeholder"]]
    choices = pd.DataFrame(columns=["respondent_id", "question_id", "option", "free_text"])
    row = check_claims(likert, choices, respondents, codebook, [claim]).iloc[0]
    assert row["numbers"].startswith("groups weighted equally: Strategy 3.67, Resources 3.00")
    assert (
        "respondents weighted equally: Resources 3.90, Strategy 3.06 (the verdict would be not supported"
        in row["numbers"]
    )
    assert "it depends on the weighting" in row["numbers"]
    assert row["verdict"] == SUPPORTED


def test_the_paper_verdicts_stand_beside_another_datasets(clean, codebook):
    checked = check_claims(clean.likert, clean.choices, clean.respondents, codebook)
    on_paper = claims_module.replication_table(checked, claims_module.reference_dataset())
    assert (on_paper["paper_verdict"] == "").all()
    elsewhere = claims_module.replication_table(checked, "example-v2").set_index("id")
    assert elsewhere.loc["turnover", "paper_verdict"] == PARTLY
    assert elsewhere.loc["factor_order_choices", "paper_verdict"] == f"{SUPPORTED} ({PARTLY_CHECKABLE})"
    assert list(elsewhere.columns).index("paper_verdict") == list(elsewhere.columns).index("verdict") - 1


@pytest.mark.parametrize("blank", [["s08"], ["s04", "s05", "s06", "s07", "s08"]], ids=["the statement", "its factor"])
def test_a_lowest_group_that_left_the_statement_blank_makes_that_part_unknown_not_a_crash(paper_raw, codebook, blank):
    """The company's manager (R2) leaving the turnover statement blank: the claim is checked as far as it goes."""
    raw = paper_raw.copy()
    raw.loc[raw["respondent_id"] == "R2", blank] = ""
    clean = clean_dataset(raw, codebook, "survey.csv")
    turnover = check_claims(clean.likert, clean.choices, clean.respondents, codebook).set_index("id").loc["turnover"]
    assert turnover["verdict"] == PARTLY
    assert "gave no answer to it, so its place among the factor's statements is not known" in turnover["numbers"]


# --- findings bound to roles only: renaming every id keeps every verdict ---------------------------------------
def renamed_everywhere(paper_raw, codebook, names: dict[str, str]):
    """The paper's questionnaire with factor, statement, question and stakeholder ids renamed by `names`
    (old id -> new id), in the codebook and in the export alike."""
    raw = copy.deepcopy(codebook.raw)
    rename = lambda value: names.get(value, value)  # noqa: E731
    for factor in raw["factors"]:
        factor["id"] = rename(factor["id"])
        for statement in factor["statements"]:
            statement["id"] = rename(statement["id"])
    for question in raw["questions"]:
        question["id"] = rename(question["id"])
        for option in question["options"]:
            if option.get("factor"):
                option["factor"] = rename(option["factor"])
    for group in raw["stakeholders"]:
        group["code"] = rename(group["code"])
    for column in ("other_column",):
        for question in raw["questions"]:
            if question.get(column):
                question[column] = rename(question[column])
    export = paper_raw.rename(columns=names)
    export["stakeholder"] = export["stakeholder"].map(rename)
    return Codebook("renamed", raw), export


def _ids(codebook):
    return (
        [f["id"] for f in codebook.raw["factors"]]
        + [s["id"] for f in codebook.raw["factors"] for s in f["statements"]]
        + [q["id"] for q in codebook.raw["questions"]]
        + [g["code"] for g in codebook.raw["stakeholders"]]
    )


@pytest.fixture(scope="module")
def paper_verdicts():
    paths = dataset_paths("amirova2020", root=REPO_ROOT)
    codebook = read_codebook(paths.codebook)
    clean = clean_export(paths, codebook)
    table = check_claims(clean.likert, clean.choices, clean.respondents, codebook)
    return table.set_index("id")[["verdict", "checkable"]]


def test_a_factor_named_people_instead_of_human_capital_keeps_every_check(paper_raw, codebook, paper_verdicts):
    other, export = renamed_everywhere(paper_raw, codebook, {"human_capital": "people", "strategy": "direction"})
    clean = clean_dataset(export, other, "survey.csv")
    table = check_claims(clean.likert, clean.choices, clean.respondents, other).set_index("id")
    assert table[["verdict", "checkable"]].equals(paper_verdicts)
    assert not table["numbers"].str.contains("cannot be checked|no scores for|has the role").any()


identifier = st.from_regex(r"[a-z][a-z0-9_]{1,12}", fullmatch=True)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_renaming_of_the_ids_gives_the_same_verdicts(paper_raw, codebook, paper_verdicts, data):
    old = _ids(codebook)
    reserved = set(paper_raw.columns) - set(old)  # the export's other columns (id, profile, other texts)
    new = data.draw(
        st.lists(identifier.filter(lambda n: n not in reserved), min_size=len(old), max_size=len(old), unique=True)
    )
    other, export = renamed_everywhere(paper_raw, codebook, dict(zip(old, new)))
    clean = clean_dataset(export, other, "survey.csv")
    table = check_claims(clean.likert, clean.choices, clean.respondents, other).set_index("id")
    assert table[["verdict", "checkable"]].equals(paper_verdicts)


@pytest.fixture(scope="module")
def example_v2():
    paths = dataset_paths("example-v2", root=REPO_ROOT)
    codebook = read_codebook(paths.codebook)
    clean = clean_export(paths, codebook)
    table = check_claims(clean.likert, clean.choices, clean.respondents, codebook).set_index("id")
    return clean, codebook, table


def test_on_example_v2_finding_4_uses_the_statements_that_ask_it(example_v2):
    clean, codebook, table = example_v2
    row = table.loc["tasks_and_views"]
    asked = [
        claims_module.statements_with_role(codebook, r)[0]
        for r in ("tasks_distribution_statement", "views_considered_statement")
    ]
    assert all(row["numbers"].count(f"{s}: ") == 1 for s in asked) and "q3 C" not in row["numbers"]
    states = []
    for statement in asked:
        scores = clean.likert.loc[clean.likert["statement_id"] == statement, "score"].dropna()
        states.append(claims_module.share_state(int((scores >= 4).sum()), len(scores)))
    assert row["verdict"] == claims_module.combine(states)


def test_on_example_v2_finding_6_counts_no_plain_majority_as_a_focus(example_v2):
    clean, codebook, table = example_v2
    row = table.loc["top_down_bottom_up"]
    # Each group: a clear majority for its approach and more for it than for the other, or the part fails.
    keys = pd.MultiIndex.from_frame(clean.choices[["question_id", "option"]].astype(str))

    def chose(role):
        return set(clean.choices.loc[keys.isin(claims_module.options_with_role(codebook, role)), "respondent_id"])

    states = []
    for approach, roles, other in (
        ("top_down_option", ["company", "central_authority"], "bottom_up_option"),
        ("bottom_up_option", ["akimat", "agency_project_manager"], "top_down_option"),
    ):
        for role in roles:
            groups = claims_module.stakeholders_with_role(codebook, role)
            people = clean.respondents.loc[clean.respondents["stakeholder"].isin(groups), "respondent_id"]
            k, k_other = people.isin(chose(approach)).sum(), people.isin(chose(other)).sum()
            clear = claims_module.share_state(k, len(people)) == claims_module.HOLDS
            states.append(claims_module.HOLDS if clear and k > k_other else claims_module.FAILS)
    assert row["verdict"] == claims_module.combine(states)
    assert claims_module.HOLDS_PARTLY not in states


def test_on_example_v2_a_contrary_group_is_one_no_majority_of_which_rates_it_important(example_v2):
    clean, codebook, table = example_v2
    numbers = table.loc["turnover", "numbers"]
    statement = claims_module.statements_with_role(codebook, "turnover_statement")[0]
    labels = dict(zip(codebook.stakeholders()["code"], codebook.stakeholders()["short"]))
    for group in claims_module.stakeholders_with_role(codebook, "civil_servant"):
        scores = clean.likert.loc[
            (clean.likert["statement_id"] == statement) & (clean.likert["stakeholder"] == group), "score"
        ].dropna()
        contrary = claims_module.share_state(int((scores >= 4).sum()), len(scores)) == claims_module.FAILS
        assert (f"contrary: {labels[group]}:" in numbers) == contrary, group
    assert "rank 1 from the bottom" in numbers or table.loc["turnover", "verdict"] == claims_module.NOT
