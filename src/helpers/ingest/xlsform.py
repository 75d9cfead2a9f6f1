"""A draft codebook from an XLSForm (the `survey` and `choices` sheets KoboToolbox and ODK forms are written
in) and its KoboToolbox export: the form says what every question is, so little is guessed.

From the form: profile fields and their types (text, integer -> whole years, decimal -> decimal years,
date), select_one lists of an agreement scale -> Likert statements and the scale, other select_one ->
single-choice questions, select_multiple -> checkbox questions (options keep their XLSForm `name`, which is
what Kobo writes in the export), labels per language from `label::English (en)` columns. Guessed, and said
so: which select_one holds the stakeholder type and which the pilot body (header words), the respondent id
(Kobo's `_id`). Factors and roles stay the person's TODO, as in helpers.ingest.infer.

A cell holding a formula is read as the value the spreadsheet program saved with it. A formula with no saved
value (a form written by a script, never opened and saved in a spreadsheet program) has no text to read: the
cell becomes a TODO naming the sheet, the cell and the formula (FORMULA_TODO), which `make check-codebook`
lists until a person writes the text; never a silent blank.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from helpers.ingest.identifiers import identifier_kind, kind_by_header
from helpers.ingest.infer import (
    KOBO_META,
    PILOT_BODY_WORDS,
    STAKEHOLDER_WORDS,
    TODO,
    Draft,
    _word_score,
    dataset_entry,
    language_of,
    privacy_block,
    profile_type,
)
from helpers.ingest.scales import LANGUAGES, is_no_opinion, recognise_scale

METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "calculate",
    "note",
    "begin_group",
    "end_group",
    "begin group",
    "end group",
    "begin_repeat",
    "end_repeat",
    "begin repeat",
    "end repeat",
    "hidden",
    "acknowledge",
}
PROFILE_TYPES = {"text": "text", "integer": "years", "decimal": "decimal_years", "date": "date"}
_LANG_COLUMN = re.compile(r"^label(?:::(?P<name>.*?))?(?:\s*\((?P<code>[a-z]{2})\))?$", re.I)
_LANG_NAMES = {"english": "en", "russian": "ru", "русский": "ru", "kazakh": "kk", "қазақша": "kk", "казахский": "kk"}


def _label_columns(sheet: pd.DataFrame) -> dict[str, str]:
    """Sheet column -> language code, for `label`, `label::English (en)`, `label::Russian`."""
    found = {}
    for column in sheet.columns:
        match = _LANG_COLUMN.match(str(column).strip())
        if not match:
            continue
        code = (match["code"] or _LANG_NAMES.get(str(match["name"] or "").strip().casefold()) or "").lower()
        found[column] = code if code in LANGUAGES else ""
    return found


def _labels(row: pd.Series, columns: dict[str, str]) -> dict:
    """{en, ru, kk} from a row's label columns; an unmarked `label` goes to the language its text is in."""
    out = dict.fromkeys(LANGUAGES)
    for column, code in columns.items():
        text = str(row.get(column) or "").strip()
        if text:
            out[code or language_of(text)] = out.get(code or language_of(text)) or text
    return out


#: The text of a cell whose formula has no value saved in the file (helpers.ingest.check lists it as a TODO).
FORMULA_TODO = "TODO: {sheet}!{cell} is the formula {formula} with no value saved in the file; write its text"
FORMULA_TODO_START = re.compile(r"^TODO: .+![A-Z]+\d+ is the formula ")


def _read_sheets(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet, every cell text; a formula cell with no saved value holds FORMULA_TODO instead of nothing."""
    from openpyxl import load_workbook

    formulas = load_workbook(path, data_only=False)
    values = load_workbook(path, data_only=True)
    unsaved = 0
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" and values[sheet.title][cell.coordinate].value is None:
                    formula = str(getattr(cell.value, "text", cell.value))
                    values[sheet.title][cell.coordinate].value = FORMULA_TODO.format(
                        sheet=sheet.title, cell=cell.coordinate, formula=formula
                    )
                    unsaved += 1
    if not unsaved:
        return pd.read_excel(path, sheet_name=None, dtype=str, engine="openpyxl")
    marked = io.BytesIO()
    values.save(marked)
    return pd.read_excel(marked, sheet_name=None, dtype=str, engine="openpyxl")


def read_xlsform(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `survey` and `choices` sheets, every cell text (blank where empty)."""
    sheets = _read_sheets(path)
    lower = {name.strip().casefold(): frame for name, frame in sheets.items()}
    if "survey" not in lower:
        raise ValueError(f"{Path(path).name}: no `survey` sheet; an XLSForm has `survey` and `choices` sheets")
    survey = lower["survey"].fillna("")
    choices = lower.get("choices", pd.DataFrame(columns=["list_name", "name", "label"])).fillna("")
    survey.columns = [str(c).strip() for c in survey.columns]
    choices.columns = [str(c).strip() for c in choices.columns]
    if "list name" in choices.columns and "list_name" not in choices.columns:
        choices = choices.rename(columns={"list name": "list_name"})
    return survey, choices


def form_title(path: Path) -> str | None:
    """The form's title from the XLSForm's `settings` sheet (`form_title`), if it has one."""
    sheets = _read_sheets(path)
    settings = next((f for name, f in sheets.items() if name.strip().casefold() == "settings"), None)
    if settings is None or "form_title" not in settings.columns or settings.empty:
        return None
    value = str(settings["form_title"].iloc[0] or "").strip()
    return value if value and value != "nan" else None


def infer_from_xlsform(form: Path, frame: pd.DataFrame, info: dict, title: str | None = None) -> Draft:
    """A draft codebook from an XLSForm and its export `frame` (text cells, as the loader reads them)."""
    survey, choices = read_xlsform(form)
    survey_labels, choice_labels = _label_columns(survey), _label_columns(choices)
    lists: dict[str, list[dict]] = {}
    for _, row in choices.iterrows():
        if row["list_name"].strip():
            lists.setdefault(row["list_name"].strip(), []).append(
                {"name": row["name"].strip(), "label": _labels(row, choice_labels)}
            )
    notes: dict = {}
    headers = {str(h).rsplit("/", 1)[-1]: str(h) for h in frame.columns}
    profile, questions, statements, scale_lists = [], [], [], []
    stakeholder = pilot = None
    other_text = {}
    identifiers: dict[str, str] = {}
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for _, row in survey.iterrows():
        kind, name = row["type"].strip(), row["name"].strip()
        base, _, list_name = kind.partition(" ")
        if not name or base.casefold() in METADATA_TYPES or kind.casefold() in METADATA_TYPES:
            continue
        text = _labels(row, survey_labels)
        if base == "select_one" and list_name in lists:
            entries = lists[list_name]
            scale_answers = [t for e in entries for t in e["label"].values() if t]
            on_scale = [e for e in entries if not any(is_no_opinion(t) for t in e["label"].values() if t)]
            if (
                on_scale
                and all(re.fullmatch(r"\d+", e["name"]) for e in on_scale)
                and recognise_scale(scale_answers)["unmatched"] == []
            ):
                statements.append({"id": name, "factor": TODO, "text": text})
                scale_lists.append(list_name)
                continue
            role = (
                "pilot"
                if _word_score(f"{name} {' '.join(filter(None, text.values()))}", PILOT_BODY_WORDS)
                else "stakeholder"
                if _word_score(f"{name} {' '.join(filter(None, text.values()))}", STAKEHOLDER_WORDS)
                else None
            )
            if role == "pilot" and pilot is None:
                pilot = (name, entries)
                continue
            if role == "stakeholder" and stakeholder is None:
                stakeholder = (name, entries)
                continue
        label_text = next((t for t in text.values() if t), "") or ""
        if base == "select_one" and list_name in lists and not questions and not label_text.rstrip().endswith("?"):
            # A select_one before any question that does not ask ("Образование"): a profile field of categories.
            entries = lists[list_name]
            profile.append(
                {
                    "id": name,
                    "type": "category",
                    "values": [e["name"] for e in entries],
                    "value_labels": {e["name"]: e["label"] for e in entries},
                    "label": text,
                }
            )
            notes[("profile", len(profile) - 1, "type")] = (
                f"from the form: select_one {list_name}, before the questions"
            )
            continue
        if base in ("select_one", "select_multiple") and list_name in lists:
            options = [
                {
                    "letter": letters[i],
                    "name": e["name"],
                    "text": e["label"],
                    **({"other": True} if e["name"].casefold() == "other" else {}),
                }
                for i, e in enumerate(lists[list_name])
            ]
            questions.append({"id": name, "text": text, "options": options})
            notes[("questions", len(questions) - 1)] = f"from the form: {base} {list_name}"
            continue
        relevant = str(row.get("relevant", ""))
        target = re.search(r"selected\(\s*\$\{(\w+)\}\s*,\s*'other'\s*\)", relevant)
        if base == "text" and target:
            other_text[target[1]] = name
            continue
        header = headers.get(name, name)
        kind = kind_by_header(name) or identifier_kind(
            " ".join(filter(None, text.values())), frame[header] if header in frame.columns else ()
        )
        if base in PROFILE_TYPES and kind:  # a direct identifier: listed under privacy, never a profile field
            identifiers[header] = kind
            continue
        if base in PROFILE_TYPES:
            entry = {"id": name, "type": PROFILE_TYPES[base]}
            why = f"from the form: {base}"
            if base == "date":
                entry["format"] = "%Y-%m-%d"
            column = headers.get(name)
            if base == "text" and column in frame.columns:  # a text the answers show to be durations, dates, years
                spec, found = profile_type(frame[column])
                if spec["type"] in ("duration", "date", "years", "decimal_years"):
                    entry, why = {"id": name, **spec}, f"from the form: text; {found.removeprefix('guess: ')}"
            profile.append({**entry, "label": text})
            notes[("profile", len(profile) - 1, "type")] = why
    for question in questions:
        if question["id"] in other_text:
            question["other_column"] = other_text[question["id"]]
    if stakeholder is None:
        raise ValueError(
            f"{Path(form).name}: no select_one question names a stakeholder type "
            f"(words such as {', '.join(STAKEHOLDER_WORDS[:6])})"
        )
    id_column = next((c for c in ("_id", "_uuid", "_index") if c in frame.columns), None)
    if id_column is None:
        raise ValueError("the export has no _id or _uuid column to identify respondents")
    export = {
        "file": info["file"],
        "encoding": info.get("encoding") or "auto",
        "delimiter": info.get("delimiter") or "auto",
        "id_column": id_column,
        "stakeholder_column": headers.get(stakeholder[0], stakeholder[0]),
    }
    notes[("export", "id_column")] = "guess: KoboToolbox's submission id"
    notes[("export", "stakeholder_column")] = "guess: the select_one whose name or label names a stakeholder type"
    dataset, notes[("dataset", "title")] = dataset_entry(title or form_title(form), "KoboToolbox (XLSForm)")
    book: dict = {
        "dataset": dataset,
        "export": export,
        "stakeholders": [{"code": e["name"], "label": e["label"]} for e in stakeholder[1]],
    }
    book["privacy"] = privacy_block(identifiers, notes)
    if pilot is not None:
        export["pilot_body_column"] = headers.get(pilot[0], pilot[0])
        notes[("export", "pilot_body_column")] = "guess: the select_one whose name or label names a pilot body"
        book["pilot_bodies"] = [{"code": e["name"], "label": e["label"]} for e in pilot[1]]
    book["profile"] = profile
    book["questions"] = questions
    scale_entries = lists[scale_lists[0]] if scale_lists else []
    numbered = [
        e
        for e in scale_entries
        if re.fullmatch(r"\d+", e["name"]) and not any(is_no_opinion(t) for t in e["label"].values() if t)
    ]
    book["scale"] = {
        "values": [int(e["name"]) for e in numbered],
        "labels": {int(e["name"]): e["label"] for e in numbered},
        "missing": [e["name"] for e in scale_entries if e not in numbered],
    }
    notes[("scale", "values")] = f"from the form: the choices of {scale_lists[0]!r}" if scale_lists else None
    if book["scale"]["missing"]:
        notes[("scale", "missing")] = 'from the form: "no opinion" choices, counted as missing'
    if len(set(scale_lists)) > 1:
        notes[("scale", "values")] += (
            f" (other scale lists in the form: {', '.join(sorted(set(scale_lists) - {scale_lists[0]}))})"
        )
    book["factors"] = []
    book["statements"] = statements
    for i, _ in enumerate(statements):
        notes[("statements", i)] = "from the form: a select_one on the agreement scale"
    used = {export["id_column"], export["stakeholder_column"], export.get("pilot_body_column"), *identifiers}
    known = {e["id"] for e in profile + questions + statements} | set(other_text.values())
    unused = {
        str(h): "KoboToolbox metadata"
        if str(h).casefold() in KOBO_META or str(h).startswith("_")
        else "not in the form"
        for h in frame.columns
        if h not in used
        and str(h).rsplit("/", 1)[-1] not in known
        and not any(str(h).startswith(f"{q['id']}/") or f"/{q['id']}/" in str(h) for q in questions)
    }
    return Draft(book=book, notes={k: v for k, v in notes.items() if v}, unused=unused)
