"""The check of each kind of finding (paper_claims.yaml's `check:`), and the rule that turns the states of a
finding's parts into its verdict.

A finding is split into parts, each of which *holds*, *holds partly* or *fails*:

- a share (a group choosing an option, respondents rating a statement above the scale's middle) holds when every
  respondent it covers agrees or the 95 % Wilson interval of the share lies above one half (a clear majority);
  it holds partly for a plain majority (strictly more than half, the interval reaching one half); else it fails;
- a rank (the company's lowest-rated statement) holds or fails;
- a factor order holds pair by pair (with several respondents per group, only where the bootstrap CI of the
  difference excludes 0).

The verdict (`combine`, said in the report as `claim_rule`): *supported* when every part holds; *not supported*
when a part the finding cannot do without (its contrast, e.g. the company ranking turnover lowest) fails, or when
fewer than half of the parts hold at least partly; *partly supported* otherwise. A part the data cannot measure
(a group that left the statement blank) does not hold, and makes the finding partly checkable. A factor order is partly
supported when no pair is reversed or its first and last tiers are at the ends.

Every check names what it is about by role (helpers.analysis.roles), never by an id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis import design, stats
from helpers.analysis.roles import (
    factor_of_role,
    options_with_role,
    questions_with_role,
    stakeholders_with_role,
    statements_with_role,
)

SUPPORTED, PARTLY, NOT, UNCHECKABLE = "supported", "partly supported", "not supported", "cannot be checked here"
#: A majority is strictly more than this share.
MAJORITY = 0.5
HOLDS, HOLDS_PARTLY, FAILS = "holds", "holds partly", "fails"
NO_ANSWER = (
    "no answer"  # a part of a claim the data cannot test: it does not hold, the claim is at most partly supported
)
HELD = (HOLDS, HOLDS_PARTLY)


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


def combine(states: list[str], essential: list[str] = ()) -> str:
    """The verdict from the states of a finding's parts (module docstring): `essential` are the states of the
    parts it cannot do without."""
    every = [*states, *essential]
    if every and all(s == HOLDS for s in every):
        return SUPPORTED
    if FAILS in essential:  # an essential part that could not be measured (NO_ANSWER) only keeps it from holding
        return NOT
    held = sum(s in HELD for s in every)
    return PARTLY if every and 2 * held >= len(every) else NOT


def factor_tiers(claim: dict, codebook) -> tuple[list[list[str]], list[str]]:
    """The claim's order of factor roles as tiers of the codebook's factor ids, and the roles no factor has."""
    tiers, missing = [], []
    for tier in claim["order"]:
        ids = []
        for role in tier:
            factor = factor_of_role(codebook, role)
            (ids.append(factor) if factor else missing.append(role))
        tiers.append(ids)
    return tiers, missing


def _signed_percent(share: float, lang: str) -> str:
    """+5%, -5%: a difference of shares with its sign."""
    from helpers import i18n

    return ("+" if share >= 0 else "") + i18n.percent(share, lang)


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


def check_factor_order(claim, data):
    order, unnamed = factor_tiers(claim, data.codebook)
    if unnamed:
        return UNCHECKABLE, data.say("claim_no_factor_role", role=", ".join(unnamed))
    if data.rules.factor_order != "groups":
        wanted = [f for tier in order for f in tier]
        weights = data.rules.weights if data.rules.factor_order == "population" else None
        wide = stats.respondent_factor_scores(data.likert).pivot(
            index="respondent_id", columns="factor_id", values="score"
        )
        values, intervals = design.factor_means_and_differences(wide[[f for f in wanted if f in wide]], weights)
        if not set(wanted) <= set(values):
            return UNCHECKABLE, data.say("claim_no_scores", ids=", ".join(sorted(set(wanted) - set(values))))
        return _order_verdict(order, values, intervals if data.several else None), ""
    weighted = stats.factor_means_by_weighting(data.likert, data.codebook)
    by_groups = dict(zip(weighted["factor_id"], weighted["mean_groups"]))
    by_respondents = dict(zip(weighted["factor_id"], weighted["mean_respondents"]))
    wanted = [f for tier in order for f in tier]
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
    verdict = _order_verdict(order, values, intervals)
    names = data.factor_names
    parts = [", ".join(f"{names[f]} {data.number(values[f])}" for f in sorted(values, key=lambda f: -values[f]))]
    if data.several:
        parts[0] = data.say("claim_groups_weighted", values=parts[0])
    parts += _unsure_pairs(order, values, intervals, names, data.number, data.words)
    other = {f: by_respondents[f] for f in wanted}
    if sorted(other, key=lambda f: -other[f]) != sorted(values, key=lambda f: -values[f]):
        other_verdict = _order_verdict(order, other)
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


def check_choice_order(claim, data):
    order, unnamed = factor_tiers(claim, data.codebook)
    questions = questions_with_role(data.codebook, claim["question_role"])
    if not questions:
        return UNCHECKABLE, data.say("claim_no_question_role", role=claim["question_role"])
    question = questions[0]
    by_factor: dict[str, list[tuple[str, str]]] = {}
    for option in question["options"]:
        if option.get("factor"):
            by_factor.setdefault(option["factor"], []).append((question["id"], str(option["letter"])))
    wanted = [f for tier in order for f in tier]
    n = len(data.respondents)
    chosen = {
        f: data.respondents["respondent_id"].isin(data.chose(by_factor[f])).to_numpy() for f in wanted if f in by_factor
    }
    if len(chosen) < 2:
        return UNCHECKABLE, data.say("claim_too_few_factors")
    counts = {f: float(c.sum()) for f, c in chosen.items()}
    missing = [data.factor_names.get(f, f) for f in wanted if f not in chosen] + unnamed
    data.partly_checkable = bool(missing)
    data.orders[claim["id"]] = counts
    intervals = _choice_intervals(chosen) if data.several else None
    verdict = _order_verdict(order, counts, intervals)
    parts = [
        ", ".join(
            data.say("claim_chosen_by", name=data.factor_names[f], k=f"{counts[f]:.0f}", n=n)
            for f in sorted(counts, key=lambda f: -counts[f])
        )
    ]
    if intervals:
        parts += _unsure_pairs(
            order,
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
def _statement_part(statement: str, data) -> tuple[str, str]:
    """(state, text) of 'the respondents rate `statement` above the scale's middle': every respondent who
    answered it, or a clear majority, holds; a plain majority holds partly."""
    answered = data.likert.loc[(data.likert["statement_id"] == statement) & data.likert["score"].notna()]
    scores = answered["score"].astype(float)
    agree, n = data.count(answered["respondent_id"], scores >= data.agree_from)
    text = data.say(
        "claim_statement_agree",
        statement=statement,
        share=data.share(int((scores >= data.agree_from).sum()), len(scores)),
        mean=data.number(scores.mean()) if len(scores) else "–",
    )
    return share_state(agree, n, data.majority), text


def check_statements_agreed(claim, data):
    statements = {role: statements_with_role(data.codebook, role) for role in claim["statement_roles"]}
    missing = [role for role, ids in statements.items() if not ids]
    if len(missing) == len(statements):
        return UNCHECKABLE, data.say("claim_no_statement_role", role=", ".join(missing))
    data.partly_checkable = bool(missing)
    parts, states = [], []
    for statement in [s for ids in statements.values() for s in ids]:
        state, text = _statement_part(statement, data)
        states.append(state)
        parts.append(text)
    if missing:
        parts.append(data.say("claim_no_statement_has_role", role=", ".join(missing)))
    return combine(states), "; ".join(parts)


def _rank_in_factor(answers: pd.DataFrame, statement: str) -> tuple[float, int, int] | None:
    """(the statement's mean, its rank from the bottom (ties share the lowest), how many statements) among the
    means of `answers` (one factor's answers of some respondents); None when nobody answered the statement."""
    own = answers.groupby("statement_id", observed=True)["score"].mean()
    if statement not in own.index:
        return None
    return float(own[statement]), int(own.rank(method="min")[statement]), len(own)


def check_important_and_lowest(claim, data):
    """Finding 3 as a contrast of three parts: the civil servants rate the statement important (above the
    scale's middle: a share); the company rates it lowest of its factor (essential: without it there is no
    contrast); the civil servants, taken together, do not rate it lowest of that factor."""
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
    names = " + ".join(data.labels[g] for g in important)
    parts = [
        data.say("claim_rate_at_least", groups=names, share=data.share(agree, len(covered)), agree_from=data.agree_from)
    ]
    # "Contrary" as the reading defines "important": a group no majority of which rates it above the middle.
    for group in important:
        answers = covered.loc[covered["stakeholder"] == group, "score"]
        k = int((answers >= data.agree_from).sum())
        if len(answers) == 1 and k == 0:  # one respondent: their answer is the group's
            parts.append(
                data.say("claim_contrary", group=data.labels[group], score=data.score(answers.iloc[0]), mean_of="")
            )
        elif len(answers) > 1 and share_state(k, len(answers), data.majority) == FAILS:
            parts.append(
                data.say(
                    "claim_contrary_share",
                    group=data.labels[group],
                    share=data.share(k, len(answers)),
                    agree_from=data.agree_from,
                    score=data.score(answers.mean()),
                )
            )
    essential = []
    in_factor = scored.loc[scored["factor_id"] == factor]
    for group in lowest:
        answers = in_factor.loc[in_factor["stakeholder"] == group]
        ranked = _rank_in_factor(answers, statement)
        if ranked is None:  # the group left it blank: this part cannot hold, and the text says why
            essential.append(NO_ANSWER)
            data.partly_checkable = True
            parts.append(data.say("claim_group_no_answer", group=data.labels[group]))
            continue
        mean, rank, n_statements = ranked
        n_group = answers.loc[answers["statement_id"] == statement, "respondent_id"].nunique()
        essential.append(HOLDS if rank == 1 else FAILS)
        parts.append(
            data.say(
                "claim_rank_lowest",
                group=data.labels[group],
                score=data.score(mean),
                mean_of=data.say("claim_mean_of", n=n_group) if n_group > 1 else "",
                rank=rank,
                n=n_statements,
                factor=data.factor_names[factor],
            )
        )
    # The contrast's other side: the civil servants, each respondent weighing the same, do not put it lowest.
    ranked = _rank_in_factor(in_factor.loc[in_factor["stakeholder"].isin(important)], statement)
    if ranked is not None:
        mean, rank, n_statements = ranked
        states.append(FAILS if rank == 1 else HOLDS)
        parts.append(
            data.say(
                "claim_rank_lowest",
                group=names,
                score=data.score(mean),
                mean_of=data.say("claim_mean_of", n=covered["respondent_id"].nunique()) if len(covered) > 1 else "",
                rank=rank,
                n=n_statements,
                factor=data.factor_names[factor],
            )
        )
    return combine(states, essential), "; ".join(parts)


# --- choices ------------------------------------------------------------------------------
def check_all_chose(claim, data):
    """Finding 4: each part measured by the statement that asks it directly where the codebook has one (its
    `statement_roles`), else by the option naming it (`option_roles`); a part holds when every respondent, or a
    clear majority, agrees with the statement or chose the option; a plain majority holds it partly."""
    parts, states = [], []
    statement_roles = claim.get("statement_roles") or [None] * len(claim["option_roles"])
    for option_role, statement_role in zip(claim["option_roles"], statement_roles):
        statements = statements_with_role(data.codebook, statement_role) if statement_role else []
        if statements:
            state, text = _statement_part(statements[0], data)
            states.append(state)
            parts.append(text)
            continue
        options = options_with_role(data.codebook, option_role)
        if not options:
            return UNCHECKABLE, data.say("claim_no_option_role", role=option_role)
        agree, n = data.share_choosing(options)
        states.append(share_state(agree, n, data.majority))
        where = ", ".join(f"{q} {letter}" for q, letter in options)
        parts.append(data.say("claim_options_chosen", options=where, share=data.share(agree, n)))
    return combine(states), "; ".join(parts)


def check_proposed(claim, data):
    """Finding 5: a proposal is a respondent naming the factor in their own words under 'Other'; ticking a
    printed option that names it is prompted, counted apart and never as a proposal. It holds when the
    respondents who proposed an additional factor under 'Other' name it: all of them or a clear majority
    (supported), a plain majority (partly); fewer, or nobody, fails."""
    questions = questions_with_role(data.codebook, claim["question_role"])
    if not questions:
        return UNCHECKABLE, data.say("claim_no_question_role", role=claim["question_role"])
    question = questions[0]
    listed = options_with_role(data.codebook, claim["option_role"], question)
    others = [(question["id"], str(o["letter"])) for o in question["options"] if o.get("other")]
    if not others:
        return UNCHECKABLE, data.say("claim_nowhere_to_propose")
    texts = data.choices.loc[(data.choices["question_id"] == question["id"]), ["respondent_id", "free_text"]].dropna()
    texts = texts.loc[texts["free_text"].astype(str).str.strip() != ""]
    pattern = "|".join(claim["keywords"]).casefold()
    mentions = texts.loc[texts["free_text"].str.casefold().str.contains(pattern, regex=True)]
    proposing, wrote = mentions["respondent_id"].nunique(), texts["respondent_id"].nunique()
    parts = [data.say("claim_proposed_of_other", share=data.share(proposing, wrote))]
    examples = "; ".join(sorted(set(mentions["free_text"]))[:3])
    if examples:
        parts[0] += f" ({examples})"
    if listed:
        picked = len(set(data.chose(listed)))
        parts.append(data.say("claim_prompted", k=picked, options=", ".join(f"{q} {letter}" for q, letter in listed)))
    return combine([share_state(proposing, wrote, data.majority)]), "; ".join(parts)


def check_group_choices(claim, data):
    """Finding 6: a group's "focus" on an approach is that all of it, or a clear majority (the reading's own
    words), chose an option of that approach, and more of it chose that approach than the other one. A plain
    majority is no focus: the part fails."""
    parts, states, expected = [], [], 0
    approaches = {e["approach"]: options_with_role(data.codebook, e["option_role"]) for e in claim["expect"]}
    for expectation in claim["expect"]:
        options = approaches[expectation["approach"]]
        if not options:
            return UNCHECKABLE, data.say("claim_no_option_role", role=expectation["option_role"])
        other_options = [o for a, found in approaches.items() if a != expectation["approach"] for o in found]
        for role in expectation["stakeholder_roles"]:
            expected += 1
            groups = [g for g in stakeholders_with_role(data.codebook, role) if g in data.groups]
            if not groups:
                parts.append(
                    data.say("claim_group_absent", group=data.words["claim_roles"].get(role, role.replace("_", " ")))
                )
                continue
            agree, n = data.share_choosing(options, groups)
            other, _ = data.share_choosing(other_options, groups)
            focused = share_state(agree, n, data.majority) == HOLDS and agree > other
            states.append(HOLDS if focused else FAILS)
            approach = expectation["approach"]
            other_approach = next((a for a in approaches if a != approach), "")
            parts.append(
                data.say(
                    "claim_groups_chose",
                    groups=" + ".join(data.labels[g] for g in groups),
                    share=data.share(agree, n),
                    options="/".join(letter for _, letter in options),
                    approach=data.words.get("approach_" + approach.replace("-", "_"), approach),
                )
                + data.say(
                    "claim_groups_chose_other",
                    share=data.share(other, n),
                    options="/".join(letter for _, letter in other_options),
                    approach=data.words.get("approach_" + other_approach.replace("-", "_"), other_approach),
                )
            )
    if not states:
        return UNCHECKABLE, "; ".join(parts)
    data.partly_checkable = len(states) < expected
    return combine(states), "; ".join(parts)


# --- agreement between respondents -------------------------------------------------------------
def check_similar_priorities(claim, data):
    """ "The similarity of the answers lies in the prioritisation of factors": Kendall's W of the respondents'
    factor rankings. Essential: W of at least `min_w` (a moderate concordance or stronger); and the concordance
    beyond chance (the report's exact, permutation or chi-square p below `alpha`)."""
    agreement = data.agreement if data.agreement is not None else stats.kendalls_w(data.likert, data.codebook)
    w, p = agreement.get("W"), agreement.get("p")
    if w is None or pd.isna(w):
        return UNCHECKABLE, agreement.get("note") or data.say("claim_no_kendall")
    strong = HOLDS if w >= claim["min_w"] else FAILS
    beyond_chance = HOLDS if p < claim["alpha"] else FAILS
    text = data.say(
        "claim_kendall",
        W=data.number(w, 3),
        m=int(agreement["n_respondents"]),
        k=int(agreement["n_factors"]),
        p=f"p = {data.number(p, 3)}" if p >= 0.001 else f"p < {data.number(0.001, 3)}",
        min_w=data.number(claim["min_w"], 1),
        alpha=data.number(claim["alpha"], 2),
    )
    return combine([beyond_chance], [strong]), text


CHECKS = {
    "factor_order": check_factor_order,
    "choice_order": check_choice_order,
    "statements_agreed": check_statements_agreed,
    "important_and_lowest": check_important_and_lowest,
    "all_chose": check_all_chose,
    "proposed": check_proposed,
    "group_choices": check_group_choices,
    "similar_priorities": check_similar_priorities,
}
