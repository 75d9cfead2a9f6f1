"""Counted nouns read back from text: a number followed by a form of one of the language's units
(ui_text.yaml's `units:`) must be followed by the form that number takes in at least one of the units the word
belongs to (a word can be two cases: Russian "респондента" is the genitive singular and the nominative after
2-4). Kazakh nouns keep the singular after a numeral, so a Kazakh number followed by a plural is a mistake too."""

import re
from decimal import Decimal

from helpers import i18n

# 12, 2 000 (a no-break or narrow no-break space groups thousands in ru and kk), 1,000, 43,5 / 43.5
NUMBER = r"(?<![\w.,])(\d{1,3}(?:[\u00a0\u202f ,]\d{3})+|\d+)(?:[.,](\d+))?"
KAZAKH_PLURAL = re.compile(
    r"(?<![\w.,])\d+ (\w+?(?:лар|лер|дар|дер|тар|тер)(?:дың|дің|ға|ге|да|де|ды|ді|дан|ден|мен|ы|і)?)(?!\w)"
)


def disagreements(text: str, lang: str) -> list[str]:
    """Each number-and-noun of `text` whose noun has another form than the number asks for."""
    units = i18n.units(lang)
    forms = sorted({form for unit in units.values() for form in unit.values()}, key=len, reverse=True)
    after_whole = {form for unit in units.values() for c, form in unit.items() if c != "other" or len(unit) == 2}
    counted = re.compile(NUMBER + " (" + "|".join(map(re.escape, forms)) + r")(?!\w)")
    wrong = []
    for match in counted.finditer(text):
        whole, fraction, word = re.sub(r"\D", "", match.group(1)), match.group(2), match.group(3)
        n = int(whole) if fraction is None else Decimal(f"{whole}.{fraction}")
        if isinstance(n, int) and word not in after_whole:
            continue  # Russian's fractions' form (2,5 фактора) after a whole number is no count: "{rule} фактора"
        if not any(i18n.plural(n, unit, lang) == word for unit in units.values() if word in unit.values()):
            wrong.append(match.group(0))
    return wrong
