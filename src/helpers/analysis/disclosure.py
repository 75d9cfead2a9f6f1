"""Disclosure control: no published number rests on fewer respondents than the codebook's disclosure threshold
(`privacy.disclosure_threshold`, 10 unless the codebook says otherwise), so that no one's answers can be read
off a table, a figure or a test.

Two rules, one for each way the respondents are grouped:

- A stakeholder type with fewer respondents than the threshold is withheld: its respondents are left out of
  every table, figure and test the steps after cleaning compute. Leaving them out of the totals too (not only
  blanking their column) is what keeps them from being derived: a total minus the types shown would be them.
  data/processed/ keeps every respondent; only what is published leaves them out, and the report says so.
- A pilot body with fewer respondents than the threshold has its row of the table by pilot body suppressed,
  and so many others with it (the smallest first) that the suppressed rows together hold at least the
  threshold and are at least two: otherwise the overall mean, less the bodies shown, would give the small one
  (complementary suppression, as statistical offices practise it).
"""

from __future__ import annotations

import pandas as pd

from helpers.codebook import Codebook


def withheld_types(respondents: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """stakeholder, n: the stakeholder types present in `respondents` with fewer than the threshold, in the
    codebook's order."""
    counts = respondents["stakeholder"].astype(object).value_counts()
    order = [c for c in codebook.stakeholders()["code"] if 0 < counts.get(c, 0) < codebook.disclosure_threshold]
    return pd.DataFrame({"stakeholder": order, "n": [int(counts[c]) for c in order]}, columns=["stakeholder", "n"])


def without_withheld_types(data: dict[str, pd.DataFrame], codebook: Codebook, where: str = "") -> dict:
    """The processed tables without the respondents of withheld stakeholder types (every table with a
    respondent_id loses their rows; withheld_types says which they are). Raises a
    PipelineError naming the threshold when no respondent is left to publish (`where` says of what: a pilot
    body's selection, say)."""
    respondents = data["respondents"]
    withheld = withheld_types(respondents, codebook)
    if withheld.empty:
        return data
    kept = respondents.loc[~respondents["stakeholder"].astype(object).isin(withheld["stakeholder"]), "respondent_id"]
    if kept.empty:
        raise ValueError(
            f"{where or 'the data'}: every stakeholder type has fewer than {codebook.disclosure_threshold} "
            "respondents (privacy.disclosure_threshold of the codebook): nothing can be published without "
            "showing individuals' answers"
        )
    kept = set(kept)
    return {
        name: frame.loc[frame["respondent_id"].isin(kept)].reset_index(drop=True)
        if "respondent_id" in frame.columns
        else frame
        for name, frame in data.items()
    }


def suppressed_rows(sizes: pd.Series, threshold: int) -> set:
    """The labels of `sizes` (respondents per row: per pilot body, say) whose rows are suppressed: each below
    `threshold`, and, where that leaves the suppressed rows fewer than two or holding fewer than `threshold`
    together, the smallest others (ties by label) until neither holds or nothing is left to show."""
    sizes = sizes.loc[sizes > 0]
    suppressed = set(sizes.index[sizes < threshold])
    if not suppressed:
        return suppressed
    shown = sorted((label for label in sizes.index if label not in suppressed), key=lambda b: (sizes[b], str(b)))
    while shown and (len(suppressed) < 2 or sizes[list(suppressed)].sum() < threshold):
        suppressed.add(shown.pop(0))
    return suppressed
