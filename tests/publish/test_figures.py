"""The figures' stakeholder colours are seaborn's colour-blind-safe palette, without importing seaborn to draw;
the figures draw every Cyrillic and Kazakh letter."""

import copy
from pathlib import Path
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
        figure = next(  # the first page: the factor's title over its first panel
            iter(
                figures.statement_heatmaps(
                    tables.statement_summary(clean.likert, codebook, "kk"), groups, codebook, "kk"
                ).values()
            )
        )
        figure.canvas.draw()
    assert any("Қ ә ғ ң ө ұ ү һ і" in t.get_text() for t in figure.texts)  # the factor's title over its panel
    columns = [" ".join(t.get_text().split()) for t in figure.axes[0].get_xticklabels()]  # over the first panel
    assert "Жобаның басшысы (ҚР)" in columns


def _v2(lang="en"):
    """example-v2 cleaned from its raw export in a scratch copy (a fresh clone has no data/processed), with the
    types read_processed gives the steps."""
    import shutil
    import tempfile

    from helpers.analysis import missingness
    from helpers.codebook import read_codebook
    from helpers.ingest.clean import clean_export, write_processed
    from helpers.paths import REPO_ROOT, dataset_paths
    from helpers.processed import read_processed

    codebook = read_codebook(dataset_paths("example-v2", root=REPO_ROOT).codebook)
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copytree(REPO_ROOT / "data" / "raw" / "example-v2", Path(scratch) / "data" / "raw" / "example-v2")
        paths = dataset_paths("example-v2", root=Path(scratch))
        folder = Path(scratch) / "processed"
        write_processed(clean_export(paths, codebook), folder)
        data = missingness.with_min_items(read_processed(folder), codebook)
    return data, codebook, tables.group_sizes(data["respondents"], codebook, lang)


def test_the_diverging_bars_show_end_totals_all_respondents_first_sorted_by_agreement_and_blanks():
    import numpy as np

    from helpers import i18n

    data, codebook, groups = _v2()
    distribution = figures.likert_distribution(data["likert"], codebook)
    factor = codebook.factors()["factor_id"].iloc[1]
    figure = figures.diverging_likert_chart(distribution, groups, codebook, "en", factor)
    figure.canvas.draw()
    bars = [a for i, a in enumerate(figure.axes) if i % 2 == 0]  # each facet: the bars, then the side panel
    sides = [a for i, a in enumerate(figure.axes) if i % 2 == 1]
    statements = codebook.statements().query("factor_id == @factor")["statement_id"]
    assert len(bars) == len(statements)
    everyone = distribution.groupby("statement_id")[[1, 2, 3, 4, 5, "no_opinion", "blank", "n"]].sum()
    agree_first = []
    for axis, side in zip(bars, sides):
        first = axis.get_yticklabels()[0]
        assert first.get_text().startswith("All (n=")  # the all-respondents bar, first in every facet
        assert first.get_fontweight() == "bold"
        # The end totals of the all-respondents bar, read from the figure: left end the share disagreeing.
        row0 = sorted((t for t in axis.texts if abs(t.get_position()[1]) < 1e-9), key=lambda t: t.get_position()[0])
        left, right = row0[0].get_text(), row0[-1].get_text()
        matches = [
            s
            for s in statements
            if left == i18n.percent(everyone.loc[s, [1, 2]].sum() / everyone.loc[s, "n"])
            and right == i18n.percent(everyone.loc[s, [4, 5]].sum() / everyone.loc[s, "n"])
        ]
        assert matches, (left, right)
        agree_first.append(everyone.loc[matches[0], [4, 5]].sum() / everyone.loc[matches[0], "n"])
        # Blank answers are drawn: a hatched bar for every row with a blank answer.
        hatched = [p for p in side.patches if p.get_hatch()]
        assert len(hatched) == len(axis.get_yticklabels())
    assert agree_first == sorted(agree_first, reverse=True)  # statements sorted by agreement, highest first
    blank_rows = [w for side in sides for p in side.patches if p.get_hatch() for w in [p.get_width()]]
    assert np.count_nonzero(blank_rows) > 0
