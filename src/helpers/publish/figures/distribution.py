"""The answer distributions: how many of each stakeholder type gave each answer to each statement
(likert_distribution, the table beside the figures), drawn as diverging stacked bars, one figure per factor."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from helpers.codebook import DEFAULT_LANGUAGE, Codebook
from helpers import i18n
from helpers.i18n import ui
from helpers.analysis.tables import unknown_wording
from helpers.publish import distribution_stem
from helpers.publish.figures.style import PAD, STYLE, WIDTH, scale_colours, scale_texts, text_colour_on
from helpers.publish.figures.text import lines_height, text_extent, wrap_to_width
from helpers.publish.figures.layout import LEGEND_SPACING, _Column, _axes_at, _legend_columns, _text_at


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


#: The code of the all-respondents bar drawn first in every statement's facet (never a stakeholder code: those are
#: the codebook's, and this one starts with characters a codebook code cannot hold).
ALL = "<all>"


#: The bars' axis runs from -END_ROOM to END_ROOM (ticks -100 to 100): room for the end totals beside a full bar.
END_ROOM = 122


def _with_all_respondents(distribution: pd.DataFrame, groups: pd.DataFrame, words: dict) -> tuple:
    """The distribution and the groups with an all-respondents row first: the counts summed over the groups."""
    counts = [c for c in distribution.columns if c not in ("stakeholder", "statement_id")]
    everyone = distribution.groupby("statement_id", sort=False)[counts].sum().reset_index().assign(stakeholder=ALL)
    total = pd.DataFrame([{"stakeholder": ALL, "short": words["all_respondents"], "n": int(groups["n"].sum())}])
    return pd.concat([everyone, distribution], ignore_index=True), pd.concat([total, groups], ignore_index=True)


def agreement_order(distribution: pd.DataFrame, statements: pd.DataFrame, values: list[int]) -> pd.DataFrame:
    """`statements` sorted by the share of all respondents agreeing (above the scale's middle), highest first;
    ties keep the questionnaire's order."""
    middle = (values[0] + values[-1]) / 2
    summed = distribution.groupby("statement_id")[values].sum()
    n = summed.sum(axis=1)
    share = (summed[[v for v in values if v > middle]].sum(axis=1) / n.where(n > 0)).fillna(0)
    key = statements["statement_id"].map(share).fillna(0)
    return statements.iloc[np.argsort(-key.to_numpy(), kind="stable")]


def _distribution_rows(distribution: pd.DataFrame, groups: pd.DataFrame, statements: pd.DataFrame, values: list[int]):
    """One row per statement x group (in the order given) with the shares of each scale value (of the answers on
    the scale) and of "no opinion" and blank (of everyone asked: on the scale, no opinion or blank)."""
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
    asked = (frame["n"] + frame["no_opinion"] + frame["blank"]).where(lambda a: a > 0)
    missing = pd.DataFrame(
        {"no_opinion": (frame["no_opinion"] / asked).fillna(0) * 100, "blank": (frame["blank"] / asked).fillna(0) * 100}
    )
    return frame, shares, missing


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
    distribution, groups = _with_all_respondents(distribution, groups, words)
    statements = agreement_order(distribution.loc[distribution["stakeholder"] == ALL], statements, values)
    frame, shares, missing = _distribution_rows(distribution, groups, statements, values)
    no_opinion = missing.sum(axis=1)  # the side panel's bar: no opinion, then blank
    size, title_size, cell_size = 6.5, 6.5, 5.5
    labels = [f"{row.short} (n={int(row.n)})" for row in frame.itertuples()]
    label_width = min(max(text_extent(t, size)[0] for t in labels) / 72 + 0.05, 2.0)
    labels = [wrap_to_width(t, label_width * 72, size) for t in labels]
    left = PAD + label_width + 0.08
    side_width, gap = 0.85, 0.4
    side_left = WIDTH - PAD - 0.15 - side_width
    main_width = side_left - gap - left
    legend_entries = scale_texts(codebook, lang)
    every_entry = [*legend_entries, words["no_opinion_short"], words["blank_short"]]
    ncol = _legend_columns(every_entry, size, (WIDTH - 2 * PAD) * 72)
    side_title = wrap_to_width(words["no_opinion_blank_pct"], (side_width + 0.1) * 72, size)
    axis_label = wrap_to_width(words["share_axis"], main_width * 72, 7)
    column = _Column()
    legend_top = column.take(math.ceil(len(every_entry) / ncol) * size * 1.7 / 72 + 0.08)
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
            # End totals: the share disagreeing at the bar's left end, agreeing at its right end.
            disagree = part[[v for v in values if v < middle]].sum(axis=1).to_numpy()
            agree = part[[v for v in values if v > middle]].sum(axis=1).to_numpy()
            half = part[middle].to_numpy() / 2 if middle in values else np.zeros(len(part))
            for p_, d, a, h in zip(positions, disagree, agree, half):
                style = {"va": "center", "fontsize": cell_size, "color": "0.15"}
                axis.text(-(d + h) - 1.5, p_, i18n.percent(d / 100, lang), ha="right", **style)
                axis.text(a + h + 1.5, p_, i18n.percent(a / 100, lang), ha="left", **style)
            axis.axvline(0, color="0.25", linewidth=0.6)
            axis.set_xlim(-END_ROOM, END_ROOM)
            axis.set_ylim(len(positions) - 0.5, -0.5)
            axis.set_yticks(positions, labels[rows], fontsize=size)
            axis.get_yticklabels()[0].set_fontweight("bold")  # the all-respondents bar, first in every facet
            axis.set_xticks(range(-100, 101, 50))
            axis.grid(axis="x", color="0.9", linewidth=0.5)
            axis.set_axisbelow(True)
            axis.spines[["top", "right", "left"]].set_visible(False)
            axis.tick_params(axis="y", length=0)
            opinionless, blank = missing["no_opinion"].iloc[rows].to_numpy(), missing["blank"].iloc[rows].to_numpy()
            side.barh(positions, opinionless, height=0.78, color="0.45", label=words["no_opinion_short"])
            side.barh(
                positions,
                blank,
                left=opinionless,
                height=0.78,
                color="0.8",
                hatch="////",
                edgecolor="0.45",
                linewidth=0,
                label=words["blank_short"],
            )
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
                    side.text(value + top_side * 0.02, p, i18n.number(value, lang, 0), va="center", fontsize=cell_size)
        _text_at(fig, side_left, side_title_top, side_title, height, fontsize=size)
        fig.text((left + main_width / 2) / WIDTH, 1 - label_top / height, axis_label, ha="center", va="top", fontsize=7)
        handles, entries = panels[0][0].get_legend_handles_labels()
        side_handles, side_entries = panels[0][1].get_legend_handles_labels()
        handles, entries = handles + side_handles, entries + side_entries
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
