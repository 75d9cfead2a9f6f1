"""The paper's findings re-checked on a dataset: each claim (from paper_claims.yaml) gets a verdict and its numbers.

A claim names what it is about by *role* (`roles:` in paper_claims.yaml), never by a factor,
question, option, statement or stakeholder id: a dataset's codebook says which of its entries play
which role (`role: <name>` on the entry, helpers.analysis.roles), so a questionnaire that numbers
its questions or names its factors differently is checked all the same. Each claim states its
reading (which respondents its words cover), filled in with the groups of the data.

Verdicts: "supported", "partly supported", "not supported", or "cannot be checked here" when the
dataset lacks what the claim is about. Apart from the verdict, `checkable` says "partly checkable"
when part of the claim has no measure here (a factor without an option, a group not in the data):
the measured part then decides the verdict, and the reader sees both. How the parts of a claim
hold and make its verdict, and each kind of check, are in helpers.analysis.checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import i18n
from helpers.analysis import stats
from helpers.analysis.checks import (
    CHECKS,
    FAILS,
    HOLDS,
    HOLDS_PARTLY,
    MAJORITY,
    NO_ANSWER,
    NOT,
    PARTLY,
    SUPPORTED,
    UNCHECKABLE,
    combine,
    share_state,
)
from helpers.analysis.roles import (
    entry_roles,
    factors_with_role,
    options_with_role,
    questions_with_role,
    role_entries,
    stakeholders_with_role,
    statements_with_role,
)
from helpers.codebook import DEFAULT_LANGUAGE, Codebook, load_yaml

__all__ = [  # the names other modules import from here (the checks' and the roles' among them)
    "CHECKS",
    "FAILS",
    "HOLDS",
    "HOLDS_PARTLY",
    "MAJORITY",
    "NO_ANSWER",
    "NOT",
    "PARTLY",
    "PARTLY_CHECKABLE",
    "SUPPORTED",
    "UNCHECKABLE",
    "Reading",
    "check_claims",
    "combine",
    "disagreements",
    "factors_with_role",
    "options_with_role",
    "paper_claims",
    "questions_with_role",
    "reference_dataset",
    "replication_table",
    "role_vocabulary",
    "share_state",
    "stakeholders_with_role",
    "statements_with_role",
    "unknown_roles",
    "with_paper_verdicts",
]

CLAIMS_FILE = Path(__file__).with_name("paper_claims.yaml")
PARTLY_CHECKABLE = "partly checkable"
#: The ui_text.yaml key of each verdict (the verdicts themselves stay these constants in claims.csv).
VERDICT_WORDS = {
    SUPPORTED: "verdict_supported",
    PARTLY: "verdict_partly",
    NOT: "verdict_not",
    UNCHECKABLE: "verdict_uncheckable",
    PARTLY_CHECKABLE: "claim_partly_checkable",
}


def paper_claims() -> list[dict]:
    return _claims_file()["claims"]


def role_vocabulary() -> dict[str, str]:
    """Role name -> its one-line meaning: the roles a codebook entry may carry."""
    return dict(_claims_file()["roles"])


def reference_dataset() -> str:
    """The dataset the paper's own verdicts are computed on (the paper's data)."""
    return _claims_file()["reference_dataset"]


def _claims_file() -> dict:
    return load_yaml(CLAIMS_FILE.read_text(encoding="utf-8"))


# --- roles in a codebook ------------------------------------------------------------------
def unknown_roles(codebook: Codebook) -> list[str]:
    """'<where>: <role>' for every role in the codebook that the vocabulary does not define."""
    known = set(role_vocabulary())
    return [
        f"{where}: {role}" for where, entry in role_entries(codebook) for role in sorted(entry_roles(entry) - known)
    ]


# --- shares and their state -----------------------------------------------------------------
@dataclass(frozen=True)
class Reading:
    """One way of reading the data that a verdict could depend on; the defaults are the report's own.

    factor_order: the factor means a factor order compares — "groups" (each stakeholder group weighs the same,
    as Table 3's order), "respondents" (each respondent weighs the same) or "population" (respondents weighted by
    `weights`, the design's); majority: the share a plain majority must exceed; agree_from: the lowest scale
    point that counts as agreeing (None: the points above the scale's middle); weights: respondent_id -> weight
    for shares of respondents (None: every respondent counts once)."""

    factor_order: str = "groups"
    majority: float = MAJORITY
    agree_from: int | None = None
    weights: pd.Series | None = None


def _share_text(agree: int, n: int, lang: str = DEFAULT_LANGUAGE) -> str:
    if n < 2:
        return i18n.say(lang, "claim_share", k=agree, n=n)
    low, high = stats.wilson_interval(agree, n)
    return i18n.say(
        lang,
        "claim_share_ci",
        k=agree,
        n=n,
        share=i18n.percent(agree / n, lang),
        low=i18n.percent(low, lang),
        high=i18n.percent(high, lang),
    )


def _number(value: float, lang: str, decimals: int = 2) -> str:
    """Rounded half away from zero and written in `lang` (i18n.number, as every displayed number)."""
    return i18n.number(float(value), lang, decimals)


# --- the check of every claim -------------------------------------------------------------
def check_claims(
    likert: pd.DataFrame,
    choices: pd.DataFrame,
    respondents: pd.DataFrame,
    codebook: Codebook,
    claims: list[dict] | None = None,
    factor_differences: pd.DataFrame | None = None,
    lang: str = DEFAULT_LANGUAGE,
    reading: Reading | None = None,
    agreement: dict | None = None,
) -> pd.DataFrame:
    """One row per claim: finding, id, quote, where, evidence, reading, verdict, checkable, numbers.

    The reading and the numbers are written in `lang` (ui_text.yaml); quote, where and evidence are the
    paper's English (the report shows their translation), verdict and checkable the constants above.
    `factor_differences` (stats.factor_differences of the same answers) saves recomputing its bootstrap;
    `reading` (default: the report's) changes the weights and thresholds the checks use (verdict_stability);
    `agreement` (stats.kendalls_w of the same answers) saves recomputing Kendall's W and its p."""
    data = _Data(likert, choices, respondents, codebook, lang, reading or Reading())
    data.factor_differences = factor_differences
    data.agreement = agreement
    rows = []
    for claim in claims or paper_claims():
        data.partly_checkable = False
        verdict, numbers = CHECKS[claim["check"]](claim, data)
        rows.append(
            {
                "finding": claim["finding"],
                "id": claim["id"],
                "quote": claim["quote"],
                "where": claim["where"],
                "evidence": claim["evidence"],
                "reading": data.reading(claim),
                "verdict": verdict,
                "checkable": PARTLY_CHECKABLE if data.partly_checkable and verdict != UNCHECKABLE else "",
                "numbers": numbers,
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["orders"] = data.orders
    return table


def with_paper_verdicts(
    table: pd.DataFrame, reference: pd.DataFrame | None, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """The findings table with the verdict on the paper's own data beside this dataset's (a replication
    table), in the words of `lang`; `reference` is check_claims on the paper's data, None when this is the paper's data."""
    table = table.copy()
    if reference is None:
        table.insert(table.columns.get_loc("verdict"), "paper_verdict", "")
        return table
    words = i18n.ui(lang)
    verdicts = reference.set_index("id")
    said = lambda column: verdicts[column].map(lambda v: words[VERDICT_WORDS[v]] if v in VERDICT_WORDS else v)  # noqa: E731
    shown = said("verdict") + np.where(verdicts["checkable"] != "", " (" + said("checkable") + ")", "")
    table.insert(table.columns.get_loc("verdict"), "paper_verdict", table["id"].map(shown).fillna(""))
    return table


def reference_verdicts(root: Path | None = None, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame | None:
    """check_claims on the paper's own data, read and cleaned from data/raw (nothing written); None when
    that folder is absent from this copy of the project."""
    from helpers.codebook import read_codebook
    from helpers.ingest.clean import clean_export
    from helpers.paths import dataset_paths

    paths = dataset_paths(reference_dataset(), root)
    if not paths.codebook.exists():
        return None
    codebook = read_codebook(paths.codebook)
    clean = clean_export(paths, codebook)
    return check_claims(clean.likert, clean.choices, clean.respondents, codebook, lang=lang)


def disagreements(table: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Where two checks of the same finding order the same factors differently, said in words of `lang`
    (each check named by its evidence up to the colon, e.g. 'Table 3')."""
    names = dict(zip(codebook.factors(lang)["factor_id"], codebook.factors(lang)["factor_short"]))
    translated = i18n.finding_texts(lang)
    orders = table.attrs.get("orders", {})
    notes = []
    for finding, block in table.groupby("finding", sort=False):
        measured = [
            ((translated.get(row.id) or {}).get("evidence") or row.evidence, orders[row.id])
            for row in block.itertuples()
            if row.id in orders
        ]
        for i, (first_label, first) in enumerate(measured):
            for second_label, second in measured[i + 1 :]:
                common = [f for f in first if f in second]
                flipped = [
                    (a, b)
                    for j, a in enumerate(common)
                    for b in common[j + 1 :]
                    if (first[a] - first[b]) * (second[a] - second[b]) < 0
                ]
                for a, b in flipped:
                    above, below = (a, b) if first[a] > first[b] else (b, a)
                    notes.append(
                        i18n.say(
                            lang,
                            "claim_disagreement",
                            finding=finding,
                            first=first_label.split(":")[0],
                            above=names[above],
                            below=names[below],
                            second=second_label.split(":")[0],
                        )
                    )
    return notes


class _Data:
    def __init__(self, likert, choices, respondents, codebook: Codebook, lang: str = DEFAULT_LANGUAGE, reading=None):
        self.likert, self.choices, self.respondents, self.codebook = likert, choices, respondents, codebook
        self.rules = reading or Reading()
        self.majority = self.rules.majority
        self.lang, self.words = lang, i18n.ui(lang)
        self.groups = set(respondents["stakeholder"])
        self.labels = dict(zip(codebook.stakeholders(lang)["code"], codebook.stakeholders(lang)["short"]))
        self.factor_names = dict(zip(codebook.factors(lang)["factor_id"], codebook.factors(lang)["factor_short"]))
        self.statements = set(codebook.statements()["statement_id"])
        self.agree_from = self.rules.agree_from or stats.agree_from(codebook)
        self.several = bool((respondents["stakeholder"].value_counts() > 1).any())
        self.orders: dict[str, dict[str, float]] = {}  # claim id -> the factor values an order check compared
        self.partly_checkable = False
        self.factor_differences: pd.DataFrame | None = None
        self.agreement: dict | None = None

    def say(self, key: str, **values) -> str:
        return self.words[key].format(**values)

    def number(self, value: float, decimals: int = 2) -> str:
        return _number(value, self.lang, decimals)

    def share(self, agree: int, n: int) -> str:
        return _share_text(agree, n, self.lang)

    def score(self, value: float) -> str:
        """A single answer as '2', a mean as '2.92' ('2,92')."""
        return str(int(value)) if float(value).is_integer() else self.number(value)

    def verdict(self, verdict: str) -> str:
        return self.words[VERDICT_WORDS[verdict]]

    def group_names(self, roles: list[str]) -> str:
        """The stakeholder types of the data that carry any of `roles`, by name; 'none here' if none."""
        codes = [c for role in roles for c in stakeholders_with_role(self.codebook, role) if c in self.groups]
        return ", ".join(self.labels[c] for c in dict.fromkeys(codes)) or self.words["claim_none_here"]

    def reading(self, claim: dict) -> str:
        """The claim's reading (this project's translation into the language where ui_text.yaml's findings
        have one), its {role} slots filled with the data's stakeholder types of that role."""
        text = (i18n.finding_texts(self.lang).get(claim["id"]) or {}).get("reading") or claim.get("reading", "")
        return text.format(**{role: self.group_names([role]) for role in role_vocabulary()})

    def chose(self, options: list[tuple[str, str]]) -> pd.Index:
        """The respondents who chose any of the (question, letter) options."""
        picked = self.choice_keys.isin(options)
        return pd.Index(self.choices.loc[picked, "respondent_id"].unique())

    @cached_property
    def choice_keys(self) -> pd.MultiIndex:
        """(question, letter) of every row of the choices, as text: built once, not once per claim."""
        return pd.MultiIndex.from_frame(self.choices[["question_id", "option"]].astype(str))

    def share_choosing(self, options: list[tuple[str, str]], groups: list[str] | None = None) -> tuple[int, int]:
        people = (
            self.respondents if groups is None else self.respondents.loc[self.respondents["stakeholder"].isin(groups)]
        )
        return self.count(people["respondent_id"], people["respondent_id"].isin(self.chose(options)))

    def count(self, respondent_ids: pd.Series, yes: pd.Series) -> tuple[float, float]:
        """(how many said yes, of how many): whole counts, or with weights the weighted share times the
        effective n (Kish) and the effective n, so that a share's interval reflects the weights."""
        weights = self.rules.weights
        if weights is None:
            return int(yes.sum()), len(yes)
        w = respondent_ids.map(weights).fillna(0.0).to_numpy(float)
        if not w.sum():
            return 0, 0
        n_effective = w.sum() ** 2 / (w**2).sum()
        return float(w[yes.to_numpy(bool)].sum() / w.sum() * n_effective), float(n_effective)


def replication_table(
    checked: pd.DataFrame, dataset: str, root: Path | None = None, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """The findings table of `dataset` with the paper's own verdict beside each (empty on the paper's data),
    that verdict in the words of `lang`."""
    reference = None if dataset == reference_dataset() else reference_verdicts(root, lang)
    return with_paper_verdicts(checked, reference, lang)
