"""How the respondents were selected, and what that permits: the codebook's `design:` block read and applied.

The block (data/raw/README.md describes it) says how respondents were selected (`selection`), the frame they
were selected from (staff counts by pilot body and/or stakeholder type), the fieldwork's outcome counts and dates.
From it and the data:

- `outcome_rates`: AAPOR-style rates (Standard Definitions, 10th ed., 2023): RR1 = I / invited,
  RR2 = (I + P) / invited, and the share of those who started that completed; breakoffs counted from the data
  when the block does not give them.
- `design_weights`: post-stratification to one frame variable, raking (iterative proportional fitting) to
  several; a weight column of the export is taken as given. No frame: every weight is 1, and said so.
- `weighted_means`: weighted means of the respondents' factor scores, overall and by stakeholder group, with
  Taylor-linearised standard errors (pilot bodies as clusters when there are enough of them), Kish's design
  effect of the weights and the effective n, beside the unweighted mean.
- `cluster_effects`: the intraclass correlation of each factor's scores within pilot bodies (one-way ANOVA
  estimator) and the design effect it implies.

A judgment, snowball or convenience sample supports no estimate for a population: `supports_population_estimates`
says so, and the report then prints none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.codebook import OUTCOME_COUNTS, Codebook

#: The selections that support estimates for a population (codebook.SELECTIONS lists them all).
POPULATION_SELECTIONS = ("census", "probability")
#: A respondent who answered at least this share of the statements before stopping is a partial interview,
#: below it a breakoff (AAPOR 2023 leaves the cut to the researcher and names 50 % as a common one).
PARTIAL_FROM = 0.5
#: Cluster-robust (linearised) intervals need enough clusters: below this many pilot bodies they are too narrow
#: (Cameron and Miller 2015 find 20-50 "few"); with fewer, the design effect from the ICC is stated instead.
MIN_CLUSTERS = 20
#: The ICC needs at least this many clusters (with two, its between-cluster variance has one degree of freedom).
MIN_CLUSTERS_FOR_ICC = 3
RAKING_TOLERANCE = 1e-10
RAKING_ITERATIONS = 1000


@dataclass(frozen=True)
class Design:
    """The codebook's `design:` block, checked. `frame` maps a respondent variable to its population counts."""

    selection: str
    frame: dict[str, dict[str, float]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    fieldwork: tuple[str, str] | None = None
    weight_column: str | None = None
    cluster: str = "pilot_body"
    waves: int | None = None
    description: dict | None = None

    @property
    def supports_population_estimates(self) -> bool:
        return self.selection in POPULATION_SELECTIONS


def read_design(codebook: Codebook) -> Design | None:
    """The dataset's design, or None when the codebook has no `design:` block (the report then says so)."""
    block = codebook.raw.get("design")
    if not block:
        return None
    fieldwork = block.get("fieldwork") or {}
    return Design(
        selection=block["selection"],
        frame={
            var: {str(k): float(v) for k, v in counts.items()} for var, counts in (block.get("frame") or {}).items()
        },
        counts={key: int(block[key]) for key in OUTCOME_COUNTS if block.get(key) is not None},
        fieldwork=(str(fieldwork["start"]), str(fieldwork["end"])) if fieldwork else None,
        weight_column=block.get("weight_column"),
        cluster=block.get("cluster", "pilot_body"),
        waves=block.get("waves"),
        description=block.get("description"),
    )


# --- outcome rates ---------------------------------------------------------------------------
def respondent_completion(likert: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per respondent: answered (a score or "no opinion"), n_statements, and `status`: complete (reached the last
    statement), partial (stopped after at least PARTIAL_FROM of them) or breakoff (stopped earlier). A respondent
    stopped when every statement after their last answer, in the questionnaire's order, is blank: at least two
    of them, as one blank last answer is an item left out, not a stop."""
    order = {s: i for i, s in enumerate(codebook.statements()["statement_id"])}
    k = len(order)
    answered = likert.assign(
        position=likert["statement_id"].astype(str).map(order).astype(float),
        given=likert["score"].notna() | likert["missing_reason"].astype(object).fillna("blank").ne("blank"),
    )
    per = answered.groupby("respondent_id", sort=False).agg(answered=("given", "sum"))
    last_given = answered.loc[answered["given"]].groupby("respondent_id", sort=False)["position"].max()
    per["last"] = last_given.reindex(per.index).fillna(-1).astype(int)
    trailing = k - 1 - per["last"]
    per["n_statements"] = k
    per["status"] = np.where(
        trailing < 2, "complete", np.where(per["answered"] >= PARTIAL_FROM * k, "partial", "breakoff")
    )
    return per.drop(columns="last").reset_index()


def outcome_rates(design: Design | None, completion: pd.DataFrame) -> pd.DataFrame:
    """One row per count and rate: measure, value, source ('codebook' or 'data'). Rates need `invited`."""
    counted = completion["status"].value_counts()
    given = design.counts if design else {}
    counts = {
        "completes": given.get("completes", int(counted.get("complete", 0))),
        "partials": given.get("partials", int(counted.get("partial", 0))),
        "breakoffs": given.get("breakoffs", int(counted.get("breakoff", 0))),
    }
    rows = [
        {"measure": key, "value": float(value), "source": "codebook" if key in given else "data"}
        for key, value in counts.items()
    ]
    for key in ("invited", "refusals", "non_contacts"):
        if key in given:
            rows.append({"measure": key, "value": float(given[key]), "source": "codebook"})
    started = counts["completes"] + counts["partials"] + counts["breakoffs"]
    if started:
        rows.append({"measure": "completion_rate", "value": counts["completes"] / started, "source": "computed"})
    if given.get("invited"):
        invited = given["invited"]
        rows.append({"measure": "RR1", "value": counts["completes"] / invited, "source": "computed"})
        rows.append(
            {"measure": "RR2", "value": (counts["completes"] + counts["partials"]) / invited, "source": "computed"}
        )
    return pd.DataFrame(rows, columns=["measure", "value", "source"])


# --- weights -----------------------------------------------------------------------------------
def rake(sample: pd.DataFrame, margins: dict[str, dict[str, float]], base: pd.Series | None = None) -> pd.Series:
    """Weights whose weighted counts equal every margin (iterative proportional fitting, Deming and Stephan 1940).

    With one margin this is post-stratification: each respondent's weight is N_h / n_h of their category.
    A category of the sample that a margin lacks, or a margin category nobody in the sample is in, is an error:
    no weight can make up for it."""
    weights = pd.Series(1.0, index=sample.index) if base is None else base.astype(float).copy()
    for variable, counts in margins.items():
        present = set(sample[variable].astype(str))
        if present - set(counts):
            raise ValueError(f"design.frame.{variable}: no population count for {sorted(present - set(counts))}")
        if set(counts) - present:
            raise ValueError(
                f"design.frame.{variable}: no respondent in {sorted(set(counts) - present)}, which the frame counts"
            )
    keys_of = {variable: sample[variable].astype(str) for variable in margins}
    for _ in range(RAKING_ITERATIONS):
        worst = 0.0
        for variable, counts in margins.items():
            keys = keys_of[variable]
            totals = weights.groupby(keys).sum()
            # Each category's factor once, then looked up per respondent (a function call per respondent cost
            # most of the raking of a census).
            factor = keys.map({k: counts[k] / totals[k] for k in totals.index})
            worst = max(worst, float((factor - 1).abs().max()))
            weights = weights * factor
        if worst < RAKING_TOLERANCE:
            return weights
    raise ValueError(f"the weights did not converge to design.frame in {RAKING_ITERATIONS} rounds of raking")


def design_weights(respondents: pd.DataFrame, design: Design | None) -> tuple[pd.Series, str]:
    """A weight per respondent (indexed by respondent_id) and how it was made, one of: 'given' (the export's
    weight column), 'post-stratified', 'raked', 'none' (no frame: every weight 1)."""
    people = respondents.set_index("respondent_id")
    if design and design.weight_column and design.weight_column in people:
        return people[design.weight_column].astype(float).rename("weight"), "given"
    if not design or not design.frame:
        return pd.Series(1.0, index=people.index, name="weight"), "none"
    weights = rake(people, design.frame)
    return weights.rename("weight"), "post-stratified" if len(design.frame) == 1 else "raked"


def kish_deff(weights: pd.Series | np.ndarray) -> float:
    """Kish's design effect of unequal weights: n * sum(w^2) / (sum w)^2 (1 for equal weights)."""
    w = np.asarray(weights, dtype=float)
    return float(len(w) * (w**2).sum() / w.sum() ** 2) if len(w) else np.nan


def linearized_mean(y: np.ndarray, w: np.ndarray, clusters: np.ndarray | None = None) -> tuple[float, float, int]:
    """The weighted mean of y, its Taylor-linearised standard error with clusters as primary sampling units
    (each respondent its own unit when `clusters` is None; with-replacement approximation, no finite-population
    correction) and the number of units, as R's survey::svymean gives for svydesign(ids=~cluster, weights=~w)."""
    y, w = np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    total = w.sum()
    mean = float((w * y).sum() / total)
    scores = w * (y - mean) / total
    units = np.arange(len(y)) if clusters is None else pd.factorize(np.asarray(clusters))[0]
    per_unit = np.bincount(units, weights=scores)
    g = len(per_unit)
    se = float(np.sqrt(g / (g - 1) * (per_unit**2).sum())) if g > 1 else np.nan
    return mean, se, g


def weighted_means(
    factor_scores: pd.DataFrame, weights: pd.Series, respondents: pd.DataFrame, cluster: str = "pilot_body"
) -> pd.DataFrame:
    """Per factor, overall ('all') and per stakeholder group: n, the unweighted mean with its t-interval, the
    weighted mean with its linearised t-interval, Kish's deff and the effective n, and `clustered` (whether
    the pilot bodies were the units of the standard error: only with MIN_CLUSTERS of them or more)."""
    from scipy.stats import t as student_t

    scored = factor_scores.merge(
        respondents[["respondent_id", cluster]] if cluster in respondents else respondents[["respondent_id"]],
        on="respondent_id",
        how="left",
    )
    scored["weight"] = scored["respondent_id"].map(weights)
    if cluster in scored:
        # A respondent without a pilot body is a unit of their own.
        scored["unit"] = scored[cluster].astype(object).where(scored[cluster].notna(), "~" + scored["respondent_id"])
    else:
        scored["unit"] = scored["respondent_id"]
    n_clusters = scored["unit"].nunique()
    clustered = cluster in respondents and n_clusters >= MIN_CLUSTERS
    rows = []
    for factor_id, of_factor in scored.groupby("factor_id", sort=False):
        parts = [("all", of_factor)] + list(of_factor.groupby("stakeholder", sort=False))
        for group, part in parts:
            n = len(part)
            y, w = part["score"].to_numpy(float), part["weight"].to_numpy(float)
            row = {"factor_id": factor_id, "stakeholder": group, "n": n, "mean": y.mean()}
            if n > 1:
                half = student_t.ppf(0.975, n - 1) * y.std(ddof=1) / np.sqrt(n)
                row.update(ci_low=row["mean"] - half, ci_high=row["mean"] + half)
            mean_w, se_w, units = linearized_mean(y, w, part["unit"].to_numpy() if clustered else None)
            row["mean_weighted"] = mean_w
            if units > 1:
                half_w = student_t.ppf(0.975, units - 1) * se_w
                row.update(ci_low_weighted=mean_w - half_w, ci_high_weighted=mean_w + half_w)
            deff = kish_deff(w)
            row.update(deff_weights=deff, n_effective=n / deff, clustered=clustered)
            rows.append(row)
    columns = [
        "factor_id",
        "stakeholder",
        "n",
        "mean",
        "ci_low",
        "ci_high",
        "mean_weighted",
        "ci_low_weighted",
        "ci_high_weighted",
        "deff_weights",
        "n_effective",
        "clustered",
    ]
    return pd.DataFrame(rows).reindex(columns=columns)


def factor_means_and_differences(wide: pd.DataFrame, weights: pd.Series | None = None) -> tuple[dict, dict]:
    """From respondents x factors (their factor scores): each factor's mean over the respondents who have it,
    weighted by `weights` (respondent_id -> weight; None: equally), and for every ordered pair (a, b) the 95 %
    interval of the mean paired difference a - b over the respondents who have both (linearised standard error,
    t quantile): the factor order with respondents, or the population, weighing in."""
    from scipy.stats import t as student_t

    w = wide.index.map(weights).to_numpy(float) if weights is not None else np.ones(len(wide))
    values, intervals = {}, {}
    for f in wide.columns:
        present = wide[f].notna().to_numpy()
        if present.any():
            values[f] = float(np.average(wide[f].to_numpy()[present], weights=w[present]))
    for a in values:
        for b in values:
            both = (wide[a].notna() & wide[b].notna()).to_numpy()
            if a == b or both.sum() < 2:
                continue
            mean, se, units = linearized_mean((wide[a] - wide[b]).to_numpy()[both], w[both])
            half = student_t.ppf(0.975, units - 1) * se
            intervals[(a, b)] = (mean - half, mean + half)
    return values, intervals


# --- clusters ------------------------------------------------------------------------------------
def icc_anova(scores: pd.Series, clusters: pd.Series) -> tuple[float, float]:
    """The intraclass correlation ICC(1) by the one-way ANOVA estimator, with unequal cluster sizes
    (n0 = (N - sum n_j^2 / N) / (J - 1)), and the mean cluster size. NaN with fewer than MIN_CLUSTERS_FOR_ICC
    clusters or fewer than two respondents a cluster on average: between-cluster variance is not estimable."""
    frame = pd.DataFrame({"y": scores.to_numpy(float), "c": clusters.to_numpy()}).dropna()
    sizes = frame.groupby("c")["y"].size()
    j, n = len(sizes), len(frame)
    if j < MIN_CLUSTERS_FOR_ICC or n < 2 * j:
        return np.nan, float(sizes.mean()) if j else np.nan
    grand = frame["y"].mean()
    means = frame.groupby("c")["y"].mean()
    msb = float((sizes * (means - grand) ** 2).sum() / (j - 1))
    msw = float(((frame["y"] - frame["c"].map(means)) ** 2).sum() / (n - j))
    n0 = (n - (sizes**2).sum() / n) / (j - 1)
    return (msb - msw) / (msb + (n0 - 1) * msw), float(sizes.mean())


def cluster_effects(
    factor_scores: pd.DataFrame, respondents: pd.DataFrame, cluster: str = "pilot_body"
) -> pd.DataFrame:
    """Per factor: n, n_clusters, the ICC of respondents' factor scores within `cluster`, the mean cluster size
    and the design effect 1 + (m - 1) ICC (ICC below 0 counts as 0: clustering cannot make means surer)."""
    columns = ["factor_id", "n", "n_clusters", "icc", "mean_cluster_size", "deff_cluster"]
    if cluster not in respondents:
        return pd.DataFrame(columns=columns)
    scored = factor_scores.merge(respondents[["respondent_id", cluster]], on="respondent_id", how="left")
    rows = []
    for factor_id, part in scored.groupby("factor_id", sort=False):
        part = part.dropna(subset=[cluster])
        icc, size = icc_anova(part["score"], part[cluster])
        rows.append(
            {
                "factor_id": factor_id,
                "n": len(part),
                "n_clusters": part[cluster].nunique(),
                "icc": icc,
                "mean_cluster_size": size,
                "deff_cluster": 1 + (size - 1) * max(icc, 0.0) if not np.isnan(icc) else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=columns)


# --- the design as the report states it -------------------------------------------------------------
def fieldwork_dates(design: Design | None, respondents: pd.DataFrame) -> tuple[str, str] | None:
    """The fieldwork's first and last day: the codebook's, else the span of the interview dates, else None."""
    if design and design.fieldwork:
        return design.fieldwork
    if "interview_date" in respondents and respondents["interview_date"].notna().any():
        dates = respondents["interview_date"].dropna().astype(str)
        return dates.min(), dates.max()
    return None


def design_facts(
    design: Design | None, respondents: pd.DataFrame, completion: pd.DataFrame, weighting: str
) -> pd.DataFrame:
    """measure, value: the design as data for the report — selection, population_estimates (yes/no), respondents,
    the outcome counts and rates, fieldwork_start/end, weighting (how the weights were made), pilot_bodies."""
    rows = [
        ("selection", design.selection if design else "not stated"),
        ("population_estimates", "yes" if design and design.supports_population_estimates else "no"),
        ("respondents", len(respondents)),
    ]
    if design and design.waves is not None:
        rows.append(("waves", design.waves))
    rows += [(r.measure, r.value) for r in outcome_rates(design, completion).itertuples()]
    dates = fieldwork_dates(design, respondents)
    if dates:
        rows += [("fieldwork_start", dates[0]), ("fieldwork_end", dates[1])]
    rows.append(("weighting", weighting))
    if "pilot_body" in respondents:
        rows.append(("pilot_bodies", int(respondents["pilot_body"].nunique())))
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": str})


def weights_for(
    respondents: pd.DataFrame, codebook: Codebook, pilot_body: str = "", withheld: pd.DataFrame | None = None
) -> tuple[pd.Series | None, str]:
    """The design's weights (None when every respondent counts once) and how they were made: 'given',
    'post-stratified', 'raked', 'none', or 'failed: <why>' (a frame the respondents cannot be weighted to), or
    'none: one pilot body' — a report on one body (`pilot_body`) is not weighted, as a frame's margins by
    stakeholder type count the staff of every body together — or 'none: types withheld' when stakeholder types
    below the disclosure threshold (`withheld`, disclosure.withheld_types) are left out: the frame counts
    their staff too."""
    design = read_design(codebook)
    if pilot_body and design and design.frame and not design.weight_column:
        return None, "none: one pilot body"
    if withheld is not None and len(withheld) and design and design.frame and not design.weight_column:
        return None, "none: types withheld"
    try:
        weights, how = design_weights(respondents, design)
    except ValueError as error:
        return None, f"failed: {error}"
    return (None if how == "none" else weights), how


def analyse(
    likert: pd.DataFrame,
    respondents: pd.DataFrame,
    codebook: Codebook,
    factor_scores: pd.DataFrame,
    pilot_body: str = "",
    withheld: pd.DataFrame | None = None,
    everyone: dict[str, pd.DataFrame] | None = None,
) -> dict:
    """The design's tables: `design` (design_facts), `weighted_means` (only where the design supports population
    estimates: else empty, and the report says why), `cluster_effects`. `factor_scores` are the respondents'
    (stats.respondent_factor_scores). Rows follow the codebook's order of factors and stakeholder types.
    `withheld` and `everyone` (tables.analysed_data): the types below the disclosure threshold, and the data before
    they were left out, whose respondents the outcome counts and response rates count (counts, never answers)."""
    design = read_design(codebook)
    counted = everyone or {"likert": likert, "respondents": respondents}
    completion = respondent_completion(counted["likert"], codebook)
    weights, weighting = weights_for(respondents, codebook, pilot_body, withheld)
    if weights is None:
        weights = pd.Series(1.0, index=respondents["respondent_id"])
    factor_order = {f: i for i, f in enumerate(codebook.factors()["factor_id"])}
    group_order = {"all": -1} | {g: i for i, g in enumerate(codebook.stakeholders()["code"])}
    cluster = design.cluster if design else "pilot_body"
    means = weighted_means(factor_scores, weights, respondents, cluster)
    if not (design and design.supports_population_estimates):
        means = means.iloc[0:0]
    means = means.sort_values(
        ["factor_id", "stakeholder"],
        key=lambda c: c.map(factor_order if c.name == "factor_id" else group_order),
        kind="stable",
    ).reset_index(drop=True)
    return {
        "design": design_facts(design, counted["respondents"], completion, weighting),
        "weighted_means": means,
        "cluster_effects": cluster_effects(factor_scores, respondents, cluster),
    }
