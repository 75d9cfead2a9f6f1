"""Validation of an export against its codebook: nothing lost, nothing changed without a word.

Each test seeds one fault in a scratch copy of data/raw/example-v2 (cp1251, ';', 360 respondents, a free-text
"Other" column) or of the paper's data, and asserts what a person must see: impossible ages and durations,
mistyped options, words taken as "Other" text, control characters, duplicate respondents, answers given as
codebook labels, interview dates in the future, a missing column named in words.
"""

import pandas as pd
import pytest

from helpers.codebook import read_codebook
from helpers.errors import DataValidationError
from helpers.ingest.clean import write_processed
from helpers.paths import REPO_ROOT, dataset_paths

from dataset_copies import (
    PAPER,
    age_field,
    copy_dataset,
    edit_codebook,
    example_lines,
    load,
    paper_copy,
    set_field,
    survey,
    write_lines,
    write_survey,
)


def test_a_mistyped_option_is_never_recoded_as_other_and_valid_options_are_kept(tmp_path):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    q1 = lines[0].split(";").index("q1")
    lines[1] = set_field(lines[1], q1, "A B Z")
    lines[2] = set_field(lines[2], q1, "A, B, X")
    write_lines(paths, lines)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    found = {(p.row, p.value) for p in caught.value.problems if p.column == "q1"}
    assert found == {(2, "A B Z"), (3, "A, B, X")}


def test_words_taken_as_other_text_keep_the_options_and_are_listed_as_notices(tmp_path):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    header = lines[0].split(";")
    lines[1] = set_field(
        set_field(lines[1], header.index("q1"), "A, B, Better leadership"), header.index("q1_other"), ""
    )
    write_lines(paths, lines)
    clean = load(paths)
    chosen = clean.choices[clean.choices["source_row"] == 2] if "source_row" in clean.choices else None
    respondent = clean.respondents.loc[clean.respondents["source_row"] == 2, "respondent_id"].item()
    rows = clean.choices[(clean.choices["respondent_id"] == respondent) & (clean.choices["question_id"] == "q1")]
    assert {"A", "B"} <= set(rows["option"]) and "Better leadership" in set(rows["free_text"].dropna())
    write_processed(clean, paths.processed)
    validation = pd.read_csv(paths.processed / "validation.csv", dtype=str)
    notice = validation[(validation["level"] == "notice") & (validation["row"] == "2")]
    assert len(notice) == 1 and "'Better leadership' as the free text of 'Other'" in notice["expected"].item()
    assert chosen is None or len(chosen)


@pytest.mark.parametrize("text", ["abc\x00def", "\x1b[2J\x1b[32mvalid\x1b[0m"])
def test_control_characters_are_a_problem_of_their_row_and_never_printed_raw(tmp_path, text):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    other, q1 = lines[0].split(";").index("q1_other"), lines[0].split(";").index("q1")
    book = read_codebook(paths.codebook)
    other_letter = next(str(o["letter"]) for o in book.raw["questions"][0]["options"] if o.get("other"))
    lines[3] = set_field(set_field(lines[3], other, text), q1, other_letter)
    write_lines(paths, lines)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    (problem,) = [p for p in caught.value.problems if p.row == 4]
    assert problem.column == "q1_other" and "control characters" in problem.expected
    assert "\x1b" not in str(caught.value) and "\x00" not in str(caught.value)
    clean = load(paths, "quarantine")
    assert clean.rejected["source_row"].tolist() == [4]


def test_a_duplicate_respondent_names_both_rows(tmp_path):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    lines[6] = set_field(lines[6], 0, lines[2].split(";")[0])
    write_lines(paths, lines)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    (problem,) = [p for p in caught.value.problems if p.column == "respondent_id"]
    assert problem.row == 7 and "also on row 3" in problem.expected


@pytest.mark.parametrize("spaced", ["{} ", "\u00a0{}", " {}\u00a0"])
def test_ids_that_differ_only_by_surrounding_spaces_are_one_respondent(tmp_path, spaced):
    """'S000002' and 'S000002 ' are one id to the person who reads them, and cleaning writes both as 'S000002':
    the duplicate check must see them as one too, not let both through to collide in a later pivot."""
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    first = lines[2].split(";")[0]
    lines[6] = set_field(lines[6], 0, spaced.format(first))
    write_lines(paths, lines)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (7, "respondent_id", spaced.format(first))
    assert f"also on row 3, written there as {first!r}: spaces, invisible characters" in problem.expected
    clean = load(paths, "quarantine")
    assert clean.rejected["source_row"].tolist() == [7] and clean.respondents["respondent_id"].is_unique


def test_an_id_with_surrounding_spaces_and_no_twin_is_kept_without_them(tmp_path):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    first = lines[2].split(";")[0]
    lines[2] = set_field(lines[2], 0, f"\u00a0{first} ")
    write_lines(paths, lines)
    clean = load(paths)
    assert clean.respondents.loc[clean.respondents["source_row"] == 3, "respondent_id"].item() == first
    assert set(clean.likert.loc[clean.likert["source_row"] == 3, "respondent_id"]) == {first}


# --- answers in the codebook's languages, columns in the export's words ------------------------------
def test_category_answers_given_as_codebook_labels_are_read_as_their_value(tmp_path):
    """A Russian or Kazakh export answers a category field with the label codebook.yaml gives under
    value_labels ('Магистр' for Master), as it answers stakeholder and scale questions with theirs."""
    paths = copy_dataset(tmp_path)
    book = read_codebook(paths.codebook)
    education = next(f for f in book.profile() if f["id"] == "education")
    ru = {value: labels["ru"] for value, labels in education["value_labels"].items()}
    kk = {value: labels["kk"] for value, labels in education["value_labels"].items()}
    original = load(paths).respondents["education"].tolist()
    lines = example_lines(paths)
    column = lines[0].split(";").index("education")
    for number in range(1, len(lines)):
        fields = lines[number].split(";")
        if len(fields) > column and fields[column] in ru:
            labels = ru if number % 2 else kk
            answer = labels[fields[column]] if number % 3 else f" {labels[fields[column]].upper()} "
            lines[number] = set_field(lines[number], column, answer)
    write_lines(paths, lines)
    clean = load(paths)
    assert clean.respondents["education"].tolist() == original
    write_processed(clean, paths.processed)
    written = pd.read_csv(paths.processed / "respondents.csv", dtype=str, keep_default_na=False)
    assert set(written["education"]) <= set(education["values"]) | {""}


def test_a_category_answer_that_is_no_value_nor_label_is_still_refused(tmp_path):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    lines[1] = set_field(lines[1], lines[0].split(";").index("education"), "Кандидат наук")
    write_lines(paths, lines)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "education", "Кандидат наук")
    assert problem.expected.startswith("blank or one of Bachelor, Master, PhD (or its label under value_labels")


def test_cell_problems_name_the_column_by_the_exports_header(tmp_path):
    """An export headed by question texts (Google Forms in Russian): every message names the column the way
    the file heads it, the codebook id after it in brackets, for profile fields, questions and statements alike."""
    paths = copy_dataset(tmp_path)
    book = read_codebook(paths.codebook)
    ru = {f["id"]: f["label"]["ru"] for f in book.profile()}
    ru |= {q["id"]: q["text"]["ru"] for q in book.raw["questions"]}
    ru |= {s["id"]: s["text"]["ru"] for f in book.raw["factors"] for s in f["statements"]}
    lines = example_lines(paths)
    ids = lines[0].split(";")
    lines[0] = ";".join(ru.get(key, key) for key in ids)
    lines[2] = set_field(lines[2], ids.index("s03"), "9")
    lines[3] = set_field(lines[3], ids.index("age"), "old")
    lines[4] = set_field(lines[4], ids.index("q2"), "Z")
    lines[5] = set_field(lines[5], ids.index("stakeholder"), "minister")
    lines[6] = set_field(set_field(lines[6], ids.index("q1"), "A, Better leadership"), ids.index("q1_other"), "")
    write_lines(paths, lines)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    named = {p.row: p.column for p in caught.value.problems}
    assert named == {3: f"{ru['s03']} [s03]", 4: f"{ru['age']} [age]", 5: f"{ru['q2']} [q2]", 6: "stakeholder"}
    clean = load(paths, "quarantine")
    (notice,) = [p for p in clean.problems if p.level == "notice"]
    assert (notice.row, notice.column) == (7, f"{ru['q1']} [q1]")
    reasons = clean.rejected.set_index("source_row")["reasons"]
    assert reasons[4].startswith(f"column {ru['age'] + ' [age]'!r}: found 'old'")


def test_an_interview_date_in_the_future_is_flagged(tmp_path):
    paths = copy_dataset(tmp_path, PAPER)
    survey = paths.raw / "survey.csv"
    survey.write_text(survey.read_text(encoding="utf-8").replace("04.11.2019", "04.11.2099"), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    assert [(p.column, p.value, p.expected) for p in caught.value.problems] == [
        ("interview_date", "04.11.2099", "a date that is not in the future")
    ]


# --- impossible values ------------------------------------------------------------------------------
def test_an_impossible_age_is_a_problem_of_its_row_named_like_every_other(tmp_path):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[0, "age"], frame.loc[1, "age"] = "150", "0"
    write_survey(paths, frame)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    found = {(p.file, p.row, p.column, p.value) for p in caught.value.problems}
    assert found == {("data/raw/x/survey.csv", 2, "age", "150"), ("data/raw/x/survey.csv", 3, "age", "0")}
    assert all(p.expected.startswith("an age from 14 to 100 years, or blank") for p in caught.value.problems)
    assert "range: [min, max]" in caught.value.problems[0].expected  # how to accept other ages
    clean = load(paths, "quarantine")  # the rows are set aside: Table 1 never sees age 0 or 150
    assert clean.rejected["source_row"].tolist() == [2, 3]
    assert clean.respondents["age_years"].tolist() == [36, 30]


def test_a_range_in_the_codebook_is_used_for_ages_and_durations(tmp_path):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[0, "age"] = "12"
    write_survey(paths, frame)

    def ranges(book):
        age_field(book)["range"] = [10, 70]
        next(f for f in book["profile"] if f["id"] == "total_experience")["range"] = [0, 12]

    edit_codebook(paths, ranges)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    # Age 12 is inside the codebook's own range; 13 years of experience and "More than 10 years" are not below 12.
    assert {(p.row, p.column, p.value) for p in caught.value.problems} == {(4, "total_experience", "13 years")}
    assert caught.value.problems[0].expected.startswith("a duration from 0 to 12 years (the field's `range`")


def test_the_shipped_datasets_are_within_their_ranges():
    for name in ("amirova2020", "example-v2"):
        paths = dataset_paths(name, REPO_ROOT)
        assert load(paths).problems == []


# --- no internal names ------------------------------------------------------------------------------
def test_a_missing_column_is_named_once_in_words_not_by_pandera(tmp_path):
    paths = paper_copy(tmp_path)
    write_survey(paths, survey(paths).drop(columns=["s05"]))
    for mode in ("stop", "quarantine"):
        with pytest.raises(DataValidationError) as caught:
            load(paths, mode)
        (problem,) = caught.value.problems
        assert (problem.row, problem.column) == (1, "s05")
        assert "column_in_dataframe" not in str(caught.value)
