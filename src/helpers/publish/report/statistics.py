"""The statistics in words: agreement (Kendall's W, Krippendorff's alpha), the scale checks (Cronbach's
alpha, the weakest statement, the factor structure) and the group differences (Kruskal-Wallis, Dunn's pairs)."""

from __future__ import annotations

import pandas as pd

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE
from helpers.analysis import stats
from helpers.publish.report.numbers import _int, _number, p_method_text, p_text


def _differences_note(groups: pd.DataFrame, words: dict) -> str:
    sizes = ", ".join(f"{g.short} {g.n}" for g in groups.itertuples())
    return words["differences_too_few"].format(min_group=stats.MIN_GROUP_SIZE_FOR_TESTS, sizes=sizes)


def agreement_sentences(agreement: pd.DataFrame, words: dict, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Kendall's W and Krippendorff's alpha in words, every number from agreement.csv."""
    sentences = []
    for row in agreement.to_dict("records"):
        kendall = "W" in row and row["measure"].startswith("Kendall")
        measure = words["kendall_w" if kendall else "krippendorff_alpha"]
        if row.get("note"):
            # the note from stats, in the report's words: what the measure needs, with the counts of the data
            note = (
                words["kendall_needs"].format(k=_int(row["n_factors"]), m=_int(row["n_respondents"]))
                if kendall
                else words["krippendorff_needs"]
            )
            sentences.append(words["not_computed"].format(measure=measure, note=note))
        elif row["measure"].startswith("Kendall"):
            approximate = row["p_method"].startswith("chi-square")
            sentences.append(
                words["kendall_chi2" if approximate else "kendall"].format(
                    W=_number(row["W"], lang, 3),
                    m=_int(row["n_respondents"]),
                    k=_int(row["n_factors"]),
                    p=p_text(row["p"], lang),
                    method=p_method_text(row["p_method"], words, lang),
                    p_chi2=p_text(row["p_chi2"], lang),
                    chi2=_number(row["chi2"], lang),
                    df=_int(row["df"]),
                )
            )
        else:
            sentence = words["krippendorff"].format(
                alpha=_number(row["alpha"], lang, 3),
                low=_number(row["ci_low"], lang),
                high=_number(row["ci_high"], lang),
                m=_int(row["n_respondents"]),
                k=_int(row["n_statements"]),
            )
            method = row.get("respondents_method", "")
            if method:  # what alpha measures here, and how much it depends on who answered
                key = "respondents_method_bootstrap" if method == "bootstrap" else "respondents_method_leave_one_out"
                sentence += words["krippendorff_respondents"].format(
                    low=_number(row["respondents_low"], lang),
                    high=_number(row["respondents_high"], lang),
                    method=words[key],
                )
            sentences.append(sentence)
    return sentences


def scale_sentences(
    reliability: pd.DataFrame,
    items: pd.DataFrame,
    structure: pd.DataFrame,
    n_structure: int | None,
    words: dict,
    lang: str = DEFAULT_LANGUAGE,
    model: dict | None = None,
) -> list[str]:
    """Cronbach's alpha per factor with its verdict in words, the weakest statement of each, and the factor structure."""
    sentences = []
    for row in reliability.to_dict("records"):
        if row["alpha"] == "":
            note = (
                words["scale_one_statement"]
                if _int(row["n_statements"]) < 2
                else words["scale_too_few"].format(n=_int(row["n_complete"]), min_alpha=stats.MIN_RESPONDENTS_FOR_ALPHA)
            )
            sentences.append(words["scale_not_computed"].format(factor=row["factor"], note=note))
            continue
        sentences.append(
            words["scale_alpha"].format(
                factor=row["factor"],
                alpha=_number(row["alpha"], lang),
                low=_number(row["ci_low"], lang),
                high=_number(row["ci_high"], lang),
                n=_int(row["n_complete"]),
                verdict=scale_verdict_text(float(row["alpha"]), words, lang),
            )
        )
        own = items.loc[items["factor_id"] == row["factor_id"]] if len(items) else items
        if len(own):
            weakest = own.loc[own["item_total_r"].astype(float).idxmin()]
            sentences.append(
                words["scale_items"].format(
                    factor=row["factor"],
                    statement=f"{weakest['statement_id']} “{weakest['statement']}”",
                    r=_number(weakest["item_total_r"], lang),
                    alpha_without=_number(weakest["alpha_if_deleted"], lang),
                )
            )
    if len(structure):
        misfits = structure.loc[structure["fits_codebook"] != "True"]
        k = len([c for c in structure.columns if c.startswith("F") and c[1:].isdigit()])
        if misfits.empty:
            sentences.append(words["scale_structure_fits"].format(n=n_structure, k=k))
        else:
            sentences.append(
                words["scale_structure_misfit"].format(
                    n=n_structure,
                    k=k,
                    count=len(misfits),
                    statements=", ".join(f"{r.statement_id} ({r.factor_id})" for r in misfits.itertuples()),
                )
            )
    return sentences + model_sentences(model or {}, words, lang)


def model_sentences(model: dict, words: dict, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The factor count, the confirmatory model's fit and omega beside alpha, from factor_count.csv, cfa_fit.csv
    and omega.csv (step 03); one sentence where they could not be computed."""
    sentences = []
    counted, fit, omega = (model.get(name) for name in ("factor_count", "cfa_fit", "omega"))
    if counted is not None and len(counted) and counted.iloc[0]["parallel_count"] != "":
        row = counted.iloc[0]
        sentences.append(
            words["scale_count"].format(
                n=_int(row["n_used"]),
                parallel=_int(row["parallel_count"]),
                kaiser=_int(row["kaiser_count"]),
                codebook=_int(row["codebook_count"]),
            )
        )
    if fit is not None and len(fit) and fit.iloc[0]["CFI"] != "":
        row = fit.iloc[0]
        sentences.append(
            words["scale_cfa"].format(
                n=_int(row["n"]),
                cfi=_number(row["CFI"], lang, 3),
                tli=_number(row["TLI"], lang, 3),
                rmsea=_number(row["RMSEA"], lang, 3),
                low=_number(row["RMSEA_low"], lang, 3),
                high=_number(row["RMSEA_high"], lang, 3),
                srmr=_number(row["SRMR"], lang, 3),
            )
        )
    elif counted is not None:
        from helpers.analysis.structure import MIN_RESPONDENTS_FOR_MODEL

        sentences.append(words["scale_model_not_fitted"].format(min=MIN_RESPONDENTS_FOR_MODEL))
    if omega is not None and len(omega):
        computed = omega.loc[omega["omega"] != ""]
        if len(computed):
            values = "; ".join(
                words["scale_omega_value"].format(
                    factor=r.factor, omega=_number(r.omega, lang), alpha=_number(r.alpha, lang)
                )
                for r in computed.itertuples()
            )
            sentences.append(words["scale_omega"].format(values=values))
    return sentences


def difference_sentences(
    differences: pd.DataFrame,
    pairs: pd.DataFrame,
    group_means: pd.DataFrame,
    labels: dict[str, str],
    words: dict,
    note: str,
    lang: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """Kruskal-Wallis per factor with epsilon-squared and its p Holm-corrected across the factors (one family of
    tests), the statements that differ after Holm / BH, and Dunn's pairs behind a gate: a factor's pairs are
    examined only where its Kruskal-Wallis test holds after that correction (Holm p < 0.05), so a pair is never
    called different where the test across all types is not."""
    if differences.empty:
        return [words["kruskal_none"].format(note=note)]
    sentences = []
    factors = differences.loc[differences["level"] == "factor"]
    means = group_means.loc[group_means["level"] == "factor"].set_index(["id", "stakeholder"])["mean"].astype(float)
    for row in factors.to_dict("records"):
        if row["H"] == "":
            continue
        sentences.append(
            words["kruskal_factor"].format(
                factor=row["label"],
                H=_number(row["H"], lang),
                p=p_text(row["p"], lang),
                p_holm=p_text(row["p_holm"], lang),
                epsilon2=_number(row["epsilon2"], lang, 3),
                groups=_int(row["n_groups"]),
                n=_int(row["n"]),
            )
        )
        if not float(row["p_holm"]) < 0.05:
            sentences.append(words["dunn_gated"].format(factor=row["label"]))
            continue
        differ = pairs.loc[
            (pairs["level"] == "factor") & (pairs["id"] == row["id"]) & (pairs["p_holm"].astype(float) < 0.05)
        ]
        if differ.empty:
            sentences.append(words["dunn_none"].format(factor=row["label"]))
            continue
        listed = []
        for pair in differ.itertuples():
            high, low = (
                (pair.group_a, pair.group_b)
                if means[(row["id"], pair.group_a)] >= means[(row["id"], pair.group_b)]
                else (pair.group_b, pair.group_a)
            )
            listed.append(f"{labels[high]} > {labels[low]} ({p_text(pair.p_holm, lang)})")
        sentences.append(words["dunn_pairs"].format(factor=row["label"], pairs="; ".join(listed)))
    statements = differences.loc[(differences["level"] == "statement") & (differences["p"] != "")]
    below = lambda column: int((statements[column].astype(float) < 0.05).sum())  # noqa: E731
    sentences.append(
        words["kruskal_statements"].format(
            holm=below("p_holm"), bh=below("p_bh"), raw=below("p"), total=len(statements)
        )
    )
    return sentences


def scale_verdict_text(alpha: float, words: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """stats.scale_verdict in the report's words: whether a factor's statements form a scale here."""
    if alpha < 0:
        return words["scale_negative"]
    if alpha < stats.LOW_ALPHA:
        return words["scale_low"].format(low=i18n.number(stats.LOW_ALPHA, lang, 1))
    return words["scale_fits"]
