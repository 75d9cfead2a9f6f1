"""Nothing lost, nothing changed without a word: the faults of issue 9 on copies of the shipped datasets.

Each test reproduces one case on a scratch copy of data/raw/example-v2 (cp1251, ';', 360 respondents,
a free-text "Other" column) or of the paper's data, and asserts what a person must see.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.codebook import read_codebook
from helpers.errors import DataValidationError, printable, summary, Problem
from helpers.files import neutralise_formulas, read_csv_for_people, write_csv
from helpers.ingest.clean import clean_export, write_processed
from helpers.ingest.load import read_export
from helpers.paths import REPO_ROOT, dataset_paths

EXAMPLE = REPO_ROOT / "data" / "raw" / "example-v2"
PAPER = REPO_ROOT / "data" / "raw" / "amirova2020"


def copy_dataset(tmp_path: Path, source: Path = EXAMPLE, name: str = "x"):
    shutil.copytree(source, tmp_path / "data" / "raw" / name)
    return dataset_paths(name, tmp_path)


def example_lines(paths) -> list[str]:
    return (paths.raw / "survey.csv").read_bytes().decode("cp1251").split("\n")


def write_lines(paths, lines: list[str]) -> None:
    (paths.raw / "survey.csv").write_bytes("\n".join(lines).encode("cp1251"))


def set_field(line: str, index: int, value: str) -> str:
    fields = line.split(";")
    fields[index] = value
    return ";".join(fields)


def load(paths, on_invalid="stop"):
    return clean_export(paths, read_codebook(paths.codebook), on_invalid)


# --- rows that vanish or change -------------------------------------------------------------------
def assert_one_quote_problem(paths, opens: int, column: str, closes: int) -> None:
    """Loading stops, in either mode, with one problem: the quote that opens on line `opens` in `column`."""
    for mode in ("stop", "quarantine"):
        with pytest.raises(DataValidationError) as caught:
            load(paths, mode)
        (problem,) = caught.value.problems
        assert problem.row == opens and problem.column == column
        assert f"a quote opens on line {opens} and closes only on line {closes}" in problem.expected


def test_a_stray_quote_that_swallows_rows_stops_and_names_the_line_it_opens(tmp_path):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    other = lines[0].split(";").index("q1_other")
    lines[9] = set_field(lines[9], other, '"Leadership')  # file line 10 opens a quote ...
    lines[18] = set_field(lines[18], other, 'ends here"')  # ... which a later cell closes (line 19)
    write_lines(paths, lines)
    assert_one_quote_problem(paths, 10, "q1_other", 19)


def test_a_quote_opening_a_row_that_the_next_row_closes_stops(tmp_path):
    """`"R1,…` on one line and `"R2,…` on the next: the first line becomes the start of one cell, and what follows
    the closing quote fills the rest of the record, so the fields add up and only the cell's first line shows it.
    (Found by test_properties.py.)"""
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    lines[5], lines[6] = '"' + lines[5], '"' + lines[6]
    write_lines(paths, lines)
    assert_one_quote_problem(paths, 6, "respondent_id", 7)


@pytest.mark.parametrize("change, found", [(lambda f: f[:-3], 29), (lambda f: f + ["extra"], 33)])
def test_a_row_with_too_few_or_too_many_fields_is_reported_not_padded(tmp_path, change, found):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    lines[4] = ";".join(change(lines[4].split(";")))
    write_lines(paths, lines)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    (problem,) = [p for p in caught.value.problems if p.row == 5]
    assert problem.value == f"{found} fields" and problem.expected.startswith("32 fields, as in the header")
    clean = load(paths, "quarantine")
    assert clean.rejected["source_row"].tolist() == [5]
    assert len(clean.respondents) + len(clean.rejected) == 360


def test_line_numbers_count_blank_lines_and_cells_that_span_lines(tmp_path):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    other = lines[0].split(";").index("q1_other")
    lines[2] = set_field(lines[2], other, '"first line\nsecond line"')  # record on line 3 spans lines 3-4
    lines.insert(5, "")  # a blank line
    lines[7] = set_field(lines[7], 1, "minister")
    write_lines(paths, lines)
    raw, _ = read_export(paths.raw, read_codebook(paths.codebook))
    assert raw.index[:6].tolist() == [2, 3, 5, 6, 8, 9]
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    assert [(p.row, p.column) for p in caught.value.problems if p.value == "minister"] == [(9, "stakeholder")]


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


# --- messages a person can act on -----------------------------------------------------------------
def test_latin1_read_as_cyrillic_gives_one_message_about_the_encoding(tmp_path):
    paths = copy_dataset(tmp_path)
    text = (paths.raw / "survey.csv").read_bytes().decode("cp1251")
    # The same answers saved by a tool that wrote UTF-8 and declared it Windows-1251.
    (paths.raw / "survey.csv").write_bytes(text.encode("utf-8"))
    book = yaml.safe_load(paths.codebook.read_text(encoding="utf-8"))
    book["export"]["encoding"] = "latin-1"
    paths.codebook.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    assert len(caught.value.problems) == 1
    assert "look wrongly decoded" in str(caught.value) and "'latin-1'" in str(caught.value)
    assert len(str(caught.value)) < 1000


def test_terminal_output_is_summarised_with_counts_and_the_full_list():
    problems = [Problem("f.csv", row, "s01", "x" * 500, "a score") for row in range(2, 9401)]
    text = summary(problems, "data/processed/x/validation.csv")
    assert len(text) < 2000 and "9399 problem(s)" in text and "'s01': 9399" in text
    assert text.endswith("The full list: data/processed/x/validation.csv")
    assert printable("y" * 500).endswith("…") and len(printable("y" * 500)) < 70


def test_a_duplicate_header_is_named_as_such(tmp_path):
    paths = copy_dataset(tmp_path)
    lines = example_lines(paths)
    lines[0] = lines[0].replace("s02", "s01")
    write_lines(paths, lines)
    with pytest.raises(DataValidationError) as caught:
        load(paths, "quarantine")
    assert any(
        "each column header once (it heads columns 15 and 16)" in p.expected and p.column == "s01"
        for p in caught.value.problems
    )


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
    assert f"also on row 3, written there as {first!r}: spaces around an id do not count" in problem.expected
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


# --- paths are data -----------------------------------------------------------------------------
def test_the_export_file_must_lie_inside_the_dataset_folder(tmp_path):
    paths = copy_dataset(tmp_path, PAPER)
    book = yaml.safe_load(paths.codebook.read_text(encoding="utf-8"))
    book["export"]["file"] = "../../etc/passwd"
    paths.codebook.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataValidationError, match="export.file"):
        load(paths)
    assert (
        not (paths.processed / "validation.csv").exists()
        or "root:" not in (paths.processed / "validation.csv").read_text()
    )


def test_a_link_pointing_outside_the_dataset_folder_is_not_followed(tmp_path):
    paths = copy_dataset(tmp_path, PAPER)
    outside = tmp_path / "elsewhere.csv"
    shutil.move(paths.raw / "survey.csv", outside)
    (paths.raw / "survey.csv").symlink_to(outside)
    with pytest.raises(DataValidationError, match="inside the dataset's folder"):
        load(paths)


# --- files for spreadsheets and for the report ------------------------------------------------------
def test_formulas_are_neutralised_but_numbers_and_the_reports_text_are_not_changed(tmp_path):
    table = pd.DataFrame({"text": ['=HYPERLINK("x")', "-1", "+2.5", "@SUM(A1)", "plain"], "n": [-1, 2, 3, 4, 5]})
    safe = neutralise_formulas(table)
    assert safe["text"].tolist() == ['\'=HYPERLINK("x")', "-1", "+2.5", "'@SUM(A1)", "plain"]
    assert safe["n"].tolist() == [-1, 2, 3, 4, 5]
    write_csv(table, tmp_path / "t.csv")
    assert read_csv_for_people(tmp_path / "t.csv")["text"].tolist() == table["text"].tolist()


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


def test_one_blank_likert_answer_with_one_respondent_per_group_runs_through_the_tables(tmp_path):
    from helpers.analysis import tables
    from helpers.publish import export

    paths = copy_dataset(tmp_path, PAPER)
    survey = paths.raw / "survey.csv"
    lines = survey.read_text(encoding="utf-8").split("\n")
    s05 = lines[0].split(",").index("s05")
    fields = lines[1].split(",")
    fields[s05] = ""
    lines[1] = ",".join(fields)
    survey.write_text("\n".join(lines), encoding="utf-8")
    clean = load(paths)
    codebook = read_codebook(paths.codebook)
    table3 = tables.table3(clean.likert, clean.respondents, codebook)
    written = export.write_table_formats(table3, tmp_path, "table3", "Table 3.", "note")
    assert [p.suffix for p in written] == [".xlsx", ".docx", ".tex"]
    assert table3.iloc[:, 2].isna().sum() == 1


# --- .xlsx: what a spreadsheet holds, read as it is ---------------------------------------------------
def paper_workbook(paths, change) -> None:
    import datetime as dt

    import openpyxl

    frame = pd.read_csv(paths.raw / "survey.csv", dtype=str, keep_default_na=False)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(frame.columns.tolist())
    for record in frame.to_dict("records"):
        day, month, year = map(int, record["interview_date"].split("."))
        record["interview_date"] = dt.datetime(year, month, day)  # a real Excel date cell
        record["age"] = int(record["age"])  # a real number cell
        sheet.append(list(change(record).values()))
    workbook.save(paths.raw / "survey.xlsx")
    book = yaml.safe_load(paths.codebook.read_text(encoding="utf-8"))
    book["export"]["file"] = "survey.xlsx"
    paths.codebook.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_xlsx_date_cells_are_dates_and_nan_text_stays_text(tmp_path):
    paths = copy_dataset(tmp_path, PAPER)
    paper_workbook(paths, lambda r: {**r, "occupation": "nan" if r["respondent_id"] == "R1" else r["occupation"]})
    clean = load(paths)
    respondents = clean.respondents.set_index("respondent_id")
    assert respondents.loc["R1", "interview_date"] == "2019-11-04" and respondents.loc["R1", "occupation"] == "nan"
    assert respondents.loc["R2", "age_years"] == 35


def test_xlsx_formula_without_a_saved_result_is_a_problem_not_a_blank(tmp_path):
    paths = copy_dataset(tmp_path, PAPER)
    paper_workbook(paths, lambda r: {**r, "s01": "=2+3" if r["respondent_id"] == "R2" else r["s01"]})
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "s01", "=2+3") and "never saved" in problem.expected


def test_an_interview_date_in_the_future_is_flagged(tmp_path):
    paths = copy_dataset(tmp_path, PAPER)
    survey = paths.raw / "survey.csv"
    survey.write_text(survey.read_text(encoding="utf-8").replace("04.11.2019", "04.11.2099"), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    assert [(p.column, p.value, p.expected) for p in caught.value.problems] == [
        ("interview_date", "04.11.2099", "a date that is not in the future")
    ]


def test_a_write_that_fails_midway_leaves_the_old_file_whole(tmp_path):
    """A full disk (ENOSPC) while writing: the previous file stays as it was, no partial file is left."""
    import errno

    from helpers.files import replace_atomically, write_text

    target = write_text("old report\n", tmp_path / "report.html")

    def fill_the_disk(temporary):
        temporary.write_text("half a rep", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        replace_atomically(target, fill_the_disk)
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
