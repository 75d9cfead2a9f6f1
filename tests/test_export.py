"""Tables 1-3 as .xlsx, .docx and LaTeX: content, formula injection neutralised, same bytes every time."""

import docx
import openpyxl
import pandas as pd

from helpers.publish import export
from helpers.analysis import tables


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
