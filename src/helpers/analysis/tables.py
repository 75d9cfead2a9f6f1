"""Aggregations over stakeholder groups, and the paper's Tables 1-3 built from them.

One code path serves the paper and the larger study: every table aggregates
over stakeholder groups. With one respondent per group (the paper) the
aggregate of a group *is* that respondent's answer, so the cells read as the
paper prints them; with many respondents the same functions give counts,
shares, means, medians and ranges, with n per group, and never list individuals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import DEFAULT_LANGUAGE, Codebook, label
from helpers.files import write_csv
from helpers import i18n
from helpers.analysis import stats
from helpers.i18n import say, ui


def unknown_wording(lang: str = DEFAULT_LANGUAGE) -> str:
    """Shown where the source does not give an option's wording."""
    return ui(lang)["unknown_wording"]


# --- formatting of single values -------------------------------------------------------
def format_months(months: float, lower_bound: bool = False, lang: str = DEFAULT_LANGUAGE) -> str:
    """65 -> '5 years 5 months'; 120 with lower_bound -> 'More than 10 years'; 4 -> '4 months'; a median between
    two whole months keeps its half: 43.5 -> '3 years 7.5 months' (never cut to a whole month)."""
    years, rest = divmod(float(months), 12)
    years = int(years)
    # "More than" takes the genitive in Russian ("Более 1 года", "Более 2 лет"), a unit of its own.
    case = "_gen" if lower_bound and "years_gen" in i18n.units(lang) else ""
    parts = []
    if years:
        parts.append(i18n.count(years, "years" + case, lang))
    if rest or not years:
        parts.append(i18n.count(rest, "months" + case, lang))
    text = " ".join(parts)
    return say(lang, "more_than", duration=text) if lower_bound else text


def format_years(years: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """45 -> '45 years'; a median of 43.5 stays '43.5 years' (never cut to 43)."""
    return i18n.count(float(years), "years", lang)


def format_date(iso_date: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """'2019-11-04' -> 'November 4, 2019' ('4 ноября 2019 г.' in Russian), whatever the machine's locale."""
    return i18n.date(iso_date, lang)


def format_score(value: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole score as '4', an average as '4.33' ('4,33' in Russian and Kazakh)."""
    return str(int(value)) if float(value).is_integer() else i18n.number(value, lang)


# --- groups -----------------------------------------------------------------------------
def group_sizes(respondents: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """stakeholder, label, short, n: the groups present in the data, in the codebook's order."""
    counts = respondents["stakeholder"].value_counts()
    counts = counts.loc[counts > 0]  # a categorical column also counts the types nobody in this selection has
    groups = codebook.stakeholders(lang)
    groups = groups.loc[groups["code"].isin(counts.index)].copy()
    groups["n"] = groups["code"].map(counts).astype(int)
    return groups.rename(columns={"code": "stakeholder"})[["stakeholder", "label", "short", "n"]].reset_index(drop=True)


def _column_labels(groups: pd.DataFrame) -> dict[str, str]:
    """Column headings: the codebook label, with n where a group has more than one respondent."""
    many = (groups["n"] > 1).any()
    return {row.stakeholder: (f"{row.label} (n = {row.n})" if many else row.label) for row in groups.itertuples()}


# --- Likert statements and factors -------------------------------------------------------
def statement_summary(likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Per stakeholder group x statement: n answers, n missing, mean and median score; `suppressed` where fewer
    than the disclosure threshold answered (no mean or median then).

    Rows follow the codebook's order of statements and stakeholders.
    """
    scored = likert.assign(answered=likert["score"].notna())
    summary = (
        scored.groupby(["stakeholder", "statement_id"], sort=False)
        .agg(
            n=("answered", "sum"),
            n_missing=("answered", lambda a: int((~a).sum())),
            mean=("score", "mean"),
            median=("score", "median"),
        )
        .reset_index()
    )
    statements = codebook.statements(lang)
    groups = codebook.stakeholders(lang)[["code", "order"]].rename(
        columns={"code": "stakeholder", "order": "stakeholder_order"}
    )
    summary = (
        summary.merge(statements, on="statement_id", how="left", validate="m:1")
        .merge(groups, on="stakeholder", how="left", validate="m:1")
        .sort_values(["order", "stakeholder_order"], kind="stable")
    )
    summary["n"] = summary["n"].astype(int)
    # A mean of fewer answers than the disclosure threshold would show those few people's answers: left blank.
    summary["suppressed"] = (summary["n"] > 0) & (summary["n"] < codebook.disclosure_threshold)
    summary.loc[summary["suppressed"], ["mean", "median"]] = float("nan")
    columns = [
        *("factor_id", "factor", "statement_id", "statement", "stakeholder"),
        *("n", "n_missing", "mean", "median", "suppressed"),
    ]
    return summary[columns].reset_index(drop=True)


def factor_summary(likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Per stakeholder group x factor: the group's score (`mean`), its rank, and the answers behind it.

    `mean` is the group's factor score as stats.group_factor_scores defines it for the whole report: the mean
    over the group's respondents of each one's factor score (the mean of their answers to its statements).
    Pooling the group's answers instead would weigh a respondent by how many statements they answered and give
    the report a second factor order beside factor_weighting.csv's; with one respondent per group and no blank
    (the paper) the two are equal. `n_scores` and `median` describe the group's answers to the factor's
    statements, pooled. A factor nobody in the group answered is kept, missing: no mean, median or rank.
    Rank 1 is the factor the group rates highest; tied means share the best rank.
    """
    answers = (
        likert.groupby(["stakeholder", "factor_id"], sort=False)["score"]
        .agg(n_scores="count", median="median")
        .reset_index()
    )
    scores = stats.group_factor_scores(likert)[["stakeholder", "factor_id", "score"]].rename(columns={"score": "mean"})
    summary = answers.merge(scores, on=["stakeholder", "factor_id"], how="left", validate="1:1")
    summary["mean"] = summary["mean"].astype(mean_dtype(likert["score"]))
    summary["rank"] = rank_factors(summary)
    factors = codebook.factors(lang).rename(columns={"order": "factor_order"})
    groups = codebook.stakeholders(lang)[["code", "order"]].rename(
        columns={"code": "stakeholder", "order": "stakeholder_order"}
    )
    summary = (
        summary.merge(factors, on="factor_id", how="left", validate="m:1")
        .merge(groups, on="stakeholder", how="left", validate="m:1")
        .sort_values(["stakeholder_order", "factor_order"], kind="stable")
    )
    columns = ["stakeholder", "factor_id", "factor", "factor_short", "n_scores", "mean", "median", "rank"]
    return summary[columns].reset_index(drop=True)


def mean_dtype(score: pd.Series) -> str:
    """The type pandas gives a mean of `score`: Float64 for the nullable integer scores read from likert.csv,
    float64 for plain ones. The group means are computed from float respondent scores; keeping pandas' type
    keeps how the tables step prints them (4.0, not 4.00) as it was."""
    return "Float64" if isinstance(score.dtype, pd.api.extensions.ExtensionDtype) else "float64"


def rank_factors(summary: pd.DataFrame) -> pd.Series:
    """Each factor's rank within its group by `mean` (1 = highest, ties share the best rank); missing (<NA>)
    where the group has no mean for it, so one blank factor leaves the others' ranks as they are."""
    return summary.groupby("stakeholder", observed=True)["mean"].rank(ascending=False, method="min").astype("Int64")


def factor_ranking(likert: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Overall factor priority: the mean of the stakeholder groups' factor means (each group weighs the same).

    Weighting groups equally keeps a large group from outvoting the others; with
    one respondent per group it is simply the mean over respondents.
    """
    per_group = factor_summary(likert, codebook, lang)
    overall = (
        per_group.groupby(["factor_id", "factor", "factor_short"], sort=False)
        .agg(
            mean=("mean", "mean"),
            lowest_group_mean=("mean", "min"),
            highest_group_mean=("mean", "max"),
            groups_ranking_first=("rank", lambda r: int((r == 1).sum())),
        )
        .reset_index()
    )
    # A factor no group has a mean for (nobody answered it) stays in the table, without a rank, last.
    overall["rank"] = overall["mean"].rank(ascending=False, method="min").astype("Int64")
    return overall.sort_values(["rank", "factor_id"], kind="stable", na_position="last").reset_index(drop=True)


def format_cell_summary(mean: float, sd: float, n: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """One Table 3 cell for a group of several respondents: 'M (SD), n = k', two decimals throughout, with the
    decimal sign of `lang`, rounded half away from zero (i18n.number)."""
    if n == 0:
        return ""
    two = lambda value: i18n.number(value, lang, 2)  # noqa: E731
    spread = two(sd) if n > 1 else "–"
    return f"{two(mean)} ({spread}), n = {n}"


def table3(
    likert: pd.DataFrame, respondents: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """Table 3: Factor, Statement, then one column per stakeholder group.

    One respondent per group: the score itself, as the paper prints it. Several: each cell is
    'mean (SD), n = answers on the scale', with two decimals throughout, as journals print it; 'suppressed'
    where fewer than the disclosure threshold answered.
    """
    groups = group_sizes(respondents, codebook, lang)
    statements = codebook.statements(lang).set_index("statement_id")
    if (groups["n"] == 1).all():
        summary = statement_summary(likert, codebook, lang)
        wide = summary.pivot(index="statement_id", columns="stakeholder", values="mean")
        wide = wide.reindex(index=statements.index, columns=groups["stakeholder"]).astype("Int64")
    else:
        stats = likert.groupby(["stakeholder", "statement_id"], observed=True)["score"].agg(["mean", "std", "count"])
        below = codebook.disclosure_threshold
        cells = pd.Series(
            [
                ui(lang)["suppressed_cell"]
                if 0 < r.count < below
                else format_cell_summary(r.mean, r.std, int(r.count), lang)
                for r in stats.itertuples()
            ],
            index=stats.index,
            dtype=object,
        )
        wide = cells.unstack("stakeholder").reindex(index=statements.index, columns=groups["stakeholder"]).fillna("")
    words = ui(lang)
    table = pd.concat(
        [
            statements[["factor", "statement"]].rename(
                columns={"factor": words["factor"], "statement": words["statement"]}
            ),
            wide,
        ],
        axis=1,
    )
    return table.rename(columns=_column_labels(groups)).reset_index(drop=True)


# --- Multiple-choice questions ------------------------------------------------------------
def _suppressed_keys(suppressed: pd.DataFrame | None, table: str) -> set:
    """(stakeholder, item, value) of the cells of `table` a report suppresses (analysed_data's `suppressed`)."""
    if suppressed is None or suppressed.empty:
        return set()
    cells = suppressed.loc[suppressed["table"] == table]
    return set(zip(cells["stakeholder"].astype(str), cells["item"].astype(str), cells["value"].astype(str)))


def option_counts(
    choices: pd.DataFrame,
    respondents: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    suppressed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per stakeholder group x question x option: how many chose it, out of n, and the share.

    Every option of the codebook appears, chosen or not, in the codebook's order. A cell of `suppressed`
    (analysed_data's: disclosure.suppressed_counts) has neither count nor share, and `suppressed` true.
    """
    groups = group_sizes(respondents, codebook, lang)
    options = codebook.options(lang)
    grid = groups[["stakeholder", "n"]].merge(options[["question_id", "letter", "text", "known", "other"]], how="cross")
    chosen = (
        choices.drop_duplicates(["respondent_id", "question_id", "option"])
        .groupby(["stakeholder", "question_id", "option"])
        .size()
        .rename("n_chose")
        .reset_index()
        .rename(columns={"option": "letter"})
    )
    counts = grid.merge(chosen, on=["stakeholder", "question_id", "letter"], how="left")
    counts["n_chose"] = counts["n_chose"].fillna(0).astype(int)
    counts["share"] = counts["n_chose"] / counts["n"]
    hidden = _suppressed_keys(suppressed, "table2")
    counts["suppressed"] = [
        (str(t), str(q), str(o)) in hidden
        for t, q, o in zip(counts["stakeholder"], counts["question_id"], counts["letter"])
    ]
    if hidden:
        counts["n_chose"] = counts["n_chose"].astype("Int64").mask(counts["suppressed"])
        counts["share"] = counts["share"].mask(counts["suppressed"])
    q_order = {q: i for i, q in enumerate(codebook.questions()["question_id"])}
    g_order = {g: i for i, g in enumerate(groups["stakeholder"])}
    counts = counts.sort_values(
        ["question_id", "stakeholder"],
        key=lambda s: s.map(q_order if s.name == "question_id" else g_order),
        kind="stable",
    )
    return counts.rename(columns={"n": "n_group"}).reset_index(drop=True)


def _option_text(letter: str, text: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    return f"{letter}) {text if isinstance(text, str) else unknown_wording(lang)}"


def table2(
    choices: pd.DataFrame,
    respondents: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    suppressed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Table 2: the multiple-choice questions by stakeholder group.

    One respondent per group, as the paper prints it: one row per question, each cell the options the
    respondent chose ("A) ... B) ..."; free text as "E) Other-<text>"). Several: a matrix of options x
    groups, the question in the first column, each cell "count (share)", or "suppressed" for a cell of
    `suppressed` (option_counts); no option's wording is repeated.
    """
    groups = group_sizes(respondents, codebook, lang)
    counts = option_counts(choices, respondents, codebook, lang, suppressed)
    questions = codebook.questions(lang)
    words = ui(lang)
    header = codebook.table_text("table2", "question_header", lang) or words["question"]
    if (groups["n"] > 1).any():
        hidden = words["suppressed_cell"]
        cells = counts.assign(
            cell=[
                hidden if row.suppressed else f"{row.n_chose} ({i18n.percent(row.share, lang)})"
                for row in counts.itertuples()
            ]
        )
        wide = cells.pivot(index=["question_id", "letter"], columns="stakeholder", values="cell")
        options = codebook.options(lang)
        index = list(zip(options["question_id"], options["letter"]))
        wide = wide.reindex(index=index, columns=groups["stakeholder"]).reset_index(drop=True)
        texts = dict(zip(questions["question_id"], questions["text"]))
        table = pd.DataFrame(
            {
                header: [texts[q] for q in options["question_id"]],
                words["option"]: [_option_text(o.letter, o.text, lang) for o in options.itertuples()],
            }
        )
        return pd.concat([table, wide], axis=1).rename(columns=_column_labels(groups))
    free_text = (
        choices.dropna(subset=["free_text"])
        .groupby(["stakeholder", "question_id", "option"])["free_text"]
        .agg(lambda t: "; ".join(sorted(set(t))))
    )
    cells = {}
    for (question_id, stakeholder), block in counts.groupby(["question_id", "stakeholder"], sort=False):
        block = block.loc[block["n_chose"] > 0]
        parts = []
        for row in block.itertuples():
            text = _option_text(row.letter, row.text, lang)
            extra = free_text.get((stakeholder, question_id, row.letter))
            parts.append(f"{text}-{extra}" if extra else text)
        cells[(question_id, stakeholder)] = " ".join(parts)
    table = pd.DataFrame({header: questions["text"]})
    for stakeholder in groups["stakeholder"]:
        table[stakeholder] = [cells.get((q, stakeholder), "") for q in questions["question_id"]]
    return table.rename(columns=_column_labels(groups))


# --- Respondents' profile ------------------------------------------------------------------
def _profile_cell(
    values: pd.DataFrame,
    spec: dict,
    footnotes: dict[str, tuple[str, str]],
    note_field: str | None,
    lang: str = DEFAULT_LANGUAGE,
    hidden: frozenset = frozenset(),
) -> str:
    """One Table 1 cell for one group: the respondent's value, or a summary when there are several (a
    category's count "suppressed" where the category is in `hidden`)."""
    kind, column = spec["type"], spec["id"]
    n = len(values)
    if kind == "years":
        series = values[f"{column}_years"].dropna()
        if series.empty:
            return ""
        if n == 1:
            return format_years(series.iloc[0], lang)
        return say(
            lang,
            "median_range",
            median=format_years(series.median(), lang),
            low=format_years(series.min(), lang),
            high=format_years(series.max(), lang),
        )
    if kind == "decimal_years":
        series = values[f"{column}_years_decimal"].dropna()
        if series.empty:
            return ""
        if n == 1:
            return i18n.count(series.iloc[0], "years", lang)
        return say(
            lang,
            "median_range",
            median=i18n.count(series.median(), "years", lang),
            low=i18n.count(series.min(), "years", lang),
            high=i18n.count(series.max(), "years", lang),
        )
    if kind == "duration":
        months, bound = values[f"{column}_months"], values[f"{column}_lower_bound"]
        ok = months.notna()
        if not ok.any():
            return ""
        if n == 1:
            return format_months(months.iloc[0], bool(bound.iloc[0]), lang)
        text = say(
            lang,
            "median_range",
            median=format_months(months[ok].median(), lang=lang),
            low=format_months(months[ok].min(), lang=lang),
            high=format_months(months[ok].max(), lang=lang),
        )
        return text + (" " + ui(lang)["some_lower_bounds"] if bound[ok].any() else "")
    if kind == "date":
        dates = values[column].dropna()
        if dates.empty:
            return ""
        if n == 1:
            marker = ""
            if note_field is not None and pd.notna(values[note_field].iloc[0]):
                marker = footnotes[values[note_field].iloc[0]][0]
            return format_date(dates.iloc[0], lang) + marker
        return f"{format_date(dates.min(), lang)} – {format_date(dates.max(), lang)}"
    if kind == "category":
        counts = values[column].value_counts()
        if n == 1:
            return "" if counts.empty else category_label(spec, str(counts.index[0]), lang)
        return ", ".join(
            f"{category_label(spec, v, lang)} {ui(lang)['suppressed_cell'] if v in hidden else counts[v]}"
            for v in [str(x) for x in spec["values"]]
            if v in counts or v in hidden  # a suppressed category that none chose is suppressed, not left out
        )
    # Free text identifies a person: shown only for a group of one, as in the paper.
    if n == 1:
        value = values[column].iloc[0]
        return "" if pd.isna(value) else str(value)
    return ui(lang)["not_shown_for_groups"]


def category_label(spec: dict, value: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A category's label in `lang` from the profile field's `value_labels`, else the value as the export has it."""
    return label((spec.get("value_labels") or {}).get(value), lang) or value


def table1(
    respondents: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    suppressed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Table 1: Parameter, then one column per stakeholder group (the profile of each group); a category's
    count of `suppressed` (analysed_data's: disclosure.suppressed_counts) reads "suppressed"."""
    hidden = _suppressed_keys(suppressed, "table1")
    groups = group_sizes(respondents, codebook, lang)
    footnotes = codebook.footnotes(lang)
    note_fields = {f["applies_to"]: f["id"] for f in codebook.profile() if f["type"] == "footnote"}
    shown = [f for f in codebook.profile() if f["type"] not in ("footnote", "weight")]  # a weight is no profile
    rows = []
    if (groups["n"] > 1).any():
        rows.append({"Parameter": ui(lang)["respondents_n"], **{g.stakeholder: str(g.n) for g in groups.itertuples()}})
    for spec in shown:
        row = {"Parameter": label(spec.get("label"), lang) or spec["id"]}
        for stakeholder in groups["stakeholder"]:
            members = respondents.loc[respondents["stakeholder"] == stakeholder]
            mine = frozenset(v for t, item, v in hidden if t == str(stakeholder) and item == spec["id"])
            row[stakeholder] = _profile_cell(members, spec, footnotes, note_fields.get(spec["id"]), lang, mine)
        rows.append(row)
    return pd.DataFrame(rows).rename(columns={**_column_labels(groups), "Parameter": ui(lang)["parameter"]})


def table1_footnotes(respondents: pd.DataFrame, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The footnotes used in Table 1, as 'marker text', in codebook order."""
    used = set()
    for spec in codebook.profile():
        if spec["type"] == "footnote":
            used |= set(respondents[spec["id"]].dropna())
    return [f"{marker} {text}" for key, (marker, text) in codebook.footnotes(lang).items() if key in used]


def table_caption(table: str, codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> str:
    """The caption of Table 1, 2 or 3: the codebook's (the paper's captions for its data), else this project's
    default from ui_text.yaml (`table1_caption` ...): a codebook drafted by `make new-dataset` has none, and
    "Table 1." alone would head the table, the contents and the PDF's bookmarks."""
    return codebook.table_text(table, "caption", lang) or ui(lang)[f"{table}_caption"]


def table_note(
    table: str,
    codebook: Codebook,
    respondents: pd.DataFrame | None = None,
    lang: str = DEFAULT_LANGUAGE,
    suppressed: pd.DataFrame | None = None,
) -> str:
    """The note printed under a table: the codebook's note, then any footnotes used (Table 1), then how many
    of its counts are suppressed (`suppressed`, analysed_data's), where any are."""
    parts = [codebook.table_text(table, "note", lang) or ""]
    if table == "table1" and respondents is not None:
        parts += table1_footnotes(respondents, codebook, lang)
    several = respondents is not None and respondents["stakeholder"].value_counts().max() > 1
    text = " ".join(p for p in parts if p)
    if several and table in ("table2", "table3"):
        # The codebook's note may end without a full stop; the sentence on the cells starts a new one.
        text = (text if not text or text[-1] in ".!?" else text + ".") + " " + ui(lang)[f"{table}_cells"]
    cells = len(_suppressed_keys(suppressed, table))
    if cells:
        sentence = say(lang, "suppressed_counts_note", threshold=codebook.disclosure_threshold, cells=cells)
        text = (text if not text or text[-1] in ".!?" else text + ".") + " " + sentence
    return text.strip()


def group_column(name: str, table: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The column whose values head groups of rows in print: Table 3's factor; Table 2's question where it
    lists options (several respondents per group); None for the others."""
    if name == "table3" or (name == "table2" and ui(lang)["option"] in table.columns):
        return table.columns[0]
    return None


def write_table(table: pd.DataFrame, path) -> None:
    """CSV for people and spreadsheets: same table, same bytes; formula-like text neutralised (helpers.files)."""
    write_csv(table, path)


# --- Pilot bodies ---------------------------------------------------------------------------
ALL_PILOT_BODIES = ""


def select_pilot_body(data: dict[str, pd.DataFrame], pilot_body: str, codebook: Codebook) -> dict[str, pd.DataFrame]:
    """The tidy tables limited to one pilot body (its code); all of them when `pilot_body` is ''."""
    if pilot_body == ALL_PILOT_BODIES:
        return data
    codes = codebook.pilot_bodies()["code"].tolist()
    if pilot_body not in codes:
        raise ValueError(f"pilot_body={pilot_body!r} is not a pilot body of this codebook: {', '.join(codes)}")
    selected = {
        name: frame.loc[frame["pilot_body"] == pilot_body].reset_index(drop=True)
        for name, frame in data.items()
        if "pilot_body" in frame.columns
    }
    if selected["respondents"].empty:
        raise ValueError(f"no respondent in the data belongs to pilot body {pilot_body!r}")
    return {**data, **selected}


def analysed_data(data: dict[str, pd.DataFrame], pilot_body: str, codebook: Codebook) -> dict[str, pd.DataFrame]:
    """What every step after cleaning analyses: the processed tables limited to `pilot_body` ('' for all),
    without the stakeholder types below the disclosure threshold (disclosure.without_withheld_types), and with
    the minimum-items rule marked on the answers (missingness.with_min_items), so that the tables, statistics,
    figures and report share one selection and one factor score. Beside the tables: `withheld`
    (disclosure.withheld_types), `everyone`, the selection before the withheld types were left out, for the
    response rates alone, and `suppressed`, the count cells of Tables 1 and 2 this report suppresses
    (disclosure.suppressed_counts: stakeholder, table, item, value)."""
    from helpers.analysis import disclosure, missingness

    selected = select_pilot_body(data, pilot_body, codebook)
    where = f"pilot body {pilot_body!r}" if pilot_body else ""
    # Whom each report withholds, and which counts it suppresses, follow from all the reports: a body's
    # report and the report of all bodies must not give away together what each hides.
    withheld = disclosure.withheld_types(data["respondents"], codebook, pilot_body)
    shown = disclosure.without_withheld_types(selected, codebook, where, withheld)
    shown = missingness.with_min_items(shown, codebook)
    pattern = disclosure.suppressed_counts(data["respondents"], data["choices"], codebook)
    suppressed = pattern.loc[pattern["report"] == pilot_body].drop(columns="report").reset_index(drop=True)
    # Who was left out, and the selection before: response rates count every respondent (a count, not answers).
    return {**shown, "withheld": withheld, "everyone": selected, "suppressed": suppressed}


def _body_scores(likert: pd.DataFrame, respondents: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's factor scores (stats.respondent_factor_scores, as "Data and methods" defines them) with
    their pilot body ('' for none)."""
    bodies = respondents.set_index("respondent_id")["pilot_body"].astype(object).fillna("")
    scores = stats.respondent_factor_scores(likert)
    return scores.assign(pilot_body=scores["respondent_id"].map(bodies).fillna(""))


def _body_order(codebook: Codebook, present) -> list[str]:
    present = set(present)
    return [c for c in codebook.pilot_bodies()["code"] if c in present] + ([""] if "" in present else [])


def pilot_body_scores(likert: pd.DataFrame, respondents: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Long, per pilot body x factor: n (respondents with a score), mean of the respondents' factor scores and
    its 95 % t interval (cut to the scale), in the codebook's order; respondents of no pilot body as body ''.
    Averaging respondents' scores (not pooling answers) weighs each respondent the same, however many of the
    factor's statements they answered, as every other table of the report does."""
    from helpers.analysis.disclosure import suppressed_rows

    scores = _body_scores(likert, respondents)
    bounds = (min(codebook.scale_values), max(codebook.scale_values))
    sizes = respondents["pilot_body"].astype(object).fillna("").value_counts()
    suppressed = suppressed_rows(sizes, codebook.disclosure_threshold)
    # Each (body, factor)'s scores, in the rows' order, from one grouping: a selection per body and factor
    # made 300 bodies x 16 factors passes over the rows.
    grouped = {
        key: part.to_numpy(float) for key, part in scores.groupby(["pilot_body", "factor_id"], sort=False)["score"]
    }
    empty = np.array([], dtype=float)
    rows = []
    for body in _body_order(codebook, scores["pilot_body"]):
        for factor in codebook.factors()["factor_id"]:
            values = grouped.get((body, factor), empty)
            n = len(values)
            if body in suppressed:  # below the disclosure threshold, or what would give one away
                values = values[:0]
            low, high = stats.t_mean_ci(values, bounds)
            mean = float(values.mean()) if len(values) else float("nan")
            rows.append(
                {
                    "pilot_body": body,
                    "factor_id": factor,
                    "n": n,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "suppressed": body in suppressed,
                }
            )
    return pd.DataFrame(rows, columns=["pilot_body", "factor_id", "n", "mean", "ci_low", "ci_high", "suppressed"])


def pilot_body_tests(likert: pd.DataFrame, respondents: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per factor: do the pilot bodies differ beyond their mix of stakeholder types? The within-stakeholder
    permutation test (differences.within_strata_permutation_p) over the respondents of a pilot body, with
    Holm's correction across the factors. Columns: factor_id, n, n_bodies, statistic, p, p_holm,
    permutations, seed."""
    from helpers.analysis.differences import BODY_PERMUTATIONS, within_strata_permutation_p

    scores = _body_scores(likert, respondents)
    scores = scores.loc[scores["pilot_body"] != ""]
    rows = []
    for factor in codebook.factors()["factor_id"]:
        part = scores.loc[scores["factor_id"] == factor]
        statistic, p = within_strata_permutation_p(
            part["score"].to_numpy(float),
            part["pilot_body"].to_numpy(),
            part["stakeholder"].astype(str).to_numpy(),
            seed=stats.SEED,
        )
        rows.append(
            {
                "factor_id": factor,
                "n": len(part),
                "n_bodies": part["pilot_body"].nunique(),
                "statistic": statistic,
                "p": p,
                "permutations": BODY_PERMUTATIONS,
                "seed": stats.SEED,
            }
        )
    table = pd.DataFrame(rows, columns=["factor_id", "n", "n_bodies", "statistic", "p", "permutations", "seed"])
    table.insert(5, "p_holm", stats.adjust_p(table["p"], "holm"))
    return table


def _p_cell(p: float, lang: str) -> str:
    if pd.isna(p):
        return "–"
    return f"p < {i18n.number(0.001, lang, 3)}" if p < 0.001 else f"p = {i18n.number(p, lang, 3)}"


def pilot_body_comparison(
    likert: pd.DataFrame,
    respondents: pd.DataFrame,
    codebook: Codebook,
    lang: str = DEFAULT_LANGUAGE,
    scores: pd.DataFrame | None = None,
    tests: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The report's table by pilot body, written in `lang`: n respondents, then per factor the mean of the
    respondents' factor scores with its 95 % interval ('3.45 [3.30–3.60]', the factor's n in brackets where
    fewer than the body's respondents have a score), and a last row with the Holm-corrected p of the
    within-stakeholder permutation test. `scores`/`tests` (pilot_body_scores, pilot_body_tests) save
    recomputing them. Respondents of no pilot body (e.g. a consultant) form a row of their own."""
    scores = pilot_body_scores(likert, respondents, codebook) if scores is None else scores
    tests = pilot_body_tests(likert, respondents, codebook) if tests is None else tests
    words = ui(lang)
    bodies = codebook.pilot_bodies(lang)
    labels = dict(zip(bodies["code"], bodies["label"]))
    factors = codebook.factors(lang)
    n = respondents["pilot_body"].astype(object).fillna("").value_counts()
    order = _body_order(codebook, scores["pilot_body"])
    number = lambda value: i18n.number(value, lang, 2)  # noqa: E731
    rows = []
    for body in order:
        row = {words["pilot_body"]: labels.get(body, words["not_pilot_body"]), "n": str(int(n.get(body, 0)))}
        for r in scores.loc[scores["pilot_body"] == body].itertuples():
            name = factors.set_index("factor_id").loc[r.factor_id, "factor_short"]
            if r.suppressed:
                row[name] = words["suppressed_cell"]
                continue
            if not r.n:
                row[name] = "–"
                continue
            cell = number(r.mean) + (f" [{number(r.ci_low)}–{number(r.ci_high)}]" if pd.notna(r.ci_low) else "")
            row[name] = cell + (f" (n = {r.n})" if r.n != int(n.get(body, 0)) else "")
        rows.append(row)
    test_row = {words["pilot_body"]: words["pilot_test_row"], "n": ""}
    for r in tests.itertuples():
        test_row[factors.set_index("factor_id").loc[r.factor_id, "factor_short"]] = _p_cell(r.p_holm, lang)
    rows.append(test_row)
    return pd.DataFrame(rows)
