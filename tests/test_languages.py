"""REPORT_LANG=ru: headings, captions, factor and stakeholder names, scale labels and units from the translations."""
from helpers.analysis import tables
from helpers.ingest.clean import clean_dataset
from helpers.i18n import plural, ui


def test_russian_plurals():
    forms = ["год", "года", "лет"]
    assert [plural(n, forms, "ru") for n in (1, 2, 5, 11, 21, 22, 25, 112)] == \
        ["год", "года", "лет", "лет", "год", "года", "лет", "лет"]
    assert plural(1, ["year", "years"], "en") == "year" and plural(0, ["year", "years"], "en") == "years"


def test_tables_in_russian(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    table1 = tables.table1(clean.respondents, codebook, "ru").set_index("Параметр")
    column = "Руководитель проекта от государственного сектора"
    assert table1.loc["Возраст", column] == "29 лет"
    assert table1.loc["Дата интервью", column] == "4 ноября 2019 г.*"
    assert table1.loc["Общий стаж работы", column] == "5 лет 5 месяцев"
    assert table1.loc["Общий стаж работы", "Руководитель проекта от частного сектора"] == "Более 10 лет"
    table3 = tables.table3(clean.likert, clean.respondents, codebook, "ru")
    assert table3.columns[:2].tolist() == ["Фактор", "Утверждение"]
    assert table3["Фактор"].unique().tolist() == ["Стратегия", "Человеческий капитал (люди)",
                                                  "Организация (государственный орган)", "Ресурсы"]
    # Statements have no translation in the paper's codebook: they stay in the paper's English.
    assert table3.loc[0, "Утверждение"].startswith("It is important to clearly define")
    assert codebook.scale_labels("ru")[5] == "Полностью согласен"
    assert ui("ru")["claims"].startswith("Подтверждаются")


def test_unknown_language_falls_back_to_english(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    assert tables.table3(clean.likert, clean.respondents, codebook, "kk").columns[0] == "Factor"
