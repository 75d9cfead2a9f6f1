"""The reader's language: words of the report that do not come from a codebook, and locale formatting.

The words live in ui_text.yaml, one block per language (en first), so a
translator edits data, never code: a key present under `en:` and missing under
`ru:` or `kk:` is listed by `python -m helpers.i18n` (`make translations`) and
shown in the fallback language until someone adds it.

A counted noun is written `{n:respondents}` in a sentence: the number with the form of the unit `respondents`
that agrees with it by the CLDR plural rules of the sentence's language ("1 respondent", "3 respondents";
"1 респондент", "3 респондента", "5 респондентов"). Each language's units (ui_text.yaml's `units:` block) name
a noun or phrase in one grammatical case, so the Russian genitive after "из" or "не менее" is a unit of its own
(`respondents_gen`: "из 1 респондента", "из 5 респондентов"). `{n:~unit}` writes the agreeing form without
the number. Kazakh nouns keep the singular after a numeral, so its units have one form.

Numbers, percentages, dates and plural forms come from Babel (the Unicode
CLDR data), not from rules written here: decimal comma and thousands
separator in Russian and Kazakh, "4 ноября 2019 г.", "5 лет", "2019 ж. 4 қараша".
Every displayed number is rounded by `rounded` (half away from zero on the decimal value, as Excel, SPSS and
the paper's readers do: 4.125 -> 4.13, never -0.00) and written by `number` or `percent`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import NumberFormatError, format_decimal, format_percent, parse_decimal

from helpers.codebook import DEFAULT_LANGUAGE, FALLBACKS, LANGUAGES, label_language, load_yaml

UI_TEXT = Path(__file__).with_name("ui_text.yaml")


@lru_cache(maxsize=None)
def _all() -> dict:
    return load_yaml(UI_TEXT.read_text(encoding="utf-8"))


def _chain(lang: str) -> list[str]:
    return [lang, *FALLBACKS.get(lang, [DEFAULT_LANGUAGE])]


def languages() -> list[str]:
    """The languages the report can be written in."""
    return list(LANGUAGES)


def units(lang: str) -> dict[str, dict[str, str]]:
    """The counted nouns of `lang` by unit name, each as its CLDR plural forms (one/few/many/other). No fallback:
    a unit's forms are its own language's grammar, and a sentence uses the units of the language it is in."""
    return dict((_all().get("units") or {}).get(lang) or {})


class Template(str):
    """A sentence of ui_text.yaml in language `lang`: a str whose format() also writes counted nouns,
    `{n:unit}` as the number and the unit's agreeing form, `{n:~unit}` as the form alone."""

    lang: str

    def __new__(cls, text: str, lang: str):
        sentence = super().__new__(cls, text)
        sentence.lang = lang
        return sentence

    def __reduce__(self):
        return (Template, (str(self), self.lang))

    def format(self, *args, **kwargs) -> str:
        return _UnitFormatter(self.lang).vformat(str(self), args, kwargs)

    def format_map(self, mapping) -> str:
        return _UnitFormatter(self.lang).vformat(str(self), (), mapping)


class _UnitFormatter(string.Formatter):
    def __init__(self, lang: str):
        self.lang, self.units = lang, units(lang)

    def format_field(self, value, format_spec):
        unit = format_spec.removeprefix("~")
        if unit not in self.units:
            return super().format_field(value, format_spec)
        amount = _amount(value, self.lang)
        form = plural(amount, self.units[unit], self.lang)
        if format_spec.startswith("~"):
            return form
        shown = value if isinstance(value, str) else _shown_count(amount, self.lang)
        return f"{shown} {form}"


def _amount(value, lang: str) -> int | Decimal:
    """The number a counted noun agrees with: an int when whole (CLDR tells 2 from 2.0), else its Decimal;
    a number already written for the reader ('1 234', '2,000') is read back in `lang`'s notation."""
    if isinstance(value, str):
        try:
            value = parse_decimal(value.strip(), locale=_locale(lang))
        except NumberFormatError as error:
            raise ValueError(f"a counted noun needs a number, not {value!r}") from error
    exact = Decimal(format(float(value), ".15g")) if not isinstance(value, (int, Decimal)) else Decimal(value)
    return int(exact) if exact == exact.to_integral_value() else exact


def _shown_count(amount: int | Decimal, lang: str) -> str:
    return number(amount, lang, 0) if isinstance(amount, int) else number(float(amount), lang, 1)


def _sentences(texts, lang: str):
    """`texts` with every string, at any depth (figure titles and captions, alt texts), a Template of `lang`."""
    if isinstance(texts, str):
        return Template(texts, lang)
    if isinstance(texts, dict):
        return {key: _sentences(value, lang) for key, value in texts.items()}
    if isinstance(texts, list):
        return [_sentences(value, lang) for value in texts]
    return texts


def ui(lang: str = DEFAULT_LANGUAGE) -> dict:
    """The words for `lang`: each key in the first language of its fallback chain that has it (a sentence as a
    Template of the language it is written in, so its counted nouns agree in that language)."""
    texts = _all()
    merged, figures = {}, {}
    for code in reversed(_chain(lang)):
        merged.update(_sentences(texts.get(code) or {}, code))
        figures.update(_sentences((texts.get("figures") or {}).get(code) or {}, code))
    return {**merged, "figures": figures}


def say(lang: str, key: str, **values) -> str:
    """The sentence `key` in `lang`, its {placeholders} filled with `values` (format numbers first)."""
    return ui(lang)[key].format(**values)


def finding_texts(lang: str) -> dict[str, dict[str, str]]:
    """This project's translations of the paper's findings into `lang`, by claim id: quote, where, evidence."""
    return (_all().get("findings") or {}).get(lang) or {}


def references() -> list[str]:
    """The works the report's methods come from (ui_text.yaml's references), as cited in every language."""
    return list(_all().get("references") or [])


def missing_ui_text(lang: str) -> list[str]:
    """Keys of ui_text.yaml that English has and `lang` lacks (figure texts as figures.<key>)."""
    texts = _all()
    own, figures = texts.get(lang) or {}, (texts.get("figures") or {}).get(lang) or {}
    missing = [k for k in texts[DEFAULT_LANGUAGE] if k not in own]
    missing += [f"figures.{k}" for k in texts["figures"][DEFAULT_LANGUAGE] if k not in figures]
    missing += [f"units.{unit}" for unit in sorted(units_used(lang) - set(units(lang)))]
    return missing


def units_used(lang: str) -> set[str]:
    """The units `lang`'s own sentences count with (`{n:unit}`, `{n:~unit}`)."""
    texts = _all()
    sentences = [*(texts.get(lang) or {}).values(), *((texts.get("figures") or {}).get(lang) or {}).values()]
    return {
        spec.removeprefix("~")
        for sentence in sentences
        if isinstance(sentence, str)
        for _, field, spec, _ in string.Formatter().parse(sentence)
        if field is not None and re.fullmatch(r"~?[A-Za-z_]\w*", spec or "")
    }


def missing_findings(lang: str, claims: list[dict]) -> list[str]:
    """findings.<claim id>.<part> for each of the paper's findings whose quote, place or evidence
    has no translation into `lang` (English is the paper's own wording, never missing)."""
    if lang == DEFAULT_LANGUAGE:
        return []
    own = finding_texts(lang)
    return [
        f"findings.{claim['id']}.{part}"
        for claim in claims
        for part in ("quote", "where", "evidence")
        if not (own.get(claim["id"]) or {}).get(part)
    ]


# --- locale formatting (Babel) ------------------------------------------------------------
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def rounded(value: float, decimals: int = 2) -> Decimal:
    """`value` rounded to `decimals` places, half away from zero on its decimal value: 4.125 -> 4.13, 2.675 ->
    2.68, -0.125 -> -0.13 (Python's round and Babel round half to even on the binary float: 4.12, 2.67). The
    float is read at 15 significant digits, so a mean such as 4.124999999999999 (4.125 after a sum's rounding
    error) counts as the 4.125 it stands for. A result of zero carries no sign: -0.001 -> 0.00, never -0.00."""
    exact = Decimal(format(float(value), ".15g"))
    result = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def number(value: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 2) -> str:
    """4.333 -> '4.33' in English, '4,33' in Russian and Kazakh; thousands grouped as the locale does; rounded
    half away from zero (`rounded`): the one function every displayed number goes through."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if isinstance(value, float) and not math.isfinite(value):
        return format_decimal(value, pattern, locale=_locale(lang))
    return format_decimal(rounded(value, decimals), pattern, locale=_locale(lang))


def percent(share: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """0.75 -> '75%' (English, Kazakh), '75 %' (Russian), rounded to a whole percent or to `decimals` places
    ('12.3%', '12,3 %'), half away from zero (0.125 -> '13%'): the locale's own percent pattern."""
    pattern = _locale(lang).percent_formats[None].pattern
    if decimals:
        last_zero = pattern.rindex("0")
        pattern = pattern[: last_zero + 1] + "." + "0" * decimals + pattern[last_zero + 1 :]
    if isinstance(share, float) and not math.isfinite(share):
        return format_percent(share, pattern, locale=_locale(lang))
    return format_percent(rounded(float(share) * 100, decimals).scaleb(-2), pattern, locale=_locale(lang))


def plural(n: float, forms: dict[str, str] | list[str], lang: str = DEFAULT_LANGUAGE) -> str:
    """The form of a unit for `n` by the CLDR plural rules of `lang` (forms keyed one/few/many/other)."""
    if isinstance(forms, list):  # an entry not yet converted to categories: one, other
        forms = dict(zip(("one", "other"), forms))
    category = _locale(lang).plural_form(n)
    return forms.get(category) or forms["other"]


def count(n: float, unit: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """'5 years', '5 лет', '5 жыл': a number with the plural form of `lang`'s unit `unit` (as `{n:unit}` writes)."""
    return Template("{n:" + unit + "}", lang).format(n=n)


def date(iso_date: str | dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """'2019-11-04' -> 'November 4, 2019', '4 ноября 2019 г.', '2019 ж. 4 қараша' (CLDR long format)."""
    value = dt.date.fromisoformat(str(iso_date)[:10]) if not isinstance(iso_date, dt.date) else iso_date
    return babel_format_date(value, "long", locale=_locale(lang))


# --- coverage ---------------------------------------------------------------------------------
def codebook_labels(raw: dict, path: str = "") -> list[tuple[str, dict]]:
    """Every translatable label of a codebook, as (where, {lang: text}); a label is a mapping with an `en` key."""
    found = []
    if isinstance(raw, dict):
        if DEFAULT_LANGUAGE in raw and all(isinstance(v, (str, type(None))) for v in raw.values()):
            return [(path, raw)]
        for key, value in raw.items():
            if key == "translated":  # a note of which labels are this project's translation, not a label
                continue
            found += codebook_labels(value, f"{path}.{key}" if path else str(key))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            name = value.get("id") or value.get("code") or value.get("letter") if isinstance(value, dict) else None
            found += codebook_labels(value, f"{path}[{name if name is not None else i}]")
    return found


def missing_codebook_labels(raw: dict, lang: str) -> list[tuple[str, str]]:
    """(where, the language shown instead) for each codebook label that has no text in `lang`."""
    missing = []
    for where, translations in codebook_labels(raw):
        shown = label_language(translations, lang)
        if shown != lang:
            missing.append((where, shown or "none"))
    return missing


def coverage(raw_codebook: dict | None, languages=LANGUAGES, claims: list[dict] | None = None) -> list[dict]:
    """Every string missing per language: ui_text keys, the paper's findings (given `claims`) and, given a
    codebook, its labels. Each row: language, file, key, shown_in (the fallback language shown instead)."""
    rows = []
    for lang in languages:
        for key in missing_ui_text(lang) + missing_findings(lang, claims or []):
            shown = next((c for c in FALLBACKS.get(lang, []) if key in ui_text_keys(c)), DEFAULT_LANGUAGE)
            rows.append({"language": lang, "file": "src/helpers/ui_text.yaml", "key": key, "shown_in": shown})
        if raw_codebook is not None:
            for where, shown in missing_codebook_labels(raw_codebook, lang):
                rows.append({"language": lang, "file": "codebook.yaml", "key": where, "shown_in": shown})
    return rows


def ui_text_keys(lang: str) -> set[str]:
    texts = _all()
    return set(texts.get(lang) or {}) | {f"figures.{k}" for k in (texts.get("figures") or {}).get(lang) or {}}
