"""The figures' stakeholder colours are seaborn's colour-blind-safe palette, without importing seaborn to draw;
the figures draw every Cyrillic and Kazakh letter."""

import copy
import warnings

import seaborn as sns

from helpers.analysis import tables
from helpers.codebook import Codebook
from helpers.publish import figures
from helpers.publish.figures import COLORBLIND, stakeholder_palette


def test_palette_is_seaborns_colorblind_in_codebook_order_and_repeats_past_ten():
    codes = [f"type{i}" for i in range(12)]
    book = Codebook(source="test", raw={"stakeholders": [{"code": c, "label": {"en": c}} for c in codes]})
    palette = stakeholder_palette(book)
    assert list(palette) == codes
    assert list(palette.values()) == list(sns.color_palette("colorblind", n_colors=12))
    assert len(COLORBLIND) == len(sns.color_palette("colorblind"))


def test_figures_have_every_cyrillic_and_kazakh_glyph(codebook, paper_raw):
    from helpers.ingest.clean import clean_dataset

    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    codebook = Codebook("kazakh labels", copy.deepcopy(codebook.raw))
    book = codebook.raw
    book["factors"][0]["label"]["kk"] = "Стратегия: Қ ә ғ ң ө ұ ү һ і — Ё ё Ъ"
    book["stakeholders"][0]["short"]["kk"] = "Жобаның басшысы (ҚР)"
    groups = tables.group_sizes(clean.respondents, codebook, "kk")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        figure = figures.statement_heatmap(
            tables.statement_summary(clean.likert, codebook, "kk"), groups, codebook, "kk"
        )
        figure.canvas.draw()
    assert any("Қ ә ғ ң ө ұ ү һ і" in t.get_text() for t in figure.texts)  # the factor's title over its panel
    columns = [" ".join(t.get_text().split()) for t in figure.axes[0].get_xticklabels()]  # over the first panel
    assert "Жобаның басшысы (ҚР)" in columns
