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
import pandas as pd
from markupsafe import Markup, escape

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE, dataset_title, label_language
from helpers.files import read_csv_for_people, write_text
from helpers.i18n import say, ui
from helpers.analysis import claims as paper_claims
from helpers.analysis.tables import group_column, group_sizes, table_note
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
        rows.append({"header": record[columns[0]],
                     "cells": [(local_number(record[c], lang), _is_number(record[c])) for c in columns[1:]]})
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


def priority_summary(ranking: pd.DataFrame, per_group: pd.DataFrame, groups: pd.DataFrame,
                     lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Sentences stating the factor priorities, every number taken from the tables."""
    def num(value: float) -> str:
        return i18n.number(value, lang)

    overall = ", ".join(f"{row.rank}. {row.factor_short} ({num(row.mean)})" for row in ranking.itertuples())
    sentences = [say(lang, "priorities_overall", n=len(groups), ranking=overall)]
    first = ranking.iloc[0]
    sentences.append(say(lang, "priorities_first", factor=first.factor_short, k=first.groups_ranking_first, n=len(groups)))
    labels = groups.set_index("stakeholder")["label"]
    joiner = f" {ui(lang)['and']} "
    for stakeholder, block in per_group.groupby("stakeholder", sort=False):
        top = block.loc[block["rank"] == block["rank"].min()]
        bottom = block.loc[block["mean"] == block["mean"].min()]
        sentences.append(say(lang, "priorities_group", group=labels[stakeholder],
                             top=joiner.join(top["factor_short"]), top_mean=num(top["mean"].iloc[0]),
                             bottom=joiner.join(bottom["factor_short"]), bottom_mean=num(bottom["mean"].iloc[0])))
    return sentences


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def files_read(records: list[Path]) -> dict[str, str]:
    """Every file the steps before the report read, with its SHA-256, as their records name them."""
    read = {}
    for record in records:
        if record.name.endswith(".failed.ipynb"):
            continue
        try:
            read.update(json.loads(Path(record).read_text(encoding="utf-8"))["metadata"].get("helpers", {}).get("read", {}))
        except (OSError, ValueError, KeyError):
            continue
    return read


def provenance(raw_dir: Path, root: Path, parameters: dict, records: list[Path] = ()) -> dict:
    """Dataset, parameters, checksums of every raw file and of every file the steps read (from their
    records), Python and package versions, git commit."""
    files = [{"path": p.relative_to(root).as_posix(), "sha256": sha256(p)}
             for p in sorted(Path(raw_dir).rglob("*")) if p.is_file()]
    listed = {f["path"] for f in files}
    files += [{"path": path, "sha256": digest} for path, digest in sorted(files_read(records).items())
              if path not in listed and not path.startswith(".venv/")]
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {"parameters": parameters, "files": files, "python": platform.python_version(),
            "packages": versions, "commit": git_commit(root)}


def git_commit(root: Path) -> str:
    """The commit the code was at, with '+ uncommitted changes' when the tree differs from it."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "notebooks", "data/raw"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" + uncommitted changes" if dirty else "")


def render_report(context: dict) -> str:
    """Render the report template with `context` (see report_context for its keys)."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
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
        choices = pd.read_csv(choices_path, dtype=str, keep_default_na=False)
        if "free_text" in choices.columns:
            answers |= set(choices["free_text"])
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


def write_fallbacks(codebook, lang: str, path: Path) -> pd.DataFrame:
    """Write (and return) every string the report in `lang` shows in a fallback language: key, file, shown_in.

    The file sits beside the report; `make report` counts its rows and says so in one line.
    """
    rows = i18n.coverage(codebook.raw, [lang], paper_claims.paper_claims())
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
    rejected_path, validation_path = processed / "rejected.csv", processed / "validation.csv"
    rejected = read_table(rejected_path) if rejected_path.exists() else pd.DataFrame()
    problems = read_table(validation_path) if validation_path.exists() else pd.DataFrame()
    reasons = []
    if not problems.empty:
        counted = problems.groupby(["column", "expected"], sort=False).size().reset_index(name="n")
        reasons = [{"n": row.n, "column": row.column, "expected": row.expected} for row in counted.itertuples()]
    n_rejected = len(rejected)
    return {"n_raw": len(respondents) + n_rejected, "n_processed": len(respondents), "n_rejected": n_rejected,
            "reasons": reasons, "respondents": respondents}


def report_context(paths, codebook, parameters: dict, lang: str = DEFAULT_LANGUAGE) -> dict:
    """Everything the template shows, read from the files the earlier notebooks wrote."""
    table = {name: read_table(paths.tables / f"{name}.csv") for name in (*PAPER_TABLES, "factor_summary", "factor_ranking")}
    cleaning = cleaning_summary(paths.processed)
    respondents = cleaning["respondents"]
    pilot_body = parameters.get("pilot_body") or ""
    if pilot_body:
        respondents = respondents.loc[respondents["pilot_body"] == pilot_body]
    groups = group_sizes(respondents, codebook, lang)
    ranking = table["factor_ranking"].astype({"mean": float, "rank": int, "groups_ranking_first": int})
    per_group = table["factor_summary"].astype({"mean": float, "rank": int})
    words = ui(lang)
    tables = [{"id": name, "label": words["table_label"].format(number=i), "caption": codebook.table_text(name, "caption", lang) or "",
               "note": table_note(name, codebook, respondents, lang),
               "body": html_table(table[name], group_by=group_column(name, table[name], lang), lang=lang)}
              for i, name in enumerate(PAPER_TABLES, start=1)]
    comparison_path = paths.tables / "pilot_bodies.csv"
    if comparison_path.exists() and len(read_table(comparison_path)) > 1:
        tables.append({"id": "pilot_bodies", "label": words["table_label"].format(number=len(tables) + 1),
                       "caption": words["pilot_caption"], "note": words["pilot_note"],
                       "body": html_table(read_table(comparison_path), lang=lang)})
    figures = report_figures(paths, codebook, lang)
    claims_table = read_table(paths.tables / "claims.csv")
    agreement = read_table(paths.tables / "agreement.csv")
    reliability = read_table(paths.tables / "reliability.csv")
    differences = read_table(paths.tables / "group_differences.csv")
    bodies = dict(zip(codebook.pilot_bodies(lang)["code"], codebook.pilot_bodies(lang)["label"]))
    scope = say(lang, "scope", body=bodies.get(pilot_body, pilot_body), n=len(respondents)) if pilot_body else ""
    rejected_file = Markup("<code>{}</code>").format(f"data/processed/{paths.name}/rejected.csv")
    notebooks = Markup("<code>{}</code>").format(paths.relative(paths.notebooks))
    return {
        "t": words, "lang": lang, "source_lang": DEFAULT_LANGUAGE, "dataset": paths.name,
        "title": dataset_title(codebook, lang, paths.name),
        "citation": codebook.dataset.get("source", ""), "synthetic": bool(codebook.dataset.get("synthetic")),
        "intro": words["report_intro"],
        "translated": lang in (codebook.dataset.get("translated") or []),
        "scope": scope,
        "priorities": priority_summary(ranking, per_group, groups, lang), "tables": tables, "figures": figures,
        "quarantine": {**cleaning, "reasons": [say(lang, "set_aside_reason", **r) for r in cleaning["reasons"]]},
        "set_aside_where": Markup(escape(words["set_aside_where"])).format(file=rejected_file),
        "claims": localised_claims(claims_table, lang),
        "claim_notes": read_table(paths.tables / "claims_disagreements.csv")["note"].tolist(),
        "agreement": agreement_sentences(agreement, reliability, differences, lang),
        "cleaning": say(lang, "cleaning", n_raw=cleaning["n_raw"], n_processed=cleaning["n_processed"],
                        n_rejected=cleaning["n_rejected"]),
        "provenance_intro": Markup(escape(words["provenance_intro"])).format(
            dataset=Markup("<code>{}</code>").format(paths.name), notebooks=notebooks,
            command=Markup("<code>make report DATA={} REPORT_LANG={}</code>").format(paths.name, lang)),
        "provenance": provenance(paths.raw, paths.root, parameters,
                                 sorted(paths.dataset_reports.glob("notebooks/*.ipynb")) + sorted(paths.notebooks.glob("*.ipynb"))),
        "fallbacks": fallback_labels(codebook, lang),
        "answers": free_text_answers(codebook, cleaning["respondents"], paths.processed),
    }


VERDICT_KEYS = {paper_claims.SUPPORTED: "verdict_supported", paper_claims.PARTLY: "verdict_partly",
                paper_claims.NOT: "verdict_not", paper_claims.UNCHECKABLE: "verdict_uncheckable"}


def localised_claims(claims_table: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The claims table's rows for the template: the paper's quote as the paper words it, with this project's
    translation into `lang` (from ui_text.yaml's `findings`), the verdict and the description in `lang`."""
    words = ui(lang)
    translated = i18n.finding_texts(lang)
    rows = []
    for row in claims_table.to_dict("records"):
        own = translated.get(row["id"], {})
        rows.append({**row, "verdict": words.get(VERDICT_KEYS.get(row["verdict"], ""), row["verdict"]),
                     "where": own.get("where", row["where"]), "evidence": own.get("evidence", row["evidence"]),
                     "translation": own.get("quote", "")})
    return rows


def agreement_sentences(agreement: pd.DataFrame, reliability: pd.DataFrame, differences: pd.DataFrame,
                        lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The agreement statistics in words, every number from the tables the priorities notebook wrote."""
    def num(text, decimals: int = 2) -> str:
        return i18n.number(float(text), lang, decimals)

    sentences = []
    for row in agreement.to_dict("records"):
        kendall = "W" in row and row["measure"].startswith("Kendall")
        measure = ui(lang)["kendall_w" if kendall else "krippendorff_alpha"]
        if row.get("note"):
            reason = (say(lang, "kendall_needs", k=_int(row["n_factors"]), m=_int(row["n_respondents"])) if kendall
                      else ui(lang)["krippendorff_needs"])
            sentences.append(say(lang, "not_computed", measure=measure, reason=reason))
        elif kendall:
            sentences.append(say(lang, "kendall_sentence", measure=measure, W=num(row["W"], 3), m=_int(row["n_respondents"]),
                                 k=_int(row["n_factors"]), chi2=num(row["chi2"]), df=_int(row["df"]), p=num(row["p"], 3)))
        else:
            sentences.append(say(lang, "krippendorff_sentence", measure=measure, alpha=num(row["alpha"], 3),
                                 m=_int(row["n_respondents"]), k=_int(row["n_statements"])))
    for row in reliability.to_dict("records"):
        if row["note"]:
            key = "cronbach_one_statement" if _int(row["n_statements"]) < 2 else "cronbach_too_few"
            sentences.append(say(lang, key, factor=row["factor"], n=_int(row["n_complete"])))
        else:
            sentences.append(say(lang, "cronbach_sentence", factor=row["factor"], alpha=num(row["alpha"], 3),
                                 low=num(row["ci_low"]), high=num(row["ci_high"]), n=_int(row["n_complete"])))
    if differences.empty:
        sentences.append(ui(lang)["kruskal_not_computed"])
    else:
        factors = differences.loc[differences["level"] == "factor"]
        for row in factors.to_dict("records"):
            if row["H"]:
                sentences.append(say(lang, "kruskal_sentence", factor=row["label"], H=num(row["H"]), p=num(row["p"], 3),
                                     groups=_int(row["n_groups"]), n=_int(row["n"])))
        significant = differences.loc[(differences["level"] == "statement") & (differences["p"] != "")]
        low = significant.loc[significant["p"].astype(float) < 0.05]
        sentences.append(say(lang, "kruskal_statements", low=len(low), total=len(significant), alpha=num(0.05)))
    return sentences


def _int(text) -> int:
    """A count read back from CSV, where a column with gaps was written as 4.0."""
    return int(float(text))


# --- figures and their alt text -----------------------------------------------------------------
def report_figures(paths, codebook, lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The figures the figures step drew, in report order, each with a title, a caption and alt text from the data."""
    words = ui(lang)
    factors = codebook.factors(lang)
    candidates = [(f, words["figures"][f][0], f) for f in FIGURES]
    candidates += [(distribution_stem(f.factor_id), f"{words['figures']['answer_distribution'][0]}: {f.factor}",
                    "answer_distribution") for f in factors.itertuples()]
    drawn = [c for c in candidates if (paths.figures / f"{c[0]}.png").exists()]
    texts = {"scale": ", ".join(str(v) for v in codebook.scale_values),
             "questions": len(codebook.questions(lang))}
    figures = []
    for number, (stem, title, kind) in enumerate(drawn, start=1):
        figures.append({"id": stem, "label": f"{words['figure']} {number}", "title": title,
                        "caption": words["figures"][kind][1].format(**texts),
                        "alt": figure_alt_text(kind, stem, paths.tables, codebook, lang),
                        "alt_lang": words_language("alt", lang),
                        "src": embed_png(paths.figures / f"{stem}.png")})
    return figures


def words_language(key: str, lang: str) -> str:
    """The language the report's word `key` is shown in: `lang` where ui_text.yaml has it, else English (the fallback)."""
    import yaml

    from helpers.i18n import UI_TEXT

    own = (yaml.safe_load(UI_TEXT.read_text(encoding="utf-8")).get(lang) or {})
    return lang if key in own else DEFAULT_LANGUAGE


def _number(value: float) -> str:
    return f"{value:.2f}"


def figure_alt_text(kind: str, stem: str, tables: Path, codebook, lang: str = DEFAULT_LANGUAGE) -> str:
    """What a figure shows, in words, with its numbers: read from the tables the pipeline wrote beside it."""
    alt = ui(lang)["alt"]
    if kind == "statement_heatmap":
        summary = pd.read_csv(tables / "statement_summary.csv", dtype={"stakeholder": str})
        ranking = read_table(tables / "factor_ranking.csv")
        groups = dict(zip(codebook.stakeholders(lang)["code"], codebook.stakeholders(lang)["short"]))
        high, low = summary.loc[summary["mean"].idxmax()], summary.loc[summary["mean"].idxmin()]
        return alt["statement_heatmap"].format(
            statements=summary["statement_id"].nunique(), factors=summary["factor_id"].nunique(),
            groups=summary["stakeholder"].nunique(), high=_number(high["mean"]), high_statement=high["statement"],
            high_group=groups.get(high["stakeholder"], high["stakeholder"]), low=_number(low["mean"]),
            low_statement=low["statement"], low_group=groups.get(low["stakeholder"], low["stakeholder"]),
            factor_means="; ".join(f"{r['factor_short']} {_number(float(r['mean']))}" for r in ranking.to_dict("records")))
    if kind == "factor_priority":
        ranking = read_table(tables / "factor_ranking.csv")
        return alt["factor_priority"].format(
            ranking="; ".join(f"{r['rank']}. {r['factor_short']} {_number(float(r['mean']))} "
                              f"({_number(float(r['lowest_group_mean']))}–{_number(float(r['highest_group_mean']))})"
                              for r in ranking.to_dict("records")))
    if kind == "choice_matrix":
        counts = pd.read_csv(tables / "option_counts.csv", dtype={"letter": str, "text": str})
        totals = counts.groupby(["question_id", "letter"], sort=False)[["n_chose", "n_group"]].sum()
        totals["share"] = totals["n_chose"] / totals["n_group"]
        parts = []
        for number, (question_id, block) in enumerate(totals.groupby(level=0, sort=False), start=1):
            top = block["share"].idxmax()
            parts.append(alt["choice_question"].format(number=number, letter=top[1], share=f"{block['share'].max():.0%}"))
        return alt["choice_matrix"].format(questions=len(parts), options=len(totals),
                                           groups=counts["stakeholder"].nunique(), top="; ".join(parts))
    distribution = pd.read_csv(tables / "answer_distribution.csv", dtype={"stakeholder": str})
    statements = codebook.statements(lang)
    factor_id = stem[len(distribution_stem("")):]
    ids = statements.loc[statements["factor_id"] == factor_id, "statement_id"].tolist()
    values = codebook.scale_values
    middle = (values[0] + values[-1]) / 2
    block = distribution.loc[distribution["statement_id"].isin(ids)].groupby("statement_id", sort=False).sum(numeric_only=True)
    parts = []
    for number, statement_id in enumerate(ids, start=1):
        row = block.loc[statement_id]
        n = row["n"]
        agree = sum(row[str(v)] for v in values if v > middle) / n if n else 0
        disagree = sum(row[str(v)] for v in values if v < middle) / n if n else 0
        parts.append(alt["distribution_statement"].format(number=number, agree=f"{agree:.0%}",
                                                          disagree=f"{disagree:.0%}", n=int(n)))
    factor = codebook.factors(lang).set_index("factor_id").loc[factor_id, "factor"]
    return alt["answer_distribution"].format(factor=factor, statements=len(ids),
                                             groups=distribution["stakeholder"].nunique(), shares="; ".join(parts))
