"""Intervals that hold for small groups: t intervals for means, exact (Clopper-Pearson) ones for shares, and
Krippendorff's alpha with the respondents resampled (or left out one at a time) beside the statements."""

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import stats
from helpers.codebook import Codebook


def test_t_interval_equals_scipys():
    from scipy import stats as scipy_stats

    values = np.array([3, 4, 4, 5, 2, 4])
    expected = scipy_stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=scipy_stats.sem(values))
    assert stats.t_mean_ci(values) == pytest.approx(expected)
    assert np.isnan(stats.t_mean_ci(np.array([4.0]))).all()
    # Cut to the scale: five 5s and a 3 have a t interval reaching above 5, which no mean of 1-5 answers can.
    near_top = np.array([5, 5, 5, 5, 5, 3])
    assert stats.t_mean_ci(near_top)[1] > 5 and stats.t_mean_ci(near_top, (1, 5))[1] == 5


@pytest.mark.parametrize(
    "k, n, low, high",
    # Clopper and Pearson (1934); the values as R's binom.test(k, n)$conf.int prints them.
    [(0, 10, 0.0, 0.3084971), (5, 10, 0.1870860, 0.8129140), (6, 6, 0.5407419, 1.0), (1, 1, 0.025, 1.0)],
)
def test_exact_interval_is_clopper_pearson(k, n, low, high):
    assert stats.exact_interval(k, n) == pytest.approx((low, high), abs=1e-6)


class Book(Codebook):
    def factors(self, lang="en"):
        return pd.DataFrame({"factor_id": ["f"], "factor_short": ["F"]})

    def statements(self, lang="en"):
        return pd.DataFrame({"statement_id": ["s1"], "factor_id": ["f"], "statement": ["S1"]})

    def stakeholders(self, lang="en"):
        return pd.DataFrame({"code": ["few", "many"]})

    @property
    def scale_values(self):
        return [1, 2, 3, 4, 5]


def _likert(sizes: dict[str, int], seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        {"respondent_id": f"{g}{i}", "stakeholder": g, "factor_id": "f", "statement_id": "s1"}
        for g, n in sizes.items()
        for i in range(n)
    ]
    frame = pd.DataFrame(rows)
    return frame.assign(score=rng.integers(1, 6, size=len(frame)).astype(float), missing_reason=None)


def test_groups_below_the_threshold_get_t_and_exact_intervals_and_are_marked():
    likert = _likert({"few": 6, "many": 40})
    table = stats.group_mean_intervals(likert, Book("t", {})).set_index(["level", "stakeholder"])
    few, many = table.loc[("factor", "few")], table.loc[("factor", "many")]
    scores = likert.loc[likert["stakeholder"] == "few", "score"].to_numpy()
    assert (few["ci_low"], few["ci_high"]) == pytest.approx(stats.t_mean_ci(scores, (1, 5)))
    agree = int((scores >= 4).sum())
    assert (few["agree_low"], few["agree_high"]) == pytest.approx(stats.exact_interval(agree, 6))
    assert few["small"] and few["interval"] == "t/exact"
    assert not many["small"] and many["interval"] == "bootstrap/wilson"
    # The codebook sets its own threshold: with 5, six respondents are no longer a small group.
    table = stats.group_mean_intervals(likert, Book("t", {"analysis": {"small_group": 5}}))
    assert not table.loc[table["stakeholder"] == "few", "small"].any()


def test_the_percentile_bootstrap_is_narrower_than_t_for_a_small_group():
    scores = np.array([4, 5, 5, 4, 3, 5], dtype=float)
    boot_low, boot_high = stats.bootstrap_mean_ci(scores)
    t_low, t_high = stats.t_mean_ci(scores)
    assert t_high - t_low > boot_high - boot_low  # why small groups get the t interval


def _ratings(seed=5, n=12, units=8):
    rng = np.random.default_rng(seed)
    base = rng.integers(1, 6, size=units)
    data = np.clip(base[None, :] + rng.integers(-1, 2, size=(n, units)), 1, 5).astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    return data


def test_coincidences_from_counts_give_the_krippendorff_packages_alpha():
    import krippendorff

    data = _ratings()
    values = [1, 2, 3, 4, 5]
    counts = np.stack([(data == v).sum(axis=0) for v in values], axis=1).astype(float)
    alpha = stats.ordinal_alpha(stats.coincidences_from_counts(counts))
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=values)
    assert alpha == pytest.approx(expected)


def test_leave_one_out_range_spans_the_alphas_without_each_respondent():
    import krippendorff

    data = _ratings(n=5)
    values = [1, 2, 3, 4, 5]
    alphas = [
        krippendorff.alpha(
            reliability_data=np.delete(data, i, axis=0), level_of_measurement="ordinal", value_domain=values
        )
        for i in range(len(data))
    ]
    assert stats.leave_one_out_range(data, values) == pytest.approx((min(alphas), max(alphas)))


def test_the_respondents_bootstrap_is_seeded_and_brackets_the_estimate():
    import krippendorff

    data = _ratings(n=40, units=10)
    values = [1, 2, 3, 4, 5]
    low, high = stats.raters_bootstrap_ci(data, values, n_resamples=400)
    assert (low, high) == stats.raters_bootstrap_ci(data, values, n_resamples=400)
    alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=values)
    assert low < alpha < high
    assert np.isnan(stats.raters_bootstrap_ci(data[:2], values)).all()


def test_ordinal_agreement_says_how_it_resampled_the_respondents():
    small = _likert({"few": 6, "many": 8})
    small = pd.concat([small, small.assign(statement_id="s2", score=np.clip(small["score"] + 1, 1, 5))])
    result = stats.ordinal_agreement(small, Book("t", {}))
    assert result["respondents_method"] == "leave-one-out range"
    assert result["respondents_low"] <= result["alpha"] <= result["respondents_high"]
