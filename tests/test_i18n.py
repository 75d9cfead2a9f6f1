"""Languages by CLDR: plural forms, numbers, dates and percentages by locale, and the fallback chain of labels
(kk -> ru -> en, ru -> en, en -> ru)."""

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
