"""Text measured, not guessed: every label's extent in the figures' font (`text_extent`), wrapped to the
room it has (`wrap_to_width`); column labels that cannot be wrapped into their column are turned upright."""

from __future__ import annotations

from functools import lru_cache

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

from helpers.publish.figures.style import FONT, LINE

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
