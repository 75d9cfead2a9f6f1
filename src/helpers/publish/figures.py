"""Figures of factor priorities by stakeholder type, saved as PNG (300 dpi) and SVG.

Colours: one colour per stakeholder type from seaborn's colour-blind-safe
palette (its ten colours written out, see COLORBLIND), assigned in the
codebook's order, the same in every figure.
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

from helpers.codebook import DEFAULT_LANGUAGE, Codebook  # noqa: E402
from helpers import i18n  # noqa: E402
from helpers.i18n import ui  # noqa: E402
from helpers.analysis.tables import format_score, unknown_wording  # noqa: E402

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "svg.hashsalt": "amirova2020",  # fixed ids inside the SVG: same figure, same bytes
    "svg.fonttype": "path",
}
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*", "<", ">")


#: seaborn's "colorblind" palette (seaborn.palettes.SEABORN_PALETTES), written out: importing seaborn for ten
#: colours would load scipy and statsmodels too, about half a second on the figures step, the critical path.
#: tests/test_figures_palette.py checks that it still equals seaborn's.
COLORBLIND = ("#0173B2", "#DE8F05", "#029E73", "#D55E00", "#CC78BC", "#CA9161", "#FBAFE4", "#949494", "#ECE133", "#56B4E9")


def stakeholder_palette(codebook: Codebook) -> dict[str, tuple]:
    """Stakeholder code -> colour, in the codebook's order (colour-blind-safe palette, repeated past ten types)."""
    from matplotlib.colors import to_rgb

    codes = codebook.stakeholders()["code"].tolist()
    return {code: to_rgb(COLORBLIND[i % len(COLORBLIND)]) for i, code in enumerate(codes)}


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
                    axis.text(j, i, format_score(round(value, 2), lang), ha="center", va="center", color=shade, fontsize=8)
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
        colorbar.set_label(ui(lang)["score"])
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
                  color="black", linestyle="none", label=ui(lang)["all_groups_mean"])
        for i, g in enumerate(groups.itertuples()):
            block = per_group.loc[per_group["stakeholder"] == g.stakeholder]
            axis.scatter(block["mean"], [y[f] + offsets[g.stakeholder] for f in block["factor_id"]],
                         color=palette[g.stakeholder], marker=MARKERS[i % len(MARKERS)], s=36, zorder=3,
                         label=f"{g.label} (n={g.n})" if many else g.label)
        names = ranking.set_index("factor_id")["factor"]
        axis.set_yticks([y[f] for f in order], [f"{i + 1}. {names[f]}" for i, f in enumerate(order)])
        axis.set_xlim(min(values) - 0.2, max(values) + 0.2)
        axis.set_xticks(values)
        axis.set_xlabel(ui(lang)["mean_factor_score"])
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


def likert_distribution(likert: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per stakeholder group x statement: how many gave each scale value, "no opinion", or left it blank.

    Columns: stakeholder, statement_id, one column per scale value (every
    value, chosen or not), no_opinion, blank, n (answers on the scale).
    """
    values = codebook.scale_values
    counts = (likert.dropna(subset=["score"]).groupby(["stakeholder", "statement_id"])["score"]
              .value_counts().unstack(fill_value=0).reindex(columns=values, fill_value=0))
    missing = (likert.loc[likert["score"].isna()].groupby(["stakeholder", "statement_id"])["missing_reason"]
               .value_counts().unstack(fill_value=0)
               .reindex(columns=["no opinion", "blank"], fill_value=0)
               .rename(columns={"no opinion": "no_opinion"}))
    statements = codebook.statements()["statement_id"]
    present = set(likert["stakeholder"].unique())
    groups = [g for g in codebook.stakeholders()["code"] if g in present]
    index = pd.MultiIndex.from_product([groups, statements], names=["stakeholder", "statement_id"])
    table = counts.join(missing, how="outer").reindex(index).fillna(0).astype(int)
    table.columns = [*values, "no_opinion", "blank"]
    table["n"] = table[values].sum(axis=1)
    return table.reset_index()


def diverging_likert_chart(distribution: pd.DataFrame, groups: pd.DataFrame, codebook: Codebook,
                           lang: str = DEFAULT_LANGUAGE) -> plt.Figure:
    """Diverging stacked bars of the answer distribution, centred on the neutral point.

    One bar per statement and stakeholder group, statements grouped by factor
    in the codebook's order; n on every bar (a dagger where a group's n
    differs between statements); "no opinion" drawn in its own panel beside
    the bars, not in the neutral middle; every scale level in the legend,
    chosen or not.
    """
    values = codebook.scale_values
    labels = codebook.scale_labels(lang)
    middle = (len(values) - 1) / 2
    colours = dict(zip(values, plt.get_cmap("BrBG")(np.linspace(0.1, 0.9, len(values)))))
    statements = codebook.statements(lang)
    rows = []
    for factor_id, block in statements.groupby("factor_id", sort=False):
        for statement in block.itertuples():
            for g in groups.itertuples():
                rows.append((factor_id, statement.statement_id, statement.statement, g.stakeholder, g.short))
    frame = pd.DataFrame(rows, columns=["factor_id", "statement_id", "statement", "stakeholder", "short"])
    frame = frame.merge(distribution, on=["stakeholder", "statement_id"], how="left").fillna(0)
    varying = frame.groupby("stakeholder")["n"].nunique() > 1
    shares = frame[values].div(frame["n"].where(frame["n"] > 0), axis=0).fillna(0) * 100
    asked = frame["n"] + frame["no_opinion"]
    no_opinion = (frame["no_opinion"] / asked.where(asked > 0)).fillna(0) * 100
    # y positions: a gap before each statement and a larger one before each factor.
    y, positions, heads = 0.0, [], []
    previous_statement, previous_factor = None, None
    for row in frame.itertuples():
        if row.factor_id != previous_factor:
            y += 1.2
            heads.append(("factor", y - 0.6, row.factor_id))
        if row.statement_id != previous_statement:
            y += 0.9
            heads.append(("statement", y - 0.55, row.statement))
        positions.append(y)
        y += 1
        previous_statement, previous_factor = row.statement_id, row.factor_id
    positions = np.array(positions)
    factor_names = dict(zip(codebook.factors(lang)["factor_id"], codebook.factors(lang)["factor"]))
    with plt.rc_context(STYLE):
        fig, (axis, side) = plt.subplots(1, 2, figsize=(7.0, 0.16 * y + 1.6), sharey=True,
                                         gridspec_kw={"width_ratios": [6, 1], "wspace": 0.05})
        left = -shares[[v for v in values if v < values[0] + middle]].sum(axis=1)
        if len(values) % 2:
            left -= shares[values[len(values) // 2]] / 2
        start = left.to_numpy().copy()
        for value in values:
            width = shares[value].to_numpy()
            axis.barh(positions, width, left=start, height=0.8, color=colours[value], edgecolor="white", linewidth=0.3,
                      label=f"{value} {labels.get(value) or ''}".strip())
            for x, w, p in zip(start, width, positions):
                if w >= 1:
                    axis.text(x + w / 2, p, f"{w:.0f}", ha="center", va="center", fontsize=5.5 if w >= 7 else 4,
                              color="black")
            start += width
        axis.axvline(0, color="0.3", linewidth=0.6)
        tick_labels = [f"{row.short} (n={int(row.n)}{'†' if varying.get(row.stakeholder, False) else ''})"
                       for row in frame.itertuples()]
        axis.set_yticks(positions, tick_labels, fontsize=5.5)
        for kind, position, text in heads:
            if kind == "factor":
                axis.text(-101, position, factor_names[text], ha="left", va="center", fontweight="bold", fontsize=7.5)
            else:
                axis.text(-101, position, wrap(text, 110), ha="left", va="center", fontsize=6, style="italic")
        axis.set_xlim(-101, 101)
        axis.set_xticks(range(-100, 101, 25), [i18n.percent(abs(t) / 100, lang) for t in range(-100, 101, 25)])
        axis.invert_yaxis()
        axis.spines[["top", "right", "left"]].set_visible(False)
        axis.tick_params(axis="y", length=0)
        axis.set_xlabel(ui(lang)["share_axis"])
        side.barh(positions, no_opinion, height=0.8, color="0.65")
        for value, p in zip(no_opinion, positions):
            if value > 0:
                side.text(value + 1, p, f"{value:.0f}", va="center", fontsize=5)
        side.set_xlim(0, max(20, float(no_opinion.max()) * 1.3 if len(no_opinion) else 20))
        side.set_title(ui(lang)["no_opinion_pct"], fontsize=7)
        side.spines[["top", "right", "left"]].set_visible(False)
        side.tick_params(axis="y", length=0)
        handles, names = axis.get_legend_handles_labels()
        height = 0.16 * y + 1.6
        fig.legend(handles, names, loc="lower center", bbox_to_anchor=(0.5, 0.25 / height), ncol=min(len(values), 4),
                   frameon=False, fontsize=6.5)
        if varying.any():
            fig.text(0.01, 0.05 / height, "† " + ui(lang)["n_differs_note"],
                     fontsize=6)
        fig.subplots_adjust(left=0.24, right=0.98, top=1 - 0.2 / height, bottom=1.0 / height)
    return fig


def discard(folder: Path, stem: str) -> None:
    """Remove `stem`.png/.svg left by an earlier run, so the report never shows a figure this run did not draw."""
    for suffix in (".png", ".svg"):
        (Path(folder) / f"{stem}{suffix}").unlink(missing_ok=True)


def choice_matrix(counts: pd.DataFrame, groups: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> plt.Figure:
    """Table 2 as a matrix: every option of every question (codebook order) x stakeholder group, shaded by the
    share of the group that chose it and annotated with count/n. `counts` is `tables.option_counts`."""
    questions = codebook.questions(lang)
    rows = counts.drop_duplicates(["question_id", "letter"])[["question_id", "letter", "text"]]
    share = counts.pivot_table(index=["question_id", "letter"], columns="stakeholder", values="share", sort=False)
    chosen = counts.pivot_table(index=["question_id", "letter"], columns="stakeholder", values="n_chose", sort=False)
    index = list(zip(rows["question_id"], rows["letter"]))
    share = share.reindex(index=index, columns=groups["stakeholder"])
    chosen = chosen.reindex(index=index, columns=groups["stakeholder"])
    sizes = dict(zip(groups["stakeholder"], groups["n"]))
    with plt.rc_context(STYLE):
        fig, axis = plt.subplots(figsize=(7.0, 0.3 * len(index) + 0.35 * len(questions) + 1.2))
        axis.imshow(share.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        for (i, j), value in np.ndenumerate(chosen.to_numpy(dtype=float)):
            n = sizes[share.columns[j]]
            text = ("✓" if value else "") if n == 1 else f"{int(value)}/{n}"
            axis.text(j, i, text, ha="center", va="center", fontsize=7,
                      color="white" if share.iloc[i, j] > 0.6 else "black")
        labels = [wrap(f"{letter}) {text if isinstance(text, str) else unknown_wording(lang)}", 70)
                  for (_, letter), text in zip(index, rows["text"])]
        axis.set_yticks(range(len(index)), labels, fontsize=6)
        axis.set_xticks(range(len(groups)), [wrap(g, 12) for g in groups["short"]], fontsize=7)
        axis.xaxis.tick_top()
        starts = rows.reset_index(drop=True).groupby("question_id", sort=False).head(1).index.tolist()
        for number, start in enumerate(starts):
            if start:
                axis.axhline(start - 0.5, color="black", linewidth=0.8)
            axis.text(-0.6, start - 0.35, ui(lang)["question_short"].format(number=number + 1), ha="right", va="bottom", fontsize=7, fontweight="bold",
                      transform=axis.transData)
        axis.set_xticks(np.arange(len(groups) + 1) - 0.5, minor=True)
        axis.grid(which="minor", axis="x", color="white", linewidth=1.5)
        axis.tick_params(which="both", length=0)
        axis.spines[:].set_visible(False)
        fig.subplots_adjust(left=0.55, right=0.98, top=1 - 0.9 / fig.get_figheight(), bottom=0.02)
    return fig

