"""Every input form a researcher in Kazakhstan will have, and every kind of bad input, through the real loader;
and what reading a file must neither lose nor change: quotes that swallow rows, records with too few or too many
fields, line numbers, encodings, duplicate headers, paths out of the dataset folder, .xlsx cells."""

import copy
import shutil
import time

import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from helpers.codebook import read_codebook
from helpers.errors import DataValidationError
from helpers.ingest.encoding import detect_encoding, looks_like_mojibake
from helpers.ingest.load import read_export
from helpers.paths import dataset_paths

from dataset_copies import (
    PAPER,
    copy_dataset,
    edit_codebook,
    example_lines,
    load,
    paper_copy,
    set_field,
    survey,
    write_lines,
)


def make_dataset(
    root,
    codebook_raw: dict,
    export: pd.DataFrame,
    name="x",
    file="survey.csv",
    encoding="utf-8",
    sep=",",
    **export_settings,
):
    folder = root / "data" / "raw" / name
    folder.mkdir(parents=True)
    book = copy.deepcopy(codebook_raw)
    book["export"].update(
        {
            "file": file,
            "encoding": export_settings.pop("declared", "auto"),
            "delimiter": export_settings.pop("delimiter", "auto"),
            **export_settings,
        }
    )
    (folder / "codebook.yaml").write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if file.endswith(".xlsx"):
        export.to_excel(folder / file, index=False)
    else:
        (folder / file).write_bytes(export.to_csv(index=False, sep=sep, lineterminator="\r\n").encode(encoding))
    return dataset_paths(name, root=root)


@pytest.fixture
def paper_export(paper_raw):
    return paper_raw.reset_index(drop=True)


@pytest.fixture
def book(codebook):
    return copy.deepcopy(codebook.raw)


# --- encodings and delimiters -------------------------------------------------------------
@pytest.mark.parametrize(
    "encoding, sep", [("utf-8", ","), ("utf-8-sig", ","), ("cp1251", ";"), ("kz1048", ";"), ("utf-8", "\t")]
)
def test_encodings_and_delimiters_are_detected(tmp_path, book, paper_export, encoding, sep):
    text = "Қазақстан, ұлттық ғылым" if encoding in ("kz1048", "utf-8", "utf-8-sig") else "Руководитель; отдел"
    paper_export.loc[0, "occupation"] = text
    paths = make_dataset(tmp_path, book, paper_export, encoding=encoding, sep=sep)
    clean = load(paths)
    assert clean.respondents.loc[0, "occupation"] == text
    assert clean.likert["score"].sum() == 55 + 76 + 49 + 55  # all 60 scores of the paper survive


def test_kz1048_is_told_from_cp1251_by_its_kazakh_letters():
    assert detect_encoding("Қазақ тілі".encode("kz1048")) == "kz1048"
    assert detect_encoding("Русский язык".encode("cp1251")) == "cp1251"
    assert detect_encoding("Қазақ".encode("utf-8")) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfabc") == "utf-8-sig"


def test_kz1048_read_as_cp1251_is_flagged_as_mojibake(tmp_path, book, paper_export):
    paper_export.loc[1, "occupation"] = "Әкімдік қызметкері"
    paths = make_dataset(tmp_path, book, paper_export, encoding="kz1048", declared="cp1251")
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (3, "occupation")
    assert "wrongly decoded" in problem.expected and "kz1048" in problem.expected
    assert (paths.processed / "validation.csv").read_text(encoding="utf-8").count("occupation") == 1


@pytest.mark.parametrize("text, shown", [("Chef de café", "Chef de cafй"), ("Müller & Söhne", "Mьller & Sцhne")])
def test_latin1_read_as_cp1251_is_flagged_by_row_and_column(tmp_path, book, paper_export, text, shown):
    """A Latin-1 file decodes as Windows-1251 without an error (`encoding: auto` takes it for one): the
    accented letter turns Cyrillic inside a Latin word, and the cell is named, never loaded as it reads."""
    paper_export.loc[2, "occupation"] = text
    paths = make_dataset(tmp_path, book, paper_export, encoding="latin-1")
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "data/raw/x/survey.csv",
        4,
        "occupation",
        shown,
    )
    assert "Latin-1 read as Windows-1251" in problem.expected


LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯәғқңөұүһіӘҒҚҢӨҰҮҺІ"


@given(st.lists(st.one_of(st.text(LATIN, min_size=1), st.text(CYRILLIC, min_size=1)), min_size=1, max_size=6))
def test_words_of_one_script_are_never_taken_for_mojibake(words):
    """Russian, Kazakh and English words side by side -- spaced, hyphenated, beside digits ('IT-специалист',
    '3D') -- are no mixture: only letters of both scripts inside one word are."""
    for joined in (" ".join(words), "-".join(words), "5".join(words)):
        assert not looks_like_mojibake(pd.Series([joined])).any()


def test_utf8_read_as_cp1251_is_flagged(tmp_path, book, paper_export):
    paper_export.loc[0, "occupation"] = "Руководитель отдела"
    paths = make_dataset(tmp_path, book, paper_export, encoding="utf-8", declared="cp1251")
    with pytest.raises(DataValidationError, match="wrongly decoded"):
        load(paths)


def test_xlsx_export(tmp_path, book, paper_export):
    paths = make_dataset(tmp_path, book, paper_export, file="survey.xlsx")
    clean = load(paths)
    assert clean.likert.groupby("respondent_id")["score"].sum().to_dict() == {"R1": 49, "R2": 58, "R3": 69, "R4": 59}


# --- survey-tool shapes ----------------------------------------------------------------------
def test_google_forms_grid_and_checkbox_texts(tmp_path, book, paper_export, codebook):
    # An option whose text holds a comma must still be matched whole.
    book["questions"][0]["options"][3]["text"] = {"en": "Resources, budget and premises"}
    statements = codebook.statements().set_index("statement_id")["statement"]
    options = codebook.options().set_index(["question_id", "letter"])["text"]
    export = paper_export.rename(columns={s: f"How much do you agree? [{statements[s]}]" for s in statements.index})
    export = export.rename(columns={"q1": book["questions"][0]["text"]["en"]})
    question = book["questions"][0]["text"]["en"]
    export[question] = [
        "Public authority strategy, Human capital (personnel), Resources, budget and premises",
        "Public authority strategy, Human capital (personnel), Organizational structure and culture, Leadership (management styles and quality)",
        "Public authority strategy, Human capital (personnel)",
        "Other: Digital transformation",
    ]
    export = export.drop(columns=["q1_other"])
    clean = load(make_dataset(tmp_path, book, export))
    q1 = clean.choices.loc[clean.choices["question_id"] == "q1"]
    assert q1.groupby("respondent_id")["option"].apply(" ".join).to_dict() == {
        "R1": "A B D",
        "R2": "A B C E",
        "R3": "A B",
        "R4": "E",
    }
    assert q1.dropna(subset=["free_text"])["free_text"].tolist() == [
        "Leadership (management styles and quality)",
        "Digital transformation",
    ]
    assert len(clean.likert) == 60 and options[("q1", "A")] == "Public authority strategy"


def test_kobo_select_many_as_columns_and_option_names(tmp_path, book, paper_export):
    for option, name in zip(
        book["questions"][0]["options"], ["strategy", "human_capital", "organization", "resources", "other"]
    ):
        option["name"] = name
    export = paper_export.drop(columns=["q1"])
    ticks = {"A": [1, 1, 1, 1], "B": [1, 1, 1, 1], "C": [1, 1, 0, 1], "D": [0, 0, 0, 0], "E": [0, 1, 0, 0]}
    for letter, column in ticks.items():
        export[f"q1/{letter}"] = [str(v) for v in column]
    clean = load(make_dataset(tmp_path, book, export))
    q1 = clean.choices.loc[clean.choices["question_id"] == "q1"].groupby("respondent_id")["option"].apply(" ".join)
    assert q1.to_dict() == {"R1": "A B C", "R2": "A B C E", "R3": "A B", "R4": "A B C"}
    # XML names in one space-separated cell
    export = paper_export.copy()
    export["q1"] = [
        "strategy human_capital organization",
        "strategy human_capital organization other",
        "strategy human_capital",
        "strategy",
    ]
    clean = load(make_dataset(tmp_path / "names", book, export))
    q1 = clean.choices.loc[clean.choices["question_id"] == "q1"].groupby("respondent_id")["option"].apply(" ".join)
    assert q1.to_dict()["R2"] == "A B C E" and q1.to_dict()["R4"] == "A"


def test_likert_labels_in_three_languages_and_no_opinion(tmp_path, book, paper_export):
    book["scale"]["labels"] = {
        1: {"en": "Strongly Disagree", "ru": "Полностью не согласен", "kk": "Мүлдем келіспеймін"},
        5: {"en": "Strongly Agree", "ru": "Полностью согласен", "kk": "Толықтай келісемін"},
    }
    book["scale"]["missing"] = ["Затрудняюсь ответить"]
    paper_export.loc[0, "s01"] = "Полностью согласен"
    paper_export.loc[1, "s01"] = "Толықтай келісемін"
    paper_export.loc[2, "s01"] = "strongly agree"
    paper_export.loc[3, "s01"] = "Затрудняюсь ответить"
    paper_export.loc[3, "s02"] = ""
    likert = load(make_dataset(tmp_path, book, paper_export)).likert.set_index(["respondent_id", "statement_id"])
    assert likert.loc[[("R1", "s01"), ("R2", "s01"), ("R3", "s01")], "score"].tolist() == [5, 5, 5]
    assert pd.isna(likert.loc[("R4", "s01"), "score"]) and likert.loc[("R4", "s01"), "missing_reason"] == "no opinion"
    assert likert.loc[("R4", "s02"), "missing_reason"] == "blank"


def test_headers_by_label_and_russian_stakeholder_labels(tmp_path, book, paper_export):
    for entry, ru in zip(
        book["stakeholders"],
        [
            "Руководитель проекта (гос.)",
            "Руководитель проекта (частный)",
            "Центральный госорган",
            "Местный исполнительный орган",
        ],
    ):
        entry["label"]["ru"] = ru
    paper_export["stakeholder"] = [
        "Руководитель проекта (гос.)",
        "Руководитель проекта (частный)",
        "Центральный госорган",
        "Местный исполнительный орган",
    ]
    paper_export = paper_export.rename(columns={"age": "Age", "education": "Education"})
    clean = load(make_dataset(tmp_path, book, paper_export, encoding="cp1251", sep=";"))
    assert clean.respondents["stakeholder"].tolist() == ["public_pm", "private_pm", "central_gov", "local_gov"]
    assert clean.respondents["age_years"].tolist() == [29, 35, 36, 30]


# --- bad input: a clear error, nothing lost ------------------------------------------------
@pytest.mark.parametrize(
    "column, value, expected",
    [
        ("s05", "6", "a score on the scale 1 (Strongly Disagree)"),
        ("q3", "C F", "option letters of q3: A B C"),
        ("stakeholder", "minister", "a stakeholder type from codebook.yaml"),
        ("pilot_body", "mars_region", "blank or a pilot body from codebook.yaml"),
        ("respondent_id", "R1", "respondent ids unique in the file"),
        ("interview_date", "31.02.2019", "a date in the format '%d.%m.%Y'"),
        ("age", "thirty", "a whole number of years"),
        ("education", "Doctor", "blank or one of Bachelor, Master"),
    ],
)
def test_each_bad_cell_is_named(tmp_path, book, paper_export, column, value, expected):
    paper_export.loc[1, column] = value
    paths = make_dataset(tmp_path, book, paper_export)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("data/raw/x/survey.csv", 3, column, value)
    assert problem.expected.startswith(expected)
    assert f"data/raw/x/survey.csv, row 3, column '{column}': found '{value}'; expected {expected}" in str(caught.value)
    assert not (paths.processed / "likert.csv").exists()


def test_codebook_naming_an_unknown_factor(tmp_path, book, paper_export):
    book["statements"] = [{"id": "s99", "factor": "leadership", "text": {"en": "Leaders matter"}}]
    paths = make_dataset(tmp_path, book, paper_export)
    with pytest.raises(
        DataValidationError, match="statements\\[0\\].factor.*found 'leadership'; expected one of the factors"
    ):
        read_codebook(paths.codebook)


def test_flat_statement_list_joins_its_factor(tmp_path, book, paper_export):
    book["factors"].append({"id": "leadership", "label": {"en": "Leadership"}})
    book["statements"] = [{"id": "s16", "factor": "leadership", "text": {"en": "Leaders matter"}}]
    paper_export["s16"] = ["5", "4", "", "3"]
    clean = load(make_dataset(tmp_path, book, paper_export))
    assert clean.likert.loc[clean.likert["statement_id"] == "s16", "factor_id"].unique().tolist() == ["leadership"]


def test_quarantine_sets_rows_aside_with_reasons_and_loses_nothing(tmp_path, book, paper_export):
    paper_export.loc[1, "s05"] = "9"
    paper_export.loc[1, "q2"] = "Z"
    paper_export.loc[3, "stakeholder"] = "minister"
    paths = make_dataset(tmp_path, book, paper_export)
    with pytest.raises(DataValidationError):
        load(paths)  # stop is the default
    clean = load(paths, on_invalid="quarantine")
    assert clean.respondents["respondent_id"].tolist() == ["R1", "R3"]
    assert clean.rejected["source_row"].tolist() == [3, 5]
    assert clean.rejected.loc[0, "reasons"].count("|") == 1  # two reasons for row 3
    assert clean.rejected.loc[0, "s05"] == "9"  # the raw row as it was
    assert len(clean.respondents) + len(clean.rejected) == clean.n_raw == 4


def test_whole_file_problems_stop_even_in_quarantine(tmp_path, book, paper_export):
    paths = make_dataset(tmp_path, book, paper_export.drop(columns=["s01"]))
    with pytest.raises(DataValidationError, match="column 's01'"):
        load(paths, on_invalid="quarantine")


def test_a_seven_point_scale_and_new_stakeholder_types_need_no_code_change(tmp_path, book, paper_export, codebook):
    from helpers.analysis import tables
    from helpers.publish import figures

    book["scale"] = {
        "values": [1, 2, 3, 4, 5, 6, 7],
        "labels": {1: {"en": "Not at all"}, 7: {"en": "Completely"}},
        "missing": [],
    }
    book["stakeholders"].append({"code": "hr_officer", "label": {"en": "HR officer"}, "short": {"en": "HR"}})
    paper_export.loc[0, "s01"] = "7"
    paper_export.loc[1, "s01"] = "Completely"
    paper_export.loc[3, "stakeholder"] = "HR officer"
    clean = load(make_dataset(tmp_path, book, paper_export))
    assert clean.likert.loc[clean.likert["statement_id"] == "s01", "score"].tolist()[:2] == [7, 7]
    paths = dataset_paths("x", root=tmp_path)
    seven = read_codebook(paths.codebook)
    table3 = tables.table3(clean.likert, clean.respondents, seven)
    assert table3.columns[-1] == "HR officer"
    groups = tables.group_sizes(clean.respondents, seven)
    chart = figures.diverging_likert_chart(figures.likert_distribution(clean.likert, seven), groups, seven)
    assert len(chart.axes[0].get_legend_handles_labels()[0]) == 7  # every level on the scale, chosen or not


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
    the closing quote fills the rest of the record, so the fields add up and only the cell's first line shows it."""
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


# --- files and cells no export has -------------------------------------------------------------------
def test_an_export_file_that_is_a_folder_is_named_in_one_line(tmp_path):
    paths = copy_dataset(tmp_path, PAPER)
    (paths.raw / "survey.csv").unlink()
    (paths.raw / "survey.csv").mkdir()
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    [problem] = caught.value.problems
    assert problem.file == "data/raw/x/survey.csv" and "this names a folder" in problem.expected


@pytest.mark.parametrize("length", [131_073, 10_000_000])
def test_a_cell_longer_than_any_answer_is_named_by_row_and_column(tmp_path, book, paper_export, length):
    """The csv module stops at 131,072 characters a field with an error naming no place; a 10 MB cell is read
    (in linear time) and named, never shown whole."""
    paper_export.loc[1, "occupation"] = "x" * length
    paths = make_dataset(tmp_path, book, paper_export)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (3, "occupation")
    assert f"this one has {length:,}" in problem.expected and len(str(problem)) < 400
    clean = load(paths, "quarantine")
    assert clean.rejected["source_row"].tolist() == [3] and len(clean.respondents) == 3


# --- a header wider than any spreadsheet ---------------------------------------------------------------
def widened_export(paths, columns: int, file: str = "survey.csv") -> None:
    """The paper's export with empty columns extra1, extra2 … until its header has `columns` columns."""
    frame = survey(paths)
    extra = [f"extra{n}" for n in range(1, columns - frame.shape[1] + 1)]
    header, rows = [*frame.columns, *extra], [[*record, *[""] * len(extra)] for record in frame.values.tolist()]
    if file.endswith(".sav"):
        import pyreadstat

        pyreadstat.write_sav(pd.DataFrame(rows, columns=header), str(paths.raw / file))
    elif file.endswith(".xlsx"):
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in [header, *rows]:
            sheet.append(row)
        workbook.save(paths.raw / file)
    else:
        lines = [",".join(header), *(",".join(row) for row in rows)]
        (paths.raw / file).write_text("\n".join(lines) + "\n", encoding="utf-8")
    edit_codebook(paths, lambda book: book["export"].update(file=file))


def read_paper_export(paths):
    return read_export(paths.raw, read_codebook(paths.codebook), paths.root)


@pytest.mark.parametrize("columns", [16_385, 2_000_000])
def test_a_header_wider_than_a_spreadsheet_is_refused_in_one_line_before_any_frame_is_built(tmp_path, columns):
    """A two-million-column header killed the notebook's kernel (a frame of two million columns): the header is
    refused as soon as it is read, naming the file, how many columns it has and the limit."""
    paths = paper_copy(tmp_path)
    widened_export(paths, columns)
    started = time.perf_counter()
    with pytest.raises(DataValidationError) as caught:
        read_paper_export(paths)
    assert time.perf_counter() - started < 5
    [problem] = caught.value.problems
    assert str(problem) == (
        f"data/raw/x/survey.csv, row 1: found '{columns:,} columns'; expected at most 16,384 columns, "
        "the most a spreadsheet holds (Excel's limit): is this the export, or the data turned on its side?"
    )


@pytest.mark.parametrize("file", ["survey.csv", "survey.xlsx"])
def test_a_header_as_wide_as_a_spreadsheet_is_read(tmp_path, file):
    paths = paper_copy(tmp_path)
    widened_export(paths, 16_384, file)
    frame, _ = read_paper_export(paths)
    assert frame.shape[1] == 16_384


@pytest.mark.parametrize("file", ["survey.xlsx", "survey.sav"])
def test_a_workbook_or_sav_file_wider_than_a_spreadsheet_is_refused(tmp_path, file):
    paths = paper_copy(tmp_path)
    widened_export(paths, 16_385, file)
    with pytest.raises(DataValidationError) as caught:
        read_paper_export(paths)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.value) == (f"data/raw/x/{file}", 1, "16,385 columns")


def test_a_mis_decoded_header_label_is_named_in_the_refusal(tmp_path):
    """A header label written in Latin-1 and read as Windows-1251 ('Café' -> 'Cafй'), the answers themselves
    plain: the one message names that label as the place to look."""
    paths = copy_dataset(tmp_path)
    text = (paths.raw / "survey.csv").read_bytes().decode("cp1251")
    header, rest = text.split("\n", 1)
    delimiter = ";" if header.count(";") > header.count(",") else ","
    label = "Café notes".encode("latin-1")  # é is byte 0xE9, which Windows-1251 reads as й
    (paths.raw / "survey.csv").write_bytes(
        header.encode("cp1251") + delimiter.encode() + label + b"\n" + rest.encode("cp1251")
    )
    book = yaml.safe_load(paths.codebook.read_text(encoding="utf-8"))
    book["export"]["encoding"] = "cp1251"
    paths.codebook.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    (problem,) = caught.value.problems
    assert problem.column == "Cafй notes"
    assert "1 of the header's labels" in problem.expected and "Cafй notes" in str(caught.value)
