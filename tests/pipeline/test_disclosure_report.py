"""The disclosure threshold read back from the session's build: example-v2 keeps the default of 10, and its
six private-sector project managers appear in no table, figure or test of its reports, which say so; the
paper's codebook sets 1 and shows its four interviewees."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from helpers.codebook import read_codebook

LANGUAGES = ("en", "ru", "kk")
NOT_SHOWN = {"en": "Not shown:", "ru": "Не показаны:", "kk": "Көрсетілмеген:"}


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def example(shared_build):
    root = shared_build.root
    codebook = read_codebook(root / "data" / "raw" / "example-v2" / "codebook.yaml")
    respondents = pd.read_csv(root / "data" / "processed" / "example-v2" / "respondents.csv", dtype=str)
    sizes = respondents["stakeholder"].value_counts()
    below = [c for c in codebook.stakeholders()["code"] if 0 < sizes.get(c, 0) < codebook.disclosure_threshold]
    return root, codebook, sizes, below


def test_example_v2_has_a_type_below_the_default_threshold(example):
    _, codebook, sizes, below = example
    assert codebook.disclosure_threshold == 10 and "privacy" not in codebook.raw
    assert below, sizes.to_dict()  # else the tests below would check nothing


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_summary_names_the_withheld_types_and_their_count(example, lang):
    root, codebook, sizes, below = example
    page = (root / "reports" / "example-v2" / lang / "report.html").read_text(encoding="utf-8")
    summary = text_of(page[page.index('<section id="summary"') : page.index("</section>")])
    line = summary[summary.index(NOT_SHOWN[lang]) :]
    shorts = dict(zip(codebook.stakeholders(lang)["code"], codebook.stakeholders(lang)["short"]))
    assert all(shorts[code] in line for code in below)
    assert str(int(sizes[below].sum())) in line and str(codebook.disclosure_threshold) in line
    shown = [c for c in codebook.stakeholders()["code"] if c in sizes.index and c not in below]
    respondents_line = summary[: summary.index(NOT_SHOWN[lang])]
    assert str(int(sizes[shown].sum())) in respondents_line  # the respondents counted are the ones shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_table_or_figure_shows_a_withheld_type(example, lang):
    root, codebook, _, below = example
    folder = root / "reports" / "example-v2" / lang
    names = {
        text
        for code in below
        for frame in (codebook.stakeholders(lang), codebook.stakeholders())
        for text in frame.loc[frame["code"] == code, ["code", "label", "short"]].iloc[0]
    }
    tables = sorted((folder / "tables").glob("*.csv"))
    figures = sorted((folder / "figures").glob("*.svg"))
    assert len(tables) > 20 and len(figures) > 5
    for path in tables + figures:
        content = path.read_text(encoding="utf-8")
        assert not [name for name in names if name in content], path.name
    page = (folder / "report.html").read_text(encoding="utf-8")
    body = page[page.index("</section>") :]  # after the summary, which names them once
    assert not [name for name in names if name in body]


def test_the_figures_are_drawn_for_the_shown_types_only(example):
    """The priority chart's groups, read back from the SVG's comments (one per group, with its n)."""
    root, codebook, sizes, below = example
    svg = (root / "reports" / "example-v2" / "en" / "figures" / "factor_priority.svg").read_text(encoding="utf-8")
    drawn = re.findall(r"<!-- (.+?) \(n=(\d+)\) -->", svg)
    shorts = dict(zip(codebook.stakeholders()["code"], codebook.stakeholders()["short"]))
    expected = {(shorts[c], str(sizes[c])) for c in sizes.index if c not in below}
    assert set(drawn) == expected


def test_the_response_rates_count_every_respondent(example):
    root, _, sizes, _ = example
    design = pd.read_csv(root / "reports" / "example-v2" / "en" / "tables" / "design.csv", dtype=str)
    facts = dict(zip(design["measure"], design["value"]))
    assert int(facts["respondents"]) == int(sizes.sum())
    assert facts["weighting"] == "none: types withheld"


def test_the_papers_four_interviewees_are_all_shown(shared_build):
    root = shared_build.root
    table3 = pd.read_csv(root / "reports" / "amirova2020" / "en" / "tables" / "table3.csv", dtype=str)
    assert len(table3.columns) == 2 + 4
    page = (root / "reports" / "amirova2020" / "en" / "report.html").read_text(encoding="utf-8")
    assert NOT_SHOWN["en"] not in text_of(page)
