"""Figures of factor priorities by stakeholder type, saved as PNG (300 dpi) and SVG.

Colours: one colour per stakeholder type from seaborn's colour-blind-safe
palette, assigned in the codebook's order, the same in every figure.
Fonts: DejaVu Sans (matplotlib's default) covers Latin, Cyrillic and Kazakh letters.
"""
from __future__ import annotations

import io
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; notebooks show a preview image instead of a live figure

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from helpers.codebook import DEFAULT_LANGUAGE, Codebook  # noqa: E402
from helpers.tables import format_score  # noqa: E402

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "svg.hashsalt": "amirova2020",  # fixed ids inside the SVG: same figure, same bytes
    "svg.fonttype": "path",
}
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*", "<", ">")


def stakeholder_palette(codebook: Codebook) -> dict[str, tuple]:
    """Stakeholder code -> colour, in the codebook's order (colour-blind-safe palette)."""
    codes = codebook.stakeholders()["code"].tolist()
    return dict(zip(codes, sns.color_palette("colorblind", n_colors=max(len(codes), 1))))


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def statement_heatmap(summary: pd.DataFrame, groups: pd.DataFrame, codebook: Codebook,
                      lang: str = DEFAULT_LANGUAGE) -> plt.Figure:
    """Heatmap of statements x stakeholder groups, one panel per factor, annotated with the (mean) scores.

    `summary` is `tables.statement_summary`; `groups` is `tables.group_sizes`.
    Drawn with matplotlib's imshow: the same picture as seaborn.heatmap at a
    quarter of its drawing time, which is on the pipeline's critical path.
    """
    values = codebook.scale_values
    low, high = min(values), max(values)
    factors = codebook.factors(lang)
    statements = codebook.statements(lang)
    many = (groups["n"] > 1).any()
    columns = [wrap(f"{g.short} (n={g.n})" if many else g.short, 11) for g in groups.itertuples()]
    counts = statements.groupby("factor_id", sort=False).size().reindex(factors["factor_id"]).tolist()
    colormap = plt.get_cmap("cividis")
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(len(counts), 1, figsize=(7.0, 0.42 * sum(counts) + 0.45 * len(counts) + 0.9),
                                 gridspec_kw={"height_ratios": counts}, sharex=True, squeeze=False)
        for axis, factor in zip(axes[:, 0], factors.itertuples()):
            ids = statements.loc[statements["factor_id"] == factor.factor_id, "statement_id"]
            grid = (summary.loc[summary["factor_id"] == factor.factor_id]
                    .pivot(index="statement_id", columns="stakeholder", values="mean")
                    .reindex(index=ids, columns=groups["stakeholder"]).astype(float))
            image = axis.imshow(grid.to_numpy(), cmap=colormap, vmin=low, vmax=high, aspect="auto",
                                interpolation="nearest")
            for (i, j), value in np.ndenumerate(grid.to_numpy()):
                if not np.isnan(value):
                    # Dark text on the light half of the colour map, white on the dark half.
                    shade = "black" if (value - low) / (high - low) > 0.5 else "white"
                    axis.text(j, i, format_score(round(value, 2)), ha="center", va="center", color=shade, fontsize=8)
            axis.set_xticks(np.arange(grid.shape[1] + 1) - 0.5, minor=True)
            axis.set_yticks(np.arange(grid.shape[0] + 1) - 0.5, minor=True)
            axis.grid(which="minor", color="white", linewidth=1.5)
            axis.tick_params(which="both", length=0)
            axis.spines[:].set_visible(False)
            texts = statements.set_index("statement_id").loc[ids, "statement"]
            axis.set_yticks(range(len(ids)), [wrap(t, 62) for t in texts], fontsize=6.5)
            axis.set_title(factor.factor, loc="left", fontweight="bold")
        axes[-1, 0].set_xticks(range(len(columns)), columns)
        fig.subplots_adjust(left=0.5, right=0.9, top=0.97, bottom=0.07, hspace=0.45)
        colorbar = fig.colorbar(image, cax=fig.add_axes([0.93, 0.25, 0.015, 0.5]), ticks=values)
        colorbar.set_label("Score")
        colorbar.outline.set_visible(False)
    return fig


def factor_priority_chart(per_group: pd.DataFrame, ranking: pd.DataFrame, groups: pd.DataFrame,
                          codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> plt.Figure:
    """Dot chart: each factor's mean score per stakeholder group, factors ordered by overall priority.

    `per_group` is `tables.factor_summary`; `ranking` is `tables.factor_ranking`.
    """
    palette = stakeholder_palette(codebook)
    values = codebook.scale_values
    order = ranking["factor_id"].tolist()  # highest priority first, drawn at the top
    y = {factor_id: len(order) - 1 - i for i, factor_id in enumerate(order)}
    # The first group in the codebook is drawn at the top of each factor's band, as in the legend.
    offsets = {g: ((len(groups) - 1) / 2 - i) * 0.12 for i, g in enumerate(groups["stakeholder"])}
    many = (groups["n"] > 1).any()
    with plt.rc_context(STYLE):
        fig, axis = plt.subplots(figsize=(6.3, 0.55 * len(order) + 1.6))
        axis.plot(ranking["mean"], [y[f] for f in ranking["factor_id"]], marker="|", markersize=18,
                  color="black", linestyle="none", label="All groups (mean of group means)")
        for i, g in enumerate(groups.itertuples()):
            block = per_group.loc[per_group["stakeholder"] == g.stakeholder]
            axis.scatter(block["mean"], [y[f] + offsets[g.stakeholder] for f in block["factor_id"]],
                         color=palette[g.stakeholder], marker=MARKERS[i % len(MARKERS)], s=36, zorder=3,
                         label=f"{g.label} (n={g.n})" if many else g.label)
        names = ranking.set_index("factor_id")["factor"]
        axis.set_yticks([y[f] for f in order], [f"{i + 1}. {names[f]}" for i, f in enumerate(order)])
        axis.set_xlim(min(values) - 0.2, max(values) + 0.2)
        axis.set_xticks(values)
        axis.set_xlabel("Mean score of the factor's statements")
        axis.grid(axis="x", color="0.9")
        axis.set_axisbelow(True)
        axis.spines[["top", "right"]].set_visible(False)
        axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, frameon=False, fontsize=7)
        fig.tight_layout()
    return fig


def save_figure(fig: plt.Figure, folder: Path, stem: str) -> list[Path]:
    """Write `stem`.png (300 dpi) and `stem`.svg with no timestamps or software versions in them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
    with plt.rc_context(STYLE):
        # zlib level 1: the 300-dpi encode is ~4x faster for files ~20 % larger; it is on the critical path.
        fig.savefig(png, dpi=300, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return [png, svg]


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
