"""The questionnaire as data: read a dataset's codebook.yaml and check it.

Everything the tables, figures and report say about the questionnaire --
stakeholder types, pilot bodies, profile fields, questions and options,
factors and statements, the scale -- comes from here. Labels are
dictionaries keyed by language code (en, ru, kk); `label(...)` falls back along FALLBACKS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.errors import DataValidationError, Problem

DEFAULT_LANGUAGE = "en"
#: The languages a report is offered in, and where a label missing in one is taken from, in order.
LANGUAGES = ("en", "ru", "kk")
FALLBACKS = {"kk": ["ru", "en"], "ru": ["en"], "en": ["ru"]}
#: `weight`: a survey weight the export carries (a number above 0 for every respondent), used by the analysis as
#: given when `design.weight_column` names it; never a row of Table 1.
PROFILE_TYPES = {"text", "date", "years", "decimal_years", "duration", "category", "footnote", "weight"}
REQUIRED_SECTIONS = ("export", "stakeholders", "profile", "questions", "scale", "factors")
#: Profile types that hold a number of years and may carry `range: [min, max]` (a duration's range is in years too).
RANGED_TYPES = {"years", "decimal_years", "duration"}
#: The plausible ages of a respondent, in years, for an age field without its own `range`: the codebooks of the
#: paper and of example-v2 say nothing about it, yet an age of 0 or 150 is a typing error, never a respondent.
AGE_RANGE = (14, 100)
#: Words that make a field of years an age (its id or its label in any language): en, ru, kk.
AGE_WORDS = {"age", "возраст", "возраста", "жас", "жасы", "жасыңыз"}
#: Characters that show nothing: the soft hyphen, zero-width spaces and joiners, the word joiner and invisible
#: operators, the byte-order mark, and the marks, embeddings, overrides and isolates of text direction (U+202E
#: shows what follows it backwards). 'R1', 'R1\u200b' and '\ufeffR1' look the same: to a reader they are one.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
#: The disclosure threshold of a codebook that gives none (`privacy.disclosure_threshold`): staff surveys publish
#: no result for fewer than 10 respondents, so that no one's answers can be read off a table.
DISCLOSURE_THRESHOLD = 10
#: The kinds of direct identifier `privacy.identifiers` names (helpers.ingest.identifiers recognises them).
IDENTIFIER_KINDS = ("email", "phone", "name", "national_id")
#: How respondents can have been selected (`design.selection`), and the outcome counts `design:` may give.
SELECTIONS = ("census", "probability", "judgment", "snowball", "convenience")
OUTCOME_COUNTS = ("invited", "completes", "partials", "breakoffs", "refusals", "non_contacts")


def label_language(translations: dict | None, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The language a label is shown in for `lang`: `lang` itself, else the first of its FALLBACKS that has it."""
    for code in (lang, *FALLBACKS.get(lang, [DEFAULT_LANGUAGE])):
        if (translations or {}).get(code):
            return code
    return None


def label(translations: dict | None, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The text in `lang`, else in its fallback languages (kk -> ru -> en), else in the first language given
    (a codebook drafted from a Russian export has Russian labels only until a person translates them), else None."""
    shown = label_language(translations, lang)
    if shown:
        return translations[shown]
    return next((text for text in (translations or {}).values() if text), None)


@dataclass
class Codebook:
    """A parsed, checked codebook. Build it with `read_codebook`."""

    source: str
    raw: dict[str, Any] = field(repr=False)

    # --- sections as tables, in the codebook's order --------------------------------
    @property
    def export(self) -> dict[str, Any]:
        return self.raw["export"]

    def stakeholders(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """code, label, short, order -- the display order is the codebook's order."""
        rows = [
            {
                "code": s["code"],
                "label": label(s.get("label"), lang),
                "short": label(s.get("short"), lang) or label(s.get("label"), lang),
                "order": i,
            }
            for i, s in enumerate(self.raw["stakeholders"])
        ]
        return pd.DataFrame(rows, columns=["code", "label", "short", "order"])

    def pilot_bodies(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        rows = [
            {"code": p["code"], "label": label(p.get("label"), lang), "order": i}
            for i, p in enumerate(self.raw.get("pilot_bodies") or [])
        ]
        return pd.DataFrame(rows, columns=["code", "label", "order"])

    def profile(self) -> list[dict[str, Any]]:
        return list(self.raw["profile"])

    def profile_field(self, field_id: str) -> dict[str, Any]:
        return next(f for f in self.raw["profile"] if f["id"] == field_id)

    def questions(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """question_id, text, other_column, order."""
        rows = [
            {
                "question_id": q["id"],
                "text": label(q.get("text"), lang),
                "other_column": q.get("other_column"),
                "order": i,
            }
            for i, q in enumerate(self.raw["questions"])
        ]
        return pd.DataFrame(rows, columns=["question_id", "text", "other_column", "order"])

    def options(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """question_id, letter, text (None where the wording is not known), known, other, order."""
        rows = []
        for q in self.raw["questions"]:
            for i, o in enumerate(q["options"]):
                rows.append(
                    {
                        "question_id": q["id"],
                        "letter": str(o["letter"]),
                        "text": label(o.get("text"), lang),
                        "known": bool(o.get("known", o.get("text") is not None)),
                        "other": bool(o.get("other", False)),
                        "order": i,
                    }
                )
        return pd.DataFrame(rows, columns=["question_id", "letter", "text", "known", "other", "order"])

    def statements(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """factor_id, factor, factor_short, statement_id, statement, factor_order, order."""
        rows = []
        order = 0
        for f_order, f in enumerate(self.raw["factors"]):
            for s in f["statements"]:
                rows.append(
                    {
                        "factor_id": f["id"],
                        "factor": label(f.get("label"), lang),
                        "factor_short": label(f.get("short"), lang) or label(f.get("label"), lang),
                        "statement_id": s["id"],
                        "statement": label(s.get("text"), lang),
                        "factor_order": f_order,
                        "order": order,
                    }
                )
                order += 1
        return pd.DataFrame(
            rows, columns=["factor_id", "factor", "factor_short", "statement_id", "statement", "factor_order", "order"]
        )

    def factors(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """factor_id, factor, factor_short, order."""
        rows = [
            {
                "factor_id": f["id"],
                "factor": label(f.get("label"), lang),
                "factor_short": label(f.get("short"), lang) or label(f.get("label"), lang),
                "order": i,
            }
            for i, f in enumerate(self.raw["factors"])
        ]
        return pd.DataFrame(rows, columns=["factor_id", "factor", "factor_short", "order"])

    @property
    def scale_values(self) -> list[int]:
        return [int(v) for v in self.raw["scale"]["values"]]

    def scale_labels(self, lang: str = DEFAULT_LANGUAGE) -> dict[int, str]:
        labels = self.raw["scale"].get("labels") or {}
        return {int(k): label(v, lang) for k, v in labels.items()}

    @property
    def scale_missing(self) -> list[str]:
        """Answers that mean "no opinion": counted as missing, never as a scale point."""
        return [str(m) for m in self.raw["scale"].get("missing") or []]

    def footnotes(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, tuple[str, str]]:
        """key -> (marker, text)."""
        return {
            k: (str(v.get("marker", "*")), label(v.get("text"), lang))
            for k, v in (self.raw.get("footnotes") or {}).items()
        }

    def table_text(self, table: str, key: str, lang: str = DEFAULT_LANGUAGE) -> str | None:
        return label(((self.raw.get("tables") or {}).get(table) or {}).get(key), lang)

    @property
    def disclosure_threshold(self) -> int:
        """No table cell, figure or test is published for fewer respondents than this (`privacy:`)."""
        return int((self.raw.get("privacy") or {}).get("disclosure_threshold", DISCLOSURE_THRESHOLD))

    @property
    def dataset(self) -> dict[str, Any]:
        return self.raw.get("dataset") or {}

    def title(self, lang: str = DEFAULT_LANGUAGE) -> str | None:
        """The dataset's title in `lang` (a plain string is a title in one language only)."""
        title = self.dataset.get("title")
        return label(title, lang) if isinstance(title, dict) else title


def is_age(field: dict[str, Any]) -> bool:
    """Whether a profile field of years is the respondent's age: its id or a label names it (Age, Возраст, Жасы)."""
    texts = [str(field.get("id", "")), *[str(t) for t in (field.get("label") or {}).values() if t]]
    return any(word in AGE_WORDS for text in texts for word in re.split(r"[\W_]+", text.casefold()))


def value_range(field: dict[str, Any]) -> tuple[float, float] | None:
    """The plausible (min, max) years of a profile field, both included: its `range`, else AGE_RANGE for an age
    in years, else None (any number is taken)."""
    if field.get("type") not in RANGED_TYPES:
        return None
    if field.get("range") is not None:
        low, high = field["range"]
        return low, high
    if field.get("type") in ("years", "decimal_years") and is_age(field):
        return AGE_RANGE
    return None


def _check_range(value: Any) -> bool:
    """`range: [min, max]`: two numbers, min not above max."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        and value[0] <= value[1]
    )


def dataset_title(codebook: Codebook, lang: str = DEFAULT_LANGUAGE, default: str = "") -> str:
    """`dataset.title` in `lang`: one text for every language, or a text per language."""
    return codebook.title(lang) or default


def load_yaml(text: str) -> Any:
    """yaml.safe_load, parsed by libyaml where PyYAML was built with it: ten times faster, and every step reads
    the codebook and the report's words. The objects are made by the same safe constructor either way; a text
    libyaml refuses is parsed again by the pure-Python parser, so an error reads as it always did."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(text, Loader=loader)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def reused_container(value: Any) -> bool:
    """Whether a list or mapping occurs twice in a parsed YAML document: what an alias (*name) makes. Visits each
    object once, so a document of nested aliases (which expands exponentially when walked) is found at once."""
    seen, pending = set(), [value]
    while pending:
        item = pending.pop()
        if not isinstance(item, (dict, list)):
            continue
        if id(item) in seen:
            return True
        seen.add(id(item))
        pending.extend(item.values() if isinstance(item, dict) else item)
    return False


def read_codebook(path: Path) -> Codebook:
    """Read and check a codebook; raise DataValidationError listing every problem found."""
    path = Path(path)
    source = path.as_posix()
    if not path.exists():
        raise DataValidationError(
            [Problem(source, None, None, None, "a codebook.yaml in the dataset folder (see data/raw/README.md)")]
        )
    if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
        raise DataValidationError(
            [Problem(source, None, None, None, f"the dataset's own file, not a link to {path.resolve()}")]
        )
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise DataValidationError([Problem(source, None, None, None, f"valid UTF-8 YAML ({error})")]) from None
    return codebook_from(raw, source)


def codebook_from(raw: Any, source: str) -> Codebook:
    """The codebook a parsed YAML document describes, checked; raise DataValidationError listing every problem.

    The one way a codebook is made from its text: step 01 (read_codebook) and `make check-codebook`
    (helpers.ingest.check) both call it, so that they check the same things.
    """
    if reused_container(raw):
        raise DataValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    None,
                    "no YAML anchors and aliases (&name, *name): write each part out, so that the codebook reads "
                    "as it is checked (a few aliases nested can stand for billions of entries)",
                )
            ]
        )
    if not isinstance(raw, dict):
        raise DataValidationError(
            [Problem(source, None, None, None, "a YAML mapping with the sections " + ", ".join(REQUIRED_SECTIONS))]
        )
    problems = nest_statements(raw, source)
    problems += check_codebook(raw, source)
    if not problems:
        name_other_columns(raw)
        categories_as_text(raw)
    if problems:
        raise DataValidationError(problems)
    return Codebook(source=source, raw=raw)


def nest_statements(raw: dict[str, Any], source: str) -> list[Problem]:
    """Accept statements as a flat list (`statements:` with a `factor:` each, as a spreadsheet would hold
    them) as well as nested under their factor; move flat ones under their factor, in place.

    Returns a problem for every statement that names a factor the codebook does not declare.
    """
    flat = raw.pop("statements", None) or []
    factors = {f.get("id"): f for f in raw.get("factors") or [] if isinstance(f, dict)}
    problems = []
    for i, statement in enumerate(flat):
        factor = factors.get(statement.get("factor")) if isinstance(statement, dict) else None
        if factor is None:
            value = statement.get("factor") if isinstance(statement, dict) else statement
            problems.append(
                Problem(
                    source,
                    None,
                    f"statements[{i}].factor",
                    None if value is None else str(value),
                    "one of the factors declared under `factors`: " + ", ".join(map(str, factors)),
                )
            )
            continue
        factor.setdefault("statements", []).append({k: v for k, v in statement.items() if k != "factor"})
    return problems


def name_other_columns(raw: dict[str, Any]) -> None:
    """Give each question with an "other" option but no `other_column` one, in place: `<id>_other`.

    Google Forms has no column for "Other": the respondent's words are left in the answer cell. The loader
    moves them into this column; when the export holds no column of that name it starts empty.
    """
    for question in raw["questions"]:
        if any(o.get("other") for o in question["options"]) and not question.get("other_column"):
            question["other_column"] = f"{question['id']}_other"


def categories_as_text(raw: dict[str, Any]) -> None:
    """Write each category field's values and the keys of its `value_labels` as text, in place.

    The processed tables hold every category as the export wrote it, as text ("3"); YAML reads `3:` as a number,
    and a codebook that lists `values: ["1", "2", "3"]` with `value_labels: {1: ...}` (as an SPSS draft did, or a
    person types) would otherwise find no label for any value, and Table 1 would print the codes.
    """
    for spec in raw["profile"]:
        if spec.get("type") != "category":
            continue
        spec["values"] = [str(value) for value in spec["values"]]
        if isinstance(spec.get("value_labels"), dict):
            spec["value_labels"] = {str(value): labels for value, labels in spec["value_labels"].items()}


def check_codebook(raw: dict[str, Any], source: str) -> list[Problem]:
    """Every structural problem of a codebook, as a list (empty when it is sound)."""
    problems: list[Problem] = []

    def problem(key: str, value: Any, expected: str) -> None:
        problems.append(Problem(source, None, key, None if value is None else str(value), expected))

    for section in REQUIRED_SECTIONS:
        if not raw.get(section):
            problem(section, None, f"a non-empty section {section!r}")
    if problems:
        return problems
    # A value of the wrong YAML type (a text where a list belongs) would break the checks below: said first, one
    # line each, and nothing further checked.
    for key, value, expected in shape_problems(raw):
        problem(key, value, expected)
    if problems:
        return problems

    export = raw["export"]
    for key in ("file", "id_column", "stakeholder_column"):
        if not export.get(key):
            problem(f"export.{key}", None, "a value")

    def check_unique(items: list, key: str, where: str) -> set:
        seen: set = set()
        for i, item in enumerate(items):
            if not isinstance(item, dict) or item.get(key) in (None, ""):
                problem(f"{where}[{i}].{key}", None, f"each entry of {where} to have a {key!r}")
                continue
            value = str(item[key])
            if value in seen:
                problem(f"{where}[{i}].{key}", value, f"{key} values unique within {where}")
            seen.add(value)
        return seen

    check_unique(raw["stakeholders"], "code", "stakeholders")
    check_unique(raw.get("pilot_bodies") or [], "code", "pilot_bodies")
    profile_ids = check_unique(raw["profile"], "id", "profile")
    footnotes = set((raw.get("footnotes") or {}).keys())
    for i, f in enumerate(raw["profile"]):
        if not isinstance(f, dict):
            continue
        if f.get("type") not in PROFILE_TYPES:
            problem(f"profile[{i}].type", f.get("type"), "one of " + ", ".join(sorted(PROFILE_TYPES)))
        if f.get("type") == "date" and not f.get("format"):
            problem(f"profile[{i}].format", None, "a date format such as '%d.%m.%Y'")
        if f.get("type") == "category" and not f.get("values"):
            problem(f"profile[{i}].values", None, "the list of allowed values")
        if f.get("type") == "footnote" and f.get("applies_to") not in profile_ids:
            problem(f"profile[{i}].applies_to", f.get("applies_to"), "the id of another profile field")
        if "range" in f and f.get("type") not in RANGED_TYPES:
            problem(
                f"profile[{i}].range",
                f.get("range"),
                "no range here (only fields of type " + ", ".join(sorted(RANGED_TYPES)) + " take one)",
            )
        elif "range" in f and not _check_range(f["range"]):
            problem(
                f"profile[{i}].range",
                f.get("range"),
                "two numbers of years [min, max], min not above max, e.g. [14, 100]",
            )
        if f.get("type") == "footnote" and not footnotes:
            problem("footnotes", None, "a footnotes section for the footnote field " + str(f.get("id")))

    check_unique(raw["questions"], "id", "questions")
    for i, q in enumerate(raw["questions"]):
        if not isinstance(q, dict):
            continue
        if not q.get("options"):
            problem(f"questions[{i}].options", None, "a list of lettered options")
            continue
        check_unique(q["options"], "letter", f"questions[{i}].options")

    scale = raw["scale"]
    values = scale.get("values") or []
    if not values or not all(isinstance(v, int) for v in values):
        problem("scale.values", values, "a list of whole numbers, e.g. [1, 2, 3, 4, 5]")
    elif len(values) < 2 or sorted(set(values)) != list(values):
        problem(
            "scale.values", values, "at least two different whole numbers in increasing order, e.g. [1, 2, 3, 4, 5]"
        )
    for key in scale.get("labels") or {}:
        if key not in values:
            problem("scale.labels", key, f"labels only for the scale values {values}")

    check_unique(raw["factors"], "id", "factors")
    statement_ids: set = set()
    for i, f in enumerate(raw["factors"]):
        if not isinstance(f, dict):
            continue
        if not f.get("statements"):
            problem(f"factors[{i}].statements", None, "at least one statement")
            continue
        for j, s in enumerate(f["statements"]):
            sid = s.get("id") if isinstance(s, dict) else None
            if not sid:
                problem(f"factors[{i}].statements[{j}].id", None, "a statement id (its export column)")
            elif sid in statement_ids:
                problem(f"factors[{i}].statements[{j}].id", sid, "statement ids unique across factors")
            statement_ids.add(sid)
    for key, value, expected in design_problems(raw) + privacy_problems(raw):
        problem(key, value, expected)
    problems += _check_translations(raw, source)
    problems += _check_invisible(raw, source)
    return problems


def _check_invisible(node: Any, source: str, where: str = "") -> list[Problem]:
    """A text of the codebook holding a character that shows nothing (INVISIBLE): two labels that look the same
    would be two entries, and a direction override would turn the report's text around."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _check_invisible(v, source, f"{where}.{k}" if where else str(k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _check_invisible(v, source, f"{where}[{i}]")]
    if isinstance(node, str) and INVISIBLE.search(node):
        found = ", ".join(sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(node)}))
        return [
            Problem(source, None, where, node, f"text without invisible or direction-changing characters ({found})")
        ]
    return []


#: The YAML type of each section of a codebook ("list of mappings": each entry a mapping).
# Keyword form: a bare string naming a section such as 'analysis' would read as a module to the layout's import scan.
SECTION_SHAPES = dict(
    dataset=dict,
    design=dict,
    privacy=dict,
    analysis=dict,
    export=dict,
    scale=dict,
    tables=dict,
    footnotes=dict,
    stakeholders=list,
    pilot_bodies=list,
    profile=list,
    questions=list,
    factors=list,
)
#: Keys inside entries and sections, with their YAML type: a list, a mapping, a text (str), a text in several
#: languages (TRANSLATED: a text or {language: text}), or one value (SCALAR: a text or a number, never a list).
TRANSLATED, SCALAR = "translated", "scalar"
KEY_SHAPES = {
    "statements": list,
    "options": list,
    "values": list,
    "missing": list,
    "value_labels": dict,
    "labels": dict,
    "label": TRANSLATED,
    "short": TRANSLATED,
    "text": TRANSLATED,
    "caption": TRANSLATED,
    "note": TRANSLATED,
    "question_header": TRANSLATED,
    "title": TRANSLATED,
    "id": SCALAR,
    "code": SCALAR,
    "letter": SCALAR,
    "type": SCALAR,
    "format": SCALAR,
    "factor": SCALAR,
    "applies_to": SCALAR,
    "other_column": SCALAR,
    "marker": SCALAR,
    "file": SCALAR,
    "encoding": SCALAR,
    "delimiter": SCALAR,
    "id_column": SCALAR,
    "stakeholder_column": SCALAR,
    "pilot_body_column": SCALAR,
}
_SHAPE_WORDS = {list: "a list", dict: "a mapping", TRANSLATED: "a text, or {en: ..., ru: ..., kk: ...}"}


def shape_problems(raw: dict) -> list[tuple[str, object, str]]:
    """(key, value, what was expected) for every value of the wrong YAML type in a codebook's sections, their
    entries and the keys of those entries (SECTION_SHAPES, KEY_SHAPES); [] when every type is right."""
    found: list[tuple[str, object, str]] = []

    def fits(value, shape) -> bool:
        if value is None:  # a missing value is the other checks' to name
            return True
        if shape == TRANSLATED:
            return isinstance(value, (str, int, float)) or (
                isinstance(value, dict) and all(v is None or isinstance(v, (str, int, float)) for v in value.values())
            )
        if shape == SCALAR:
            return isinstance(value, (str, int, float))  # a bool too: YAML reads `code: no` as one
        return isinstance(value, shape)

    def words(shape) -> str:
        return _SHAPE_WORDS.get(shape, "one value (a text or a number)")

    def entry(where: str, item) -> None:
        if not isinstance(item, dict):
            found.append((where, item, "a mapping (key: value lines)"))
            return
        for key, value in item.items():
            shape = KEY_SHAPES.get(key)
            if shape is not None and not fits(value, shape):
                found.append((f"{where}.{key}", value, words(shape)))
            elif key in ("statements", "options") and isinstance(value, list):
                for j, sub in enumerate(value):
                    entry(f"{where}.{key}[{j}]", sub)

    for section, shape in SECTION_SHAPES.items():
        value = raw.get(section)
        if value is None:
            continue
        if not isinstance(value, shape):
            found.append((section, value, words(shape)))
        elif shape is list:
            for i, item in enumerate(value):
                entry(f"{section}[{i}]", item)
        elif section in ("export", "scale", "dataset"):
            entry(section, value)
        elif section in ("tables", "footnotes"):
            for name, item in value.items():
                entry(f"{section}.{name}", item)
    return found


def design_problems(raw: dict) -> list[tuple[str, object, str]]:
    """(key, value, what was expected) for every problem of a codebook's `design:` block; [] when sound or absent."""
    block = raw.get("design")
    if block is None:
        return []
    if not isinstance(block, dict):
        return [("design", block, "a mapping with at least `selection:`")]
    problems = []
    if block.get("selection") not in SELECTIONS:
        problems.append(("design.selection", block.get("selection"), "one of " + ", ".join(SELECTIONS)))
    for key in OUTCOME_COUNTS:
        value = block.get(key)
        if value is not None and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            problems.append((f"design.{key}", value, "a whole number, 0 or more"))
    frame = block.get("frame") or {}
    if not isinstance(frame, dict):
        problems.append(("design.frame", frame, "a mapping of a respondent variable to {category: count}"))
        frame = {}
    totals = {}
    for variable, counts in frame.items():
        if variable not in ("stakeholder", "pilot_body"):
            problems.append((f"design.frame.{variable}", variable, "a frame by stakeholder or pilot_body"))
        if not isinstance(counts, dict) or not counts:
            problems.append((f"design.frame.{variable}", counts, "{category: population count, ...}"))
            continue
        for category, count in counts.items():
            if not isinstance(count, (int, float)) or isinstance(count, bool) or count <= 0:
                problems.append((f"design.frame.{variable}.{category}", count, "a population count above 0"))
        totals[variable] = sum(c for c in counts.values() if isinstance(c, (int, float)))
    if len(set(totals.values())) > 1:
        problems.append(("design.frame", totals, "the same population total in every margin"))
    weights = {f.get("id") for f in raw.get("profile") or [] if isinstance(f, dict) and f.get("type") == "weight"}
    if block.get("weight_column") is not None and block.get("weight_column") not in weights:
        problems.append(
            ("design.weight_column", block.get("weight_column"), "the id of a profile field of type weight")
        )
    fieldwork = block.get("fieldwork")
    if fieldwork is not None and not (isinstance(fieldwork, dict) and {"start", "end"} <= set(fieldwork)):
        problems.append(("design.fieldwork", fieldwork, "{start: YYYY-MM-DD, end: YYYY-MM-DD}"))
    return problems


def privacy_problems(raw: dict) -> list[tuple[str, object, str]]:
    """(key, value, what was expected) for every problem of a codebook's `privacy:` block; [] when sound or absent.

    `disclosure_threshold`: a whole number, 1 or more: the stakeholder types and pilot bodies with fewer
    respondents are suppressed in every output (helpers.analysis.disclosure). `identifiers`: export columns
    holding direct identifiers, `{column, kind}` with a kind of IDENTIFIER_KINDS and, to carry one into the
    outputs on purpose, `keep: <why>`. No other key: a setting the pipeline does not apply is refused, never
    silently ignored.
    """
    block = raw.get("privacy")
    if block is None:
        return []
    if not isinstance(block, dict):
        return [("privacy", block, "a mapping with disclosure_threshold and/or identifiers")]
    problems = [
        (f"privacy.{key}", value, "no such setting: privacy takes disclosure_threshold and identifiers")
        for key, value in block.items()
        if key not in ("disclosure_threshold", "identifiers")
    ]
    threshold = block.get("disclosure_threshold", DISCLOSURE_THRESHOLD)
    if not (isinstance(threshold, int) and not isinstance(threshold, bool) and 1 <= threshold <= 10**9):
        problems.append(("privacy.disclosure_threshold", threshold, "a whole number of respondents, 1 or more"))
    entries = block.get("identifiers") or []
    if not isinstance(entries, list):
        return problems + [("privacy.identifiers", entries, "a list of {column: <export header>, kind: <kind>}")]
    for i, entry in enumerate(entries):
        where = f"privacy.identifiers[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("column"), str) or not entry["column"]:
            problems.append((where, entry, "{column: <export header>, kind: <kind>}"))
        elif entry.get("kind") not in IDENTIFIER_KINDS:
            problems.append((f"{where}.kind", entry.get("kind"), "one of " + ", ".join(IDENTIFIER_KINDS)))
        elif "keep" in entry and not (isinstance(entry["keep"], str) and entry["keep"].strip()):
            problems.append((f"{where}.keep", entry["keep"], "the reason this identifier is carried, as text"))
    return problems


# Keys whose value is text in several languages: {en: "...", ru: "...", kk: "..."}.
TRANSLATED_KEYS = ("label", "short", "text")


def _check_translations(node: Any, source: str, where: str = "") -> list[Problem]:
    """A label written as plain text instead of a mapping of language to text, named by its key."""
    problems = []
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{where}.{key}" if where else str(key)
            if key in TRANSLATED_KEYS and isinstance(value, str) and where:
                problems.append(
                    Problem(source, None, path, value, f"a mapping of language to text, e.g. {{en: {value!r}}}")
                )
            else:
                problems += _check_translations(value, source, path)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            problems += _check_translations(item, source, f"{where}[{i}]")
    return problems
