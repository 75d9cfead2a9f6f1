"""The report: one self-contained HTML file built from the tables and figures the pipeline wrote.

The HTML is rendered with Jinja2 with autoescaping on, so respondents' free
text is shown as text, never run as markup. Figures are embedded as data URIs
and the stylesheet is inline: the file opens offline and requests nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE, dataset_title, label_language
from helpers.files import read_csv_for_people, write_text
from helpers.i18n import say, ui
from helpers.analysis import claims as paper_claims
from helpers.analysis import stats
from helpers.analysis.tables import group_column, group_sizes, table_caption, table_note
from helpers.publish import distribution_stem

TEMPLATES = Path(__file__).parent / "templates"
KEY_PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbval", "jinja2", "pyyaml")


def read_table(path: Path) -> pd.DataFrame:
    """A table CSV as computed: every cell as text, empty cells as '', respondents' text as they wrote it."""
    return read_csv_for_people(path)


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


def local_number(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number read back from a table CSV ('4.33', '12') written as `lang` writes it; other text unchanged."""
    if not _is_number(text) or text.strip().lower() in {"nan", "inf", "-inf"}:
        return text
    decimals = len(text.split(".")[1]) if "." in text else 0
    return i18n.number(float(text), lang, decimals)


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def embed_png(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def priority_summary(
    ranking: pd.DataFrame, per_group: pd.DataFrame, groups: pd.DataFrame, lang: str = DEFAULT_LANGUAGE
) -> list[str]:
    """Sentences stating the factor priorities, every number taken from the tables."""

    def num(value: float) -> str:
        return i18n.number(value, lang)

    ranked = ranking.dropna(subset=["mean"])  # a factor nobody answered has no place in the order
    overall = ", ".join(f"{row.rank}. {row.factor_short} ({num(row.mean)})" for row in ranked.itertuples())
    sentences = [say(lang, "priorities_overall", n=len(groups), ranking=overall)]
    first = ranking.iloc[0]
    sentences.append(
        say(lang, "priorities_first", factor=first.factor_short, k=first.groups_ranking_first, n=len(groups))
    )
    labels = groups.set_index("stakeholder")["label"]
    joiner = f" {ui(lang)['and']} "
    for stakeholder, block in per_group.groupby("stakeholder", sort=False):
        answered = block.dropna(subset=["mean"])
        if len(answered):
            top = answered.loc[answered["rank"] == answered["rank"].min()]
            bottom = answered.loc[answered["mean"] == answered["mean"].min()]
            sentences.append(
                say(
                    lang,
                    "priorities_group",
                    group=labels[stakeholder],
                    top=joiner.join(top["factor_short"]),
                    top_mean=num(top["mean"].iloc[0]),
                    bottom=joiner.join(bottom["factor_short"]),
                    bottom_mean=num(bottom["mean"].iloc[0]),
                )
            )
        unanswered = block.loc[block["mean"].isna(), "factor_short"]
        if len(unanswered):
            sentences.append(
                say(lang, "priorities_group_missing", group=labels[stakeholder], factors=joiner.join(unanswered))
            )
    return sentences


def scores_read_back(table: pd.DataFrame, decimals: tuple[str, ...], counts: tuple[str, ...]) -> pd.DataFrame:
    """A table CSV's number columns as numbers. An empty cell is a value the step had nothing to compute from (a
    group that answered none of a factor's statements has no mean and no rank): missing, never an error;
    counts become whole numbers that may be missing."""
    numbers = table.copy()
    for column in (*decimals, *counts):
        numbers[column] = numbers[column].mask(numbers[column] == "").astype(float)
    return numbers.astype({column: "Int64" for column in counts})


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def files_read(records: list[Path]) -> dict[str, str]:
    """Every file the steps before the report read, with its SHA-256, as their records name them."""
    read = {}
    for record in records:
        if record.name.endswith(".failed.ipynb"):
            continue
        try:
            read.update(
                json.loads(Path(record).read_text(encoding="utf-8"))["metadata"].get("helpers", {}).get("read", {})
            )
        except (OSError, ValueError, KeyError):
            continue
    return read


def provenance(raw_dir: Path, root: Path, parameters: dict, records: list[Path] = ()) -> dict:
    """Dataset, parameters, checksums of every raw file and of every file the steps read (from their
    records), Python and package versions, git commit."""
    files = [
        {"path": p.relative_to(root).as_posix(), "sha256": sha256(p)}
        for p in sorted(Path(raw_dir).rglob("*"))
        if p.is_file()
    ]
    listed = {f["path"] for f in files}
    files += [
        {"path": path, "sha256": digest}
        for path, digest in sorted(files_read(records).items())
        if path not in listed and not path.startswith(".venv/")
    ]
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "parameters": parameters,
        "files": files,
        "python": platform.python_version(),
        "packages": versions,
        "commit": git_commit(root),
    }


def git_commit(root: Path) -> str:
    """The commit the code was at, with '+ uncommitted changes' when the tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "notebooks", "data/raw"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" + uncommitted changes" if dirty else "")


def render_report(context: dict) -> str:
    """Render the report template with `context` (see report_context for its keys)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    fallbacks, answers = context.get("fallbacks") or {}, context.get("answers") or []
    environment.filters["marked"] = lambda text: mark_answers(mark_fallback(text, fallbacks), answers)
    return environment.get_template("report.html.j2").render(**context)


def mark_fallback(text, fallbacks: dict[str, str]) -> Markup:
    """`text`, inside <span lang=".."> when it is a label shown in a fallback language (so readers and screen
    readers know); the option letter of 'A) text' is looked through."""
    text = "" if text is None else str(text)
    core = text.split(") ", 1)[1] if text[:1].isalpha() and text[1:3] == ") " else text
    shown = fallbacks.get(core)
    if shown is None:
        return escape(text)
    head = text[: len(text) - len(core)]
    return escape(head) + Markup('<span lang="{}">{}</span>').format(shown, core)


def mark_answers(html: Markup, answers: list[str]) -> Markup:
    """Respondents' own words (free-text answers) inside <span class="answer">: shown as given, in whatever
    language the respondent wrote, never translated; the longest answers are marked first."""
    for answer in sorted(answers, key=len, reverse=True):
        escaped = str(escape(answer))
        if escaped and escaped in html and f'<span class="answer">{escaped}' not in html:
            html = Markup(str(html).replace(escaped, f'<span class="answer">{escaped}</span>'))
    return html


def free_text_answers(codebook, respondents: pd.DataFrame, processed: Path) -> list[str]:
    """Every free-text answer the report may show: text profile fields and the 'other' options' free text."""
    columns = [f["id"] for f in codebook.profile() if f["type"] == "text" and f["id"] in respondents.columns]
    answers = set(respondents[columns].stack().dropna().astype(str)) if columns else set()
    choices_path = Path(processed) / "choices.csv"
    if choices_path.exists():
        header = pd.read_csv(choices_path, dtype=str, nrows=0).columns
        if "free_text" in header:  # only that column, each distinct answer once
            answers |= set(
                pd.read_csv(choices_path, usecols=["free_text"], dtype=str, keep_default_na=False)["free_text"].unique()
            )
    return sorted(a for a in answers if a.strip())


def fallback_labels(codebook, lang: str) -> dict[str, str]:
    """Text -> language, for every codebook label and report word that `lang` shows in a fallback language."""
    found = {}
    for _, translations in i18n.codebook_labels(codebook.raw):
        shown = label_language(translations, lang)
        if shown and shown != lang:
            found[translations[shown]] = shown
    words, own = ui(lang), i18n.ui_text_keys(lang)
    for key, value in words.items():
        if key != "figures" and key not in own and isinstance(value, str):
            found[value] = next(c for c in i18n.FALLBACKS[lang] if key in i18n.ui_text_keys(c))
    return found


def write_fallbacks(codebook, lang: str, path: Path, processed: Path | None = None) -> pd.DataFrame:
    """Write (and return) every string the report in `lang` shows in a fallback language: key, file, shown_in.

    The file sits beside the report; `make report` counts its rows and says so in one line. With the ui texts
    and the codebook's labels, the cleaning step's messages on rows set aside (English only); they are read from
    `processed`, by default the processed folder of the codebook's dataset (data/processed/<its folder>/).
    """
    rows = i18n.coverage(codebook.raw, [lang], paper_claims.paper_claims())
    raw = Path(codebook.source).parent
    processed = Path(processed) if processed is not None else raw.parent.parent / "processed" / raw.name
    rows += message_fallbacks(processed, lang, f"data/processed/{processed.name}/validation.csv")
    table = pd.DataFrame(rows, columns=["language", "file", "key", "shown_in"])
    table.to_csv(path, index=False, lineterminator="\n")
    return table


def write_report(html: str, path: Path) -> Path:
    return write_text(html, path)


FIGURES = ("statement_heatmap", "factor_priority", "choice_matrix")
PAPER_TABLES = ("table1", "table2", "table3")


def cleaning_summary(processed: Path) -> dict:
    """How many raw rows were processed and set aside, and why: read from the cleaning step's files."""
    respondents = pd.read_csv(processed / "respondents.csv", dtype=str, keep_default_na=False, na_values=[""])
    rejected_path = processed / "rejected.csv"
    rejected = read_table(rejected_path) if rejected_path.exists() else pd.DataFrame()
    reasons = problem_counts(processed)
    n_rejected = len(rejected)
    return {
        "n_raw": len(respondents) + n_rejected,
        "n_processed": len(respondents),
        "n_rejected": n_rejected,
        "reasons": reasons,
        "respondents": respondents,
    }


def problem_counts(processed: Path) -> list[dict]:
    """n, column, expected: each problem the cleaning step found (validation.csv), with how many rows had it."""
    validation_path = Path(processed) / "validation.csv"
    problems = read_table(validation_path) if validation_path.exists() else pd.DataFrame()
    if problems.empty:
        return []
    counted = problems.groupby(["column", "expected"], sort=False).size().reset_index(name="n")
    return [{"n": row.n, "column": row.column, "expected": row.expected} for row in counted.itertuples()]


#: The language of the cleaning step's messages (what a cell should have held): helpers.ingest writes them in
#: English only, with the codebook's English labels inside, so the report cannot translate them.
MESSAGE_LANGUAGE = DEFAULT_LANGUAGE


def set_aside_reasons(reasons: list[dict], lang: str = DEFAULT_LANGUAGE) -> list[Markup]:
    """Why rows were set aside, one sentence per problem in `lang`. The cleaning step's message inside it stays
    English: in a report in another language it is marked lang="en" (readers and screen readers know) and
    fallbacks.csv lists it (message_fallbacks), as every other string shown in a fallback language."""
    in_a_column = Markup(escape(ui(lang)["set_aside_reason"]))
    whole_row = Markup(escape(ui(lang)["set_aside_row_reason"]))  # e.g. too few or too many fields: no column
    shown = []
    for reason in reasons:
        expected = reason["expected"]
        if lang != MESSAGE_LANGUAGE:
            expected = Markup('<span lang="{}">{}</span>').format(MESSAGE_LANGUAGE, expected)
        column = reason["column"]
        sentence = in_a_column if column and str(column) not in ("None", "nan") else whole_row
        shown.append(sentence.format(n=reason["n"], column=column, expected=expected))
    return shown


def message_fallbacks(processed: Path, lang: str, shown_as: str) -> list[dict]:
    """fallbacks.csv rows for the cleaning step's messages a report in `lang` shows in English: one per distinct
    message, when rows were set aside (the report lists the reasons only then). `shown_as` names validation.csv."""
    rejected = Path(processed) / "rejected.csv"
    if lang == MESSAGE_LANGUAGE or not rejected.exists() or read_table(rejected).empty:
        return []
    messages = dict.fromkeys(reason["expected"] for reason in problem_counts(processed))
    return [{"language": lang, "file": shown_as, "key": message, "shown_in": MESSAGE_LANGUAGE} for message in messages]


def report_context(paths, codebook, parameters: dict, lang: str = DEFAULT_LANGUAGE) -> dict:
    """Everything the template shows, read from the files the earlier notebooks wrote."""
    table = {
        name: read_table(paths.tables / f"{name}.csv") for name in (*PAPER_TABLES, "factor_summary", "factor_ranking")
    }
    cleaning = cleaning_summary(paths.processed)
    respondents = cleaning["respondents"]
    pilot_body = parameters.get("pilot_body") or ""
    if pilot_body:
        respondents = respondents.loc[respondents["pilot_body"] == pilot_body]
    groups = group_sizes(respondents, codebook, lang)
    ranking = scores_read_back(table["factor_ranking"], ("mean",), ("rank", "groups_ranking_first"))
    per_group = scores_read_back(table["factor_summary"], ("mean",), ("rank",))
    words = ui(lang)
    tables = [
        {
            "id": name,
            "label": words["table_label"].format(number=i),
            "caption": table_caption(name, codebook, lang),
            "note": table_note(name, codebook, respondents, lang),
            "body": html_table(table[name], group_by=group_column(name, table[name], lang), lang=lang),
        }
        for i, name in enumerate(PAPER_TABLES, start=1)
    ]
    measured = {
        name: read_table(paths.tables / f"{name}.csv")
        for name in (
            "agreement",
            "reliability",
            "item_statistics",
            "factor_structure",
            "group_means",
            "group_differences",
            "pairwise_differences",
            "factor_weighting",
            "factor_differences",
            "claims",
            "claims_disagreements",
        )
    }
    means = group_means_table(measured["group_means"], groups, words, lang=lang)
    if means is not None:
        tables.append(
            {
                "id": "group_means",
                "label": words["table_label"].format(number=len(tables) + 1),
                "caption": words["group_means"],
                "note": words["group_means_caption"]
                + " "
                + words["group_means_note"].format(resamples=stats.BOOTSTRAP_RESAMPLES, seed=stats.SEED),
                "body": html_table(means, group_by="part"),
            }
        )
    comparison_path = paths.tables / "pilot_bodies.csv"
    if comparison_path.exists() and len(read_table(comparison_path)) > 1:
        tables.append(
            {
                "id": "pilot_bodies",
                "label": words["table_label"].format(number=len(tables) + 1),
                "caption": words["pilot_caption"],
                "note": words["pilot_note"],
                "body": html_table(read_table(comparison_path), lang=lang),
            }
        )
    figures = report_figures(paths, codebook, lang)
    bodies = dict(zip(codebook.pilot_bodies(lang)["code"], codebook.pilot_bodies(lang)["label"]))
    scope = say(lang, "scope", body=bodies.get(pilot_body, pilot_body), n=len(respondents)) if pilot_body else ""
    rejected_file = Markup("<code>{}</code>").format(f"data/processed/{paths.name}/rejected.csv")
    notebooks = Markup("<code>{}</code>").format(paths.relative(paths.notebooks))
    processed = _processed_answers(paths.processed, pilot_body)
    labels = dict(zip(groups["stakeholder"], groups["short"]))
    structure = measured["factor_structure"]
    n_structure = _complete_respondents(processed["likert"]) if len(structure) else None
    reproduction = _reproduction(paths, codebook, table, lang, pilot_body, words)
    claims_table = measured["claims"]
    replication = bool(claims_table["paper_verdict"].ne("").any()) if "paper_verdict" in claims_table else False
    others = other_answers(processed["choices"], codebook)
    question_text = dict(zip(codebook.questions(lang)["question_id"], codebook.questions(lang)["text"]))
    return {
        "t": words,
        "lang": lang,
        "source_lang": DEFAULT_LANGUAGE,
        "dataset": paths.name,
        "title": dataset_title(codebook, lang, paths.name),
        "citation": codebook.dataset.get("source", ""),
        "synthetic": bool(codebook.dataset.get("synthetic")),
        "intro": words["report_intro"],
        "translated": lang in (codebook.dataset.get("translated") or []),
        "scope": scope,
        "summary": summary_lines(
            groups,
            measured["factor_weighting"],
            claims_table,
            reproduction,
            measured["reliability"],
            words,
            measured["factor_differences"],
            lang=lang,
            groups_with_score=per_group.groupby("factor_id", sort=False)["mean"].count().to_dict(),
        ),
        "methods": methods_paragraphs(cleaning, groups, codebook, processed["likert"], words, lang=lang),
        "limitations": limitation_lines(groups, cleaning, measured, processed["likert"], codebook, words, lang=lang),
        "reproduction": reproduction,
        "one_each": not (groups["n"] > 1).any(),
        "priorities": priority_summary(ranking, per_group, groups, lang),
        "tables": tables,
        "figures": figures,
        "quarantine": {**cleaning, "reasons": set_aside_reasons(cleaning["reasons"], lang)},
        "set_aside_where": Markup(escape(words["set_aside_where"])).format(file=rejected_file),
        "claims": localised_claims(claims_table, lang),
        "replication": replication,
        "claim_notes": measured["claims_disagreements"]["note"].tolist(),
        "agreement": agreement_sentences(measured["agreement"], words, lang=lang),
        "scales": scale_sentences(
            measured["reliability"], measured["item_statistics"], structure, n_structure, words, lang=lang
        ),
        "differences": difference_sentences(
            measured["group_differences"],
            measured["pairwise_differences"],
            measured["group_means"],
            labels,
            words,
            _differences_note(groups, words),
            lang=lang,
        ),
        "other_answers": [
            {"question": question_text.get(r.question, r.question), "text": r.text, "n": r.n}
            for r in others.itertuples()
        ],
        "cleaning": say(
            lang,
            "cleaning",
            n_raw=cleaning["n_raw"],
            n_processed=cleaning["n_processed"],
            n_rejected=cleaning["n_rejected"],
        ),
        "provenance_intro": Markup(escape(words["provenance_intro"])).format(
            dataset=Markup("<code>{}</code>").format(paths.name),
            notebooks=notebooks,
            command=Markup("<code>make report DATA={} REPORT_LANG={}</code>").format(paths.name, lang),
        ),
        "provenance": provenance(
            paths.raw,
            paths.root,
            parameters,
            sorted(paths.dataset_reports.glob("notebooks/*.ipynb")) + sorted(paths.notebooks.glob("*.ipynb")),
        ),
        "fallbacks": fallback_labels(codebook, lang),
        "answers": free_text_answers(codebook, cleaning["respondents"], paths.processed),
    }


VERDICT_KEYS = {
    paper_claims.SUPPORTED: "verdict_supported",
    paper_claims.PARTLY: "verdict_partly",
    paper_claims.NOT: "verdict_not",
    paper_claims.UNCHECKABLE: "verdict_uncheckable",
}


def localised_claims(claims_table: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The claims table's rows for the template: the paper's quote as the paper words it, with this project's
    translation into `lang` (from ui_text.yaml's `findings`), the verdict and the description in `lang`."""
    words = ui(lang)
    translated = i18n.finding_texts(lang)
    rows = []
    for row in claims_table.to_dict("records"):
        own = translated.get(row["id"], {})
        rows.append(
            {
                **row,
                "verdict": words.get(VERDICT_KEYS.get(row["verdict"], ""), row["verdict"]),
                "checkable": words["claim_partly_checkable"] if row.get("checkable") else "",
                "where": own.get("where", row["where"]),
                "evidence": own.get("evidence", row["evidence"]),
                "translation": own.get("quote", ""),
            }
        )
    return rows


def _processed_answers(processed: Path, pilot_body: str) -> dict[str, pd.DataFrame]:
    """The Likert answers and the choices, as text, limited to the pilot body when one is chosen.

    The processed tables are written as they are (never neutralised for spreadsheets), so they are read
    as they are: no formula to restore, and no pass over every one of up to millions of cells."""
    frames = {
        name: pd.read_csv(processed / f"{name}.csv", dtype=str, keep_default_na=False) for name in ("likert", "choices")
    }
    if pilot_body:
        frames = {name: frame.loc[frame["pilot_body"] == pilot_body] for name, frame in frames.items()}
    return frames


def _complete_respondents(likert: pd.DataFrame) -> int:
    """How many respondents answered every statement."""
    answered = likert.assign(ok=likert["score"] != "").groupby("respondent_id")["ok"].all()
    return int(answered.sum())


def _differences_note(groups: pd.DataFrame, words: dict) -> str:
    sizes = ", ".join(f"{g.short} {g.n}" for g in groups.itertuples())
    return words["differences_too_few"].format(min_group=stats.MIN_GROUP_SIZE_FOR_TESTS, sizes=sizes)


def _reproduction(paths, codebook, computed: dict, lang: str, pilot_body: str, words: dict) -> dict:
    published = published_tables(paths.raw, codebook)
    if not published:
        return {"text": words["reproduction_none"], "differences": [], "n_cells": 0, "n_equal": 0}
    if lang != DEFAULT_LANGUAGE or pilot_body:
        return {"text": words["reproduction_scope"], "differences": [], "n_cells": 0, "n_equal": 0}
    return reproduction_status(computed, published, words, lang=lang)


def summary_lines(
    groups: pd.DataFrame,
    weighting: pd.DataFrame,
    claims: pd.DataFrame,
    reproduction: dict,
    reliability: pd.DataFrame,
    words: dict,
    differences: pd.DataFrame | None = None,
    lang: str = DEFAULT_LANGUAGE,
    groups_with_score: dict[str, int] | None = None,
) -> list[str]:
    """At most ten lines: who answered, the factor order (and which neighbours in it the data cannot tell
    apart), how many findings hold, scales, reproduction status. `groups_with_score`: per factor, how many groups
    have a score for it; a factor averaged over fewer groups than the others says so in the order itself."""
    sizes = ", ".join(f"{g.short} {g.n}" for g in groups.itertuples())
    lines = [words["summary_respondents"].format(n=int(groups["n"].sum()), groups=sizes)]
    if not (groups["n"] > 1).any():
        lines.append(words["summary_one_each"])
    order = weighting.astype(
        {"mean_groups": float, "mean_respondents": float, "rank_groups": int, "rank_respondents": int}
    )
    n_groups = len(groups)

    def over(factor_id: str) -> str:  # "; 5 of 6 groups" when some group left the whole factor blank
        k = (groups_with_score or {}).get(factor_id, n_groups)
        return "; " + words["summary_fewer_groups"].format(k=k, n=n_groups) if k < n_groups else ""

    lines.append(
        words["summary_order"].format(
            order=", ".join(
                f"{r.rank_groups}. {r.factor_short} ({_number(r.mean_groups, lang)}{over(r.factor_id)})"
                for r in order.itertuples()
            )
        )
    )
    unsure = indistinguishable_neighbours(order, differences, words, lang)
    if unsure:
        lines.append(words["summary_indistinguishable"].format(pairs="; ".join(unsure)))
    unknown = neighbours_without_interval(order, differences, words, lang)
    if unknown:
        lines.append(words["summary_no_interval"].format(pairs="; ".join(unknown)))
    if (order["rank_groups"] != order["rank_respondents"]).any():
        by_respondents = order.sort_values(["rank_respondents", "factor_id"], kind="stable")
        lines.append(
            words["summary_order_respondents"].format(
                order=", ".join(
                    f"{r.rank_respondents}. {r.factor_short} ({_number(r.mean_respondents, lang)})"
                    for r in by_respondents.itertuples()
                )
            )
        )
    verdicts = claims["verdict"].value_counts()
    counts = ", ".join(
        words["verdict_count"].format(n=verdicts[v], verdict=words[key])
        for v, key in VERDICT_KEYS.items()
        if v in verdicts
    )
    partly_checkable = int((claims["checkable"] != "").sum()) if "checkable" in claims else 0
    if partly_checkable:
        counts += "; " + words["summary_partly_checkable"].format(n=partly_checkable)
    lines.append(words["summary_claims"].format(counts=counts, total=len(claims)))
    lines.append(words["summary_scales"].format(status=scale_status(reliability, words, lang)))
    lines.append(words["summary_reproduction"].format(status=reproduction["text"]))
    return lines[:10]


def scale_status(reliability: pd.DataFrame, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """Whether the factors form scales, for the summary: from the factors whose alpha was computed, and naming
    those whose alpha was not (too few complete respondents, or one statement), so a check of some factors
    never reads as a check of all."""
    computed = reliability.loc[reliability["alpha"] != ""]
    if computed.empty:
        return words["scale_not_checked"]
    alphas = computed["alpha"].astype(float)
    low = computed.loc[alphas < stats.LOW_ALPHA, "factor"].tolist()
    unchecked = reliability.loc[reliability["alpha"] == "", "factor"].tolist()
    if low:
        status = words["scale_some_low"].format(factors=", ".join(low))
    else:
        fine = "scale_checked_fine" if unchecked else "scale_all_fine"
        status = words[fine].format(low=_number(alphas.min(), lang), high=_number(alphas.max(), lang))
    if unchecked:
        status += "; " + words["scale_not_checked_for"].format(factors=", ".join(unchecked))
    return status


def _neighbour_differences(order: pd.DataFrame, differences: pd.DataFrame | None) -> list[tuple[str, str, pd.Series]]:
    """(factor above, factor below, its row of factor_differences.csv) for each two factors next to each other in
    the order; none when no difference has a CI (one respondent per group: differences of individuals)."""
    if differences is None or differences.empty or (differences["ci_low"] == "").all():
        return []
    table = differences.set_index(["factor_a", "factor_b"])
    ranked = order.sort_values(["rank_groups", "factor_id"], kind="stable")["factor_id"].tolist()
    return [(above, below, table.loc[(above, below)]) for above, below in zip(ranked, ranked[1:])]


def _has_interval(row: pd.Series) -> bool:
    """Whether a factor_differences.csv row has its CI: empty where some resample left a stakeholder type with no
    answer to one of the two factors (a respondent who left a whole factor blank, in a small group)."""
    return row["ci_low"] != "" and row["ci_high"] != ""


def neighbours_without_interval(
    order: pd.DataFrame, differences: pd.DataFrame | None, words: dict | None = None, lang: str = DEFAULT_LANGUAGE
) -> list[str]:
    """'A and B (difference 0.08)' for each two neighbours in the order whose difference has no CI while others
    have one: the data neither tell them apart nor fail to; the report says the CI is not available."""
    names = dict(zip(order["factor_id"], order["factor_short"]))
    return [
        (words or ui(lang))["pair_no_interval"].format(
            a=names[above], b=names[below], difference=_number(row["difference"], lang)
        )
        for above, below, row in _neighbour_differences(order, differences)
        if not _has_interval(row)
    ]


def indistinguishable_neighbours(
    order: pd.DataFrame, differences: pd.DataFrame | None, words: dict | None = None, lang: str = DEFAULT_LANGUAGE
) -> list[str]:
    """'A and B (difference 0.08, 95 % CI -0.02 to 0.18)' for each two factors next to each other in the order
    whose difference's CI includes 0; none without CIs (one respondent per group). A pair whose CI is not
    available is not among them (neighbours_without_interval)."""
    names = dict(zip(order["factor_id"], order["factor_short"]))
    pairs = []
    for above, below, row in _neighbour_differences(order, differences):
        if not _has_interval(row):
            continue
        low, high = float(row["ci_low"]), float(row["ci_high"])
        if low <= 0 <= high:
            pairs.append(
                (words or ui(lang))["pair_indistinguishable"].format(
                    a=names[above],
                    b=names[below],
                    difference=_number(row["difference"], lang),
                    low=_number(low, lang),
                    high=_number(high, lang),
                )
            )
    return pairs


def _answer_counts(likert: pd.DataFrame) -> dict:
    missing = likert["score"] == ""
    reasons = likert.loc[missing, "missing_reason"].value_counts()
    return {
        "n_answers": len(likert),
        "n_missing": int(missing.sum()),
        "n_no_opinion": int(reasons.get("no opinion", 0)),
        "n_blank": int(reasons.get("blank", 0)),
    }


def methods_paragraphs(
    cleaning: dict, groups: pd.DataFrame, codebook, likert: pd.DataFrame, words: dict, lang: str = DEFAULT_LANGUAGE
) -> list[str]:
    """'Data and methods': the data as analysed, the scale, aggregation, uncertainty and tests, and why."""
    values = codebook.scale_values
    data = words["methods_data"].format(
        n_raw=cleaning["n_raw"],
        n_processed=cleaning["n_processed"],
        n_rejected=cleaning["n_rejected"],
        n_groups=len(groups),
        sizes=", ".join(f"{g.short} {g.n}" for g in groups.itertuples()),
        n_statements=len(codebook.statements()),
        n_factors=len(codebook.factors()),
        scale_min=min(values),
        scale_max=max(values),
        **_answer_counts(likert),
    )
    return [
        data,
        words["methods_scale"].format(agree_from=stats.agree_from(codebook)),
        words["methods_aggregation"],
        words["methods_uncertainty"].format(resamples=stats.BOOTSTRAP_RESAMPLES, seed=stats.SEED),
        words["methods_tests"].format(
            min_alpha=stats.MIN_RESPONDENTS_FOR_ALPHA,
            per_item=stats.RESPONDENTS_PER_ITEM_FOR_STRUCTURE,
            min_structure=stats.MIN_RESPONDENTS_FOR_STRUCTURE,
            min_group=stats.MIN_GROUP_SIZE_FOR_TESTS,
        ),
    ]


def limitation_lines(
    groups: pd.DataFrame,
    cleaning: dict,
    measured: dict,
    likert: pd.DataFrame,
    codebook,
    words: dict,
    lang: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """'Limitations', each from the data: groups of one, small groups, small samples, scales, missing and set-aside rows."""
    lines = []
    if not (groups["n"] > 1).any():
        lines.append(words["limit_one_each"].format(n=len(groups)))
    else:
        small = groups.loc[groups["n"] < stats.MIN_GROUP_SIZE_FOR_TESTS]
        if len(small):
            lines.append(
                words["limit_small_groups"].format(
                    min_group=stats.MIN_GROUP_SIZE_FOR_TESTS,
                    groups=", ".join(f"{g.short} {g.n}" for g in small.itertuples()),
                )
            )
    kendall = measured["agreement"].loc[measured["agreement"]["measure"].str.startswith("Kendall")]
    if len(kendall) and kendall.iloc[0]["p_method"] and not kendall.iloc[0]["p_method"].startswith("chi-square"):
        lines.append(
            words["limit_few"].format(
                n=_int(kendall.iloc[0]["n_respondents"]),
                method=p_method_text(kendall.iloc[0]["p_method"], words, lang, short=True),
            )
        )
    reliability = measured["reliability"]
    not_computed = reliability.loc[
        (reliability["alpha"] == "") & (reliability["n_statements"].astype(int) > 1), "factor"
    ]
    if len(not_computed):
        lines.append(words["limit_no_alpha"].format(factors=", ".join(not_computed)))
    computed = reliability.loc[reliability["alpha"] != ""]
    low = computed.loc[computed["alpha"].astype(float) < stats.LOW_ALPHA, "factor"]
    if len(low):
        lines.append(words["limit_low_alpha"].format(factors=", ".join(low), low=i18n.number(stats.LOW_ALPHA, lang, 1)))
    structure = measured["factor_structure"]
    if (groups["n"] > 1).any():
        if structure.empty:
            n = _complete_respondents(likert)
            lines.append(
                words["limit_no_structure"].format(
                    note=words["structure_needs"].format(
                        n=n,
                        per_item=stats.RESPONDENTS_PER_ITEM_FOR_STRUCTURE,
                        min_structure=stats.MIN_RESPONDENTS_FOR_STRUCTURE,
                    )
                )
            )
        elif (structure["fits_codebook"] != "True").any():
            misfits = structure.loc[structure["fits_codebook"] != "True"]
            lines.append(words["limit_structure"].format(n=len(misfits), statements=", ".join(misfits["statement_id"])))
    counts = _answer_counts(likert)
    if counts["n_missing"]:
        lines.append(
            words["limit_missing"].format(
                n_missing=counts["n_missing"],
                n_answers=counts["n_answers"],
                share=i18n.percent(counts["n_missing"] / counts["n_answers"], lang, 1),
            )
        )
    if cleaning["n_rejected"]:
        lines.append(words["limit_rejected"].format(n=cleaning["n_rejected"]))
    unknown = int((~codebook.options()["known"]).sum())
    if unknown:
        lines.append(words["limit_unknown_options"].format(n=unknown))
    return lines or [words["limit_none"]]


def agreement_sentences(agreement: pd.DataFrame, words: dict, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Kendall's W and Krippendorff's alpha in words, every number from agreement.csv."""
    sentences = []
    for row in agreement.to_dict("records"):
        kendall = "W" in row and row["measure"].startswith("Kendall")
        measure = words["kendall_w" if kendall else "krippendorff_alpha"]
        if row.get("note"):
            # the note from stats, in the report's words: what the measure needs, with the counts of the data
            note = (
                words["kendall_needs"].format(k=_int(row["n_factors"]), m=_int(row["n_respondents"]))
                if kendall
                else words["krippendorff_needs"]
            )
            sentences.append(words["not_computed"].format(measure=measure, note=note))
        elif row["measure"].startswith("Kendall"):
            approximate = row["p_method"].startswith("chi-square")
            sentences.append(
                words["kendall_chi2" if approximate else "kendall"].format(
                    W=_number(row["W"], lang, 3),
                    m=_int(row["n_respondents"]),
                    k=_int(row["n_factors"]),
                    p=p_text(row["p"], lang),
                    method=p_method_text(row["p_method"], words, lang),
                    p_chi2=p_text(row["p_chi2"], lang),
                    chi2=_number(row["chi2"], lang),
                    df=_int(row["df"]),
                )
            )
        else:
            sentences.append(
                words["krippendorff"].format(
                    alpha=_number(row["alpha"], lang, 3),
                    low=_number(row["ci_low"], lang),
                    high=_number(row["ci_high"], lang),
                    m=_int(row["n_respondents"]),
                    k=_int(row["n_statements"]),
                )
            )
    return sentences


def scale_sentences(
    reliability: pd.DataFrame,
    items: pd.DataFrame,
    structure: pd.DataFrame,
    n_structure: int | None,
    words: dict,
    lang: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """Cronbach's alpha per factor with its verdict in words, the weakest statement of each, and the factor structure."""
    sentences = []
    for row in reliability.to_dict("records"):
        if row["alpha"] == "":
            note = (
                words["scale_one_statement"]
                if _int(row["n_statements"]) < 2
                else words["scale_too_few"].format(n=_int(row["n_complete"]), min_alpha=stats.MIN_RESPONDENTS_FOR_ALPHA)
            )
            sentences.append(words["scale_not_computed"].format(factor=row["factor"], note=note))
            continue
        sentences.append(
            words["scale_alpha"].format(
                factor=row["factor"],
                alpha=_number(row["alpha"], lang),
                low=_number(row["ci_low"], lang),
                high=_number(row["ci_high"], lang),
                n=_int(row["n_complete"]),
                verdict=scale_verdict_text(float(row["alpha"]), words, lang),
            )
        )
        own = items.loc[items["factor_id"] == row["factor_id"]] if len(items) else items
        if len(own):
            weakest = own.loc[own["item_total_r"].astype(float).idxmin()]
            sentences.append(
                words["scale_items"].format(
                    factor=row["factor"],
                    statement=f"{weakest['statement_id']} “{weakest['statement']}”",
                    r=_number(weakest["item_total_r"], lang),
                    alpha_without=_number(weakest["alpha_if_deleted"], lang),
                )
            )
    if len(structure):
        misfits = structure.loc[structure["fits_codebook"] != "True"]
        k = len([c for c in structure.columns if c.startswith("F") and c[1:].isdigit()])
        if misfits.empty:
            sentences.append(words["scale_structure_fits"].format(n=n_structure, k=k))
        else:
            sentences.append(
                words["scale_structure_misfit"].format(
                    n=n_structure,
                    k=k,
                    count=len(misfits),
                    statements=", ".join(f"{r.statement_id} ({r.factor_id})" for r in misfits.itertuples()),
                )
            )
    return sentences


def difference_sentences(
    differences: pd.DataFrame,
    pairs: pd.DataFrame,
    group_means: pd.DataFrame,
    labels: dict[str, str],
    words: dict,
    note: str,
    lang: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """Kruskal-Wallis per factor with epsilon-squared, the statements that differ after Holm / BH, and Dunn's pairs."""
    if differences.empty:
        return [words["kruskal_none"].format(note=note)]
    sentences = []
    factors = differences.loc[differences["level"] == "factor"]
    means = group_means.loc[group_means["level"] == "factor"].set_index(["id", "stakeholder"])["mean"].astype(float)
    for row in factors.to_dict("records"):
        if row["H"] == "":
            continue
        sentences.append(
            words["kruskal_factor"].format(
                factor=row["label"],
                H=_number(row["H"], lang),
                p=p_text(row["p"], lang),
                epsilon2=_number(row["epsilon2"], lang, 3),
                groups=_int(row["n_groups"]),
                n=_int(row["n"]),
            )
        )
        differ = pairs.loc[
            (pairs["level"] == "factor") & (pairs["id"] == row["id"]) & (pairs["p_holm"].astype(float) < 0.05)
        ]
        if differ.empty:
            sentences.append(words["dunn_none"].format(factor=row["label"]))
            continue
        listed = []
        for pair in differ.itertuples():
            high, low = (
                (pair.group_a, pair.group_b)
                if means[(row["id"], pair.group_a)] >= means[(row["id"], pair.group_b)]
                else (pair.group_b, pair.group_a)
            )
            listed.append(f"{labels[high]} > {labels[low]} ({p_text(pair.p_holm, lang)})")
        sentences.append(words["dunn_pairs"].format(factor=row["label"], pairs="; ".join(listed)))
    statements = differences.loc[(differences["level"] == "statement") & (differences["p"] != "")]
    below = lambda column: int((statements[column].astype(float) < 0.05).sum())  # noqa: E731
    sentences.append(
        words["kruskal_statements"].format(
            holm=below("p_holm"), bh=below("p_bh"), raw=below("p"), total=len(statements)
        )
    )
    return sentences


def group_means_table(
    group_means: pd.DataFrame, groups: pd.DataFrame, words: dict, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame | None:
    """Factor, item, then per stakeholder type 'mean [low–high]' (the mean alone for a type of one); None when every
    type has one respondent (there is no interval to show)."""
    if not (groups["n"] > 1).any():
        return None
    table = group_means.assign(
        cell=[
            _number(r.mean, lang)
            + (f" [{_number(r.ci_low, lang)}–{_number(r.ci_high, lang)}]" if r.ci_low != "" else "")
            for r in group_means.itertuples()
        ]
    )
    wide = table.pivot(index=["level", "id"], columns="stakeholder", values="cell")
    labels = table.drop_duplicates(["level", "id"]).set_index(["level", "id"])["label"]
    columns = [g for g in groups["stakeholder"] if g in wide.columns]
    heading = {g.stakeholder: f"{g.label} (n = {g.n})" for g in groups.itertuples()}
    order = list(dict.fromkeys(zip(group_means["level"], group_means["id"])))
    factor_rows = [key for key in order if key[0] == "factor"]
    statement_rows = [key for key in order if key[0] == "statement"]
    item = f"{words['factor']} / {words['statement']}"
    rows = [
        {"part": words["factors_heading"], item: labels[key], **wide.loc[key, columns].to_dict()} for key in factor_rows
    ]
    rows += [
        {"part": words["statements_heading"], item: f"{key[1]} {labels[key]}", **wide.loc[key, columns].to_dict()}
        for key in statement_rows
    ]
    return pd.DataFrame(rows).fillna("").rename(columns=heading)


def other_answers(choices: pd.DataFrame, codebook) -> pd.DataFrame:
    """question, text, n: each distinct free text written under an 'Other' option, with how many respondents wrote it."""
    texts = choices.loc[choices["free_text"] != ""]
    counts = texts.groupby(["question_id", "free_text"], sort=False)["respondent_id"].nunique().reset_index(name="n")
    order = {q: i for i, q in enumerate(codebook.questions()["question_id"])}
    counts = counts.sort_values(
        ["question_id", "n", "free_text"],
        ascending=[True, False, True],
        kind="stable",
        key=lambda c: c.map(order) if c.name == "question_id" else c,
    )
    return counts.rename(columns={"question_id": "question", "free_text": "text"}).reset_index(drop=True)


def reproduction_status(
    computed: dict[str, pd.DataFrame], published: dict[str, pd.DataFrame], words: dict, lang: str = DEFAULT_LANGUAGE
) -> dict:
    """Compare the computed tables with the published ones cell for cell: {n_cells, n_equal, text, differences}."""
    n_cells = n_equal = 0
    differences = []
    for name, table in published.items():
        mine = computed[name]
        if mine.shape != table.shape or list(mine.columns) != list(table.columns):
            differences.append(
                words["reproduction_shape"].format(
                    table=name,
                    published=f"{table.shape[0]} × {table.shape[1]}",
                    computed=f"{mine.shape[0]} × {mine.shape[1]}",
                )
            )
            n_cells += table.size
            continue
        equal = mine.to_numpy() == table.to_numpy()
        n_cells += equal.size
        n_equal += int(equal.sum())
        for i, j in zip(*np.nonzero(~equal)):
            differences.append(
                words["reproduction_difference"].format(
                    table=name, row=i + 1, column=table.columns[j], published=table.iat[i, j], computed=mine.iat[i, j]
                )
            )
    key = "reproduction_equal" if not differences else "reproduction_differ"
    return {
        "n_cells": n_cells,
        "n_equal": n_equal,
        "differences": differences,
        "text": words[key].format(n_equal=n_equal, n_cells=n_cells, n_differ=n_cells - n_equal),
    }


def published_tables(raw_dir: Path, codebook) -> dict[str, pd.DataFrame]:
    """The published tables the codebook names (dataset.published_tables), read as text; each path must lie
    inside the dataset's folder."""
    named = codebook.dataset.get("published_tables") or {}
    folder = Path(raw_dir).resolve()
    tables = {}
    for name, relative in named.items():
        path = (folder / relative).resolve()
        if folder not in path.parents:
            raise ValueError(
                f"{codebook.source}: dataset.published_tables.{name} = {relative!r} lies outside {folder.name}/"
            )
        tables[name] = read_table(path)
    return tables


def _number(text, lang: str = DEFAULT_LANGUAGE, decimals: int = 2) -> str:
    """A number (or its text read back from CSV) as `lang` writes it; '–' when there is none. Python rounds (as the
    English report always did) and Babel writes the rounded value, so English is unchanged."""
    if text in ("", None) or pd.isna(text):
        return "–"
    return i18n.number(float(f"{float(text):.{decimals}f}"), lang, decimals)


def p_text(p, lang: str = DEFAULT_LANGUAGE) -> str:
    """'p = 0.063', 'p < 0.001' (stats.format_p) with the decimal sign of `lang`; 'p not computed' in its words."""
    if p in ("", None) or pd.isna(p):
        return ui(lang)["p_not_computed"]
    p = float(p)
    return f"p < {_number(0.001, lang, 3)}" if p < 0.001 else f"p = {_number(p, lang, 3)}"


def p_method_text(method: str, words: dict, lang: str = DEFAULT_LANGUAGE, short: bool = False) -> str:
    """How a p was obtained (stats.kendalls_w's p_method, read back from agreement.csv) in the report's words:
    'exact (all 13,824 rearrangements)', 'permutation (… rearrangements, seed …)' or the chi-square approximation;
    `short`: the kind alone ('exact', 'permutation')."""
    import re

    exact = re.fullmatch(r"exact \(all ([\d,]+) rearrangements\)", method)
    permutation = re.fullmatch(r"permutation \(([\d,]+) rearrangements, seed (\d+)\)", method)
    if exact:
        return (
            words["p_exact_short"]
            if short
            else words["p_exact"].format(total=i18n.number(int(exact.group(1).replace(",", "")), lang, 0))
        )
    if permutation:
        return (
            words["p_permutation_short"]
            if short
            else words["p_permutation"].format(
                n=i18n.number(int(permutation.group(1).replace(",", "")), lang, 0), seed=permutation.group(2)
            )
        )
    return words["p_chi2_approximation"] if method.startswith("chi-square") else method


def scale_verdict_text(alpha: float, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """stats.scale_verdict in the report's words: whether a factor's statements form a scale here."""
    if alpha < 0:
        return words["scale_negative"]
    if alpha < stats.LOW_ALPHA:
        return words["scale_low"].format(low=i18n.number(stats.LOW_ALPHA, lang, 1))
    return words["scale_fits"]


def _int(text) -> int:
    """A count read back from CSV, where a column with gaps was written as 4.0."""
    return int(float(text))


# --- figures and their alt text -----------------------------------------------------------------
def report_figures(paths, codebook, lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The figures the figures step drew, in report order, each with a title, a caption and alt text from the data."""
    words = ui(lang)
    factors = codebook.factors(lang)
    candidates = [(f, words["figures"][f][0], f) for f in FIGURES]
    candidates += [
        (
            distribution_stem(f.factor_id),
            f"{words['figures']['answer_distribution'][0]}: {f.factor}",
            "answer_distribution",
        )
        for f in factors.itertuples()
    ]
    drawn = [c for c in candidates if (paths.figures / f"{c[0]}.png").exists()]
    texts = {"scale": ", ".join(str(v) for v in codebook.scale_values), "questions": len(codebook.questions(lang))}
    figures = []
    for number, (stem, title, kind) in enumerate(drawn, start=1):
        figures.append(
            {
                "id": stem,
                "label": words["figure_label"].format(number=number),
                "title": title,
                "caption": words["figures"][kind][1].format(**texts),
                "alt": figure_alt_text(kind, stem, paths.tables, codebook, lang),
                "alt_lang": words_language("alt", lang),
                "src": embed_png(paths.figures / f"{stem}.png"),
            }
        )
    return figures


def words_language(key: str, lang: str) -> str:
    """The language the report's word `key` is shown in: `lang` where ui_text.yaml has it, else English (the fallback)."""
    from helpers.codebook import load_yaml
    from helpers.i18n import UI_TEXT

    own = load_yaml(UI_TEXT.read_text(encoding="utf-8")).get(lang) or {}
    return lang if key in own else DEFAULT_LANGUAGE


def figure_alt_text(kind: str, stem: str, tables: Path, codebook, lang: str = DEFAULT_LANGUAGE) -> str:
    """What a figure shows, in words, with its numbers: read from the tables the pipeline wrote beside it."""
    alt = ui(lang)["alt"]
    if kind == "statement_heatmap":
        summary = pd.read_csv(tables / "statement_summary.csv", dtype={"stakeholder": str})
        ranking = read_table(tables / "factor_ranking.csv")
        groups = dict(zip(codebook.stakeholders(lang)["code"], codebook.stakeholders(lang)["short"]))
        high, low = summary.loc[summary["mean"].idxmax()], summary.loc[summary["mean"].idxmin()]
        return alt["statement_heatmap"].format(
            statements=summary["statement_id"].nunique(),
            factors=summary["factor_id"].nunique(),
            groups=summary["stakeholder"].nunique(),
            high=_number(high["mean"], lang),
            high_statement=high["statement"],
            high_group=groups.get(high["stakeholder"], high["stakeholder"]),
            low=_number(low["mean"], lang),
            low_statement=low["statement"],
            low_group=groups.get(low["stakeholder"], low["stakeholder"]),
            factor_means="; ".join(
                f"{r['factor_short']} {_number(r['mean'], lang)}" for r in ranking.to_dict("records")
            ),
        )
    if kind == "factor_priority":
        ranking = read_table(tables / "factor_ranking.csv")
        return alt["factor_priority"].format(
            ranking="; ".join(
                f"{r['rank']}. {r['factor_short']} {_number(r['mean'], lang)} "
                f"({_number(r['lowest_group_mean'], lang)}–{_number(r['highest_group_mean'], lang)})"
                for r in ranking.to_dict("records")
            )
        )
    if kind == "choice_matrix":
        counts = pd.read_csv(tables / "option_counts.csv", dtype={"letter": str, "text": str})
        totals = counts.groupby(["question_id", "letter"], sort=False)[["n_chose", "n_group"]].sum()
        totals["share"] = totals["n_chose"] / totals["n_group"]
        parts = []
        for number, (question_id, block) in enumerate(totals.groupby(level=0, sort=False), start=1):
            top = block["share"].idxmax()
            parts.append(
                alt["choice_question"].format(
                    number=number, letter=top[1], share=i18n.percent(block["share"].max(), lang)
                )
            )
        return alt["choice_matrix"].format(
            questions=len(parts), options=len(totals), groups=counts["stakeholder"].nunique(), top="; ".join(parts)
        )
    distribution = pd.read_csv(tables / "answer_distribution.csv", dtype={"stakeholder": str})
    statements = codebook.statements(lang)
    factor_id = stem[len(distribution_stem("")) :]
    ids = statements.loc[statements["factor_id"] == factor_id, "statement_id"].tolist()
    values = codebook.scale_values
    middle = (values[0] + values[-1]) / 2
    block = (
        distribution.loc[distribution["statement_id"].isin(ids)]
        .groupby("statement_id", sort=False)
        .sum(numeric_only=True)
    )
    parts = []
    for number, statement_id in enumerate(ids, start=1):
        row = block.loc[statement_id]
        n = row["n"]
        agree = sum(row[str(v)] for v in values if v > middle) / n if n else 0
        disagree = sum(row[str(v)] for v in values if v < middle) / n if n else 0
        parts.append(
            alt["distribution_statement"].format(
                number=number, agree=i18n.percent(agree, lang), disagree=i18n.percent(disagree, lang), n=int(n)
            )
        )
    factor = codebook.factors(lang).set_index("factor_id").loc[factor_id, "factor"]
    return alt["answer_distribution"].format(
        factor=factor, statements=len(ids), groups=distribution["stakeholder"].nunique(), shares="; ".join(parts)
    )
