"""Tables: formatting of single values; the aggregation over groups with several respondents, a group's factor
score as the mean of its respondents' scores, a factor a group left blank; default captions; tables in Russian and
Kazakh."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from dataset_copies import PAPER
from helpers.analysis import stats, tables
from helpers.codebook import Codebook, read_codebook
from helpers import i18n
from helpers.i18n import ui, ui_text_keys
from helpers.ingest.clean import clean_dataset, write_processed
from helpers.processed import read_processed

from dataset_copies import copy_dataset, load


@pytest.mark.parametrize(
    "months, bound, text",
    [
        (65, False, "5 years 5 months"),
        (120, True, "More than 10 years"),
        (156, False, "13 years"),
        (4, False, "4 months"),
        (18, False, "1 year 6 months"),
        (12, False, "1 year"),
        (0, False, "0 months"),
    ],
)
def test_format_months(months, bound, text):
    assert tables.format_months(months, bound) == text


def test_format_date_is_english_whatever_the_locale():
    assert tables.format_date("2019-11-04") == "November 4, 2019"


@pytest.fixture
def many(many_raw, codebook):
    return clean_dataset(many_raw, codebook, "survey.csv")


def test_table3_averages_groups_and_states_n(many, codebook):
    table = tables.table3(many.likert, many.respondents, codebook)
    assert "Project manager from the public sector (n = 3)" in table.columns
    # s01 of the public-sector PM: 5 (paper) and 2, 3 in the copies.
    # Mean (SD), n: one number of decimals throughout.
    assert table.loc[0, "Project manager from the public sector (n = 3)"] == "3.33 (1.53), n = 3"
    # s02 is unchanged in the copies: the mean is the paper's score.
    assert table.loc[1, "Local government representative (n = 3)"] == "5.00 (0.00), n = 3"


def test_statement_summary_counts_answers_and_missing(many, codebook):
    summary = tables.statement_summary(many.likert, codebook)
    row = summary.loc[(summary["stakeholder"] == "public_pm") & (summary["statement_id"] == "s01")].iloc[0]
    assert (row["n"], row["n_missing"], row["median"]) == (3, 0, 3)
    assert summary["statement_id"].tolist()[:4] == ["s01"] * 4  # codebook order, not alphabetical


def test_table2_counts_and_shares(many, codebook):
    table = tables.table2(many.choices, many.respondents, codebook)
    # A matrix of options by groups: each option's row, "count (share)" per group.
    assert table.loc[0, "Option"] == "A) Public authority strategy"
    assert table.loc[0, "Central government representative (n = 3)"] == "3 (100%)"
    assert table.loc[1, "Central government representative (n = 3)"] == "3 (100%)"
    assert len(table) == len(codebook.options())
    counts = tables.option_counts(many.choices, many.respondents, codebook)
    unchosen = counts.query("stakeholder == 'public_pm' and question_id == 'q1' and letter == 'D'").iloc[0]
    assert (unchosen["n_chose"], unchosen["n_group"], bool(unchosen["known"])) == (0, 3, False)
    assert tables.table2(many.choices, many.respondents, codebook).notna().all().all()


def test_table1_never_lists_individuals_in_groups(many, codebook):
    table = tables.table1(many.respondents, codebook).set_index("Parameter")
    column = "Project manager from the public sector (n = 3)"
    assert table.loc["Respondents (n)", column] == "3"
    assert table.loc["Occupation", column] == "(not shown for groups of more than one)"
    assert table.loc["Age", column] == "median 39 years (range 29 years – 49 years)"
    assert table.loc["Education", column] == "Master 3"


def test_factor_ranking_weighs_groups_equally(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    ranking = tables.factor_ranking(clean.likert, codebook)
    assert ranking["factor_id"].tolist() == ["strategy", "organization", "human_capital", "resources"]
    assert ranking["mean"].round(4).tolist() == [round(55 / 12, 4), round(49 / 12, 4), 3.8, round(55 / 16, 4)]
    per_group = tables.factor_summary(clean.likert, codebook).set_index(["stakeholder", "factor_id"])
    assert per_group.loc[("public_pm", "strategy"), "rank"] == per_group.loc[("public_pm", "organization"), "rank"] == 1


def _every_table(data, codebook):
    respondents, choices, likert = data["respondents"], data["choices"], data["likert"]
    return {
        "groups": tables.group_sizes(respondents, codebook),
        "table1": tables.table1(respondents, codebook),
        "table2": tables.table2(choices, respondents, codebook),
        "table3": tables.table3(likert, respondents, codebook),
        "option_counts": tables.option_counts(choices, respondents, codebook),
        "factor_ranking": tables.factor_ranking(likert, codebook),
        "pilot_bodies": tables.pilot_body_comparison(likert, respondents, codebook),
    }


def test_tables_read_back_from_the_processed_files_are_unchanged(many, codebook, tmp_path):
    # read_processed reads the codes as categories (for speed); the tables must not notice, also for one
    # pilot body, where some stakeholder types are absent but remain categories of the column.
    write_processed(many, tmp_path)
    read_back = read_processed(tmp_path)
    assert isinstance(read_back["likert"]["statement_id"].dtype, pd.CategoricalDtype)
    cleaned = {"respondents": many.respondents, "choices": many.choices, "likert": many.likert}
    for pilot_body in ["", *sorted(many.respondents["pilot_body"].dropna().unique())]:
        ours = _every_table(tables.select_pilot_body(read_back, pilot_body, codebook), codebook)
        theirs = _every_table(tables.select_pilot_body(cleaned, pilot_body, codebook), codebook)
        for name in ours:
            assert ours[name].to_csv(index=False) == theirs[name].to_csv(index=False), (pilot_body, name)
    one_body = tables.group_sizes(
        tables.select_pilot_body(read_back, "akimat_nur_sultan", codebook)["respondents"], codebook
    )
    assert len(one_body) < len(codebook.stakeholders())


def test_one_blank_likert_answer_with_one_respondent_per_group_runs_through_the_tables(tmp_path):
    from helpers.analysis import tables
    from helpers.publish import export

    paths = copy_dataset(tmp_path, PAPER)
    survey = paths.raw / "survey.csv"
    lines = survey.read_text(encoding="utf-8").split("\n")
    s05 = lines[0].split(",").index("s05")
    fields = lines[1].split(",")
    fields[s05] = ""
    lines[1] = ",".join(fields)
    survey.write_text("\n".join(lines), encoding="utf-8")
    clean = load(paths)
    codebook = read_codebook(paths.codebook)
    table3 = tables.table3(clean.likert, clean.respondents, codebook)
    written = export.write_table_formats(table3, tmp_path, "table3", "Table 3.", "note")
    assert [p.suffix for p in written] == [".xlsx", ".docx", ".tex"]
    assert table3.iloc[:, 2].isna().sum() == 1


LANGUAGES = ("en", "ru", "kk")


def paper_with_blanks(paper_raw, codebook, blanks: dict[str, list[str]]):
    """The paper's export with the given statements of the given respondents left blank, cleaned."""
    raw = paper_raw.copy()
    for respondent, statements in blanks.items():
        raw.loc[raw["respondent_id"] == respondent, statements] = ""
    return clean_dataset(raw, codebook, "survey.csv")


def resources(codebook) -> list[str]:
    statements = codebook.statements()
    return statements.loc[statements["factor_id"] == "resources", "statement_id"].tolist()


# --- a respondent leaves a whole factor blank (the paper's data) ---------------------------------------------------
def test_a_factor_one_group_left_blank_is_missing_for_that_group_only(paper_raw, codebook):
    clean = paper_with_blanks(paper_raw, codebook, {"R4": resources(codebook)})
    summary = tables.factor_summary(clean.likert, codebook).set_index(["stakeholder", "factor_id"])
    blank = summary.loc[("local_gov", "resources")]
    assert blank["n_scores"] == 0 and pd.isna(blank["mean"]) and pd.isna(blank["rank"])
    # The group's other factors keep their scores and ranks; the other groups are as on the paper's data.
    paper = tables.factor_summary(clean_dataset(paper_raw, codebook, "survey.csv").likert, codebook)
    paper = paper.set_index(["stakeholder", "factor_id"])
    assert summary.loc[("local_gov", "organization"), "rank"] == 3  # 4th of 4 on the paper's data, 3rd of 3 here
    others = summary.drop(index="local_gov", level="stakeholder")
    pd.testing.assert_frame_equal(others, paper.drop(index="local_gov", level="stakeholder"))
    ranking = tables.factor_ranking(clean.likert, codebook).set_index("factor_id")
    assert ranking.loc["resources", "mean"] == pytest.approx((2.5 + 3.5 + 4.0) / 3)  # the groups that answered


# --- one definition of a group's factor score -------------------------------------------------------------------
@pytest.fixture
def uneven(many_raw, codebook):
    """Three respondents per group; one of them answered a single Human capital statement (a low one), so pooling
    every answer of the group weighs the others more than the mean of the respondents' factor scores does."""
    raw = many_raw.copy()
    statements = codebook.statements()
    human = statements.loc[statements["factor_id"] == "human_capital", "statement_id"].tolist()
    raw.loc[raw["respondent_id"] == "R1-1", human[1:]] = ""
    raw.loc[raw["respondent_id"] == "R1-1", human[0]] = "1"
    return clean_dataset(raw, codebook, "survey.csv")


def test_every_table_gives_a_group_the_mean_of_its_respondents_factor_scores(uneven, codebook):
    summary = tables.factor_summary(uneven.likert, codebook).set_index(["stakeholder", "factor_id"])
    scores = stats.respondent_factor_scores(uneven.likert)
    public = scores.loc[(scores["stakeholder"] == "public_pm") & (scores["factor_id"] == "human_capital"), "score"]
    assert summary.loc[("public_pm", "human_capital"), "mean"] == pytest.approx(public.mean())
    pooled = uneven.likert.loc[
        (uneven.likert["stakeholder"] == "public_pm") & (uneven.likert["factor_id"] == "human_capital"), "score"
    ].mean()
    assert summary.loc[("public_pm", "human_capital"), "mean"] != pytest.approx(pooled)
    # The factor order of "Factor priorities" and Figure 2 is the summary's and the findings check's, to the bit.
    ranking = tables.factor_ranking(uneven.likert, codebook)
    weighting = stats.factor_means_by_weighting(uneven.likert, codebook)
    assert ranking["factor_id"].tolist() == weighting["factor_id"].tolist()
    assert ranking["mean"].astype(float).tolist() == weighting["mean_groups"].tolist()


def test_on_the_paper_data_the_factor_tables_are_those_of_pooled_answers(paper_raw, codebook):
    # One respondent per group, no blank: both definitions give the same numbers, and the same printed table.
    likert = clean_dataset(paper_raw, codebook, "survey.csv").likert.astype({"score": "Int64"})
    summary = tables.factor_summary(likert, codebook)
    pooled = likert.groupby(["stakeholder", "factor_id"], sort=False)["score"].mean()
    expected = [pooled[(row.stakeholder, row.factor_id)] for row in summary.itertuples()]
    assert summary["mean"].tolist() == expected
    assert str(summary["mean"].dtype) == "Float64"  # as pandas' mean of the scores: printed 4.0, not 4.00
    ranks = [1, 3, 1, 4, 1, 4, 2, 3, 1, 2, 3, 4, 1, 2, 4, 3]
    assert summary["rank"].tolist() == ranks


# --- a codebook without table texts ----------------------------------------------------------------------------
@pytest.fixture
def drafted(codebook):
    """The paper's codebook as `make new-dataset` drafts one: no `tables:` section."""
    raw = {key: value for key, value in codebook.raw.items() if key != "tables"}
    return Codebook(source=codebook.source, raw=raw)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tables_without_a_caption_in_the_codebook_get_the_default_one(drafted, codebook, lang):
    for name in ("table1", "table2", "table3"):
        caption = tables.table_caption(name, drafted, lang)
        assert caption and caption == ui(lang)[f"{name}_caption"]
        assert f"{name}_caption" in ui_text_keys(lang)
        assert tables.table_caption(name, codebook, lang) == codebook.table_text(name, "caption", lang)


def test_tables_in_russian(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    table1 = tables.table1(clean.respondents, codebook, "ru").set_index("Параметр")
    column = "Руководитель проекта от государственного сектора"
    assert table1.loc["Возраст", column] == "29 лет"
    assert table1.loc["Дата интервью", column] == "4 ноября 2019\u202fг.*"
    assert table1.loc["Общий стаж работы", column] == "5 лет 5 месяцев"
    assert table1.loc["Общий стаж работы", "Руководитель проекта от частного сектора"] == "Более 10 лет"
    table3 = tables.table3(clean.likert, clean.respondents, codebook, "ru")
    assert table3.columns[:2].tolist() == ["Фактор", "Утверждение"]
    assert table3["Фактор"].unique().tolist() == [
        "Стратегия",
        "Человеческий капитал (люди)",
        "Организация (государственный орган)",
        "Ресурсы",
    ]
    # Statements are this project's translation of the paper's English.
    assert table3.loc[0, "Утверждение"].startswith("Важно чётко определить")
    assert codebook.scale_labels("ru")[5] == "Полностью согласен"
    assert ui("ru")["claims"].startswith("Подтверждаются")


def test_tables_in_kazakh(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    table1 = tables.table1(clean.respondents, codebook, "kk").set_index("Көрсеткіш")
    assert table1.loc["Жалпы еңбек өтілі", "Жеке сектордан жоба жетекшісі"] == "10 жылдан астам"
    assert table1.loc["Сұхбат күні", "Мемлекеттік сектордан жоба жетекшісі"] == "2019\u202fж. 4 қараша*"
    assert tables.table3(clean.likert, clean.respondents, codebook, "kk").columns[0] == "Фактор"


# --- medians and the table by pilot body --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "months, text", [(43.5, "3 years 7.5 months"), (6.5, "6.5 months"), (24.5, "2 years 0.5 months")]
)
def test_a_median_between_two_whole_months_keeps_its_half(months, text):
    assert tables.format_months(months) == text


@pytest.mark.parametrize(
    "months, text",
    [
        (12, "Более 1 года"),
        (24, "Более 2 лет"),
        (120, "Более 10 лет"),
        (252, "Более 21 года"),
        (14, "Более 1 года 2 месяцев"),
    ],
)
def test_more_than_a_duration_takes_the_genitive_in_russian(months, text):
    assert tables.format_months(months, lower_bound=True, lang="ru") == text
    assert tables.format_months(months, lower_bound=True).startswith("More than ")  # English has no cases


def test_table1_medians_are_not_cut_to_whole_numbers(many_raw, codebook):
    # Two respondents of a group: ages 43 and 44, total experience 43 and 44 months: medians 43.5 (never 43).
    raw = many_raw.loc[many_raw["respondent_id"].str.startswith("R1-") & ~many_raw["respondent_id"].str.endswith("-2")]
    raw = raw.copy()
    raw["age"] = ["43", "44"]
    clean = clean_dataset(raw, codebook, "survey.csv")
    table = tables.table1(clean.respondents, codebook).set_index("Parameter")
    assert table.iloc[1:, 0].str.contains("median 43.5 years").any(), table.iloc[:, 0].tolist()
    assert tables.table1(clean.respondents, codebook, "ru").iloc[:, 1].str.contains("медиана 43,5 года").any()


@pytest.mark.parametrize("ages", [("21", "31"), ("23", "61"), ("41", "45")])
def test_a_russian_range_of_counted_years_is_never_put_in_the_nominative_after_ot_and_do(many_raw, codebook, ages):
    """Russian "от" and "до" take the genitive ("от 21 года до 61 года"); the counted forms are nominative
    ("21 год"), so a range is written with a dash: "диапазон 21 год – 61 год"."""
    raw = many_raw.loc[many_raw["respondent_id"].str.startswith("R1-") & ~many_raw["respondent_id"].str.endswith("-2")]
    raw = raw.copy()
    raw["age"] = list(ages)
    clean = clean_dataset(raw, codebook, "survey.csv")
    cells = " ".join(tables.table1(clean.respondents, codebook, "ru").iloc[:, 1].astype(str))
    assert not re.search(r"\b(от|до) \d+(,\d+)? (год|месяц)\b", cells), cells
    low, high = (i18n.count(int(a), "years", "ru") for a in ages)
    assert f"(диапазон {low} – {high})" in cells


def test_the_table_by_pilot_body_averages_respondents_factor_scores(uneven, codebook):
    scores = tables.pilot_body_scores(uneven.likert, uneven.respondents, codebook)
    respondent = stats.respondent_factor_scores(uneven.likert)
    body_of = uneven.respondents.set_index("respondent_id")["pilot_body"].fillna("")
    respondent["pilot_body"] = respondent["respondent_id"].map(body_of)
    expected = respondent.groupby(["pilot_body", "factor_id"])["score"].agg(["mean", "count"])
    for row in scores.itertuples():
        assert (row.mean, row.n) == (
            pytest.approx(expected.loc[(row.pilot_body, row.factor_id), "mean"]),
            expected.loc[(row.pilot_body, row.factor_id), "count"],
        )
    # R1-1 answered one Human capital statement: pooling the answers would weigh the body's others more.
    body = body_of["R1-1"]
    pooled = uneven.likert.loc[
        (uneven.likert["pilot_body"].fillna("") == body) & (uneven.likert["factor_id"] == "human_capital"), "score"
    ].mean()
    ours = scores.set_index(["pilot_body", "factor_id"]).loc[(body, "human_capital")]
    assert ours["mean"] != pytest.approx(pooled)
    assert ours["ci_low"] <= ours["mean"] <= ours["ci_high"]
    shown = tables.pilot_body_comparison(uneven.likert, uneven.respondents, codebook)
    assert shown.columns.tolist()[:2] == ["Pilot body", "n"]
    assert shown.iloc[-1, 0] == ui("en")["pilot_test_row"]
    cell = shown.loc[
        shown["Pilot body"] == codebook.pilot_bodies().set_index("code").loc[body, "label"], "Human capital"
    ]
    number = tables.i18n.number
    assert cell.iloc[0].startswith(f"{number(ours['mean'])} [{number(ours['ci_low'])}–{number(ours['ci_high'])}]")


def _bodies_frame(effect: float, seed: int = 1):
    """Two stakeholder types (high scorers 'h', low 'l') in two bodies with different mixes; `effect` added to
    body B's scores."""
    rng = np.random.default_rng(seed)
    strata = np.array(["h"] * 60 + ["l"] * 60)
    groups = np.array(["A"] * 50 + ["B"] * 10 + ["A"] * 10 + ["B"] * 50)  # A mostly high scorers, B mostly low
    scores = np.where(strata == "h", 4.0, 2.0) + rng.normal(0, 0.5, 120) + np.where(groups == "B", effect, 0.0)
    return scores, groups, strata


def test_the_pilot_body_test_does_not_count_a_different_stakeholder_mix_as_a_difference():
    from scipy.stats import kruskal

    from helpers.analysis.differences import within_strata_permutation_p

    scores, groups, strata = _bodies_frame(effect=0.0)
    assert kruskal(scores[groups == "A"], scores[groups == "B"]).pvalue < 1e-6  # the mix alone looks significant
    _, p = within_strata_permutation_p(scores, groups, strata, seed=7)
    assert p > 0.05
    _, p_effect = within_strata_permutation_p(*_bodies_frame(effect=0.6), seed=7)
    assert p_effect < 0.01  # a real difference between the bodies within each type is found
    assert within_strata_permutation_p(scores, groups, strata, seed=7) == within_strata_permutation_p(
        scores, groups, strata, seed=7
    )
    # No stratum with two bodies: nothing to compare within a type.
    assert np.isnan(within_strata_permutation_p(scores, strata, strata, seed=7)[1])
