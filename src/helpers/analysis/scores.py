"""The scores every statistic starts from: each respondent's factor scores (the mean of their answers to
its statements), the groups' means of them, the factor order with groups or respondents weighted equally, the
lowest scale point that means agreement; and SEED, where every random draw (bootstrap, permutation) starts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE, Codebook

#: Every random draw (bootstrap, permutation) starts from this seed: same data, same bytes out.
SEED = 20200101


def respondent_factor_scores(likert: pd.DataFrame) -> pd.DataFrame:
    """Long: respondent_id, stakeholder, factor_id, score (the mean of the respondent's answers to its statements).
    Answers marked `in_factor_score` False (missingness.apply_min_items: too few of the factor's statements
    answered) make no factor score."""
    keys = ["respondent_id", "stakeholder", "factor_id"]
    if all(isinstance(likert[k].dtype, pd.CategoricalDtype) for k in keys):
        return _means_by_codes(likert, keys)
    if "in_factor_score" in likert:
        likert = likert.loc[likert["in_factor_score"].astype(bool)]
    answered = likert.dropna(subset=["score"]).assign(score=lambda f: f["score"].astype(float))
    return answered.groupby(keys, sort=False)["score"].mean().reset_index()


def _means_by_codes(likert: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """respondent_factor_scores where the keys are categories (as read_processed reads them): what
    `groupby(keys, sort=False)["score"].mean()` gives (groups in the order of their first row; none for a row
    with a key or the score missing), from the category codes as one integer per row, numbered in order of
    appearance (pd.factorize) and summed with bincount. The group-by of three categories over the answers of
    a census took seconds, and a run asks for these scores dozens of times."""
    score = likert["score"].to_numpy(dtype=float, na_value=np.nan)
    keep = ~np.isnan(score)
    if "in_factor_score" in likert:
        keep &= likert["in_factor_score"].to_numpy(dtype=bool)
    sizes = [len(likert[k].cat.categories) for k in keys]
    key = np.zeros(int(keep.sum()), dtype=np.int64)
    for column, size in zip(keys, sizes):
        codes = likert[column].cat.codes.to_numpy()[keep].astype(np.int64)
        key = np.where((codes < 0) | (key < 0), -1, key * size + codes)  # a missing key: in no group
    chosen = key >= 0
    groups, combined = pd.factorize(key[chosen])
    means = np.bincount(groups, weights=score[keep][chosen]) / np.bincount(groups)
    frame = {}
    for column, size in zip(reversed(keys), reversed(sizes)):
        combined, codes = np.divmod(combined, size)
        frame[column] = pd.Categorical.from_codes(codes, dtype=likert[column].dtype)
    return pd.DataFrame({k: frame[k] for k in keys} | {"score": means})


def group_factor_scores(likert: pd.DataFrame) -> pd.DataFrame:
    """Long: stakeholder, factor_id, score, n_respondents. A group's score for a factor is the mean over its
    respondents of their factor scores (respondent_factor_scores): the one definition every table, sentence and
    figure uses, as "Data and methods" states it. Respondents count the same whatever number of the factor's
    statements they answered; a respondent who answered none of them does not count (no row where nobody did).
    """
    return (
        respondent_factor_scores(likert)
        .groupby(["stakeholder", "factor_id"], sort=False, observed=True)["score"]
        .agg(score="mean", n_respondents="count")
        .reset_index()
    )


def agree_from(codebook: Codebook) -> int:
    """The lowest scale value that means agreement: the points above the scale's middle (4 and 5 of 1-5)."""
    values = sorted(codebook.scale_values)
    middle = (values[0] + values[-1]) / 2
    return min(v for v in values if v > middle)


def factor_means_by_weighting(likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Per factor: the mean with groups weighted equally (the mean of group means, as Table 3's order) and
    with respondents weighted equally (the mean of respondents' factor scores), with the rank under each."""
    scores = respondent_factor_scores(likert)
    by_group = group_factor_scores(likert).groupby("factor_id", observed=True)["score"].mean()
    by_respondent = scores.groupby("factor_id")["score"].mean()
    factors = codebook.factors(lang)
    table = factors[["factor_id", "factor_short"]].copy()
    table["mean_groups"] = table["factor_id"].map(by_group)
    table["mean_respondents"] = table["factor_id"].map(by_respondent)
    table = table.dropna(subset=["mean_groups"])
    table["rank_groups"] = table["mean_groups"].rank(ascending=False, method="min").astype(int)
    table["rank_respondents"] = table["mean_respondents"].rank(ascending=False, method="min").astype(int)
    return table.sort_values(["rank_groups", "factor_id"], kind="stable").reset_index(drop=True)
