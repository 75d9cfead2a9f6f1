"""Defects a review found in the analysis and the report: blank factors, missing intervals, one definition of a
group's factor score, the scale line of the summary, default table captions, the messages on rows set aside."""

import shutil

import pandas as pd
import pytest
from markupsafe import Markup

from helpers.analysis import stats, tables
from helpers.codebook import Codebook, read_codebook
from helpers.files import write_csv
from helpers.i18n import ui, ui_text_keys
from helpers.ingest.clean import clean_dataset
from helpers.publish import export, report

from conftest import PAPER

LANGUAGES = ("en", "ru", "kk")


def paper_with_blanks(paper_raw, codebook, blanks: dict[str, list[str]]):
    """The paper's export with the given statements of the given respondents left blank, cleaned."""
    raw = paper_raw.copy()
    for respondent, statements in blanks.items():
        raw.loc[raw["respondent_id"] == respondent, statements] = ""
    return clean_dataset(raw, codebook, "survey.csv")


def resources(codebook) -> list[str]:
    statements = codebook.statements()
    return statements.loc[statements["factor_id"] == "resources", "statement_id"].tolist()


def read_back(frame: pd.DataFrame, tmp_path, name: str) -> pd.DataFrame:
    """`frame` as the report reads it: written as the tables step writes it, read back as text."""
    write_csv(frame, tmp_path / f"{name}.csv")
    return report.read_table(tmp_path / f"{name}.csv")


# --- 2. a respondent leaves a whole factor blank (the paper's data) ------------------------------------------------
def test_a_factor_one_group_left_blank_is_missing_for_that_group_only(paper_raw, codebook):
    clean = paper_with_blanks(paper_raw, codebook, {"R4": resources(codebook)})
    summary = tables.factor_summary(clean.likert, codebook).set_index(["stakeholder", "factor_id"])
    blank = summary.loc[("local_gov", "resources")]
    assert blank["n_scores"] == 0 and pd.isna(blank["mean"]) and pd.isna(blank["rank"])
    # The group's other factors keep their scores and ranks; the other groups are as on the paper's data.
    paper = tables.factor_summary(clean_dataset(paper_raw, codebook, "survey.csv").likert, codebook)
    paper = paper.set_index(["stakeholder", "factor_id"])
    assert summary.loc[("local_gov", "organization"), "rank"] == 3  # 4th of 4 on the paper's data, 3rd of 3 here
    others = summary.drop(index="local_gov", level="stakeholder")
    pd.testing.assert_frame_equal(others, paper.drop(index="local_gov", level="stakeholder"))
    ranking = tables.factor_ranking(clean.likert, codebook).set_index("factor_id")
    assert ranking.loc["resources", "mean"] == pytest.approx((2.5 + 3.5 + 4.0) / 3)  # the groups that answered


def test_the_report_names_a_factor_a_group_left_blank(paper_raw, codebook, tmp_path):
    clean = paper_with_blanks(paper_raw, codebook, {"R4": resources(codebook)})
    per_group = report.scores_read_back(
        read_back(tables.factor_summary(clean.likert, codebook), tmp_path, "factor_summary"), ("mean",), ("rank",)
    )
    ranking = report.scores_read_back(
        read_back(tables.factor_ranking(clean.likert, codebook), tmp_path, "factor_ranking"),
        ("mean",),
        ("rank", "groups_ranking_first"),
    )
    groups = tables.group_sizes(clean.respondents, codebook)
    sentences = report.priority_summary(ranking, per_group, groups)
    assert "Local government representative: highest Strategy (4.67), lowest Organization (3.33)." in sentences
    assert "Local government representative: no answer to any statement of Resources." in sentences
    for lang in ("ru", "kk"):
        assert "priorities_group_missing" in ui_text_keys(lang)


# --- 3. one definition of a group's factor score ----------------------------------------------------------------
@pytest.fixture
def uneven(many_raw, codebook):
    """Three respondents per group; one of them answered a single Human capital statement (a low one), so pooling
    every answer of the group weighs the others more than the mean of the respondents' factor scores does."""
    raw = many_raw.copy()
    statements = codebook.statements()
    human = statements.loc[statements["factor_id"] == "human_capital", "statement_id"].tolist()
    raw.loc[raw["respondent_id"] == "R1-1", human[1:]] = ""
    raw.loc[raw["respondent_id"] == "R1-1", human[0]] = "1"
    return clean_dataset(raw, codebook, "survey.csv")


def test_every_table_gives_a_group_the_mean_of_its_respondents_factor_scores(uneven, codebook):
    summary = tables.factor_summary(uneven.likert, codebook).set_index(["stakeholder", "factor_id"])
    scores = stats.respondent_factor_scores(uneven.likert)
    public = scores.loc[(scores["stakeholder"] == "public_pm") & (scores["factor_id"] == "human_capital"), "score"]
    assert summary.loc[("public_pm", "human_capital"), "mean"] == pytest.approx(public.mean())
    pooled = uneven.likert.loc[
        (uneven.likert["stakeholder"] == "public_pm") & (uneven.likert["factor_id"] == "human_capital"), "score"
    ].mean()
    assert summary.loc[("public_pm", "human_capital"), "mean"] != pytest.approx(pooled)
    # The factor order of "Factor priorities" and Figure 2 is the summary's and the findings check's, to the bit.
    ranking = tables.factor_ranking(uneven.likert, codebook)
    weighting = stats.factor_means_by_weighting(uneven.likert, codebook)
    assert ranking["factor_id"].tolist() == weighting["factor_id"].tolist()
    assert ranking["mean"].astype(float).tolist() == weighting["mean_groups"].tolist()


def test_on_the_paper_data_the_factor_tables_are_those_of_pooled_answers(paper_raw, codebook):
    # One respondent per group, no blank: both definitions give the same numbers, and the same printed table.
    likert = clean_dataset(paper_raw, codebook, "survey.csv").likert.astype({"score": "Int64"})
    summary = tables.factor_summary(likert, codebook)
    pooled = likert.groupby(["stakeholder", "factor_id"], sort=False)["score"].mean()
    expected = [pooled[(row.stakeholder, row.factor_id)] for row in summary.itertuples()]
    assert summary["mean"].tolist() == expected
    assert str(summary["mean"].dtype) == "Float64"  # as pandas' mean of the scores: printed 4.0, not 4.00
    ranks = [1, 3, 1, 4, 1, 4, 2, 3, 1, 2, 3, 4, 1, 2, 4, 3]
    assert summary["rank"].tolist() == ranks


# --- 1. a difference between factors without its interval -------------------------------------------------------
def _summary_inputs(ci_missing: bool):
    """What summary_lines reads, as text from the CSVs: three factors, the CI of b - c missing when `ci_missing`."""
    groups = pd.DataFrame({"stakeholder": ["x", "y"], "label": ["X", "Y"], "short": ["X", "Y"], "n": [3, 2]})
    weighting = pd.DataFrame(
        {
            "factor_id": ["a", "b", "c"],
            "factor_short": ["A", "B", "C"],
            "mean_groups": ["4.0", "3.5", "3.4"],
            "mean_respondents": ["4.0", "3.5", "3.4"],
            "rank_groups": ["1", "2", "3"],
            "rank_respondents": ["1", "2", "3"],
        }
    )
    low, high = ("", "") if ci_missing else ("-0.1", "0.3")
    differences = pd.DataFrame(
        [
            ("a", "b", "0.5", "0.1", "0.9"),
            ("b", "c", "0.1", low, high),
            ("a", "c", "0.6", "0.2", "1.0"),
        ],
        columns=["factor_a", "factor_b", "difference", "ci_low", "ci_high"],
    )
    claims = pd.DataFrame({"verdict": ["supported"], "checkable": [""]})
    reliability = pd.DataFrame(
        {"factor_id": ["a"], "factor": ["A"], "n_statements": ["3"], "alpha": [""], "n_complete": ["4"]}
    )
    return groups, weighting, claims, {"text": "–"}, reliability, differences


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_difference_without_its_interval_is_said_to_have_none(lang):
    groups, weighting, claims, reproduction, reliability, differences = _summary_inputs(ci_missing=True)
    words = ui(lang)
    lines = report.summary_lines(groups, weighting, claims, reproduction, reliability, words, differences, lang)
    pair = words["pair_no_interval"].format(a="B", b="C", difference=report._number("0.1", lang))
    assert words["summary_no_interval"].format(pairs=pair) in lines
    assert not any(line.startswith(words["summary_indistinguishable"].split("{")[0]) for line in lines)
    assert "summary_no_interval" in ui_text_keys(lang) and "pair_no_interval" in ui_text_keys(lang)


def test_a_difference_with_its_interval_is_read_as_before():
    groups, weighting, claims, reproduction, reliability, differences = _summary_inputs(ci_missing=False)
    lines = report.summary_lines(groups, weighting, claims, reproduction, reliability, ui("en"), differences)
    assert (
        "Not told apart by these data (95 % CI of the difference includes 0): "
        "B and C (difference 0.10, 95 % CI -0.10 to 0.30)." in lines
    )
    assert not any("not available" in line for line in lines)


# --- 4. the summary's line on scales ---------------------------------------------------------------------------
def _reliability(alphas: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "factor_id": ["a", "b", "c", "d"],
            "factor": ["Strategy", "Human capital", "Organization", "Resources"],
            "n_statements": ["3"] * 4,
            "alpha": alphas,
        }
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_summary_names_the_factors_whose_scale_was_not_checked(lang):
    words = ui(lang)
    status = report.scale_status(_reliability(["0.84", "", "0.89", ""]), words, lang)
    low, high = report._number("0.84", lang), report._number("0.89", lang)
    assert status == (
        words["scale_checked_fine"].format(low=low, high=high)
        + "; "
        + words["scale_not_checked_for"].format(factors="Human capital, Resources")
    )
    assert {"scale_checked_fine", "scale_not_checked_for"} <= ui_text_keys(lang)
    groups, weighting, claims, reproduction, _, differences = _summary_inputs(ci_missing=False)
    lines = report.summary_lines(
        groups, weighting, claims, reproduction, _reliability(["0.84", "", "0.89", ""]), words, differences, lang
    )
    assert words["summary_scales"].format(status=status) in lines


def test_the_summary_scale_line_is_unchanged_when_all_or_none_were_checked():
    words = ui("en")
    assert report.scale_status(_reliability(["0.84", "0.85", "0.89", "0.86"]), words) == (
        "every factor's statements form a scale (alpha 0.84 to 0.89)"
    )
    assert report.scale_status(_reliability([""] * 4), words) == "not checked (too few respondents)"
    assert report.scale_status(_reliability(["0.84", "0.5", "0.89", ""]), words) == (
        "Human capital do not form a scale here; not checked for Resources"
    )


# --- 5. a codebook without table texts -------------------------------------------------------------------------
@pytest.fixture
def drafted(codebook):
    """The paper's codebook as `make new-dataset` drafts one: no `tables:` section."""
    raw = {key: value for key, value in codebook.raw.items() if key != "tables"}
    return Codebook(source=codebook.source, raw=raw)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tables_without_a_caption_in_the_codebook_get_the_default_one(drafted, codebook, lang):
    for name in ("table1", "table2", "table3"):
        caption = tables.table_caption(name, drafted, lang)
        assert caption and caption == ui(lang)[f"{name}_caption"]
        assert f"{name}_caption" in ui_text_keys(lang)
        assert tables.table_caption(name, codebook, lang) == codebook.table_text(name, "caption", lang)


def test_a_table_written_without_a_caption_is_headed_by_its_label_alone(paper_raw, codebook, tmp_path):
    from openpyxl import load_workbook

    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    table = tables.table1(clean.respondents, codebook)
    paths = export.write_table_formats(table, tmp_path, "table1", "", "", label="Table 1")
    assert load_workbook(paths[0]).active["A1"].value == "Table 1"


# --- 6. rows set aside, in a report in another language -----------------------------------------------------------
MESSAGE = "a score on the scale 1 (Strongly Disagree), 2 (Disagree), or blank"


@pytest.fixture
def quarantined(tmp_path):
    """A dataset folder whose cleaning set one row aside, with the cleaning step's (English) message."""
    raw = tmp_path / "data" / "raw" / "q"
    raw.mkdir(parents=True)
    shutil.copy(PAPER / "codebook.yaml", raw / "codebook.yaml")
    processed = tmp_path / "data" / "processed" / "q"
    processed.mkdir(parents=True)
    pd.DataFrame({"respondent_id": ["R9"], "s01": ["seven"]}).to_csv(processed / "rejected.csv", index=False)
    pd.DataFrame(
        {"file": ["survey.csv"], "row": [5], "column": ["s01"], "value": ["seven"], "expected": [MESSAGE]}
    ).to_csv(processed / "validation.csv", index=False)
    return read_codebook(raw / "codebook.yaml"), processed


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_english_message_on_rows_set_aside_is_marked_and_listed(quarantined, tmp_path, lang):
    codebook, processed = quarantined
    reasons = report.set_aside_reasons(report.problem_counts(processed), lang)
    assert len(reasons) == 1 and isinstance(reasons[0], Markup)
    assert '<span lang="en">a score on the scale 1 (Strongly Disagree), 2 (Disagree), or blank</span>' in reasons[0]
    assert "s01" in reasons[0]
    fallbacks = report.write_fallbacks(codebook, lang, tmp_path / "fallbacks.csv")
    listed = fallbacks.loc[fallbacks["key"] == MESSAGE]
    assert listed[["language", "file", "shown_in"]].values.tolist() == [[lang, "data/processed/q/validation.csv", "en"]]


def test_the_english_report_shows_the_message_as_before(quarantined, tmp_path):
    codebook, processed = quarantined
    [reason] = report.set_aside_reasons(report.problem_counts(processed), "en")
    assert str(reason) == "1 × column &#39;s01&#39;: expected " + MESSAGE
    assert MESSAGE not in report.write_fallbacks(codebook, "en", tmp_path / "fallbacks.csv")["key"].tolist()


@pytest.mark.parametrize(
    "lang, whole_row", [("en", "the row as a whole"), ("ru", "строка целиком"), ("kk", "жол тұтасымен")]
)
def test_a_problem_of_the_whole_row_names_no_column(tmp_path, lang, whole_row):
    """Too few or too many fields belong to no column: the report says so instead of "column ''"."""
    processed = tmp_path / "processed"
    processed.mkdir()
    pd.DataFrame(
        {"file": ["survey.csv"], "row": [5], "column": [""], "value": ["32 fields"], "expected": ["31 fields"]}
    ).to_csv(processed / "validation.csv", index=False)
    [reason] = report.set_aside_reasons(report.problem_counts(processed), lang)
    assert whole_row in str(reason) and "''" not in str(reason) and "«»" not in str(reason)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_factor_averaged_over_fewer_groups_says_so_in_the_summarys_order(lang):
    groups, weighting, claims, reproduction, reliability, differences = _summary_inputs(ci_missing=False)
    words = ui(lang)
    n = len(groups)
    lines = report.summary_lines(
        groups, weighting, claims, reproduction, reliability, words, differences, lang, {"a": n, "b": n - 1, "c": n}
    )
    [order] = [line for line in lines if line.startswith(words["summary_order"].split("{")[0])]
    assert words["summary_fewer_groups"].format(k=n - 1, n=n) in order
    assert order.count(words["summary_fewer_groups"].format(k=n - 1, n=n)) == 1  # only for B
    assert "summary_fewer_groups" in ui_text_keys(lang)
    # Every group scored every factor: the order reads as before.
    same = report.summary_lines(groups, weighting, claims, reproduction, reliability, words, differences, lang)
    assert same == report.summary_lines(
        groups, weighting, claims, reproduction, reliability, words, differences, lang, {"a": n, "b": n, "c": n}
    )
