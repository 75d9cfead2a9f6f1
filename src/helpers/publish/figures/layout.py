"""The layout the figures share, in inches from the canvas edge: columns of text beside a panel, axes and
texts placed at absolute positions, the heatmaps' panels with their column labels, the legends (a vertical
colour bar, or columns of entries); the figure grows in height to hold what it must show."""

from __future__ import annotations


import pandas as pd

from helpers.publish.figures.style import MIN_TEXT_PT, PAD, WIDTH, group_names
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
    row_size: float = MIN_TEXT_PT,
    title_size: float = MIN_TEXT_PT + 0.5,
    label_width: float = 2.7,
    cell_lines: int = 1,
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
        # imshow rows are equally tall: as tall as the tallest (wrapped) label, or a cell's lines, need.
        cell = lines_height("\n".join(["0"] * cell_lines), row_size) + 0.07
        panel["height"] = len(panel["rows"]) * max(
            0.27, cell, *(lines_height(t, row_size) + 0.07 for t in panel["rows"])
        )
        panel["top"] = column.take(panel["height"])
        column.take(0.12)
    layout = {
        "left": left,
        "width": width,
        "columns": columns,
        "rotation": rotation,
        "row_size": row_size,
        "title_size": title_size,
        "cell_size": row_size,
    }
    return layout, column.y + PAD


def _panel_rows(panel: dict, start: int, stop: int, continued: str) -> dict:
    """Rows start:stop of a heatmap panel (its labels and its arrays of cells), titled as a continuation when
    they are not its first rows."""
    part = {
        key: value[start:stop] if key in ("rows", "values", "n") else value
        for key, value in panel.items()
        if key not in ("title_top", "top", "height")
    }
    if start:
        part["title"] = f"{panel['title']} {continued}"
    return part


def _paginate(panels: list[dict], groups, right_block: float, max_height: float, continued: str, **layout) -> list:
    """The panels split into pages, each drawn as a figure at most `max_height` inches tall with the column labels
    over its first panel: a panel goes whole onto the page that has room for it, onto a new page when it fits there,
    and is split between pages (its title repeated, `continued`) only when it is taller than a page.
    Every row lands on exactly one page, in order; a single row taller than a page gets a page of its own."""

    def height(page):
        return _panel_layout([dict(p) for p in page], groups, right_block, **layout)[1]

    pages, page = [], []
    for panel in panels:
        start, total = 0, len(panel["rows"])
        while start < total:
            rest = _panel_rows(panel, start, total, continued)
            if height([*page, rest]) <= max_height:
                page.append(rest)
                break
            if page and height([rest]) <= max_height:  # the rest fits on a page of its own: start one
                pages.append(page)
                page = []
                continue
            fit = 0  # as many rows as the page still has room for
            while (
                fit < total - start
                and height([*page, _panel_rows(panel, start, start + fit + 1, continued)]) <= max_height
            ):
                fit += 1
            if fit == 0 and page:
                pages.append(page)
                page = []
                continue
            fit = max(fit, 1)
            page.append(_panel_rows(panel, start, start + fit, continued))
            pages.append(page)
            page = []
            start += fit
    if page:
        pages.append(page)
    return pages


def _vertical_legend_bar(
    fig,
    colour_scale: dict,
    ticks: list,
    labels: list[str],
    title: str,
    top: float,
    height: float,
    total_height: float,
    size: float = MIN_TEXT_PT,
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


def _legend_bar_width(labels: list[str], title: str, size: float = MIN_TEXT_PT) -> float:
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
