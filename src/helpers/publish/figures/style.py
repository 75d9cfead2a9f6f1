"""The figures' shared style: font and sizes, the page width, one colour per stakeholder type from seaborn's
colour-blind-safe palette (its ten colours written out, see COLORBLIND) in the codebook's order, the diverging
score palette (brown = disagree, teal = agree) centred on the scale's neutral point, text colours that keep
their contrast, and the stakeholder types named the same way in every figure (`group_names`).
Fonts: DejaVu Sans (matplotlib's default) covers Latin, Cyrillic and Kazakh letters."""

from __future__ import annotations


import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import to_rgb

from helpers.codebook import DEFAULT_LANGUAGE, Codebook
from helpers import i18n

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


#: The smallest text a table-like figure (the heatmaps) draws, in points: the figures are drawn at the width of an A4
#: page's text (WIDTH) and printed at that size, so this is the size on paper, where 8 pt is the usual floor.
MIN_TEXT_PT = 8.0


#: The tallest a figure may be drawn, in inches, and still print at its full width under its caption on an A4 page
#: (report.pdf caps a figure's height so that both fit; a taller one would be shrunk, and its text with it). The
#: heatmaps, whose rows grow with the questionnaire, are drawn as several figures of at most this height instead.
PAGE_FIGURE_HEIGHT = 7.4


LINE = 1.25  # line height as a multiple of the font size, with a little room over matplotlib's 1.2


SCORE_CMAP = "BrBG"


NEUTRAL_GREY = "#8c8c8c"  # the neutral answer in the distribution: 3.3:1 against white (WCAG non-text contrast)


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
