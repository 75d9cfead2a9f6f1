"""What a person reads about bad input: plausible ranges, no internal names, notices that are not errors.

Each test works on a scratch copy of a shipped dataset (the paper's data, or example-v2) with one fault seeded,
and asserts the words a person sees: the cleaning step's problems, rejected.csv, `make check-codebook`,
`make new-dataset` and `make codebook`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.codebook import AGE_RANGE, check_codebook, read_codebook, value_range
from helpers.errors import DataValidationError
from helpers.ingest import check
from helpers.ingest.clean import clean_export, write_processed
from helpers.ingest.infer import infer_codebook, read_any_export
from helpers.paths import REPO_ROOT, ROOT_VARIABLE, dataset_paths
from helpers.publish import codebook_page
from helpers.tools.scaffold import new_dataset

PAPER = REPO_ROOT / "data" / "raw" / "amirova2020"
EXAMPLE = REPO_ROOT / "data" / "raw" / "example-v2"


def paper_copy(tmp_path: Path, name: str = "x"):
    shutil.copytree(PAPER, tmp_path / "data" / "raw" / name)
    return dataset_paths(name, tmp_path)


def survey(paths) -> pd.DataFrame:
    return pd.read_csv(paths.raw / "survey.csv", dtype=str, keep_default_na=False)


def write_survey(paths, frame: pd.DataFrame) -> None:
    frame.to_csv(paths.raw / "survey.csv", index=False, lineterminator="\n")


def edit_codebook(paths, change) -> None:
    book = yaml.safe_load(paths.codebook.read_text(encoding="utf-8"))
    change(book)
    paths.codebook.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")


def load(paths, on_invalid="stop"):
    return clean_export(paths, read_codebook(paths.codebook), on_invalid)


def age_field(book: dict) -> dict:
    return next(f for f in book["profile"] if f["id"] == "age")


# --- 1. impossible values ---------------------------------------------------------------------------
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


def test_the_age_default_applies_to_ages_only_and_a_codebook_range_replaces_it():
    assert value_range({"id": "age", "type": "years"}) == AGE_RANGE
    assert value_range({"id": "vozrast", "type": "years", "label": {"ru": "Возраст (полных лет)"}}) == AGE_RANGE
    assert value_range({"id": "service", "type": "years", "label": {"en": "Years of service"}}) is None
    assert value_range({"id": "page", "type": "years", "label": {"en": "Average load"}}) is None
    assert value_range({"id": "age", "type": "years", "range": [18, 70]}) == (18, 70)
    assert value_range({"id": "x", "type": "duration", "range": [0, 50]}) == (0, 50)


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


@pytest.mark.parametrize(
    "field, bad",
    [
        ({"id": "a", "type": "years", "range": [100, 14]}, [100, 14]),
        ({"id": "a", "type": "years", "range": [14]}, [14]),
        ({"id": "a", "type": "years", "range": ["14", 100]}, ["14", 100]),
        ({"id": "a", "type": "text", "range": [0, 1]}, [0, 1]),
    ],
)
def test_a_malformed_range_is_a_codebook_problem(field, bad):
    book = yaml.safe_load((PAPER / "codebook.yaml").read_text(encoding="utf-8"))
    book["profile"].append(field)
    (problem,) = [p for p in check_codebook(book, "codebook.yaml") if p.column.endswith(".range")]
    assert problem.value == str(bad)


def test_the_shipped_datasets_are_within_their_ranges():
    for name in ("amirova2020", "example-v2"):
        paths = dataset_paths(name, REPO_ROOT)
        assert load(paths).problems == []


# --- 2. no internal names ---------------------------------------------------------------------------
def test_a_missing_column_is_named_once_in_words_not_by_pandera(tmp_path):
    paths = paper_copy(tmp_path)
    write_survey(paths, survey(paths).drop(columns=["s05"]))
    for mode in ("stop", "quarantine"):
        with pytest.raises(DataValidationError) as caught:
            load(paths, mode)
        (problem,) = caught.value.problems
        assert (problem.row, problem.column) == (1, "s05")
        assert "column_in_dataframe" not in str(caught.value)


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


def test_check_codebook_says_an_option_and_suggests_nothing_for_an_unknown_letter(tmp_path, monkeypatch):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[1, "q2"] = "G"
    write_survey(paths, frame)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (finding,) = [f for f in check.check_dataset("x") if f.kind == "unknown answer"]
    assert finding.message == (
        "'G' (1 row(s), first row 3) is not an option the codebook knows (its options: A B C D, or their texts)"
    )
    assert finding.suggestion is None


def test_a_suggestion_needs_a_resemblance():
    labels = ["social protection of public servants", "Нейтрально / нет мнения"]
    assert check._suggest("G", labels) is None
    assert check._suggest("Нейтрально", labels) == "Нейтрально / нет мнения"  # still found when it resembles


def test_check_codebook_gives_an_out_of_range_age_with_what_was_expected(tmp_path, monkeypatch):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[0, "age"] = "150"
    write_survey(paths, frame)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (finding,) = [f for f in check.check_dataset("x") if f.kind not in check.INFORMATION]
    assert str(finding).startswith("[cell] 'age': '150' (1 row(s), first row 2); expected an age from 14 to 100")


# --- 3. absence is a notice -------------------------------------------------------------------------
def test_a_stakeholder_type_absent_from_the_sample_is_a_notice_and_the_check_passes(tmp_path, monkeypatch, capsys):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    write_survey(paths, frame[frame["stakeholder"] != "private_pm"])
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    assert check.main(["x"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("x: the codebook and the export agree; nothing to fix.\n")
    assert "notice(s), for information only (not errors: nothing to fix):" in out
    assert "[never found] stakeholders 'Project manager from the private sector'" in out
    assert "absent from the sample, which is allowed" in out


def test_a_misspelled_stakeholder_label_still_fails_the_check(tmp_path, monkeypatch):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[1, "stakeholder"] = "Project manager from private sector"
    write_survey(paths, frame)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    assert check.main(["x"]) == 1


@pytest.mark.parametrize("source", [PAPER, EXAMPLE], ids=["amirova2020", "example-v2"])
def test_the_shipped_datasets_pass_the_check(tmp_path, monkeypatch, source):
    shutil.copytree(source, tmp_path / "data" / "raw" / "x")
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    assert [str(f) for f in check.check_dataset("x") if f.kind not in check.INFORMATION] == []


# --- 4. new-dataset names its own variable ----------------------------------------------------------
@pytest.mark.parametrize("name", ["", "  "])
def test_new_dataset_without_a_name_asks_for_name_not_data(tmp_path, monkeypatch, name):
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    with pytest.raises(ValueError) as caught:
        new_dataset(name)
    assert "NAME=" in str(caught.value) and "DATA=" not in str(caught.value)


# --- 5. options without wording in a draft ----------------------------------------------------------
#: The walk-through's Google Forms export (data/raw/README.md), with a question answered by option letters only.
LETTERS_EXPORT = """\
Отметка времени,Категория респондента,Возраст,Что изменить?,Согласны? [Цели понятны],Согласны? [Стратегия выполняется]
12.04.2021 10:01:12,Руководитель,41,A B,Полностью согласен,Согласен
12.04.2021 10:07:40,Специалист,29,A,Согласен,Нейтрально
12.04.2021 11:15:03,Специалист,33,C A,Нейтрально,Согласен
13.04.2021 09:02:51,Руководитель,52,B,Полностью согласен,Полностью согласен
13.04.2021 09:30:19,Специалист,26,A C,Не согласен,Нейтрально
13.04.2021 14:44:05,Руководитель,45,B C,Согласен,Согласен
"""


def test_a_draft_of_letter_answers_leaves_the_wording_to_write_and_the_check_says_so(tmp_path, monkeypatch):
    export = tmp_path / "answers.csv"
    export.write_text(LETTERS_EXPORT, encoding="utf-8")
    frame, info = read_any_export(export)
    (question,) = infer_codebook(frame, info, "x").book["questions"]
    assert question["options"] == [
        {"letter": "A", "text": None},
        {"letter": "B", "text": None},
        {"letter": "C", "text": None},
    ]
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (tmp_path / "data" / "raw").mkdir(parents=True)
    new_dataset("x", str(export))
    (finding,) = [f for f in check.check_dataset("x") if f.kind == "no wording"]
    assert finding.message.startswith("option(s) A, B, C have no text yet") and "paper" not in finding.message


# --- 6. make codebook --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source, n, expected",
    [
        ("Google Forms export answers.csv, 6 respondents", 6, "Google Forms export answers.csv, 6 respondents."),
        (
            "Google Forms export answers.csv, 6 respondents",
            5,
            "Google Forms export answers.csv, 6 respondents. 5 respondents.",
        ),
        ("Survey of 2021. https://doi.org/10.1/x", 1, "Survey of 2021. https://doi.org/10.1/x. 1 respondent."),
        ("Wave 1 of 16 respondents", 6, "Wave 1 of 16 respondents. 6 respondents."),
        (None, 4, "4 respondents."),
    ],
)
def test_the_dataset_description_says_the_count_once(source, n, expected):
    assert codebook_page.dataset_description(source, n) == expected


def test_make_codebook_names_its_files_relative_to_the_project_root(tmp_path, monkeypatch, capsys):
    paths = paper_copy(tmp_path)
    # A drafted codebook's source ends with the export's count (helpers.ingest.infer).
    edit_codebook(paths, lambda book: book["dataset"].update(source="Plain export survey.csv, 4 respondents"))
    write_processed(load(paths), paths.processed)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    assert codebook_page.main(["x"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "reports/x/en/codebook/codebook.html",
        "reports/x/en/codebook/dataset.jsonld",
    ]
    record = json.loads((tmp_path / "reports" / "x" / "en" / "codebook" / "dataset.jsonld").read_text("utf-8"))
    assert record["description"] == "Plain export survey.csv, 4 respondents."


def test_make_codebook_before_cleaning_names_the_folder_relative_to_the_project_root(tmp_path, monkeypatch):
    paper_copy(tmp_path)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    with pytest.raises(SystemExit) as caught:
        codebook_page.main(["x"])
    assert str(caught.value).startswith("error: data/processed/x: no respondents.csv")
    assert str(tmp_path) not in str(caught.value)
