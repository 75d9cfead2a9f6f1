"""Languages by CLDR: plural forms, numbers, dates and percentages by locale, and the fallback chain of labels
(kk -> ru -> en, ru -> en, en -> ru)."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from helpers import i18n
from helpers.codebook import label
from helpers.i18n import plural


def test_plurals_from_the_cldr_rules():
    forms = i18n.units("ru")["years"]
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
    assert (
        plural(1, i18n.units("en")["years"], "en") == "year" and plural(0, i18n.units("en")["years"], "en") == "years"
    )
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


def test_displayed_numbers_round_half_away_from_zero_on_the_decimal_value():
    # Half to even on the binary float would give 4.12, 2.67, 0.12 and -0.12; readers (Excel, SPSS) expect these.
    assert [i18n.number(v, "en") for v in (4.125, 2.675, 0.125, -0.125, 4.124999999999999)] == [
        "4.13",
        "2.68",
        "0.13",
        "-0.13",
        "4.13",
    ]
    assert [i18n.number(4.125, lang) for lang in ("ru", "kk")] == ["4,13", "4,13"]
    assert i18n.number(2.5, "en", 0) == "3" and i18n.number(-2.5, "en", 0) == "-3"
    assert [i18n.percent(s, "en") for s in (0.125, 0.005, 0.0449)] == ["13%", "1%", "4%"]
    assert i18n.percent(0.12345, "ru", 1) == "12,3\xa0%"


def test_a_displayed_zero_carries_no_sign():
    assert [i18n.number(v, lang) for v in (-0.0, -0.001, -0.004) for lang in ("en", "ru")] == ["0.00", "0,00"] * 3
    assert i18n.percent(-0.001, "en") == "0%"


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False))
def test_rounding_matches_decimal_half_up_for_every_three_place_value(value):
    expected = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    expected = expected.copy_abs() if expected.is_zero() else expected
    assert i18n.rounded(float(value), 2) == expected
    assert i18n.number(float(value), "en").replace(",", "") == str(expected)
