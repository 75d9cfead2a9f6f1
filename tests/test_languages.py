"""REPORT_LANG=ru: headings, captions, factor and stakeholder names, scale labels and units from the translations."""

from helpers.analysis import tables
from helpers.ingest.clean import clean_dataset
from helpers import i18n
from helpers.codebook import label
from helpers.i18n import plural, ui


def test_plurals_from_the_cldr_rules():
    forms = ui("ru")["years"]
    assert [plural(n, forms, "ru") for n in (1, 2, 5, 11, 21, 22, 25, 112)] == [
        "год",
        "года",
        "лет",
        "лет",
        "год",
        "года",
        "лет",
        "лет",
    ]
    assert plural(1, ui("en")["years"], "en") == "year" and plural(0, ui("en")["years"], "en") == "years"
    assert [i18n.count(n, "years", "kk") for n in (1, 5)] == ["1 жыл", "5 жыл"]


def test_numbers_dates_and_percentages_by_locale():
    assert [i18n.number(1234.567, lang) for lang in ("en", "ru", "kk")] == ["1,234.57", "1\xa0234,57", "1\xa0234,57"]
    assert [i18n.percent(0.755, lang) for lang in ("en", "ru", "kk")] == ["76%", "76\xa0%", "76%"]
    assert [i18n.date("2019-11-04", lang) for lang in ("en", "ru", "kk")] == [
        "November 4, 2019",
        "4 ноября 2019\u202fг.",
        "2019\u202fж. 4 қараша",
    ]  # CLDR: a narrow no-break space


def test_fallback_chain():
    assert label({"en": "Factor", "ru": "Фактор"}, "kk") == "Фактор"  # kk -> ru
    assert label({"en": "Factor"}, "kk") == "Factor"  # kk -> ru -> en
    assert label({"ru": "Фактор"}, "en") == "Фактор"  # en -> ru
    assert label({"en": "Factor", "kk": "Фактор"}, "ru") == "Factor"  # ru -> en, never kk


def test_coverage_is_empty_for_both_datasets_and_names_a_missing_key(codebook, monkeypatch):
    from helpers.paths import ROOT_VARIABLE
    from helpers.tools.translations import coverage_rows

    monkeypatch.delenv(ROOT_VARIABLE, raising=False)  # this repository's datasets, not a test's scratch copy
    assert coverage_rows(["amirova2020", "example-v2"]) == []
    texts = i18n._all()
    monkeypatch.setitem(texts, "en", {**texts["en"], "new_sentence": "A sentence another branch added"})
    rows = coverage_rows(["amirova2020"])
    assert {(r["language"], r["key"], r["shown_in"]) for r in rows} == {
        ("ru", "new_sentence", "en"),
        ("kk", "new_sentence", "en"),
    }
    raw = {
        **codebook.raw,
        "factors": [
            {**codebook.raw["factors"][0], "label": {"en": "Strategy", "ru": "Стратегия"}},
            *codebook.raw["factors"][1:],
        ],
    }
    assert i18n.missing_codebook_labels(raw, "kk") == [("factors[strategy].label", "ru")]


def test_a_fallback_label_carries_its_language_in_the_html():
    from helpers.publish.report import mark_fallback

    assert str(mark_fallback("A) Strategy", {"Strategy": "en"})) == 'A) <span lang="en">Strategy</span>'
    assert str(mark_fallback("Стратегия", {"Strategy": "en"})) == "Стратегия"


def test_tables_in_russian(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    table1 = tables.table1(clean.respondents, codebook, "ru").set_index("Параметр")
    column = "Руководитель проекта от государственного сектора"
    assert table1.loc["Возраст", column] == "29 лет"
    assert table1.loc["Дата интервью", column] == "4 ноября 2019\u202fг.*"
    assert table1.loc["Общий стаж работы", column] == "5 лет 5 месяцев"
    assert table1.loc["Общий стаж работы", "Руководитель проекта от частного сектора"] == "Более 10 лет"
    table3 = tables.table3(clean.likert, clean.respondents, codebook, "ru")
    assert table3.columns[:2].tolist() == ["Фактор", "Утверждение"]
    assert table3["Фактор"].unique().tolist() == [
        "Стратегия",
        "Человеческий капитал (люди)",
        "Организация (государственный орган)",
        "Ресурсы",
    ]
    # Statements are this project's translation of the paper's English.
    assert table3.loc[0, "Утверждение"].startswith("Важно чётко определить")
    assert codebook.scale_labels("ru")[5] == "Полностью согласен"
    assert ui("ru")["claims"].startswith("Подтверждаются")


def test_tables_in_kazakh(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    table1 = tables.table1(clean.respondents, codebook, "kk").set_index("Көрсеткіш")
    assert table1.loc["Жалпы еңбек өтілі", "Жеке сектордан жоба жетекшісі"] == "10 жылдан астам"
    assert table1.loc["Сұхбат күні", "Мемлекеттік сектордан жоба жетекшісі"] == "2019\u202fж. 4 қараша*"
    assert tables.table3(clean.likert, clean.respondents, codebook, "kk").columns[0] == "Фактор"
