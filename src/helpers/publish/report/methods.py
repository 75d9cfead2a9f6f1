"""'Data and methods' and 'Limitations': how the data were analysed and what they cannot show, each line
computed from the data."""

from __future__ import annotations

import pandas as pd

from helpers import i18n
from helpers.codebook import DEFAULT_LANGUAGE
from helpers.analysis import stats
from helpers.publish.report.numbers import _int, p_method_text


def _complete_respondents(likert: pd.DataFrame) -> int:
    """How many respondents answered every statement."""
    answered = likert.assign(ok=likert["score"] != "").groupby("respondent_id")["ok"].all()
    return int(answered.sum())


def _fewest_pairwise(likert: pd.DataFrame) -> int:
    """The fewest respondents answering both statements of a pair: what the factor structure rests on."""
    from helpers.analysis.polychoric import pairwise_n

    wide = likert.assign(score=pd.to_numeric(likert["score"], errors="coerce")).pivot(
        index="respondent_id", columns="statement_id", values="score"
    )
    return int(pairwise_n(wide).to_numpy().min()) if wide.shape[1] else 0


def _answer_counts(likert: pd.DataFrame) -> dict:
    missing = likert["score"] == ""
    reasons = likert.loc[missing, "missing_reason"].value_counts()
    return {
        "n_answers": len(likert),
        "n_missing": int(missing.sum()),
        "n_no_opinion": int(reasons.get("no opinion", 0)),
        "n_blank": int(reasons.get("blank", 0)),
    }


def methods_paragraphs(
    cleaning: dict, groups: pd.DataFrame, codebook, likert: pd.DataFrame, words: dict, lang: str = DEFAULT_LANGUAGE
) -> list[str]:
    """'Data and methods': the data as analysed, the scale, aggregation, uncertainty and tests, and why."""
    values = codebook.scale_values
    data = words["methods_data"].format(
        n_raw=cleaning["n_raw"],
        n_processed=cleaning["n_processed"],
        n_rejected=cleaning["n_rejected"],
        n_groups=len(groups),
        sizes=", ".join(f"{g.short} {g.n}" for g in groups.itertuples()),
        n_statements=len(codebook.statements()),
        n_factors=len(codebook.factors()),
        scale_min=min(values),
        scale_max=max(values),
        **_answer_counts(likert),
    )
    return [
        data,
        words["methods_scale"].format(agree_from=stats.agree_from(codebook)),
        words["methods_aggregation"],
        words["methods_uncertainty"].format(
            resamples=stats.BOOTSTRAP_RESAMPLES, seed=stats.SEED, threshold=stats.small_group_threshold(codebook)
        ),
        words["methods_tests"].format(
            min_alpha=stats.MIN_RESPONDENTS_FOR_ALPHA,
            per_item=stats.RESPONDENTS_PER_ITEM_FOR_STRUCTURE,
            min_structure=stats.MIN_RESPONDENTS_FOR_STRUCTURE,
            min_group=stats.MIN_GROUP_SIZE_FOR_TESTS,
        ),
    ]


def limitation_lines(
    groups: pd.DataFrame,
    cleaning: dict,
    measured: dict,
    likert: pd.DataFrame,
    codebook,
    words: dict,
    lang: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """'Limitations', each from the data: groups of one, small groups, small samples, scales, missing and set-aside rows."""
    lines = []
    if not (groups["n"] > 1).any():
        lines.append(words["limit_one_each"].format(n=len(groups)))
    else:
        small = groups.loc[groups["n"] < stats.MIN_GROUP_SIZE_FOR_TESTS]
        if len(small):
            lines.append(
                words["limit_small_groups"].format(
                    min_group=stats.MIN_GROUP_SIZE_FOR_TESTS,
                    groups=", ".join(f"{g.short} {g.n}" for g in small.itertuples()),
                )
            )
    kendall = measured["agreement"].loc[measured["agreement"]["measure"].str.startswith("Kendall")]
    if len(kendall) and kendall.iloc[0]["p_method"] and not kendall.iloc[0]["p_method"].startswith("chi-square"):
        lines.append(
            words["limit_few"].format(
                n=_int(kendall.iloc[0]["n_respondents"]),
                method=p_method_text(kendall.iloc[0]["p_method"], words, lang, short=True),
            )
        )
    reliability = measured["reliability"]
    not_computed = reliability.loc[
        (reliability["alpha"] == "") & (reliability["n_statements"].astype(int) > 1), "factor"
    ]
    if len(not_computed):
        lines.append(words["limit_no_alpha"].format(factors=", ".join(not_computed)))
    computed = reliability.loc[reliability["alpha"] != ""]
    low = computed.loc[computed["alpha"].astype(float) < stats.LOW_ALPHA, "factor"]
    if len(low):
        lines.append(words["limit_low_alpha"].format(factors=", ".join(low), low=i18n.number(stats.LOW_ALPHA, lang, 1)))
    structure = measured["factor_structure"]
    if (groups["n"] > 1).any():
        if structure.empty:
            n = _fewest_pairwise(likert)
            lines.append(
                words["limit_no_structure"].format(
                    note=words["structure_needs"].format(
                        n=n,
                        per_item=stats.RESPONDENTS_PER_ITEM_FOR_STRUCTURE,
                        min_structure=stats.MIN_RESPONDENTS_FOR_STRUCTURE,
                    )
                )
            )
        elif (structure["fits_codebook"] != "True").any():
            misfits = structure.loc[structure["fits_codebook"] != "True"]
            lines.append(words["limit_structure"].format(n=len(misfits), statements=", ".join(misfits["statement_id"])))
    counts = _answer_counts(likert)
    if counts["n_missing"]:
        lines.append(
            words["limit_missing"].format(
                n_missing=counts["n_missing"],
                n_answers=counts["n_answers"],
                share=i18n.percent(counts["n_missing"] / counts["n_answers"], lang, 1),
            )
        )
    if cleaning["n_rejected"]:
        lines.append(words["limit_rejected"].format(n=cleaning["n_rejected"]))
    unknown = int((~codebook.options()["known"]).sum())
    if unknown:
        lines.append(words["limit_unknown_options"].format(n=unknown))
    return lines or [words["limit_none"]]
