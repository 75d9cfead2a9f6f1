"""Words of the report that do not come from a codebook (headings, units, month names), per language."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from helpers.codebook import DEFAULT_LANGUAGE

UI_TEXT = Path(__file__).with_name("ui_text.yaml")


@lru_cache(maxsize=None)
def _all() -> dict:
    return yaml.safe_load(UI_TEXT.read_text(encoding="utf-8"))


def languages() -> list[str]:
    """The languages the report can be written in."""
    return [key for key in _all() if key != "figures"]


def ui(lang: str = DEFAULT_LANGUAGE) -> dict:
    """The words for `lang`, English where a word has no translation."""
    texts = _all()
    figures = texts["figures"]
    return {**texts[DEFAULT_LANGUAGE], **texts.get(lang, {}),
            "figures": {**figures[DEFAULT_LANGUAGE], **figures.get(lang, {})}}


def plural(n: int, forms: list[str], lang: str = DEFAULT_LANGUAGE) -> str:
    """The form of a unit for n: English one/other; Russian one/few/many."""
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return forms[0]
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return forms[1]
        return forms[2]
    return forms[0] if n == 1 else forms[1]
