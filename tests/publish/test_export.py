"""Tables 1-3 as .xlsx, .docx and LaTeX: content, formula injection neutralised, same bytes every time; each file
read back as the journal or agency that receives it would read it."""

import re

import docx
import openpyxl
import pandas as pd
import pytest

from helpers.analysis import tables
from helpers.codebook import read_codebook
from helpers.ingest.clean import clean_dataset, clean_export
from helpers.paths import REPO_ROOT, dataset_paths
from helpers.publish import export


def test_formula_cells_are_neutralised_numbers_are_not():
    table = pd.DataFrame(
        {"text": ['=HYPERLINK("x")', "+1", "-cmd", "@SUM(A1)", "ok", None], "n": [-1.5, 2, 3, 4, 5, 6]}
    )
    safe = export.neutralise_formulas(table)
    # "+1" is a plain number to a spreadsheet, not a formula: it is left as written.
    assert safe["text"].tolist()[:5] == ['\'=HYPERLINK("x")', "+1", "'-cmd", "'@SUM(A1)", "ok"]
    assert safe["n"].tolist() == [-1.5, 2, 3, 4, 5, 6]


def test_csv_of_a_table_is_neutralised(tmp_path):
    tables.write_table(
        pd.DataFrame({"Interview questions": ["q"], "A": ["E) Other-=1+1"], "B": ["=cmd|' /C calc'!A0"]}),
        tmp_path / "t.csv",
    )
    assert pd.read_csv(tmp_path / "t.csv").loc[0, "B"] == "'=cmd|' /C calc'!A0"


HOSTILE_LABELS = ['=HYPERLINK("http://x","y")', "+cmd", "-cmd", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_a_header_label_that_is_a_formula_is_neutralised_in_the_csv_and_the_xlsx(label, tmp_path):
    """A stakeholder label heads a column of Table 1: the header is a cell a spreadsheet runs too."""
    from helpers.files import read_csv_for_people

    table = pd.DataFrame({"Profile": ["Age"], label: ["30"]})
    tables.write_table(table, tmp_path / "table1.csv")
    header = (tmp_path / "table1.csv").read_bytes().decode("utf-8").partition(",")[2]
    assert header.removeprefix('"').startswith("'" + label[0])  # the header's cell begins with the apostrophe
    if "\r" not in label:  # Python's CSV writer leaves a lone CR unquoted with '\n' line ends: not read back here
        assert read_csv_for_people(tmp_path / "table1.csv").columns.tolist() == ["Profile", label]
    export.write_xlsx(table, tmp_path / "table1.xlsx", "Table 1", "")
    cell = openpyxl.load_workbook(tmp_path / "table1.xlsx").active["B2"]
    assert cell.data_type != "f" and cell.value == "'" + label


def test_index_labels_are_neutralised_too():
    table = pd.DataFrame({"=a": ["=b"]}, index=pd.Index(["=c"], name="=d"))
    safe = export.neutralise_formulas(table)
    assert (safe.columns[0], safe.index[0], safe.index.name, safe.iloc[0, 0]) == ("'=a", "'=c", "'=d", "'=b")


def test_formats_hold_the_table_and_are_reproducible(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    table = pd.DataFrame(
        {
            "Factor": ["Strategy", "Strategy"],
            "Statement": ["It is important … & 100%", "=2+2"],
            "Project manager": [5, 4],
        }
    )
    first = export.write_table_formats(table, tmp_path, "table3", "Table 3. Answers", "Note: developed by the author")
    once = {p.suffix: p.read_bytes() for p in first}
    again = {
        p.suffix: p.read_bytes()
        for p in export.write_table_formats(
            table, tmp_path, "table3", "Table 3. Answers", "Note: developed by the author"
        )
    }
    assert once == again
    sheet = openpyxl.load_workbook(tmp_path / "table3.xlsx").active
    assert [c.value for c in sheet[2]] == ["Factor", "Statement", "Project manager"]
    assert sheet["B4"].value == "'=2+2" and sheet["C3"].value == 5
    word = docx.Document(tmp_path / "table3.docx")
    assert word.paragraphs[0].text == "Table 3. Answers" and len(word.tables[0].rows) == 3
    assert word.tables[0].rows[1].cells[2].text == "5"
    tex = (tmp_path / "table3.tex").read_text(encoding="utf-8")
    assert "\\caption{Table 3. Answers}" in tex and "\\& 100\\%" in tex and "Note: developed by the author" in tex


@pytest.mark.parametrize("text", ["[3pt] wide", "  [3pt] after spaces", "*starred", "[x]"])
def test_a_latex_cell_beginning_with_a_bracket_or_star_is_not_read_as_the_line_break_s_option(text, tmp_path):
    r"""Each row's first cell follows the line before's \\ (\\* after a group's heading, \midrule after the header):
    LaTeX takes a [ there as the spacing option and a * as the star. Every cell starts with {} instead."""
    table = pd.DataFrame({"Factor": ["Strategy", "Strategy"], "Statement": [text, text], "Project manager": [text, 4]})
    tex = export.write_latex(table, tmp_path / "table3.tex", "Caption", text, "table3", group_by="Factor")
    lines = tex.read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.endswith(" \\\\") and "&" in line and "textbf" not in line]
    assert rows and all(line.startswith("{}" + text) for line in rows)
    assert any(f"& {{}}{text} \\\\" in line for line in rows)  # a cell after & too, and the note
    assert lines[lines.index(r"\end{longtable}") + 1] == r"\par\footnotesize {}" + text


def test_a_table_written_without_a_caption_is_headed_by_its_label_alone(paper_raw, codebook, tmp_path):
    from openpyxl import load_workbook

    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    table = tables.table1(clean.respondents, codebook)
    paths = export.write_table_formats(table, tmp_path, "table1", "", "", label="Table 1")
    assert load_workbook(paths[0]).active["A1"].value == "Table 1"


LABEL_AND_NUMBER = re.compile(r"Table \d")


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """example-v2 cleaned in a scratch folder: 360 respondents, 6 groups."""
    import shutil

    root = tmp_path_factory.mktemp("example")
    shutil.copytree(dataset_paths("example-v2", root=REPO_ROOT).raw, root / "data" / "raw" / "example-v2")
    paths = dataset_paths("example-v2", root=root)
    codebook = read_codebook(paths.codebook)
    return clean_export(paths, codebook), codebook


@pytest.fixture
def paper(paper_raw, codebook):
    return clean_dataset(paper_raw, codebook, "survey.csv"), codebook


def written(folder, name, table, codebook, clean, number):
    caption = codebook.table_text(name, "caption") or ""
    note = tables.table_note(name, codebook, clean.respondents)
    paths = export.write_table_formats(
        table, folder, name, caption, note, label=f"Table {number}", group_by=tables.group_column(name, table)
    )
    return {p.suffix: p for p in paths}


def test_table3_with_many_respondents_has_mean_sd_and_n_in_one_format(example):
    clean, codebook = example
    # As the tables step reads them: without the type below the disclosure threshold, whose cells it suppresses.
    shown = tables.analysed_data(
        {"respondents": clean.respondents, "choices": clean.choices, "likert": clean.likert}, "", codebook
    )
    table = tables.table3(shown["likert"], shown["respondents"], codebook)
    cells = table.iloc[:, 2:].to_numpy().ravel()
    assert all(re.fullmatch(r"\d\.\d\d \(\d\.\d\d\), n = \d+", c) for c in cells), cells[:5]
    assert "mean (standard deviation), n = answers" in tables.table_note("table3", codebook, clean.respondents)


def test_table2_with_many_respondents_is_a_matrix_of_options_by_groups(example):
    clean, codebook = example
    table = tables.table2(clean.choices, clean.respondents, codebook)
    options = codebook.options()
    assert len(table) == len(options) and table.columns[1] == "Option"
    groups = table.columns[2:]
    assert len(groups) == 6 and all(re.fullmatch(r"\d+ \(\d+%\)", c) for c in table[groups].to_numpy().ravel())
    # Each option's wording stands once, in its own column, never in the groups' cells.
    assert table["Option"].str.startswith(tuple(f"{o}) " for o in options["letter"])).all()


def test_latex_caption_widths_alignment_and_packages(tmp_path, paper, example):
    for (clean, codebook), suffix in ((paper, "paper"), (example, "example")):
        folder = tmp_path / suffix
        folder.mkdir()
        table = tables.table3(clean.likert, clean.respondents, codebook)
        tex = written(folder, "table3", table, codebook, clean, 3)[".tex"].read_text(encoding="utf-8")
        caption = re.search(r"\\caption\{(.*?)\}\\label", tex).group(1)
        assert not LABEL_AND_NUMBER.search(caption) and caption
        assert re.search(r"^% Requires.*booktabs.*longtable.*array", tex, re.M)
        spec = re.search(r"\\begin\{longtable\}\{(.*)\}\n", tex).group(1)
        fractions = [float(f) for f in re.findall(r"p\{([\d.]+)\\linewidth\}", spec)]
        columns = len(table.columns) - 1  # the factor heads its group of rows
        assert len(fractions) == columns
        assert (
            sum(fractions) * export.LATEX_TEXT_WIDTH_CM + columns * export.LATEX_COLUMN_GAP_CM
            <= export.LATEX_TEXT_WIDTH_CM + 0.01
        )
        assert tex.count(r"\endhead") == 1 and tex.count(r"\multicolumn") == len(codebook.factors())
        if suffix == "paper":  # whole scores: right-aligned columns, the decimal points (none) line up
            assert spec.count(r"\raggedleft") == columns - 1


def test_docx_is_a4_with_a_caption_style_and_a_repeating_header(tmp_path, example):
    import docx
    from docx.oxml.ns import qn

    clean, codebook = example
    table = tables.table3(clean.likert, clean.respondents, codebook)
    document = docx.Document(written(tmp_path, "table3", table, codebook, clean, 3)[".docx"])
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    caption = document.paragraphs[0]
    assert caption.style.name == "Caption" and caption.text.startswith("Table 3. ")
    rows = document.tables[0].rows
    header = rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    assert len(rows) == 1 + len(table) + len(codebook.factors())  # header, statements, a row per factor


def test_xlsx_header_frozen_and_factor_cells_merged(tmp_path, paper):
    import openpyxl

    clean, codebook = paper
    table = tables.table3(clean.likert, clean.respondents, codebook)
    sheet = openpyxl.load_workbook(written(tmp_path, "table3", table, codebook, clean, 3)[".xlsx"]).active
    assert sheet.freeze_panes == "B3"
    assert sheet["A1"].value.startswith("Table 3. ")
    merged = sorted(str(r) for r in sheet.merged_cells.ranges)
    sizes = codebook.statements().groupby("factor_id", sort=False).size()
    assert len(merged) == (sizes > 1).sum()
    first = pd.Series([sheet.cell(row=r, column=1).value for r in range(3, 3 + len(table))])
    assert first.dropna().tolist() == codebook.factors()["factor"].tolist()  # one merged cell per factor
