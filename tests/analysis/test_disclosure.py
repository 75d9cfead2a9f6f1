"""Disclosure control: the stakeholder types below the codebook's threshold left out of everything computed,
pilot bodies' rows suppressed with their complement, statement cells of too few answers blank; the paper's
threshold of 1 changes nothing."""

from __future__ import annotations

import copy
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.analysis import disclosure, tables
from helpers.codebook import DISCLOSURE_THRESHOLD, Codebook, check_codebook
from helpers.i18n import ui
from helpers.ingest.clean import clean_dataset


def with_threshold(codebook: Codebook, threshold: int | None) -> Codebook:
    raw = copy.deepcopy(codebook.raw)
    raw.pop("privacy", None)
    if threshold is not None:
        raw["privacy"] = {"disclosure_threshold": threshold}
    return Codebook("codebook.yaml", raw)


def processed(clean) -> dict[str, pd.DataFrame]:
    return {"respondents": clean.respondents, "choices": clean.choices, "likert": clean.likert}


@pytest.fixture
def unequal(many_raw, codebook):
    """The paper's respondents three times over, then the public-sector PM's seven times more: ten of that type,
    three of each other."""
    public = many_raw.loc[many_raw["stakeholder"] == "public_pm"]
    extra = pd.concat(
        [public.iloc[[0]].assign(respondent_id=f"extra-{k}") for k in range(7)],
        ignore_index=True,
    )
    frame = pd.concat([many_raw, extra], ignore_index=True)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


# --- the codebook ---------------------------------------------------------------------------------------------
def test_the_default_threshold_is_ten_and_the_papers_codebook_sets_one(codebook):
    assert DISCLOSURE_THRESHOLD == 10
    assert with_threshold(codebook, None).disclosure_threshold == 10
    assert codebook.disclosure_threshold == 1  # the paper's answers are published with consent


@pytest.mark.parametrize("value", [0, -3, "ten", True, 2.5, None, [10]])
def test_a_threshold_that_is_not_a_whole_number_of_one_or_more_is_named(codebook, value):
    book = copy.deepcopy(codebook.raw)
    book["privacy"] = {"disclosure_threshold": value}
    problems = check_codebook(book, "codebook.yaml")
    assert [p.column for p in problems] == ["privacy.disclosure_threshold"], problems
    assert "a whole number of respondents, 1 or more" in str(problems[0])


@pytest.mark.parametrize("value", [1, 5, 10, 50])
def test_a_whole_threshold_is_sound(codebook, value):
    book = copy.deepcopy(codebook.raw)
    book["privacy"] = {"disclosure_threshold": value}
    assert check_codebook(book, "codebook.yaml") == []


# --- stakeholder types ----------------------------------------------------------------------------------------
def test_types_below_the_threshold_leave_every_table_and_total(unequal, codebook):
    book = with_threshold(codebook, 10)
    clean = clean_dataset(unequal, book, "survey.csv")
    data = processed(clean)
    before = {name: frame.copy() for name, frame in data.items()}
    withheld = disclosure.withheld_types(clean.respondents, book)
    others = [c for c in book.stakeholders()["code"] if c != "public_pm"]
    assert withheld["stakeholder"].tolist() == others and withheld["n"].tolist() == [3] * len(others)
    shown = tables.analysed_data(data, "", book)
    for name in ("respondents", "choices", "likert"):
        assert set(shown[name]["stakeholder"].astype(str)) == {"public_pm"}, name
        pd.testing.assert_frame_equal(data[name], before[name])  # the processed tables themselves are untouched
    assert len(shown["respondents"]) == 10
    # Every table is computed from the ten alone: the overall ranking equals the one group's own.
    table3 = tables.table3(shown["likert"], shown["respondents"], book)
    assert [c for c in table3.columns[2:]] == ["Project manager from the public sector (n = 10)"]
    ranking = tables.factor_ranking(shown["likert"], book)
    own = tables.factor_summary(shown["likert"], book)
    assert ranking.set_index("factor_id")["mean"].to_dict() == pytest.approx(
        own.set_index("factor_id")["mean"].to_dict()
    )


def test_a_type_at_the_threshold_is_shown(unequal, codebook):
    book = with_threshold(codebook, 3)
    clean = clean_dataset(unequal, book, "survey.csv")
    assert disclosure.withheld_types(clean.respondents, book).empty
    assert tables.analysed_data(processed(clean), "", book)["respondents"].equals(clean.respondents)


def test_nothing_left_to_publish_is_one_line_naming_the_threshold(many_raw, codebook):
    book = with_threshold(codebook, 4)
    clean = clean_dataset(many_raw, book, "survey.csv")
    with pytest.raises(ValueError) as raised:
        tables.analysed_data(processed(clean), "", book)
    message = str(raised.value)
    assert "\n" not in message
    assert "fewer than 4 respondents" in message and "privacy.disclosure_threshold" in message


def test_the_papers_data_are_analysed_whole(paper_raw, codebook):
    clean = clean_dataset(paper_raw, codebook, "survey.csv")
    shown = tables.analysed_data(processed(clean), "", codebook)
    assert shown["respondents"].equals(clean.respondents) and len(shown["likert"]) == len(clean.likert)


# --- cells of a shown type ------------------------------------------------------------------------------------
def test_a_statement_answered_by_fewer_than_the_threshold_is_blank(unequal, codebook):
    book = with_threshold(codebook, 10)
    raw = unequal.copy()
    raw.loc[raw["respondent_id"] == "extra-0", "s01"] = ""  # nine answers to s01 in the one type shown
    clean = clean_dataset(raw, book, "survey.csv")
    shown = tables.analysed_data(processed(clean), "", book)
    summary = tables.statement_summary(shown["likert"], book).set_index("statement_id")
    assert summary.loc["s01", "n"] == 9 and bool(summary.loc["s01", "suppressed"])
    assert pd.isna(summary.loc["s01", "mean"]) and pd.isna(summary.loc["s01", "median"])
    assert summary.loc["s02", "n"] == 10 and not summary.loc["s02", "suppressed"] and summary.loc["s02", "mean"] > 0
    table3 = tables.table3(shown["likert"], shown["respondents"], book)
    cells = table3.iloc[:, 2].tolist()
    assert cells[0] == ui("en")["suppressed_cell"] and cells[1].endswith("n = 10")


# --- pilot bodies ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sizes, threshold, expected",
    [
        ({"a": 20, "b": 30, "c": 40}, 10, set()),
        ({"a": 3, "b": 30, "c": 40}, 10, {"a", "b"}),  # one alone would be the total less the others
        ({"a": 3, "b": 4, "c": 40, "d": 50}, 10, {"a", "b", "c"}),  # 3 + 4 together are still fewer than 10
        ({"a": 3, "b": 9, "c": 40}, 10, {"a", "b"}),
        ({"a": 3, "b": 5}, 10, {"a", "b"}),  # nothing left to show
        ({"a": 1, "b": 1}, 1, set()),
        ({"a": 0, "b": 12, "c": 15}, 10, set()),  # a body nobody answered for has no row to suppress
    ],
)
def test_complementary_suppression(sizes, threshold, expected):
    assert disclosure.suppressed_rows(pd.Series(sizes), threshold) == expected


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), st.integers(0, 40), max_size=8),
    threshold=st.integers(1, 20),
)
def test_no_suppressed_row_can_be_derived_from_the_total(sizes, threshold):
    series = pd.Series(sizes, dtype=int)
    suppressed = disclosure.suppressed_rows(series, threshold)
    present = {label for label, n in sizes.items() if n > 0}
    assert suppressed <= present
    assert {label for label in present if sizes[label] < threshold} <= suppressed
    shown = present - suppressed
    if suppressed and shown:
        # Together the suppressed rows are at least two and hold at least the threshold: the total less the shown
        # rows gives only their sum, never one small row's numbers.
        assert len(suppressed) >= 2 and sum(sizes[b] for b in suppressed) >= threshold
        # The complement is taken from the smallest shown rows: no shown row is smaller than one suppressed for it.
        complement = {b for b in suppressed if sizes[b] >= threshold}
        assert all(sizes[s] >= sizes[c] for s in shown for c in complement)


def test_small_pilot_bodies_rows_are_suppressed_in_the_table_by_body(unequal, codebook):
    book = with_threshold(codebook, 3)
    raw = unequal.copy()
    bodies = book.pilot_bodies()["code"].tolist()
    raw["pilot_body"] = bodies[0]
    raw.loc[raw.index[:2], "pilot_body"] = bodies[1]  # two respondents in the second body, the rest in the first
    clean = clean_dataset(raw, book, "survey.csv")
    shown = tables.analysed_data(processed(clean), "", book)
    scores = tables.pilot_body_scores(shown["likert"], shown["respondents"], book)
    small = scores.loc[scores["pilot_body"] == bodies[1]]
    assert small["suppressed"].all() and small["mean"].isna().all()
    # The only other body is suppressed with it: else the overall mean less the first body's would give it.
    assert scores["suppressed"].all()
    comparison = tables.pilot_body_comparison(shown["likert"], shown["respondents"], book)
    body_rows = comparison.iloc[:-1, 2:]
    assert (body_rows == ui("en")["suppressed_cell"]).all().all()


def test_the_codebook_page_counts_no_withheld_type(unequal, codebook):
    from helpers.publish.codebook_page import codebook_html

    book = with_threshold(codebook, 10)
    clean = clean_dataset(unequal, book, "survey.csv")
    page = codebook_html(book, processed(clean), "x")
    withheld = disclosure.withheld_types(clean.respondents, book)
    assert f"<p>10 respondents. Not shown: {int(withheld['n'].sum())} respondents of the types" in page
    rows = re.findall(r"<tr><td>(\w+)</td><td>[^<]*</td><td class=\"num\">([^<]*)</td></tr>", page)
    counts = dict(rows)
    assert counts["public_pm"] == "10"
    assert all(counts[code] == "fewer than 10" for code in withheld["stakeholder"])
