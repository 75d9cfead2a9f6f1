"""The report's words for the design, the missing answers and the verdicts' stability, from step 03's tables
read back as the report reads them (every cell text)."""

import pandas as pd
import pytest

from helpers.analysis import design, missingness, stability, stats
from helpers.analysis.tables import write_table
from helpers.codebook import read_codebook
from helpers.i18n import ui
from helpers.ingest.clean import clean_export
from helpers.paths import REPO_ROOT, dataset_paths
from helpers.publish.report import design as words_of
from helpers.publish.report.tables import read_table


def step_03_tables(name: str, folder) -> tuple[dict, object]:
    """What step 03 writes for dataset `name`, written and read back."""
    paths = dataset_paths(name, root=REPO_ROOT)
    codebook = read_codebook(paths.codebook)
    clean = clean_export(paths, codebook)
    likert = missingness.apply_min_items(clean.likert, codebook)
    tables = design.analyse(likert, clean.respondents, codebook, stats.respondent_factor_scores(likert))
    tables["missingness"] = missingness.missingness_table(likert, codebook)
    tables["min_items_excluded"] = missingness.factor_scores_below_rule(likert)
    tables["no_opinion_sensitivity"] = pd.DataFrame(
        [missingness.no_opinion_sensitivity(likert, codebook, stats.group_factor_scores)]
    )
    weights, _ = design.weights_for(clean.respondents, codebook)
    tables["verdict_stability"] = stability.verdict_stability(
        likert, clean.choices, clean.respondents, codebook, weights
    )
    for table_name, table in tables.items():
        write_table(table, folder / f"{table_name}.csv")
    return {n: read_table(folder / f"{n}.csv") for n in words_of.DESIGN_TABLES}, codebook


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_papers_report_says_it_is_a_judgment_sample_and_estimates_no_population(tmp_path, lang):
    tables, codebook = step_03_tables("amirova2020", tmp_path)
    words = ui(lang)
    paragraphs = words_of.design_paragraphs(tables, codebook, words, lang)
    assert paragraphs[0].startswith(words["design_selection_judgment"].format(waves=""))
    assert words["design_no_invited"] in paragraphs[1]
    assert words["design_weights_not_for_population"] in paragraphs
    limits = words_of.design_limitations(tables, codebook, words, lang)
    assert limits == [words["limit_no_population"].format(selection=words["selection_judgment"], n=4)]
    assert words_of.weighted_table(tables, codebook, words, lang) is None  # no population estimate printed
    summary = words_of.design_summary(tables, words, lang)
    assert summary == words["summary_design"].format(
        design=words["summary_design_none"].format(selection=words["selection_judgment"], n=4)
    )


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_respondents_without_dates_are_counted_without_a_question_mark_for_a_date(tmp_path, lang):
    """An export with no date read (an SPSS file, a timestamp left unused) gives no fieldwork dates: the sentence
    says so, where it read "between ? and ?"; with dates it names them."""
    tables, codebook = step_03_tables("example-v2", tmp_path)
    words = ui(lang)
    dated = " ".join(words_of.design_paragraphs(tables, codebook, words, lang))
    facts = dict(zip(tables["design"]["measure"], tables["design"]["value"]))
    assert str(facts["fieldwork_start"]) in dated and str(facts["fieldwork_end"]) in dated
    undated = dict(tables)
    undated["design"] = tables["design"].loc[~tables["design"]["measure"].isin(["fieldwork_start", "fieldwork_end"])]
    text = " ".join(words_of.design_paragraphs(undated, codebook, words, lang))
    assert "?" not in text and "None" not in text
    said = {"en": "the data give no dates", "ru": "даты ответов в данных нет", "kk": "деректерде жауап күндері жоқ"}
    assert said[lang] in text


def test_a_census_with_a_frame_shows_rates_weights_and_both_means(tmp_path):
    tables, codebook = step_03_tables("example-v2", tmp_path)
    words = ui("en")
    text = " ".join(words_of.design_paragraphs(tables, codebook, words))
    facts = dict(zip(tables["design"]["measure"], tables["design"]["value"]))
    invited = int(float(facts["invited"]))
    assert f"Of {invited} invited" in text and "AAPOR RR1" in text
    assert "raked to the frame's counts by pilot body, stakeholder type" in text
    assert "fewer than 20 pilot bodies" in text  # four bodies: the clustering is stated, not used
    table = words_of.weighted_table(tables, codebook, words)
    assert list(table.columns) == words["weighted_columns"]
    assert len(table) == len(codebook.factors())
    # Unweighted and weighted means side by side, each with its interval.
    assert table[words["weighted_columns"][2]].str.contains(r"\[").all()
    assert table[words["weighted_columns"][3]].str.contains(r"\[").all()
    limits = words_of.design_limitations(tables, codebook, words)
    assert limits and limits[0].startswith("Response rate")


def test_the_missingness_table_has_a_row_per_statement_and_a_column_per_group_and_all(tmp_path):
    tables, codebook = step_03_tables("example-v2", tmp_path)
    words = ui("en")
    wide = words_of.missingness_wide(tables["missingness"], codebook, words)
    assert len(wide) == len(codebook.statements())
    assert list(wide.columns)[-1] == words["all_respondents"]
    every = tables["missingness"].loc[tables["missingness"]["stakeholder"] == "all"]
    first = every.iloc[0]
    missing = int(first["no_opinion"]) + int(first["blank"])
    assert wide.iloc[0][words["all_respondents"]].startswith(f"{missing} / {first['n']} (")


def test_the_stability_table_marks_a_changed_verdict_and_names_a_finding_checked_twice(tmp_path):
    tables, _ = step_03_tables("amirova2020", tmp_path)
    words = ui("en")
    table = words_of.stability_table(tables["verdict_stability"], words)
    assert table["#"].tolist()[:2] == ["1a", "1b"] and "2" in table["#"].tolist()
    top = words["readings"]["agree_top"]
    row = table.set_index("#").loc["2"]
    assert row[top] == words["stability_changed"].format(verdict=words["verdict_partly"])
    assert row[words["readings"]["reported"]] == words["verdict_supported"]
    assert words_of.stability_line(tables["verdict_stability"], words) == words["stability_some_change"].format(
        stable=7, n=8, findings="2"
    )


def test_the_sensitivity_line_says_how_far_no_opinion_as_the_midpoint_moves_a_group(tmp_path):
    tables, codebook = step_03_tables("example-v2", tmp_path)
    words = ui("en")
    text = words_of.missing_paragraph(tables, codebook, words)
    row = tables["no_opinion_sensitivity"].iloc[0]
    assert f"Scoring the {row['recoded']} “no opinion” answers as the scale's middle (3)" in text
    assert f"at most {float(row['max_change']):.2f}" in text
    assert f"{len(tables['min_items_excluded'])} factor scores fall below that" in text
