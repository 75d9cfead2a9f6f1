"""The factor structure of the Likert statements: do the codebook's factors show in the answers?

- On the statements' polychoric correlations (polychoric, re-exported here).
- How many factors the answers hold: Horn's (1965) parallel analysis, seeded, beside the Kaiser count.
- Exploratory loadings with an oblique rotation (oblimin with gamma = 0, i.e. quartimin, as GPArotation and
  psych call it) and the factor correlations, by statsmodels' iterated principal axes on the polychoric matrix.
  (factor-analyzer, which does the same, fails with the scikit-learn pinned here: its last release, 0.5.1 of
  2024, passes check_array an argument scikit-learn 1.8 removed.)
- A confirmatory model of the codebook's factors (semopy): each statement loads on its own factor, the factors
  correlate; CFI, TLI, RMSEA with its 90 % CI, SRMR, chi2/df/p and the standardised loadings, where n allows.
- McDonald's omega (total) of each factor beside Cronbach's alpha, from a one-factor model of its statements.
- Whether the codebook's grouping shows in the exploratory loadings (factor_structure, the report's check).

Every random draw starts from stats.SEED. Tested against published values in tests/analysis/test_structure.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.analysis.polychoric import (
    MAX_RHO as MAX_RHO,
    MIN_PAIR_RESPONDENTS as MIN_PAIR_RESPONDENTS,
    PAIR_COLUMNS as PAIR_COLUMNS,
    _defined_block,
    _smallest_n,
    bivariate_normal_cdf as bivariate_normal_cdf,
    pairwise_n,
    polychoric_correlations,
    polychoric_from_table as polychoric_from_table,
    polychoric_pairs as polychoric_pairs,
    statement_matrix,
    thresholds as thresholds,
)
from helpers.analysis.reliability import MIN_RESPONDENTS_FOR_ALPHA, cronbach_alpha
from helpers.analysis.scores import SEED
from helpers.codebook import DEFAULT_LANGUAGE, Codebook

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


# --- bivariate normal and polychoric correlations ----------------------------------------------------------
def _positive_definite(matrix: np.ndarray) -> tuple[np.ndarray, bool]:
    """The matrix, or the nearest correlation matrix with eigenvalues of at least 1e-3 where it is not positive
    definite (pairwise correlations need not be; statsmodels' corr_nearest), and whether it was smoothed."""
    if np.linalg.eigvalsh(matrix).min() > 1e-8:
        return matrix, False
    from statsmodels.stats.correlation_tools import corr_nearest

    return corr_nearest(matrix, threshold=1e-3, n_fact=1000), True


# --- how many factors ----------------------------------------------------------------------------------------
#: Above this many respondents, parallel analysis draws the random data sets' cross-product matrices directly
#: (Bartlett's decomposition of the Wishart distribution) instead of n x p normals: the same distribution of
#: correlation matrices, at a cost that does not grow with n (500 draws of 500,000 x 80 normals would take most of
#: an hour). Below it the draws are the data sets themselves, as before, so smaller surveys keep their bytes.
WISHART_FROM_N = 5000


def _wishart_correlation_eigenvalues(rng: np.random.Generator, n: int, p: int, draws: int) -> np.ndarray:
    """draws x p: the eigenvalues, descending, of the Pearson correlations of `draws` data sets of n x p
    independent standard normals, without drawing the data. Centred, such a data set's cross-product matrix is
    Wishart(I_p, n - 1); Bartlett (1933): it is A A' with A lower triangular, A_ii^2 ~ chi-square(n - i) for i =
    1..p and A_ij ~ N(0, 1) below the diagonal. Needs n - 1 >= p."""
    df = n - 1
    a = np.tril(rng.standard_normal((draws, p, p)), k=-1)
    a[:, np.arange(p), np.arange(p)] = np.sqrt(rng.chisquare(df - np.arange(p), size=(draws, p)))
    cross = a @ a.transpose(0, 2, 1)
    scale = 1 / np.sqrt(np.diagonal(cross, axis1=1, axis2=2))
    correlation = cross * scale[:, :, None] * scale[:, None, :]
    return np.sort(np.linalg.eigvalsh(correlation), axis=1)[:, ::-1]


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
    if n > max(WISHART_FROM_N, p):
        random = _wishart_correlation_eigenvalues(rng, n, p, draws)
    else:
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


#: The factor structure is checked (exploratory loadings) with at least this many complete respondents
#: per statement, and at least MIN_RESPONDENTS_FOR_STRUCTURE in all (Gorsuch's rule of thumb, 1983).
RESPONDENTS_PER_ITEM_FOR_STRUCTURE = 5


MIN_RESPONDENTS_FOR_STRUCTURE = 100


def factor_structure(likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Does the codebook's grouping of statements into factors show in the answers?

    Exploratory factor analysis of the statements' polychoric correlations, pairwise (structure.exploratory_
    factors: iterated principal axes, oblique quartimin rotation, the number of factors by parallel analysis, not
    the codebook's). Per statement: its loadings, the extracted factor it loads on most, and whether that is the
    one most of its codebook factor's statements load on and no other codebook factor's (`fits_codebook`);
    `n_used` the fewest respondents behind a correlation. Empty (with `note` in attrs) below the rule stated in
    the constants: RESPONDENTS_PER_ITEM_FOR_STRUCTURE respondents per statement and MIN_RESPONDENTS_FOR_STRUCTURE
    in all, behind every correlation.
    """
    wide = statement_matrix(likert, codebook)
    p = wide.shape[1]
    n = int(pairwise_n(wide).to_numpy().min()) if p else 0
    k = len(codebook.factors())
    needed = max(MIN_RESPONDENTS_FOR_STRUCTURE, RESPONDENTS_PER_ITEM_FOR_STRUCTURE * p)
    columns = ["factor_id", "statement_id", "statement", "loads_on", "loading", "fits_codebook", "n_used"]
    if n < needed or k < 2:
        table = pd.DataFrame(columns=columns)
        table.attrs["note"] = (
            f"not checked: the fewest respondents answering a pair of the {p} statements is {n}; the check needs "
            f"{RESPONDENTS_PER_ITEM_FOR_STRUCTURE} per statement and at least "
            f"{MIN_RESPONDENTS_FOR_STRUCTURE} ({needed} here)"
        )
        return table
    loadings, _ = exploratory_factors(likert, codebook, lang=lang)
    if loadings.empty:
        table = pd.DataFrame(columns=columns)
        table.attrs["note"] = loadings.attrs.get("note", "not checked")
        return table
    table = loadings.copy()
    home = table.groupby("factor_id")["loads_on"].agg(lambda f: f.mode().iloc[0])
    table["fits_codebook"] = table["loads_on"] == table["factor_id"].map(home)
    # A codebook factor whose statements share their extracted factor with another codebook factor does not stand apart.
    shared = home.duplicated(keep=False)
    table.loc[table["factor_id"].map(shared), "fits_codebook"] = False
    extracted = [c for c in table.columns if c.startswith("F") and c[1:].isdigit()]
    table = table[columns + ["communality", *extracted]]
    table[extracted] = table[extracted].astype(float).round(3)
    table.attrs["note"] = loadings.attrs.get("note", "")
    table.attrs["n"] = table.attrs["n_used"] = int(table["n_used"].iloc[0])
    table.attrs["n_factors"] = len(extracted)
    return table
