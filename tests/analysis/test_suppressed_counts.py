"""Count cells of Tables 1 and 2 below the disclosure threshold are suppressed, with what would give them away:
the group's n, and the reports on the other pilot bodies (the report of all bodies holds their sums).

The property test attacks the outputs as a reader holding every report would: a linear programme over the
finest counts (type x pilot body x category or option) bound by every published number. No hidden small count
may be shown by it to lie below the threshold."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from helpers.analysis import disclosure, tables
from helpers.codebook import Codebook
from helpers.i18n import ui

ALL, NONE = disclosure.ALL_BODIES, disclosure.NO_BODY


def with_threshold(codebook: Codebook, threshold: int) -> Codebook:
    raw = copy.deepcopy(codebook.raw)
    raw["privacy"] = {"disclosure_threshold": threshold}
    return Codebook("codebook.yaml", raw)


def survey(people: list[tuple], codebook: Codebook) -> dict[str, pd.DataFrame]:
    """Processed tables of generated respondents: (type, body or None, education or None, q1 options)."""
    types = codebook.stakeholders()["code"].tolist()
    bodies = codebook.pilot_bodies()["code"].tolist()
    respondents = pd.DataFrame(
        {
            "respondent_id": [f"R{i}" for i in range(len(people))],
            "stakeholder": pd.Categorical([types[p[0]] for p in people], categories=sorted(types)),
            "pilot_body": pd.array([None if p[1] is None else bodies[p[1]] for p in people], dtype="string"),
            "education": pd.array([p[2] for p in people], dtype="string"),
        }
    )
    rows = [
        (f"R{i}", types[p[0]], None if p[1] is None else bodies[p[1]], "q1", letter)
        for i, p in enumerate(people)
        for letter in sorted(p[3])
    ]
    choices = pd.DataFrame(rows, columns=["respondent_id", "stakeholder", "pilot_body", "question_id", "option"])
    choices["pilot_body"] = choices["pilot_body"].astype("string")
    return {"respondents": respondents, "choices": choices}


person = st.tuples(
    st.integers(0, 3),
    st.one_of(st.none(), st.integers(0, 3)),
    st.sampled_from(["Bachelor", "Master", None]),
    st.sets(st.sampled_from("ABCDE"), max_size=3),
)


def _attack(data, codebook, withheld, suppressed) -> list[tuple]:
    """(cell, true count, the largest count the published numbers allow) for every hidden count below the
    threshold: each small count hidden in a report that shows its group, and each withheld group's n."""
    threshold = codebook.disclosure_threshold
    respondents, choices = data["respondents"], data["choices"]
    people = respondents.assign(
        t=respondents["stakeholder"].astype(str),
        r=respondents["pilot_body"].astype(object).fillna(NONE),
        v=respondents["education"].astype(object).where(respondents["education"].notna(), ""),
    )
    picked = choices.assign(
        t=choices["stakeholder"].astype(str),
        r=choices["pilot_body"].astype(object).fillna(NONE),
    )
    types = codebook.stakeholders()["code"].tolist()
    places = [*codebook.pilot_bodies()["code"], NONE]
    items = [("table1", "education", v) for v in ("Bachelor", "Master", "")] + [
        ("table2", "q1", letter) for letter in "ABCDE"
    ]
    truth = {}
    for t in types:
        for r in places:
            mine = people.loc[(people["t"] == t) & (people["r"] == r)]
            theirs = picked.loc[(picked["t"] == t) & (picked["r"] == r)]
            for table, item, value in items:
                if table == "table1":
                    truth[(t, r, table, item, value)] = int((mine["v"] == value).sum())
                else:
                    truth[(t, r, table, item, value)] = int((theirs["option"] == value).sum())
    cells = list(truth)
    index = {c: i for i, c in enumerate(cells)}
    hidden = set(zip(*[suppressed[c] for c in disclosure.SUPPRESSED_COLUMNS])) if len(suppressed) else set()
    equalities, values, sizes = [], [], {}

    def members(t, report, table, item, value):
        reports = places if report == ALL else [report]
        return [index[(t, r, table, item, value)] for r in reports]

    for t in types:
        for report in [ALL, *codebook.pilot_bodies()["code"]]:
            group = [
                index[(t, r, "table1", "education", v)]
                for r in (places if report == ALL else [report])
                for v in ("Bachelor", "Master", "")
            ]
            n = sum(truth[cells[i]] for i in group)
            sizes[(t, report)] = (group, n)
            if n == 0 or (t, report) in withheld:
                continue
            row = np.zeros(len(cells))
            row[group] = 1
            equalities.append(row), values.append(n)  # the group's n heads its column
            for table, item, value in items:
                if value == "" or (t, report, table, item, value) in hidden:
                    continue
                row = np.zeros(len(cells))
                row[members(t, report, table, item, value)] = 1
                (
                    equalities.append(row),
                    values.append(sum(truth[cells[i]] for i in members(t, report, table, item, value))),
                )
    # No group chose an option more often than it has respondents.
    upper = []
    for t in types:
        for r in places:
            group = [index[(t, r, "table1", "education", v)] for v in ("Bachelor", "Master", "")]
            for letter in "ABCDE":
                row = np.zeros(len(cells))
                row[index[(t, r, "table2", "q1", letter)]] = 1
                row[group] = -1
                upper.append(row)
    a_eq, b_eq = (np.array(equalities), np.array(values)) if equalities else (None, None)
    a_ub, b_ub = np.array(upper), np.zeros(len(upper))

    def largest(variables):
        objective = np.zeros(len(cells))
        objective[variables] = -1
        result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if result.status == 3:  # unbounded: nothing published bounds it
            return float("inf")
        assert result.status == 0, result.message
        return -result.fun

    found = []
    for (t, report), (group, n) in sizes.items():
        if (t, report) in withheld and 0 < n < threshold:
            found.append(((t, report, "n"), n, largest(group)))
    for cell in hidden:
        t, report = cell[0], cell[1]
        true = sum(truth[cells[i]] for i in members(*cell))
        if 0 < true < threshold and cell[4] != "":
            found.append((cell, true, largest(members(*cell))))
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(person, min_size=1, max_size=120), threshold=st.integers(2, 10))
# Two the first rule of complements let through: the respondents of no body, worked out as the report of all less
# the bodies', gave a category of theirs away, once exactly and once as a bound from a body's blank answers.
@example(
    people=[(1, None, "Bachelor", set())] * 2 + [(1, None, "Master", set())] + [(1, 0, None, set())] * 2,
    threshold=2,
)
@example(
    people=[(0, None, "Bachelor", set()), (0, None, "Master", set()), (0, 0, "Bachelor", set())]
    + [(0, 1, None, set())] * 2,
    threshold=2,
)
def test_no_hidden_small_count_can_be_worked_out_from_all_the_reports(codebook, people, threshold):
    book = with_threshold(codebook, threshold)
    data = survey(people, book)
    withheld = disclosure.withheld_pattern(data["respondents"], book)
    suppressed = disclosure.suppressed_counts(data["respondents"], data["choices"], book)
    for cell, true, most in _attack(data, book, withheld, suppressed):
        assert most >= threshold - 1e-6, (cell, true, most)
    # Every count below the threshold in a group a report shows is suppressed (primary suppression).
    hidden = set(zip(*[suppressed[c] for c in disclosure.SUPPRESSED_COLUMNS]))
    for (t, report, table, item, value), n in _published_counts(data, book, withheld).items():
        assert not (0 < n < threshold) or (t, report, table, item, value) in hidden


def _published_counts(data, codebook, withheld) -> dict:
    """The count cells of every report's shown groups, before suppression."""
    respondents, choices = data["respondents"], data["choices"]
    found = {}
    for report in [ALL, *codebook.pilot_bodies()["code"]]:
        people = respondents if report == ALL else respondents.loc[respondents["pilot_body"] == report]
        picked = choices if report == ALL else choices.loc[choices["pilot_body"] == report]
        for t in people["stakeholder"].astype(str).unique():
            if (t, report) in withheld:
                continue
            mine = people.loc[people["stakeholder"].astype(str) == t, "education"]
            for value in ("Bachelor", "Master"):
                found[(t, report, "table1", "education", value)] = int((mine == value).sum())
            theirs = picked.loc[picked["stakeholder"].astype(str) == t, "option"]
            for letter in "ABCDE":
                found[(t, report, "table2", "q1", letter)] = int((theirs == letter).sum())
    return found


def test_the_papers_threshold_of_one_suppresses_nothing(codebook):
    data = survey([(0, 0, "Master", {"A"}), (1, None, "Bachelor", {"B", "C"})], codebook)
    assert codebook.disclosure_threshold == 1
    assert disclosure.suppressed_counts(data["respondents"], data["choices"], codebook).empty
    assert disclosure.withheld_types(data["respondents"], codebook).empty


def test_a_lone_small_cell_takes_the_smallest_other_with_it():
    values = {"a": 3, "b": 40, "c": 25, "d": 0, "total": 68}
    # The total of a, b, c, d is published: a alone would be it less the others.
    assert disclosure.protected_cells(values, [(["a", "b", "c", "d"], "total")], 10) == {"a", "c"}
    # With its sum unpublished, nothing needs a complement.
    assert disclosure.protected_cells(values, [(["a", "b", "c", "d"], "total")], 10, unpublished={"total"}) == {"a"}
    # Two small cells together still fewer than the threshold: a third joins them.
    values = {"a": 3, "b": 4, "c": 30, "d": 50, "total": 87}
    assert disclosure.protected_cells(values, [(["a", "b", "c", "d"], "total")], 10) == {"a", "b", "c"}
    # No member left to hide: the total goes too.
    values = {"a": 3, "total": 3}
    assert disclosure.protected_cells(values, [(["a"], "total")], 10) == {"a", "total"}


def test_a_type_withheld_from_one_body_is_withheld_from_another_too(codebook):
    book = with_threshold(codebook, 5)
    # Type 0: 3 respondents in body 0 (below 5), 8 in body 1, 20 in body 2; no respondent outside a body.
    people = [(0, 0, "Master", {"A"})] * 3 + [(0, 1, "Master", {"A"})] * 8 + [(0, 2, "Master", {"A"})] * 20
    data = survey(people, book)
    code = book.stakeholders()["code"][0]
    bodies = book.pilot_bodies()["code"].tolist()
    withheld = {body: disclosure.withheld_types(data["respondents"], book, body) for body in bodies[:3]}
    assert withheld[bodies[0]]["stakeholder"].tolist() == [code] and withheld[bodies[0]]["n"].tolist() == [3]
    # The report of all bodies shows the type (31); the smallest other body's report withholds it with the first.
    assert withheld[bodies[1]]["stakeholder"].tolist() == [code] and withheld[bodies[1]]["n"].tolist() == [8]
    assert withheld[bodies[2]].empty
    assert disclosure.withheld_types(data["respondents"], book).empty


def test_suppressed_cells_read_suppressed_in_tables_1_and_2_and_are_counted_in_the_note(codebook):
    book = with_threshold(codebook, 5)
    code = book.stakeholders()["code"][0]
    # 12 of one type, all in the first body: 8 Masters, 3 Bachelors (3 chose E), 1 who left education blank.
    people = [(0, 0, "Master", {"A", "B"})] * 8 + [(0, 0, "Bachelor", {"A", "E"})] * 3 + [(0, 0, None, {"A"})]
    data = survey(people, book)
    shown = {**data, "likert": pd.DataFrame(columns=["respondent_id", "stakeholder", "pilot_body"])}
    suppressed = disclosure.suppressed_counts(data["respondents"], data["choices"], book)
    mine = suppressed.loc[suppressed["report"] == ALL].drop(columns="report")
    words = ui("en")
    table1 = tables.table1(shown["respondents"].assign(**{c: pd.NA for c in _other_profile(book)}), book, "en", mine)
    education = table1.loc[table1.iloc[:, 0] == "Education"].iloc[0, 1]
    # Bachelor (3) is below 5; with the blank (1) it still is: Master joins it.
    assert education == f"Bachelor {words['suppressed_cell']}, Master {words['suppressed_cell']}", education
    table2 = tables.table2(data["choices"], data["respondents"], book, "en", mine)
    cells = dict(zip(table2.iloc[:, 1], table2.iloc[:, 2]))
    assert cells["A) Public authority strategy"] == "12 (100%)"
    assert cells["E) Other"] == words["suppressed_cell"]
    # E's total over the bodies is the same 3: the one body's report suppresses it as the report of all does.
    body = suppressed.loc[suppressed["report"] == book.pilot_bodies()["code"][0]]
    assert ("table2", "q1", "E") in set(zip(body["table"], body["item"], body["value"]))
    counts = tables.option_counts(data["choices"], data["respondents"], book, "en", mine)
    row = counts.loc[(counts["stakeholder"] == code) & (counts["letter"] == "E")].iloc[0]
    assert row["suppressed"] and pd.isna(row["n_chose"]) and pd.isna(row["share"])
    note = tables.table_note("table2", book, data["respondents"], "en", mine)
    assert (
        "Counts below the disclosure threshold of 5 are suppressed" in note
        and f"cells suppressed: {len(mine.loc[mine['table'] == 'table2'])}" in note
    )


def _other_profile(codebook) -> list[str]:
    """The processed columns of the codebook's profile fields other than education, for a Table 1 of it."""
    columns = []
    for spec in codebook.profile():
        kind, field = spec["type"], spec["id"]
        if field == "education":
            continue
        columns += {
            "years": [f"{field}_years"],
            "decimal_years": [f"{field}_years_decimal"],
            "duration": [f"{field}_months", f"{field}_lower_bound"],
        }.get(kind, [field])
    return columns
