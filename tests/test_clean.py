"""Cleaning: durations, dates, the tidy tables, and every kind of bad input named with file, row, column, value."""

import pandas as pd
import pytest

from helpers.errors import Problem
from helpers.ingest.cells import category_lookup, each_distinct, parse_duration, respondent_ids
from helpers.ingest.clean import check_accounted_for, clean_dataset
from helpers.errors import DataValidationError
from helpers.ingest.load import export_columns, read_export
from helpers.ingest.shapes import column_in_export, in_export_words, to_canonical


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5 years 5 months", (65, False)),
        ("More than 10 years", (120, True)),
        ("13 years", (156, False)),
        ("4 months", (4, False)),
        ("1 year 6 months", (18, False)),
        ("over 2 years", (24, True)),
        ("", None),
        ("five years", None),
        ("10", None),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


def test_paper_export_becomes_three_tidy_tables(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    check_accounted_for(clean, codebook)
    assert clean.n_raw == 4 and clean.rejected.empty and clean.problems == []
    respondents = clean.respondents.set_index("respondent_id")
    assert respondents.loc["R1", "interview_date"] == "2019-11-04"
    assert respondents.loc["R1", "total_experience_months"] == 65
    assert respondents.loc["R2", "total_experience_months"] == 120
    assert bool(respondents.loc["R2", "total_experience_lower_bound"]) is True
    assert bool(respondents.loc["R1", "total_experience_lower_bound"]) is False
    assert respondents.loc["R4", "position_experience_months"] == 18
    assert pd.isna(respondents.loc["R2", "pilot_body"])
    assert len(clean.likert) == 4 * 15 and clean.likert["score"].notna().all()
    assert len(clean.choices) == 29
    other = clean.choices.dropna(subset=["free_text"])
    assert other[["respondent_id", "question_id", "option", "free_text"]].values.tolist() == [
        ["R2", "q1", "E", "Leadership (management styles and quality)"]
    ]


def problems_of(raw, codebook):
    with pytest.raises(DataValidationError) as caught:
        clean_dataset(raw, codebook, "survey.csv")
    return caught.value.problems


def test_every_problem_is_reported_in_one_pass(paper_raw, codebook):
    paper_raw.loc[2, "s03"] = "7"  # off the scale
    paper_raw.loc[3, "q2"] = "Z"  # unknown option letter
    paper_raw.loc[4, "stakeholder"] = "minister"  # unknown stakeholder type
    paper_raw.loc[5, "respondent_id"] = "R1"  # duplicate id
    paper_raw.loc[5, "interview_date"] = "06/03/2019"  # neither the codebook's date format nor ISO (2019-06-03)
    paper_raw.loc[3, "total_experience"] = "a decade"
    found = {(p.row, p.column, p.value) for p in problems_of(paper_raw, codebook)}
    assert found == {
        (2, "s03", "7"),
        (3, "q2", "Z"),
        (4, "stakeholder", "minister"),
        (5, "respondent_id", "R1"),
        (5, "interview_date", "06/03/2019"),
        (3, "total_experience", "a decade"),
    }


def test_error_message_names_file_row_column_value_and_expectation(paper_raw, codebook):
    paper_raw.loc[2, "s03"] = "7"
    with pytest.raises(DataValidationError) as caught:
        clean_dataset(paper_raw, codebook, "data/raw/amirova2020/survey.csv")
    message = str(caught.value)
    assert (
        "data/raw/amirova2020/survey.csv, row 2, column 's03': found '7'; expected a score on the scale 1 (Strongly Disagree)"
        in message
    )
    frame = caught.value.to_frame()
    assert frame.columns.tolist() == ["file", "row", "column", "value", "expected", "level"]


def test_free_text_without_its_other_option_is_not_dropped_silently(paper_raw, codebook):
    paper_raw.loc[2, "q1_other"] = "Digitalisation"
    [problem] = problems_of(paper_raw, codebook)
    assert (problem.row, problem.column, problem.value) == (2, "q1_other", "Digitalisation")


def test_scores_written_as_labels_or_decimals_are_read(paper_raw, codebook):
    paper_raw.loc[2, "s01"] = "Strongly Agree"
    paper_raw.loc[3, "s01"] = "4.0"
    paper_raw.loc[4, "s01"] = ""
    likert = clean_dataset(paper_raw, codebook, "survey.csv").likert.set_index(["respondent_id", "statement_id"])
    assert likert.loc[("R1", "s01"), "score"] == 5
    assert likert.loc[("R2", "s01"), "score"] == 4
    assert pd.isna(likert.loc[("R3", "s01"), "score"])
    assert likert.loc[("R3", "s01"), "missing_reason"] == "blank"


def test_missing_column_and_empty_file(tmp_path, codebook, paper_raw):
    paper_raw.drop(columns=["s15", "education"]).to_csv(tmp_path / "survey.csv", index=False)
    raw, source = read_export(tmp_path, codebook)
    canonical, problems = to_canonical(raw, codebook, source)
    assert {(p.row, p.column) for p in problems} == {(1, "s15"), (1, "education")}
    with pytest.raises(DataValidationError):
        clean_dataset(canonical, codebook, source, raw=raw, problems=problems, on_invalid="quarantine")
    (tmp_path / "survey.csv").write_text("")
    with pytest.raises(DataValidationError, match="the file is empty"):
        read_export(tmp_path, codebook)
    (tmp_path / "survey.csv").write_text(",".join(export_columns(codebook)) + "\n")
    with pytest.raises(DataValidationError, match="at least one respondent"):
        read_export(tmp_path, codebook)
    (tmp_path / "survey.csv").write_text("\n\n")
    with pytest.raises(DataValidationError):
        read_export(tmp_path, codebook)


def test_unreadable_encoding_is_named(tmp_path, codebook, paper_raw):
    paper_raw.loc[2, "occupation"] = "Басшы"
    paper_raw.to_csv(tmp_path / "survey.csv", index=False, encoding="utf-16")
    with pytest.raises(DataValidationError, match="looks like UTF-16") as caught:
        read_export(tmp_path, codebook)
    assert len(caught.value.problems) == 1 and "encodings tried: utf-8" in str(caught.value)


def test_each_distinct_runs_once_per_distinct_value_and_keeps_the_index():
    cells = pd.Series([" Agree", "agree", " Agree", None, "5", "5"], index=[10, 11, 12, 13, 14, 15], dtype="str")
    seen = []

    def normalise(values):
        seen.append(len(values))
        return values.str.strip().str.casefold()

    result = each_distinct(cells, normalise)
    assert seen == [4]  # " Agree", "agree", missing, "5"
    assert result.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert result.tolist()[:3] == ["agree", "agree", "agree"] and pd.isna(result[13]) and result[15] == "5"
    frame = each_distinct(cells, lambda v: pd.DataFrame({"blank": v.isna(), "length": v.str.len()}))
    assert frame["blank"].tolist() == [False, False, False, True, False, False] and frame.loc[12, "length"] == 6


def test_respondent_ids_ignore_surrounding_spaces_non_breaking_ones_too():
    ids = pd.Series(["S1", "S1 ", "\u00a0S1", "\u202fS1\t", "S 1"], dtype="str")
    assert respondent_ids(ids).tolist() == ["S1", "S1", "S1", "S1", "S 1"]


def test_category_lookup_maps_values_and_their_labels_in_any_language_to_the_value():
    field = {
        "values": ["Master", 2],
        "value_labels": {"Master": {"en": "Master", "ru": "Магистр", "kk": None}, 2: {"ru": "Доктор"}},
    }
    assert category_lookup(field) == {"master": "Master", "магистр": "Master", "2": "2", "доктор": "2"}
    assert category_lookup({"values": ["PhD"]}) == {"phd": "PhD"}


def test_columns_are_named_as_the_export_heads_them_with_the_id_in_brackets():
    headers = {"age": "Возраст", "s01": "s01"}
    assert column_in_export("age", headers) == "Возраст [age]"
    assert column_in_export("s01", headers) == "s01"  # the header is the id: nothing to add
    problems = [Problem("f.csv", 2, "age", "old", "a number"), Problem("f.csv", 1, "q9", None, "a column")]
    assert [p.column for p in in_export_words(problems, headers)] == ["Возраст [age]", "q9"]
