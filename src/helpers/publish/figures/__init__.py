"""Figures of factor priorities by stakeholder type, saved as PNG (300 dpi), SVG and PDF.

Layout is computed, not guessed: every label is measured in the figure's font
(`text_extent`) and wrapped to the room it has (`wrap_to_width`); column
labels that cannot be wrapped into their column are turned upright; the
figure grows in height to hold what it must show. The tests of the figures' extents
check the result from what matplotlib drew: no text outside the canvas, no
two texts on top of each other, at any group count, label length and language.

    heatmaps     -- statement scores and options chosen by stakeholder type
    priority     -- the factor priorities by stakeholder type
    distribution -- the answer distributions, one diverging bar chart per factor
    style        -- font, sizes, the colours of stakeholder types and scores, group names
    text         -- text measured in the figures' font and wrapped to its room
    layout       -- columns, axes, panels and legends placed in inches
    output       -- PNG, SVG and PDF written without timestamps; the notebook's preview

Every name is importable from here, as `from helpers.publish.figures import statement_heatmaps`.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; notebooks show a preview image instead of a live figure

import matplotlib.pyplot as plt  # noqa: E402  (helpers.publish.figures.plt, as before)

from helpers.publish.figures.heatmaps import (  # noqa: E402
    choice_matrices,
    statement_heatmaps,
    _panel_heatmap as _panel_heatmap,
)
from helpers.publish.figures.priority import (  # noqa: E402
    factor_priority_chart,
)
from helpers.publish.figures.distribution import (  # noqa: E402
    distribution_charts,
    diverging_likert_chart,
    likert_distribution,
    _distribution_rows as _distribution_rows,
)
from helpers.publish.figures.style import (  # noqa: E402
    COLORBLIND,
    contrast_ratio,
    FONT,
    group_names,
    LINE,
    MARKERS,
    NEUTRAL_GREY,
    PAD,
    scale_colours,
    scale_texts,
    SCORE_CMAP,
    score_format,
    stakeholder_palette,
    STYLE,
    text_colour_on,
    WIDTH,
    _luminance as _luminance,
)
from helpers.publish.figures.text import (  # noqa: E402
    column_labels,
    lines_height,
    MEASURE_DPI,
    text_extent,
    wrap,
    wrap_to_width,
    _MEASURE as _MEASURE,
)
from helpers.publish.figures.layout import (  # noqa: E402
    LEGEND_SPACING,
    _axes_at as _axes_at,
    _Column as _Column,
    _legend_bar_width as _legend_bar_width,
    _legend_columns as _legend_columns,
    _panel_layout as _panel_layout,
    _text_at as _text_at,
    _vertical_legend_bar as _vertical_legend_bar,
)
from helpers.publish.figures.output import (  # noqa: E402
    discard,
    preview,
    save_figure,
)

__all__ = [
    "plt",
    "choice_matrices",
    "statement_heatmaps",
    "factor_priority_chart",
    "distribution_charts",
    "diverging_likert_chart",
    "likert_distribution",
    "COLORBLIND",
    "contrast_ratio",
    "FONT",
    "group_names",
    "LINE",
    "MARKERS",
    "NEUTRAL_GREY",
    "PAD",
    "scale_colours",
    "scale_texts",
    "SCORE_CMAP",
    "score_format",
    "stakeholder_palette",
    "STYLE",
    "text_colour_on",
    "WIDTH",
    "column_labels",
    "lines_height",
    "MEASURE_DPI",
    "text_extent",
    "wrap",
    "wrap_to_width",
    "LEGEND_SPACING",
    "discard",
    "preview",
    "save_figure",
]
