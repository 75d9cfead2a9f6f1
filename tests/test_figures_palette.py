"""The figures' stakeholder colours are seaborn's colour-blind-safe palette, without importing seaborn to draw."""

import seaborn as sns

from helpers.codebook import Codebook
from helpers.publish.figures import COLORBLIND, stakeholder_palette


def test_palette_is_seaborns_colorblind_in_codebook_order_and_repeats_past_ten():
    codes = [f"type{i}" for i in range(12)]
    book = Codebook(source="test", raw={"stakeholders": [{"code": c, "label": {"en": c}} for c in codes]})
    palette = stakeholder_palette(book)
    assert list(palette) == codes
    assert list(palette.values()) == list(sns.color_palette("colorblind", n_colors=12))
    assert len(COLORBLIND) == len(sns.color_palette("colorblind"))
