"""The context the template reads: every value the report shows, built from the files the earlier steps
wrote, so that the template only places it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE, dataset_title
from helpers.i18n import say, ui
from helpers.analysis import disclosure, stats
from helpers.analysis.tables import group_column, group_sizes, table_caption, table_note
from helpers.publish.report.answers import free_text_answers, other_answers
from helpers.publish.report.cleaning import cleaning_summary, set_aside_reasons
from helpers.publish.report.design import (
    DESIGN_TABLES,
    design_limitations,
    design_paragraphs,
    design_summary,
    missing_limitations,
    missing_paragraph,
    missingness_wide,
    stability_line,
    stability_table,
    weighted_table,
)
from helpers.publish.report.fallbacks import fallback_labels
from helpers.publish.report.figure_text import report_figures
from helpers.publish.report.findings import localised_claims
from helpers.publish.report.html import html_table
from helpers.publish.report.methods import limitation_lines, methods_paragraphs
from helpers.publish.report.provenance import provenance
from helpers.publish.report.reproduction import _reproduction
from helpers.publish.report.statistics import (
    _differences_note,
    agreement_sentences,
    difference_sentences,
    scale_sentences,
)
from helpers.publish.report.summary import priority_summary, summary_lines, withheld_line
from helpers.publish.report.tables import PAPER_TABLES, group_means_table, read_table, scores_read_back


def report_context(paths, codebook, parameters: dict, lang: str = DEFAULT_LANGUAGE) -> dict:
    """Everything the template shows, read from the files the earlier notebooks wrote."""
    table = {
        name: read_table(paths.tables / f"{name}.csv") for name in (*PAPER_TABLES, "factor_summary", "factor_ranking")
    }
    cleaning = cleaning_summary(paths.processed)
    respondents = cleaning["respondents"]
    pilot_body = parameters.get("pilot_body") or ""
    # The types withheld from this report, left out of everything the steps computed: left out here too.
    withheld = disclosure.withheld_types(respondents, codebook, pilot_body)
    if pilot_body:
        respondents = respondents.loc[respondents["pilot_body"] == pilot_body]
    respondents = respondents.loc[~respondents["stakeholder"].isin(withheld["stakeholder"])]
    # The count cells of Tables 1 and 2 step 02 suppressed (disclosure.suppressed_counts), for the notes.
    suppressed = read_table(paths.tables / "suppressed_cells.csv")
    groups = group_sizes(respondents, codebook, lang)
    ranking = scores_read_back(table["factor_ranking"], ("mean",), ("rank", "groups_ranking_first"))
    per_group = scores_read_back(table["factor_summary"], ("mean",), ("rank",))
    words = ui(lang)
    tables = [
        {
            "id": name,
            "label": words["table_label"].format(number=i),
            "caption": table_caption(name, codebook, lang),
            "note": table_note(name, codebook, respondents, lang, suppressed),
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
    survey = {name: read_table(paths.tables / f"{name}.csv") for name in DESIGN_TABLES}
    threshold = stats.small_group_threshold(codebook)
    means = group_means_table(measured["group_means"], groups, words, lang=lang)
    group_means_number = None
    if means is not None:
        group_means_number = len(tables) + 1
        tables.append(
            {
                "id": "group_means",
                "label": words["table_label"].format(number=group_means_number),
                "caption": words["group_means"],
                "note": words["group_means_caption"].format(threshold=threshold)
                + " "
                + words["group_means_note"].format(
                    resamples=stats.BOOTSTRAP_RESAMPLES, seed=stats.SEED, threshold=threshold
                ),
                "body": html_table(means, group_by="part"),
            }
        )
    weighted = weighted_table(survey, codebook, words, lang)
    if weighted is not None:
        clustered = survey["weighted_means"]["clustered"].eq("True").any()
        tables.append(
            {
                "id": "weighted_means",
                "label": words["table_label"].format(number=len(tables) + 1),
                "caption": words["weighted_caption"],
                "note": words["weighted_note"].format(clusters=words["weighted_note_clusters"] if clustered else ""),
                "body": html_table(weighted, lang=lang),
            }
        )
    tables.append(
        {
            "id": "missingness",
            "label": words["table_label"].format(number=len(tables) + 1),
            "caption": words["missingness_caption"],
            "note": words["missingness_note"],
            "body": html_table(missingness_wide(survey["missingness"], codebook, words, lang), group_by="part"),
        }
    )
    comparison_path = paths.tables / "pilot_bodies.csv"
    if comparison_path.exists() and len(read_table(comparison_path)) > 1:
        tables.append(
            {
                "id": "pilot_bodies",
                "label": words["table_label"].format(number=len(tables) + 1),
                "caption": words["pilot_caption"],
                "note": _pilot_note(paths.tables, codebook, words, lang),
                "body": html_table(read_table(comparison_path), lang=lang),
            }
        )
    figures = report_figures(paths, codebook, lang)
    bodies = dict(zip(codebook.pilot_bodies(lang)["code"], codebook.pilot_bodies(lang)["label"]))
    scope = say(lang, "scope", body=bodies.get(pilot_body, pilot_body), n=len(respondents)) if pilot_body else ""
    rejected_file = Markup("<code>{}</code>").format(f"data/processed/{paths.name}/rejected.csv")
    notebooks = Markup("<code>{}</code>").format(paths.relative(paths.notebooks))
    processed = _processed_answers(paths.processed, set(respondents["respondent_id"]))
    labels = dict(zip(groups["stakeholder"], groups["short"]))
    structure = measured["factor_structure"]
    # The fewest respondents behind a correlation of the statements (pairwise, as the factor structure used them).
    n_structure = int(float(structure["n_used"].iloc[0])) if len(structure) else None
    model = {name: read_table(paths.tables / f"{name}.csv") for name in ("factor_count", "cfa_fit", "omega")}
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
            design=design_summary(survey, words, lang),
            withheld=withheld_line(withheld, codebook, words, lang),
        ),
        "methods": methods_paragraphs(cleaning, groups, codebook, processed["likert"], words, lang=lang)
        + [missing_paragraph(survey, codebook, words, lang)],
        "design": design_paragraphs(survey, codebook, words, lang),
        "limitations": design_limitations(survey, codebook, words, lang)
        + [
            line
            for line in limitation_lines(groups, cleaning, measured, processed["likert"], codebook, words, lang=lang)
            if line != words["limit_none"]
        ]
        + missing_limitations(survey, groups, codebook, words, group_means_number, lang)
        or [words["limit_none"]],
        "stability": {
            "line": stability_line(survey["verdict_stability"], words),
            "note": words["stability_note"].format(agree_from=stats.agree_from(codebook)),
            "body": html_table(stability_table(survey["verdict_stability"], words), lang=lang),
        },
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
            measured["reliability"], measured["item_statistics"], structure, n_structure, words, lang=lang, model=model
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
        "references": i18n.references(),
        "fallbacks": fallback_labels(codebook, lang),
        "answers": free_text_answers(codebook, cleaning["respondents"], paths.processed),
    }


def _pilot_note(tables: Path, codebook, words: dict, lang: str) -> str:
    """Table 5's note, with the permutation test's rearrangements, seed and family size as pilot_body_tests.csv
    records them, and the bodies whose rows are suppressed (pilot_body_scores.csv) when there are any."""
    tests = read_table(tables / "pilot_body_tests.csv")
    note = words["pilot_note"].format(
        permutations=i18n.number(int(tests["permutations"].iloc[0]), lang, 0) if len(tests) else 0,
        seed=tests["seed"].iloc[0] if len(tests) else "",
        factors=int((tests["p"] != "").sum()),
    )
    scores = read_table(tables / "pilot_body_scores.csv")
    suppressed = list(dict.fromkeys(scores.loc[scores["suppressed"] == "True", "pilot_body"]))
    if not suppressed:
        return note
    bodies = codebook.pilot_bodies(lang)
    labels = dict(zip(bodies["code"], bodies["label"]))
    named = ", ".join(labels.get(b, words["not_pilot_body"]) for b in suppressed)
    return note + words["pilot_suppressed_note"].format(threshold=codebook.disclosure_threshold, bodies=named)


def _processed_answers(processed: Path, respondents: set[str]) -> dict[str, pd.DataFrame]:
    """The Likert answers and the choices, as text, of the `respondents` the report is about (those of the
    pilot body when one is chosen, none of a type below the disclosure threshold).

    The processed tables are written as they are (never neutralised for spreadsheets), so they are read
    as they are: no formula to restore, and no pass over every one of up to millions of cells."""
    frames = {
        name: pd.read_csv(processed / f"{name}.csv", dtype=str, keep_default_na=False) for name in ("likert", "choices")
    }
    return {name: frame.loc[frame["respondent_id"].isin(respondents)] for name, frame in frames.items()}
