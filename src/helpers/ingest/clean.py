"""Canonical export -> tidy tables. Validation (helpers.ingest.validate) decides which rows are sound; this converts them.

Three long tables come out, one row per observation:
    respondents  one row per respondent (profile cleaned: ISO dates, ages, durations in months)
    choices      one row per respondent x question x chosen option, with any free text
    likert       one row per respondent x statement: the score (empty where missing) and why it is missing

With on_invalid="stop" (the default) any problem stops cleaning with the whole
list. With on_invalid="quarantine" the rows with problems are set aside, with
their reasons, and the rest go on; problems that concern the whole file (a
missing column, an unreadable codebook) stop it either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.codebook import Codebook
from helpers.files import write_csv
from helpers.errors import ERROR, NOTICE, ON_INVALID, DataValidationError, Problem, problems_frame
from helpers.ingest.cells import (
    INVISIBLE,
    ascii_digits,
    category_lookup,
    code_lookup,
    each_distinct,
    parse_dates,
    parse_duration,
    respondent_ids,
    score_lookup,
    text_keys,
    visible,
)
from helpers.ingest.identifiers import (
    find_identifiers,
    id_is_identifier,
    id_notice,
    pseudonymous_ids,
    withhold,
    withhold_values,
    withheld_notice,
)
from helpers.ingest.load import read_export
from helpers.ingest.shapes import in_export_words, to_canonical
from helpers.ingest.validate import validate_export
from helpers.processed import PROCESSED_TABLES, write_processed_table


@dataclass
class CleanData:
    respondents: pd.DataFrame
    choices: pd.DataFrame
    likert: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_raw: int = 0


def _read_durations(cells: pd.Series) -> pd.DataFrame:
    """Durations in months (Int64) and whether each is only a lower bound (boolean); missing where unreadable."""
    readings = [parse_duration(cell) if isinstance(cell, str) else None for cell in cells]
    return pd.DataFrame(
        {
            "months": pd.array([r[0] if r else None for r in readings], dtype="Int64"),
            "lower_bound": pd.array([r[1] if r else None for r in readings], dtype="boolean"),
        }
    )


def clean_respondents(canonical: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per respondent, profile fields cleaned. Assumes validated input."""
    export = codebook.export
    out = pd.DataFrame(
        {
            "source_row": canonical.index.to_numpy(),
            "respondent_id": respondent_ids(canonical[export["id_column"]]).to_numpy(),
            "stakeholder": each_distinct(
                canonical[export["stakeholder_column"]],
                lambda u: text_keys(u).map(code_lookup(codebook.raw["stakeholders"])),
            ).to_numpy(),
        }
    )
    body_col = export.get("pilot_body_column")
    bodies = code_lookup(codebook.raw.get("pilot_bodies") or [])
    out["pilot_body"] = (
        each_distinct(canonical[body_col], lambda u: text_keys(u).map(bodies)).to_numpy() if body_col else pd.NA
    )
    for spec in codebook.profile():
        column, kind = spec["id"], spec["type"]
        text = each_distinct(canonical[column], lambda u: u.str.strip().pipe(lambda t: t.where(t.ne(""))))
        text = text.reset_index(drop=True)
        if kind in ("text", "footnote"):
            out[column] = text
        elif kind == "category":  # the value the codebook lists, whichever of its labels the export gave
            out[column] = text_keys(text).map(category_lookup(spec))
        elif kind == "date":
            out[column] = each_distinct(text, lambda u, f=spec["format"]: parse_dates(u, f).dt.strftime("%Y-%m-%d"))
        elif kind == "years":
            out[f"{column}_years"] = pd.to_numeric(ascii_digits(text), errors="coerce").astype("Int64")
        elif kind == "decimal_years":
            # "3,0" as written where the comma is the decimal separator, "2.5" elsewhere.
            out[f"{column}_years_decimal"] = pd.to_numeric(
                ascii_digits(text).str.replace(",", ".", regex=False), errors="coerce"
            )
        elif kind == "weight":  # a survey weight, as the export gives it (checked above 0 by validate)
            out[column] = pd.to_numeric(ascii_digits(text).str.replace(",", ".", regex=False), errors="coerce")
        elif kind == "duration":
            parsed = each_distinct(text, _read_durations)
            out[f"{column}_months"] = parsed["months"].to_numpy()
            out[f"{column}_lower_bound"] = parsed["lower_bound"].to_numpy()
    return out


def clean_choices(canonical: pd.DataFrame, respondents: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per respondent x question x chosen option, with the free text of an 'other' option."""
    keys = respondents.set_index("source_row")[["respondent_id", "stakeholder", "pilot_body"]]
    frames = []
    for q_order, question in enumerate(codebook.raw["questions"]):
        qid = question["id"]
        letters = each_distinct(canonical[qid], lambda u: u.str.split()).explode().dropna()
        chosen = keys.loc[letters.index].assign(
            question_id=qid, option=letters.to_numpy(), free_text=pd.NA, q_order=q_order
        )
        other_letters = {str(o["letter"]) for o in question["options"] if o.get("other")}
        if question.get("other_column") and other_letters:
            is_other = chosen["option"].isin(other_letters).to_numpy()
            text = canonical.loc[chosen.index[is_other], question["other_column"]].str.strip()
            chosen.loc[is_other, "free_text"] = text.where(text.ne("")).to_numpy()
        frames.append(chosen.rename_axis("source_row").reset_index())
    columns = ["respondent_id", "stakeholder", "pilot_body", "question_id", "option", "free_text", "source_row"]
    if not frames:
        return pd.DataFrame(columns=columns)
    choices = pd.concat(frames, ignore_index=True).sort_values(["source_row", "q_order", "option"], kind="stable")
    return choices[columns].reset_index(drop=True)


def clean_likert(canonical: pd.DataFrame, respondents: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per respondent x statement: score (Int64, missing where blank or "no opinion") and missing_reason."""
    statements = codebook.statements()
    ids = statements["statement_id"].tolist()
    lookup = score_lookup(codebook)
    missing = [m.casefold() for m in codebook.scale_missing]

    def read(cells: pd.Series) -> pd.DataFrame:  # run once per distinct cell of a column
        answer = cells.str.strip().str.casefold()
        return pd.DataFrame(
            {"score": answer.map(lookup).astype("float64"), "blank": answer.eq(""), "no_opinion": answer.isin(missing)}
        )

    read_columns = [each_distinct(canonical[sid], read) for sid in ids]
    scores, blank, no_opinion = (
        (pd.concat([c[part] for c in read_columns], axis=1) if ids else pd.DataFrame(index=canonical.index))
        for part in ("score", "blank", "no_opinion")
    )
    n, k = len(canonical), len(ids)
    # Row-major: each respondent's statements together, in the codebook's order.
    likert = pd.DataFrame(
        {
            "respondent_id": respondents["respondent_id"].repeat(k).to_numpy(),
            "stakeholder": respondents["stakeholder"].repeat(k).to_numpy(),
            "pilot_body": respondents["pilot_body"].repeat(k).to_numpy(),
            "factor_id": statements["factor_id"].tolist() * n,
            "statement_id": ids * n,
            "score": pd.array(scores.to_numpy(dtype="float64").reshape(-1), dtype="Int64"),
            "missing_reason": pd.Series(pd.NA, index=range(n * k), dtype="object"),
            "source_row": respondents["source_row"].repeat(k).to_numpy(),
        }
    )
    likert.loc[blank.to_numpy(dtype=bool).reshape(-1), "missing_reason"] = "blank"
    likert.loc[no_opinion.to_numpy(dtype=bool).reshape(-1), "missing_reason"] = "no opinion"
    return likert


def visible_text(canonical: pd.DataFrame, codebook: Codebook, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The canonical frame with the characters that show nothing (cells.INVISIBLE: zero-width spaces, the
    byte-order mark, the controls of text direction such as U+202E) taken out of the text a person reads -- ids,
    free-text fields, "Other" answers -- and a notice for each cell changed, naming the characters.

    A direction override shows the rest of a line backwards, in the report as anywhere: it never reaches one.
    Codes, scores and labels need no change: they are compared without those characters (cells.text_keys).
    """
    texts = [codebook.export["id_column"]]
    texts += [f["id"] for f in codebook.profile() if f["type"] in ("text", "footnote")]
    texts += [q["other_column"] for q in codebook.raw["questions"] if q.get("other_column")]
    out, problems = canonical.copy(), []
    out.attrs = canonical.attrs
    for column in dict.fromkeys(c for c in texts if c in canonical.columns):
        cleaned = each_distinct(canonical[column], visible)
        changed = cleaned.ne(canonical[column])
        for row in canonical.index[changed.to_numpy()]:
            found = sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(canonical.at[row, column])})
            problems.append(
                Problem(
                    source,
                    int(row),
                    column,
                    canonical.at[row, column],
                    f"read without its invisible or direction-changing characters ({', '.join(found)}), "
                    f"as {cleaned.at[row]!r}",
                    NOTICE,
                )
            )
        out[column] = cleaned
    return out, problems


def rejected_rows(raw: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """The raw rows with problems, exactly as read, with their line number and every reason."""
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.row, []).append(rejection_reason(problem))
    rows = sorted(reasons)
    rejected = raw.loc[rows].copy()
    # An export's own column named like one of these two keeps its cells, its header marked as the export's.
    rejected = rejected.rename(columns={c: f"{c} (export)" for c in ("reasons", "source_row") if c in rejected})
    rejected.insert(0, "reasons", [" | ".join(reasons[r]) for r in rows])
    rejected.insert(0, "source_row", rows)
    return rejected.reset_index(drop=True)


def rejection_reason(problem: Problem) -> str:
    """One reason a row was set aside, as rejected.csv gives it: the column (or the row as a whole, for a row with
    too few or too many fields), what was found, what was expected. Nothing of Python's (no "column None")."""
    where = f"column {problem.column!r}" if problem.column else "the row as a whole"
    found = "" if problem.value is None else f"found {problem.value!r}; "
    return f"{where}: {found}expected {problem.expected}"


def clean_dataset(
    canonical: pd.DataFrame,
    codebook: Codebook,
    source: str,
    raw: pd.DataFrame | None = None,
    problems: list[Problem] | None = None,
    on_invalid: str = "stop",
) -> CleanData:
    """Validate and clean a canonical export.

    `problems` are those found before (reading, recognising the export's
    shape). Raises DataValidationError with every problem when on_invalid is
    "stop", or when a problem concerns the whole file.
    """

    if on_invalid not in ON_INVALID:
        raise ValueError(f"on_invalid must be one of {', '.join(ON_INVALID)}, not {on_invalid!r}")
    raw = canonical if raw is None else raw
    headers = canonical.attrs.get("headers", {})
    found = in_export_words(validate_export(canonical, codebook, source), headers)
    # Direct identifiers (helpers.ingest.identifiers): never quoted, never set aside as they are, never an id.
    withheld = find_identifiers(raw, codebook.raw)
    id_column = codebook.export["id_column"]
    id_kind = id_is_identifier(canonical, codebook)
    id_header = str(headers.get(id_column, id_column))
    if id_kind:
        found.append(id_notice(id_header, id_kind, source))
    # What was kept out, said once a column (validation.csv, and the cleaning notebook of the report).
    found += [withheld_notice(h, k, source) for h, k in withheld.items() if not (id_kind and h == id_header)]
    hidden = {*withheld, *(k for k, h in headers.items() if h in withheld), *([id_column] if id_kind else [])}
    canonical, seen = visible_text(canonical, codebook, source)
    found += in_export_words(seen, headers)
    problems = sorted(
        set(withhold_values(list(problems or []) + found, hidden)),
        key=lambda p: (p.row or 0, p.column or "", p.expected),
    )
    errors = [p for p in problems if p.level == ERROR]
    whole_file = [p for p in errors if p.row is None or p.row == 1]
    if errors and (on_invalid == "stop" or whole_file):
        raise DataValidationError(errors)
    bad = sorted({p.row for p in errors})
    if len(bad) == len(canonical):  # quarantine would set everything aside: nothing is left to analyse
        raise DataValidationError(
            [Problem(source, None, None, None, f"at least one row without problems: all {len(bad)} rows have one")]
            + errors
        )
    valid = canonical.drop(index=bad)
    if id_kind:
        valid = valid.assign(**{id_column: pseudonymous_ids(valid.index)})
    respondents = clean_respondents(valid, codebook)
    clean = CleanData(
        respondents,
        clean_choices(valid, respondents, codebook),
        clean_likert(valid, respondents, codebook),
        problems=problems,
        rejected=withhold(rejected_rows(raw, errors), hidden),
        n_raw=len(raw),
    )
    check_accounted_for(clean, codebook)
    return clean


def check_accounted_for(clean: CleanData, codebook: Codebook) -> None:
    """Every raw row is either processed or rejected, and every kept answer reached the Likert table."""
    kept, rejected = len(clean.respondents), len(clean.rejected)
    if kept + rejected != clean.n_raw:
        raise AssertionError(f"{clean.n_raw} rows in the export, but {kept} processed + {rejected} rejected")
    if len(clean.likert) != kept * len(codebook.statements()):
        raise AssertionError(f"expected {kept} x {len(codebook.statements())} Likert rows, got {len(clean.likert)}")


def write_processed(clean: CleanData, folder) -> list[Path]:
    """Write the tidy tables, the validation list and the rejected rows as CSV (same data, same bytes).

    The tidy tables are the pipeline's contract and are written as they are; validation.csv and
    rejected.csv are for a person to open in a spreadsheet, so formula-like text is neutralised.
    """
    folder = Path(folder)
    written = [write_processed_table(getattr(clean, name), folder / f"{name}.csv") for name in PROCESSED_TABLES]
    written.append(write_validation(clean.problems, folder))
    written.append(write_csv(clean.rejected, folder / "rejected.csv"))
    return written


def write_validation(problems: list[Problem], folder) -> Path:
    """data/processed/<name>/validation.csv: every problem found (a header only when there were none)."""
    return write_csv(problems_frame(problems), Path(folder) / "validation.csv")


def read_canonical(raw_dir, codebook: Codebook, root=None) -> tuple[pd.DataFrame, pd.DataFrame, str, list[Problem]]:
    """(the export as read, its canonical frame, its name for messages, the problems of reading and shape).

    Raises DataValidationError for a problem of the whole file, and when the header itself is wrong: then
    nothing can be matched.
    """
    raw, source = read_export(raw_dir, codebook, root)
    read_problems = raw.attrs.pop("problems", [])
    if any(p.row == 1 and p.level == ERROR for p in read_problems):  # a header notice does not stop the read
        raise DataValidationError(read_problems)
    canonical, shape_problems = to_canonical(raw, codebook, source)
    return raw, canonical, source, read_problems + shape_problems


def clean_in_memory(raw_dir, codebook: Codebook, root=None, on_invalid: str = "stop") -> CleanData:
    """Everything step 01 computes from a dataset's export, nothing written: read, recognise, validate, clean.

    Step 01 (clean_export) and `make check-codebook` (helpers.ingest.check) both run exactly this, so that a
    check that finds nothing to fix means step 01 passes.
    """
    raw, canonical, source, problems = read_canonical(raw_dir, codebook, root)
    return clean_dataset(canonical, codebook, source, raw=raw, problems=problems, on_invalid=on_invalid)


def clean_export(paths, codebook: Codebook, on_invalid: str = "stop") -> CleanData:
    """Read, recognise, validate and clean a dataset's export (clean_in_memory).

    On invalid data (with on_invalid="stop", or a problem with the whole
    file) the list of problems is written to data/processed/<name>/validation.csv,
    any tidy tables of an earlier run are removed so that nothing downstream
    uses them, and DataValidationError is raised.
    """
    try:
        return clean_in_memory(paths.raw, codebook, paths.root, on_invalid)
    except DataValidationError as error:
        written = write_validation(error.problems, paths.diagnostics)
        for name in (*PROCESSED_TABLES, "rejected"):
            (Path(paths.diagnostics) / f"{name}.csv").unlink(missing_ok=True)
        raise DataValidationError(error.problems, full_list=paths.relative(written)) from None
