"""The report: one self-contained HTML file built from the tables and figures the pipeline wrote.

The HTML is rendered with Jinja2 with autoescaping on, so respondents' free
text is shown as text, never run as markup. Figures are embedded as data URIs
and the stylesheet is inline: the file opens offline and requests nothing.
"""
from __future__ import annotations

import base64
import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import jinja2
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE
from helpers.i18n import ui
from helpers.analysis.tables import group_column, group_sizes, table_note
from helpers.publish import distribution_stem

TEMPLATES = Path(__file__).parent / "templates"
KEY_PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbval", "jinja2", "pyyaml")


def read_table(path: Path) -> pd.DataFrame:
    """A table CSV exactly as written: every cell as text, empty cells as ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def html_table(table: pd.DataFrame, group_by: str | None = None) -> dict:
    """Header and rows for the template: the first column of each row is its row header; with `group_by`, a
    row-group header starts each group (as Table 3's factors do)."""
    columns = [c for c in table.columns if c != group_by]
    rows, current = [], None
    for record in table.to_dict("records"):
        if group_by and record[group_by] != current:
            current = record[group_by]
            rows.append({"heading": current})
        rows.append({"header": record[columns[0]],
                     "cells": [(record[c], _is_number(record[c])) for c in columns[1:]]})
    return {"columns": columns, "rows": rows}


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def embed_png(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def priority_summary(ranking: pd.DataFrame, per_group: pd.DataFrame, groups: pd.DataFrame) -> list[str]:
    """Sentences stating the factor priorities, every number taken from the tables."""
    overall = ", ".join(f"{row.rank}. {row.factor_short} ({row.mean:.2f})" for row in ranking.itertuples())
    sentences = [f"Averaged over the {len(groups)} stakeholder groups (each group weighing the same), "
                 f"the factors rank: {overall}."]
    first = ranking.iloc[0]
    sentences.append(f"{first.factor_short} is rated highest (alone or tied) by {first.groups_ranking_first} "
                     f"of {len(groups)} groups.")
    labels = groups.set_index("stakeholder")["label"]
    for stakeholder, block in per_group.groupby("stakeholder", sort=False):
        top = block.loc[block["rank"] == block["rank"].min()]
        bottom = block.loc[block["mean"] == block["mean"].min()]
        sentences.append(
            f"{labels[stakeholder]}: highest {' and '.join(top['factor_short'])} "
            f"({top['mean'].iloc[0]:.2f}), lowest {' and '.join(bottom['factor_short'])} "
            f"({bottom['mean'].iloc[0]:.2f}).")
    return sentences


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def provenance(raw_dir: Path, root: Path, parameters: dict) -> dict:
    """Dataset, parameters, checksums of every raw file, Python and package versions, git commit."""
    files = [{"path": p.relative_to(root).as_posix(), "sha256": sha256(p)}
             for p in sorted(Path(raw_dir).rglob("*")) if p.is_file()]
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
    return environment.get_template("report.html.j2").render(**context)


def write_report(html: str, path: Path) -> Path:
    Path(path).write_text(html, encoding="utf-8", newline="\n")
    return Path(path)



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
        reasons = [f"{row.n} × column {row.column!r}: expected {row.expected}" for row in counted.itertuples()]
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
    tables = [{"id": name, "label": f"{words['table']} {i}", "caption": codebook.table_text(name, "caption", lang) or "",
               "note": table_note(name, codebook, respondents, lang),
               "body": html_table(table[name], group_by=group_column(name, table[name], lang))}
              for i, name in enumerate(PAPER_TABLES, start=1)]
    comparison_path = paths.tables / "pilot_bodies.csv"
    if comparison_path.exists() and len(read_table(comparison_path)) > 1:
        tables.append({"id": "pilot_bodies", "label": f"{words['table']} {len(tables) + 1}",
                       "caption": words["pilot_caption"], "note": words["pilot_note"],
                       "body": html_table(read_table(comparison_path))})
    figures = report_figures(paths, codebook, lang)
    claims_table = read_table(paths.tables / "claims.csv")
    agreement = read_table(paths.tables / "agreement.csv")
    reliability = read_table(paths.tables / "reliability.csv")
    differences = read_table(paths.tables / "group_differences.csv")
    bodies = dict(zip(codebook.pilot_bodies(lang)["code"], codebook.pilot_bodies(lang)["label"]))
    scope = f"Limited to the pilot body {bodies.get(pilot_body, pilot_body)} (n = {len(respondents)})." if pilot_body else ""
    return {
        "t": words, "lang": lang, "source_lang": DEFAULT_LANGUAGE, "dataset": paths.name, "title": codebook.dataset.get("title", paths.name),
        "citation": codebook.dataset.get("source", ""), "synthetic": bool(codebook.dataset.get("synthetic")),
        "intro": "Every table, figure and number below is recomputed from the survey data each time this report is built.",
        "scope": scope,
        "priorities": priority_summary(ranking, per_group, groups), "tables": tables, "figures": figures,
        "quarantine": cleaning,
        "claims": claims_table.to_dict("records"),
        "claim_notes": read_table(paths.tables / "claims_disagreements.csv")["note"].tolist(),
        "agreement": agreement_sentences(agreement, reliability, differences),
        "cleaning": (f"{cleaning['n_raw']} rows in the raw export: {cleaning['n_processed']} processed, "
                     f"{cleaning['n_rejected']} set aside."),
        "provenance": provenance(paths.raw, paths.root, parameters),
    }


def agreement_sentences(agreement: pd.DataFrame, reliability: pd.DataFrame, differences: pd.DataFrame) -> list[str]:
    """The agreement statistics in words, every number from the tables the priorities notebook wrote."""
    sentences = []
    for row in agreement.to_dict("records"):
        if row.get("note"):
            sentences.append(f"{row['measure']}: not computed ({row['note']}).")
        elif row["measure"].startswith("Kendall"):
            sentences.append(f"{row['measure']}: W = {float(row['W']):.3f} over {_int(row['n_respondents'])} respondents "
                             f"and {_int(row['n_factors'])} factors (chi-square = {float(row['chi2']):.2f}, "
                             f"df = {_int(row['df'])}, p = {float(row['p']):.3f}).")
        else:
            sentences.append(f"{row['measure']}: alpha = {float(row['alpha']):.3f} over {_int(row['n_respondents'])} "
                             f"respondents and {_int(row['n_statements'])} statements.")
    for row in reliability.to_dict("records"):
        if row["note"]:
            sentences.append(f"Cronbach's alpha, {row['factor']}: {row['note']}.")
        else:
            sentences.append(f"Cronbach's alpha, {row['factor']}: {float(row['alpha']):.3f} "
                             f"(95 % CI {float(row['ci_low']):.2f} to {float(row['ci_high']):.2f}, n = {_int(row['n_complete'])}).")
    if differences.empty:
        sentences.append("Kruskal–Wallis across stakeholder groups: not computed — too few respondents per group.")
    else:
        factors = differences.loc[differences["level"] == "factor"]
        for row in factors.to_dict("records"):
            if row["H"]:
                sentences.append(f"Kruskal–Wallis across stakeholder groups, {row['label']}: H = {float(row['H']):.2f}, "
                                 f"p = {float(row['p']):.3f} ({_int(row['n_groups'])} groups, n = {_int(row['n'])}).")
        significant = differences.loc[(differences["level"] == "statement") & (differences["p"] != "")]
        low = significant.loc[significant["p"].astype(float) < 0.05]
        sentences.append(f"Statements whose scores differ between groups at p < 0.05: {len(low)} of {len(significant)} "
                         "(not corrected for multiple comparisons; the full list is in group_differences.csv).")
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
