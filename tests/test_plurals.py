"""Counted nouns agree with their numbers in every language: `{n:unit}` in a sentence of ui_text.yaml.

The Russian expectations below are written from the grammar (one: 1, 21, 101; few: 2-4, 22-24; many: 0, 5-20,
25-30, 111-114), not from the code, and the properties are ones Russian has whatever the rules' wording: a
noun's form after n is its form after n + 100, and 11-14 always take the "many" form.
"""

import pickle
import re
import string

import pytest
from counted_nouns import disagreements
from hypothesis import given
from hypothesis import strategies as st

from helpers import i18n
from helpers.i18n import Template

LANGUAGES = ("en", "ru", "kk")
# Placeholders holding a percentage ("50 %"): the noun after it is a genitive plural whatever the number
# ("50 % утверждений", "21 % утверждений"), so it is written as it stands.
PERCENTAGES = {"share"}


def written(lang: str, unit: str, n) -> str:
    return Template("{n:" + unit + "}", lang).format(n=n)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (
            "respondents_gen",
            {1: "респондента", 2: "респондентов", 5: "респондентов", 21: "респондента", 111: "респондентов"},
        ),
        (
            "statements",
            {
                1: "утверждение",
                3: "утверждения",
                5: "утверждений",
                12: "утверждений",
                21: "утверждение",
                24: "утверждения",
            },
        ),
        (
            "separate_people",
            {
                1: "отдельный человек",
                4: "отдельных человека",
                5: "отдельных человек",
                11: "отдельных человек",
                21: "отдельный человек",
            },
        ),
        (
            "permutations",
            {1: "перестановка", 2: "перестановки", 5: "перестановок", 2000: "перестановок", 1001: "перестановка"},
        ),
        ("groups_gen", {1: "группы", 2: "групп", 5: "групп", 31: "группы"}),
        ("pilot_bodies_prep", {1: "пилотном органе", 3: "пилотных органах", 7: "пилотных органах"}),
        ("years", {1: "год", 2: "года", 5: "лет", 11: "лет", 22: "года"}),
    ],
)
def test_russian_nouns_take_the_form_their_number_asks_for(unit, expected):
    for n, form in expected.items():
        assert written("ru", unit, n) == f"{i18n.number(n, 'ru', 0)} {form}", (unit, n)


def test_fractions_and_numbers_already_written_for_the_reader():
    assert written("ru", "years", 43.5) == "43,5 года"  # a fraction takes the genitive singular
    assert written("ru", "permutations", "2\xa0000") == "2\xa0000 перестановок"  # as the caller wrote it
    assert written("en", "respondents", "1,000") == "1,000 respondents"
    assert [written("en", "respondents", n) for n in (0, 1, 2)] == ["0 respondents", "1 respondent", "2 respondents"]
    assert [written("kk", "years", n) for n in (1, 5)] == ["1 жыл", "5 жыл"]
    assert Template("{k} из {n:~groups_gen}", "ru").format(k=1, n=5) == "1 из групп"  # the form alone
    with pytest.raises(ValueError, match="needs a number"):
        written("ru", "years", "много")


@given(st.integers(min_value=0, max_value=10**6))
def test_russian_forms_repeat_every_hundred_and_11_to_14_take_many(n):
    def word(unit, n):
        return written("ru", unit, n).removeprefix(i18n.number(n, "ru", 0) + " ")

    for unit, forms in i18n.units("ru").items():
        assert word(unit, n) == word(unit, n + 100), (unit, n)
        if n % 100 in (11, 12, 13, 14):
            assert word(unit, n) == forms["many"], (unit, n)


def test_every_unit_has_its_languages_categories():
    """Russian needs all four forms, English one and other; Kazakh nouns keep one form after a numeral."""
    for unit, forms in i18n.units("ru").items():
        assert set(forms) == {"one", "few", "many", "other"}, unit
    for unit, forms in i18n.units("en").items():
        assert set(forms) == {"one", "other"} and forms["one"] != forms["other"], unit
    for unit, forms in i18n.units("kk").items():
        assert len(set(forms.values())) == 1, unit


def sentences(lang: str) -> dict[str, str]:
    texts = i18n._all()
    own = {k: v for k, v in (texts.get(lang) or {}).items() if isinstance(v, str)}
    own |= {f"figures.{k}": v for k, v in ((texts.get("figures") or {}).get(lang) or {}).items() if isinstance(v, str)}
    return own


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_counted_noun_is_written_outside_a_unit(lang):
    """`{n} respondents` in a sentence gives "1 respondents": a number placeholder followed by a form of a unit
    (after at most one adjective) must be that unit's placeholder instead."""
    # The forms after whole numbers: Russian's "other" is the fractions' form (2,5 фактора), a genitive singular
    # that also follows a noun ("{rule} фактора": of the factor) with no number counting it.
    whole = [{c: f for c, f in unit.items() if c != "other" or len(unit) == 2} for unit in i18n.units(lang).values()]
    forms = sorted({f for unit in whole for f in unit.values()}, key=len, reverse=True)
    pattern = re.compile(r"\{(\w+)\} (?:\w+ )?(" + "|".join(map(re.escape, forms)) + r")(?!\w)")
    loose = [
        f"{key}: {m.group(0)}"
        for key, text in sentences(lang).items()
        for m in pattern.finditer(text)
        if m.group(1) not in PERCENTAGES
    ]
    assert loose == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sentence_with_a_unit_formats_for_any_count(lang):
    """Each sentence counting with a unit its language has, and writes one for 0, 1, 2, 5, 21 and 2.5."""
    assert not [key for key in i18n.missing_ui_text(lang) if key.startswith("units.")]
    used = 0
    for key, text in sentences(lang).items():
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        if not any(spec for _, _, spec, _ in string.Formatter().parse(text)):
            continue
        used += 1
        for n in (0, 1, 2, 5, 21, 2.5):
            out = Template(text, lang).format(**{f: n for f in fields})
            assert "{" not in out, (key, out)
    assert used >= (20 if lang != "kk" else 0)


def test_a_sentence_shown_in_a_fallback_language_counts_in_that_language(monkeypatch):
    texts = i18n._all()
    monkeypatch.setitem(texts, "ru", {k: v for k, v in texts["ru"].items() if k != "limit_one_each"})
    sentence = i18n.ui("ru")["limit_one_each"]
    assert sentence.lang == "en" and "are 1 individual" in sentence.format(n=1)
    assert pickle.loads(pickle.dumps(sentence)).format(n=3) == sentence.format(n=3)


def test_a_unit_a_sentence_names_and_its_language_lacks_is_listed(monkeypatch):
    texts = i18n._all()
    monkeypatch.setitem(texts, "kk", {**texts["kk"], "probe": "{n:respondents} бар"})
    assert "units.respondents" in i18n.missing_ui_text("kk")


@pytest.mark.parametrize("lang", ("en", "ru"))
def test_every_sentence_read_back_at_any_count_agrees(lang):
    """Each sentence with every placeholder set to 1, 2, 5, 11, 21 and 101, read back as a reader would: no number
    is followed by a noun in another form than it asks for (an old "{n} респондентов" reads "1 респондентов")."""
    wrong = []
    for key, text in sentences(lang).items():
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        for n in (1, 2, 5, 11, 21, 101):
            try:
                values = {f: i18n.percent(n / 200, lang) if f in PERCENTAGES else n for f in fields}
                out = Template(text, lang).format(**values)
            except (KeyError, IndexError, ValueError, AttributeError):
                continue  # a placeholder that holds no number (a list, a mapping): not a count
            wrong += [f"{key}: {w}" for w in disagreements(out, lang)]
    assert wrong == [], wrong[:8]
