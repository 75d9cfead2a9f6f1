"""The factor priorities by stakeholder type: each type's mean per factor on one scale, factors in the
order of their overall mean (factor_priority_chart)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE, Codebook
from helpers.i18n import ui
from helpers.publish.figures.style import MARKERS, PAD, STYLE, WIDTH, group_names, stakeholder_palette
from helpers.publish.figures.text import lines_height, text_extent, wrap_to_width
from helpers.publish.figures.layout import LEGEND_SPACING, _Column, _axes_at, _legend_columns


def factor_priority_chart(
    per_group: pd.DataFrame,
    ranking: pd.DataFrame,
    groups: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    intervals: pd.DataFrame | None = None,
) -> plt.Figure:
    """Dot chart: each factor's mean score per stakeholder group, factors ordered by overall priority.

    `per_group` is `tables.factor_summary`; `ranking` is `tables.factor_ranking`; `intervals` (optional) the
    factor rows of `stats.group_mean_intervals` (stakeholder, id, ci_low, ci_high): each group's 95 % interval is
    drawn as a line through its dot, so that 6 respondents do not look as firm as 116 (n is in the legend).
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
        bounds = intervals.set_index(["stakeholder", "id"])[["ci_low", "ci_high"]] if intervals is not None else None
        for i, (g, name) in enumerate(zip(groups.itertuples(), group_names(groups))):
            block = per_group.loc[per_group["stakeholder"] == g.stakeholder]
            if bounds is not None:
                keys = list(zip([g.stakeholder] * len(block), block["factor_id"]))
                low = bounds["ci_low"].reindex(keys).to_numpy(float)
                high = bounds["ci_high"].reindex(keys).to_numpy(float)
                axis.hlines(
                    [y[f] + offsets[g.stakeholder] for f in block["factor_id"]],
                    low,
                    high,
                    color=palette[g.stakeholder],
                    linewidth=1.1,
                    zorder=2,
                )
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
