"""The reports, read back as a reader sees them: every counted noun agrees with the number before it
(counted_nouns.disagreements), in the six reports of the session's build."""

import pytest
from counted_nouns import KAZAKH_PLURAL, disagreements
from test_report_languages import visible_texts

REPORTS = [(dataset, lang) for dataset in ("example-v2", "amirova2020") for lang in ("en", "ru", "kk")]


def test_the_check_finds_a_noun_that_disagrees():
    assert disagreements("over 1 respondents and 3 factors", "en") == ["1 respondents"]
    assert disagreements("в 4 из 5 группы и из 21 группы", "ru") == ["5 группы"]
    assert disagreements("2\xa0000 перестановки; 43,5 года", "ru") == ["2\xa0000 перестановки"]
    assert [m.group(1) for m in KAZAKH_PLURAL.finditer("5 респонденттер, 5 респонденттің, 3 топтардың")] == [
        "респонденттер",
        "топтардың",
    ]


@pytest.mark.parametrize(("dataset", "lang"), REPORTS)
def test_every_counted_noun_agrees_with_its_number(shared_build, dataset, lang):
    html = (shared_build.root / "reports" / dataset / lang / "report.html").read_text(encoding="utf-8")
    texts = visible_texts(html)  # each text node on its own: a table's cells are not one phrase
    assert [wrong for text in texts for wrong in disagreements(text, lang)] == []
    if lang == "kk":
        assert [m.group(0) for text in texts for m in KAZAKH_PLURAL.finditer(text)] == []


def test_the_papers_four_respondents_are_four_individuals_in_russian(shared_build):
    """One respondent per stakeholder type: "«группы» — это 4 отдельных человека" (not "4 отдельных людей")."""
    html = (shared_build.root / "reports" / "amirova2020" / "ru" / "report.html").read_text(encoding="utf-8")
    text = " ".join(visible_texts(html))
    assert "это 4 отдельных человека" in text and "отдельных людей" not in text
    english = (shared_build.root / "reports" / "amirova2020" / "en" / "report.html").read_text(encoding="utf-8")
    assert "are 4 individuals" in " ".join(visible_texts(english))
