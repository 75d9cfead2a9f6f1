"""Cleaning: dates, the tidy tables, every kind of bad input named with file, row, column, value; the files of
problems and of rejected rows."""

import pandas as pd
import pytest

from helpers.errors import DataValidationError
from helpers.ingest import check
from helpers.ingest.clean import check_accounted_for, clean_dataset, write_processed
from helpers.ingest.load import export_columns, read_export
from helpers.ingest.shapes import to_canonical
from helpers.paths import ROOT_VARIABLE

from dataset_copies import PAPER, copy_dataset, load, paper_copy


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


def test_a_row_with_a_wrong_number_of_fields_names_the_row_not_a_column_none(tmp_path, monkeypatch):
    paths = paper_copy(tmp_path)
    lines = (paths.raw / "survey.csv").read_text(encoding="utf-8").split("\n")
    lines[4] += ",extra"
    (paths.raw / "survey.csv").write_text("\n".join(lines), encoding="utf-8")
    clean = load(paths, "quarantine")
    write_processed(clean, paths.processed)
    rejected = pd.read_csv(paths.processed / "rejected.csv", dtype=str)
    assert rejected["reasons"].tolist() == [
        "the row as a whole: found '32 fields'; expected 31 fields, as in the header "
        "(too many: a missing or extra delimiter)"
    ]
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (cell,) = [f for f in check.check_dataset("x") if f.kind == "cell"]
    assert str(cell) == (
        "[cell] row 5: found '32 fields'; expected 31 fields, as in the header (too many: a missing or extra delimiter)"
    )


def test_validation_and_rejected_files_are_neutralised(tmp_path):
    paths = copy_dataset(tmp_path, PAPER)
    survey = paths.raw / "survey.csv"
    survey.write_text(
        survey.read_text(encoding="utf-8").replace("R3,central_gov", "R3,=cmd|' /C calc'!A0"), encoding="utf-8"
    )
    clean = load(paths, "quarantine")
    write_processed(clean, paths.processed)
    for name in ("validation.csv", "rejected.csv"):
        text = (paths.processed / name).read_text(encoding="utf-8")
        assert "'=cmd" in text and ",=cmd" not in text, name


# --- valid data runs, impossible data stops with a sentence -------------------------------------------
def test_quarantine_of_every_row_stops_with_a_sentence(tmp_path):
    paths = copy_dataset(tmp_path, PAPER)
    survey = paths.raw / "survey.csv"
    text = survey.read_text(encoding="utf-8")
    for code in ("public_pm", "private_pm", "central_gov", "local_gov"):
        text = text.replace(f",{code},", ",minister,")
    survey.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load(paths, "quarantine")
    assert "at least one row without problems: all 4 rows have one" in str(caught.value)


def test_an_export_column_named_like_rejected_csvs_own_keeps_its_cells():
    """An export with its own "reasons" column (hypothesis drew the header): rejected.csv still says why each row
    was set aside, and the export's cells stay, under "reasons (export)"."""
    from helpers.errors import Problem
    from helpers.ingest.clean import rejected_rows

    raw = pd.DataFrame({"reasons": ["a", "b"], "s01": ["1", "9"]}, index=pd.Index([2, 3], name="row"))
    rejected = rejected_rows(raw, [Problem("survey.csv", 3, "s01", "9", "a score 1-5")])
    assert list(rejected.columns) == ["source_row", "reasons", "reasons (export)", "s01"]
    assert rejected.loc[0, "reasons (export)"] == "b" and "a score 1-5" in rejected.loc[0, "reasons"]
