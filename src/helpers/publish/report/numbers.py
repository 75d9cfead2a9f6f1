"""Numbers as the report's language writes them: decimals, counts read back from CSV, p-values and how
each p was obtained (exact, permutation, chi-square)."""

from __future__ import annotations

import pandas as pd

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE
from helpers.i18n import ui


def local_number(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number read back from a table CSV ('4.33', '12') written as `lang` writes it; other text unchanged."""
    if not _is_number(text) or text.strip().lower() in {"nan", "inf", "-inf"}:
        return text
    decimals = len(text.split(".")[1]) if "." in text else 0
    return i18n.number(float(text), lang, decimals)


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _number(text, lang: str = DEFAULT_LANGUAGE, decimals: int = 2) -> str:
    """A number (or its text read back from CSV) as `lang` writes it, rounded half away from zero (i18n.number);
    '–' when there is none."""
    if text in ("", None) or pd.isna(text):
        return "–"
    return i18n.number(float(text), lang, decimals)


def p_text(p, lang: str = DEFAULT_LANGUAGE) -> str:
    """'p = 0.063', 'p < 0.001' (stats.format_p) with the decimal sign of `lang`; 'p not computed' in its words."""
    if p in ("", None) or pd.isna(p):
        return ui(lang)["p_not_computed"]
    p = float(p)
    return f"p < {_number(0.001, lang, 3)}" if p < 0.001 else f"p = {_number(p, lang, 3)}"


def p_method_text(method: str, words: dict, lang: str = DEFAULT_LANGUAGE, short: bool = False) -> str:
    """How a p was obtained (stats.kendalls_w's p_method, read back from agreement.csv) in the report's words:
    'exact (all 13,824 rearrangements)', 'permutation (… rearrangements, seed …)' or the chi-square approximation;
    `short`: the kind alone ('exact', 'permutation')."""
    import re

    exact = re.fullmatch(r"exact \(all ([\d,]+) rearrangements\)", method)
    permutation = re.fullmatch(r"permutation \(([\d,]+) rearrangements, seed (\d+)\)", method)
    if exact:
        return (
            words["p_exact_short"]
            if short
            else words["p_exact"].format(total=i18n.number(int(exact.group(1).replace(",", "")), lang, 0))
        )
    if permutation:
        return (
            words["p_permutation_short"]
            if short
            else words["p_permutation"].format(
                n=i18n.number(int(permutation.group(1).replace(",", "")), lang, 0), seed=permutation.group(2)
            )
        )
    return words["p_chi2_approximation"] if method.startswith("chi-square") else method


def _int(text) -> int:
    """A count read back from CSV, where a column with gaps was written as 4.0."""
    return int(float(text))
