"""The heatmaps: mean score per statement and stakeholder type (statement_heatmap), and the share of each
type choosing each option of the multiple-choice questions (choice_matrix)."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm

from helpers.codebook import DEFAULT_LANGUAGE, Codebook
from helpers import i18n
from helpers.i18n import ui
from helpers.analysis.tables import unknown_wording
from helpers.publish.figures.style import (
    PAD,
    SCORE_CMAP,
    STYLE,
    WIDTH,
    group_names,
    scale_texts,
    score_format,
    text_colour_on,
)
from helpers.publish.figures.text import wrap_to_width
from helpers.publish.figures.layout import _axes_at, _legend_bar_width, _panel_layout, _text_at, _vertical_legend_bar


# --- Figure: scores of every statement (heatmap) -------------------------------------------------
def _panel_heatmap(
    fig, panels: list[dict], groups: pd.DataFrame, colour_scale: dict, cell_text, height: float, layout: dict
) -> None:
    """Panels of rows x groups: each with a title across the figure and row labels on the left."""
    names = group_names(groups)
    for i, panel in enumerate(panels):
        _text_at(fig, PAD, panel["title_top"], panel["title"], height, fontsize=layout["title_size"], fontweight="bold")
        axis = _axes_at(fig, layout["left"], panel["top"], layout["width"], panel["height"], height)
        grid = panel["values"]
        shown = np.ma.masked_invalid(grid.astype(float))
        axis.imshow(shown, aspect="auto", interpolation="nearest", **colour_scale)
        for (r, c), value in np.ndenumerate(grid):
            if not np.isnan(value):
                background = colour_scale["cmap"](colour_scale["norm"](value))
                axis.text(
                    c,
                    r,
                    cell_text(value, r, c),
                    ha="center",
                    va="center",
                    fontsize=layout["cell_size"],
                    color=text_colour_on(background),
                )
        axis.set_xticks(np.arange(grid.shape[1] + 1) - 0.5, minor=True)
        axis.set_yticks(np.arange(grid.shape[0] + 1) - 0.5, minor=True)
        axis.grid(which="minor", color="white", linewidth=1.5)
        axis.tick_params(which="both", length=0)
        axis.spines[:].set_visible(False)
        axis.set_yticks(range(len(panel["rows"])), panel["rows"], fontsize=layout["row_size"])
        if i == 0:
            axis.xaxis.tick_top()
            axis.set_xticks(
                range(len(names)),
                layout["columns"],
                fontsize=layout["row_size"],
                rotation=layout["rotation"],
                va="bottom",
                ha="center",
            )
        else:
            axis.set_xticks(range(len(names)), [""] * len(names))


def statement_heatmap(
    summary: pd.DataFrame, groups: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE
) -> plt.Figure:
    """Heatmap of statements x stakeholder groups, one panel per factor, annotated with the (mean) scores.

    `summary` is `tables.statement_summary`; `groups` is `tables.group_sizes`.
    A diverging palette centred on the scale's neutral point, its scale
    labels beside the colour bar; one number format for every cell.
    """
    values = codebook.scale_values
    low, high = min(values), max(values)
    colour_scale = {
        "cmap": plt.get_cmap(SCORE_CMAP),
        "norm": TwoSlopeNorm(vmin=low, vcenter=(low + high) / 2, vmax=high),
    }
    statements = codebook.statements(lang)
    panels = []
    for factor in codebook.factors(lang).itertuples():
        block = statements.loc[statements["factor_id"] == factor.factor_id]
        grid = (
            summary.loc[summary["factor_id"] == factor.factor_id]
            .pivot(index="statement_id", columns="stakeholder", values="mean")
            .reindex(index=block["statement_id"], columns=groups["stakeholder"])
            .astype(float)
        )
        panels.append(
            {
                "title": factor.factor,
                "rows": block["statement"].fillna(unknown_wording(lang)).tolist(),
                "values": grid.to_numpy(),
            }
        )
    labels = [wrap_to_width(t, 1.1 * 72, 6.5) for t in scale_texts(codebook, lang)]
    right = _legend_bar_width(labels, ui(lang)["score"]) + 0.15
    fmt = score_format(groups, lang)
    with plt.rc_context(STYLE):
        layout, height = _panel_layout(panels, groups, right)
        fig = plt.figure(figsize=(WIDTH, height))
        _panel_heatmap(fig, panels, groups, colour_scale, lambda v, r, c: fmt(v), height, layout)
        first = panels[0]
        bar_height = min(max(sum(p["height"] for p in panels), 1.4), 2.6)
        _vertical_legend_bar(fig, colour_scale, values, labels, ui(lang)["score"], first["top"], bar_height, height)
    return fig


def choice_matrix(
    counts: pd.DataFrame, groups: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE
) -> plt.Figure:
    """Table 2 as a matrix: one panel per question, titled with its text; every option (codebook order) x
    stakeholder group, shaded by the share of the group that chose it, with a colour bar. Cells: a tick where
    every group is one respondent, else the share in per cent (n is in the column heading)."""
    words = ui(lang)
    questions = codebook.questions(lang)
    share = counts.pivot_table(index=["question_id", "letter"], columns="stakeholder", values="share", sort=False)
    single = (groups["n"] == 1).all()
    panels = []
    for number, question in enumerate(questions.itertuples(), start=1):
        options = counts.loc[counts["question_id"] == question.question_id].drop_duplicates("letter")
        grid = share.reindex(
            index=[(question.question_id, letter) for letter in options["letter"]], columns=groups["stakeholder"]
        ).astype(float)
        title = words["question_number"].format(number=number) + " " + (question.text or unknown_wording(lang))
        panels.append(
            {
                "title": title,
                "values": grid.to_numpy(),
                "rows": [
                    f"{o.letter}) {o.text if isinstance(o.text, str) else unknown_wording(lang)}"
                    for o in options.itertuples()
                ],
            }
        )
    colour_scale = {"cmap": plt.get_cmap("Blues"), "norm": plt.Normalize(0, 1)}
    ticks = [0, 0.25, 0.5, 0.75, 1]
    tick_labels = [i18n.percent(t, lang) for t in ticks]
    right = _legend_bar_width(tick_labels, words["share_chose"]) + 0.15
    with plt.rc_context(STYLE):
        layout, height = _panel_layout(panels, groups, right, title_size=7.5)
        fig = plt.figure(figsize=(WIDTH, height))
        _panel_heatmap(
            fig,
            panels,
            groups,
            colour_scale,
            lambda v, r, c: ("✓" if v > 0 else "") if single else i18n.percent(v, lang),
            height,
            layout,
        )
        bar_height = min(max(panels[0]["height"], 1.2), 2.0)
        _vertical_legend_bar(
            fig, colour_scale, ticks, tick_labels, words["share_chose"], panels[0]["top"], bar_height, height
        )
    return fig
