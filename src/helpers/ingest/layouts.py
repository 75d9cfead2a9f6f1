"""Survey tools' extra header rows and heading codes, read into one header per column.

Qualtrics writes three header rows (column names such as Q5_3, the question texts, each column's ImportId as
JSON), SurveyMonkey two (each question's text over its first column, then what each column holds: "Response",
an option, a matrix row, "Other (please specify)"), LimeSurvey one with the question code in front of the text
("G01Q02[SQ001]. Question [Subquestion]"). Each is read here into the headers Google Forms would write: the
question's text, "Question [Row]" for a grid row or an option's column, "Question [Other …]" for the words of
"Other"; the extra header rows are no respondents and are left out. Step 01 and `make new-dataset` both read the
export through this, so a codebook drafted from these headers is the codebook step 01 checks against.
"""

from __future__ import annotations

import re

import pandas as pd

QUALTRICS_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')
SURVEYMONKEY_ANSWER = {"response", "open-ended response", "ответ", "открытый ответ", "жауап"}
SURVEYMONKEY_FIRST = {"respondent id", "collector id"}
LIMESURVEY_CODE = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z0-9_]+\])?)\.\s+(?P<text>\S.*)$", re.S)
QUALTRICS_MATRIX = re.compile(r"^(?P<stem>.+?)_(?P<row>\d+)$")
QUALTRICS_TEXT = re.compile(r"^(?P<stem>.+?)_\d+_TEXT$")


def tool_of(frame: pd.DataFrame) -> str | None:
    """'qualtrics', 'surveymonkey' or 'limesurvey' when the headers (and the first rows under them) are written
    as that tool writes them; None for one plain header row."""
    columns = [str(c) for c in frame.columns]
    if len(frame) >= 2:
        import_ids = frame.iloc[1].astype(str).map(lambda c: bool(QUALTRICS_IMPORT_ID.match(c.strip())))
        if import_ids.mean() >= 0.5:
            return "qualtrics"
    if len(frame) >= 1 and {c.strip().casefold() for c in columns[:2]} == SURVEYMONKEY_FIRST:
        under = frame.iloc[0].astype(str).str.strip()
        if under.iloc[:2].eq("").all() and any(c.casefold() in SURVEYMONKEY_ANSWER for c in under):
            return "surveymonkey"
    coded = sum(bool(LIMESURVEY_CODE.match(c)) for c in columns)
    if columns and coded >= 0.8 * len(columns):
        return "limesurvey"
    return None


def one_header_row(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The export with one header per column (see the module's docstring), and the tool recognised; a frame no
    tool wrote is returned as it is. Each respondent's row keeps the line of the file it is on."""
    tool = tool_of(frame)
    if tool == "qualtrics":
        headers = _qualtrics_headers([str(c) for c in frame.columns], frame.iloc[0].astype(str).tolist())
        body = frame.iloc[2:]
    elif tool == "surveymonkey":
        headers = _surveymonkey_headers([str(c) for c in frame.columns], frame.iloc[0].astype(str).tolist())
        body = frame.iloc[1:]
    elif tool == "limesurvey":
        headers = _limesurvey_headers([str(c) for c in frame.columns])
        body = frame
    else:
        return frame, None
    out = body.copy()
    out.columns = headers
    return out, tool


def _unique(headers: list[str], fallbacks: list[str]) -> list[str]:
    """Each header as read, or the tool's own column name where two columns would read the same."""
    seen = pd.Series(headers).duplicated(keep=False).tolist()
    return [fallback if twice else header for header, fallback, twice in zip(headers, fallbacks, seen)]


def _qualtrics_headers(names: list[str], texts: list[str]) -> list[str]:
    """Q5_1 'Question - Row' -> 'Question [Row]' where two or more columns share the stem Q5; Q4_6_TEXT
    'Question - Other - Text' -> 'Question [Other]'; any other column: its question text."""
    stems: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        match = QUALTRICS_MATRIX.match(name)
        if match and not QUALTRICS_TEXT.match(name):
            stems.setdefault(match["stem"], []).append(i)
    headers = [text.strip() or name for name, text in zip(names, texts)]
    for columns in stems.values():
        if len(columns) < 2:
            continue
        question = _common_question([texts[i] for i in columns])
        if question is None:
            continue
        for i in columns:
            headers[i] = f"{question} [{texts[i][len(question) + 3 :].strip()}]"
    for i, name in enumerate(names):
        if QUALTRICS_TEXT.match(name):
            parts = texts[i].rsplit(" - ", 2)
            if len(parts) == 3 and parts[2].strip().casefold() == "text":
                headers[i] = f"{parts[0].strip()} [{parts[1].strip()}]"
    return _unique(headers, names)


def _common_question(texts: list[str]) -> str | None:
    """The question all matrix rows' texts begin with, before ' - ' (which a row's own text may contain too)."""
    first = texts[0]
    cut = first.find(" - ")
    while cut != -1:
        question = first[:cut]
        if all(t.startswith(question + " - ") for t in texts):
            return question.strip()
        cut = first.find(" - ", cut + 1)
    return None


def _surveymonkey_headers(top: list[str], under: list[str]) -> list[str]:
    headers, question = [], ""
    for name, below in zip(top, under):
        name, below = name.strip(), below.strip()
        if name:
            question = name
        if not below or below.casefold() in SURVEYMONKEY_ANSWER:
            headers.append(question or name)
        else:
            headers.append(f"{question} [{below}]" if question else below)
    return _unique(headers, [f"{h} ({i + 1})" for i, h in enumerate(headers)])


def _limesurvey_headers(names: list[str]) -> list[str]:
    matches = [LIMESURVEY_CODE.match(name) for name in names]
    headers = [m["text"].strip() if m else name for m, name in zip(matches, names)]
    return _unique(headers, [m["code"] if m else name for m, name in zip(matches, names)])
