"""The figures as the report shows them: in report order, each with its title, caption and alt text, the
alt text's numbers read from the tables drawn beside it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE
from helpers.i18n import ui
from helpers.publish import distribution_stem
from helpers.publish.report.fallbacks import words_language
from helpers.publish.report.html import embed_png
from helpers.publish.report.numbers import _number
from helpers.publish.report.tables import read_table

FIGURES = ("statement_heatmap", "factor_priority", "choice_matrix")


# --- figures and their alt text -----------------------------------------------------------------
def report_figures(paths, codebook, lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The figures the figures step drew, in report order, each with a title, a caption and alt text from the data."""
    words = ui(lang)
    factors = codebook.factors(lang)
    candidates = []
    for kind in FIGURES:  # one figure, or one per printed page (the heatmaps of a long questionnaire): kind_1, …
        if (paths.figures / f"{kind}.png").exists():
            candidates.append((kind, words["figures"][kind][0], kind))
            continue
        numbers = sorted(
            int(n) for p in paths.figures.glob(f"{kind}_*.png") if (n := p.stem[len(kind) + 1 :]).isdigit()
        )
        candidates += [
            (
                f"{kind}_{n}",
                words["figure_part"].format(title=words["figures"][kind][0], part=n, parts=len(numbers)),
                kind,
            )
            for n in numbers
        ]
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
        # An option with a suppressed cell has no total here: the total less the groups shown would give the
        # suppressed count away (disclosure.suppressed_counts), so the most chosen is sought among the others.
        options = len(totals)
        numbers = {q: i for i, q in enumerate(totals.index.get_level_values(0).unique(), start=1)}
        if "suppressed" in counts.columns:
            hidden = counts.groupby(["question_id", "letter"], sort=False)["suppressed"].any()
            totals = totals.loc[~hidden.reindex(totals.index).to_numpy()]
        parts = []
        for question_id, block in totals.groupby(level=0, sort=False):
            number, top = numbers[question_id], block["share"].idxmax()
            parts.append(
                alt["choice_question"].format(
                    number=number, letter=top[1], share=i18n.percent(block["share"].max(), lang)
                )
            )
        return alt["choice_matrix"].format(
            questions=len(numbers), options=options, groups=counts["stakeholder"].nunique(), top="; ".join(parts)
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
