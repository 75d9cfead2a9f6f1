"""The summary at the top of the report (who answered, the factor order and the neighbours in it the data
cannot tell apart, the findings, the scales, the reproduction status) and the factor priorities in words."""

from __future__ import annotations

import pandas as pd

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE
from helpers.i18n import say, ui
from helpers.analysis import stats
from helpers.publish.report.findings import VERDICT_KEYS
from helpers.publish.report.numbers import _number


def priority_summary(
    ranking: pd.DataFrame, per_group: pd.DataFrame, groups: pd.DataFrame, lang: str = DEFAULT_LANGUAGE
) -> list[str]:
    """Sentences stating the factor priorities, every number taken from the tables."""

    def num(value: float) -> str:
        return i18n.number(value, lang)

    ranked = ranking.dropna(subset=["mean"])  # a factor nobody answered has no place in the order
    overall = ", ".join(f"{row.rank}. {row.factor_short} ({num(row.mean)})" for row in ranked.itertuples())
    sentences = [say(lang, "priorities_overall", n=len(groups), ranking=overall)]
    first = ranking.iloc[0]
    sentences.append(
        say(lang, "priorities_first", factor=first.factor_short, k=first.groups_ranking_first, n=len(groups))
    )
    labels = groups.set_index("stakeholder")["label"]
    joiner = f" {ui(lang)['and']} "
    for stakeholder, block in per_group.groupby("stakeholder", sort=False):
        answered = block.dropna(subset=["mean"])
        if len(answered):
            top = answered.loc[answered["rank"] == answered["rank"].min()]
            bottom = answered.loc[answered["mean"] == answered["mean"].min()]
            sentences.append(
                say(
                    lang,
                    "priorities_group",
                    group=labels[stakeholder],
                    top=joiner.join(top["factor_short"]),
                    top_mean=num(top["mean"].iloc[0]),
                    bottom=joiner.join(bottom["factor_short"]),
                    bottom_mean=num(bottom["mean"].iloc[0]),
                )
            )
        unanswered = block.loc[block["mean"].isna(), "factor_short"]
        if len(unanswered):
            sentences.append(
                say(lang, "priorities_group_missing", group=labels[stakeholder], factors=joiner.join(unanswered))
            )
    return sentences


def withheld_line(withheld: pd.DataFrame, codebook, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The summary's line on the stakeholder types withheld from the report (disclosure.withheld_types): those
    below the disclosure threshold, and those withheld with another report's small groups; '' when none are."""
    if withheld.empty:
        return ""
    short = dict(zip(codebook.stakeholders(lang)["code"], codebook.stakeholders(lang)["short"]))
    line = words["summary_withheld"].format(
        types=", ".join(short[code] for code in withheld["stakeholder"]),
        n=int(withheld["n"].sum()),
        threshold=codebook.disclosure_threshold,
    )
    # A type this large is withheld for another report's sake (disclosure.withheld_pattern): say so.
    large = withheld.loc[withheld["n"] >= codebook.disclosure_threshold, "stakeholder"]
    if len(large):
        line += " " + words["summary_withheld_complement"].format(types=", ".join(short[code] for code in large))
    return line


def summary_lines(
    groups: pd.DataFrame,
    weighting: pd.DataFrame,
    claims: pd.DataFrame,
    reproduction: dict,
    reliability: pd.DataFrame,
    words: dict,
    differences: pd.DataFrame | None = None,
    lang: str = DEFAULT_LANGUAGE,
    groups_with_score: dict[str, int] | None = None,
    design: str = "",
    withheld: str = "",
) -> list[str]:
    """At most ten lines: who answered, the factor order (and which neighbours in it the data cannot tell
    apart), how many findings hold, scales, reproduction status. `groups_with_score`: per factor, how many groups
    have a score for it; a factor averaged over fewer groups than the others says so in the order itself."""
    sizes = ", ".join(f"{g.short} {g.n}" for g in groups.itertuples())
    lines = [words["summary_respondents"].format(n=int(groups["n"].sum()), groups=sizes)]
    if withheld:  # who is not in any number below, and why
        lines.append(withheld)
    if design:  # how they were selected, and so what the numbers below may stand for
        lines.append(design)
    if not (groups["n"] > 1).any():
        lines.append(words["summary_one_each"])
    order = weighting.astype(
        {"mean_groups": float, "mean_respondents": float, "rank_groups": int, "rank_respondents": int}
    )
    n_groups = len(groups)

    def over(factor_id: str) -> str:  # "; 5 of 6 groups" when some group left the whole factor blank
        k = (groups_with_score or {}).get(factor_id, n_groups)
        return "; " + words["summary_fewer_groups"].format(k=k, n=n_groups) if k < n_groups else ""

    lines.append(
        words["summary_order"].format(
            order=", ".join(
                f"{r.rank_groups}. {r.factor_short} ({_number(r.mean_groups, lang)}{over(r.factor_id)})"
                for r in order.itertuples()
            )
        )
    )
    unsure = indistinguishable_neighbours(order, differences, words, lang)
    if unsure:
        lines.append(words["summary_indistinguishable"].format(pairs="; ".join(unsure)))
    unknown = neighbours_without_interval(order, differences, words, lang)
    if unknown:
        lines.append(words["summary_no_interval"].format(pairs="; ".join(unknown)))
    if (order["rank_groups"] != order["rank_respondents"]).any():
        by_respondents = order.sort_values(["rank_respondents", "factor_id"], kind="stable")
        lines.append(
            words["summary_order_respondents"].format(
                order=", ".join(
                    f"{r.rank_respondents}. {r.factor_short} ({_number(r.mean_respondents, lang)})"
                    for r in by_respondents.itertuples()
                )
            )
        )
    verdicts = claims["verdict"].value_counts()
    counts = ", ".join(
        words["verdict_count"].format(n=verdicts[v], verdict=words[key])
        for v, key in VERDICT_KEYS.items()
        if v in verdicts
    )
    partly_checkable = int((claims["checkable"] != "").sum()) if "checkable" in claims else 0
    if partly_checkable:
        counts += "; " + words["summary_partly_checkable"].format(n=partly_checkable)
    lines.append(words["summary_claims"].format(counts=counts, total=len(claims)))
    lines.append(words["summary_scales"].format(status=scale_status(reliability, words, lang)))
    lines.append(words["summary_reproduction"].format(status=reproduction["text"]))
    return lines[:10]


def scale_status(reliability: pd.DataFrame, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """Whether the factors form scales, for the summary: from the factors whose alpha was computed, and naming
    those whose alpha was not (too few complete respondents, or one statement), so a check of some factors
    never reads as a check of all."""
    computed = reliability.loc[reliability["alpha"] != ""]
    if computed.empty:
        return words["scale_not_checked"]
    alphas = computed["alpha"].astype(float)
    low = computed.loc[alphas < stats.LOW_ALPHA, "factor"].tolist()
    unchecked = reliability.loc[reliability["alpha"] == "", "factor"].tolist()
    if low:
        status = words["scale_some_low"].format(factors=", ".join(low))
    else:
        fine = "scale_checked_fine" if unchecked else "scale_all_fine"
        status = words[fine].format(low=_number(alphas.min(), lang), high=_number(alphas.max(), lang))
    if unchecked:
        status += "; " + words["scale_not_checked_for"].format(factors=", ".join(unchecked))
    return status


def _neighbour_differences(order: pd.DataFrame, differences: pd.DataFrame | None) -> list[tuple[str, str, pd.Series]]:
    """(factor above, factor below, its row of factor_differences.csv) for each two factors next to each other in
    the order; none when no difference has a CI (one respondent per group: differences of individuals)."""
    if differences is None or differences.empty or (differences["ci_low"] == "").all():
        return []
    table = differences.set_index(["factor_a", "factor_b"])
    ranked = order.sort_values(["rank_groups", "factor_id"], kind="stable")["factor_id"].tolist()
    return [(above, below, table.loc[(above, below)]) for above, below in zip(ranked, ranked[1:])]


def _has_interval(row: pd.Series) -> bool:
    """Whether a factor_differences.csv row has its CI: empty where some resample left a stakeholder type with no
    answer to one of the two factors (a respondent who left a whole factor blank, in a small group)."""
    return row["ci_low"] != "" and row["ci_high"] != ""


def neighbours_without_interval(
    order: pd.DataFrame, differences: pd.DataFrame | None, words: dict | None = None, lang: str = DEFAULT_LANGUAGE
) -> list[str]:
    """'A and B (difference 0.08)' for each two neighbours in the order whose difference has no CI while others
    have one: the data neither tell them apart nor fail to; the report says the CI is not available."""
    names = dict(zip(order["factor_id"], order["factor_short"]))
    return [
        (words or ui(lang))["pair_no_interval"].format(
            a=names[above], b=names[below], difference=_number(row["difference"], lang)
        )
        for above, below, row in _neighbour_differences(order, differences)
        if not _has_interval(row)
    ]


def indistinguishable_neighbours(
    order: pd.DataFrame, differences: pd.DataFrame | None, words: dict | None = None, lang: str = DEFAULT_LANGUAGE
) -> list[str]:
    """'A and B (difference 0.08, 95 % CI -0.02 to 0.18)' for each two factors next to each other in the order
    whose difference's CI includes 0; none without CIs (one respondent per group). A pair whose CI is not
    available is not among them (neighbours_without_interval)."""
    names = dict(zip(order["factor_id"], order["factor_short"]))
    pairs = []
    for above, below, row in _neighbour_differences(order, differences):
        if not _has_interval(row):
            continue
        low, high = float(row["ci_low"]), float(row["ci_high"])
        if low <= 0 <= high:
            pairs.append(
                (words or ui(lang))["pair_indistinguishable"].format(
                    a=names[above],
                    b=names[below],
                    difference=_number(row["difference"], lang),
                    low=_number(low, lang),
                    high=_number(high, lang),
                )
            )
    return pairs
