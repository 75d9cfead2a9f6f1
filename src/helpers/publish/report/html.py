"""The HTML itself: the template rendered with autoescaping, a table's header and rows shaped for it,
figures embedded as data URIs, labels shown in a fallback language and respondents' own words marked."""

from __future__ import annotations

import base64
import bisect
import re
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
    fallbacks = context.get("fallbacks") or {}
    answers = OwnWords(context.get("answers") or [])
    environment.filters["marked"] = lambda text: mark_fallback(text, fallbacks)
    # Only a table's cells and row headers can hold what a respondent wrote (Table 1's text fields, Table 2's
    # 'Other-<text>'); captions, notes and the claims' numbers are the project's words.
    environment.filters["answered"] = lambda text: mark_fallback(text, fallbacks, answers)
    return environment.get_template("report.html.j2").render(**context)


def mark_fallback(text, fallbacks: dict[str, str], answers: OwnWords | None = None) -> Markup:
    """`text`, inside <span lang=".."> when it is a label shown in a fallback language (so readers and screen
    readers know); the option letter of 'A) text' is looked through. Otherwise, with `answers`, the
    respondents' own words in it are marked (mark_answers)."""
    text = "" if text is None else str(text)
    core = text.split(") ", 1)[1] if text[:1].isalpha() and text[1:3] == ") " else text
    shown = fallbacks.get(core)
    if shown is None:
        return mark_answers(text, answers) if answers else escape(text)
    head = text[: len(text) - len(core)]
    return escape(head) + Markup('<span lang="{}">{}</span>').format(shown, core)


class OwnWords:
    """The free-text answers the report may show, as a set, with the length of the longest: what mark_answers
    looks up."""

    def __init__(self, answers):
        self.texts = frozenset(a for a in map(str, answers) if a.strip())
        self.longest = max(map(len, self.texts), default=0)

    def __bool__(self) -> bool:
        return bool(self.texts)

    def __contains__(self, text: str) -> bool:
        return text in self.texts


def mark_answers(text: str, answers: OwnWords) -> Markup:
    """`text` escaped, each respondent's own words in it inside <span class="answer"> (shown as given, in
    whatever language the respondent wrote, never translated).

    An answer is marked where it stands as one in the table's own text, found from the data and not by
    searching the HTML: the whole text (a text field of Table 1), or a part of Table 2's 'A) ..., E) Other-<text>'
    starting after a '-' and ending at the text's end or at ', ' (the longest such answer). So 'a' written as
    an answer never marks the a of 'Strategy', and no tag or entity of the page can be matched. Each value is
    scanned once, with a window no longer than the longest answer: the cost is linear in the text."""
    if not answers or not text:
        return escape(text)
    ends = [m.start() for m in re.finditer(", ", text)] + [len(text)]
    starts = [0] + [m.end() for m in re.finditer("-", text)]
    pieces, done = [], 0
    for start in starts:
        if start < done:
            continue
        found = None
        for end in ends[bisect.bisect_right(ends, start) :]:
            if end - start > answers.longest:
                break
            if text[start:end] in answers:
                found = end  # the longest answer from here
        if found is not None:
            pieces.append(escape(text[done:start]))
            pieces.append(Markup('<span class="answer">{}</span>').format(text[start:found]))
            done = found
    pieces.append(escape(text[done:]))
    return Markup("").join(pieces)


def write_report(html: str, path: Path) -> Path:
    return write_text(html, path)
