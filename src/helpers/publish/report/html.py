"""The HTML itself: the template rendered with autoescaping, a table's header and rows shaped for it,
figures embedded as data URIs, labels shown in a fallback language and respondents' own words marked."""

from __future__ import annotations

import base64
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from helpers.codebook import DEFAULT_LANGUAGE
from helpers.files import write_text
from helpers.publish.report.numbers import _is_number, local_number

TEMPLATES = Path(__file__).parents[1] / "templates"  # publish/templates/


def html_table(table: pd.DataFrame, group_by: str | None = None, lang: str = DEFAULT_LANGUAGE) -> dict:
    """Header and rows for the template: the first column of each row is its row header; with `group_by`, a
    row-group header starts each group (as Table 3's factors do). Numbers are shown the way `lang` writes
    them (4.33 -> 4,33 in Russian and Kazakh)."""
    columns = [c for c in table.columns if c != group_by]
    rows, current = [], None
    for record in table.to_dict("records"):
        if group_by and record[group_by] != current:
            current = record[group_by]
            rows.append({"heading": current})
        rows.append(
            {
                "header": record[columns[0]],
                "cells": [(local_number(record[c], lang), _is_number(record[c])) for c in columns[1:]],
            }
        )
    return {"columns": columns, "rows": rows}


def embed_png(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def render_report(context: dict) -> str:
    """Render the report template with `context` (see report_context for its keys)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    fallbacks, answers = context.get("fallbacks") or {}, context.get("answers") or []
    environment.filters["marked"] = lambda text: mark_answers(mark_fallback(text, fallbacks), answers)
    return environment.get_template("report.html.j2").render(**context)


def mark_fallback(text, fallbacks: dict[str, str]) -> Markup:
    """`text`, inside <span lang=".."> when it is a label shown in a fallback language (so readers and screen
    readers know); the option letter of 'A) text' is looked through."""
    text = "" if text is None else str(text)
    core = text.split(") ", 1)[1] if text[:1].isalpha() and text[1:3] == ") " else text
    shown = fallbacks.get(core)
    if shown is None:
        return escape(text)
    head = text[: len(text) - len(core)]
    return escape(head) + Markup('<span lang="{}">{}</span>').format(shown, core)


def mark_answers(html: Markup, answers: list[str]) -> Markup:
    """Respondents' own words (free-text answers) inside <span class="answer">: shown as given, in whatever
    language the respondent wrote, never translated; the longest answers are marked first."""
    for answer in sorted(answers, key=len, reverse=True):
        escaped = str(escape(answer))
        if escaped and escaped in html and f'<span class="answer">{escaped}' not in html:
            html = Markup(str(html).replace(escaped, f'<span class="answer">{escaped}</span>'))
    return html


def write_report(html: str, path: Path) -> Path:
    return write_text(html, path)
