"""The layout the figures share, in inches from the canvas edge: columns of text beside a panel, axes and
texts placed at absolute positions, the heatmaps' panels with their column labels, the legends (a vertical
colour bar, or columns of entries); the figure grows in height to hold what it must show."""

from __future__ import annotations


import pandas as pd

from helpers.publish.figures.style import PAD, WIDTH, group_names
from helpers.publish.figures.text import column_labels, lines_height, text_extent, wrap_to_width


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


# --- Figure: factor priorities (dot chart) ------------------------------------------------------------
LEGEND_SPACING = {"handlelength": 1.6, "handletextpad": 0.6, "columnspacing": 1.2}  # in font sizes


def _legend_columns(entries: list[str], size: float, room: float) -> int:
    """How many legend columns of `entries` fit across `room` points (matplotlib's handle and spacing included)."""
    widest = max(text_extent(e, size)[0] for e in entries)
    per_column = widest + size * sum(LEGEND_SPACING.values())
    return max(1, min(len(entries), int((room + LEGEND_SPACING["columnspacing"] * size) // per_column)))
