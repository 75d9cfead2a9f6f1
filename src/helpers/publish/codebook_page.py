"""`make codebook DATA=x`: the questionnaire as a readable page, and its schema.org Dataset record.

reports/<x>/codebook/codebook.html: the dataset, the scale, the stakeholder types and pilot bodies, profile
fields, each question with its options and how many chose each, and the statements grouped by factor, each
with its answer distribution and missingness; each factor's reliability (Cronbach's alpha) where at least
two statements and ten complete answers allow it. reports/<x>/codebook/dataset.jsonld: schema.org `Dataset`
(name, description, variables measured) so the dataset's metadata can be indexed. Read from the processed
tables (run the cleaning step first); the same data give the same bytes.
"""

from __future__ import annotations

import html
import json
import re
import sys

import pandas as pd

from helpers import i18n
from helpers.analysis.disclosure import withheld_types, without_withheld_types
from helpers.codebook import DEFAULT_LANGUAGE, Codebook, dataset_title, label, read_codebook
from helpers.files import replace_atomically
from helpers.paths import dataset_paths
from helpers.processed import PROCESSED_TABLES, read_processed

MIN_COMPLETE_FOR_ALPHA = 10


def cronbach_alpha(items: pd.DataFrame) -> float | None:
    """Cronbach's alpha of the columns of `items` over complete rows; None with < 2 items or too few rows."""
    complete = items.dropna()
    k = complete.shape[1]
    if k < 2 or len(complete) < MIN_COMPLETE_FOR_ALPHA:
        return None
    total = complete.sum(axis=1).var(ddof=1)
    if total == 0:
        return None
    return float(k / (k - 1) * (1 - complete.var(ddof=1).sum() / total))


def item_distribution(likert: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per statement: n answers on the scale, count per scale value, no opinion, blank, mean."""
    values = codebook.scale_values
    rows = []
    for statement_id, part in likert.groupby("statement_id", observed=True, sort=False):
        scores = part["score"].dropna().astype(int)
        row = {
            "statement_id": str(statement_id),
            "n": len(scores),
            **{v: int((scores == v).sum()) for v in values},
            "no_opinion": int((part["missing_reason"] == "no opinion").sum()),
            "blank": int((part["missing_reason"] == "blank").sum()),
            "mean": float(scores.mean()) if len(scores) else None,
        }
        rows.append(row)
    return pd.DataFrame(rows).set_index("statement_id")


def factor_reliability(likert: pd.DataFrame, codebook: Codebook) -> dict[str, tuple[float | None, int]]:
    """factor_id -> (Cronbach's alpha or None, complete answers)."""
    plain = pd.DataFrame(
        {
            "respondent_id": likert["respondent_id"].astype(str),
            "statement_id": likert["statement_id"].astype(str),
            "score": likert["score"].astype("float64"),
        }
    )
    wide = plain.pivot_table(
        index="respondent_id", columns="statement_id", values="score", aggfunc="first", dropna=False
    )
    out = {}
    for factor_id, part in codebook.statements().groupby("factor_id", sort=False):
        items = wide.reindex(columns=part["statement_id"].tolist())
        out[factor_id] = (cronbach_alpha(items), int(len(items.dropna())))
    return out


def _e(text) -> str:
    """Text as page content: <, > and & escaped (quotes need no escaping outside attributes)."""
    return html.escape("" if text is None else str(text), quote=False)


def _attribute(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _bar(counts: list[int]) -> str:
    total = sum(counts) or 1
    return "".join(f'<span class="seg s{i}" style="width:{100 * c / total:.1f}%"></span>' for i, c in enumerate(counts))


def codebook_html(codebook: Codebook, data: dict[str, pd.DataFrame], name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The page as one self-contained HTML string (no script, no request leaves the file). The stakeholder types
    below the disclosure threshold are left out of every count and distribution, as in the report."""
    withheld = withheld_types(data["respondents"], codebook)
    data = without_withheld_types(data, codebook)
    likert, respondents, choices = data["likert"], data["respondents"], data["choices"]
    n = len(respondents)
    not_shown = (
        f" Not shown: {int(withheld['n'].sum())} respondents of the types with fewer than the disclosure threshold"
        f" of {codebook.disclosure_threshold}."
        if len(withheld)
        else ""
    )
    values = codebook.scale_values
    labels = codebook.scale_labels(lang)
    dist = item_distribution(likert, codebook)
    alpha = factor_reliability(likert, codebook)
    title = dataset_title(codebook, lang, name)
    out = [
        f'<!DOCTYPE html><html lang="{_attribute(lang)}"><head><meta charset="utf-8"><title>{_e(title)}: codebook</title>',
        "<style>body{font:15px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border-bottom:1px solid #ddd;padding:.25em .6em;"
        "text-align:left;vertical-align:top}td.num{text-align:right}.bar{display:inline-flex;width:12em;height:.9em}"
        ".seg{display:inline-block;height:100%}"
        + "".join(
            f".s{i}{{background:hsl({int(10 + 110 * i / max(1, len(values) - 1))},55%,55%)}}"
            for i in range(len(values))
        )
        + "</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p>{_e(codebook.dataset.get('source', ''))}</p>",
        f"<p>{n} respondents.{not_shown} Export: {_e(codebook.export['file'])}.</p>",
    ]
    languages = ("en", "ru", "kk")
    every = codebook.raw["scale"].get("labels") or {}
    out.append("<h2>Scale</h2><table><tr><th>Value</th>" + "".join(f"<th>{code}</th>" for code in languages) + "</tr>")
    out += [
        f'<tr><td class="num">{v}</td>'
        + "".join(f"<td>{_e((every.get(v) or {}).get(code))}</td>" for code in languages)
        + "</tr>"
        for v in values
    ]
    out.append("</table>")
    if codebook.scale_missing:
        out.append(f"<p>Counted as missing (no opinion): {_e(', '.join(codebook.scale_missing))}</p>")
    counts = respondents["stakeholder"].astype(str).value_counts()
    out.append("<h2>Stakeholder types</h2><table><tr><th>Code</th><th>Label</th><th>n</th></tr>")
    below = set(withheld["stakeholder"])
    out += [
        f'<tr><td>{_e(r.code)}</td><td>{_e(r.label)}</td><td class="num">'
        + (f"fewer than {codebook.disclosure_threshold}" if r.code in below else str(int(counts.get(str(r.code), 0))))
        + "</td></tr>"
        for r in codebook.stakeholders(lang).itertuples()
    ]
    out.append("</table>")
    if len(codebook.pilot_bodies(lang)):
        bodies = respondents["pilot_body"].astype(str).value_counts()
        out.append("<h2>Pilot bodies</h2><table><tr><th>Code</th><th>Label</th><th>n</th></tr>")
        out += [
            f'<tr><td>{_e(r.code)}</td><td>{_e(r.label)}</td><td class="num">{int(bodies.get(str(r.code), 0))}</td></tr>'
            for r in codebook.pilot_bodies(lang).itertuples()
        ]
        out.append("</table>")
    out.append("<h2>Profile</h2><table><tr><th>Field</th><th>Type</th><th>Missing</th></tr>")
    for field in codebook.profile():
        column = next((c for c in respondents.columns if c == field["id"] or c.startswith(f"{field['id']}_")), None)
        missing = int(respondents[column].isna().sum()) if column else n
        out.append(
            f"<tr><td>{_e(label(field.get('label'), lang) or field['id'])}</td><td>{_e(field['type'])}</td>"
            f'<td class="num">{missing} of {n}</td></tr>'
        )
    out.append("</table><h2>Questions</h2>")
    chosen = choices.groupby(["question_id", "option"], observed=True)["respondent_id"].nunique()
    answered = choices.groupby("question_id", observed=True)["respondent_id"].nunique()
    options = codebook.options(lang)
    for q in codebook.questions(lang).itertuples():
        out.append(
            f"<h3>{_e(q.question_id)}. {_e(q.text)}</h3>"
            f"<p>Answered by {int(answered.get(q.question_id, 0))} of {n}.</p><table><tr><th>Option</th><th>Text</th><th>Chose it</th></tr>"
        )
        for o in options[options["question_id"] == q.question_id].itertuples():
            k = int(chosen.get((q.question_id, o.letter), 0))
            # An option whose wording the source does not give has no text (NaN in the frame, which is truthy).
            text = o.text if isinstance(o.text, str) and o.text.strip() else "(wording not given)"
            out.append(
                f"<tr><td>{_e(o.letter)}</td><td>{_e(text)}{' (other: free text)' if o.other else ''}</td>"
                f'<td class="num">{k} ({i18n.percent(k / n, lang)})</td></tr>'
                if n
                else ""
            )
        out.append("</table>")
    out.append("<h2>Statements by factor</h2>")
    head = "".join(f'<th title="{_attribute(labels.get(v))}">{v}</th>' for v in values)
    for factor in codebook.factors(lang).itertuples():
        a, complete = alpha.get(factor.factor_id, (None, 0))
        reliability = (
            f"Cronbach's alpha {i18n.number(a, lang)} ({complete} complete answers)"
            if a is not None
            else f"Reliability not computed: it needs at least two statements and {MIN_COMPLETE_FOR_ALPHA} complete answers"
        )
        out.append(
            f"<h3>{_e(factor.factor)}</h3><p>{_e(reliability)}</p><table><tr><th>Statement</th>{head}"
            "<th>No opinion</th><th>Blank</th><th>Mean</th><th>Distribution</th></tr>"
        )
        for s in codebook.statements(lang).query("factor_id == @factor.factor_id").itertuples():
            row = dist.loc[s.statement_id] if s.statement_id in dist.index else None
            cells = [int(row[v]) if row is not None else 0 for v in values]
            mean = "" if row is None or row["mean"] is None or pd.isna(row["mean"]) else i18n.number(row["mean"], lang)
            out.append(
                f"<tr><td>{_e(s.statement)}</td>"
                + "".join(f'<td class="num">{c}</td>' for c in cells)
                + f'<td class="num">{int(row["no_opinion"]) if row is not None else 0}</td>'
                + f'<td class="num">{int(row["blank"]) if row is not None else 0}</td><td class="num">{mean}</td>'
                + f'<td><span class="bar">{_bar(cells)}</span></td></tr>'
            )
        out.append("</table>")
    out.append("</body></html>\n")
    return "\n".join(out)


def dataset_description(source: str | None, n_respondents: int) -> str:
    """The source, then how many respondents the processed data hold, as sentences; the count only once.

    A drafted codebook's source already ends with the export's count ("… export answers.csv, 6 respondents"):
    said again it reads "6 respondents 6 respondents.".
    """
    text = str(source or "").strip()
    count = f"{n_respondents} respondent{'' if n_respondents == 1 else 's'}"
    if re.search(rf"(?<!\d){re.escape(count)}\W*$", text):
        return text if text.endswith(".") else f"{text}."
    if text and not text.endswith((".", "!", "?")):
        text += "."
    return f"{text} {count}.".strip()


def dataset_jsonld(codebook: Codebook, name: str, n_respondents: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """schema.org Dataset: name, description, variables measured (each statement, question, profile field)."""
    variables = [
        {"@type": "PropertyValue", "name": f["id"], "description": label(f.get("label"), lang) or f["id"]}
        for f in codebook.profile()
    ]
    variables += [
        {"@type": "PropertyValue", "name": q.question_id, "description": q.text or q.question_id}
        for q in codebook.questions(lang).itertuples()
    ]
    variables += [
        {
            "@type": "PropertyValue",
            "name": s.statement_id,
            "description": s.statement or s.statement_id,
            "minValue": min(codebook.scale_values),
            "maxValue": max(codebook.scale_values),
            "measurementTechnique": f"Likert scale, factor: {s.factor}",
        }
        for s in codebook.statements(lang).itertuples()
    ]
    record = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": dataset_title(codebook, lang, name),
        "description": dataset_description(codebook.dataset.get("source"), n_respondents),
        "identifier": name,
        "inLanguage": lang,
        "variableMeasured": variables,
        "isAccessibleForFree": False,
        "creativeWorkStatus": "synthetic" if codebook.dataset.get("synthetic") else "survey",
    }
    if codebook.dataset.get("doi"):
        record["citation"] = f"https://doi.org/{codebook.dataset['doi']}"
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_codebook_page(name: str, lang: str = DEFAULT_LANGUAGE) -> list:
    paths = dataset_paths(name)
    codebook = read_codebook(paths.codebook)
    missing = [f"{n}.csv" for n in PROCESSED_TABLES if not (paths.processed / f"{n}.csv").exists()]
    if missing:  # said here, relative to the project root: read_processed would name the folder's absolute path
        raise FileNotFoundError(
            f"{paths.relative(paths.processed)}: no {', '.join(missing)}; clean the data first (make report DATA={name})"
        )
    data = read_processed(paths.processed)
    folder = paths.reports / "codebook"
    folder.mkdir(parents=True, exist_ok=True)
    page = codebook_html(codebook, data, name, lang)
    record = dataset_jsonld(codebook, name, len(data["respondents"]), lang)
    written = []
    for file_name, text in (("codebook.html", page), ("dataset.jsonld", record)):
        target = folder / file_name
        replace_atomically(target, lambda tmp, t=text: tmp.write_text(t, encoding="utf-8"))
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    """`make codebook DATA=x`: write the page and the record, and name each file relative to the project root."""
    if not argv:
        sys.exit("usage: python -m helpers.publish.codebook_page <dataset> [lang]")
    try:
        for path in write_codebook_page(argv[0], argv[1] if len(argv) > 1 else DEFAULT_LANGUAGE):
            print(dataset_paths(argv[0]).relative(path))  # as every other message of the project names a file
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f"error: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
