"""p-values: adjusted across a family of tests (Holm, Benjamini-Hochberg) and written for display
('p = 0.063', 'p < 0.001')."""

from __future__ import annotations

import numpy as np
import pandas as pd


def format_p(p: float) -> str:
    """'p = 0.063', 'p < 0.001' (never 'p = 0.000'); 'p not computed' for a missing value."""
    if p is None or pd.isna(p):
        return "p not computed"
    return "p < 0.001" if float(p) < 0.001 else f"p = {float(p):.3f}"


def p_as_text(table: pd.DataFrame, columns=("p", "p_chi2", "p_holm", "p_bh")) -> pd.DataFrame:
    """A copy of `table` for display, its p-value columns written as 'p < 0.001' / 'p = 0.063'."""
    shown = table.copy()
    for column in columns:
        if column in shown.columns:
            shown[column] = [format_p(v) if isinstance(v, (int, float)) else v for v in shown[column]]
    return shown


def adjust_p(p: pd.Series, method: str) -> pd.Series:
    """p-values corrected for the family they form: 'holm' (Holm's step-down) or 'fdr_bh' (Benjamini-Hochberg,
    scipy's false_discovery_control); the same values as pingouin's multicomp and statsmodels' multipletests
    (whose Holm branch runs a full garbage collection on every call, and pingouin costs the step over a second
    to import). Missing p-values stay missing and do not count in the family."""
    corrections = {"holm": _holm, "fdr_bh": _benjamini_hochberg}
    if method not in corrections:
        raise ValueError(f"adjust_p: method {method!r}; use {' or '.join(corrections)}")
    p = pd.Series(p, dtype=float)
    adjusted = pd.Series(np.nan, index=p.index)
    present = p.notna()
    if present.any():
        adjusted[present] = corrections[method](p[present].to_numpy())
    return adjusted


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm: the i-th smallest of m p-values times (m - i + 1), never below the one before it, at most 1."""
    order = np.argsort(p)
    adjusted = np.empty(p.size)
    adjusted[order] = np.maximum.accumulate(p[order] * np.arange(p.size, 0, -1))
    return np.clip(adjusted, None, 1)


def _benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    from scipy.stats import false_discovery_control

    return false_discovery_control(p, method="bh")
