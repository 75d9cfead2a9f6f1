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
import numpy as np
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE
from helpers.i18n import ui
from helpers.analysis import stats
from helpers.analysis.stats import format_p
from helpers.analysis.tables import group_sizes, table_note

TEMPLATES = Path(__file__).parent / "templates"
KEY_PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbval", "jinja2", "pyyaml")


def read_table(path: Path) -> pd.DataFrame:
    """A table CSV exactly as written: every cell as text, empty cells as ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def html_table(table: pd.DataFrame, group_by: str | None = None) -> dict:
    """Header and rows for the template; with `group_by`, a heading row starts each group (as Table 3 does)."""
    columns = [c for c in table.columns if c != group_by]
    rows, current = [], None
    for record in table.to_dict("records"):
        if group_by and record[group_by] != current:
            current = record[group_by]
            rows.append({"heading": current})
        rows.append({"cells": [(record[c], _is_number(record[c])) for c in columns]})
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



FIGURES = ("statement_heatmap", "factor_priority", "choice_matrix", "answer_distribution")
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
               "body": html_table(table[name], group_by=table[name].columns[0] if name == "table3" else None)}
              for i, name in enumerate(PAPER_TABLES, start=1)]
    measured = {name: read_table(paths.tables / f"{name}.csv") for name in
                ("agreement", "reliability", "item_statistics", "factor_structure", "group_means", "group_differences",
                 "pairwise_differences", "factor_weighting", "factor_differences", "claims", "claims_disagreements")}
    means = group_means_table(measured["group_means"], groups, words)
    if means is not None:
        tables.append({"id": "group_means", "label": f"{words['table']} {len(tables) + 1}",
                       "caption": words["group_means"],
                       "note": words["group_means_caption"] + " " + words["group_means_note"].format(
                           resamples=stats.BOOTSTRAP_RESAMPLES, seed=stats.SEED),
                       "body": html_table(means, group_by="part")})
    comparison_path = paths.tables / "pilot_bodies.csv"
    if comparison_path.exists() and len(read_table(comparison_path)) > 1:
        tables.append({"id": "pilot_bodies", "label": f"{words['table']} {len(tables) + 1}",
                       "caption": words["pilot_caption"], "note": words["pilot_note"],
                       "body": html_table(read_table(comparison_path))})
    drawn = [f for f in FIGURES if (paths.figures / f"{f}.png").exists()]
    figures = [{"id": f, "label": f"{words['figure']} {i}", "title": words["figures"][f][0],
                "caption": words["figures"][f][1].format(scale=codebook.scale_values), "src": embed_png(paths.figures / f"{f}.png")}
               for i, f in enumerate(drawn, start=1)]
    bodies = dict(zip(codebook.pilot_bodies(lang)["code"], codebook.pilot_bodies(lang)["label"]))
    scope = f"Limited to the pilot body {bodies.get(pilot_body, pilot_body)} (n = {len(respondents)})." if pilot_body else ""
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
        "t": words, "lang": lang, "dataset": paths.name, "title": codebook.dataset.get("title", paths.name),
        "citation": codebook.dataset.get("source", ""), "synthetic": bool(codebook.dataset.get("synthetic")),
        "intro": "Every table, figure and number below is recomputed from the survey data each time this report is built.",
        "scope": scope,
        "summary": summary_lines(groups, measured["factor_weighting"], claims_table, reproduction, measured["reliability"],
                                 words, measured["factor_differences"]),
        "methods": methods_paragraphs(cleaning, groups, codebook, processed["likert"], words),
        "limitations": limitation_lines(groups, cleaning, measured, processed["likert"], codebook, words),
        "reproduction": reproduction,
        "one_each": not (groups["n"] > 1).any(),
        "priorities": priority_summary(ranking, per_group, groups), "tables": tables, "figures": figures,
        "quarantine": cleaning,
        "claims": claims_table.to_dict("records"), "replication": replication,
        "claim_notes": measured["claims_disagreements"]["note"].tolist(),
        "agreement": agreement_sentences(measured["agreement"], words),
        "scales": scale_sentences(measured["reliability"], measured["item_statistics"], structure, n_structure, words),
        "differences": difference_sentences(measured["group_differences"], measured["pairwise_differences"],
                                            measured["group_means"], labels, words,
                                            _differences_note(groups, words)),
        "other_answers": [{"question": question_text.get(r.question, r.question), "text": r.text, "n": r.n}
                          for r in others.itertuples()],
        "cleaning": (f"{cleaning['n_raw']} rows in the raw export: {cleaning['n_processed']} processed, "
                     f"{cleaning['n_rejected']} set aside."),
        "provenance": provenance(paths.raw, paths.root, parameters),
    }


def _processed_answers(processed: Path, pilot_body: str) -> dict[str, pd.DataFrame]:
    """The Likert answers and the choices, as text, limited to the pilot body when one is chosen."""
    frames = {name: read_table(processed / f"{name}.csv") for name in ("likert", "choices")}
    if pilot_body:
        frames = {name: frame.loc[frame["pilot_body"] == pilot_body] for name, frame in frames.items()}
    return frames


def _complete_respondents(likert: pd.DataFrame) -> int:
    """How many respondents answered every statement."""
    answered = likert.assign(ok=likert["score"] != "").groupby("respondent_id")["ok"].all()
    return int(answered.sum())


def _differences_note(groups: pd.DataFrame, words: dict) -> str:
    sizes = ", ".join(f"{g.short} {g.n}" for g in groups.itertuples())
    return (f"fewer than two stakeholder types have {stats.MIN_GROUP_SIZE_FOR_TESTS} or more respondents; "
            f"sizes: {sizes}")


def _reproduction(paths, codebook, computed: dict, lang: str, pilot_body: str, words: dict) -> dict:
    published = published_tables(paths.raw, codebook)
    if not published:
        return {"text": words["reproduction_none"], "differences": [], "n_cells": 0, "n_equal": 0}
    if lang != DEFAULT_LANGUAGE or pilot_body:
        return {"text": words["reproduction_scope"], "differences": [], "n_cells": 0, "n_equal": 0}
    return reproduction_status(computed, published, words)


def summary_lines(groups: pd.DataFrame, weighting: pd.DataFrame, claims: pd.DataFrame, reproduction: dict,
                  reliability: pd.DataFrame, words: dict, differences: pd.DataFrame | None = None) -> list[str]:
    """At most ten lines: who answered, the factor order (and which neighbours in it the data cannot tell
    apart), how many findings hold, scales, reproduction status."""
    sizes = ", ".join(f"{g.short} {g.n}" for g in groups.itertuples())
    lines = [words["summary_respondents"].format(n=int(groups["n"].sum()), groups=sizes)]
    if not (groups["n"] > 1).any():
        lines.append(words["summary_one_each"])
    order = weighting.astype({"mean_groups": float, "mean_respondents": float, "rank_groups": int, "rank_respondents": int})
    lines.append(words["summary_order"].format(order=", ".join(
        f"{r.rank_groups}. {r.factor_short} ({r.mean_groups:.2f})" for r in order.itertuples())))
    unsure = indistinguishable_neighbours(order, differences)
    if unsure:
        lines.append(words["summary_indistinguishable"].format(pairs="; ".join(unsure)))
    if (order["rank_groups"] != order["rank_respondents"]).any():
        by_respondents = order.sort_values(["rank_respondents", "factor_id"], kind="stable")
        lines.append(words["summary_order_respondents"].format(order=", ".join(
            f"{r.rank_respondents}. {r.factor_short} ({r.mean_respondents:.2f})" for r in by_respondents.itertuples())))
    verdicts = claims["verdict"].value_counts()
    counts = ", ".join(f"{verdicts[v]} {v}" for v in ("supported", "partly supported", "not supported",
                                                       "cannot be checked here") if v in verdicts)
    partly_checkable = int((claims["checkable"] != "").sum()) if "checkable" in claims else 0
    if partly_checkable:
        counts += "; " + words["summary_partly_checkable"].format(n=partly_checkable)
    lines.append(words["summary_claims"].format(counts=counts, total=len(claims)))
    computed = reliability.loc[reliability["alpha"] != ""]
    if computed.empty:
        scales = words["scale_not_checked"]
    else:
        alphas = computed["alpha"].astype(float)
        low = computed.loc[alphas < stats.LOW_ALPHA, "factor"].tolist()
        scales = (words["scale_some_low"].format(factors=", ".join(low)) if low else
                  words["scale_all_fine"].format(low=f"{alphas.min():.2f}", high=f"{alphas.max():.2f}"))
    lines.append(words["summary_scales"].format(status=scales))
    lines.append(words["summary_reproduction"].format(status=reproduction["text"]))
    return lines[:10]


def indistinguishable_neighbours(order: pd.DataFrame, differences: pd.DataFrame | None) -> list[str]:
    """'A and B (difference 0.08, 95 % CI -0.02 to 0.18)' for each two factors next to each other in the order
    whose difference's CI includes 0; none without CIs (one respondent per group)."""
    if differences is None or differences.empty or (differences["ci_low"] == "").all():
        return []
    table = differences.set_index(["factor_a", "factor_b"])
    names = dict(zip(order["factor_id"], order["factor_short"]))
    ranked = order.sort_values(["rank_groups", "factor_id"], kind="stable")["factor_id"].tolist()
    pairs = []
    for above, below in zip(ranked, ranked[1:]):
        row = table.loc[(above, below)]
        low, high = float(row["ci_low"]), float(row["ci_high"])
        if low <= 0 <= high:
            pairs.append(f"{names[above]} and {names[below]} (difference {float(row['difference']):.2f}, "
                         f"95 % CI {low:.2f} to {high:.2f})")
    return pairs


def _answer_counts(likert: pd.DataFrame) -> dict:
    missing = likert["score"] == ""
    reasons = likert.loc[missing, "missing_reason"].value_counts()
    return {"n_answers": len(likert), "n_missing": int(missing.sum()), "n_no_opinion": int(reasons.get("no opinion", 0)),
            "n_blank": int(reasons.get("blank", 0))}


def methods_paragraphs(cleaning: dict, groups: pd.DataFrame, codebook, likert: pd.DataFrame, words: dict) -> list[str]:
    """'Data and methods': the data as analysed, the scale, aggregation, uncertainty and tests, and why."""
    values = codebook.scale_values
    data = words["methods_data"].format(
        n_raw=cleaning["n_raw"], n_processed=cleaning["n_processed"], n_rejected=cleaning["n_rejected"],
        n_groups=len(groups), sizes=", ".join(f"{g.short} {g.n}" for g in groups.itertuples()),
        n_statements=len(codebook.statements()), n_factors=len(codebook.factors()), scale_min=min(values),
        scale_max=max(values), **_answer_counts(likert))
    return [data, words["methods_scale"].format(agree_from=stats.agree_from(codebook)), words["methods_aggregation"],
            words["methods_uncertainty"].format(resamples=stats.BOOTSTRAP_RESAMPLES, seed=stats.SEED),
            words["methods_tests"].format(min_alpha=stats.MIN_RESPONDENTS_FOR_ALPHA,
                                          per_item=stats.RESPONDENTS_PER_ITEM_FOR_STRUCTURE,
                                          min_structure=stats.MIN_RESPONDENTS_FOR_STRUCTURE,
                                          min_group=stats.MIN_GROUP_SIZE_FOR_TESTS)]


def limitation_lines(groups: pd.DataFrame, cleaning: dict, measured: dict, likert: pd.DataFrame, codebook,
                     words: dict) -> list[str]:
    """'Limitations', each from the data: groups of one, small groups, small samples, scales, missing and set-aside rows."""
    lines = []
    if not (groups["n"] > 1).any():
        lines.append(words["limit_one_each"].format(n=len(groups)))
    else:
        small = groups.loc[groups["n"] < stats.MIN_GROUP_SIZE_FOR_TESTS]
        if len(small):
            lines.append(words["limit_small_groups"].format(min_group=stats.MIN_GROUP_SIZE_FOR_TESTS,
                                                            groups=", ".join(f"{g.short} {g.n}" for g in small.itertuples())))
    kendall = measured["agreement"].loc[measured["agreement"]["measure"].str.startswith("Kendall")]
    if len(kendall) and kendall.iloc[0]["p_method"] and not kendall.iloc[0]["p_method"].startswith("chi-square"):
        lines.append(words["limit_few"].format(n=_int(kendall.iloc[0]["n_respondents"]),
                                               method=kendall.iloc[0]["p_method"].split(" (")[0]))
    reliability = measured["reliability"]
    not_computed = reliability.loc[(reliability["alpha"] == "") & (reliability["n_statements"].astype(int) > 1), "factor"]
    if len(not_computed):
        lines.append(words["limit_no_alpha"].format(factors=", ".join(not_computed)))
    computed = reliability.loc[reliability["alpha"] != ""]
    low = computed.loc[computed["alpha"].astype(float) < stats.LOW_ALPHA, "factor"]
    if len(low):
        lines.append(words["limit_low_alpha"].format(factors=", ".join(low), low=stats.LOW_ALPHA))
    structure = measured["factor_structure"]
    if (groups["n"] > 1).any():
        if structure.empty:
            n = _complete_respondents(likert)
            lines.append(words["limit_no_structure"].format(note=f"{n} respondents answered every statement; the check "
                         f"needs {stats.RESPONDENTS_PER_ITEM_FOR_STRUCTURE} per statement and at least "
                         f"{stats.MIN_RESPONDENTS_FOR_STRUCTURE}"))
        elif (structure["fits_codebook"] != "True").any():
            misfits = structure.loc[structure["fits_codebook"] != "True"]
            lines.append(words["limit_structure"].format(n=len(misfits), statements=", ".join(misfits["statement_id"])))
    counts = _answer_counts(likert)
    if counts["n_missing"]:
        lines.append(words["limit_missing"].format(n_missing=counts["n_missing"], n_answers=counts["n_answers"],
                                                   share=f"{counts['n_missing'] / counts['n_answers']:.1%}"))
    if cleaning["n_rejected"]:
        lines.append(words["limit_rejected"].format(n=cleaning["n_rejected"]))
    unknown = int((~codebook.options()["known"]).sum())
    if unknown:
        lines.append(words["limit_unknown_options"].format(n=unknown))
    return lines or [words["limit_none"]]


def agreement_sentences(agreement: pd.DataFrame, words: dict) -> list[str]:
    """Kendall's W and Krippendorff's alpha in words, every number from agreement.csv."""
    sentences = []
    for row in agreement.to_dict("records"):
        if row.get("note"):
            sentences.append(words["not_computed"].format(measure=row["measure"], note=row["note"]))
        elif row["measure"].startswith("Kendall"):
            approximate = row["p_method"].startswith("chi-square")
            sentences.append(words["kendall_chi2" if approximate else "kendall"].format(
                W=f"{float(row['W']):.3f}", m=_int(row["n_respondents"]), k=_int(row["n_factors"]),
                p=format_p(float(row["p"])), method=row["p_method"], p_chi2=format_p(float(row["p_chi2"])),
                chi2=f"{float(row['chi2']):.2f}", df=_int(row["df"])))
        else:
            sentences.append(words["krippendorff"].format(
                alpha=f"{float(row['alpha']):.3f}", low=_number(row["ci_low"]), high=_number(row["ci_high"]),
                m=_int(row["n_respondents"]), k=_int(row["n_statements"])))
    return sentences


def scale_sentences(reliability: pd.DataFrame, items: pd.DataFrame, structure: pd.DataFrame, n_structure: int | None,
                    words: dict) -> list[str]:
    """Cronbach's alpha per factor with its verdict in words, the weakest statement of each, and the factor structure."""
    sentences = []
    for row in reliability.to_dict("records"):
        if row["alpha"] == "":
            sentences.append(words["scale_not_computed"].format(factor=row["factor"], note=row["note"]))
            continue
        sentences.append(words["scale_alpha"].format(factor=row["factor"], alpha=f"{float(row['alpha']):.2f}",
                                                     low=_number(row["ci_low"]), high=_number(row["ci_high"]),
                                                     n=_int(row["n_complete"]), verdict=row["scale"]))
        own = items.loc[items["factor_id"] == row["factor_id"]] if len(items) else items
        if len(own):
            weakest = own.loc[own["item_total_r"].astype(float).idxmin()]
            sentences.append(words["scale_items"].format(
                factor=row["factor"], statement=f"{weakest['statement_id']} “{weakest['statement']}”",
                r=f"{float(weakest['item_total_r']):.2f}", alpha_without=f"{float(weakest['alpha_if_deleted']):.2f}"))
    if len(structure):
        misfits = structure.loc[structure["fits_codebook"] != "True"]
        k = len([c for c in structure.columns if c.startswith("F") and c[1:].isdigit()])
        if misfits.empty:
            sentences.append(words["scale_structure_fits"].format(n=n_structure, k=k))
        else:
            sentences.append(words["scale_structure_misfit"].format(
                n=n_structure, k=k, count=len(misfits),
                statements=", ".join(f"{r.statement_id} ({r.factor_id})" for r in misfits.itertuples())))
    return sentences


def difference_sentences(differences: pd.DataFrame, pairs: pd.DataFrame, group_means: pd.DataFrame,
                         labels: dict[str, str], words: dict, note: str) -> list[str]:
    """Kruskal-Wallis per factor with epsilon-squared, the statements that differ after Holm / BH, and Dunn's pairs."""
    if differences.empty:
        return [words["kruskal_none"].format(note=note)]
    sentences = []
    factors = differences.loc[differences["level"] == "factor"]
    means = group_means.loc[group_means["level"] == "factor"].set_index(["id", "stakeholder"])["mean"].astype(float)
    for row in factors.to_dict("records"):
        if row["H"] == "":
            continue
        sentences.append(words["kruskal_factor"].format(
            factor=row["label"], H=f"{float(row['H']):.2f}", p=format_p(float(row["p"])),
            epsilon2=f"{float(row['epsilon2']):.3f}", groups=_int(row["n_groups"]), n=_int(row["n"])))
        differ = pairs.loc[(pairs["level"] == "factor") & (pairs["id"] == row["id"]) & (pairs["p_holm"].astype(float) < 0.05)]
        if differ.empty:
            sentences.append(words["dunn_none"].format(factor=row["label"]))
            continue
        listed = []
        for pair in differ.itertuples():
            high, low = ((pair.group_a, pair.group_b) if means[(row["id"], pair.group_a)] >= means[(row["id"], pair.group_b)]
                         else (pair.group_b, pair.group_a))
            listed.append(f"{labels[high]} > {labels[low]} ({format_p(float(pair.p_holm))})")
        sentences.append(words["dunn_pairs"].format(factor=row["label"], pairs="; ".join(listed)))
    statements = differences.loc[(differences["level"] == "statement") & (differences["p"] != "")]
    below = lambda column: int((statements[column].astype(float) < 0.05).sum())  # noqa: E731
    sentences.append(words["kruskal_statements"].format(holm=below("p_holm"), bh=below("p_bh"), raw=below("p"),
                                                        total=len(statements)))
    return sentences


def group_means_table(group_means: pd.DataFrame, groups: pd.DataFrame, words: dict) -> pd.DataFrame | None:
    """Factor, item, then per stakeholder type 'mean [low–high]' (the mean alone for a type of one); None when every
    type has one respondent (there is no interval to show)."""
    if not (groups["n"] > 1).any():
        return None
    table = group_means.assign(cell=[
        f"{float(r.mean):.2f}" + (f" [{float(r.ci_low):.2f}–{float(r.ci_high):.2f}]" if r.ci_low != "" else "")
        for r in group_means.itertuples()])
    wide = table.pivot(index=["level", "id"], columns="stakeholder", values="cell")
    labels = table.drop_duplicates(["level", "id"]).set_index(["level", "id"])["label"]
    columns = [g for g in groups["stakeholder"] if g in wide.columns]
    heading = {g.stakeholder: f"{g.label} (n = {g.n})" for g in groups.itertuples()}
    order = list(dict.fromkeys(zip(group_means["level"], group_means["id"])))
    factor_rows = [key for key in order if key[0] == "factor"]
    statement_rows = [key for key in order if key[0] == "statement"]
    item = f"{words['factor']} / {words['statement']}"
    rows = [{"part": words["factors_heading"], item: labels[key], **wide.loc[key, columns].to_dict()} for key in factor_rows]
    rows += [{"part": words["statements_heading"], item: f"{key[1]} {labels[key]}", **wide.loc[key, columns].to_dict()}
             for key in statement_rows]
    return pd.DataFrame(rows).fillna("").rename(columns=heading)


def other_answers(choices: pd.DataFrame, codebook) -> pd.DataFrame:
    """question, text, n: each distinct free text written under an 'Other' option, with how many respondents wrote it."""
    texts = choices.loc[choices["free_text"] != ""]
    counts = (texts.groupby(["question_id", "free_text"], sort=False)["respondent_id"].nunique()
              .reset_index(name="n"))
    order = {q: i for i, q in enumerate(codebook.questions()["question_id"])}
    counts = counts.sort_values(["question_id", "n", "free_text"], ascending=[True, False, True], kind="stable",
                                key=lambda c: c.map(order) if c.name == "question_id" else c)
    return counts.rename(columns={"question_id": "question", "free_text": "text"}).reset_index(drop=True)


def reproduction_status(computed: dict[str, pd.DataFrame], published: dict[str, pd.DataFrame], words: dict) -> dict:
    """Compare the computed tables with the published ones cell for cell: {n_cells, n_equal, text, differences}."""
    n_cells = n_equal = 0
    differences = []
    for name, table in published.items():
        mine = computed[name]
        if mine.shape != table.shape or list(mine.columns) != list(table.columns):
            differences.append(words["reproduction_shape"].format(table=name, published=f"{table.shape[0]} × {table.shape[1]}",
                                                                  computed=f"{mine.shape[0]} × {mine.shape[1]}"))
            n_cells += table.size
            continue
        equal = mine.to_numpy() == table.to_numpy()
        n_cells += equal.size
        n_equal += int(equal.sum())
        for i, j in zip(*np.nonzero(~equal)):
            differences.append(words["reproduction_difference"].format(
                table=name, row=i + 1, column=table.columns[j], published=table.iat[i, j], computed=mine.iat[i, j]))
    key = "reproduction_equal" if not differences else "reproduction_differ"
    return {"n_cells": n_cells, "n_equal": n_equal, "differences": differences,
            "text": words[key].format(n_equal=n_equal, n_cells=n_cells, n_differ=n_cells - n_equal)}


def published_tables(raw_dir: Path, codebook) -> dict[str, pd.DataFrame]:
    """The published tables the codebook names (dataset.published_tables), read as text; each path must lie
    inside the dataset's folder."""
    named = codebook.dataset.get("published_tables") or {}
    folder = Path(raw_dir).resolve()
    tables = {}
    for name, relative in named.items():
        path = (folder / relative).resolve()
        if folder not in path.parents:
            raise ValueError(f"{codebook.source}: dataset.published_tables.{name} = {relative!r} lies outside {folder.name}/")
        tables[name] = read_table(path)
    return tables


def _number(text) -> str:
    return "–" if text in ("", None) or pd.isna(text) else f"{float(text):.2f}"


def _int(text) -> int:
    """A count read back from CSV, where a column with gaps was written as 4.0."""
    return int(float(text))
