"""The paper's findings as the report shows them: the verdict in the report's words, the quote with this
project's translation."""

from __future__ import annotations

import pandas as pd

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE
from helpers.i18n import ui
from helpers.analysis import claims as paper_claims

VERDICT_KEYS = {
    paper_claims.SUPPORTED: "verdict_supported",
    paper_claims.PARTLY: "verdict_partly",
    paper_claims.NOT: "verdict_not",
    paper_claims.UNCHECKABLE: "verdict_uncheckable",
}


def localised_claims(claims_table: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The claims table's rows for the template: the paper's quote as the paper words it, with this project's
    translation into `lang` (from ui_text.yaml's `findings`), the verdict and the description in `lang`."""
    words = ui(lang)
    translated = i18n.finding_texts(lang)
    rows = []
    for row in claims_table.to_dict("records"):
        own = translated.get(row["id"], {})
        rows.append(
            {
                **row,
                "verdict": words.get(VERDICT_KEYS.get(row["verdict"], ""), row["verdict"]),
                "checkable": words["claim_partly_checkable"] if row.get("checkable") else "",
                "where": own.get("where", row["where"]),
                "evidence": own.get("evidence", row["evidence"]),
                "translation": own.get("quote", ""),
            }
        )
    return rows
