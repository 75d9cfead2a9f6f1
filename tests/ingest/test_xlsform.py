"""Drafting from an XLSForm: a label that is a formula with no value saved in the file is marked, never a blank."""

from __future__ import annotations

import openpyxl
import yaml

import questionnaires as qq
from helpers.ingest.check import todo_findings
from helpers.tools.scaffold import draft_from


def a_form_with_a_formula_label(folder):
    """A KoboToolbox form and export; the first statement's label rewritten as a formula, as a script writes one
    (openpyxl saves a formula with no value: no spreadsheet program computed it)."""
    q = qq.Questionnaire(
        lang="ru",
        factors=[["Стратегия развития важна", "Кадры решают всё"], ["Руководство определяет доверие"]],
        points=5,
        style="words",
        no_opinion="",
        groups=qq.GROUPS["ru"][:3],
        bodies=[],
        profile=["years"],
        questions=[],
        n=12,
        seed=3,
    )
    export, form = qq.write_kobo(q, qq.answer(q), folder)
    book = openpyxl.load_workbook(form)
    sheet = book["survey"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 3).value == q.statements[0])
    sheet.cell(row, 3).value = '=CONCATENATE("Стратегия ","развития важна")'
    book.save(form)
    return export, form, f"C{row}", q


def test_a_formula_label_with_no_saved_value_is_a_todo_naming_sheet_cell_and_formula(tmp_path):
    export, form, cell, q = a_form_with_a_formula_label(tmp_path)
    text, book, _ = draft_from(export, "d", form)
    first = yaml.safe_load(text)["statements"][0]
    label = next((t for t in first["text"].values() if t), None)  # null in every language before
    assert label is not None and label.startswith("TODO: ") and f"survey!{cell}" in label
    assert '=CONCATENATE("Стратегия ","развития важна")' in label
    # The other statements keep their text, and check-codebook lists the mark until a person writes the text.
    assert [next(t for t in s["text"].values() if t) for s in book["statements"][1:]] == q.statements[1:]
    found = [f for f in todo_findings(yaml.safe_load(text)) if f.message.startswith("survey!")]
    assert len(found) == 1 and found[0].where.startswith("statements[0].text") and f"survey!{cell}" in str(found[0])
