"""The heatmaps: mean score per statement and stakeholder type (statement_heatmaps), and the share of each
type choosing each option of the multiple-choice questions (choice_matrices). They are tables drawn in colour:
their text is never smaller than MIN_TEXT_PT, and where their rows would not fit a printed page at that size
(PAGE_FIGURE_HEIGHT) they are drawn as several figures, one per page, `<stem>_1`, `<stem>_2` … (one figure keeps
the plain stem). A mean resting on fewer answers than its neighbours says so: where the cells' n differ, each
cell shows its n under its mean."""

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
    MIN_TEXT_PT,
    PAD,
    PAGE_FIGURE_HEIGHT,
    SCORE_CMAP,
    STYLE,
    WIDTH,
    group_names,
    scale_texts,
    score_format,
    text_colour_on,
)
from helpers.publish.figures.text import text_extent, wrap_to_width
from helpers.publish.figures.layout import (
    _axes_at,
    _legend_bar_width,
    _paginate,
    _panel_layout,
    _text_at,
    _vertical_legend_bar,
)


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
                    cell_text(value, panel, r, c),
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


def _pages(
    stem: str, panels: list[dict], groups, right: float, lang: str, draw, cell_text, legend_height: float, **layout
) -> dict[str, plt.Figure]:
    """`stem` -> figure, or `stem`_1, `stem`_2 … when the panels need more than one printed page; each at least
    `legend_height` inches tall below its first panel's top, for the colour bar drawn there. The row labels give
    up width (down to 1.5 inches) where the columns need it to hold their widest cell's text."""
    widest = max(
        (
            text_extent(cell_text(v, p, r, c), MIN_TEXT_PT)[0]
            for p in panels
            for (r, c), v in np.ndenumerate(p["values"])
            if not np.isnan(v)
        ),
        default=0,
    )
    columns_need = len(groups) * (widest + 6) / 72
    layout.setdefault("label_width", min(2.7, max(1.5, WIDTH - 2 * PAD - 0.08 - right - columns_need)))
    pages = _paginate(panels, groups, right, PAGE_FIGURE_HEIGHT, ui(lang)["continued"], **layout)
    figures = {}
    with plt.rc_context(STYLE):
        for number, page in enumerate(pages, start=1):
            page_layout, height = _panel_layout(page, groups, right, **layout)
            height = max(height, page[0]["top"] + legend_height + 0.2)  # a short last page still holds the colour bar
            fig = plt.figure(figsize=(WIDTH, height))
            draw(fig, page, page_layout, height)
            figures[stem if len(pages) == 1 else f"{stem}_{number}"] = fig
    return figures


def statement_heatmaps(
    summary: pd.DataFrame, groups: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE
) -> dict[str, plt.Figure]:
    """Heatmap of statements x stakeholder groups, one panel per factor, annotated with the (mean) scores; one
    figure ("statement_heatmap") or, for a questionnaire too long for one page, one per page.

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
        cells = summary.loc[summary["factor_id"] == factor.factor_id]

        def grid(column: str):
            return (
                cells.pivot(index="statement_id", columns="stakeholder", values=column)
                .reindex(index=block["statement_id"], columns=groups["stakeholder"])
                .astype(float)
                .to_numpy()
            )

        panels.append(
            {
                "title": factor.factor,
                "rows": block["statement"].fillna(unknown_wording(lang)).tolist(),
                "values": grid("mean"),
                "n": grid("n"),
            }
        )
    answered = np.concatenate([p["n"][~np.isnan(p["values"])] for p in panels])
    with_n = len(np.unique(answered)) > 1  # groups of different sizes, or blanks: a cell's n is not its column's
    labels = [wrap_to_width(t, 1.1 * 72, MIN_TEXT_PT) for t in scale_texts(codebook, lang)]
    right = _legend_bar_width(labels, ui(lang)["score"]) + 0.15
    fmt = score_format(groups, lang)
    n_text = ui(lang)["cell_n"]

    def cell_text(value, panel, r, c):
        if not with_n:
            return fmt(value)
        return fmt(value) + "\n" + n_text.format(n=i18n.number(panel["n"][r, c], lang, 0))

    def draw(fig, page, layout, height):
        _panel_heatmap(fig, page, groups, colour_scale, cell_text, height, layout)
        bar_height = min(max(sum(p["height"] for p in page), 1.4), 2.6)
        _vertical_legend_bar(fig, colour_scale, values, labels, ui(lang)["score"], page[0]["top"], bar_height, height)

    return _pages("statement_heatmap", panels, groups, right, lang, draw, cell_text, 1.4, cell_lines=2 if with_n else 1)


def choice_matrices(
    counts: pd.DataFrame, groups: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE
) -> dict[str, plt.Figure]:
    """Table 2 as a matrix: one panel per question, titled with its text; every option (codebook order) x
    stakeholder group, shaded by the share of the group that chose it, with a colour bar. Cells: a tick where
    every group is one respondent, else the share in per cent (n is in the column heading). One figure
    ("choice_matrix") or one per printed page."""
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

    def cell_text(value, panel, r, c):
        return ("✓" if value > 0 else "") if single else i18n.percent(value, lang)

    def draw(fig, page, layout, height):
        _panel_heatmap(fig, page, groups, colour_scale, cell_text, height, layout)
        bar_height = min(max(page[0]["height"], 1.2), 2.0)
        _vertical_legend_bar(
            fig, colour_scale, ticks, tick_labels, words["share_chose"], page[0]["top"], bar_height, height
        )

    return _pages("choice_matrix", panels, groups, right, lang, draw, cell_text, 1.2)
