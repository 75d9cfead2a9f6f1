"""Tables 1-3 in the formats journals and colleagues ask for: .xlsx, .docx (Word) and LaTeX, beside the CSV.

Text cells that a spreadsheet would run as a formula are neutralised
(helpers.files).

Every file is byte-identical for the same table: the .xlsx and .docx zip
archives get fixed entry dates and fixed document dates (SOURCE_DATE_EPOCH,
or 1 January 2020 when it is unset).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import pandas as pd

from helpers.files import neutralise_formulas

DEFAULT_EPOCH = 1577836800  # 2020-01-01T00:00:00Z, the paper's year


def build_date() -> dt.datetime:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).replace(tzinfo=None)


def _fix_zip_dates(path: Path) -> None:
    """Rewrite a zip archive with every entry dated build_date(), in the same order.

    openpyxl stamps the save time into docProps/core.xml whatever the workbook
    says; that date is set to build_date() too.
    """
    when = build_date().timetuple()[:6]
    stamp = build_date().strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    entries = [(info, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
                if info.filename == "docProps/core.xml" else data) for info, data in entries]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def write_xlsx(table: pd.DataFrame, path: Path, caption: str, note: str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = Path(path).stem[:31]
    sheet.append([caption])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(table.columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in neutralise_formulas(table).itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    sheet.append([note])
    for column in sheet.columns:
        sheet.column_dimensions[column[1].column_letter].width = 40 if column[1].column == 1 else 28
        for cell in column[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.properties.created = workbook.properties.modified = build_date()
    workbook.properties.creator = "amirova2020 reproduction"
    workbook.save(path)
    _fix_zip_dates(path)
    return Path(path)


def write_docx(table: pd.DataFrame, path: Path, caption: str, note: str) -> Path:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = build_date()
    document.core_properties.last_printed = build_date()
    document.core_properties.author = document.core_properties.last_modified_by = "amirova2020 reproduction"
    document.core_properties.revision = 1
    heading = document.add_paragraph()
    heading.add_run(caption).bold = True
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, table.columns):
        cell.text = ""
        cell.paragraphs[0].add_run(str(name)).bold = True
    for row in table.itertuples(index=False):
        cells = grid.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if pd.isna(value) else str(value)
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    if note:  # a codebook need not give a table a note
        document.add_paragraph(note).runs[0].font.size = Pt(8)
    document.save(path)
    _fix_zip_dates(path)
    return Path(path)


def write_latex(table: pd.DataFrame, path: Path, caption: str, note: str, label: str) -> Path:
    body = table.astype(object).fillna("").astype(str).to_latex(index=False, escape=True, caption=caption, label=f"tab:{label}",
                                                 column_format="p{3.2cm}" * len(table.columns), position="htbp")
    note_tex = pd.DataFrame({"n": [note]}).to_latex(index=False, header=False, escape=True).split("\\midrule")[-1]
    note_line = note_tex.replace("\\bottomrule", "").replace("\\end{tabular}", "").replace("\\\\", "").strip()
    body = body.replace("\\end{table}", f"\\par\\footnotesize {note_line}\n\\end{{table}}")
    Path(path).write_text(body, encoding="utf-8", newline="\n")
    return Path(path)


def write_table_formats(table: pd.DataFrame, folder: Path, stem: str, caption: str, note: str) -> list[Path]:
    """`stem`.xlsx, .docx and .tex in `folder` (the .csv is written by tables.write_table)."""
    folder = Path(folder)
    return [write_xlsx(table, folder / f"{stem}.xlsx", caption, note),
            write_docx(table, folder / f"{stem}.docx", caption, note),
            write_latex(table, folder / f"{stem}.tex", caption, note, stem)]
