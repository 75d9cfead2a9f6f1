"""Raw export -> tidy tables, checking every cell against the codebook on the way.

Three long tables come out, one row per observation:
    respondents  one row per respondent (profile fields cleaned: ISO dates, ages, durations in months)
    choices      one row per respondent x question x chosen option, with any free text
    likert       one row per respondent x statement, the score (empty where missing) and why it is missing

Every problem is collected in one pass and raised together as a
DataValidationError, so a researcher sees the whole list at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from helpers.codebook import Codebook
from helpers.errors import DataValidationError, Problem

_DURATION = re.compile(
    r"^\s*(?P<bound>more than|over)?\s*"
    r"(?:(?P<years>\d+)\s*(?:years?|yrs?))?\s*"
    r"(?:(?P<months>\d+)\s*(?:months?|mos?))?\s*$",
    re.IGNORECASE,
)


@dataclass
class CleanData:
    respondents: pd.DataFrame
    choices: pd.DataFrame
    likert: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def parse_duration(text: str) -> tuple[int, bool] | None:
    """'5 years 5 months' -> (65, False); 'More than 10 years' -> (120, True); None if unreadable.

    The flag marks a lower bound: the respondent gave only "more than".
    """
    match = _DURATION.match(text or "")
    if not match or (match["years"] is None and match["months"] is None):
        return None
    months = int(match["years"] or 0) * 12 + int(match["months"] or 0)
    return months, match["bound"] is not None


def _code_lookup(entries: list[dict]) -> dict[str, str]:
    """Map each code and each label in every language (case-insensitive) to the code."""
    lookup = {}
    for entry in entries:
        lookup[str(entry["code"]).casefold()] = entry["code"]
        for text in (entry.get("label") or {}).values():
            lookup[str(text).strip().casefold()] = entry["code"]
    return lookup


def clean_respondents(raw: pd.DataFrame, codebook: Codebook, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per respondent, profile fields cleaned; with the problems found."""
    export = codebook.export
    problems: list[Problem] = []

    def flag(mask: pd.Series, column: str, expected: str) -> None:
        for row, value in raw.loc[mask, column].items():
            problems.append(Problem(source, int(row), column, value, expected))

    id_col, group_col = export["id_column"], export["stakeholder_column"]
    ids = raw[id_col].str.strip()
    flag(ids.eq(""), id_col, "a respondent id")
    flag(ids.duplicated(keep="first") & ids.ne(""), id_col, "respondent ids unique in the file")

    stakeholder_lookup = _code_lookup(codebook.raw["stakeholders"])
    stakeholder = raw[group_col].str.strip().str.casefold().map(stakeholder_lookup)
    flag(stakeholder.isna(), group_col, "a stakeholder type from codebook.yaml: " + ", ".join(codebook.stakeholders()["code"]))

    out = pd.DataFrame({"respondent_id": ids, "stakeholder": stakeholder}, index=raw.index)
    body_col = export.get("pilot_body_column")
    if body_col:
        body_text = raw[body_col].str.strip()
        body = body_text.str.casefold().map(_code_lookup(codebook.raw.get("pilot_bodies") or []))
        flag(body.isna() & body_text.ne(""), body_col,
             "blank or a pilot body from codebook.yaml: " + ", ".join(codebook.pilot_bodies()["code"]))
        out["pilot_body"] = body
    else:
        out["pilot_body"] = pd.Series(pd.NA, index=raw.index, dtype="object")

    footnotes = codebook.footnotes()
    for spec in codebook.profile():
        column, kind = spec["id"], spec["type"]
        text = raw[column].str.strip()
        present = text.ne("")
        if kind == "text":
            out[column] = text.where(present)
        elif kind == "category":
            allowed = [str(v) for v in spec["values"]]
            flag(present & ~text.isin(allowed), column, "one of " + ", ".join(allowed))
            out[column] = text.where(present)
        elif kind == "date":
            dates = pd.to_datetime(text.where(present), format=spec["format"], errors="coerce")
            flag(present & dates.isna(), column, f"a date in the format {spec['format']!r}")
            out[column] = dates.dt.strftime("%Y-%m-%d")
        elif kind == "years":
            years = pd.to_numeric(text.where(present), errors="coerce")
            bad = present & (years.isna() | (years % 1 != 0) | (years < 0))
            flag(bad, column, "a whole number of years")
            out[f"{column}_years"] = years.where(~bad).astype("Int64")
        elif kind == "duration":
            parsed = text.where(present).map(lambda t: parse_duration(t) if isinstance(t, str) else None)
            flag(present & parsed.isna(), column, "a duration such as '5 years 5 months', '4 months' or 'More than 10 years'")
            out[f"{column}_months"] = parsed.map(lambda p: p[0] if p else pd.NA).astype("Int64")
            out[f"{column}_lower_bound"] = parsed.map(lambda p: p[1] if p else pd.NA).astype("boolean")
        elif kind == "footnote":
            flag(present & ~text.isin(list(footnotes)), column, "blank or a footnote key from codebook.yaml: " + ", ".join(footnotes))
            out[column] = text.where(present)
    out.insert(0, "source_row", raw.index.to_numpy())
    return out.reset_index(drop=True), problems


def clean_choices(raw: pd.DataFrame, respondents: pd.DataFrame, codebook: Codebook, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per respondent x question x chosen option (letters separated by spaces, commas or semicolons)."""
    problems: list[Problem] = []
    options = codebook.options()
    frames = []
    keys = respondents.set_index(raw.index)[["respondent_id", "stakeholder", "pilot_body"]]
    for q in codebook.raw["questions"]:
        qid = q["id"]
        letters = raw[qid].str.upper().str.split(r"[\s,;]+", regex=True).explode().str.strip()
        letters = letters[letters.fillna("").ne("")]
        known = options.loc[options["question_id"].eq(qid)]
        unknown = ~letters.isin(known["letter"])
        for row, value in letters[unknown].items():
            problems.append(Problem(source, int(row), qid, value, f"option letters of {qid}: " + " ".join(known["letter"])))
        letters = letters[~unknown]
        chosen = keys.loc[letters.index].assign(question_id=qid, option=letters.to_numpy(), free_text=pd.NA)
        other_col = q.get("other_column")
        if other_col:
            other_letters = set(known.loc[known["other"], "letter"])
            is_other = chosen["option"].isin(other_letters)
            chosen.loc[is_other, "free_text"] = raw.loc[chosen.index[is_other], other_col].str.strip().replace("", pd.NA).to_numpy()
            # Free text without its "other" option ticked would be lost: report it.
            text_given = raw[other_col].str.strip().ne("")
            ticked = pd.Series(raw.index.isin(chosen.index[is_other]), index=raw.index)
            for row, value in raw.loc[text_given & ~ticked, other_col].items():
                problems.append(Problem(source, int(row), other_col, value,
                                        f"free text only when an 'other' option ({', '.join(sorted(other_letters))}) of {qid} is chosen"))
        chosen["source_row"] = chosen.index
        frames.append(chosen)
    order = {qid: i for i, qid in enumerate(codebook.questions()["question_id"])}
    choices = pd.concat(frames).reset_index(drop=True)
    choices = choices.sort_values(["source_row", "question_id", "option"], key=lambda s: s.map(order) if s.name == "question_id" else s, kind="stable")
    columns = ["respondent_id", "stakeholder", "pilot_body", "question_id", "option", "free_text", "source_row"]
    return choices[columns].reset_index(drop=True), problems


def score_lookup(codebook: Codebook) -> dict[str, int]:
    """Every way a score may be written -> the scale value: the number itself and each label in every language."""
    lookup = {str(v): v for v in codebook.scale_values}
    for value, translations in (codebook.raw["scale"].get("labels") or {}).items():
        for text in (translations or {}).values():
            lookup[str(text).strip().casefold()] = int(value)
    return lookup


def clean_likert(raw: pd.DataFrame, respondents: pd.DataFrame, codebook: Codebook, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per respondent x statement: score (Int64, missing where blank or "no opinion") and missing_reason."""
    statements = codebook.statements()
    long = (raw[statements["statement_id"].tolist()]
            .rename_axis(index="source_row").reset_index()
            .melt(id_vars="source_row", var_name="statement_id", value_name="answer"))
    answer = long["answer"].str.strip()
    lookup = score_lookup(codebook)
    score = answer.str.casefold().map(lookup)
    # "5.0" as written by some spreadsheet exports is the whole number 5.
    numeric = pd.to_numeric(answer, errors="coerce")
    whole = numeric.notna() & (numeric % 1 == 0) & numeric.isin(codebook.scale_values)
    score = score.fillna(numeric.where(whole))
    no_opinion = answer.str.casefold().isin([m.casefold() for m in codebook.scale_missing])
    blank = answer.eq("")
    bad = score.isna() & ~no_opinion & ~blank
    labels = codebook.scale_labels()
    expected = "a score on the scale " + ", ".join(f"{v} ({labels.get(v)})" if labels.get(v) else str(v) for v in codebook.scale_values)
    if codebook.scale_missing:
        expected += ", a 'no opinion' answer (" + ", ".join(codebook.scale_missing) + ")"
    problems = [Problem(source, int(r.source_row), r.statement_id, r.answer, expected + ", or blank")
                for r in long.loc[bad].itertuples()]
    keys = respondents.set_index("source_row")[["respondent_id", "stakeholder", "pilot_body"]]
    likert = keys.loc[long["source_row"]].reset_index()
    likert["statement_id"] = long["statement_id"].to_numpy()
    likert = likert.merge(statements[["statement_id", "factor_id", "order"]], on="statement_id", how="left", validate="m:1")
    likert["score"] = pd.array(score.where(~bad).to_numpy(dtype="float64"), dtype="Int64")
    likert["missing_reason"] = pd.Series(pd.NA, index=long.index, dtype="object")
    likert.loc[blank.to_numpy(), "missing_reason"] = "blank"
    likert.loc[no_opinion.to_numpy(), "missing_reason"] = "no opinion"
    likert = likert.sort_values(["source_row", "order"], kind="stable")
    columns = ["respondent_id", "stakeholder", "pilot_body", "factor_id", "statement_id", "score", "missing_reason", "source_row"]
    return likert[columns].reset_index(drop=True), problems


def clean_dataset(raw: pd.DataFrame, codebook: Codebook, source: str) -> CleanData:
    """Clean a whole export; raise DataValidationError with every problem if anything is wrong."""
    respondents, problems = clean_respondents(raw, codebook, source)
    choices, choice_problems = clean_choices(raw, respondents, codebook, source)
    likert, likert_problems = clean_likert(raw, respondents, codebook, source)
    problems = sorted(problems + choice_problems + likert_problems, key=lambda p: (p.row or 0, p.column or ""))
    if problems:
        raise DataValidationError(problems)
    return CleanData(respondents, choices, likert)


def check_accounted_for(raw: pd.DataFrame, clean: CleanData, codebook: Codebook) -> None:
    """Assert that every raw row and every Likert cell reached the tidy tables (nothing silently dropped)."""
    n_rows, n_statements = len(raw), len(codebook.statements())
    if len(clean.respondents) != n_rows:
        raise AssertionError(f"{n_rows} rows in the export but {len(clean.respondents)} respondents after cleaning")
    if len(clean.likert) != n_rows * n_statements:
        raise AssertionError(f"expected {n_rows} x {n_statements} Likert rows, got {len(clean.likert)}")


PROCESSED_TABLES = ("respondents", "choices", "likert")


def write_processed(clean: CleanData, folder) -> list:
    """Write the tidy tables as CSV (UTF-8, '\\n' line ends: same data, same bytes); return the paths."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PROCESSED_TABLES:
        path = folder / f"{name}.csv"
        getattr(clean, name).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written
