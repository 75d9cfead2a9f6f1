"""Figures of factor priorities by stakeholder type, saved as PNG (300 dpi), SVG and PDF.

Layout is computed, not guessed: every label is measured in the figure's font
(`text_extent`) and wrapped to the room it has (`wrap_to_width`); column
labels that cannot be wrapped into their column are turned upright; the
figure grows in height to hold what it must show. tests/test_figure_extents.py
checks the result from what matplotlib drew: no text outside the canvas, no
two texts on top of each other, at any group count, label length and language.

Colours: one colour per stakeholder type from seaborn's colour-blind-safe
palette (its ten colours written out, see COLORBLIND), assigned in the
codebook's order, the same in every figure. Scores use one diverging palette
(brown = disagree, teal = agree) centred on the scale's neutral point.
Stakeholder types are named the same way in every figure (`group_names`: the
codebook's short label, with n where groups have several respondents).
Fonts: DejaVu Sans (matplotlib's default) covers Latin, Cyrillic and Kazakh letters.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; notebooks show a preview image instead of a live figure

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.colors import TwoSlopeNorm, to_rgb  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from helpers.codebook import DEFAULT_LANGUAGE, Codebook  # noqa: E402
from helpers import i18n  # noqa: E402
from helpers.i18n import ui  # noqa: E402
from helpers.analysis.tables import unknown_wording  # noqa: E402
from helpers.publish import distribution_stem  # noqa: E402

FONT = "DejaVu Sans"
STYLE = {
    "font.family": FONT,
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "text.parse_math": False,  # a "$" in a codebook label is text, not the start of a formula
    "svg.hashsalt": "amirova2020",  # fixed ids inside the SVG: same figure, same bytes
    "svg.fonttype": "path",
    "pdf.fonttype": 42,  # TrueType in the PDF: text stays text for LaTeX users and editors
}
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*", "<", ">")
WIDTH = 7.0  # inches: the text width of an A4 page with 2 cm margins
PAD = 0.1  # inches between the canvas edge and anything drawn
LINE = 1.25  # line height as a multiple of the font size, with a little room over matplotlib's 1.2
SCORE_CMAP = "BrBG"
NEUTRAL_GREY = "#8c8c8c"  # the neutral answer in the distribution: 3.3:1 against white (WCAG non-text contrast)
# Text is measured as drawn at 100 dpi (matplotlib's screen resolution): hinting makes glyphs up to ~6 % wider
# there than at 300 dpi or in the vector files, so what fits at 100 dpi fits everywhere.
MEASURE_DPI = 100
_MEASURE = RendererAgg(10, 10, MEASURE_DPI)


# --- measuring and wrapping text --------------------------------------------------------------
@lru_cache(maxsize=65536)  # the same labels and percentages are measured many times per figure
def text_extent(text: str, size: float, weight: str = "normal", style: str = "normal") -> tuple[float, float]:
    """Width and height, in points, of `text` (lines split at "\n") drawn in the figures' font at `size`."""
    prop = FontProperties(family=FONT, size=size, weight=weight, style=style)
    lines = str(text).split("\n")
    width = max(_MEASURE.get_text_width_height_descent(line or " ", prop, ismath=False)[0] for line in lines)
    return width * 72 / MEASURE_DPI * 1.02, size * LINE * len(lines)


@lru_cache(maxsize=4096)
def wrap_to_width(text: str, width: float, size: float, weight: str = "normal", style: str = "normal") -> str:
    """`text` broken between words into lines no wider than `width` points (a single longer word keeps its line)."""
    lines, current = [], ""
    for word in str(text).split():
        trial = f"{current} {word}" if current else word
        if current and text_extent(trial, size, weight, style)[0] > width:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    return "\n".join(lines)


def wrap(text: str, width: int) -> str:
    """Wrap to `width` characters (kept for callers that think in characters)."""
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def lines_height(text: str, size: float) -> float:
    """Height in inches of `text`'s lines at `size`."""
    return text_extent(text, size)[1] / 72


def column_labels(names: list[str], column_width: float, size: float) -> tuple[list[str], int, float]:
    """Labels for columns `column_width` points wide: wrapped across (rotation 0) when every word fits,
    else upright (rotation 90). Returns the labels, the rotation and the height they need, in inches."""
    room = column_width - 4
    across = [wrap_to_width(n, room, size) for n in names]
    if all(text_extent(t, size)[0] <= room for t in across) and max(t.count("\n") for t in across) < 4:
        return across, 0, max(text_extent(t, size)[1] for t in across) / 72 + 0.1
    for length in (90, 130, 180, 260):  # points along the upright label: as short as the column's width allows
        upright = [wrap_to_width(n, length, size) for n in names]
        if max(text_extent(t, size)[1] for t in upright) <= room:
            break
    return upright, 90, max(text_extent(t, size)[0] for t in upright) / 72 + 0.1


def group_names(groups: pd.DataFrame) -> list[str]:
    """How every figure names the stakeholder groups: the short label, with n where a group has several respondents."""
    many = (groups["n"] > 1).any()
    return [f"{g.short} (n={g.n})" if many else str(g.short) for g in groups.itertuples()]


#: seaborn's "colorblind" palette (seaborn.palettes.SEABORN_PALETTES), written out: importing seaborn for ten
#: colours would load scipy and statsmodels too, about half a second on the figures step, the critical path.
#: tests/test_figures_palette.py checks that it still equals seaborn's.
COLORBLIND = (
    "#0173B2",
    "#DE8F05",
    "#029E73",
    "#D55E00",
    "#CC78BC",
    "#CA9161",
    "#FBAFE4",
    "#949494",
    "#ECE133",
    "#56B4E9",
)


def stakeholder_palette(codebook: Codebook) -> dict[str, tuple]:
    """Stakeholder code -> colour, in the codebook's order (colour-blind-safe palette, repeated past ten types)."""
    from matplotlib.colors import to_rgb

    codes = codebook.stakeholders()["code"].tolist()
    return {code: to_rgb(COLORBLIND[i % len(COLORBLIND)]) for i, code in enumerate(codes)}


def _luminance(colour) -> float:
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(a, b) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour_on(background) -> str:
    """Black or white, whichever reads better on `background`."""
    return "black" if contrast_ratio("black", background) >= contrast_ratio("white", background) else "white"


def scale_colours(values: list[int]) -> dict[int, tuple]:
    """Diverging colours for a scale: browns below the neutral point, teals above, a mid grey for the neutral answer."""
    cmap = plt.get_cmap(SCORE_CMAP)
    below = [v for v in values if v < (values[0] + values[-1]) / 2]
    above = [v for v in values if v > (values[0] + values[-1]) / 2]
    colours = {v: cmap(0.05 + 0.3 * i / max(len(below) - 1, 1)) for i, v in enumerate(below)}
    colours.update({v: cmap(0.65 + 0.3 * i / max(len(above) - 1, 1)) for i, v in enumerate(above)})
    return {v: colours.get(v, to_rgb(NEUTRAL_GREY) + (1.0,)) for v in values}


def scale_texts(codebook: Codebook, lang: str) -> list[str]:
    labels = codebook.scale_labels(lang)
    return [f"{v} {labels.get(v) or ''}".strip() for v in codebook.scale_values]


def score_format(groups: pd.DataFrame, lang: str = DEFAULT_LANGUAGE):
    """One number format per figure: whole scores where every group has one respondent, else two decimals
    (written as `lang` writes them: 4,33 in Russian and Kazakh)."""
    if (groups["n"] == 1).all():
        return lambda v: i18n.number(v, lang, 0)
    return lambda v: i18n.number(v, lang, 2)


class _Column:
    """Stacks blocks from the top of a figure WIDTH inches wide; positions in inches from the top."""

    def __init__(self):
        self.y = PAD

    def take(self, height: float) -> float:
        top = self.y
        self.y += height
        return top


def _axes_at(fig, left: float, top: float, width: float, height: float, total_height: float):
    """An axes placed in inches (from the left and the top) on a figure `total_height` inches tall."""
    return fig.add_axes([left / WIDTH, 1 - (top + height) / total_height, width / WIDTH, height / total_height])


def _text_at(fig, left: float, top: float, text: str, total_height: float, **style):
    return fig.text(left / WIDTH, 1 - top / total_height, text, ha="left", va="top", **style)


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


def _panel_layout(
    panels: list[dict],
    groups: pd.DataFrame,
    right_block: float,
    row_size: float = 6.5,
    title_size: float = 8,
    label_width: float = 2.7,
) -> tuple[dict, float]:
    """Place panels under one header of column labels; return the layout and the figure's height (inches)."""
    left = PAD + label_width + 0.08
    width = WIDTH - left - right_block - PAD
    columns, rotation, header = column_labels(group_names(groups), width * 72 / len(groups), row_size)
    column = _Column()
    for i, panel in enumerate(panels):
        # Titles stop short of the colour bar on the right, which may reach down past the first panel.
        panel["title"] = wrap_to_width(panel["title"], (WIDTH - right_block - 2 * PAD) * 72, title_size, "bold")
        panel["title_top"] = column.take(lines_height(panel["title"], title_size) + 0.04)
        if i == 0:
            column.take(header)  # the column labels, over the first panel
        panel["rows"] = [wrap_to_width(t, label_width * 72, row_size) for t in panel["rows"]]
        # imshow rows are equally tall: as tall as the tallest (wrapped) label needs.
        panel["height"] = len(panel["rows"]) * max(0.27, *(lines_height(t, row_size) + 0.07 for t in panel["rows"]))
        panel["top"] = column.take(panel["height"])
        column.take(0.12)
    layout = {
        "left": left,
        "width": width,
        "columns": columns,
        "rotation": rotation,
        "row_size": row_size,
        "title_size": title_size,
        "cell_size": 6.5,
    }
    return layout, column.y + PAD


def _vertical_legend_bar(
    fig,
    colour_scale: dict,
    ticks: list,
    labels: list[str],
    title: str,
    top: float,
    height: float,
    total_height: float,
    size: float = 6.5,
) -> None:
    """A colour bar on the right, `labels` beside its ticks and a title above it."""
    from matplotlib.cm import ScalarMappable

    left = WIDTH - PAD - _legend_bar_width(labels, title, size) + 0.02
    title = wrap_to_width(title, (WIDTH - PAD - left) * 72, size)
    title_height = lines_height(title, size) + 0.04 + size / 72  # and half a label's height over the top tick
    _text_at(fig, left, top, title, total_height, fontsize=size)
    axis = _axes_at(fig, left, top + title_height, 0.13, height - title_height, total_height)
    bar = fig.colorbar(ScalarMappable(**colour_scale), cax=axis, ticks=ticks)
    bar.ax.set_yticklabels(labels, fontsize=size)
    bar.outline.set_visible(False)


def _legend_bar_width(labels: list[str], title: str, size: float = 6.5) -> float:
    """Inches a colour bar with `labels` needs on the right of a figure."""
    widest = max(text_extent(t, size)[0] for t in labels) / 72
    return max(0.13 + 0.08 + widest + 0.05, min(text_extent(title, size)[0] / 72, 1.2))


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


# --- Figure: factor priorities (dot chart) ------------------------------------------------------------
LEGEND_SPACING = {"handlelength": 1.6, "handletextpad": 0.6, "columnspacing": 1.2}  # in font sizes


def _legend_columns(entries: list[str], size: float, room: float) -> int:
    """How many legend columns of `entries` fit across `room` points (matplotlib's handle and spacing included)."""
    widest = max(text_extent(e, size)[0] for e in entries)
    per_column = widest + size * sum(LEGEND_SPACING.values())
    return max(1, min(len(entries), int((room + LEGEND_SPACING["columnspacing"] * size) // per_column)))


def factor_priority_chart(
    per_group: pd.DataFrame,
    ranking: pd.DataFrame,
    groups: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
) -> plt.Figure:
    """Dot chart: each factor's mean score per stakeholder group, factors ordered by overall priority.

    `per_group` is `tables.factor_summary`; `ranking` is `tables.factor_ranking`.
    The legend sits under the chart in as many columns as fit the width.
    """
    palette = stakeholder_palette(codebook)
    values = codebook.scale_values
    words = ui(lang)
    order = ranking["factor_id"].tolist()  # highest priority first, drawn at the top
    names = ranking.set_index("factor_id")["factor"]
    size = 7.5
    widest = max(text_extent(f"{i + 1}. {names[f]}", size)[0] for i, f in enumerate(order)) / 72
    label_width = min(widest + 0.05, 2.3)
    factor_labels = [wrap_to_width(f"{i + 1}. {names[f]}", label_width * 72, size) for i, f in enumerate(order)]
    band = max(0.5, 0.09 * len(groups) + 0.2, *(lines_height(t, size) + 0.1 for t in factor_labels))
    left = PAD + label_width + 0.1
    width = WIDTH - left - PAD - 0.15
    spacing = width * 72 / (len(values) - 1 + 0.4)
    labels = codebook.scale_labels(lang)
    ticks = [f"{v}\n{wrap_to_width(labels[v], spacing - 6, 6.5)}" if labels.get(v) else str(v) for v in values]
    tick_height = max(lines_height(t, 6.5) for t in ticks) + 0.1
    legend_entries = [words["all_groups_mean"], *group_names(groups)]
    legend_size = 7
    ncol = _legend_columns(legend_entries, legend_size, (WIDTH - 2 * PAD) * 72)
    legend_height = math.ceil(len(legend_entries) / ncol) * legend_size * 1.7 / 72 + 0.1
    column = _Column()
    top = column.take(band * len(order))
    column.take(tick_height)
    label_top = column.take(lines_height(words["mean_factor_score"], 8) + 0.12)
    legend_top = column.take(legend_height)
    height = column.y + PAD
    y = {factor_id: len(order) - 1 - i for i, factor_id in enumerate(order)}
    offsets = {
        g: ((len(groups) - 1) / 2 - i) * min(0.12, 0.7 / max(len(groups), 1))
        for i, g in enumerate(groups["stakeholder"])
    }
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(WIDTH, height))
        axis = _axes_at(fig, left, top, width, band * len(order), height)
        axis.plot(
            ranking["mean"],
            [y[f] for f in ranking["factor_id"]],
            marker="|",
            markersize=18,
            color="black",
            linestyle="none",
            label=words["all_groups_mean"],
        )
        for i, (g, name) in enumerate(zip(groups.itertuples(), group_names(groups))):
            block = per_group.loc[per_group["stakeholder"] == g.stakeholder]
            axis.scatter(
                block["mean"],
                [y[f] + offsets[g.stakeholder] for f in block["factor_id"]],
                color=palette[g.stakeholder],
                marker=MARKERS[i % len(MARKERS)],
                s=30,
                zorder=3,
                label=name,
            )
        axis.set_yticks([y[f] for f in order], factor_labels, fontsize=size)
        axis.set_ylim(-0.5, len(order) - 0.5)
        axis.set_xlim(min(values) - 0.2, max(values) + 0.2)
        axis.set_xticks(values, ticks, fontsize=6.5)
        axis.grid(axis="x", color="0.88")
        axis.set_axisbelow(True)
        axis.spines[["top", "right"]].set_visible(False)
        fig.text(
            0.5 * (left + WIDTH - PAD) / WIDTH,
            1 - label_top / height,
            words["mean_factor_score"],
            ha="center",
            va="top",
            fontsize=8,
        )
        handles, entries = axis.get_legend_handles_labels()
        fig.legend(
            handles,
            entries,
            loc="upper center",
            bbox_to_anchor=(0.5, 1 - legend_top / height),
            ncol=ncol,
            frameon=False,
            fontsize=legend_size,
            borderaxespad=0,
            borderpad=0.2,
            **LEGEND_SPACING,
        )
    return fig


def save_figure(fig: plt.Figure, folder: Path, stem: str) -> list[Path]:
    """Write `stem`.png (300 dpi), `stem`.svg and `stem`.pdf with no timestamps or software versions in them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png, svg, pdf = folder / f"{stem}.png", folder / f"{stem}.svg", folder / f"{stem}.pdf"
    with plt.rc_context(STYLE):
        # zlib level 1: the 300-dpi encode is ~4x faster for files ~20 % larger; it is on the critical path.
        fig.savefig(png, dpi=300, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
        fig.savefig(pdf, metadata={"CreationDate": None, "Creator": None, "Producer": None})
    plt.close(fig)
    return [png, svg, pdf]


def preview(png: Path, width: int = 640):
    """A small copy of a saved PNG for display in a notebook.

    Shrinking the 300-dpi file is cheaper than drawing the figure again, and
    showing an Image rather than the live figure keeps matplotlib's
    version-dependent "<Figure size ...>" text out of the outputs nbval compares.
    """
    from IPython.display import Image
    from PIL import Image as Picture

    with Picture.open(png) as picture:
        # A box-filter reduction by a whole factor: cheap, and sharp enough for a preview.
        small = picture.convert("RGB").reduce(max(1, picture.width // width))
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=False)
    return Image(data=buffer.getvalue(), format="png")


def likert_distribution(likert: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per stakeholder group x statement: how many gave each scale value, "no opinion", or left it blank.

    Columns: stakeholder, statement_id, one column per scale value (every
    value, chosen or not), no_opinion, blank, n (answers on the scale).
    """
    values = codebook.scale_values
    counts = (
        likert.dropna(subset=["score"])
        .groupby(["stakeholder", "statement_id"])["score"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=values, fill_value=0)
    )
    missing = (
        likert.loc[likert["score"].isna()]
        .groupby(["stakeholder", "statement_id"])["missing_reason"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=["no opinion", "blank"], fill_value=0)
        .rename(columns={"no opinion": "no_opinion"})
    )
    statements = codebook.statements()["statement_id"]
    present = set(likert["stakeholder"].unique())
    groups = [g for g in codebook.stakeholders()["code"] if g in present]
    index = pd.MultiIndex.from_product([groups, statements], names=["stakeholder", "statement_id"])
    table = counts.join(missing, how="outer").reindex(index).fillna(0).astype(int)
    table.columns = [*values, "no_opinion", "blank"]
    table["n"] = table[values].sum(axis=1)
    return table.reset_index()


def _distribution_rows(distribution: pd.DataFrame, groups: pd.DataFrame, statements: pd.DataFrame, values: list[int]):
    """One row per statement x group (codebook order) with the shares of each scale value and of "no opinion"."""
    rows = [
        (s.statement_id, s.statement, g.stakeholder, g.short)
        for s in statements.itertuples()
        for g in groups.itertuples()
    ]
    frame = pd.DataFrame(rows, columns=["statement_id", "statement", "stakeholder", "short"])
    frame = frame.merge(distribution, on=["stakeholder", "statement_id"], how="left").fillna(
        {c: 0 for c in distribution.columns}
    )
    shares = frame[values].div(frame["n"].where(frame["n"] > 0), axis=0).fillna(0) * 100
    asked = frame["n"] + frame["no_opinion"]
    no_opinion = (frame["no_opinion"] / asked.where(asked > 0)).fillna(0) * 100
    return frame, shares, no_opinion


def diverging_likert_chart(
    distribution: pd.DataFrame,
    groups: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    factor_id: str | None = None,
) -> plt.Figure:
    """Diverging stacked bars of the answer distribution of one factor's statements (all factors when None).

    One facet per statement, its text above it, one bar per stakeholder group
    with the row's n; each facet carries its own axis; the share on every
    segment wide enough to hold it; "no opinion" in its own panel beside the
    bars, not in the neutral middle; every scale level in the legend, chosen
    or not; the neutral answer in a grey that stands out from the page.
    """
    values = codebook.scale_values
    words = ui(lang)
    middle = (values[0] + values[-1]) / 2
    colours = scale_colours(values)
    statements = codebook.statements(lang)
    if factor_id is not None:
        statements = statements.loc[statements["factor_id"] == factor_id]
    frame, shares, no_opinion = _distribution_rows(distribution, groups, statements, values)
    size, title_size, cell_size = 6.5, 6.5, 5.5
    labels = [f"{row.short} (n={int(row.n)})" for row in frame.itertuples()]
    label_width = min(max(text_extent(t, size)[0] for t in labels) / 72 + 0.05, 2.0)
    labels = [wrap_to_width(t, label_width * 72, size) for t in labels]
    left = PAD + label_width + 0.08
    side_width, gap = 0.85, 0.4
    side_left = WIDTH - PAD - 0.15 - side_width
    main_width = side_left - gap - left
    legend_entries = scale_texts(codebook, lang)
    ncol = _legend_columns(legend_entries, size, (WIDTH - 2 * PAD) * 72)
    side_title = wrap_to_width(words["no_opinion_pct"], (side_width + 0.1) * 72, size)
    axis_label = wrap_to_width(words["share_axis"], main_width * 72, 7)
    column = _Column()
    legend_top = column.take(math.ceil(len(legend_entries) / ncol) * size * 1.7 / 72 + 0.08)
    side_title_top = column.take(lines_height(side_title, size) + 0.02)
    facets = []
    per_statement = len(groups)
    for k, statement in enumerate(statements.itertuples()):
        block = slice(k * per_statement, (k + 1) * per_statement)
        title = wrap_to_width(
            statement.statement if isinstance(statement.statement, str) else unknown_wording(lang),
            (WIDTH - 2 * PAD) * 72,
            title_size,
            style="italic",
        )
        title_top = column.take(lines_height(title, title_size) + 0.03)
        # Rows of one facet are equally tall: as tall as its tallest (wrapped) label needs.
        facet_height = per_statement * max(0.19, *(lines_height(t, size) + 0.04 for t in labels[block]))
        facets.append(
            {
                "title": title,
                "title_top": title_top,
                "rows": block,
                "top": column.take(facet_height),
                "height": facet_height,
            }
        )
        column.take(0.12)
    tick_top = column.take(0.16)
    label_top = column.take(lines_height(axis_label, 7) + 0.06)
    height = column.y + PAD
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(WIDTH, height))
        panels = []
        for i, facet in enumerate(facets):
            axis = _axes_at(fig, left, facet["top"], main_width, facet["height"], height)
            side = _axes_at(fig, side_left, facet["top"], side_width, facet["height"], height)
            panels.append((axis, side))
            _text_at(fig, PAD, facet["title_top"], facet["title"], height, fontsize=title_size, style="italic")
            rows = facet["rows"]
            positions = np.arange(rows.stop - rows.start)
            part = shares.iloc[rows]
            start = -part[[v for v in values if v < middle]].sum(axis=1).to_numpy()
            if middle in values:
                start = start - part[middle].to_numpy() / 2
            for value in values:
                width = part[value].to_numpy()
                axis.barh(
                    positions,
                    width,
                    left=start,
                    height=0.78,
                    color=colours[value],
                    edgecolor="white",
                    linewidth=0.4,
                    label=legend_entries[values.index(value)],
                )
                for x, w, p in zip(start, width, positions):
                    text = i18n.percent(w / 100, lang)
                    if w > 0 and text_extent(text, cell_size)[0] + 3 <= w / 200 * main_width * 72:
                        axis.text(
                            x + w / 2,
                            p,
                            text,
                            ha="center",
                            va="center",
                            fontsize=cell_size,
                            color=text_colour_on(colours[value]),
                        )
                start = start + width
            axis.axvline(0, color="0.25", linewidth=0.6)
            axis.set_xlim(-100, 100)
            axis.set_ylim(len(positions) - 0.5, -0.5)
            axis.set_yticks(positions, labels[rows], fontsize=size)
            axis.set_xticks(range(-100, 101, 50))
            axis.grid(axis="x", color="0.9", linewidth=0.5)
            axis.set_axisbelow(True)
            axis.spines[["top", "right", "left"]].set_visible(False)
            axis.tick_params(axis="y", length=0)
            side_values = no_opinion.iloc[rows].to_numpy()
            side.barh(positions, side_values, height=0.78, color="0.45")
            side.set_ylim(len(positions) - 0.5, -0.5)
            side.set_yticks([])
            side.spines[["top", "right", "left"]].set_visible(False)
            last = i == len(facets) - 1
            if last:
                axis.set_xticklabels(
                    [i18n.percent(abs(t) / 100, lang) if t else "0" for t in range(-100, 101, 50)], fontsize=size
                )
            else:
                axis.set_xticklabels([])
        top_side = max(20.0, float(no_opinion.max()) * 1.45 if len(no_opinion) else 20.0)
        side_ticks = [
            t for t in MaxNLocator(nbins=3, steps=[1, 2, 5, 10]).tick_values(0, top_side) if 0 <= t <= top_side
        ]
        for i, (axis, side) in enumerate(panels):
            side.set_xlim(0, top_side)
            side.set_xticks(side_ticks if i == len(panels) - 1 else [])
            side.tick_params(axis="x", labelsize=size)
            rows = facets[i]["rows"]
            for value, p in zip(no_opinion.iloc[rows].to_numpy(), range(rows.stop - rows.start)):
                if value > 0:
                    side.text(value + top_side * 0.02, p, f"{value:.0f}", va="center", fontsize=cell_size)
        _text_at(fig, side_left, side_title_top, side_title, height, fontsize=size)
        fig.text((left + main_width / 2) / WIDTH, 1 - label_top / height, axis_label, ha="center", va="top", fontsize=7)
        handles, entries = panels[0][0].get_legend_handles_labels()
        fig.legend(
            handles,
            entries,
            loc="upper center",
            bbox_to_anchor=(0.5, 1 - legend_top / height),
            ncol=ncol,
            frameon=False,
            fontsize=size,
            borderaxespad=0,
            borderpad=0.2,
            **LEGEND_SPACING,
        )
        del tick_top
    return fig


def distribution_charts(
    distribution: pd.DataFrame, groups: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE
) -> dict[str, plt.Figure]:
    """The answer distribution as one figure per factor (codebook order), keyed by file stem."""
    return {
        distribution_stem(f): diverging_likert_chart(distribution, groups, codebook, lang, f)
        for f in codebook.factors(lang)["factor_id"]
    }


def discard(folder: Path, stem: str) -> None:
    """Remove `stem`.png/.svg/.pdf (and `stem`_*, one per factor) left by an earlier run, so the report never
    shows a figure this run did not draw."""
    for path in [*Path(folder).glob(f"{stem}.*"), *Path(folder).glob(f"{stem}_*.*")]:
        if path.suffix in (".png", ".svg", ".pdf"):
            path.unlink(missing_ok=True)


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
