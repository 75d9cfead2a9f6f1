"""A draft codebook from an SPSS .sav file's own metadata (read with pyreadstat): variable labels and value
labels, as LimeSurvey, Qualtrics and SurveyMonkey hand data to social scientists.

Variables whose value labels are an agreement scale are Likert statements (their label the statement,
the text in `[brackets]` or after the last " - " where a grid wrote its question first); the scale is their
value labels, a "no opinion" code counted as missing. Variables `q_1`, `q_2`, ... holding 0/1 are one
checkbox question (option texts from their labels); other labelled variables are single-choice questions,
or the stakeholder type and pilot body where their name or label says so (a guess, marked). The data
themselves are read by the loader (helpers.ingest.load) like any export: codes as text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.ingest.infer import (
    ID_HEADER,
    OTHER_LABEL,
    dataset_entry,
    language_of,
    PILOT_BODY_WORDS,
    STAKEHOLDER_WORDS,
    TODO,
    Draft,
    _word_score,
    labelled,
    privacy_block,
    profile_type,
)
from helpers.ingest.identifiers import identifier_kind, kind_by_header
from helpers.ingest.scales import is_no_opinion, recognise_scale

_OTHER_VARIABLE = re.compile(r"^(?P<question>.+?)[_.]?(?:other|oth|other_text|text|TEXT|Other)$")
_OTHER_WORDS = re.compile(r"^\s*(other|другое|иное|басқа)\b", re.I)
_OPTION_VARIABLE = re.compile(r"^(?P<question>.+?)[_.](?P<option>[A-Za-z0-9]+)$")


def _is_other(label: str) -> bool:
    """An option whose label says "Other" (Другое, Басқа), with or without "(please specify)"."""
    return bool(_OTHER_WORDS.match(str(label)))


def _is_numeric(cells: pd.Series) -> bool:
    filled = cells.astype(str).str.strip().loc[lambda t: t.ne("")]
    return bool(filled.str.fullmatch(r"-?\d+(?:\.\d+)?").all())


def _without_name(text: str, name: str) -> str:
    """A variable label without the variable's name put before it by the tool ('q3. Ваш стаж', '[q3] ...')."""
    stripped = re.sub(r"^\s*\[?" + re.escape(name) + r"\]?\s*(?:[.:)\-–—]\s*|\s+)", "", str(text), flags=re.I)
    return stripped.strip() or str(text)


def _declared_codes(ranges: list[dict], labels: dict[str, str]) -> set[str]:
    """The codes (as text) an SPSS variable declares user-missing: its discrete values, and every labelled code
    inside a declared range."""
    codes = set()
    for span in ranges or []:
        low, high = span.get("lo"), span.get("hi")
        if low == high:
            codes.add(_code(low))
        else:
            codes |= {c for c in labels if re.fullmatch(r"-?\d+", c) and float(low) <= float(c) <= float(high)}
    return codes


def _code(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _statement_text(text: str) -> str:
    match = re.search(r"\[([^\]]+)\]\s*$", text) or re.search(r"^\[([^\]]+)\]", text)
    if match:
        return match[1].strip()
    return text.rsplit(" - ", 1)[-1].strip()


def _option_text(variable_label: str) -> str:
    text = variable_label
    match = re.search(r"\[([^\]]+)\]", text)
    if match:
        return match[1].strip()
    for separator in (": ", " - "):
        if separator in text:
            return text.rsplit(separator, 1)[-1].strip()
    return text


def infer_from_sav(path: Path, frame: pd.DataFrame, info: dict, title: str | None = None) -> Draft:
    """A draft codebook from the .sav file at `path`; `frame` is its data as the loader reads it."""
    import pyreadstat  # only .sav sources need it

    _, meta = pyreadstat.read_sav(str(path), metadataonly=True, user_missing=True)
    labels = meta.column_names_to_labels
    value_labels = {name: {_code(k): str(v) for k, v in vl.items()} for name, vl in meta.variable_value_labels.items()}
    notes: dict = {}
    columns = list(meta.column_names)

    def text_of(name):
        return _without_name(labels.get(name) or name, name)

    # Codes the file declares user-missing (SPSS "missing values"), per variable: kept by the loader in the
    # Likert variables and counted as "no opinion" through scale.missing, whatever their label says.
    declared = {
        name: _declared_codes(ranges, value_labels.get(name, {}))
        for name, ranges in (meta.missing_ranges or {}).items()
    }
    statements, scale_values, declared_missing = [], {}, set()
    for name in columns:
        vl = value_labels.get(name)
        if not vl:
            continue
        on_scale = {c: t for c, t in vl.items() if not is_no_opinion(t) and c not in declared.get(name, set())}
        if (
            len(on_scale) >= 3
            and all(re.fullmatch(r"\d+", c) for c in on_scale)
            and not recognise_scale(list(on_scale.values()))["unmatched"]
        ):
            statements.append(name)
            declared_missing |= declared.get(name, set())
            for code, text in vl.items():
                scale_values.setdefault(code, text)
    # Checkbox: two or more variables q_1, q_2 ... holding only 0/1 (or 1 and blank).
    groups: dict[str, list[str]] = {}
    for name in columns:
        match = _OPTION_VARIABLE.match(name)
        cells = set(frame[name].astype(str).str.strip()) - {""} if name in frame else set()
        if match and name not in statements and cells <= {"0", "1"}:
            groups.setdefault(match["question"], []).append(name)
    checkbox = {q: names for q, names in groups.items() if len(names) >= 2}
    in_checkbox = {n for names in checkbox.values() for n in names}

    # Free text of an "Other" option: a string variable named after its question ('q1_other', 'Q5_4_TEXT').
    singles = {c for c in columns if value_labels.get(c) and c not in statements}
    other_of = {}
    for name in columns:
        match = _OTHER_VARIABLE.match(name)
        if not match or name in statements or name in in_checkbox or _is_numeric(frame[name]):
            continue
        owner = next(
            (q for q in (match["question"], match["question"].rstrip("_")) if q in checkbox or q in singles), None
        )
        if owner is not None:
            other_of[owner] = name
    remaining = [c for c in columns if c not in statements and c not in in_checkbox and c not in other_of.values()]
    # Direct identifiers, by the variable's name, its label or its cells: listed under privacy, never used.
    identifiers = {
        c: kind
        for c in remaining
        if (kind := kind_by_header(c) or identifier_kind(text_of(c), frame[c] if c in frame else ()))
    }
    remaining = [c for c in remaining if c not in identifiers]
    unique = [c for c in remaining if frame[c].astype(str).str.strip().ne("").all() and frame[c].is_unique]
    id_column = next(
        (c for c in unique if ID_HEADER.match(c.casefold()) or ID_HEADER.match(text_of(c).casefold())),
        unique[0] if unique else None,
    )
    if id_column is None:
        raise ValueError(f"{Path(path).name}: no variable is unique per respondent to serve as the respondent id")
    coded = [c for c in remaining if c != id_column and value_labels.get(c)]
    pilot = max(
        coded, key=lambda c: (_word_score(f"{c} {text_of(c)}", PILOT_BODY_WORDS), -columns.index(c)), default=None
    )
    if pilot is not None and not _word_score(f"{pilot} {text_of(pilot)}", PILOT_BODY_WORDS):
        pilot = None
    pool = [c for c in coded if c != pilot]
    stakeholder = max(
        pool, key=lambda c: (_word_score(f"{c} {text_of(c)}", STAKEHOLDER_WORDS), -columns.index(c)), default=None
    )
    if stakeholder is None:
        raise ValueError(f"{Path(path).name}: no variable with value labels to hold the stakeholder type")
    export = {
        "file": info["file"],
        "encoding": "auto",
        "delimiter": "auto",
        "id_column": id_column,
        "stakeholder_column": stakeholder,
    }
    notes[("export", "id_column")] = "guess: unique per respondent" + (
        ", its name says id" if ID_HEADER.match(id_column.casefold()) else ""
    )
    notes[("export", "stakeholder_column")] = (
        "guess: value labels, and its name or label names a stakeholder type"
        if _word_score(f"{stakeholder} {text_of(stakeholder)}", STAKEHOLDER_WORDS)
        else "guess: the first variable with value labels"
    )
    dataset, notes[("dataset", "title")] = dataset_entry(title or (meta.file_label or "").strip() or None, "SPSS .sav")
    book: dict = {
        "dataset": dataset,
        "export": export,
        "stakeholders": [{"code": c, "label": labelled(t)} for c, t in value_labels[stakeholder].items()],
    }
    notes[("stakeholders",)] = "from the value labels of " + stakeholder
    book["privacy"] = privacy_block(identifiers, notes)
    if pilot is not None:
        export["pilot_body_column"] = pilot
        notes[("export", "pilot_body_column")] = "guess: value labels, and its name or label names a pilot body"
        book["pilot_bodies"] = [{"code": c, "label": labelled(t)} for c, t in value_labels[pilot].items()]
    profile, questions = [], []
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    used = {id_column, stakeholder, pilot, *statements, *other_of.values(), *identifiers}
    for name in columns:
        if name in used or (name in in_checkbox and not any(name == names[0] for names in checkbox.values())):
            continue
        if name in in_checkbox:
            question = next(q for q, names in checkbox.items() if names[0] == name)
            names = checkbox[question]
            options = [
                {
                    "letter": letters[i],
                    "name": _OPTION_VARIABLE.match(n)["option"],
                    "text": labelled(_option_text(text_of(n))),
                }
                for i, n in enumerate(names)
            ]
            stem = re.split(r":\s|\s-\s|\s*\[", text_of(names[0]))[0].strip() or question
            entry = {"id": question, "text": labelled(stem), "options": options}
            ticked_other = next((o for o in options if any(_is_other(t) for t in o["text"].values() if t)), None)
            if question in other_of and ticked_other is not None:
                # The tick of "Другое" has a 0/1 variable like every option; the words are in the string variable.
                ticked_other["other"] = True
                entry["other_column"] = other_of[question]
                notes[("questions", len(questions), "other_column")] = (
                    'guess: the free text of "Other", a string variable named after the question; its tick is '
                    f"the option {ticked_other['name']!r}"
                )
            elif question in other_of:
                options.append(
                    {
                        "letter": letters[len(options)],
                        "name": "other",
                        "text": labelled(OTHER_LABEL[language_of(stem)]),
                        "other": True,
                    }
                )
                entry["other_column"] = other_of[question]
                notes[("questions", len(questions), "other_column")] = (
                    'guess: the free text of "Other", a string variable named after the question; a respondent '
                    'who wrote one chose "Other"'
                )
            questions.append(entry)
            notes[("questions", len(questions) - 1)] = (
                f"guess: checkbox question, one 0/1 variable per option ({', '.join(names)})"
            )
            continue
        if value_labels.get(name) and not questions and not text_of(name).rstrip().endswith("?"):
            # Value labels before any question, on a variable that does not ask ("Образование"): a profile field.
            profile.append(
                {
                    "id": name,
                    "type": "category",
                    "values": list(value_labels[name]),
                    "value_labels": {c: labelled(t) for c, t in value_labels[name].items()},
                    "label": labelled(text_of(name)),
                }
            )
            notes[("profile", len(profile) - 1, "type")] = "guess: value labels on a variable before the questions"
            continue
        if value_labels.get(name):
            options = [
                {"letter": letters[i], "name": c, "text": labelled(t), **({"other": True} if _is_other(t) else {})}
                for i, (c, t) in enumerate(value_labels[name].items())
            ]
            entry = {"id": name, "text": labelled(text_of(name)), "options": options}
            if name in other_of:
                if not any(o.get("other") for o in options):
                    options.append(
                        {
                            "letter": letters[len(options)],
                            "text": labelled(OTHER_LABEL[language_of(text_of(name))]),
                            "other": True,
                        }
                    )
                entry["other_column"] = other_of[name]
                notes[("questions", len(questions), "other_column")] = (
                    'guess: the free text of "Other", named after the question'
                )
            questions.append(entry)
            notes[("questions", len(questions) - 1)] = "from the value labels: a single-choice question"
            continue
        spec, why = profile_type(frame[name])
        profile.append(
            {
                "id": name,
                "type": spec["type"],
                **{k: v for k, v in spec.items() if k != "type"},
                "label": labelled(text_of(name)),
            }
        )
        notes[("profile", len(profile) - 1, "type")] = why
    book["profile"] = profile
    book["questions"] = questions
    numbered = {c: t for c, t in scale_values.items() if not is_no_opinion(t) and c not in declared_missing}
    book["scale"] = {
        "values": sorted(int(c) for c in numbered),
        "labels": {int(c): labelled(t) for c, t in sorted(numbered.items(), key=lambda p: int(p[0]))},
        "missing": sorted(
            {c for c, t in scale_values.items() if is_no_opinion(t)} | declared_missing, key=lambda c: (len(c), c)
        ),
    }
    notes[("scale", "values")] = "from the value labels of the Likert variables"
    if book["scale"]["missing"]:
        notes[("scale", "missing")] = 'from the value labels: codes meaning "no opinion", counted as missing'
    book["factors"] = []
    book["statements"] = [{"id": n, "factor": TODO, "text": labelled(_statement_text(text_of(n)))} for n in statements]
    for i, n in enumerate(statements):
        notes[("statements", i)] = "from the value labels: an agreement scale"
    unused = {
        c: "not recognised"
        for c in columns
        if c not in used
        and c not in in_checkbox
        and c not in {q["id"] for q in questions}
        and c not in {p["id"] for p in profile}
    }
    warnings = (
        [(("scale", "values"), d) for d in recognise_scale(list(numbered.values()))["doubts"]] if numbered else []
    )
    warnings += _cut_label_warnings(book, labels, {n: n for n in statements} | _label_sources(book, checkbox))
    return Draft(book=book, notes=notes, unused=unused, warnings=warnings)


#: A variable label holds at most 256 bytes in a .sav file (SPSS's limit, which pyreadstat and the tools that
#: export to SPSS apply): in UTF-8 that is about 130 Cyrillic letters. A label this close to it was most likely cut.
LABEL_BYTES = 256


def _is_cut(label: str | None) -> bool:
    """The label fills the .sav's 256 bytes (to within one UTF-8 letter, which is not split)."""
    return label is not None and len(str(label).encode("utf-8")) > LABEL_BYTES - 4


def _label_sources(book: dict, checkbox: dict) -> dict[str, str]:
    """Each question's and profile field's id -> the variable whose label gave its text (a checkbox question's
    first option variable)."""
    sources = {q["id"]: (checkbox[q["id"]][0] if q["id"] in checkbox else q["id"]) for q in book["questions"]}
    return sources | {f["id"]: f["id"] for f in book["profile"]}


def _cut_label_warnings(book: dict, labels: dict, sources: dict[str, str]) -> list:
    """A warning for each statement, question or profile field whose text comes from a label that fills the
    .sav's limit: the end of the text is probably missing, and only the questionnaire has it."""
    warnings = []
    for key, field in (("statements", "text"), ("questions", "text"), ("profile", "label")):
        for i, entry in enumerate(book.get(key) or []):
            variable = sources.get(entry["id"])
            label = labels.get(variable) if variable else None
            if _is_cut(label):
                warnings.append(
                    (
                        (key, i, field),
                        f"the label of variable {variable!r} fills the {LABEL_BYTES} bytes a .sav file allows "
                        f"({len(label)} characters): the survey tool probably cut it; complete the text from the "
                        "questionnaire",
                    )
                )
    return warnings
