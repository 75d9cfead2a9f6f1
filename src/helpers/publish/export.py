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
    entries = [
        (
            info,
            re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
            if info.filename == "docProps/core.xml"
            else data,
        )
        for info, data in entries
    ]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def write_xlsx(table: pd.DataFrame, path: Path, caption: str, note: str, group_by: str | None = None) -> Path:
    """The table on one sheet: caption, a frozen bold header row, the rows, the note. With `group_by`, that column's
    runs of equal values are one merged cell, as the report groups them."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = Path(path).stem[:31]
    sheet.append([caption])
    sheet["A1"].font = Font(bold=True)
    safe = neutralise_formulas(table)  # the header row too: a label such as =HYPERLINK(...) is a cell
    sheet.append(list(safe.columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in safe.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    sheet.append([note])
    for column in sheet.columns:
        sheet.column_dimensions[column[1].column_letter].width = 40 if column[1].column <= 2 else 28
        for cell in column[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B3"  # the header row and the first column stay in view
    sheet.print_title_rows = "2:2"  # and the header row repeats on every printed page
    if group_by is not None:
        column = list(table.columns).index(group_by) + 1
        first = 3
        for _, run in table.groupby((table[group_by] != table[group_by].shift()).cumsum(), sort=False):
            if len(run) > 1:
                sheet.merge_cells(start_row=first, start_column=column, end_row=first + len(run) - 1, end_column=column)
            first += len(run)
    workbook.properties.created = workbook.properties.modified = build_date()
    workbook.properties.creator = "amirova2020 reproduction"
    workbook.save(path)
    _fix_zip_dates(path)
    return Path(path)


def _keep_row(row, header: bool = False) -> None:
    """A Word table row that never splits across pages; a header row is also repeated on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    for name in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        element = OxmlElement(name)
        element.set(qn("w:val"), "true")
        properties.append(element)


def write_docx(table: pd.DataFrame, path: Path, caption: str, note: str, group_by: str | None = None) -> Path:
    """A4 page, the caption in Word's Caption style above the table, a header row that repeats on every page,
    rows that never split across pages; with `group_by`, a row spanning the table starts each group."""
    import docx
    from docx.shared import Cm, Pt

    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = build_date()
    document.core_properties.last_printed = build_date()
    document.core_properties.author = document.core_properties.last_modified_by = "amirova2020 reproduction"
    document.core_properties.revision = 1
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    document.add_paragraph(caption, style="Caption")
    columns = [c for c in table.columns if c != group_by]
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, columns):
        cell.text = ""
        cell.paragraphs[0].add_run(str(name)).bold = True
    _keep_row(grid.rows[0], header=True)
    current = None
    for record in table.to_dict("records"):
        if group_by is not None and record[group_by] != current:
            current = record[group_by]
            cells = grid.add_row().cells
            merged = cells[0].merge(cells[-1])
            merged.text = ""
            run = merged.paragraphs[0].add_run(str(current))
            run.bold = run.italic = True
        cells = grid.add_row().cells
        for cell, column in zip(cells, columns):
            value = record[column]
            cell.text = "" if pd.isna(value) else str(value)
    for row in grid.rows[1:]:
        _keep_row(row)
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


LATEX_TEXT_WIDTH_CM = 16.0  # A4 with 2.5 cm margins; narrower pages scale the widths with \linewidth
LATEX_COLUMN_GAP_CM = 0.42  # 2 \tabcolsep (6 pt each) per column


def _tex(text) -> str:
    r"""Text escaped for LaTeX.

    A cell that begins with `[` or `*` (after any spaces) starts with `{}`: a row's first cell follows the
    `\\` (or `\\*`, or a booktabs rule) ending the line before, which would read `[3pt]` as its spacing
    option and `*` as its star."""
    replacements = {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
    escaped = "".join(replacements.get(ch, ch) for ch in ("" if pd.isna(text) else str(text)))
    return "{}" + escaped if escaped.lstrip().startswith(("[", "*")) else escaped


def _is_numeric_column(values: pd.Series) -> bool:
    text = values.dropna().astype(str)
    text = text.loc[text != ""]
    return len(text) > 0 and text.str.fullmatch(r"-?\d+(\.\d+)?").all()


def latex_column_widths(table: pd.DataFrame, columns: list[str]) -> list[float]:
    """Widths in cm that add up to the text width: the first column (labels) gets a larger share, numeric
    columns what their numbers need, the rest the remainder equally."""
    room = LATEX_TEXT_WIDTH_CM - LATEX_COLUMN_GAP_CM * len(columns)
    numeric = [_is_numeric_column(table[c]) for c in columns]
    widths = [1.6 if is_number else 0.0 for is_number in numeric]
    text_columns = [i for i, is_number in enumerate(numeric) if not is_number]
    left = room - sum(widths)
    if text_columns and text_columns[0] == 0 and len(text_columns) > 1:
        widths[0] = max(left * 0.3, left / len(text_columns))
        left -= widths[0]
        text_columns = text_columns[1:]
    for i in text_columns:
        widths[i] = left / len(text_columns)
    return [round(w, 2) for w in widths]


def write_latex(
    table: pd.DataFrame, path: Path, caption: str, note: str, label: str, group_by: str | None = None
) -> Path:
    """A longtable that fits an A4 text width: caption without the "Table N." LaTeX adds itself, column widths
    that add up to the text width, numeric columns right-aligned (one number of decimals per column, so the
    decimal points line up), the header repeated on every page, and the packages it needs named at the top."""
    columns = [c for c in table.columns if c != group_by]
    widths = latex_column_widths(table, columns)
    spec = "".join(
        (r">{\raggedleft\arraybackslash}" if _is_numeric_column(table[c]) else r">{\raggedright\arraybackslash}")
        + f"p{{{w / LATEX_TEXT_WIDTH_CM:.3f}\\linewidth}}"
        for c, w in zip(columns, widths)
    )
    header = " & ".join(rf"\textbf{{{_tex(c)}}}" for c in columns) + r" \\"
    lines = [
        "% Requires in the preamble: \\usepackage{booktabs} \\usepackage{longtable} \\usepackage{array}",
        "% (and \\usepackage[utf8]{inputenc} with pdfLaTeX, or XeLaTeX/LuaLaTeX for Cyrillic and Kazakh text).",
        r"\begingroup\small",
        rf"\begin{{longtable}}{{{spec}}}",
        rf"\caption{{{_tex(caption)}}}\label{{tab:{label}}} \\",
        r"\toprule",
        header,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        header,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endlastfoot",
    ]
    current = None
    for record in table.to_dict("records"):
        if group_by is not None and record[group_by] != current:
            current = record[group_by]
            lines.append(rf"\multicolumn{{{len(columns)}}}{{l}}{{\textit{{{_tex(current)}}}}} \\*")
        lines.append(" & ".join(_tex(record[c]) for c in columns) + r" \\")
    lines += [r"\end{longtable}", rf"\par\footnotesize {_tex(note)}", r"\endgroup", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8", newline="\n")
    return Path(path)


def write_table_formats(
    table: pd.DataFrame, folder: Path, stem: str, caption: str, note: str, label: str = "", group_by: str | None = None
) -> list[Path]:
    """`stem`.xlsx, .docx and .tex in `folder` (the .csv is written by tables.write_table).

    `label` ("Table 3") heads the caption in the spreadsheet and in Word; LaTeX numbers its tables itself.
    `group_by` names the column whose values head groups of rows (Table 3's factor)."""
    folder = Path(folder)
    # Without a caption the label stands alone ("Table 1", not "Table 1. "); tables.table_caption gives a default.
    headed = f"{label}. {caption}" if label and caption else label or caption
    return [
        write_xlsx(table, folder / f"{stem}.xlsx", headed, note, group_by),
        write_docx(table, folder / f"{stem}.docx", headed, note, group_by),
        write_latex(table, folder / f"{stem}.tex", caption, note, stem, group_by),
    ]
