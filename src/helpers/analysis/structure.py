"""The factor structure of the Likert statements: do the codebook's factors show in the answers?

- Polychoric correlations of the statements (ordinal, few categories), pairwise complete, by Olsson's (1979)
  two-step estimator: thresholds from each pair's margins, then the maximum-likelihood rho, the bivariate
  normal probabilities from Owen's T function (scipy.special.owens_t: exact and deterministic, where
  scipy.stats.multivariate_normal.cdf integrates point by point). A pair answered by too few respondents,
  or with a statement answered in one category only, has no correlation and says why.
- How many factors the answers hold: Horn's (1965) parallel analysis, seeded, beside the Kaiser count.
- Exploratory loadings with an oblique rotation (oblimin with gamma = 0, i.e. quartimin, as GPArotation and
  psych call it) and the factor correlations, by statsmodels' iterated principal axes on the polychoric matrix.
  (factor-analyzer, which does the same, fails with the scikit-learn pinned here: its last release, 0.5.1 of
  2024, passes check_array an argument scikit-learn 1.8 removed.)
- A confirmatory model of the codebook's factors (semopy): each statement loads on its own factor, the factors
  correlate; CFI, TLI, RMSEA with its 90 % CI, SRMR, chi2/df/p and the standardised loadings, where n allows.
- McDonald's omega (total) of each factor beside Cronbach's alpha, from a one-factor model of its statements.

Every random draw starts from stats.SEED. Tested against published values in tests/analysis/test_structure.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.analysis.stats import MIN_RESPONDENTS_FOR_ALPHA, SEED, cronbach_alpha
from helpers.codebook import DEFAULT_LANGUAGE, Codebook

#: A polychoric correlation needs at least this many respondents who answered both statements: below it the
#: two-step estimate is mostly noise (and the table mostly empty cells); the pair is left out and says so.
MIN_PAIR_RESPONDENTS = 30
#: The ML estimate of rho is kept inside (-MAX_RHO, MAX_RHO), as polycor's maxcor: a table whose answers line
#: up perfectly has its maximum at |rho| = 1, where the likelihood is flat and the matrix singular.
MAX_RHO = 0.9999
#: Parallel analysis: random data sets drawn, and the percentile of their eigenvalues the data must exceed.
PARALLEL_DRAWS = 500
PARALLEL_PERCENTILE = 95
#: The exploratory and confirmatory models are fitted only with at least this many respondents (MacCallum et
#: al. 1999 and Kline 2016 put a floor of about 100 under any factor model) ...
MIN_RESPONDENTS_FOR_MODEL = 100
#: ... and, for the confirmatory model, at least this many per free parameter (Bentler and Chou 1987: 5:1 at
#: the least; fewer gives unstable estimates and fit indices that mostly reflect chance).
RESPONDENTS_PER_PARAMETER = 5
#: semopy's estimates (and what is computed from them) are rounded to this many decimals: see fit_cfa.
DIGITS = 6
#: Oblique rotation used for the exploratory loadings (statsmodels' name for quartimin).
ROTATION = "oblimin"

PAIR_COLUMNS = ["statement_a", "statement_b", "n", "rho", "note"]


# --- bivariate normal and polychoric correlations ----------------------------------------------------------
def bivariate_normal_cdf(h, k, rho: float) -> np.ndarray:
    """P(X <= h, Y <= k) for a standard bivariate normal with correlation rho (|rho| < 1), elementwise.

    Owen's (1956) formula: 1/2 Phi(h) + 1/2 Phi(k) - T(h, a_h) - T(k, a_k) - beta, a_h = (k - rho h) /
    (h sqrt(1 - rho^2)), a_k likewise, beta = 1/2 when h k < 0 or h k = 0 with h + k < 0 (else 0). h, k may
    be infinite; tested against scipy.stats.multivariate_normal.cdf.
    """
    from scipy.special import ndtr, owens_t

    h, k = np.broadcast_arrays(np.asarray(h, dtype=float), np.asarray(k, dtype=float))
    out = np.empty(h.shape)
    low = np.isneginf(h) | np.isneginf(k)
    out[low] = 0.0
    h_inf, k_inf = np.isposinf(h) & ~low, np.isposinf(k) & ~low
    out[h_inf] = ndtr(k[h_inf])
    out[k_inf & ~h_inf] = ndtr(h[k_inf & ~h_inf])
    finite = ~(low | h_inf | k_inf)
    hf, kf = h[finite], k[finite]
    root = np.sqrt(1.0 - rho * rho)
    with np.errstate(divide="ignore", invalid="ignore"):
        a_h = np.where(hf == 0, np.copysign(np.inf, kf - rho * hf), (kf - rho * hf) / (hf * root))
        a_k = np.where(kf == 0, np.copysign(np.inf, hf - rho * kf), (hf - rho * kf) / (kf * root))
    # T(0, +-inf) is +-1/4; where both h and k are 0, P = 1/4 + arcsin(rho) / (2 pi) (Sheppard).
    both_zero = (hf == 0) & (kf == 0)
    a_h = np.where(both_zero, 0.0, a_h)
    a_k = np.where(both_zero, 0.0, a_k)
    beta = np.where((hf * kf < 0) | ((hf * kf == 0) & (hf + kf < 0)), 0.5, 0.0)
    value = 0.5 * ndtr(hf) + 0.5 * ndtr(kf) - owens_t(hf, a_h) - owens_t(kf, a_k) - beta
    value = np.where(both_zero, 0.25 + np.arcsin(rho) / (2 * np.pi), value)
    out[finite] = value
    return np.clip(out, 0.0, 1.0)


def thresholds(counts: np.ndarray) -> np.ndarray:
    """The latent thresholds of one ordinal margin (counts of its categories, in order, none zero):
    -inf, Phi^-1 of the cumulative shares, +inf."""
    from scipy.special import ndtri

    cumulative = np.cumsum(counts)[:-1] / counts.sum()
    return np.concatenate([[-np.inf], ndtri(cumulative), [np.inf]])


def polychoric_from_table(table: np.ndarray) -> float:
    """Two-step polychoric correlation of a contingency table (rows: one item's categories in order, columns:
    the other's). Categories nobody chose are dropped; thresholds from the margins, then rho maximises
    sum n_ij log P_ij(rho) within (-MAX_RHO, MAX_RHO). NaN when either item has fewer than two categories."""
    from scipy.optimize import minimize_scalar

    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return np.nan
    rows, columns = thresholds(table.sum(axis=1)), thresholds(table.sum(axis=0))
    upper_r, upper_c = np.meshgrid(rows[1:], columns[1:], indexing="ij")
    lower_r, lower_c = np.meshgrid(rows[:-1], columns[:-1], indexing="ij")
    observed = table > 0

    def minus_log_likelihood(rho: float) -> float:
        cells = (
            bivariate_normal_cdf(upper_r, upper_c, rho)
            - bivariate_normal_cdf(lower_r, upper_c, rho)
            - bivariate_normal_cdf(upper_r, lower_c, rho)
            + bivariate_normal_cdf(lower_r, lower_c, rho)
        )
        return -float(np.sum(table[observed] * np.log(np.maximum(cells[observed], 1e-300))))

    result = minimize_scalar(
        minus_log_likelihood, bounds=(-MAX_RHO, MAX_RHO), method="bounded", options={"xatol": 1e-10}
    )
    return float(result.x)


def polychoric_pairs(wide: pd.DataFrame, min_pair: int = MIN_PAIR_RESPONDENTS) -> pd.DataFrame:
    """Long, one row per pair of columns of `wide` (respondents x statements, scores or NaN): statement_a,
    statement_b, n (respondents who answered both), rho (the two-step polychoric correlation; NaN with a
    `note` where the pair has fewer than `min_pair` respondents or a statement was answered in one category)."""
    rows = []
    values = wide.to_numpy(dtype=float)
    names = list(wide.columns)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            both = ~np.isnan(values[:, i]) & ~np.isnan(values[:, j])
            x, y = values[both, i], values[both, j]
            n = int(both.sum())
            row = {"statement_a": names[i], "statement_b": names[j], "n": n, "rho": np.nan, "note": ""}
            if n < min_pair:
                row["note"] = f"{n} respondents answered both, fewer than {min_pair}: no correlation"
            elif len(np.unique(x)) < 2 or len(np.unique(y)) < 2:
                constant = names[i] if len(np.unique(x)) < 2 else names[j]
                row["note"] = f"{constant} has one answer among those who answered both: no correlation"
            else:
                categories_x, codes_x = np.unique(x, return_inverse=True)
                categories_y, codes_y = np.unique(y, return_inverse=True)
                table = np.zeros((len(categories_x), len(categories_y)))
                np.add.at(table, (codes_x, codes_y), 1)
                row["rho"] = polychoric_from_table(table)
                if abs(row["rho"]) >= MAX_RHO - 1e-6:
                    row["note"] = f"the answers line up perfectly: rho at the bound {MAX_RHO}"
            rows.append(row)
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def polychoric_correlations(wide: pd.DataFrame, min_pair: int = MIN_PAIR_RESPONDENTS) -> pd.DataFrame:
    """The polychoric correlation matrix of the columns of `wide` (respondents x statements, pairwise complete):
    a square frame, statements as index and columns, 1 on the diagonal of a statement with a correlation, NaN
    for the pairs polychoric_pairs leaves out (too few respondents, a constant or unanswered statement)."""
    key = (tuple(wide.columns), wide.shape, wide.to_numpy(dtype=float).tobytes(), min_pair)
    if _LAST_MATRIX and _LAST_MATRIX[0] == key:  # the count, the loadings and the model use the same matrix
        return _LAST_MATRIX[1].copy()
    pairs = polychoric_pairs(wide, min_pair)
    names = list(wide.columns)
    matrix = pd.DataFrame(np.nan, index=pd.Index(names, name=None), columns=names)
    for row in pairs.itertuples():
        matrix.loc[row.statement_a, row.statement_b] = row.rho
        matrix.loc[row.statement_b, row.statement_a] = row.rho
    for name in names:
        if matrix[name].notna().any():
            matrix.loc[name, name] = 1.0
    _LAST_MATRIX[:] = [key, matrix.copy()]
    return matrix


_LAST_MATRIX: list = []


def statement_matrix(likert: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Respondents x statements (the codebook's order), scores as floats, NaN where not answered."""
    return (
        likert.pivot(index="respondent_id", columns="statement_id", values="score")
        .astype(float)
        .reindex(columns=codebook.statements()["statement_id"])
        .sort_index()
    )


def _defined_block(matrix: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The largest set of statements, in order, whose correlations are all defined (statements are dropped,
    those with the most undefined pairs first), and the statements dropped."""
    kept = list(matrix.columns)
    dropped = []
    while kept:
        block = matrix.loc[kept, kept]
        missing = block.isna().sum()
        if not missing.any():
            break
        worst = missing.idxmax()
        kept.remove(worst)
        dropped.append(worst)
    return matrix.loc[kept, kept], dropped


def pairwise_n(wide: pd.DataFrame) -> pd.DataFrame:
    """Respondents who answered both statements, for every pair of columns of `wide` (diagonal: each one)."""
    answered = wide.notna().to_numpy(dtype=float)
    return pd.DataFrame(answered.T @ answered, index=wide.columns, columns=wide.columns).astype(int)


def _smallest_n(wide: pd.DataFrame, names: list[str]) -> int:
    """The smallest pairwise n among `names`: the n the models' sampling error is judged by (conservative)."""
    if not names:
        return 0
    return int(pairwise_n(wide[names]).to_numpy().min())


def _positive_definite(matrix: np.ndarray) -> tuple[np.ndarray, bool]:
    """The matrix, or the nearest correlation matrix with eigenvalues of at least 1e-3 where it is not positive
    definite (pairwise correlations need not be; statsmodels' corr_nearest), and whether it was smoothed."""
    if np.linalg.eigvalsh(matrix).min() > 1e-8:
        return matrix, False
    from statsmodels.stats.correlation_tools import corr_nearest

    return corr_nearest(matrix, threshold=1e-3, n_fact=1000), True


# --- how many factors ----------------------------------------------------------------------------------------
def parallel_analysis(
    correlation: pd.DataFrame,
    n: int,
    seed: int = SEED,
    draws: int = PARALLEL_DRAWS,
    percentile: float = PARALLEL_PERCENTILE,
) -> pd.DataFrame:
    """Horn's (1965) parallel analysis of a correlation matrix from `n` respondents.

    One row per component: component (1, 2, ...), eigenvalue (of `correlation`, descending), random_mean and
    random_p95 (the mean and `percentile`-th percentile of the same-rank eigenvalue of the Pearson correlations
    of `draws` seeded data sets of n x p independent standard normals), above_random (the eigenvalue exceeds
    random_p95 and so do all before it: the parallel-analysis count is the number of True), above_one (Kaiser).
    """
    p = correlation.shape[0]
    eigenvalues = np.sort(np.linalg.eigvalsh(correlation.to_numpy(dtype=float)))[::-1]
    rng = np.random.default_rng(seed)
    random = np.empty((draws, p))
    for draw in range(draws):
        data = rng.standard_normal((n, p))
        random[draw] = np.sort(np.linalg.eigvalsh(np.corrcoef(data, rowvar=False)))[::-1]
    p95 = np.percentile(random, percentile, axis=0)
    above = np.logical_and.accumulate(eigenvalues > p95)
    return pd.DataFrame(
        {
            "component": np.arange(1, p + 1),
            "eigenvalue": eigenvalues,
            "random_mean": random.mean(axis=0),
            "random_p95": p95,
            "above_random": above,
            "above_one": eigenvalues > 1,
        }
    )


def factor_count(likert: pd.DataFrame, codebook: Codebook, seed: int = SEED) -> pd.DataFrame:
    """One row: n_statements (with defined polychoric correlations), n_used (the smallest number of respondents
    behind a correlation: the random data's n), parallel_count (Horn, 95th percentile), kaiser_count
    (eigenvalues above 1), codebook_count (the codebook's factors), dropped (statements left out), note."""
    wide = statement_matrix(likert, codebook)
    block, dropped = _defined_block(polychoric_correlations(wide))
    n = _smallest_n(wide, list(block.columns))
    row = {
        "n_statements": block.shape[0],
        "n_used": n,
        "parallel_count": np.nan,
        "kaiser_count": np.nan,
        "codebook_count": len(codebook.factors()),
        "dropped": ", ".join(dropped),
        "note": "",
    }
    if block.shape[0] < 3 or n < MIN_RESPONDENTS_FOR_MODEL:
        row["note"] = (
            f"not counted: {block.shape[0]} statements with correlations, the smallest answered by {n} "
            f"respondents; the count needs 3 statements and {MIN_RESPONDENTS_FOR_MODEL} respondents"
        )
        return pd.DataFrame([row])
    analysis = parallel_analysis(block, n, seed)
    row["parallel_count"] = int(analysis["above_random"].sum())
    row["kaiser_count"] = int(analysis["above_one"].sum())
    return pd.DataFrame([row])


# --- exploratory loadings ------------------------------------------------------------------------------------
def oblimin_rotation(loadings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quartimin (direct oblimin, gamma = 0) rotation of unrotated loadings, by statsmodels' gradient projection
    algorithm (Bernaards and Jennrich 2005): the rotated pattern loadings and the factor correlations. Each
    factor's sign is chosen to make its loadings sum positive, and the factors are ordered by the sum of their
    squared loadings, so that the same data give the same table."""
    from statsmodels.multivariate.factor_rotation import rotate_factors

    loadings = np.asarray(loadings, dtype=float)
    if loadings.shape[1] == 1:
        rotated, phi = loadings.copy(), np.ones((1, 1))
    else:
        rotated, rotation = rotate_factors(loadings, "quartimin")
        phi = rotation.T @ rotation
    signs = np.where(rotated.sum(axis=0) < 0, -1.0, 1.0)
    rotated = rotated * signs
    phi = phi * np.outer(signs, signs)
    order = np.argsort(-(rotated**2).sum(axis=0), kind="stable")
    return rotated[:, order], phi[np.ix_(order, order)]


def exploratory_factors(
    likert: pd.DataFrame, codebook: Codebook, n_factors: int | None = None, lang: str = DEFAULT_LANGUAGE
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exploratory factor analysis of the statements' polychoric correlations (pairwise): iterated principal
    axes (statsmodels), quartimin-rotated; `n_factors` from parallel analysis when not given.

    Returns (loadings, factor_correlations). loadings, per statement in the codebook's order: factor_id,
    statement_id, statement, n_used, loads_on (the extracted factor of the largest absolute loading),
    loading, communality, F1..Fk (pattern loadings); attrs note (why not, or '' ) and n_factors.
    factor_correlations: factor, F1..Fk. Both empty, with the note, below MIN_RESPONDENTS_FOR_MODEL
    respondents behind a correlation.
    """
    statements = codebook.statements(lang)
    wide = statement_matrix(likert, codebook)
    block, dropped = _defined_block(polychoric_correlations(wide))
    names = list(block.columns)
    n = _smallest_n(wide, names)
    columns = ["factor_id", "statement_id", "statement", "n_used", "loads_on", "loading", "communality"]
    if n_factors is None and len(names) >= 3 and n >= MIN_RESPONDENTS_FOR_MODEL:
        n_factors = max(1, int(parallel_analysis(block, n)["above_random"].sum()))
    note = ""
    if len(names) < 3 or n < MIN_RESPONDENTS_FOR_MODEL:
        note = (
            f"not fitted: {len(names)} statements with correlations, the smallest answered by {n} respondents; "
            f"the model needs 3 statements and {MIN_RESPONDENTS_FOR_MODEL} respondents"
        )
    elif n_factors >= len(names):
        note = f"not fitted: {n_factors} factors from {len(names)} statements"
    if note:
        empty = pd.DataFrame(columns=columns)
        empty.attrs.update(note=note, n_factors=n_factors)
        return empty, pd.DataFrame(columns=["factor"])
    from statsmodels.multivariate.factor import Factor

    matrix, smoothed = _positive_definite(block.to_numpy(dtype=float))
    result = Factor(corr=matrix, n_factor=n_factors, method="pa", smc=True, nobs=n).fit(maxiter=500, tol=1e-10)
    pattern, phi = oblimin_rotation(result.loadings_no_rot)
    labels = [f"F{i + 1}" for i in range(n_factors)]
    frame = pd.DataFrame(pattern, index=names, columns=labels)
    table = statements.loc[statements["statement_id"].isin(names), ["factor_id", "statement_id", "statement"]]
    table = table.reset_index(drop=True)
    table["n_used"] = n
    table["loads_on"] = table["statement_id"].map(frame.abs().idxmax(axis=1))
    table["loading"] = [float(frame.loc[s, f]) for s, f in zip(table["statement_id"], table["loads_on"])]
    table["communality"] = table["statement_id"].map(pd.Series(result.communality, index=names))
    for label in labels:
        table[label] = table["statement_id"].map(frame[label])
    notes = []
    if dropped:
        notes.append("left out (undefined correlations): " + ", ".join(dropped))
    if smoothed:
        notes.append("the pairwise matrix was not positive definite: the nearest correlation matrix was used")
    if (table["communality"] >= 1).any():
        notes.append("a communality of 1 or more (Heywood case): read the loadings with care")
    table.attrs.update(note="; ".join(notes), n_factors=n_factors)
    correlations = pd.DataFrame(phi, columns=labels)
    correlations.insert(0, "factor", labels)
    return table, correlations


# --- confirmatory model --------------------------------------------------------------------------------------
FIT_COLUMNS = [
    "estimator",
    "n",
    "n_statements",
    "n_factors",
    "n_parameters",
    "chi2",
    "df",
    "p",
    "CFI",
    "TLI",
    "RMSEA",
    "RMSEA_low",
    "RMSEA_high",
    "SRMR",
    "note",
]


def rmsea_interval(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float, float]:
    """RMSEA = sqrt(max(chi2 - df, 0) / (df n)) and its `level` CI from the noncentral chi-square (Steiger and
    Lind 1980; as lavaan computes it, with n, not n - 1)."""
    from scipy.optimize import brentq
    from scipy.stats import chi2 as chi2_distribution
    from scipy.stats import ncx2

    def bound(tail: float) -> float:
        # The noncentrality at which chi2 is the `tail` quantile; 0 when even the central distribution puts
        # less than `tail` below it.
        if chi2_distribution.cdf(chi2, df) < tail:
            return 0.0
        high = max(chi2, 1.0)
        while ncx2.cdf(chi2, df, high) > tail:
            high *= 2
        return brentq(lambda lam: ncx2.cdf(chi2, df, lam) - tail, 1e-12, high, xtol=1e-12)

    outside = (1 - level) / 2
    value = np.sqrt(max(chi2 - df, 0.0) / (df * n))
    return float(value), float(np.sqrt(bound(1 - outside) / (df * n))), float(np.sqrt(bound(outside) / (df * n)))


def srmr(sample: np.ndarray, implied: np.ndarray) -> float:
    """Bentler's standardised root mean square residual (lavaan's srmr without a mean structure): residuals
    S - Sigma scaled by the sample standard deviations, root mean square over the lower triangle and diagonal."""
    scale = 1 / np.sqrt(np.diag(sample))
    residual = (sample - implied) * np.outer(scale, scale)
    lower = residual[np.tril_indices_from(residual)]
    return float(np.sqrt(np.mean(lower**2)))


def fit_cfa(
    factors: dict[str, list[str]], data: pd.DataFrame | None = None, cov: pd.DataFrame | None = None, n=None
) -> tuple[dict, pd.DataFrame]:
    """Fit a confirmatory factor model with semopy (maximum likelihood, lavaan's defaults: each factor's first
    statement's loading fixed at 1, the factors' variances and covariances free) to complete `data`
    (respondents x statements) or to a covariance/correlation matrix `cov` from `n` respondents.

    `factors` maps a factor to its statements. Returns (fit, loadings): fit holds n, n_parameters, chi2, df,
    p, CFI, TLI, RMSEA with RMSEA_low/RMSEA_high (90 %), SRMR; loadings: factor, statement, loading
    (unstandardised), std_loading (lavaan's std.all: loading x sd(factor) / model-implied sd(statement)).
    """
    import semopy
    from scipy.stats import chi2 as chi2_distribution

    # semopy parses names: give it plain ones and map back.
    items = [item for group in factors.values() for item in group]
    item_names = {item: f"v{i + 1}" for i, item in enumerate(items)}
    factor_names = {factor: f"f{i + 1}" for i, factor in enumerate(factors)}
    description = "\n".join(
        f"{factor_names[f]} =~ " + " + ".join(item_names[i] for i in group) for f, group in factors.items()
    )
    model = semopy.Model(description)
    # ftol tighter than semopy's: its default stops ~0.001 from lavaan's estimates on Holzinger-Swineford.
    options = {"ftol": 1e-12, "maxiter": 10000}
    if data is not None:
        model.fit(data[items].rename(columns=item_names), options=options)
        n = len(data)
    else:
        ordered = cov.loc[items, items].rename(index=item_names, columns=item_names)
        model.fit(cov=ordered, n_samples=n, options=options)
    with warnings.catch_warnings():  # a just-identified model (df = 0) divides by zero in semopy's RMSEA
        warnings.simplefilter("ignore", RuntimeWarning)
        statistics = semopy.calc_stats(model).iloc[0]
    observed = model.vars["observed"]
    implied = pd.DataFrame(model.calc_sigma()[0], index=observed, columns=observed)
    sample = pd.DataFrame(model.mx_cov, index=observed, columns=observed)
    estimates = model.inspect()
    chi2, df = float(statistics["chi2"]), int(statistics["DoF"])
    rmsea, low, high = rmsea_interval(chi2, df, n) if df > 0 else (np.nan, np.nan, np.nan)
    fit = {
        "n": int(n),
        "n_parameters": len(model.param_vals),
        "chi2": chi2,
        "df": df,
        "p": float(chi2_distribution.sf(chi2, df)) if df > 0 else np.nan,
        "CFI": float(statistics["CFI"]),
        "TLI": float(statistics["TLI"]),
        "RMSEA": rmsea,
        "RMSEA_low": low,
        "RMSEA_high": high,
        "SRMR": srmr(sample.to_numpy(), implied.to_numpy()),
    }
    # semopy orders its parameters by iterating over sets of names, which Python's hash seed reorders from one
    # run to the next: the optimum then differs in the 13th digit. Rounded to DIGITS, the same data give the
    # same bytes.
    fit = {key: round(value, DIGITS) if isinstance(value, float) else value for key, value in fit.items()}
    variance = {
        row.lval: float(row.Estimate)
        for row in estimates.loc[(estimates["op"] == "~~") & (estimates["lval"] == estimates["rval"])].itertuples()
    }
    rows = []
    lookup = estimates.loc[estimates["op"] == "~"].set_index(["lval", "rval"])["Estimate"]
    for factor, group in factors.items():
        for item in group:
            loading = float(lookup.loc[(item_names[item], factor_names[factor])])
            std = loading * np.sqrt(variance[factor_names[factor]] / implied.loc[item_names[item], item_names[item]])
            rows.append(
                {
                    "factor": factor,
                    "statement": item,
                    "loading": round(loading, DIGITS),
                    "std_loading": round(float(std), DIGITS),
                }
            )
    return fit, pd.DataFrame(rows, columns=["factor", "statement", "loading", "std_loading"])


def confirmatory_factors(
    likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The codebook's factor model fitted to the statements' polychoric correlations (pairwise), by maximum
    likelihood (semopy) with n the smallest number of respondents behind a correlation.

    semopy has no estimator for ordinal data (its DWLS weights come from the raw scores' fourth moments, not
    from the polychorics' sampling variances, so it is not lavaan's WLSMV): ML on the polychoric matrix gives
    consistent standardised loadings of the latent responses, but its chi2, and the indices built on it, are
    approximate (they assume normal, continuous statements); `estimator` says so.

    Returns (fit, loadings). fit, one row: estimator, n, n_statements, n_factors, n_parameters, chi2, df, p,
    CFI, TLI, RMSEA, RMSEA_low, RMSEA_high (90 %), SRMR, note. loadings, per statement: factor_id, statement_id,
    statement, std_loading. Not fitted (fit's note says why, loadings empty) with fewer than
    MIN_RESPONDENTS_FOR_MODEL respondents or RESPONDENTS_PER_PARAMETER per free parameter, with fewer than two
    factors of at least two statements, or where correlations are undefined for whole factors.
    """
    statements = codebook.statements(lang)
    wide = statement_matrix(likert, codebook)
    block, dropped = _defined_block(polychoric_correlations(wide))
    kept = set(block.columns)
    groups = {
        factor_id: [s for s in group["statement_id"] if s in kept]
        for factor_id, group in statements.groupby("factor_id", sort=False)
    }
    small = [f for f, group in groups.items() if len(group) < 2]
    groups = {f: group for f, group in groups.items() if len(group) >= 2}
    names = [s for group in groups.values() for s in group]
    n = _smallest_n(wide, names)
    p, k = len(names), len(groups)
    # Free parameters as lavaan counts them: loadings less one per factor, residual variances, factor
    # variances and covariances.
    n_parameters = (p - k) + p + k + k * (k - 1) // 2
    needed = max(MIN_RESPONDENTS_FOR_MODEL, RESPONDENTS_PER_PARAMETER * n_parameters)
    fit = dict.fromkeys(FIT_COLUMNS, np.nan)
    fit.update(
        estimator="ML on the pairwise polychoric correlations (fit indices approximate for ordinal answers)",
        n=n,
        n_statements=p,
        n_factors=k,
        n_parameters=n_parameters,
        note="",
    )
    notes = []
    if dropped:
        notes.append("left out (undefined correlations): " + ", ".join(dropped))
    if small:
        notes.append("left out (fewer than two statements with correlations): " + ", ".join(small))
    loadings_columns = ["factor_id", "statement_id", "statement", "std_loading"]
    if k < 2 or n < needed:
        notes.insert(
            0,
            f"not fitted: {k} factors of two or more statements; the smallest number of respondents behind a "
            f"correlation is {n}, and the model's {n_parameters} free parameters need {needed} "
            f"({RESPONDENTS_PER_PARAMETER} per parameter, at least {MIN_RESPONDENTS_FOR_MODEL})"
            if k >= 2
            else f"not fitted: {k} factors of two or more statements; the model needs two",
        )
        fit["note"] = "; ".join(notes)
        return pd.DataFrame([fit], columns=FIT_COLUMNS), pd.DataFrame(columns=loadings_columns)
    matrix, smoothed = _positive_definite(block.loc[names, names].to_numpy(dtype=float))
    if smoothed:
        notes.append("the pairwise matrix was not positive definite: the nearest correlation matrix was used")
    result, loadings = fit_cfa(groups, cov=pd.DataFrame(matrix, index=names, columns=names), n=n)
    fit.update(result)
    fit["note"] = "; ".join(notes)
    table = statements[["factor_id", "statement_id", "statement"]].merge(
        loadings.rename(columns={"factor": "factor_id", "statement": "statement_id"})[
            ["factor_id", "statement_id", "std_loading"]
        ],
        on=["factor_id", "statement_id"],
    )
    return pd.DataFrame([fit], columns=FIT_COLUMNS), table[loadings_columns]


# --- omega ---------------------------------------------------------------------------------------------------
def omega_from_loadings(loadings) -> float:
    """McDonald's omega (total) from standardised one-factor loadings: (sum l)^2 / ((sum l)^2 + sum(1 - l^2))."""
    loadings = np.asarray(loadings, dtype=float)
    common = loadings.sum() ** 2
    return float(common / (common + (1 - loadings**2).sum()))


def one_factor_loadings(wide: pd.DataFrame) -> pd.Series:
    """Standardised loadings of a one-factor model (ML, semopy) of the columns of `wide` (complete rows,
    at least three columns), by column."""
    columns = list(wide.columns)
    _, loadings = fit_cfa({"factor": columns}, data=wide)
    return pd.Series(loadings["std_loading"].to_numpy(), index=columns)


def factor_omega(
    likert: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    min_respondents: int = MIN_RESPONDENTS_FOR_ALPHA,
) -> pd.DataFrame:
    """Per factor: McDonald's omega (total) of its statements beside Cronbach's alpha, both on the respondents
    who answered every statement of the factor (the n alpha uses), omega from the standardised loadings of a
    one-factor ML model of the raw scores (items treated as continuous, as alpha treats them).

    Columns: factor_id, factor, n_statements (answered by someone: the rest are left out, said in the note),
    n_complete, alpha, omega, min_loading, note. Not computed (note)
    with fewer than three statements (a one-factor model of two is not identified), fewer than
    `min_respondents` complete respondents (the rule alpha follows) or a statement without variance; a
    standardised loading of 1 or more (Heywood case) is said in the note.
    """
    rows = []
    wide_all = statement_matrix(likert, codebook)
    statements = codebook.statements(lang)
    for factor in codebook.factors(lang).itertuples():
        listed = list(statements.loc[statements["factor_id"] == factor.factor_id, "statement_id"])
        unanswered = [s for s in listed if wide_all[s].isna().all()]
        ids = [s for s in listed if s not in unanswered]
        wide = wide_all[ids].dropna()
        n, k = len(wide), len(ids)
        row = {
            "factor_id": factor.factor_id,
            "factor": factor.factor,
            "n_statements": k,
            "n_complete": n,
            "alpha": np.nan,
            "omega": np.nan,
            "min_loading": np.nan,
            "note": "",
        }
        constant = [s for s in ids if wide[s].nunique() < 2]
        if k < 3:
            row["note"] = f"{k} statements: a one-factor model needs at least three"
        elif n < min_respondents:
            row["note"] = (
                f"not computed: {n} respondents answered every statement of this factor, fewer than {min_respondents}"
            )
        elif constant:
            row["note"] = "not computed: no variance in " + ", ".join(constant)
        else:
            loadings = one_factor_loadings(wide)
            row.update(
                alpha=cronbach_alpha(wide)[0], omega=omega_from_loadings(loadings), min_loading=float(loadings.min())
            )
            if (loadings.abs() >= 1).any():
                row["note"] = "a standardised loading of 1 or more (Heywood case): omega is not trustworthy"
        if unanswered:
            left_out = "nobody answered " + ", ".join(unanswered)
            row["note"] = f"{row['note']}; {left_out}" if row["note"] else left_out
        rows.append(row)
    return pd.DataFrame(rows)
