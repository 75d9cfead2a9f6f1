"""Our own Cronbach's alpha and p-value corrections give pingouin's values to the last bit.

stats.py computes them itself so that the statistics step need not import pingouin (over a second);
pingouin stays the reference here.
"""

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import stats


@pytest.mark.parametrize("seed", range(6))
def test_cronbach_alpha_and_interval_equal_pingouins(seed):
    import pingouin

    rng = np.random.default_rng(seed)
    n, k = rng.integers(5, 60), rng.integers(2, 8)
    common = rng.integers(1, 6, size=(n, 1))
    wide = pd.DataFrame(np.clip(common + rng.integers(-2, 3, size=(n, k)), 1, 5).astype(float))
    alpha, ci = stats.cronbach_alpha(wide)
    theirs, their_ci = pingouin.cronbach_alpha(data=wide)
    assert alpha == theirs
    assert ci.tolist() == their_ci.tolist()


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_adjusted_p_values_equal_pingouins_with_ties_and_gaps(method):
    import pingouin

    rng = np.random.default_rng(1)
    p = rng.uniform(0, 0.2, size=40).round(3)  # rounding makes ties
    p[[3, 17]] = np.nan
    ours = stats.adjust_p(pd.Series(p), method).to_numpy()
    theirs = pingouin.multicomp(p, method=method)[1]
    assert np.array_equal(ours, theirs, equal_nan=True)
    assert np.isnan(ours[[3, 17]]).all() and (ours[~np.isnan(p)] >= p[~np.isnan(p)]).all()


def test_adjust_p_refuses_an_unknown_method():
    with pytest.raises(ValueError, match="bonferroni"):
        stats.adjust_p(pd.Series([0.01, 0.02]), "bonferroni")
