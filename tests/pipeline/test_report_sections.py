"""The report's own sections: summary, data and methods, limitations, reproduction status, uncertainty, the
replication table and the "Other" answers, on the paper's data (test_pipeline builds it) and on example-v2."""

import html
import re

import pandas as pd
import pytest

from helpers.analysis.claims import PARTLY
from helpers.i18n import ui


@pytest.fixture(scope="module")
def example(shared_build):
    """example-v2's English report folder in the session's build (reports/<dataset>/<lang>/)."""
    return shared_build.root / "reports" / "example-v2" / "en"


def text_of(path) -> str:
    page = path.read_text(encoding="utf-8")
    return html.unescape(
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))
    )


def test_every_group_mean_has_an_interval_and_every_test_its_effect_size_and_pairs(example):
    means = pd.read_csv(example / "tables" / "group_means.csv")
    # Six stakeholder types, one of them (6 private-sector PMs) below the disclosure threshold and withheld.
    assert means["stakeholder"].nunique() == 5
    assert len(means) == 5 * (5 + 18) and means[["ci_low", "ci_high", "agree_low", "agree_high"]].notna().all().all()
    differences = pd.read_csv(example / "tables" / "group_differences.csv")
    tested = differences.dropna(subset=["H"])
    assert len(tested) == 18 + 5 and tested[["epsilon2", "p_holm", "p_bh"]].notna().all().all()
    pairs = pd.read_csv(example / "tables" / "pairwise_differences.csv")
    assert set(zip(pairs["level"], pairs["id"])) == set(zip(tested["level"], tested["id"]))
    assert (pairs.groupby(["level", "id"]).size() == 10).all()  # 5 types shown: 10 pairs each, Holm within
    reliability = pd.read_csv(example / "tables" / "reliability.csv")
    assert reliability["alpha"].between(0.6, 0.95).all()


def test_the_example_report_reads_as_a_replication(example):
    page = (example / "report.html").read_text(encoding="utf-8")
    text = text_of(example / "report.html")
    assert "p = 0.000" not in page and "p < 0.001" in text
    words = ui("en")
    assert " ".join(words["claim_columns_replication"]) in text
    claims = pd.read_csv(example / "tables" / "claims.csv", keep_default_na=False).set_index("id")
    assert claims.loc["turnover", "paper_verdict"] == PARTLY and (claims["paper_verdict"] != "").all()
    summary = page[page.index('<section id="summary"') : page.index("</section>")]
    assert 4 <= summary.count("<li>") <= 10
    assert (
        "Respondents: 354" in text
        and "Not shown: Private-sector PM (6 respondents in all)" in text
        and "not compared: this dataset's codebook names no published tables" in text
    )
    for heading in (words["methods"], words["limitations"], words["other_answers"], words["scales"]):
        assert f">{heading}</h2>" in page
    assert "Statements whose scores differ between stakeholder types:" in text and "Holm-corrected" in text
    assert (
        "ε² = " in text
        and "(Holm-corrected across the factors: p" in text
        and "pairs that differ (Dunn, p < 0.05" in text
    )
    assert "Each stakeholder type is one person here" not in text
    assert "Цифровизация" in text  # the "Other" answers, as written
    assert (
        "Table 4. Group means with 95 % intervals" in text
        and "Mean score per stakeholder type with its 95 % interval" in text
    )
    assert "Not told apart by these data (95 % CI of the difference includes 0):" in summary


def test_the_report_cites_its_methods_and_lists_every_package_behind_a_number(example):
    """A references list of the methods (every work in ui_text.yaml's references, in its own language in every
    report), and the provenance's packages: those the computing code imports and what they need, so scipy and
    scikit-learn (needed by statsmodels and semopy) are listed beside pandas."""
    from helpers.i18n import references

    for lang in ("en", "ru", "kk"):
        folder = example.parent / lang
        page = (folder / "report.html").read_text(encoding="utf-8")
        section = page[
            page.index('<section id="references-section">') : page.index('<section id="provenance-section">')
        ]
        cited = [html.unescape(w) for w in re.findall(r'<li class="reference"[^>]*>(.*?)</li>', section)]
        assert cited == references() and len(cited) >= 15
        assert f">{ui(lang)['references']}</h2>" in section
        for author in ("Kendall", "Krippendorff", "Cronbach", "Feldt", "Dunn", "Holm", "Benjamini", "Wilson"):
            assert any(w.startswith(author) for w in cited), author
    page = (example / "report.html").read_text(encoding="utf-8")
    [listed] = re.findall(r'<th scope="row">Packages</th><td>(.*?)</td>', page)
    for name in (
        "pandas",
        "numpy",
        "scipy",
        "statsmodels",
        "scikit-learn",
        "krippendorff",
        "scikit-posthocs",
        "semopy",
    ):
        assert re.search(rf"(^|, ){re.escape(name)} \d", listed), name
