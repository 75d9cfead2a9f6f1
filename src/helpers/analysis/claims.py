"""The paper's findings re-checked on a dataset: each claim (from paper_claims.yaml) gets a verdict and its numbers.

A claim names what it is about by *role* (`roles:` in paper_claims.yaml), never by a question,
option, statement or stakeholder id: a dataset's codebook says which of its entries play which
role (`role: <name>` on the entry), so a questionnaire that numbers its questions differently is
checked all the same. Each claim states its reading (which respondents its words cover), filled
in with the groups of the data.

Verdicts: "supported", "partly supported", "not supported", or "cannot be checked here" when the
dataset lacks what the claim is about. Apart from the verdict, `checkable` says "partly checkable"
when part of the claim has no measure here (a factor without an option, a group not in the data):
the measured part then decides the verdict, and the reader sees both.

Shares (a group choosing an option, respondents agreeing): a part of a claim *holds* when every
respondent it covers agrees, or when the 95 % Wilson interval of the share lies above one half;
it holds *partly* when a majority, strictly more than half, agrees; else it fails. Factor orders:
with several respondents per group an ordered pair holds only when the bootstrap CI of the
difference excludes 0; otherwise the two factors are indistinguishable here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import i18n
from helpers.analysis import design, stats
from helpers.codebook import DEFAULT_LANGUAGE, Codebook, load_yaml

CLAIMS_FILE = Path(__file__).with_name("paper_claims.yaml")
SUPPORTED, PARTLY, NOT, UNCHECKABLE = "supported", "partly supported", "not supported", "cannot be checked here"
PARTLY_CHECKABLE = "partly checkable"
#: A majority is strictly more than this share.
MAJORITY = 0.5
HOLDS, HOLDS_PARTLY, FAILS = "holds", "holds partly", "fails"
NO_ANSWER = (
    "no answer"  # a part of a claim the data cannot test: it does not hold, the claim is at most partly supported
)
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
def _roles(entry: dict) -> set[str]:
    role = entry.get("role") if isinstance(entry, dict) else None
    return set() if role is None else {role} if isinstance(role, str) else set(role)


def stakeholders_with_role(codebook: Codebook, role: str) -> list[str]:
    return [s["code"] for s in codebook.raw["stakeholders"] if role in _roles(s)]


def statements_with_role(codebook: Codebook, role: str) -> list[str]:
    return [s["id"] for f in codebook.raw["factors"] for s in f["statements"] if role in _roles(s)]


def questions_with_role(codebook: Codebook, role: str) -> list[dict]:
    return [q for q in codebook.raw["questions"] if role in _roles(q)]


def options_with_role(codebook: Codebook, role: str, question: dict | None = None) -> list[tuple[str, str]]:
    """(question id, letter) of every option carrying `role` (in `question` only, when given)."""
    questions = [question] if question else codebook.raw["questions"]
    return [(q["id"], str(o["letter"])) for q in questions for o in q["options"] if role in _roles(o)]


def unknown_roles(codebook: Codebook) -> list[str]:
    """'<where>: <role>' for every role in the codebook that the vocabulary does not define."""
    known = set(role_vocabulary())
    entries = (
        [(f"stakeholder {s['code']}", s) for s in codebook.raw["stakeholders"]]
        + [(f"question {q['id']}", q) for q in codebook.raw["questions"]]
        + [(f"option {q['id']} {o['letter']}", o) for q in codebook.raw["questions"] for o in q["options"]]
        + [(f"statement {s['id']}", s) for f in codebook.raw["factors"] for s in f["statements"]]
    )
    return [f"{where}: {role}" for where, entry in entries for role in sorted(_roles(entry) - known)]


# --- shares and their state -----------------------------------------------------------------
def share_state(agree: float, n: float, majority: float = MAJORITY) -> str:
    """Whether 'they agree' holds for `agree` of `n`: all, or a majority beyond chance (Wilson);
    partly for a plain majority (strictly more than `majority`); else it fails. Weighted shares come as
    the weighted share times the effective n, and their n as the effective n (Kish)."""
    if n == 0:
        return FAILS
    low, _ = stats.wilson_interval(agree, n)
    if agree >= n or low > majority:
        return HOLDS
    return HOLDS_PARTLY if agree / n > majority else FAILS


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


def combine(states: list[str]) -> str:
    """The verdict from the states of a claim's parts."""
    if states and all(s == HOLDS for s in states):
        return SUPPORTED
    return PARTLY if any(s in (HOLDS, HOLDS_PARTLY) for s in states) else NOT


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
    """Python rounds (as the English text always did), Babel writes the rounded value in `lang`."""
    return i18n.number(float(f"{float(value):.{decimals}f}"), lang, decimals)


def _signed_percent(share: float, lang: str) -> str:
    """+5%, -5%: a difference of shares with its sign."""
    return ("+" if share >= 0 else "") + i18n.percent(share, lang)


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
) -> pd.DataFrame:
    """One row per claim: finding, id, quote, where, evidence, reading, verdict, checkable, numbers.

    The reading and the numbers are written in `lang` (ui_text.yaml); quote, where and evidence are the
    paper's English (the report shows their translation), verdict and checkable the constants above.
    `factor_differences` (stats.factor_differences of the same answers) saves recomputing its bootstrap;
    `reading` (default: the report's) changes the weights and thresholds the checks use (verdict_stability)."""
    data = _Data(likert, choices, respondents, codebook, lang, reading or Reading())
    data.factor_differences = factor_differences
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


# --- factor orders --------------------------------------------------------------------------
def _pair_states(order: list[list[str]], values: dict[str, float], intervals: dict | None) -> dict[tuple, str]:
    """Every (earlier-tier factor, later-tier factor) pair: 'holds', 'indistinguishable' or 'reversed'."""
    present = [[f for f in tier if f in values] for tier in order]
    present = [tier for tier in present if tier]
    states = {}
    for i, tier in enumerate(present):
        for later in present[i + 1 :]:
            for a in tier:
                for b in later:
                    low, high = (intervals or {}).get((a, b), (np.nan, np.nan))
                    if np.isnan(low):
                        states[(a, b)] = "holds" if values[a] >= values[b] else "reversed"
                    else:
                        states[(a, b)] = "holds" if low > 0 else "reversed" if high < 0 else "indistinguishable"
    return states


def _order_verdict(order, values: dict[str, float], intervals: dict | None = None) -> str:
    states = _pair_states(order, values, intervals)
    if all(s == "holds" for s in states.values()):
        return SUPPORTED
    present = [[f for f in tier if f in values] for tier in order]
    present = [tier for tier in present if tier]
    top, bottom = max(values.values()), min(values.values())
    ends = any(values[f] == top for f in present[0]) and any(values[f] == bottom for f in present[-1])
    if "reversed" not in states.values() or ends:
        return PARTLY
    return NOT


def _unsure_pairs(order, values, intervals, names, fmt, words: dict) -> list[str]:
    return [
        words["claim_indistinguishable"].format(
            a=names[a],
            b=names[b],
            difference=fmt(values[a] - values[b]),
            low=fmt(intervals[(a, b)][0]),
            high=fmt(intervals[(a, b)][1]),
        )
        for (a, b), state in _pair_states(order, values, intervals).items()
        if state == "indistinguishable"
    ]


def check_factor_order(claim, data: _Data):
    if data.rules.factor_order != "groups":
        wanted = [f for tier in claim["order"] for f in tier]
        weights = data.rules.weights if data.rules.factor_order == "population" else None
        wide = stats.respondent_factor_scores(data.likert).pivot(
            index="respondent_id", columns="factor_id", values="score"
        )
        values, intervals = design.factor_means_and_differences(wide[[f for f in wanted if f in wide]], weights)
        if not set(wanted) <= set(values):
            return UNCHECKABLE, data.say("claim_no_scores", ids=", ".join(sorted(set(wanted) - set(values))))
        return _order_verdict(claim["order"], values, intervals if data.several else None), ""
    weighted = stats.factor_means_by_weighting(data.likert, data.codebook)
    by_groups = dict(zip(weighted["factor_id"], weighted["mean_groups"]))
    by_respondents = dict(zip(weighted["factor_id"], weighted["mean_respondents"]))
    wanted = [f for tier in claim["order"] for f in tier]
    if not set(wanted) <= set(by_groups):
        return UNCHECKABLE, data.say("claim_no_scores", ids=", ".join(sorted(set(wanted) - set(by_groups))))
    values = {f: by_groups[f] for f in wanted}
    data.orders[claim["id"]] = values
    differences = (
        data.factor_differences
        if data.factor_differences is not None
        else stats.factor_differences(data.likert, data.codebook)
    )
    intervals = {(r.factor_a, r.factor_b): (r.ci_low, r.ci_high) for r in differences.itertuples()}
    verdict = _order_verdict(claim["order"], values, intervals)
    names = data.factor_names
    parts = [", ".join(f"{names[f]} {data.number(values[f])}" for f in sorted(values, key=lambda f: -values[f]))]
    if data.several:
        parts[0] = data.say("claim_groups_weighted", values=parts[0])
    parts += _unsure_pairs(claim["order"], values, intervals, names, data.number, data.words)
    other = {f: by_respondents[f] for f in wanted}
    if sorted(other, key=lambda f: -other[f]) != sorted(values, key=lambda f: -values[f]):
        other_verdict = _order_verdict(claim["order"], other)
        parts.append(
            data.say(
                "claim_respondents_weighted",
                values=", ".join(f"{names[f]} {data.number(other[f])}" for f in sorted(other, key=lambda f: -other[f])),
            )
            + (
                data.say("claim_weighting_matters", verdict=data.verdict(other_verdict))
                if other_verdict != verdict
                else ""
            )
        )
    return verdict, "; ".join(parts)


def check_choice_order(claim, data: _Data):
    questions = questions_with_role(data.codebook, claim["question_role"])
    if not questions:
        return UNCHECKABLE, data.say("claim_no_question_role", role=claim["question_role"])
    question = questions[0]
    by_factor: dict[str, list[tuple[str, str]]] = {}
    for option in question["options"]:
        if option.get("factor"):
            by_factor.setdefault(option["factor"], []).append((question["id"], str(option["letter"])))
    wanted = [f for tier in claim["order"] for f in tier]
    n = len(data.respondents)
    chosen = {
        f: data.respondents["respondent_id"].isin(data.chose(by_factor[f])).to_numpy() for f in wanted if f in by_factor
    }
    if len(chosen) < 2:
        return UNCHECKABLE, data.say("claim_too_few_factors")
    counts = {f: float(c.sum()) for f, c in chosen.items()}
    missing = [data.factor_names.get(f, f) for f in wanted if f not in chosen]
    data.partly_checkable = bool(missing)
    data.orders[claim["id"]] = counts
    intervals = _choice_intervals(chosen) if data.several else None
    verdict = _order_verdict(claim["order"], counts, intervals)
    parts = [
        ", ".join(
            data.say("claim_chosen_by", name=data.factor_names[f], k=f"{counts[f]:.0f}", n=n)
            for f in sorted(counts, key=lambda f: -counts[f])
        )
    ]
    if intervals:
        parts += _unsure_pairs(
            claim["order"],
            {f: c / n for f, c in counts.items()},
            intervals,
            data.factor_names,
            lambda x: _signed_percent(x, data.lang),
            data.words,
        )
    if missing:
        parts.append(data.say("claim_no_option_names", names=", ".join(missing)))
    return verdict, "; ".join(parts)


def _choice_intervals(
    chosen: dict[str, np.ndarray], seed: int = stats.SEED, n_resamples: int = stats.BOOTSTRAP_RESAMPLES
) -> dict[tuple[str, str], tuple[float, float]]:
    """Bootstrap 95 % CI (respondents resampled, seeded) of the difference in the share choosing two factors."""
    factors = list(chosen)
    matrix = np.column_stack([chosen[f] for f in factors]).astype(float)
    shares = stats.resampled_means(matrix, np.random.default_rng(seed), n_resamples)
    return {
        (a, b): tuple(np.percentile(shares[:, i] - shares[:, j], [2.5, 97.5]))
        for i, a in enumerate(factors)
        for j, b in enumerate(factors)
        if i != j
    }


# --- agreement with statements ----------------------------------------------------------------
def check_statements_agreed(claim, data: _Data):
    statements = {role: statements_with_role(data.codebook, role) for role in claim["statement_roles"]}
    missing = [role for role, ids in statements.items() if not ids]
    if len(missing) == len(statements):
        return UNCHECKABLE, data.say("claim_no_statement_role", role=", ".join(missing))
    data.partly_checkable = bool(missing)
    parts, states = [], []
    for statement in [s for ids in statements.values() for s in ids]:
        scores = data.likert.loc[data.likert["statement_id"] == statement, "score"].dropna().astype(float)
        answered = data.likert.loc[(data.likert["statement_id"] == statement) & data.likert["score"].notna()]
        agree, n = data.count(answered["respondent_id"], scores >= data.agree_from)
        states.append(share_state(agree, n, data.majority))
        agree = int((scores >= data.agree_from).sum())
        parts.append(
            data.say(
                "claim_statement_agree",
                statement=statement,
                share=data.share(agree, len(scores)),
                mean=data.number(scores.mean()),
            )
        )
    if missing:
        parts.append(data.say("claim_no_statement_has_role", role=", ".join(missing)))
    return combine(states), "; ".join(parts)


def check_important_and_lowest(claim, data: _Data):
    statements = statements_with_role(data.codebook, claim["statement_role"])
    if not statements:
        return UNCHECKABLE, data.say("claim_no_statement_role", role=claim["statement_role"])
    statement = statements[0]
    important = [
        g for r in claim["important_for"] for g in stakeholders_with_role(data.codebook, r) if g in data.groups
    ]
    lowest = [g for r in claim["lowest_for"] for g in stakeholders_with_role(data.codebook, r) if g in data.groups]
    if not important or not lowest:
        return UNCHECKABLE, data.say("claim_no_groups")
    important, lowest = list(dict.fromkeys(important)), list(dict.fromkeys(lowest))
    factor = data.codebook.statements().set_index("statement_id").loc[statement, "factor_id"]
    scored = data.likert.dropna(subset=["score"]).assign(score=lambda f: f["score"].astype(float))
    # Everyone the words cover weighs: pooled over the groups, one respondent one vote.
    covered = scored.loc[(scored["statement_id"] == statement) & scored["stakeholder"].isin(important)]
    weighted_agree, weighted_n = data.count(covered["respondent_id"], covered["score"] >= data.agree_from)
    states = [share_state(weighted_agree, weighted_n, data.majority)]
    agree = int((covered["score"] >= data.agree_from).sum())
    parts = [
        data.say(
            "claim_rate_at_least",
            groups=" + ".join(data.labels[g] for g in important),
            share=data.share(agree, len(covered)),
            agree_from=data.agree_from,
        )
    ]
    means = covered.groupby("stakeholder", observed=True)["score"].agg(["mean", "size"])
    contrary = [g for g in important if g in means.index and means.loc[g, "mean"] < data.agree_from]
    for group in contrary:
        n = int(means.loc[group, "size"])
        parts.append(
            data.say(
                "claim_contrary",
                group=data.labels[group],
                score=data.score(means.loc[group, "mean"]),
                mean_of=data.say("claim_mean_of", n=n) if n > 1 else "",
            )
        )
    for group in lowest:
        answers = scored.loc[(scored["factor_id"] == factor) & (scored["stakeholder"] == group)]
        own = answers.groupby("statement_id")["score"].mean()
        if statement not in own.index:  # the group left it blank: this part cannot hold, and the text says why
            states.append(NO_ANSWER)
            parts.append(data.say("claim_group_no_answer", group=data.labels[group]))
            continue
        n_group = answers.loc[answers["statement_id"] == statement, "respondent_id"].nunique()
        is_lowest = own[statement] <= own.min()
        states.append(HOLDS if is_lowest else FAILS)
        rank = int(own.rank(method="min")[statement])
        parts.append(
            data.say(
                "claim_rank_lowest",
                group=data.labels[group],
                score=data.score(own[statement]),
                mean_of=data.say("claim_mean_of", n=n_group) if n_group > 1 else "",
                rank=rank,
                n=len(own),
                factor=data.factor_names[factor],
            )
        )
    return combine(states), "; ".join(parts)


# --- choices ------------------------------------------------------------------------------
def check_all_chose(claim, data: _Data):
    parts, states = [], []
    for role in claim["option_roles"]:
        options = options_with_role(data.codebook, role)
        if not options:
            return UNCHECKABLE, data.say("claim_no_option_role", role=role)
        agree, n = data.share_choosing(options)
        # "All respondents": the part holds only if every one chose it; a majority holds it partly.
        states.append(HOLDS if agree >= n else HOLDS_PARTLY if agree / n > data.majority else FAILS)
        where = ", ".join(f"{q} {letter}" for q, letter in options)
        parts.append(data.say("claim_options_chosen", options=where, share=data.share(agree, n)))
    return combine(states), "; ".join(parts)


def check_proposed(claim, data: _Data):
    questions = questions_with_role(data.codebook, claim["question_role"])
    if not questions:
        return UNCHECKABLE, data.say("claim_no_question_role", role=claim["question_role"])
    question = questions[0]
    listed = options_with_role(data.codebook, claim["option_role"], question)
    others = [(question["id"], str(o["letter"])) for o in question["options"] if o.get("other")]
    if not listed and not others:
        return UNCHECKABLE, data.say("claim_nowhere_to_propose")
    picked = set(data.chose(listed)) if listed else set()
    texts = data.choices.loc[(data.choices["question_id"] == question["id"]), ["respondent_id", "free_text"]].dropna()
    pattern = "|".join(claim["keywords"]).casefold()
    mentions = texts.loc[texts["free_text"].str.casefold().str.contains(pattern, regex=True)]
    proposing = picked | set(mentions["respondent_id"])
    n = len(data.respondents)
    parts = [data.say("claim_proposed", k=len(proposing), n=n)]
    if listed:
        parts.append(
            data.say("claim_picked", k=len(picked), options=", ".join(f"{q} {letter}" for q, letter in listed))
        )
    if others:
        examples = "; ".join(sorted(set(mentions["free_text"]))[:3])
        parts.append(
            data.say("claim_named_under_other", k=mentions["respondent_id"].nunique())
            + (f" ({examples})" if examples else "")
        )
    return (SUPPORTED if proposing else NOT), ", ".join(parts)


def check_group_choices(claim, data: _Data):
    parts, states, expected = [], [], 0
    for expectation in claim["expect"]:
        options = options_with_role(data.codebook, expectation["option_role"])
        if not options:
            return UNCHECKABLE, data.say("claim_no_option_role", role=expectation["option_role"])
        for role in expectation["stakeholder_roles"]:
            expected += 1
            groups = [g for g in stakeholders_with_role(data.codebook, role) if g in data.groups]
            if not groups:
                parts.append(
                    data.say("claim_group_absent", group=data.words["claim_roles"].get(role, role.replace("_", " ")))
                )
                continue
            agree, n = data.share_choosing(options, groups)
            states.append(share_state(agree, n, data.majority))
            approach = expectation["approach"]
            parts.append(
                data.say(
                    "claim_groups_chose",
                    groups=" + ".join(data.labels[g] for g in groups),
                    share=data.share(agree, n),
                    options="/".join(letter for _, letter in options),
                    approach=data.words.get("approach_" + approach.replace("-", "_"), approach),
                )
            )
    if not states:
        return UNCHECKABLE, "; ".join(parts)
    data.partly_checkable = len(states) < expected
    return combine(states), "; ".join(parts)


CHECKS = {
    "factor_order": check_factor_order,
    "choice_order": check_choice_order,
    "statements_agreed": check_statements_agreed,
    "important_and_lowest": check_important_and_lowest,
    "all_chose": check_all_chose,
    "proposed": check_proposed,
    "group_choices": check_group_choices,
}


def replication_table(
    checked: pd.DataFrame, dataset: str, root: Path | None = None, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """The findings table of `dataset` with the paper's own verdict beside each (empty on the paper's data),
    that verdict in the words of `lang`."""
    reference = None if dataset == reference_dataset() else reference_verdicts(root, lang)
    return with_paper_verdicts(checked, reference, lang)
