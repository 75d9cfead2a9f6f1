"""Cell readers shared by the shapes, validation and cleaning: durations, distinct values, respondent ids,
category answers."""

import pandas as pd
import pytest

from helpers.ingest.cells import category_lookup, each_distinct, parse_duration, respondent_ids


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5 years 5 months", (65, False)),
        ("More than 10 years", (120, True)),
        ("13 years", (156, False)),
        ("4 months", (4, False)),
        ("1 year 6 months", (18, False)),
        ("over 2 years", (24, True)),
        ("", None),
        ("five years", None),
        ("10", None),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


def test_each_distinct_runs_once_per_distinct_value_and_keeps_the_index():
    cells = pd.Series([" Agree", "agree", " Agree", None, "5", "5"], index=[10, 11, 12, 13, 14, 15], dtype="str")
    seen = []

    def normalise(values):
        seen.append(len(values))
        return values.str.strip().str.casefold()

    result = each_distinct(cells, normalise)
    assert seen == [4]  # " Agree", "agree", missing, "5"
    assert result.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert result.tolist()[:3] == ["agree", "agree", "agree"] and pd.isna(result[13]) and result[15] == "5"
    frame = each_distinct(cells, lambda v: pd.DataFrame({"blank": v.isna(), "length": v.str.len()}))
    assert frame["blank"].tolist() == [False, False, False, True, False, False] and frame.loc[12, "length"] == 6


def test_respondent_ids_ignore_surrounding_spaces_non_breaking_ones_too():
    ids = pd.Series(["S1", "S1 ", "\u00a0S1", "\u202fS1\t", "S 1"], dtype="str")
    assert respondent_ids(ids).tolist() == ["S1", "S1", "S1", "S1", "S 1"]


def test_category_lookup_maps_values_and_their_labels_in_any_language_to_the_value():
    field = {
        "values": ["Master", 2],
        "value_labels": {"Master": {"en": "Master", "ru": "Магистр", "kk": None}, 2: {"ru": "Доктор"}},
    }
    assert category_lookup(field) == {"master": "Master", "магистр": "Master", "2": "2", "доктор": "2"}
    assert category_lookup({"values": ["PhD"]}) == {"phd": "PhD"}
