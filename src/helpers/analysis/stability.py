"""How stable is each verdict: the paper's findings re-checked under every other reading the analysis admits.

A verdict rests on choices an analyst could make otherwise. Each reading changes one of them, and the findings
are checked again (claims.check_claims) on the same data:

- `respondents`: the factor order with every respondent weighing the same, instead of every stakeholder group;
- `weighted`: respondents weighted by the design's weights (shares, and the factor order as a population
  mean) — only where the design has a frame or weights;
- `no_opinion_midpoint`: "no opinion" scored as the scale's middle instead of left out;
- `no_min_items`: every factor score counted, however few of its statements it rests on;
- `majority_two_thirds`: a majority must exceed two thirds, not one half;
- `agree_top`: only the scale's top point counts as agreeing.

`verdict_stability` gives one row per finding and reading, with whether the verdict differs from the report's.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import claims, missingness, stats
from helpers.codebook import DEFAULT_LANGUAGE, Codebook

READINGS = (
    "reported",
    "respondents",
    "weighted",
    "no_opinion_midpoint",
    "no_min_items",
    "majority_two_thirds",
    "agree_top",
)


def readings(
    likert: pd.DataFrame, codebook: Codebook, weights: pd.Series | None
) -> list[tuple[str, pd.DataFrame, claims.Reading]]:
    """(reading id, the answers it reads, its claims.Reading), the report's own first. `likert` carries the
    minimum-items rule (missingness.apply_min_items); `weights` None leaves out the weighted reading."""
    top = max(codebook.scale_values)
    out = [
        ("reported", likert, claims.Reading()),
        ("respondents", likert, claims.Reading(factor_order="respondents")),
    ]
    if weights is not None:
        out.append(("weighted", likert, claims.Reading(factor_order="population", weights=weights)))
    out += [
        (
            "no_opinion_midpoint",
            missingness.apply_min_items(missingness.no_opinion_as_midpoint(likert, codebook), codebook),
            claims.Reading(),
        ),
        ("no_min_items", likert.drop(columns="in_factor_score", errors="ignore"), claims.Reading()),
        ("majority_two_thirds", likert, claims.Reading(majority=2 / 3)),
        ("agree_top", likert, claims.Reading(agree_from=top)),
    ]
    return out


def verdict_stability(
    likert: pd.DataFrame,
    choices: pd.DataFrame,
    respondents: pd.DataFrame,
    codebook: Codebook,
    weights: pd.Series | None = None,
    reported: pd.DataFrame | None = None,
    lang: str = DEFAULT_LANGUAGE,
    agreement: dict | None = None,
) -> pd.DataFrame:
    """Long: finding, id, reading, verdict, differs (from the report's verdict). `reported` (check_claims of the
    report, same data) saves checking the report's reading again; `agreement` (stats.kendalls_w of `likert`) is
    reused by every reading whose respondents' factor scores are those of `likert` (an exact p can take seconds)."""
    rows = []
    base = None
    own_scores = stats.respondent_factor_scores(likert)
    for name, answers, reading in readings(likert, codebook, weights):
        if name == "reported" and reported is not None:
            table = reported
        else:
            same = agreement is not None and stats.respondent_factor_scores(answers).equals(own_scores)
            table = claims.check_claims(
                answers,
                choices,
                respondents,
                codebook,
                lang=lang,
                reading=reading,
                agreement=agreement if same else None,
            )
        if base is None:
            base = dict(zip(table["id"], table["verdict"]))
        for row in table.itertuples():
            rows.append(
                {
                    "finding": row.finding,
                    "id": row.id,
                    "reading": name,
                    "verdict": row.verdict,
                    "differs": row.verdict != base[row.id],
                }
            )
    return pd.DataFrame(rows, columns=["finding", "id", "reading", "verdict", "differs"])


def stability_summary(stability: pd.DataFrame) -> pd.DataFrame:
    """One row per finding: the report's verdict, the readings under which it differs (ids, in READINGS order),
    and `stable` (no reading changes it)."""
    rows = []
    for (finding, claim_id), part in stability.groupby(["finding", "id"], sort=False):
        reported = part.loc[part["reading"] == "reported", "verdict"].iloc[0]
        changed = part.loc[part["differs"], "reading"].tolist()
        rows.append(
            {
                "finding": finding,
                "id": claim_id,
                "verdict": reported,
                "changes_under": " ".join(changed),
                "stable": not changed,
            }
        )
    return pd.DataFrame(rows, columns=["finding", "id", "verdict", "changes_under", "stable"])
