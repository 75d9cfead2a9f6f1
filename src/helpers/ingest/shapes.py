"""The shapes survey tools export, brought to one canonical frame the codebook describes.

Canonical: one column per codebook entry, named by its id (see
`load.export_columns`); a multiple-choice cell holds the chosen letters
separated by spaces, the free text of an "other" option sits in the
question's `other_column`. Every cell stays text.

Recognised, by matching headers and cells against the codebook (never by
position):
- headers equal to the id, to an alias in the codebook (`column:`), or to the
  field's label / question text / statement text in any language;
- Google Forms grids: one column per row headed `Question [Row]`, the row
  being a statement's text;
- KoboToolbox group paths (`group/s01`) and select-many as one column per
  option (`q1/A`, `q1_A`, `q1.A`, `q1/<option name>`, `Question [Option text]`)
  holding 1/0, a tick mark, or the option's text;
- select-many in one cell as letters, KoboToolbox option names separated by
  spaces, or option texts joined with commas (Google Forms) -- option texts
  may themselves contain commas, so they are matched whole, longest first --
  with free text as "Other: ..." or as a leftover part.
A cell that cannot be read this way is passed on unchanged, so that
validation reports it as found.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd

from helpers.ingest.cells import ROW_ID, each_distinct
from helpers.codebook import INVISIBLE, Codebook
from helpers.errors import NOTICE, Problem, printable
from helpers.ingest.load import export_columns

TICKED = {"1", "1.0", "x", "х", "✓", "✔", "+", "yes", "true", "да", "иә", "checked", "selected"}
UNTICKED = {"", "0", "0.0", "no", "false", "нет", "жоқ", "-"}
_SPACES = re.compile(r"\s+")
# A token that is a mistyped option letter rather than words: "Z", "F2".
_LETTER_LIKE = re.compile(r"\w{1,2}")
_WIDE = re.compile(r"^(?P<prefix>.+?)\s*(?:\[(?P<bracket>[^\]]+)\]|[/._:](?P<suffix>[^/._:\[\]]+))\s*$")


def norm(text) -> str:
    """Case-, space- and quote-insensitive form of a header or an answer, for matching; characters that show
    nothing (codebook.INVISIBLE) do not count."""
    text = INVISIBLE.sub("", str(text)).replace("\u00a0", " ").replace("’", "'").replace("«", '"').replace("»", '"')
    return _SPACES.sub(" ", text).strip().casefold()


def _texts(translations) -> list[str]:
    return [t for t in (translations or {}).values() if t]


def _aliases(entry: dict) -> list[str]:
    column = entry.get("column")
    return [column] if isinstance(column, str) else list(column or [])


def header_candidates(codebook: Codebook) -> dict[str, list[str]]:
    """Canonical column -> the header texts that name it (id first, then aliases, then labels in every language)."""
    export = codebook.export
    candidates = {
        export["id_column"]: [export["id_column"]],
        export["stakeholder_column"]: [export["stakeholder_column"]],
    }
    if export.get("pilot_body_column"):
        candidates[export["pilot_body_column"]] = [export["pilot_body_column"]]
    for field in codebook.profile():
        candidates[field["id"]] = [field["id"], *_aliases(field), *_texts(field.get("label"))]
    for question in codebook.raw["questions"]:
        candidates[question["id"]] = [question["id"], *_aliases(question), *_texts(question.get("text"))]
        if question.get("other_column"):
            candidates[question["other_column"]] = [question["other_column"]]
    for factor in codebook.raw["factors"]:
        for statement in factor["statements"]:
            candidates[statement["id"]] = [statement["id"], *_aliases(statement), *_texts(statement.get("text"))]
    return candidates


def _option_lookup(question: dict) -> dict[str, str]:
    """Every way an option may be named -> its letter: letter, KoboToolbox name, text in any language."""
    lookup = {}
    for option in question["options"]:
        letter = str(option["letter"])
        for name in (letter, option.get("name"), *_texts(option.get("text"))):
            if name:
                lookup[norm(name)] = letter
    return lookup


def to_canonical(raw: pd.DataFrame, codebook: Codebook, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The export as the canonical frame; problems for columns that cannot be found or cells that cannot be read."""
    by_header = {norm(c): c for c in raw.columns}
    claimed: set[str] = set()
    mapping: dict[str, str] = {}
    for key, names in header_candidates(codebook).items():
        for name in names:
            header = by_header.get(norm(name))
            if header is not None and header not in claimed:
                mapping[key] = header
                claimed.add(header)
                break
    # KoboToolbox group paths: "group_intro/s01".
    for header in raw.columns:
        if header not in claimed and "/" in header:
            last = header.rsplit("/", 1)[1]
            key = next((k for k in header_candidates(codebook) if norm(k) == norm(last) and k not in mapping), None)
            if key:
                mapping[key] = header
                claimed.add(header)
    _match_grid_columns(raw, codebook, mapping, claimed)
    canonical = pd.DataFrame(index=raw.index)
    for key in export_columns(codebook):
        if key in mapping:
            canonical[key] = raw[mapping[key]].astype(str)
        elif key == ROW_ID and key == codebook.export["id_column"]:
            canonical[key] = pd.Series(raw.index, index=raw.index).astype(str)  # the line number: see cells.ROW_ID
    problems = _collapse_option_columns(raw, codebook, canonical, claimed, source)
    problems += in_export_words(_read_choice_cells(codebook, canonical, source), mapping)
    missing = [key for key in export_columns(codebook) if key not in canonical.columns]
    questions_with_other = {q.get("other_column") for q in codebook.raw["questions"]}
    for key in missing:
        if key in questions_with_other:
            canonical[key] = ""  # no free text in this export: an empty column, not an error
            continue
        problems.append(
            Problem(
                source,
                1,
                key,
                None,
                "a column for this codebook entry in the header "
                "(its id, an alias under `column:`, or its label/text in any language)",
            )
        )
    ordered = [c for c in export_columns(codebook) if c in canonical.columns]
    canonical = canonical[ordered]
    # Which header became which entry, for the codebook check's messages (helpers.ingest.check).
    canonical.attrs["headers"] = {key: header for key, header in mapping.items()}
    canonical.attrs["claimed"] = sorted(claimed)
    return canonical, problems


def column_in_export(key: str, headers: dict[str, str]) -> str:
    """The column `key` of the canonical frame as the export's header names it, the codebook id after it in
    brackets when they differ: 'Возраст [age]'. A person looks for the column in the file, not in the codebook."""
    header = headers.get(key, key)
    return key if header == key else f"{header} [{key}]"


def in_export_words(problems: list[Problem], headers: dict[str, str]) -> list[Problem]:
    """`problems` about cells of the canonical frame, each naming its column as the export does (column_in_export).

    `headers` maps a canonical column to the export header it was read from (to_canonical's mapping).
    """
    return [
        dataclasses.replace(p, column=column_in_export(p.column, headers)) if p.column in headers else p
        for p in problems
    ]


def _match_grid_columns(raw, codebook, mapping, claimed) -> None:
    """Google Forms grids: 'Question [Row]' where Row is a statement's text in any language."""
    statement_texts = {}
    for factor in codebook.raw["factors"]:
        for statement in factor["statements"]:
            for name in (statement["id"], *_aliases(statement), *_texts(statement.get("text"))):
                statement_texts[norm(name)] = statement["id"]
    for header in raw.columns:
        if header in claimed:
            continue
        match = re.match(r"^.*\[(?P<row>[^\]]+)\]\s*$", header)
        if match:
            key = statement_texts.get(norm(match["row"]))
            if key and key not in mapping:
                mapping[key] = header
                claimed.add(header)


def _collapse_option_columns(raw, codebook, canonical, claimed, source) -> list[Problem]:
    """Select-many as one column per option -> the canonical cell of chosen letters (and other text)."""
    problems = []
    for question in codebook.raw["questions"]:
        qid = question["id"]
        if qid in canonical.columns:
            continue
        names = {norm(n) for n in (qid, *_aliases(question), *_texts(question.get("text")))}
        options = _option_lookup(question)
        other = {str(o["letter"]) for o in question["options"] if o.get("other")}
        columns = {}
        for header in raw.columns:
            match = _WIDE.match(header) if header not in claimed else None
            if match and norm(match["prefix"]) in names:
                letter = options.get(norm(match["bracket"] or match["suffix"]))
                if letter:
                    columns[letter] = header
        if not columns:
            continue
        chosen = pd.Series("", index=raw.index)
        free = pd.Series("", index=raw.index)
        for letter, header in columns.items():
            claimed.add(header)
            values = raw[header].astype(str).str.strip()
            key = values.map(norm)
            ticked = key.isin(TICKED) | key.eq(norm(letter)) | key.map(options).eq(letter)
            unticked = key.isin(UNTICKED)
            text = ~ticked & ~unticked
            if letter in other:
                free = free.where(~text, values)  # the other option's column holds the free text itself
                ticked = ticked | text
            else:
                for row, value in values[text].items():
                    problems.append(
                        Problem(
                            source, int(row), header, value, "a tick (1, x, ✓, yes, да), the option's text, or blank/0"
                        )
                    )
            chosen = chosen.str.cat(np.where(ticked, letter, ""), sep=" ").str.strip()
        # An "Other" option with no column of its own (LimeSurvey's and SPSS's `q1_other` holds the words only):
        # chosen where the respondent wrote words.
        other_column = question.get("other_column")
        if other and not other & set(columns) and other_column in canonical.columns:
            wrote = canonical[other_column].fillna("").str.strip().ne("").to_numpy()
            chosen = chosen.str.cat(np.where(wrote, sorted(other)[0], ""), sep=" ").str.strip()
        # Words written under "Other" whose tick was left blank: the respondent chose "Other" all the same (the
        # words would otherwise reach no table).
        ticked_other = sorted(other & set(columns))
        if ticked_other and other_column in canonical.columns:
            wrote = canonical[other_column].fillna("").str.strip().ne("")
            unticked = wrote & ~chosen.str.split().map(lambda letters: ticked_other[0] in letters).to_numpy()
            chosen = chosen.where(~unticked, (chosen + " " + ticked_other[0]).str.strip())
        canonical[qid] = chosen.str.replace(_SPACES, " ", regex=True)
        other_column = question.get("other_column")
        if other_column and (other_column not in canonical.columns or canonical[other_column].eq("").all()):
            canonical[other_column] = free
    return problems


def _read_choice_cells(codebook, canonical, source: str) -> list[Problem]:
    """Cells of option names or option texts -> letters; free text -> the other column. In place.

    Returns a notice for every cell whose words were taken as the "Other" option's free text, so that a
    person can see each such reading in validation.csv.
    """
    notices = []
    for question in codebook.raw["questions"]:
        qid = question["id"]
        if qid not in canonical.columns:
            continue
        readings = each_distinct(
            canonical[qid],
            lambda cells, q=question: pd.DataFrame(
                [read_choice_cell(cell, q) for cell in cells],
                columns=["letters", "free"],
                index=cells.index,
                dtype=cells.dtype,
            ),
        )
        free = readings["free"]
        other_letter = next((str(o["letter"]) for o in question["options"] if o.get("other")), "?")
        for row in free.index[free.notna()]:
            notices.append(
                Problem(
                    source,
                    int(row),
                    qid,
                    canonical.at[row, qid],
                    f"read as options {readings.at[row, 'letters']}, the words "
                    f"{printable(free.at[row])} as the free text of 'Other' ({other_letter})",
                    level=NOTICE,
                )
            )
        canonical[qid] = readings["letters"]
        other_column = question.get("other_column")
        if other_letter != "?" and other_column in canonical.columns:
            # SurveyMonkey leaves the answer blank where the respondent wrote words under "Other (please specify)":
            # those words are the answer, so "Other" is chosen (as where an "Other" has no column of its own).
            wrote = canonical[other_column].fillna("").str.strip().ne("") & canonical[qid].fillna("").str.strip().eq("")
            canonical.loc[wrote, qid] = other_letter
        if other_column and free.notna().any():
            given = (
                canonical[other_column].fillna("").str.strip()
                if other_column in canonical
                else pd.Series("", index=canonical.index)
            )
            # Free text found in the answer cell joins any text already in the other column: nothing is dropped.
            both = given.ne("") & free.notna() & given.ne(free.fillna(""))
            canonical[other_column] = given.where(free.isna(), free).where(~both, given + "; " + free.fillna(""))
    return notices


def read_choice_cell(cell: str, question: dict) -> tuple[str, str | None]:
    """('A C', free text or None) from one select-many cell; the cell unchanged if it cannot be read.

    Letters and KoboToolbox option names are separated by spaces, commas or
    semicolons. Option texts (Google Forms) are matched whole, longest first,
    between commas, because a text may itself contain a comma. A valid option
    is never dropped: what is left over becomes the "Other" option's free text
    only when it is words, not something that looks like a mistyped letter
    ("A B Z" is left as it is, for validation to name "Z").
    """
    text = _SPACES.sub(" ", str(cell)).strip()
    if not text:
        return "", None
    options = _option_lookup(question)
    tokens = [t for t in re.split(r"[\s,;]+", text) if t]
    if all(norm(t) in options for t in tokens):
        return " ".join(dict.fromkeys(options[norm(t)] for t in tokens)), None
    if all(_LETTER_LIKE.fullmatch(t) for t in tokens):
        return str(cell), None
    named = sorted(
        ((name, str(o["letter"])) for o in question["options"] for name in _texts(o.get("text"))),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    remaining, letters = text, []
    for name, letter in named:
        pattern = re.compile(r"(?:^|(?<=[,;]))\s*" + re.escape(_SPACES.sub(" ", name).strip()) + r"\s*(?=[,;]|$)", re.I)
        if pattern.search(remaining):
            remaining = pattern.sub("", remaining, count=1)
            letters.append(letter)
    # Parts between commas that are letters or option names ("A, B, Leadership") are options too.
    parts = [part.strip() for part in re.split(r"[,;]", remaining)]
    letters += [options[norm(part)] for part in parts if part and norm(part) in options]
    leftover = ", ".join(part for part in parts if part and norm(part) not in options)
    other = next((o for o in question["options"] if o.get("other")), None)
    if other is not None and leftover:
        # "Other: Leadership" / "Другое - лидерство": drop the label, keep the respondent's words.
        labels = [*_texts(other.get("text")), "Other", "Другое", "Басқа"]
        for label in labels:
            match = re.match(re.escape(label) + r"\s*[:\-–]\s*(.+)$", leftover, re.I)
            if match:
                leftover = match.group(1).strip()
                break
        return " ".join(dict.fromkeys([*letters, str(other["letter"])])), leftover
    if leftover or not letters:
        return str(cell), None
    return " ".join(dict.fromkeys(letters)), None
