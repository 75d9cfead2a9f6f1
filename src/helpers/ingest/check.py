"""`make check-codebook DATA=x`: every mismatch between a codebook and its export, in seconds, no notebook.

Lists, in the export's own words (its headers, its labels): what is still TODO in a drafted codebook; the
codebook's structural problems; codebook entries that match no column of the export, with the header they
most likely mean; answers the codebook does not know, with the codebook's label they most likely mean (a
label with an extra space, "Нейтрально" against "Нейтрально / нет мнения"); and, as notices that need no fix,
export columns the codebook does not use and stakeholder types or pilot bodies of the codebook no respondent has.

One validation with step 01: the codebook is made as step 01 makes it (helpers.codebook.codebook_from) and step
01's own computation (helpers.ingest.clean.clean_in_memory) is run on it, so "nothing to fix" means `make
clean-data` passes. A check that raises is a fault of the code: said so (exit status 3), never shown as a cell's.

    python -m helpers.ingest.check <dataset>      # exit status 1 when anything is to fix (notices do not count)
"""

from __future__ import annotations

import copy
import difflib
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from helpers.codebook import Codebook, codebook_from, load_yaml
from helpers.errors import DataValidationError, NOTICE
from helpers.ingest.clean import clean_in_memory
from helpers.ingest.load import read_export
from helpers.ingest.shapes import _option_lookup, norm, to_canonical
from helpers.ingest.identifiers import declared
from helpers.ingest.validate import CheckFailed, validate_export
from helpers.paths import dataset_paths

TODO = "TODO"
#: The shortest text that counts as contained in a label for a suggestion.
MIN_CONTAINED = 3
PLACEHOLDER_FACTOR = "__todo__"
#: Listed, but nothing to fix: an export may hold columns nobody analyses (timestamps, e-mail addresses), and a
#: sample may hold no respondent of a stakeholder type or pilot body the codebook lists (`make report` accepts
#: both), nor may respondents write an option's own words as their "Other" text. A misspelled label is not among
#: them: its answers are listed as unknown answers, which are to fix.
INFORMATION = {"unused column", "never found", "option as other", "no wording", "near option", "no title"}
#: At most this many "Other" texts close to an option are a respondent's words, not a misspelt option.
NEAR_OPTION_ROWS = 2


@dataclass(frozen=True)
class Finding:
    """One thing to fix: its kind, where (an export header or a codebook key), what is wrong, a suggestion."""

    kind: str
    where: str
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        text = f"[{self.kind}] {self.where}: {self.message}"
        return text + (f" -- did you mean {self.suggestion!r}?" if self.suggestion else "")


def todo_findings(raw: dict) -> list[Finding]:
    """What a drafted codebook leaves to the person: factors, and each statement's factor."""
    found = []
    if not raw.get("factors"):
        found.append(Finding("TODO", "factors", "no factors yet: list your factors under `factors:`"))
    waiting = [
        s for s in raw.get("statements") or [] if isinstance(s, dict) and str(s.get("factor", "")).strip() == TODO
    ]
    if waiting:
        found.append(
            Finding(
                "TODO",
                "statements",
                f"{len(waiting)} statement(s) still have `factor: TODO`, e.g. "
                + repr(_first_text(waiting[0].get("text")) or waiting[0].get("id")),
            )
        )
    return found + _formula_todos(raw)


def _formula_todos(node, where: str = "") -> list[Finding]:
    """Every text the draft marked as a form's formula with no saved value (helpers.ingest.xlsform.FORMULA_TODO)."""
    from helpers.ingest.xlsform import FORMULA_TODO_START

    if isinstance(node, dict):
        return [f for key, value in node.items() for f in _formula_todos(value, f"{where}.{key}" if where else key)]
    if isinstance(node, list):
        return [f for i, value in enumerate(node) for f in _formula_todos(value, f"{where}[{i}]")]
    if isinstance(node, str) and FORMULA_TODO_START.match(node):
        return [Finding("TODO", where, node.removeprefix("TODO: "))]
    return []


def _first_text(translations) -> str | None:
    return next((t for t in (translations or {}).values() if t), None)


def _without_todos(raw: dict) -> dict:
    """A copy where the TODO factor assignment is filled by a placeholder, so everything else can be checked."""
    raw = copy.deepcopy(raw)
    statements = raw.get("statements") or []
    if any(isinstance(s, dict) and str(s.get("factor", "")).strip() == TODO for s in statements) or not raw.get(
        "factors"
    ):
        raw["factors"] = list(raw.get("factors") or []) + [{"id": PLACEHOLDER_FACTOR, "label": {"en": TODO}}]
        for statement in statements:
            if isinstance(statement, dict) and str(statement.get("factor", "")).strip() in (TODO, ""):
                statement["factor"] = PLACEHOLDER_FACTOR
    return raw


def _suggest(value: str, vocabulary: list[str]) -> str | None:
    """The entry of `vocabulary` `value` most likely means: equal but for spaces or case, contains it or is
    contained in it, or close by difflib's ratio."""
    if not value or not vocabulary:
        return None
    key = norm(value)
    by_norm = {norm(v): v for v in vocabulary}
    squeezed = {"".join(k.split()): v for k, v in by_norm.items()}
    if "".join(key.split()) in squeezed:
        return squeezed["".join(key.split())]
    close = difflib.get_close_matches(key, list(by_norm), n=1, cutoff=0.6)
    if close:
        return by_norm[close[0]]
    # One text inside the other ("Нейтрально" in "Нейтрально / нет мнения") is a resemblance only when both are
    # words: a letter such as 'G' is inside many a label and resembles none of them.
    containing = [v for k, v in by_norm.items() if min(len(k), len(key)) >= MIN_CONTAINED and (k in key or key in k)]
    return max(containing, key=len) if containing else None


def _texts(entries: list[dict], key: str) -> list[str]:
    return [t for e in entries for t in (e.get(key) or {}).values() if t]


def _vocabulary(codebook: Codebook) -> dict[str, tuple[str, list[str]]]:
    """Canonical column -> (what it holds, with its article; the labels the codebook accepts there).

    Only columns whose answers come from a list of the codebook; the others (ids, dates, ages) are checked by
    a rule, whose own words (validate.export_schema) say what was expected."""
    export = codebook.export
    raw = codebook.raw
    vocab = {export["stakeholder_column"]: ("a stakeholder type", _texts(raw["stakeholders"], "label"))}
    if export.get("pilot_body_column"):
        vocab[export["pilot_body_column"]] = ("a pilot body", _texts(raw.get("pilot_bodies") or [], "label"))
    scale = [t for v in (raw["scale"].get("labels") or {}).values() for t in (v or {}).values() if t]
    scale += [str(v) for v in codebook.scale_values] + codebook.scale_missing
    for statement in codebook.statements()["statement_id"]:
        vocab[statement] = ("an answer on the scale", scale)
    for question in raw["questions"]:
        vocab[question["id"]] = ("an option", _texts(question["options"], "text"))
    for field in codebook.profile():
        if field["type"] == "category":
            vocab[field["id"]] = ("an answer", [str(v) for v in field["values"]])
    return vocab


def _entry_names(codebook: Codebook) -> dict[str, list[str]]:
    """Canonical column -> the texts the codebook gives it (aliases and labels first, then the id)."""
    names: dict[str, list[str]] = {}

    def aliases(entry):
        column = entry.get("column")
        return [column] if isinstance(column, str) else list(column or [])

    for field in codebook.profile():
        names[field["id"]] = [*aliases(field), *_texts([field], "label"), field["id"]]
    for question in codebook.raw["questions"]:
        names[question["id"]] = [*aliases(question), *_texts([question], "text"), question["id"]]
    for factor in codebook.raw["factors"]:
        for statement in factor["statements"]:
            names[statement["id"]] = [*aliases(statement), *_texts([statement], "text"), statement["id"]]
    for key in ("id_column", "stakeholder_column", "pilot_body_column"):
        if codebook.export.get(key):
            names[codebook.export[key]] = [codebook.export[key]]
    return names


def check_against_export(codebook: Codebook, raw_dir: Path, root: Path | None = None) -> list[Finding]:
    """Every mismatch between `codebook` and the export it names (the codebook itself being sound)."""
    try:
        frame, source = read_export(raw_dir, codebook, root)
    except DataValidationError as error:
        return [Finding("export", p.file, p.expected) for p in error.problems]
    read_problems = frame.attrs.pop("problems", [])  # records with a wrong number of fields, control characters
    canonical, problems = to_canonical(frame, codebook, source)
    # A notice says how a cell was read (words taken as an "Other" answer), not that it mismatches.
    problems = [p for p in read_problems + problems if p.level != NOTICE]
    headers = canonical.attrs.get("headers", {})
    claimed = set(canonical.attrs.get("claimed", []))
    unclaimed = [str(c) for c in frame.columns if c not in claimed]
    names = _entry_names(codebook)
    findings = []
    for problem in problems:
        if problem.row == 1 and problem.value is None:  # an entry that matches no column
            texts = names.get(problem.column, [problem.column])
            candidates = {}
            for header in unclaimed:
                candidates[header] = header
                if "[" in header and header.rstrip().endswith("]"):
                    candidates[header.rsplit("[", 1)[1].rstrip("] ")] = header
            hint = next((_suggest(t, list(candidates)) for t in texts if _suggest(t, list(candidates))), None)
            findings.append(
                Finding(
                    "no column",
                    repr(texts[0]),
                    "this codebook entry matches no column of the export",
                    candidates.get(hint) if hint else None,
                )
            )
        else:
            findings.append(_cell_finding(problem, headers))
    if len(canonical.columns):
        vocab = _vocabulary(codebook)
        questions = {q["id"]: q for q in codebook.raw["questions"]}
        validated = validate_export(canonical, codebook, source)
        for problem in validated:  # about a whole column (a direct identifier the outputs would show)
            if problem.row is None and problem.column is not None:
                findings.append(
                    Finding("identifier", repr(headers.get(problem.column, problem.column)), problem.expected)
                )
        for column, value, expected, rows in _group(validated):
            header = headers.get(column, column)
            seen = f"{value!r} ({len(rows)} row(s), first row {rows[0]})"
            if column not in vocab:  # a rule, not a list: an age out of range, an unreadable date
                findings.append(Finding("cell", repr(header), f"{seen}; expected {expected}"))
                continue
            what, labels = vocab[column]
            known = ""
            if column in questions:
                question = questions[column]
                value = _unread_part(str(frame.loc[rows[0], header]) if header in frame.columns else value, question)
                seen = f"{value!r} ({len(rows)} row(s), first row {rows[0]})"
                known = (
                    " (its options: " + " ".join(str(o["letter"]) for o in question["options"]) + ", or their texts)"
                )
            findings.append(
                Finding(
                    "unknown answer",
                    repr(header),
                    f"{seen} is not {what} the codebook knows{known}",
                    _suggest(value, labels) if labels else None,
                )
            )
    findings += _options_read_as_other(codebook, canonical, headers)
    findings += _options_without_wording(codebook, headers)
    identifiers = declared(codebook.raw)  # read, and kept out of every output: not unused
    for header in unclaimed:
        if header not in identifiers:
            findings.append(Finding("unused column", repr(header), "no codebook entry uses this column"))
    findings += _labels_never_found(codebook, canonical, headers)
    return findings


def _options_read_as_other(codebook: Codebook, canonical: pd.DataFrame, headers: dict) -> list[Finding]:
    """Free text of an "Other" option that is nearly an option's text: a misspelled option, not a person's words.

    Where a question has an "Other" option, a cell part that matches no option is taken as the respondent's
    own words, so a misspelled option in the codebook raises no error: it is found here instead.
    """
    findings = []
    for question in codebook.raw["questions"]:
        column = question.get("other_column")
        if not column or column not in canonical.columns or not any(o.get("other") for o in question["options"]):
            continue
        options = [t for o in question["options"] if not o.get("other") for t in (o.get("text") or {}).values() if t]
        letters = {
            norm(text): str(o["letter"])
            for o in question["options"]
            if not o.get("other")
            for text in (o.get("text") or {}).values()
            if text
        }
        texts = Counter(part.strip() for cell in canonical[column] for part in str(cell).split("; ") if part.strip())
        for text, count in texts.items():
            if norm(text) in letters:  # an option's very words, written under "Other": nothing misspelled
                findings.append(
                    Finding(
                        "option as other",
                        repr(headers.get(column, column)),
                        f"{text!r} ({count} row(s)) is the text of option {letters[norm(text)]}, written as the free "
                        'text of "Other": kept as the respondent\'s own words',
                    )
                )
                continue
            close = difflib.get_close_matches(norm(text), [norm(o) for o in options], n=1, cutoff=0.8)
            if close:
                option = next(o for o in options if norm(o) == close[0])
                # Many respondents writing nearly an option's words: the codebook misspells the option. One or
                # two: as likely a respondent's own words that resemble it ("Көшбасшылық", "Басшылық").
                findings.append(
                    Finding(
                        "unknown answer" if count > NEAR_OPTION_ROWS else "near option",
                        repr(headers.get(question["id"], question["id"])),
                        f"{text!r} ({count} row(s)) is no option the codebook knows, so it is read as "
                        'the respondent\'s own words ("Other")',
                        option,
                    )
                )
    return findings


def _options_without_wording(codebook: Codebook, headers: dict) -> list[Finding]:
    """Options with no text that the codebook does not mark `known: false`: wording not written in yet.

    A draft from an export of letters only has them; the report would show such options by their letter alone.
    `known: false` says the wording is known to be missing (the paper's unprinted options): nothing to say then.
    """
    findings = []
    for question in codebook.raw["questions"]:
        letters = [str(o["letter"]) for o in question["options"] if not _first_text(o.get("text")) and "known" not in o]
        if letters:
            findings.append(
                Finding(
                    "no wording",
                    repr(headers.get(question["id"], question["id"])),
                    f"option(s) {', '.join(letters)} have no text yet, so tables and the report can name them by "
                    "letter only: give each its `text:` (or `known: false` where the wording is truly unknown)",
                )
            )
    return findings


def _unread_part(cell: str, question: dict) -> str:
    """The part of a checkbox cell that is no option of the question (the whole cell when nothing is read)."""
    options = _option_lookup(question)
    parts = [p.strip() for p in cell.split(",") if p.strip()]
    unread = [p for p in parts if norm(p) not in options]
    return ", ".join(unread) if unread and len(unread) < len(parts) else (unread[0] if len(unread) == 1 else cell)


def _group(problems) -> list[tuple[str, str, str, list[int]]]:
    """(column, value, expected, rows) for each distinct unknown answer: one line per answer, not per row."""
    grouped: dict[tuple[str, str, str], list[int]] = {}
    for p in problems:
        if p.row is None or p.column is None or p.value is None:
            continue
        grouped.setdefault((p.column, str(p.value).strip(), p.expected), []).append(p.row)
    return [(c, v, e, sorted(rows)) for (c, v, e), rows in grouped.items()]


def _cell_finding(problem, headers: dict) -> Finding:
    """A problem the reader found in one record (a wrong number of fields, a control character), where the export
    has it: the row, and the column by the export's header when the problem is about one column."""
    where = f"row {problem.row}"
    if problem.column:
        where += f", column {headers.get(problem.column, problem.column)!r}"
    found = "" if problem.value is None else f"found {problem.value!r}; "
    return Finding("cell", where, f"{found}expected {problem.expected}")


def _labels_never_found(codebook: Codebook, canonical: pd.DataFrame, headers: dict) -> list[Finding]:
    """Stakeholder types and pilot bodies of the codebook that no respondent has: a notice, not a mismatch.

    A sample may lack a type (the paper's data have no respondent of two of its pilot bodies) and `make report`
    accepts it; a misspelled label, the mismatch worth fixing, also shows as an unknown answer of the export."""
    findings = []
    export = codebook.export
    for key, section in (("stakeholder_column", "stakeholders"), ("pilot_body_column", "pilot_bodies")):
        column = export.get(key)
        if not column or column not in canonical.columns:
            continue
        found = Counter(norm(v) for v in canonical[column] if str(v).strip())
        seen_values = sorted({str(v).strip() for v in canonical[column] if str(v).strip()})
        for entry in codebook.raw.get(section) or []:
            texts = [str(entry["code"]), *[t for t in (entry.get("label") or {}).values() if t]]
            if not any(norm(t) in found for t in texts):
                shown = _first_text(entry.get("label")) or str(entry["code"])
                findings.append(
                    Finding(
                        "never found",
                        f"{section} {shown!r}",
                        f"no respondent's {headers.get(column, column)!r} is this: absent from the sample, "
                        "which is allowed (check the label if you expected some)",
                        _suggest(shown, seen_values),
                    )
                )
    return findings


def check_dataset(name: str, root: Path | None = None) -> list[Finding]:
    """Everything `make check-codebook DATA=name` lists."""
    paths = dataset_paths(name, root)
    if not paths.codebook.exists():
        return [
            Finding(
                "codebook",
                paths.relative(paths.codebook),
                "no codebook.yaml: make new-dataset NAME=... FROM=... drafts one",
            )
        ]
    try:
        raw = load_yaml(paths.codebook.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return [Finding("codebook", paths.relative(paths.codebook), f"not valid UTF-8 YAML ({error})")]
    if not isinstance(raw, dict):
        return [Finding("codebook", paths.relative(paths.codebook), "not a YAML mapping of sections")]
    findings = todo_findings(raw)
    title = (raw.get("dataset") or {}).get("title")
    if any(str(t).startswith(TODO) for t in (title.values() if isinstance(title, dict) else [title]) if t):
        findings.append(
            Finding("no title", "dataset.title", "still TODO: the report shows it as it is until you write one")
        )
    source = paths.relative(paths.codebook)
    try:  # made as step 01 makes it (helpers.codebook.codebook_from), the TODO factors filled by a placeholder
        codebook = codebook_from(_without_todos(raw), source)
    except DataValidationError as error:
        return findings + [
            Finding(
                "codebook",
                p.column or source,
                f"found {p.value!r}; expected {p.expected}" if p.value is not None else f"expected {p.expected}",
            )
            for p in error.problems
        ]
    try:
        found = check_against_export(codebook, paths.raw, paths.root)
        return findings + found + step_01_findings(codebook, paths, found)
    except CheckFailed as error:
        return findings + [Finding(INTERNAL, "helpers.ingest", str(error))]
    except Exception as error:  # a fault of the code: said so, never shown as a problem of a cell
        return findings + [Finding(INTERNAL, "helpers.ingest", f"{INTERNAL_MESSAGE} ({type(error).__name__}: {error})")]


#: A fault of the code found while checking: never a problem of the data, and `make check-codebook` fails on it.
INTERNAL = "internal error"
INTERNAL_MESSAGE = "checking stopped on a fault in the code, not in your data: please report it with this line"


def step_01_findings(codebook: Codebook, paths, found: list[Finding]) -> list[Finding]:
    """What step 01 would stop on that the findings above do not already make the check fail for.

    Step 01's own computation (helpers.ingest.clean.clean_in_memory) is run on the codebook as checked, so that
    "nothing to fix" means `make clean-data` passes: one validation, two callers.
    """
    try:
        clean_in_memory(paths.raw, codebook, paths.root, on_invalid="stop")
    except DataValidationError as error:
        if any(f.kind not in INFORMATION for f in found):
            return []  # the check fails already, and lists these problems in the export's words
        return [_step_finding(p) for p in error.problems]
    return []


def _step_finding(problem) -> Finding:
    where = problem.file if problem.row is None else f"row {problem.row}"
    if problem.column:
        where += f", column {problem.column!r}"
    found = "" if problem.value is None else f"found {problem.value!r}; "
    return Finding("step 01", where, f"{found}expected {problem.expected}")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m helpers.ingest.check <dataset>", file=sys.stderr)
        return 2
    try:
        findings = check_dataset(argv[0])
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report(argv[0], findings))
    if any(f.kind == INTERNAL for f in findings):
        return 3
    return 1 if any(f.kind not in INFORMATION for f in findings) else 0


def report(name: str, findings: list[Finding]) -> str:
    """What `make check-codebook` prints: the things to fix (they make it fail), then the notices (they do not)."""
    to_fix = [f for f in findings if f.kind not in INFORMATION]
    notices = [f for f in findings if f.kind in INFORMATION]
    if not to_fix:
        lines = [f"{name}: the codebook and the export agree; nothing to fix."]
    else:
        counts = Counter(f.kind for f in to_fix)
        lines = [f"{name}: {len(to_fix)} thing(s) to fix ({', '.join(f'{n} {k}' for k, n in counts.items())}):"]
    lines += [f"  - {finding}" for finding in to_fix]
    if notices:
        lines.append(f"{len(notices)} notice(s), for information only (not errors: nothing to fix):")
        lines += [f"  - {finding}" for finding in notices]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
