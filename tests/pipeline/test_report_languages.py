"""The ru and kk reports, built by `make report` in a scratch project, are in Russian and Kazakh throughout.

A visible text node is English when it holds a word of the English the report uses: every word of the
`en` texts of ui_text.yaml, of the dataset's codebook and of the paper's findings. The citation, the
provenance section, code, the paper's quoted findings and respondents' own free-text answers are the
exceptions allowed; proper names are allowed by name.
"""

import re
from html.parser import HTMLParser

import pytest
import yaml

from helpers.analysis.claims import paper_claims
from helpers.i18n import UI_TEXT, codebook_labels
from helpers.paths import REPO_ROOT

DATASETS = ("example-v2", "amirova2020")
LANGUAGES = ("en", "ru", "kk")
PROPER_NAMES = {"amirova"}  # the author's name, as the citation spells it
# Statistical notation Russian and Kazakh texts write in Latin letters too (as their statistics literature does):
# the fit indices, the intraclass correlation, AAPOR's response rates.
NOTATION = {"cfi", "tli", "rmsea", "srmr", "icc", "aapor", "rr"}
EXCLUDED_CLASSES = {"quote", "answer", "citation", "reference"}  # cited works keep their own language
VOID = {"img", "meta", "br", "hr", "input", "link"}


class VisibleText(HTMLParser):
    """Text nodes and alt texts a reader sees, outside the exceptions."""

    def __init__(self):
        super().__init__()
        self.stack, self.skipping, self.texts = [], 0, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in VOID:
            if not self.skipping and attributes.get("alt"):
                self.texts.append(attributes["alt"])
            return
        excluded = (
            tag in {"script", "style", "code"}
            or attributes.get("id") == "provenance-section"
            or bool(EXCLUDED_CLASSES & set((attributes.get("class") or "").split()))
        )
        self.stack.append(excluded)
        self.skipping += excluded

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.skipping -= self.stack.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


def words(text: str) -> set[str]:
    """Latin words of two letters or more, file names (group_differences.csv) and single letters left out."""
    kept = " ".join(t for t in str(text).split() if not re.search(r"[_/]|\.\w{2,4}\b", t))
    return {w.lower() for w in re.findall(r"[A-Za-z]{2,}", kept)}


def english_vocabulary(dataset: str) -> set[str]:
    """Every word of the English texts the report draws on."""
    texts = yaml.safe_load(UI_TEXT.read_text(encoding="utf-8"))
    english = [v for v in texts["en"].values()] + [v for v in texts["figures"]["en"].values()]
    codebook = yaml.safe_load((REPO_ROOT / "data" / "raw" / dataset / "codebook.yaml").read_text(encoding="utf-8"))
    english += [translations["en"] for _, translations in codebook_labels(codebook) if translations.get("en")]
    english += [claim[part] for claim in paper_claims() for part in ("where", "evidence")]
    found = set()
    for text in english:
        for piece in text if isinstance(text, list) else text.values() if isinstance(text, dict) else [text]:
            found |= words(piece)
    return found - PROPER_NAMES - NOTATION


@pytest.fixture(scope="module")
def built(shared_build):
    """The session's build: example-v2 by `make report REPORT_LANG="en ru kk"` (twice: what each call printed),
    and the paper's data in ru and kk."""
    return shared_build.root, shared_build.example_first, shared_build.example_second


def report(project, dataset, lang) -> str:
    return (project / "reports" / dataset / lang / "report.html").read_text(encoding="utf-8")


def test_three_reports_side_by_side_and_a_second_call_does_no_work(built):
    project, first, second = built
    for lang in LANGUAGES:
        folder = project / "reports" / "example-v2" / lang
        assert f'<html lang="{lang}">' in report(project, "example-v2", lang)
        for name in ("tables/table3.csv", "figures/factor_priority.png", "notebooks/05_report.ipynb"):
            assert (folder / name).stat().st_size > 0, (lang, name)
    # make prints one line per step and language ("[2/5] 02_tables (ru) … 4.8 s"): the first call ran every step thrice.
    assert first.count("] 02_tables") == len(LANGUAGES)
    for lang in LANGUAGES:
        assert f"02_tables ({lang}) …" in first
    assert " … " not in second and "report.pdf written" not in second
    assert "Fallback" not in first  # every string translated: make report says nothing about fallbacks
    # The reports differ by language, their numbers do not.
    assert "Factor priorities" in report(project, "example-v2", "en")
    assert "Приоритеты факторов" in report(project, "example-v2", "ru")
    assert "Факторлардың басымдығы" in report(project, "example-v2", "kk")


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("lang", ("ru", "kk"))
def test_no_english_in_the_russian_and_kazakh_reports(built, dataset, lang):
    project, _, _ = built
    vocabulary = english_vocabulary(dataset)
    english = [
        (text, sorted(words(text) & vocabulary))
        for text in visible_texts(report(project, dataset, lang))
        if words(text) & vocabulary
    ]
    assert english == []


def test_the_check_sees_english(built):
    """Not blind: the English report fails it, and so would a ru report with one English heading left."""
    project, _, _ = built
    vocabulary = english_vocabulary("example-v2")
    assert sum(bool(words(t) & vocabulary) for t in visible_texts(report(project, "example-v2", "en"))) > 50
    planted = report(project, "example-v2", "ru").replace("Приоритеты факторов", "Factor priorities", 1)
    assert [t for t in visible_texts(planted) if words(t) & vocabulary] == ["Factor priorities"]


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("lang", ("ru", "kk"))
def test_decimals_use_a_comma(built, dataset, lang):
    project, _, _ = built
    text = " ".join(visible_texts(report(project, dataset, lang)))
    assert re.findall(r"\d\.\d", text) == []
    assert len(re.findall(r"\d,\d\d", text)) > 5
    fallbacks = (project / "reports" / dataset / lang / "fallbacks.csv").read_text(encoding="utf-8").splitlines()
    assert fallbacks == ["language,file,key,shown_in"]


def test_kazakh_letters_in_the_report(built):
    project, _, _ = built
    text = " ".join(visible_texts(report(project, "example-v2", "kk")))
    assert set("әғқңөұүі") <= set(text.lower())


@pytest.mark.parametrize("lang", ("ru", "kk"))
def test_a_language_built_through_its_own_target_keeps_every_steps_record(built, lang):
    """The paper's ru and kk reports were made by `make reports/amirova2020/<lang>/notebooks/05_report.ipynb`
    (not through REPORT_LANG): make must not delete the records of their earlier steps as intermediate files."""
    import nbformat

    project, _, _ = built
    folder = project / "reports" / "amirova2020" / lang / "notebooks"
    for step in ("02_tables", "03_priorities", "04_figures", "05_report"):
        record = nbformat.read(folder / f"{step}.ipynb", as_version=4)
        wrote = record.metadata["helpers"]["wrote"]
        assert wrote and all(name.startswith(f"reports/amirova2020/{lang}/") for name in wrote), (step, wrote)
