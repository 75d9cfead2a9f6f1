"""Polychoric correlations of the Likert statements (ordinal, few categories), pairwise complete, by Olsson's
(1979) two-step estimator: thresholds from each pair's margins, then the maximum-likelihood rho, the bivariate
normal probabilities from Owen's T function (scipy.special.owens_t: exact and deterministic, where
scipy.stats.multivariate_normal.cdf integrates point by point). A pair answered by too few respondents, or
with a statement answered in one category only, has no correlation and says why. The factor structure
(structure) is fitted to them; tested in tests/analysis/test_structure.py.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from helpers.codebook import Codebook

#: A polychoric correlation needs at least this many respondents who answered both statements: below it the
#: two-step estimate is mostly noise (and the table mostly empty cells); the pair is left out and says so.
MIN_PAIR_RESPONDENTS = 30
#: The ML estimate of rho is kept inside (-MAX_RHO, MAX_RHO), as polycor's maxcor: a table whose answers line
#: up perfectly has its maximum at |rho| = 1, where the likelihood is flat and the matrix singular.
MAX_RHO = 0.9999

PAIR_COLUMNS = ["statement_a", "statement_b", "n", "rho", "note"]


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
    grid_r, grid_c = np.meshgrid(rows, columns, indexing="ij")
    observed = table > 0

    def minus_log_likelihood(rho: float) -> float:
        # The CDF once at each corner of the threshold grid, each cell's probability from its four corners: the
        # same values as evaluating the four corners cell by cell, at a quarter of the cost.
        corner = bivariate_normal_cdf(grid_r, grid_c, rho)
        cells = corner[1:, 1:] - corner[:-1, 1:] - corner[1:, :-1] + corner[:-1, :-1]
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
    answered = ~np.isnan(values)
    # Each statement's answers as codes of its categories, once: a pair's table is then one bincount over the
    # respondents who answered both, where sorting both columns' answers for every pair cost most of the time.
    categories, codes = [], []
    for column in values.T:
        found, code = np.unique(np.where(np.isnan(column), np.inf, column), return_inverse=True)
        categories.append(found[np.isfinite(found)])
        codes.append(code.reshape(-1))
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            both = answered[:, i] & answered[:, j]
            n = int(both.sum())
            row = {"statement_a": names[i], "statement_b": names[j], "n": n, "rho": np.nan, "note": ""}
            size = (len(categories[i]), len(categories[j]))
            table = np.bincount(codes[i][both] * size[1] + codes[j][both], minlength=size[0] * size[1]).reshape(size)
            # The categories chosen by those who answered both (a table's empty rows and columns are dropped).
            present_x, present_y = int((table.sum(axis=1) > 0).sum()), int((table.sum(axis=0) > 0).sum())
            if n < min_pair:
                row["note"] = f"{n} respondents answered both, fewer than {min_pair}: no correlation"
            elif present_x < 2 or present_y < 2:
                constant = names[i] if present_x < 2 else names[j]
                row["note"] = f"{constant} has one answer among those who answered both: no correlation"
            else:
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
