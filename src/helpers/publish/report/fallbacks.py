"""What the report shows in another language than its own: the labels and words shown in a fallback
language, and fallbacks.csv, the list of them beside the report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE, label_language
from helpers.files import write_csv
from helpers.i18n import ui
from helpers.analysis import claims as paper_claims
from helpers.publish.report.cleaning import MESSAGE_LANGUAGE, problem_counts
from helpers.publish.report.tables import read_table


def fallback_labels(codebook, lang: str) -> dict[str, str]:
    """Text -> language, for every codebook label and report word that `lang` shows in a fallback language."""
    found = {}
    for _, translations in i18n.codebook_labels(codebook.raw):
        shown = label_language(translations, lang)
        if shown and shown != lang:
            found[translations[shown]] = shown
    words, own = ui(lang), i18n.ui_text_keys(lang)
    for key, value in words.items():
        if key != "figures" and key not in own and isinstance(value, str):
            found[value] = next(c for c in i18n.FALLBACKS[lang] if key in i18n.ui_text_keys(c))
    return found


def write_fallbacks(codebook, lang: str, path: Path, processed: Path | None = None) -> pd.DataFrame:
    """Write (and return) every string the report in `lang` shows in a fallback language: key, file, shown_in.

    The file sits beside the report; `make report` counts its rows and says so in one line. With the ui texts
    and the codebook's labels, the cleaning step's messages on rows set aside (English only); they are read from
    `processed`, by default the processed folder of the codebook's dataset (data/processed/<its folder>/).
    """
    rows = i18n.coverage(codebook.raw, [lang], paper_claims.paper_claims())
    raw = Path(codebook.source).parent
    processed = Path(processed) if processed is not None else raw.parent.parent / "processed" / raw.name
    rows += message_fallbacks(processed, lang, f"data/processed/{processed.name}/validation.csv")
    table = pd.DataFrame(rows, columns=["language", "file", "key", "shown_in"])
    write_csv(table, path, for_spreadsheets=False)
    return table


def message_fallbacks(processed: Path, lang: str, shown_as: str) -> list[dict]:
    """fallbacks.csv rows for the cleaning step's messages a report in `lang` shows in English: one per distinct
    message, when rows were set aside (the report lists the reasons only then). `shown_as` names validation.csv."""
    rejected = Path(processed) / "rejected.csv"
    if lang == MESSAGE_LANGUAGE or not rejected.exists() or read_table(rejected).empty:
        return []
    messages = dict.fromkeys(reason["expected"] for reason in problem_counts(processed))
    return [{"language": lang, "file": shown_as, "key": message, "shown_in": MESSAGE_LANGUAGE} for message in messages]


def words_language(key: str, lang: str) -> str:
    """The language the report's word `key` is shown in: `lang` where ui_text.yaml has it, else English (the fallback)."""
    from helpers.codebook import load_yaml
    from helpers.i18n import UI_TEXT

    own = load_yaml(UI_TEXT.read_text(encoding="utf-8")).get(lang) or {}
    return lang if key in own else DEFAULT_LANGUAGE
