"""The paper's findings re-checked on a dataset: each claim (from paper_claims.yaml) gets a verdict and its numbers.

Verdicts: "supported", "partly supported", "not supported", or "cannot be
checked here" when the dataset lacks what the claim is about (a stakeholder
type, a statement, a question). With one respondent per group, shares are 0 %
or 100 %; with many, a group "chose" an option when at least half of it did.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE, Codebook
from helpers.analysis.tables import factor_ranking

CLAIMS_FILE = Path(__file__).with_name("paper_claims.yaml")
SUPPORTED, PARTLY, NOT, UNCHECKABLE = "supported", "partly supported", "not supported", "cannot be checked here"
MAJORITY = 0.5


def paper_claims() -> list[dict]:
    return yaml.safe_load(CLAIMS_FILE.read_text(encoding="utf-8"))["claims"]


def check_claims(likert: pd.DataFrame, choices: pd.DataFrame, respondents: pd.DataFrame, codebook: Codebook,
                 claims: list[dict] | None = None, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """One row per claim: finding, id, quote, where, evidence, verdict, numbers (the numbers in words of `lang`)."""
    data = _Data(likert, choices, respondents, codebook, lang)
    rows = []
    for claim in claims or paper_claims():
        verdict, numbers = CHECKS[claim["check"]](claim, data)
        rows.append({"finding": claim["finding"], "id": claim["id"], "quote": claim["quote"], "where": claim["where"],
                     "evidence": claim["evidence"], "verdict": verdict, "numbers": numbers})
    table = pd.DataFrame(rows)
    table.attrs["orders"] = data.orders
    return table


def disagreements(table: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Where two checks of the same finding order the same factors differently, said in words of `lang`."""
    names = dict(zip(codebook.factors(lang)["factor_id"], codebook.factors(lang)["factor_short"]))
    orders = table.attrs.get("orders", {})
    translated = i18n.finding_texts(lang)
    notes = []
    for finding, block in table.groupby("finding", sort=False):
        measured = [((translated.get(row.id) or {}).get("evidence", row.evidence), orders[row.id])
                    for row in block.itertuples() if row.id in orders]
        for i, (first_label, first) in enumerate(measured):
            for second_label, second in measured[i + 1:]:
                common = [f for f in first if f in second]
                flipped = [(a, b) for j, a in enumerate(common) for b in common[j + 1:]
                           if (first[a] - first[b]) * (second[a] - second[b]) < 0]
                for a, b in flipped:
                    above, below = (a, b) if first[a] > first[b] else (b, a)
                    notes.append(i18n.say(lang, "claim_disagreement", finding=finding, first=first_label.split(":")[0],
                                          above=names[above], below=names[below], second=second_label.split(":")[0]))
    return notes


class _Data:
    def __init__(self, likert, choices, respondents, codebook: Codebook, lang: str = DEFAULT_LANGUAGE):
        self.likert, self.choices, self.respondents, self.codebook = likert, choices, respondents, codebook
        self.lang = lang
        self.groups = set(respondents["stakeholder"])
        self.labels = dict(zip(codebook.stakeholders()["code"], codebook.stakeholders(lang)["short"]))
        self.factor_names = dict(zip(codebook.factors()["factor_id"], codebook.factors(lang)["factor_short"]))
        self.statements = set(codebook.statements()["statement_id"])
        self.questions = {q["id"]: q for q in codebook.raw["questions"]}
        self.orders: dict[str, dict[str, float]] = {}  # claim id -> the factor values an order check compared

    def say(self, key: str, **values) -> str:
        """The sentence `key` of ui_text.yaml in the report's language."""
        return i18n.say(self.lang, key, **values)

    def num(self, value: float) -> str:
        return i18n.number(value, self.lang)

    def pct(self, share: float) -> str:
        return i18n.percent(share, self.lang) if share == share else "–"

    def share_choosing(self, question: str, options: list[str], group: str | None = None) -> tuple[float, int]:
        people = self.respondents if group is None else self.respondents.loc[self.respondents["stakeholder"] == group]
        chose = self.choices.loc[(self.choices["question_id"] == question) & self.choices["option"].isin(options),
                                 "respondent_id"].unique()
        n = len(people)
        return (people["respondent_id"].isin(chose).sum() / n if n else float("nan")), n


def _tiers_hold(values: dict[str, float], order: list[list[str]]) -> tuple[bool, bool]:
    """(every earlier tier >= every later tier, the top and bottom tiers hold the extremes)."""
    present = [[f for f in tier if f in values] for tier in order]
    present = [tier for tier in present if tier]
    strict = all(min(values[f] for f in a) >= max(values[f] for f in b)
                 for i, a in enumerate(present) for b in present[i + 1:])
    top, bottom = max(values.values()), min(values.values())
    ends = (any(values[f] == top for f in present[0]) and any(values[f] == bottom for f in present[-1]))
    return strict, ends


def _order_verdict(values: dict[str, float], order, missing: list[str], fmt,
                   lang: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
    strict, ends = _tiers_hold(values, order)
    ranked = sorted(values, key=lambda f: -values[f])
    numbers = ", ".join(fmt(f) for f in ranked)
    if missing:
        numbers += "; " + i18n.say(lang, "claim_no_measure", names=", ".join(missing))
    verdict = SUPPORTED if strict and not missing else PARTLY if (strict or ends) else NOT
    return verdict, numbers


def check_factor_order(claim, data: _Data):
    ranking = factor_ranking(data.likert, data.codebook)
    means = dict(zip(ranking["factor_id"], ranking["mean"]))
    wanted = [f for tier in claim["order"] for f in tier]
    if not set(wanted) <= set(means):
        return UNCHECKABLE, data.say("claim_no_scores", ids=", ".join(sorted(set(wanted) - set(means))))
    values = {f: means[f] for f in wanted}
    data.orders[claim["id"]] = values
    return _order_verdict(values, claim["order"], [], lambda f: f"{data.factor_names[f]} {data.num(values[f])}", data.lang)


def check_choice_order(claim, data: _Data):
    question = data.questions.get(claim["question"])
    if question is None:
        return UNCHECKABLE, data.say("claim_no_question", id=claim["question"])
    by_factor = {}
    for option in question["options"]:
        if option.get("factor"):
            by_factor.setdefault(option["factor"], []).append(str(option["letter"]))
    wanted = [f for tier in claim["order"] for f in tier]
    counts = {}
    for factor in wanted:
        if factor in by_factor:
            share, n = data.share_choosing(claim["question"], by_factor[factor])
            counts[factor] = share * n
    missing = [data.factor_names.get(f, f) for f in wanted if f not in counts]
    if len(counts) < 2:
        return UNCHECKABLE, data.say("claim_too_few_factors")
    n = len(data.respondents)
    data.orders[claim["id"]] = counts
    return _order_verdict(counts, claim["order"], missing,
                          lambda f: data.say("claim_chosen_by", name=data.factor_names[f], k=f"{counts[f]:.0f}", n=n), data.lang)


def check_statements_agreed(claim, data: _Data):
    missing = [s for s in claim["statements"] if s not in data.statements]
    if missing:
        return UNCHECKABLE, data.say("claim_no_statement", id=", ".join(missing))
    parts, shares = [], []
    for statement in claim["statements"]:
        scores = data.likert.loc[data.likert["statement_id"] == statement, "score"].dropna()
        share = (scores >= claim["agree_from"]).mean() if len(scores) else float("nan")
        shares.append(share)
        parts.append(data.say("claim_agree", statement=statement, share=data.pct(share), n=len(scores),
                              mean=data.num(scores.mean())))
    verdict = SUPPORTED if all(s == 1 for s in shares) else PARTLY if all(s >= MAJORITY for s in shares) else NOT
    return verdict, "; ".join(parts)


def check_important_and_lowest(claim, data: _Data):
    statement = claim["statement"]
    if statement not in data.statements:
        return UNCHECKABLE, data.say("claim_no_statement", id=statement)
    groups = [g for g in claim["important_for"] + claim["lowest_for"] if g in data.groups]
    if not any(g in data.groups for g in claim["important_for"]) or not any(g in data.groups for g in claim["lowest_for"]):
        return UNCHECKABLE, data.say("claim_no_groups")
    factor = data.codebook.statements().set_index("statement_id").loc[statement, "factor_id"]
    means = (data.likert.loc[(data.likert["factor_id"] == factor) & data.likert["stakeholder"].isin(groups)]
             .groupby(["stakeholder", "statement_id"])["score"].mean())
    parts, important, lowest = [], [], []
    for group in claim["important_for"]:
        if group in data.groups:
            value = means[(group, statement)]
            important.append(value >= claim["agree_from"])
            parts.append(data.say("claim_rates", group=data.labels[group], score=data.num(value)))
    for group in claim["lowest_for"]:
        if group in data.groups:
            own = means.loc[group]
            lowest.append(own[statement] <= own.min())
            rank = int(own.rank(method="min")[statement])
            parts.append(data.say("claim_rank_from_bottom", group=data.labels[group], score=data.num(own[statement]),
                                  rank=rank, n=len(own), factor=data.factor_names[factor]))
    holds = [all(important), all(lowest)]
    verdict = SUPPORTED if all(holds) else PARTLY if any(holds) else NOT
    return verdict, "; ".join(parts)


def check_all_chose(claim, data: _Data):
    parts, shares = [], []
    for question, option in claim["options"]:
        if question not in data.questions:
            return UNCHECKABLE, data.say("claim_no_question", id=question)
        share, n = data.share_choosing(question, [option])
        shares.append(share)
        parts.append(data.say("claim_option_chosen", question=question, option=option, share=data.pct(share), n=n))
    verdict = SUPPORTED if all(s == 1 for s in shares) else PARTLY if any(s >= MAJORITY for s in shares) else NOT
    return verdict, "; ".join(parts)


def check_other_mentions(claim, data: _Data):
    question = data.questions.get(claim["question"])
    if question is None or not any(o.get("other") for o in question["options"]):
        return UNCHECKABLE, data.say("claim_no_other")
    texts = data.choices.loc[(data.choices["question_id"] == claim["question"]), "free_text"].dropna()
    pattern = "|".join(claim["keywords"])
    mentions = texts.str.casefold().str.contains(pattern.casefold(), regex=True)
    n = int(mentions.sum())
    examples = "; ".join(sorted(set(texts[mentions]))[:3])
    numbers = data.say("claim_proposed", k=n, n=len(data.respondents)) + (f" ({examples})" if n else "")
    return (SUPPORTED if n else NOT), numbers


def check_group_choices(claim, data: _Data):
    if claim["question"] not in data.questions:
        return UNCHECKABLE, data.say("claim_no_question", id=claim["question"])
    parts, holds, checked = [], [], 0
    for expectation in claim["expect"]:
        for group in expectation["groups"]:
            if group not in data.groups:
                parts.append(data.say("claim_group_absent", group=data.labels.get(group, group)))
                continue
            checked += 1
            share, n = data.share_choosing(claim["question"], expectation["options"], group)
            holds.append(share >= MAJORITY)
            parts.append(data.say("claim_group_chose", group=data.labels[group], share=data.pct(share), n=n,
                                  options="/".join(expectation["options"]),
                                  approach=i18n.ui(data.lang).get(f"approach_{expectation['approach'].replace('-', '_')}",
                                                                  expectation["approach"])))
    if not checked:
        return UNCHECKABLE, "; ".join(parts)
    verdict = SUPPORTED if all(holds) and checked == sum(len(e["groups"]) for e in claim["expect"]) else \
        PARTLY if any(holds) else NOT
    return verdict, "; ".join(parts)


CHECKS = {"factor_order": check_factor_order, "choice_order": check_choice_order,
          "statements_agreed": check_statements_agreed, "important_and_lowest": check_important_and_lowest,
          "all_chose": check_all_chose, "other_mentions": check_other_mentions, "group_choices": check_group_choices}
