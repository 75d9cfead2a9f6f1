"""The report's words (helpers.publish.report): the factor priorities and the summary (a factor a group left
blank, a difference without its interval, the line on scales, a factor averaged over fewer groups), the rows set
aside and their messages in another language, passages in a fallback language marked, the reproduction status and
where the published tables may lie."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import Markup

from helpers.analysis import tables
from helpers.codebook import read_codebook
from helpers.files import write_csv
from helpers.i18n import ui, ui_text_keys
from helpers.ingest.clean import clean_dataset
from helpers.publish import report

from dataset_copies import PAPER

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


def read_back(frame: pd.DataFrame, tmp_path, name: str) -> pd.DataFrame:
    """`frame` as the report reads it: written as the tables step writes it, read back as text."""
    write_csv(frame, tmp_path / f"{name}.csv")
    return report.read_table(tmp_path / f"{name}.csv")


def test_the_report_names_a_factor_a_group_left_blank(paper_raw, codebook, tmp_path):
    clean = paper_with_blanks(paper_raw, codebook, {"R4": resources(codebook)})
    per_group = report.scores_read_back(
        read_back(tables.factor_summary(clean.likert, codebook), tmp_path, "factor_summary"), ("mean",), ("rank",)
    )
    ranking = report.scores_read_back(
        read_back(tables.factor_ranking(clean.likert, codebook), tmp_path, "factor_ranking"),
        ("mean",),
        ("rank", "groups_ranking_first"),
    )
    groups = tables.group_sizes(clean.respondents, codebook)
    sentences = report.priority_summary(ranking, per_group, groups)
    assert "Local government representative: highest Strategy (4.67), lowest Organization (3.33)." in sentences
    assert "Local government representative: no answer to any statement of Resources." in sentences
    for lang in ("ru", "kk"):
        assert "priorities_group_missing" in ui_text_keys(lang)


# --- a difference between factors without its interval ----------------------------------------------------------
def _summary_inputs(ci_missing: bool):
    """What summary_lines reads, as text from the CSVs: three factors, the CI of b - c missing when `ci_missing`."""
    groups = pd.DataFrame({"stakeholder": ["x", "y"], "label": ["X", "Y"], "short": ["X", "Y"], "n": [3, 2]})
    weighting = pd.DataFrame(
        {
            "factor_id": ["a", "b", "c"],
            "factor_short": ["A", "B", "C"],
            "mean_groups": ["4.0", "3.5", "3.4"],
            "mean_respondents": ["4.0", "3.5", "3.4"],
            "rank_groups": ["1", "2", "3"],
            "rank_respondents": ["1", "2", "3"],
        }
    )
    low, high = ("", "") if ci_missing else ("-0.1", "0.3")
    differences = pd.DataFrame(
        [
            ("a", "b", "0.5", "0.1", "0.9"),
            ("b", "c", "0.1", low, high),
            ("a", "c", "0.6", "0.2", "1.0"),
        ],
        columns=["factor_a", "factor_b", "difference", "ci_low", "ci_high"],
    )
    claims = pd.DataFrame({"verdict": ["supported"], "checkable": [""]})
    reliability = pd.DataFrame(
        {"factor_id": ["a"], "factor": ["A"], "n_statements": ["3"], "alpha": [""], "n_complete": ["4"]}
    )
    return groups, weighting, claims, {"text": "–"}, reliability, differences


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_difference_without_its_interval_is_said_to_have_none(lang):
    groups, weighting, claims, reproduction, reliability, differences = _summary_inputs(ci_missing=True)
    words = ui(lang)
    lines = report.summary_lines(groups, weighting, claims, reproduction, reliability, words, differences, lang)
    pair = words["pair_no_interval"].format(a="B", b="C", difference=report._number("0.1", lang))
    assert words["summary_no_interval"].format(pairs=pair) in lines
    assert not any(line.startswith(words["summary_indistinguishable"].split("{")[0]) for line in lines)
    assert "summary_no_interval" in ui_text_keys(lang) and "pair_no_interval" in ui_text_keys(lang)


def test_a_difference_with_its_interval_is_read_as_before():
    groups, weighting, claims, reproduction, reliability, differences = _summary_inputs(ci_missing=False)
    lines = report.summary_lines(groups, weighting, claims, reproduction, reliability, ui("en"), differences)
    assert (
        "Not told apart by these data (95 % CI of the difference includes 0): "
        "B and C (difference 0.10, 95 % CI -0.10 to 0.30)." in lines
    )
    assert not any("not available" in line for line in lines)


# --- the summary's line on scales ------------------------------------------------------------------------------
def _reliability(alphas: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "factor_id": ["a", "b", "c", "d"],
            "factor": ["Strategy", "Human capital", "Organization", "Resources"],
            "n_statements": ["3"] * 4,
            "alpha": alphas,
        }
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_summary_names_the_factors_whose_scale_was_not_checked(lang):
    words = ui(lang)
    status = report.scale_status(_reliability(["0.84", "", "0.89", ""]), words, lang)
    low, high = report._number("0.84", lang), report._number("0.89", lang)
    assert status == (
        words["scale_checked_fine"].format(low=low, high=high)
        + "; "
        + words["scale_not_checked_for"].format(factors="Human capital, Resources")
    )
    assert {"scale_checked_fine", "scale_not_checked_for"} <= ui_text_keys(lang)
    groups, weighting, claims, reproduction, _, differences = _summary_inputs(ci_missing=False)
    lines = report.summary_lines(
        groups, weighting, claims, reproduction, _reliability(["0.84", "", "0.89", ""]), words, differences, lang
    )
    assert words["summary_scales"].format(status=status) in lines


def test_the_summary_scale_line_is_unchanged_when_all_or_none_were_checked():
    words = ui("en")
    assert report.scale_status(_reliability(["0.84", "0.85", "0.89", "0.86"]), words) == (
        "every factor's statements form a scale (alpha 0.84 to 0.89)"
    )
    assert report.scale_status(_reliability([""] * 4), words) == "not checked (too few respondents)"
    assert report.scale_status(_reliability(["0.84", "0.5", "0.89", ""]), words) == (
        "Human capital do not form a scale here; not checked for Resources"
    )


# --- rows set aside, in a report in another language --------------------------------------------------------------
MESSAGE = "a score on the scale 1 (Strongly Disagree), 2 (Disagree), or blank"


@pytest.fixture
def quarantined(tmp_path):
    """A dataset folder whose cleaning set one row aside, with the cleaning step's (English) message."""
    raw = tmp_path / "data" / "raw" / "q"
    raw.mkdir(parents=True)
    shutil.copy(PAPER / "codebook.yaml", raw / "codebook.yaml")
    processed = tmp_path / "data" / "processed" / "q"
    processed.mkdir(parents=True)
    pd.DataFrame({"respondent_id": ["R9"], "s01": ["seven"]}).to_csv(processed / "rejected.csv", index=False)
    pd.DataFrame(
        {"file": ["survey.csv"], "row": [5], "column": ["s01"], "value": ["seven"], "expected": [MESSAGE]}
    ).to_csv(processed / "validation.csv", index=False)
    return read_codebook(raw / "codebook.yaml"), processed


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_english_message_on_rows_set_aside_is_marked_and_listed(quarantined, tmp_path, lang):
    codebook, processed = quarantined
    reasons = report.set_aside_reasons(report.problem_counts(processed), lang)
    assert len(reasons) == 1 and isinstance(reasons[0], Markup)
    assert '<span lang="en">a score on the scale 1 (Strongly Disagree), 2 (Disagree), or blank</span>' in reasons[0]
    assert "s01" in reasons[0]
    fallbacks = report.write_fallbacks(codebook, lang, tmp_path / "fallbacks.csv")
    listed = fallbacks.loc[fallbacks["key"] == MESSAGE]
    assert listed[["language", "file", "shown_in"]].values.tolist() == [[lang, "data/processed/q/validation.csv", "en"]]


def test_the_english_report_shows_the_message_as_before(quarantined, tmp_path):
    codebook, processed = quarantined
    [reason] = report.set_aside_reasons(report.problem_counts(processed), "en")
    assert str(reason) == "1 × column &#39;s01&#39;: expected " + MESSAGE
    assert MESSAGE not in report.write_fallbacks(codebook, "en", tmp_path / "fallbacks.csv")["key"].tolist()


@pytest.mark.parametrize(
    "lang, whole_row", [("en", "the row as a whole"), ("ru", "строка целиком"), ("kk", "жол тұтасымен")]
)
def test_a_problem_of_the_whole_row_names_no_column(tmp_path, lang, whole_row):
    """Too few or too many fields belong to no column: the report says so instead of "column ''"."""
    processed = tmp_path / "processed"
    processed.mkdir()
    pd.DataFrame(
        {"file": ["survey.csv"], "row": [5], "column": [""], "value": ["32 fields"], "expected": ["31 fields"]}
    ).to_csv(processed / "validation.csv", index=False)
    [reason] = report.set_aside_reasons(report.problem_counts(processed), lang)
    assert whole_row in str(reason) and "''" not in str(reason) and "«»" not in str(reason)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_factor_averaged_over_fewer_groups_says_so_in_the_summarys_order(lang):
    groups, weighting, claims, reproduction, reliability, differences = _summary_inputs(ci_missing=False)
    words = ui(lang)
    n = len(groups)
    lines = report.summary_lines(
        groups, weighting, claims, reproduction, reliability, words, differences, lang, {"a": n, "b": n - 1, "c": n}
    )
    [order] = [line for line in lines if line.startswith(words["summary_order"].split("{")[0])]
    assert words["summary_fewer_groups"].format(k=n - 1, n=n) in order
    assert order.count(words["summary_fewer_groups"].format(k=n - 1, n=n)) == 1  # only for B
    assert "summary_fewer_groups" in ui_text_keys(lang)
    # Every group scored every factor: the order reads as before.
    same = report.summary_lines(groups, weighting, claims, reproduction, reliability, words, differences, lang)
    assert same == report.summary_lines(
        groups, weighting, claims, reproduction, reliability, words, differences, lang, {"a": n, "b": n, "c": n}
    )


def test_a_fallback_label_carries_its_language_in_the_html():
    from helpers.publish.report import mark_fallback

    assert str(mark_fallback("A) Strategy", {"Strategy": "en"})) == 'A) <span lang="en">Strategy</span>'
    assert str(mark_fallback("Стратегия", {"Strategy": "en"})) == "Стратегия"


def test_a_passage_shown_in_the_fallback_language_is_marked_as_such():
    from helpers.publish.report import words_language

    assert words_language("contents", "ru") == "ru"  # translated: the report's own language
    assert words_language("a word nobody translated", "ru") == "en"  # English fallback: lang="en" on it
    assert words_language("alt", "en") == "en"


def test_reproduction_status_names_every_differing_cell():
    words = ui("en")
    published = {"table3": pd.DataFrame({"Factor": ["Strategy", "Strategy"], "A": ["5", "4"]})}
    assert (
        report.reproduction_status({"table3": published["table3"].copy()}, published, words)["text"]
        == "4 of 4 cells equal the published tables."
    )
    changed = published["table3"].copy()
    changed.iloc[1, 1] = "3"
    status = report.reproduction_status({"table3": changed}, published, words)
    assert status["text"] == "3 of 4 cells equal the published tables; 1 differ:"
    assert status["differences"] == ["table3, row 2, column “A”: published “4”, here “3”"]
    narrow = report.reproduction_status({"table3": changed[["Factor"]]}, published, words)
    assert narrow["n_equal"] == 0 and "published table has 2 × 2" in narrow["differences"][0]


def test_published_tables_must_lie_in_the_dataset_folder(tmp_path):
    class Book:
        source, dataset = "codebook.yaml", {"published_tables": {"table1": "../elsewhere.csv"}}

    with pytest.raises(ValueError, match="lies outside"):
        report.published_tables(tmp_path, Book())


@pytest.mark.parametrize("lang", ("en", "ru", "kk"))
def test_dunn_pairs_are_listed_only_behind_a_kruskal_wallis_test_that_holds_after_holm(lang):
    """The factor-level Kruskal-Wallis p is printed with its Holm correction across the factors, and a factor's
    Dunn pairs are listed only where that corrected p is below 0.05: a pair with a small p under a factor whose
    test across types does not hold is not called different."""
    differences = pd.DataFrame(
        [
            {
                "level": "factor",
                "id": "f1",
                "label": "Alpha",
                "n_groups": 3,
                "n": 60,
                "H": 9.0,
                "p": 0.011,
                "epsilon2": 0.15,
                "p_holm": 0.022,
                "p_bh": 0.02,
            },
            {
                "level": "factor",
                "id": "f2",
                "label": "Beta",
                "n_groups": 3,
                "n": 60,
                "H": 6.5,
                "p": 0.039,
                "epsilon2": 0.11,
                "p_holm": 0.078,
                "p_bh": 0.039,
            },
        ]
    )
    pairs = pd.DataFrame(
        [
            {"level": "factor", "id": "f1", "label": "Alpha", "group_a": "a", "group_b": "b", "p_holm": 0.01},
            {"level": "factor", "id": "f2", "label": "Beta", "group_a": "a", "group_b": "c", "p_holm": 0.03},
        ]
    )
    means = pd.DataFrame(
        [
            {"level": "factor", "id": f, "stakeholder": g, "mean": m}
            for f in ("f1", "f2")
            for g, m in (("a", 4.0), ("b", 3.0), ("c", 3.5))
        ]
    )
    labels = {"a": "Group A", "b": "Group B", "c": "Group C"}
    words = ui(lang)
    sentences = report.difference_sentences(differences, pairs, means, labels, words, "", lang)
    alpha = [s for s in sentences if s.startswith("Alpha")]
    beta = [s for s in sentences if s.startswith("Beta")]
    assert any("Group A > Group B" in s for s in alpha)
    assert beta == [words["dunn_gated"].format(factor="Beta")]  # the pair A-C (p 0.03) is not listed
    assert not any("Group C" in s for s in sentences)
    first = next(s for s in sentences if "Alpha" in s and "H = " in s)
    decimal = "," if lang != "en" else "."
    assert f"0{decimal}011" in first and f"0{decimal}022" in first  # the raw p and the Holm-corrected one


def test_a_package_the_computing_code_starts_to_import_is_listed_without_editing_a_list(tmp_path):
    """The provenance's packages are read from the code's imports: a module added to the analysis that imports an
    installed package (pypdf, which no computing code uses now) makes the list name it."""
    import importlib

    provenance = importlib.import_module("helpers.publish.report.provenance")
    helpers = Path(provenance.__file__).resolve().parents[2]
    listed = provenance.computing_packages(helpers)
    for name in ("pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "krippendorff", "scikit-posthocs"):
        assert name in listed, name
    assert "pypdf" not in listed and "pytest" not in listed and "jupyterlab" not in listed
    copy = tmp_path / "helpers"
    shutil.copytree(helpers, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "analysis" / "extra_measure.py").write_text('"""A new measure."""\n\nimport pypdf\n', encoding="utf-8")
    assert "pypdf" in provenance.computing_packages(copy)


def test_a_message_holding_a_carriage_return_stays_one_row_of_fallbacks_csv(quarantined, tmp_path):
    """fallbacks.csv is written as every CSV of the project is: a lone carriage return is quoted, not a row end."""
    codebook, processed = quarantined
    message = "a score on the scale 1 (Strongly\rDisagree) or blank"
    problem = {"file": ["survey.csv"], "row": [5], "column": ["s01"], "value": ["seven"], "expected": [message]}
    write_csv(pd.DataFrame(problem), processed / "validation.csv", for_spreadsheets=False)
    fallbacks = report.write_fallbacks(codebook, "ru", tmp_path / "fallbacks.csv")
    with open(tmp_path / "fallbacks.csv", encoding="utf-8", newline="") as file:
        records = list(csv.reader(file))
    assert records == [fallbacks.columns.tolist(), *fallbacks.values.tolist()]
    assert [message] == [key for key in fallbacks["key"] if "\r" in key]
