"""Formatting of single values, and the aggregation over groups with several respondents."""

import pandas as pd
import pytest

from helpers.analysis import tables
from helpers.ingest.clean import clean_dataset, write_processed
from helpers.processed import read_processed


@pytest.mark.parametrize(
    "months, bound, text",
    [
        (65, False, "5 years 5 months"),
        (120, True, "More than 10 years"),
        (156, False, "13 years"),
        (4, False, "4 months"),
        (18, False, "1 year 6 months"),
        (12, False, "1 year"),
        (0, False, "0 months"),
    ],
)
def test_format_months(months, bound, text):
    assert tables.format_months(months, bound) == text


def test_format_date_is_english_whatever_the_locale():
    assert tables.format_date("2019-11-04") == "November 4, 2019"


@pytest.fixture
def many(many_raw, codebook):
    return clean_dataset(many_raw, codebook, "survey.csv")


def test_table3_averages_groups_and_states_n(many, codebook):
    table = tables.table3(many.likert, many.respondents, codebook)
    assert "Project manager from the public sector (n = 3)" in table.columns
    # s01 of the public-sector PM: 5 (paper) and 2, 3 in the copies.
    # Mean (SD), n: one number of decimals throughout.
    assert table.loc[0, "Project manager from the public sector (n = 3)"] == "3.33 (1.53), n = 3"
    # s02 is unchanged in the copies: the mean is the paper's score.
    assert table.loc[1, "Local government representative (n = 3)"] == "5.00 (0.00), n = 3"


def test_statement_summary_counts_answers_and_missing(many, codebook):
    summary = tables.statement_summary(many.likert, codebook)
    row = summary.loc[(summary["stakeholder"] == "public_pm") & (summary["statement_id"] == "s01")].iloc[0]
    assert (row["n"], row["n_missing"], row["median"]) == (3, 0, 3)
    assert summary["statement_id"].tolist()[:4] == ["s01"] * 4  # codebook order, not alphabetical


def test_table2_counts_and_shares(many, codebook):
    table = tables.table2(many.choices, many.respondents, codebook)
    # A matrix of options by groups: each option's row, "count (share)" per group.
    assert table.loc[0, "Option"] == "A) Public authority strategy"
    assert table.loc[0, "Central government representative (n = 3)"] == "3 (100%)"
    assert table.loc[1, "Central government representative (n = 3)"] == "3 (100%)"
    assert len(table) == len(codebook.options())
    counts = tables.option_counts(many.choices, many.respondents, codebook)
    unchosen = counts.query("stakeholder == 'public_pm' and question_id == 'q1' and letter == 'D'").iloc[0]
    assert (unchosen["n_chose"], unchosen["n_group"], bool(unchosen["known"])) == (0, 3, False)
    assert tables.table2(many.choices, many.respondents, codebook).notna().all().all()


def test_table1_never_lists_individuals_in_groups(many, codebook):
    table = tables.table1(many.respondents, codebook).set_index("Parameter")
    column = "Project manager from the public sector (n = 3)"
    assert table.loc["Respondents (n)", column] == "3"
    assert table.loc["Occupation", column] == "(not shown for groups of more than one)"
    assert table.loc["Age", column] == "median 39 years (range 29 years – 49 years)"
    assert table.loc["Education", column] == "Master 3"


def test_factor_ranking_weighs_groups_equally(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    ranking = tables.factor_ranking(clean.likert, codebook)
    assert ranking["factor_id"].tolist() == ["strategy", "organization", "human_capital", "resources"]
    assert ranking["mean"].round(4).tolist() == [round(55 / 12, 4), round(49 / 12, 4), 3.8, round(55 / 16, 4)]
    per_group = tables.factor_summary(clean.likert, codebook).set_index(["stakeholder", "factor_id"])
    assert per_group.loc[("public_pm", "strategy"), "rank"] == per_group.loc[("public_pm", "organization"), "rank"] == 1


def _every_table(data, codebook):
    respondents, choices, likert = data["respondents"], data["choices"], data["likert"]
    return {
        "groups": tables.group_sizes(respondents, codebook),
        "table1": tables.table1(respondents, codebook),
        "table2": tables.table2(choices, respondents, codebook),
        "table3": tables.table3(likert, respondents, codebook),
        "option_counts": tables.option_counts(choices, respondents, codebook),
        "factor_ranking": tables.factor_ranking(likert, codebook),
        "pilot_bodies": tables.pilot_body_comparison(likert, respondents, codebook),
    }


def test_tables_read_back_from_the_processed_files_are_unchanged(many, codebook, tmp_path):
    # read_processed reads the codes as categories (for speed); the tables must not notice, also for one
    # pilot body, where some stakeholder types are absent but remain categories of the column.
    write_processed(many, tmp_path)
    read_back = read_processed(tmp_path)
    assert isinstance(read_back["likert"]["statement_id"].dtype, pd.CategoricalDtype)
    cleaned = {"respondents": many.respondents, "choices": many.choices, "likert": many.likert}
    for pilot_body in ["", *sorted(many.respondents["pilot_body"].dropna().unique())]:
        ours = _every_table(tables.select_pilot_body(read_back, pilot_body, codebook), codebook)
        theirs = _every_table(tables.select_pilot_body(cleaned, pilot_body, codebook), codebook)
        for name in ours:
            assert ours[name].to_csv(index=False) == theirs[name].to_csv(index=False), (pilot_body, name)
    one_body = tables.group_sizes(
        tables.select_pilot_body(read_back, "akimat_nur_sultan", codebook)["respondents"], codebook
    )
    assert len(one_body) < len(codebook.stakeholders())
