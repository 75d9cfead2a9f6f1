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

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.analysis import stats
from helpers.codebook import Codebook

CLAIMS_FILE = Path(__file__).with_name("paper_claims.yaml")
SUPPORTED, PARTLY, NOT, UNCHECKABLE = "supported", "partly supported", "not supported", "cannot be checked here"
PARTLY_CHECKABLE = "partly checkable"
#: A majority is strictly more than this share.
MAJORITY = 0.5
HOLDS, HOLDS_PARTLY, FAILS = "holds", "holds partly", "fails"


def paper_claims() -> list[dict]:
    return _claims_file()["claims"]


def role_vocabulary() -> dict[str, str]:
    """Role name -> its one-line meaning: the roles a codebook entry may carry."""
    return dict(_claims_file()["roles"])


def reference_dataset() -> str:
    """The dataset the paper's own verdicts are computed on (the paper's data)."""
    return _claims_file()["reference_dataset"]


def _claims_file() -> dict:
    return yaml.safe_load(CLAIMS_FILE.read_text(encoding="utf-8"))


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
    entries = ([(f"stakeholder {s['code']}", s) for s in codebook.raw["stakeholders"]]
               + [(f"question {q['id']}", q) for q in codebook.raw["questions"]]
               + [(f"option {q['id']} {o['letter']}", o) for q in codebook.raw["questions"] for o in q["options"]]
               + [(f"statement {s['id']}", s) for f in codebook.raw["factors"] for s in f["statements"]])
    return [f"{where}: {role}" for where, entry in entries for role in sorted(_roles(entry) - known)]


# --- shares and their state -----------------------------------------------------------------
def share_state(agree: int, n: int) -> str:
    """Whether 'they agree' holds for `agree` of `n`: all, or a majority beyond chance (Wilson);
    partly for a plain majority (strictly more than half); else it fails."""
    if n == 0:
        return FAILS
    low, _ = stats.wilson_interval(agree, n)
    if agree == n or low > MAJORITY:
        return HOLDS
    return HOLDS_PARTLY if agree / n > MAJORITY else FAILS


def combine(states: list[str]) -> str:
    """The verdict from the states of a claim's parts."""
    if states and all(s == HOLDS for s in states):
        return SUPPORTED
    return PARTLY if any(s in (HOLDS, HOLDS_PARTLY) for s in states) else NOT


def _share_text(agree: int, n: int) -> str:
    if n < 2:
        return f"{agree} of {n}"
    low, high = stats.wilson_interval(agree, n)
    return f"{agree} of {n} ({agree / n:.0%}, 95 % CI {low:.0%}–{high:.0%})"


# --- the check of every claim -------------------------------------------------------------
def check_claims(likert: pd.DataFrame, choices: pd.DataFrame, respondents: pd.DataFrame, codebook: Codebook,
                 claims: list[dict] | None = None, factor_differences: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per claim: finding, id, quote, where, evidence, reading, verdict, checkable, numbers.

    `factor_differences` (stats.factor_differences of the same answers) saves recomputing its bootstrap."""
    data = _Data(likert, choices, respondents, codebook)
    data.factor_differences = factor_differences
    rows = []
    for claim in claims or paper_claims():
        data.partly_checkable = False
        verdict, numbers = CHECKS[claim["check"]](claim, data)
        rows.append({"finding": claim["finding"], "id": claim["id"], "quote": claim["quote"], "where": claim["where"],
                     "evidence": claim["evidence"], "reading": data.reading(claim), "verdict": verdict,
                     "checkable": PARTLY_CHECKABLE if data.partly_checkable and verdict != UNCHECKABLE else "",
                     "numbers": numbers})
    table = pd.DataFrame(rows)
    table.attrs["orders"] = data.orders
    return table


def with_paper_verdicts(table: pd.DataFrame, reference: pd.DataFrame | None) -> pd.DataFrame:
    """The findings table with the verdict on the paper's own data beside this dataset's (a replication
    table); `reference` is check_claims on the paper's data, None when this is the paper's data."""
    table = table.copy()
    if reference is None:
        table.insert(table.columns.get_loc("verdict"), "paper_verdict", "")
        return table
    verdicts = reference.set_index("id")
    shown = (verdicts["verdict"] + np.where(verdicts["checkable"] != "", " (" + verdicts["checkable"] + ")", ""))
    table.insert(table.columns.get_loc("verdict"), "paper_verdict", table["id"].map(shown).fillna(""))
    return table


def reference_verdicts(root: Path | None = None) -> pd.DataFrame | None:
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
    return check_claims(clean.likert, clean.choices, clean.respondents, codebook)


def disagreements(table: pd.DataFrame, codebook: Codebook) -> list[str]:
    """Where two checks of the same finding order the same factors differently, said in words."""
    names = dict(zip(codebook.factors()["factor_id"], codebook.factors()["factor_short"]))
    orders = table.attrs.get("orders", {})
    notes = []
    for finding, block in table.groupby("finding", sort=False):
        measured = [(row.evidence, orders[row.id]) for row in block.itertuples() if row.id in orders]
        for i, (first_label, first) in enumerate(measured):
            for second_label, second in measured[i + 1:]:
                common = [f for f in first if f in second]
                flipped = [(a, b) for j, a in enumerate(common) for b in common[j + 1:]
                           if (first[a] - first[b]) * (second[a] - second[b]) < 0]
                for a, b in flipped:
                    above, below = (a, b) if first[a] > first[b] else (b, a)
                    notes.append(f"Finding {finding}: by {first_label.split(':')[0]}, {names[above]} comes before "
                                 f"{names[below]}; by {second_label.split(':')[0]}, the other way round.")
    return notes


class _Data:
    def __init__(self, likert, choices, respondents, codebook: Codebook):
        self.likert, self.choices, self.respondents, self.codebook = likert, choices, respondents, codebook
        self.groups = set(respondents["stakeholder"])
        self.labels = dict(zip(codebook.stakeholders()["code"], codebook.stakeholders()["short"]))
        self.factor_names = dict(zip(codebook.factors()["factor_id"], codebook.factors()["factor_short"]))
        self.statements = set(codebook.statements()["statement_id"])
        self.agree_from = stats.agree_from(codebook)
        self.several = bool((respondents["stakeholder"].value_counts() > 1).any())
        self.orders: dict[str, dict[str, float]] = {}  # claim id -> the factor values an order check compared
        self.partly_checkable = False
        self.factor_differences: pd.DataFrame | None = None

    def group_names(self, roles: list[str]) -> str:
        """The stakeholder types of the data that carry any of `roles`, by name; 'none here' if none."""
        codes = [c for role in roles for c in stakeholders_with_role(self.codebook, role) if c in self.groups]
        return ", ".join(self.labels[c] for c in dict.fromkeys(codes)) or "none here"

    def reading(self, claim: dict) -> str:
        """The claim's reading, its {role} slots filled with the data's stakeholder types of that role."""
        text = claim.get("reading", "")
        return text.format(**{role: self.group_names([role]) for role in role_vocabulary()})

    def chose(self, options: list[tuple[str, str]]) -> pd.Index:
        """The respondents who chose any of the (question, letter) options."""
        picked = pd.MultiIndex.from_frame(self.choices[["question_id", "option"]].astype(str)).isin(options)
        return pd.Index(self.choices.loc[picked, "respondent_id"].unique())

    def share_choosing(self, options: list[tuple[str, str]], groups: list[str] | None = None) -> tuple[int, int]:
        people = self.respondents if groups is None else self.respondents.loc[self.respondents["stakeholder"].isin(groups)]
        return int(people["respondent_id"].isin(self.chose(options)).sum()), len(people)


# --- factor orders --------------------------------------------------------------------------
def _pair_states(order: list[list[str]], values: dict[str, float], intervals: dict | None) -> dict[tuple, str]:
    """Every (earlier-tier factor, later-tier factor) pair: 'holds', 'indistinguishable' or 'reversed'."""
    present = [[f for f in tier if f in values] for tier in order]
    present = [tier for tier in present if tier]
    states = {}
    for i, tier in enumerate(present):
        for later in present[i + 1:]:
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


def _unsure_pairs(order, values, intervals, names, fmt) -> list[str]:
    return [f"{names[a]} and {names[b]} are indistinguishable here (difference {fmt(values[a] - values[b])}, "
            f"95 % CI {fmt(intervals[(a, b)][0])} to {fmt(intervals[(a, b)][1])})"
            for (a, b), state in _pair_states(order, values, intervals).items() if state == "indistinguishable"]


def check_factor_order(claim, data: _Data):
    weighted = stats.factor_means_by_weighting(data.likert, data.codebook)
    by_groups = dict(zip(weighted["factor_id"], weighted["mean_groups"]))
    by_respondents = dict(zip(weighted["factor_id"], weighted["mean_respondents"]))
    wanted = [f for tier in claim["order"] for f in tier]
    if not set(wanted) <= set(by_groups):
        return UNCHECKABLE, f"the data have no scores for {', '.join(sorted(set(wanted) - set(by_groups)))}"
    values = {f: by_groups[f] for f in wanted}
    data.orders[claim["id"]] = values
    differences = (data.factor_differences if data.factor_differences is not None
                   else stats.factor_differences(data.likert, data.codebook))
    intervals = {(r.factor_a, r.factor_b): (r.ci_low, r.ci_high) for r in differences.itertuples()}
    verdict = _order_verdict(claim["order"], values, intervals)
    names = data.factor_names
    parts = [", ".join(f"{names[f]} {values[f]:.2f}" for f in sorted(values, key=lambda f: -values[f]))]
    if data.several:
        parts[0] = "groups weighted equally: " + parts[0]
    parts += _unsure_pairs(claim["order"], values, intervals, names, lambda x: f"{x:.2f}")
    other = {f: by_respondents[f] for f in wanted}
    if sorted(other, key=lambda f: -other[f]) != sorted(values, key=lambda f: -values[f]):
        other_verdict = _order_verdict(claim["order"], other)
        parts.append("respondents weighted equally: " + ", ".join(
            f"{names[f]} {other[f]:.2f}" for f in sorted(other, key=lambda f: -other[f]))
            + (f" (the verdict would be {other_verdict}: it depends on the weighting)" if other_verdict != verdict else ""))
    return verdict, "; ".join(parts)


def check_choice_order(claim, data: _Data):
    questions = questions_with_role(data.codebook, claim["question_role"])
    if not questions:
        return UNCHECKABLE, f"no question of the questionnaire has the role {claim['question_role']}"
    question = questions[0]
    by_factor: dict[str, list[tuple[str, str]]] = {}
    for option in question["options"]:
        if option.get("factor"):
            by_factor.setdefault(option["factor"], []).append((question["id"], str(option["letter"])))
    wanted = [f for tier in claim["order"] for f in tier]
    n = len(data.respondents)
    chosen = {f: data.respondents["respondent_id"].isin(data.chose(by_factor[f])).to_numpy() for f in wanted if f in by_factor}
    if len(chosen) < 2:
        return UNCHECKABLE, "fewer than two factors have an option in this question"
    counts = {f: float(c.sum()) for f, c in chosen.items()}
    missing = [data.factor_names.get(f, f) for f in wanted if f not in chosen]
    data.partly_checkable = bool(missing)
    data.orders[claim["id"]] = counts
    intervals = _choice_intervals(chosen) if data.several else None
    verdict = _order_verdict(claim["order"], counts, intervals)
    parts = [", ".join(f"{data.factor_names[f]} chosen by {counts[f]:.0f} of {n}"
                       for f in sorted(counts, key=lambda f: -counts[f]))]
    if intervals:
        parts += _unsure_pairs(claim["order"], {f: c / n for f, c in counts.items()}, intervals, data.factor_names,
                               lambda x: f"{x:+.0%}")
    if missing:
        parts.append(f"no option names {', '.join(missing)}: the other factors decide")
    return verdict, "; ".join(parts)


def _choice_intervals(chosen: dict[str, np.ndarray], seed: int = stats.SEED,
                      n_resamples: int = stats.BOOTSTRAP_RESAMPLES) -> dict[tuple[str, str], tuple[float, float]]:
    """Bootstrap 95 % CI (respondents resampled, seeded) of the difference in the share choosing two factors."""
    factors = list(chosen)
    matrix = np.column_stack([chosen[f] for f in factors]).astype(float)
    shares = stats.resampled_means(matrix, np.random.default_rng(seed), n_resamples)
    return {(a, b): tuple(np.percentile(shares[:, i] - shares[:, j], [2.5, 97.5]))
            for i, a in enumerate(factors) for j, b in enumerate(factors) if i != j}


# --- agreement with statements ----------------------------------------------------------------
def check_statements_agreed(claim, data: _Data):
    statements = {role: statements_with_role(data.codebook, role) for role in claim["statement_roles"]}
    missing = [role for role, ids in statements.items() if not ids]
    if len(missing) == len(statements):
        return UNCHECKABLE, f"no statement of the questionnaire has the role {', '.join(missing)}"
    data.partly_checkable = bool(missing)
    parts, states = [], []
    for statement in [s for ids in statements.values() for s in ids]:
        scores = data.likert.loc[data.likert["statement_id"] == statement, "score"].dropna().astype(float)
        agree = int((scores >= data.agree_from).sum())
        states.append(share_state(agree, len(scores)))
        parts.append(f"{statement}: {_share_text(agree, len(scores))} agree (mean {scores.mean():.2f})")
    if missing:
        parts.append(f"no statement has the role {', '.join(missing)}")
    return combine(states), "; ".join(parts)


def check_important_and_lowest(claim, data: _Data):
    statements = statements_with_role(data.codebook, claim["statement_role"])
    if not statements:
        return UNCHECKABLE, f"no statement of the questionnaire has the role {claim['statement_role']}"
    statement = statements[0]
    important = [g for r in claim["important_for"] for g in stakeholders_with_role(data.codebook, r) if g in data.groups]
    lowest = [g for r in claim["lowest_for"] for g in stakeholders_with_role(data.codebook, r) if g in data.groups]
    if not important or not lowest:
        return UNCHECKABLE, "the data lack the stakeholder types this claim compares"
    important, lowest = list(dict.fromkeys(important)), list(dict.fromkeys(lowest))
    factor = data.codebook.statements().set_index("statement_id").loc[statement, "factor_id"]
    scored = data.likert.dropna(subset=["score"]).assign(score=lambda f: f["score"].astype(float))
    # Everyone the words cover weighs: pooled over the groups, one respondent one vote.
    covered = scored.loc[(scored["statement_id"] == statement) & scored["stakeholder"].isin(important)]
    agree = int((covered["score"] >= data.agree_from).sum())
    states = [share_state(agree, len(covered))]
    parts = [f"{' + '.join(data.labels[g] for g in important)}: {_share_text(agree, len(covered))} rate it "
             f"{data.agree_from} or more"]
    means = covered.groupby("stakeholder", observed=True)["score"].agg(["mean", "size"])
    contrary = [g for g in important if g in means.index and means.loc[g, "mean"] < data.agree_from]
    for group in contrary:
        n = int(means.loc[group, "size"])
        parts.append(f"contrary: {data.labels[group]} rates it {stats_score(means.loc[group, 'mean'])}"
                     + (f" (mean of {n})" if n > 1 else ""))
    for group in lowest:
        answers = scored.loc[(scored["factor_id"] == factor) & (scored["stakeholder"] == group)]
        own = answers.groupby("statement_id")["score"].mean()
        n_group = answers.loc[answers["statement_id"] == statement, "respondent_id"].nunique()
        is_lowest = own[statement] <= own.min()
        states.append(HOLDS if is_lowest else FAILS)
        rank = int(own.rank(method="min")[statement])
        parts.append(f"{data.labels[group]} rates it {stats_score(own[statement])}"
                     + (f" (mean of {n_group})" if n_group > 1 else "") + f", rank {rank} from the bottom of "
                     f"{len(own)} {data.factor_names[factor]} statements")
    return combine(states), "; ".join(parts)


def stats_score(value: float) -> str:
    """A single answer as '2', a mean as '2.92'."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


# --- choices ------------------------------------------------------------------------------
def check_all_chose(claim, data: _Data):
    parts, states = [], []
    for role in claim["option_roles"]:
        options = options_with_role(data.codebook, role)
        if not options:
            return UNCHECKABLE, f"no option of the questionnaire has the role {role}"
        agree, n = data.share_choosing(options)
        # "All respondents": the part holds only if every one chose it; a majority holds it partly.
        states.append(HOLDS if agree == n else HOLDS_PARTLY if agree / n > MAJORITY else FAILS)
        where = ", ".join(f"{q} {letter}" for q, letter in options)
        parts.append(f"{where}: chosen by {_share_text(agree, n)}")
    return combine(states), "; ".join(parts)


def check_proposed(claim, data: _Data):
    questions = questions_with_role(data.codebook, claim["question_role"])
    if not questions:
        return UNCHECKABLE, f"no question of the questionnaire has the role {claim['question_role']}"
    question = questions[0]
    listed = options_with_role(data.codebook, claim["option_role"], question)
    others = [(question["id"], str(o["letter"])) for o in question["options"] if o.get("other")]
    if not listed and not others:
        return UNCHECKABLE, "the question neither lists the factor nor has an 'Other' option to propose it in"
    picked = set(data.chose(listed)) if listed else set()
    texts = data.choices.loc[(data.choices["question_id"] == question["id"]), ["respondent_id", "free_text"]].dropna()
    pattern = "|".join(claim["keywords"]).casefold()
    mentions = texts.loc[texts["free_text"].str.casefold().str.contains(pattern, regex=True)]
    proposing = picked | set(mentions["respondent_id"])
    n = len(data.respondents)
    parts = [f"{len(proposing)} of {n} respondents propose it"]
    if listed:
        parts.append(f"{len(picked)} chose {', '.join(f'{q} {letter}' for q, letter in listed)}")
    if others:
        examples = "; ".join(sorted(set(mentions["free_text"]))[:3])
        parts.append(f"{mentions['respondent_id'].nunique()} named it under 'Other'" + (f" ({examples})" if examples else ""))
    return (SUPPORTED if proposing else NOT), ", ".join(parts)


def check_group_choices(claim, data: _Data):
    parts, states, expected = [], [], 0
    for expectation in claim["expect"]:
        options = options_with_role(data.codebook, expectation["option_role"])
        if not options:
            return UNCHECKABLE, f"no option of the questionnaire has the role {expectation['option_role']}"
        for role in expectation["stakeholder_roles"]:
            expected += 1
            groups = [g for g in stakeholders_with_role(data.codebook, role) if g in data.groups]
            if not groups:
                parts.append(f"{role.replace('_', ' ')}: not in the data")
                continue
            agree, n = data.share_choosing(options, groups)
            states.append(share_state(agree, n))
            parts.append(f"{' + '.join(data.labels[g] for g in groups)}: {_share_text(agree, n)} chose "
                         f"{'/'.join(letter for _, letter in options)} ({expectation['approach']})")
    if not states:
        return UNCHECKABLE, "; ".join(parts)
    data.partly_checkable = len(states) < expected
    return combine(states), "; ".join(parts)


CHECKS = {"factor_order": check_factor_order, "choice_order": check_choice_order,
          "statements_agreed": check_statements_agreed, "important_and_lowest": check_important_and_lowest,
          "all_chose": check_all_chose, "proposed": check_proposed, "group_choices": check_group_choices}


def replication_table(checked: pd.DataFrame, dataset: str, root: Path | None = None) -> pd.DataFrame:
    """The findings table of `dataset` with the paper's own verdict beside each (empty on the paper's data)."""
    reference = None if dataset == reference_dataset() else reference_verdicts(root)
    return with_paper_verdicts(checked, reference)
