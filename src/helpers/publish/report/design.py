"""The survey's design, its missing answers and the stability of the verdicts, in the report's words and tables:
read back from design.csv, weighted_means.csv, cluster_effects.csv, missingness.csv, min_items_excluded.csv,
no_opinion_sensitivity.csv and verdict_stability.csv (step 03), never recomputed here."""

from __future__ import annotations

import pandas as pd

from helpers import i18n
from helpers.analysis import design as survey_design
from helpers.analysis import missingness
from helpers.analysis.stability import READINGS
from helpers.codebook import DEFAULT_LANGUAGE, label
from helpers.publish.report.numbers import _number

#: The tables of step 03 this module reads.
DESIGN_TABLES = (
    "design",
    "weighted_means",
    "cluster_effects",
    "missingness",
    "min_items_excluded",
    "no_opinion_sensitivity",
    "verdict_stability",
)


def _facts(design_table: pd.DataFrame) -> dict[str, str]:
    return dict(zip(design_table["measure"], design_table["value"]))


def _count(value: str) -> int:
    return int(float(value))


def rule_text(codebook, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The minimum-items rule in words: 'half' -> '50 %' of the statements, or 'k statements'."""
    setting = missingness.min_items_setting(codebook)
    if setting <= 1:
        return words["min_items_share"].format(share=i18n.percent(setting, lang))
    return words["min_items_count"].format(k=int(setting))


def design_paragraphs(tables: dict, codebook, words: dict, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """'Data and methods': how the respondents were selected, the outcome counts and rates, the weights, the
    clustering, each from step 03's tables."""
    facts = _facts(tables["design"])
    selection = facts.get("selection", "not stated")
    block = codebook.raw.get("design") or {}
    about = label(block.get("description"), lang) if block.get("description") else ""
    waves = f" ({words['design_waves'].format(waves=facts['waves'])})" if "waves" in facts else ""
    first = words[f"design_selection_{selection.replace(' ', '_')}"].format(waves=waves)
    lines = [first + (f" {about}" if about else "")]
    # An export without dates (no timestamp read, no date field) says so, rather than "between ? and ?".
    dated = "fieldwork_start" in facts and "fieldwork_end" in facts
    counts = words["design_counts" if dated else "design_counts_undated"].format(
        n=_count(facts["respondents"]),
        completes=_count(facts["completes"]),
        partials=_count(facts["partials"]),
        breakoffs=_count(facts["breakoffs"]),
        start=facts.get("fieldwork_start"),
        end=facts.get("fieldwork_end"),
    )
    if "RR1" in facts:
        counts += " " + words["design_rates"].format(
            invited=_count(facts["invited"]),
            rr1=i18n.percent(float(facts["RR1"]), lang, 1),
            rr2=i18n.percent(float(facts["RR2"]), lang, 1),
        )
    else:
        counts += " " + words["design_no_invited"]
    lines.append(counts)
    lines.append(weights_sentence(tables, codebook, words, lang))
    lines.append(clusters_sentence(tables, words, lang))
    return [line for line in lines if line]


def weights_sentence(tables: dict, codebook, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    facts = _facts(tables["design"])
    weighting = facts.get("weighting", "none")
    if not facts.get("population_estimates") == "yes":
        return words["design_weights_not_for_population"]
    if weighting.startswith("failed"):
        return words["design_weights_failed"].format(reason=weighting.removeprefix("failed: "))
    if weighting.startswith("none: one pilot body"):
        return words["design_weights_one_body"]
    if weighting == "none: types withheld":
        return words["design_weights_withheld"]
    if weighting == "none":
        return words["design_weights_none"]
    means = tables["weighted_means"]
    overall = means.loc[means["stakeholder"] == "all"]
    deff = float(overall["deff_weights"].iloc[0]) if len(overall) else float("nan")
    n_effective = float(overall["n_effective"].iloc[0]) if len(overall) else float("nan")
    frame = (codebook.raw.get("design") or {}).get("frame") or {}
    variables = ", ".join(words.get(f"frame_{v}", v) for v in frame)
    return words[f"design_weights_{weighting.replace('-', '_')}"].format(
        variables=variables,
        column=(codebook.raw.get("design") or {}).get("weight_column", ""),
        deff=_number(deff, lang),
        n_effective=_number(n_effective, lang, 0),
        n=_count(facts["respondents"]),
    )


def clusters_sentence(tables: dict, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    clusters = tables["cluster_effects"]
    computed = clusters.loc[clusters["icc"] != ""] if len(clusters) else clusters
    if not len(computed):
        return words["design_clusters_none"].format(min=survey_design.MIN_CLUSTERS_FOR_ICC)
    icc = computed["icc"].astype(float)
    k = int(float(computed["n_clusters"].iloc[0]))
    text = words["design_clusters"].format(
        k=k,
        low=_number(icc.min(), lang, 3),
        high=_number(icc.max(), lang, 3),
        deff=_number(computed["deff_cluster"].astype(float).max(), lang),
    )
    if k < survey_design.MIN_CLUSTERS:
        return text + " " + words["design_clusters_few"].format(min=survey_design.MIN_CLUSTERS)
    return text + " " + words["design_clusters_used"].format(k=k)


def design_limitations(tables: dict, codebook, words: dict, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """'Limitations' the design sets: a sample that supports no population estimate, non-response."""
    facts = _facts(tables["design"])
    selection = facts.get("selection", "not stated")
    lines = []
    if facts.get("population_estimates") != "yes":
        lines.append(
            words["limit_no_population"].format(
                selection=words.get(f"selection_{selection.replace(' ', '_')}", selection),
                n=_count(facts["respondents"]),
            )
        )
    elif "RR1" in facts and float(facts["RR1"]) < 1:
        frame = (codebook.raw.get("design") or {}).get("frame") or {}
        lines.append(
            words["limit_nonresponse"].format(
                rr1=i18n.percent(float(facts["RR1"]), lang, 1),
                variables=", ".join(words.get(f"frame_{v}", v) for v in frame) or words["frame_nothing"],
            )
        )
    return lines


def missing_paragraph(tables: dict, codebook, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The minimum-items rule, how many factor scores it leaves out, and the "no opinion" sensitivity line."""
    excluded = len(tables["min_items_excluded"])
    text = words["methods_min_items"].format(rule=rule_text(codebook, words, lang), n_excluded=excluded)
    sensitivity = tables["no_opinion_sensitivity"].iloc[0] if len(tables["no_opinion_sensitivity"]) else None
    if sensitivity is None or not int(float(sensitivity["recoded"] or 0)):
        return text + " " + words["sensitivity_none"]
    factor_names = dict(zip(codebook.factors(lang)["factor_id"], codebook.factors(lang)["factor_short"]))
    group_names = dict(zip(codebook.stakeholders(lang)["code"], codebook.stakeholders(lang)["short"]))
    values = sorted(codebook.scale_values)
    return (
        text
        + " "
        + words["sensitivity_line"].format(
            n=int(float(sensitivity["recoded"])),
            middle=i18n.number((values[0] + values[-1]) / 2, lang, 0 if (values[0] + values[-1]) % 2 == 0 else 1),
            change=_number(float(sensitivity["max_change"]), lang),
            factor=factor_names.get(sensitivity["factor_id"], sensitivity["factor_id"]),
            group=group_names.get(sensitivity["stakeholder"], sensitivity["stakeholder"]),
            order=words[
                "sensitivity_order_changed" if sensitivity["order_changed"] == "True" else "sensitivity_order_same"
            ],
        )
    )


def missingness_wide(missing: pd.DataFrame, codebook, words: dict, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Statement (grouped by factor) x stakeholder type (and all): 'missing of n (share)'."""
    names = dict(zip(codebook.stakeholders(lang)["code"], codebook.stakeholders(lang)["short"]))
    names["all"] = words["all_respondents"]
    statements = codebook.statements(lang)
    factor_names = dict(zip(codebook.factors(lang)["factor_id"], codebook.factors(lang)["factor_short"]))
    cells = missing.assign(
        cell=[
            f"{int(r.no_opinion) + int(r.blank)} / {r.n} ({i18n.percent(float(r.share_missing), lang)})"
            for r in missing.itertuples()
        ]
    )
    wide = cells.pivot(index="statement_id", columns="stakeholder", values="cell")
    groups = list(dict.fromkeys(missing["stakeholder"]))
    rows = []
    for s in statements.itertuples():
        if s.statement_id in wide.index:
            rows.append(
                {
                    "part": factor_names.get(s.factor_id, s.factor_id),
                    words["statement"]: s.statement_id,
                    **{names.get(g, g): wide.loc[s.statement_id, g] for g in groups},
                }
            )
    return pd.DataFrame(rows)


def weighted_table(tables: dict, codebook, words: dict, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame | None:
    """Per factor, all respondents: n, unweighted mean [CI], weighted mean [CI], Kish deff, effective n, ICC and
    the cluster design effect. None when the design supports no population estimate (nothing to show)."""
    means = tables["weighted_means"]
    overall = means.loc[means["stakeholder"] == "all"]
    if not len(overall):
        return None
    clusters = tables["cluster_effects"].set_index("factor_id") if len(tables["cluster_effects"]) else None
    names = dict(zip(codebook.factors(lang)["factor_id"], codebook.factors(lang)["factor_short"]))
    columns = words["weighted_columns"]

    def interval(mean, low, high) -> str:
        return _number(mean, lang) + (f" [{_number(low, lang)}–{_number(high, lang)}]" if low != "" else "")

    rows = []
    for r in overall.itertuples():
        icc = clusters.loc[r.factor_id, "icc"] if clusters is not None and r.factor_id in clusters.index else ""
        deff_c = clusters.loc[r.factor_id, "deff_cluster"] if icc != "" else ""
        values = [
            names.get(r.factor_id, r.factor_id),
            r.n,
            interval(r.mean, r.ci_low, r.ci_high),
            interval(r.mean_weighted, r.ci_low_weighted, r.ci_high_weighted),
            _number(r.deff_weights, lang),
            _number(r.n_effective, lang, 0),
            _number(icc, lang, 3) if icc != "" else "–",
            _number(deff_c, lang) if deff_c != "" else "–",
        ]
        rows.append(dict(zip(columns, values)))
    return pd.DataFrame(rows)


def stability_table(stability: pd.DataFrame, words: dict) -> pd.DataFrame:
    """Finding x reading: the verdict in words, a changed one marked (words['stability_changed'])."""
    verdict_words = {
        "supported": words["verdict_supported"],
        "partly supported": words["verdict_partly"],
        "not supported": words["verdict_not"],
        "cannot be checked here": words["verdict_uncheckable"],
    }
    readings = [r for r in READINGS if r in set(stability["reading"])]
    checks = stability.drop_duplicates("id")
    per_finding = checks.groupby("finding", sort=False)["id"].transform("size")
    # A finding checked twice (its order in the scores and in the choices) is 1a and 1b, as the claims table's
    # rows come in the same order.
    suffix = checks.groupby("finding", sort=False).cumcount().map(lambda i: "abcdefghij"[i])
    names = dict(zip(checks["id"], checks["finding"] + suffix.where(per_finding > 1, "")))
    rows = []
    for claim_id, part in stability.groupby("id", sort=False):
        by_reading = part.set_index("reading")
        row = {"#": names[claim_id]}
        for reading in readings:
            verdict = verdict_words.get(by_reading.loc[reading, "verdict"], by_reading.loc[reading, "verdict"])
            changed = by_reading.loc[reading, "differs"] == "True"
            row[words["readings"][reading]] = words["stability_changed"].format(verdict=verdict) if changed else verdict
        rows.append(row)
    return pd.DataFrame(rows)


def stability_line(stability: pd.DataFrame, words: dict) -> str:
    """'5 of 7 verdicts hold under every reading; 2 change (findings 2, 3).'"""
    changed = stability.loc[stability["differs"] == "True"].drop_duplicates("id")
    n = stability["id"].nunique()
    if not len(changed):
        return words["stability_all_hold"].format(n=n)
    return words["stability_some_change"].format(
        stable=n - len(changed), n=n, findings=", ".join(dict.fromkeys(changed["finding"]))
    )


def design_summary(tables: dict, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The summary's line on the design: what kind of sample, and whether the numbers stand for a population."""
    facts = _facts(tables["design"])
    selection = facts.get("selection", "not stated")
    name = words.get(f"selection_{selection.replace(' ', '_')}", selection)
    if facts.get("population_estimates") != "yes":
        text = words["summary_design_none"].format(selection=name, n=_count(facts["respondents"]))
    elif facts.get("weighting") in ("raked", "post-stratified", "given") and "RR1" in facts:
        overall = tables["weighted_means"].loc[tables["weighted_means"]["stakeholder"] == "all"]
        text = words["summary_design_weighted"].format(
            selection=name,
            invited=_count(facts["invited"]),
            rr1=i18n.percent(float(facts["RR1"]), lang, 1),
            deff=_number(float(overall["deff_weights"].iloc[0]), lang) if len(overall) else "–",
        )
    else:
        text = words["summary_design_unweighted"].format(selection=name, n=_count(facts["respondents"]))
    return words["summary_design"].format(design=text)


def missing_limitations(
    tables: dict, groups: pd.DataFrame, codebook, words: dict, group_means_table: int | None, lang: str
) -> list[str]:
    """'Limitations' of missing answers and small groups: factor scores the minimum-items rule left out, and the
    groups below the small-group threshold (when any group has several respondents: else every group is one
    person, which a line of its own says)."""
    from helpers.analysis.stats import MIN_GROUP_SIZE_FOR_TESTS, small_group_threshold

    lines = []
    threshold = small_group_threshold(codebook)
    small = groups.loc[(groups["n"] >= MIN_GROUP_SIZE_FOR_TESTS) & (groups["n"] < threshold)]
    if (groups["n"] > 1).any() and len(small) and group_means_table:
        lines.append(
            words["limit_small_n"].format(
                threshold=threshold,
                groups=", ".join(f"{g.short} {g.n}" for g in small.itertuples()),
                table=group_means_table,
            )
        )
    excluded = len(tables["min_items_excluded"])
    if excluded:
        lines.append(words["limit_min_items"].format(n=excluded, rule=rule_text(codebook, words, lang)))
    return lines
