"""The shipped synthetic example is what its README says; figures draw Cyrillic and Kazakh letters."""

import copy
import warnings

from helpers.publish import figures
from helpers.analysis import tables
from helpers.ingest.clean import clean_export
from helpers.codebook import Codebook, read_codebook
from helpers.ingest.encoding import detect_encoding
from helpers.paths import REPO_ROOT, dataset_paths


def test_example_v2_is_a_realistic_v2_export():
    paths = dataset_paths("example-v2", root=REPO_ROOT)
    data = (paths.raw / "survey.csv").read_bytes()
    assert detect_encoding(data) == "cp1251" and data.split(b"\n", 1)[0].count(b";") > 20
    assert "Полностью согласен".encode("cp1251") in data and b";;" in data  # Russian labels and blanks
    assert "SYNTHETIC" in (paths.raw / "README.md").read_text(encoding="utf-8")
    codebook = read_codebook(paths.codebook)
    assert codebook.dataset["synthetic"] is True
    assert codebook.factors()["factor_id"].tolist()[-1] == "leadership"
    clean = clean_export(paths, codebook)
    assert len(clean.respondents) >= 300
    assert clean.respondents["pilot_body"].nunique() >= 3 and clean.respondents["stakeholder"].nunique() >= 5
    assert (clean.likert["missing_reason"] == "no opinion").any() and (clean.likert["missing_reason"] == "blank").any()


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
