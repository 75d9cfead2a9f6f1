"""Disclosure control: no published number rests on fewer respondents than the codebook's disclosure threshold
(`privacy.disclosure_threshold`, 10 unless the codebook says otherwise), so that no one's answers can be read
off a table, a figure or a test.

Three rules, one for each way the respondents are grouped:

- A stakeholder type with fewer respondents than the threshold is withheld: its respondents are left out of
  every table, figure and test the steps after cleaning compute. Leaving them out of the totals too (not only
  blanking their column) is what keeps them from being derived: a total minus the types shown would be them.
  data/processed/ keeps every respondent; only what is published leaves them out, and the report says so.
- A pilot body with fewer respondents than the threshold has its row of the table by pilot body suppressed,
  and so many others with it (the smallest first) that the suppressed rows together hold at least the
  threshold and are at least two: otherwise the overall mean, less the bodies shown, would give the small one
  (complementary suppression, as statistical offices practise it).
- A count cell of Tables 1 and 2 (respondents of a type in a profile category, or choosing an option) below
  the threshold is suppressed, with what would give it away: the other categories of the field (the group's
  n is printed) and the same cell in other pilot bodies' reports.

Every report is one of a set: the report of all pilot bodies, and one per body (`make report PILOT_BODY=…`).
The first holds the sum of the others and of the respondents of no body, so each report's withheld types and
suppressed cells are chosen from all respondents at once (withheld_pattern, suppressed_counts), never from
the report's own: what one report hides, another, less a third, must not show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import Codebook


def withheld_types(respondents: pd.DataFrame, codebook: Codebook, pilot_body: str = "") -> pd.DataFrame:
    """stakeholder, n: the stakeholder types withheld from the report on `pilot_body` ('' for all bodies), in
    the codebook's order, with their respondents in that report. `respondents` are all of them, whichever
    the report: whether a type is withheld from one body's report depends on the others (withheld_pattern)."""
    selected = respondents if pilot_body == ALL_BODIES else respondents.loc[respondents["pilot_body"] == pilot_body]
    counts = selected["stakeholder"].astype(object).value_counts()
    # Below a threshold of 1 no group is small: nothing to withhold, and no pattern to work out.
    pattern = withheld_pattern(respondents, codebook) if codebook.disclosure_threshold > 1 else set()
    order = [c for c in codebook.stakeholders()["code"] if counts.get(c, 0) > 0 and (c, pilot_body) in pattern]
    return pd.DataFrame({"stakeholder": order, "n": [int(counts[c]) for c in order]}, columns=["stakeholder", "n"])


def without_withheld_types(
    data: dict[str, pd.DataFrame], codebook: Codebook, where: str = "", withheld: pd.DataFrame | None = None
) -> dict:
    """The processed tables without the respondents of withheld stakeholder types (every table with a
    respondent_id loses their rows): `withheld` (withheld_types of the report `data` are selected for), the
    types below the threshold in `data` when None. Raises a ValueError naming the threshold when no
    respondent is left to publish (`where` says of what: a pilot body's selection, say)."""
    respondents = data["respondents"]
    if withheld is None:
        withheld = withheld_types(respondents, codebook)
    if withheld.empty:
        return data
    kept = respondents.loc[~respondents["stakeholder"].astype(object).isin(withheld["stakeholder"]), "respondent_id"]
    if kept.empty:
        raise ValueError(
            f"{where or 'the data'}: every stakeholder type has fewer than {codebook.disclosure_threshold} "
            "respondents (privacy.disclosure_threshold of the codebook), or is withheld so that another report "
            "cannot give such a type away: nothing can be published without showing individuals' answers"
        )
    kept = set(kept)
    return {
        name: frame.loc[frame["respondent_id"].isin(kept)].reset_index(drop=True)
        if "respondent_id" in frame.columns
        else frame
        for name, frame in data.items()
    }


def suppressed_rows(sizes: pd.Series, threshold: int) -> set:
    """The labels of `sizes` (respondents per row: per pilot body, say) whose rows are suppressed: each below
    `threshold`, and, where that leaves the suppressed rows fewer than two or holding fewer than `threshold`
    together, the smallest others (ties by label) until neither holds or nothing is left to show."""
    sizes = sizes.loc[sizes > 0]
    suppressed = set(sizes.index[sizes < threshold])
    if not suppressed:
        return suppressed
    shown = sorted((label for label in sizes.index if label not in suppressed), key=lambda b: (sizes[b], str(b)))
    while shown and (len(suppressed) < 2 or sizes[list(suppressed)].sum() < threshold):
        suppressed.add(shown.pop(0))
    return suppressed


# --- Cells of counts, and the same cells in every report ---------------------------------------------------------
#: The report of all pilot bodies, in a suppression pattern (a pilot body's report is named by its code).
ALL_BODIES = ""
#: The respondents of no pilot body: counted in the report of all bodies, never reported on their own. Text
#: no codebook's code is (a NUL first), so that it groups and compares as the codes do, where None would not.
NO_BODY = "\x00no pilot body"


def _known_cells(values: dict, relations: list, shown: set) -> tuple[set, dict]:
    """The cells a reader of every output can work out: those shown, then, for each relation whose total is
    known, its one member not known yet (or its total, once every member is known), again and again; with
    the relation each cell was worked out from."""
    known, source = set(shown), {}
    changed = True
    while changed:
        changed = False
        for index, (members, total) in enumerate(relations):
            unknown = [m for m in members if m not in known]
            if (total is None or total in known) and len(unknown) == 1:
                known.add(unknown[0])
                source[unknown[0]] = index
                changed = True
            elif not unknown and total is not None and total not in known:
                known.add(total)
                source[total] = index
                changed = True
    return known, source


def protected_cells(values: dict, relations, threshold: int, unpublished=frozenset(), known=frozenset()) -> set:
    """The cells of `values` (respondents per cell, by cell) to suppress so that no count below `threshold`
    can be read off an output or worked out from others.

    Primary suppression: every published cell with 0 < count < threshold. Complementary suppression: each
    relation is `(members, total)`, cells whose sum is published as `total` (a cell of `values`, or None where
    the sum is always known, as a group's n is); cells in `unpublished` no output shows; cells in `known`
    (counts of blank answers: a group's n less its categories) are taken as known to every reader, never
    suppressed and never protected. A reader works out what the shown cells and the relations give
    (_known_cells). Where that is a count below the threshold, or a relation leaves hidden members that hold
    fewer than the threshold together, the smallest shown cell of that relation with respondents is
    suppressed too (then any shown one; where none is shown, one of the relation the worked-out member came
    from), until nothing gives a small count away. Each step adds a cell, so the loop ends; the same input
    gives the same cells (ties broken by the cell's text)."""
    unpublished, given = set(unpublished) - set(known), set(known)
    never_shown = unpublished | given
    suppressed = {cell for cell, n in values.items() if 0 < n < threshold and cell not in never_shown}
    # Relations that share no cell cannot give each other's cells away: each group of linked ones is
    # protected by itself (a census has thousands of small groups, where one loop over all took seconds).
    for linked in _linked(relations):
        suppressed |= _protect(values, linked, threshold, unpublished, given, suppressed)
    return suppressed


def _linked(relations) -> list[list]:
    """The relations in groups that share cells (members or totals), each group in the order given."""
    parent: dict = {}

    def root(cell):
        while parent.setdefault(cell, cell) != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    relations = [(list(members), total) for members, total in relations]
    for members, total in relations:
        cells = members + ([total] if total is not None else [])
        for cell in cells[1:]:
            parent[root(cell)] = root(cells[0])
    groups: dict = {}
    for members, total in relations:
        cells = members + ([total] if total is not None else [])
        if cells:
            groups.setdefault(root(cells[0]), []).append((members, total))
    return list(groups.values())


def _protect(values: dict, relations: list, threshold: int, unpublished: set, given: set, primary: set) -> set:
    """protected_cells for one group of linked relations: the cells to suppress among theirs."""
    cells = {c for members, total in relations for c in members + ([total] if total is not None else [])}
    suppressed = primary & cells

    def small(cell) -> bool:
        return 0 < values[cell] < threshold and cell not in given

    def complement(index: int, seen: set):
        """The cell to suppress for relation `index`: its smallest shown one, else one behind a member worked out."""
        if index in seen:
            return None
        seen.add(index)
        members, total = relations[index]
        cells = members + ([total] if total is not None else [])
        shown = [c for c in cells if c not in suppressed and c not in unpublished and c not in given]
        if shown:
            return min(shown, key=lambda c: (values[c] == 0, values[c], str(c)))
        for cell in cells:
            if cell in source:
                found = complement(source[cell], seen)
                if found is not None:
                    return found
        return None

    while True:
        hidden_now = suppressed | unpublished
        known, source = _known_cells(values, relations, {c for c in cells if c not in hidden_now})
        leaks = {source[c] for c in known if c in source and small(c)}
        for index, (members, total) in enumerate(relations):
            hidden = [m for m in members if m not in known]
            together = sum(values[m] for m in hidden)
            if (total is None or total in known) and len(hidden) > 1 and 0 < together < threshold:
                if any(small(m) for m in hidden):  # bounded below the threshold, each of them
                    leaks.add(index)
        added = {cell for index in sorted(leaks) if (cell := complement(index, set())) is not None}
        if not added - suppressed:
            return suppressed
        suppressed |= added


def _report_of(frame: pd.DataFrame) -> np.ndarray:
    """Each row's report: its pilot body's code, or NO_BODY."""
    return frame["pilot_body"].astype(object).fillna(NO_BODY).to_numpy()


def _group_sizes(respondents: pd.DataFrame) -> dict:
    """(stakeholder, report) -> respondents, for each pilot body, NO_BODY and ALL_BODIES."""
    types = respondents["stakeholder"].astype(object)
    sizes = {
        (t, r): int(n)
        for (t, r), n in pd.DataFrame({"t": types.to_numpy(), "r": _report_of(respondents)})
        .value_counts(dropna=False)
        .items()
    }
    return sizes | {(t, ALL_BODIES): int(n) for t, n in types.value_counts().items()}


def _across_bodies(cells, sizes: dict) -> list:
    """The relations between reports: each cell (stakeholder, ALL_BODIES, ...) of the report of all bodies
    sums the same cell of every pilot body's report and of the respondents of no body."""
    parts: dict = {}
    for t, r in sizes:
        if r != ALL_BODIES:
            parts.setdefault(t, []).append(r)
    return [([(c[0], r, *c[2:]) for r in sorted(parts.get(c[0], []), key=str)], c) for c in cells]


def withheld_pattern(respondents: pd.DataFrame, codebook: Codebook) -> set:
    """(stakeholder, report) for every stakeholder type withheld from a report: the report of all pilot
    bodies (ALL_BODIES) or one body's (its code), and NO_BODY, which is never a report of its own.

    A type with fewer respondents than the threshold in a report is withheld from it. The report of all
    bodies holds every body's respondents and those of none, so a type withheld from one body's report is
    withheld from so many others (the smallest first) that the report of all bodies, less the bodies'
    reports that show the type, gives none of them away (protected_cells)."""
    sizes = _group_sizes(respondents)
    overall = [(t, r) for t, r in sizes if r == ALL_BODIES]
    unpublished = {cell for cell in sizes if cell[1] == NO_BODY}
    return (
        protected_cells(sizes, _across_bodies(overall, sizes), codebook.disclosure_threshold, unpublished) | unpublished
    )


#: The columns of a suppression pattern of count cells (suppressed_counts).
SUPPRESSED_COLUMNS = ["stakeholder", "report", "table", "item", "value"]


def _counts(frame: pd.DataFrame, item, value: pd.Series) -> dict:
    """(stakeholder, report, item, value) -> rows, for each pilot body, NO_BODY and ALL_BODIES."""
    keys = pd.DataFrame(
        {"t": frame["stakeholder"].astype(object).to_numpy(), "r": _report_of(frame), "v": value.to_numpy()}
    )
    if not isinstance(item, str):
        keys.insert(2, "i", item.to_numpy())
    by_body = keys.value_counts(dropna=False)
    overall = keys.drop(columns="r").value_counts(dropna=False)
    if isinstance(item, str):
        return {(t, r, item, v): int(n) for (t, r, v), n in by_body.items()} | {
            (t, ALL_BODIES, item, v): int(n) for (t, v), n in overall.items()
        }
    return {(t, r, i, v): int(n) for (t, r, i, v), n in by_body.items()} | {
        (t, ALL_BODIES, i, v): int(n) for (t, i, v), n in overall.items()
    }


def suppressed_counts(respondents: pd.DataFrame, choices: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The count cells of Tables 1 and 2 to suppress in every report (SUPPRESSED_COLUMNS; `report` as in
    withheld_pattern): how many of a stakeholder type chose an option ("table2", question, letter), how many
    are in a category of a profile field ("table1", field, value).

    A count below the threshold is suppressed, and with it what would give it away (protected_cells): the
    same cell in other pilot bodies' reports (the report of all bodies holds their sum), and in Table 1 other
    categories of the field (the group's n is printed; the blanks are never shown). The cells of a type
    withheld from a report (withheld_pattern) are hidden already and are not listed."""
    threshold = codebook.disclosure_threshold
    if threshold <= 1:  # no count is below 1 but none: nothing to suppress
        return pd.DataFrame(columns=SUPPRESSED_COLUMNS)
    withheld = withheld_pattern(respondents, codebook)
    sizes = _group_sizes(respondents)
    groups = list(sizes)
    values: dict = {}
    within: list = []
    picked = choices.drop_duplicates(["respondent_id", "question_id", "option"])
    chosen = _counts(picked, picked["question_id"].astype(object), picked["option"].astype(object))
    options = list(zip(codebook.options()["question_id"], codebook.options()["letter"].astype(str)))
    for t, r in groups:
        for question, letter in options:
            values[(t, r, "table2", question, letter)] = chosen.get((t, r, question, letter), 0)
    for spec in codebook.profile():
        if spec["type"] != "category":
            continue
        categories = [str(v) for v in spec["values"]]
        answered = respondents[spec["id"]].astype(object)
        counted = _counts(respondents, spec["id"], answered.where(answered.notna(), ""))
        for t, r in groups:
            cells = [(t, r, "table1", spec["id"], v) for v in [*categories, ""]]
            for cell in cells:
                values[cell] = counted.get((t, r, spec["id"], cell[4]), 0)
            within.append((cells, None))
    overall = [cell for cell in values if cell[1] == ALL_BODIES]
    blanks = {cell for cell in values if cell[2] == "table1" and cell[4] == ""}
    unpublished = {cell for cell in values if (cell[0], cell[1]) in withheld} | blanks
    relations = _across_bodies(overall, sizes) + within
    suppressed = protected_cells(values, relations, threshold, unpublished - blanks, known=blanks)
    rows = sorted(suppressed, key=lambda c: tuple(map(str, c)))
    return pd.DataFrame(rows, columns=SUPPRESSED_COLUMNS)
