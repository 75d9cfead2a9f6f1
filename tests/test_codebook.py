"""The codebook read and checked as data: the paper's wording, its problems listed, the plausible ranges of ages
and durations; and load_yaml (libyaml's speed, yaml.safe_load's objects and errors)."""

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.codebook import SECTION_SHAPES, AGE_RANGE, check_codebook, load_yaml, read_codebook, value_range
from helpers.errors import DataValidationError
from helpers.paths import REPO_ROOT

from dataset_copies import PAPER


def test_paper_codebook_order_and_wording(codebook):
    statements = codebook.statements()
    assert len(statements) == 15
    assert codebook.factors()["factor"].tolist() == [
        "Strategy",
        "Human capital (People)",
        "Organization (state body)",
        "Resources",
    ]
    assert statements.groupby("factor_id", sort=False).size().tolist() == [3, 5, 3, 4]
    assert codebook.stakeholders()["code"].tolist() == ["public_pm", "private_pm", "central_gov", "local_gov"]
    assert codebook.scale_labels() == {
        1: "Strongly Disagree",
        2: "Disagree",
        3: "Neutral or No opinion",
        4: "Agree",
        5: "Strongly Agree",
    }


def test_options_the_paper_does_not_show_are_marked_unknown(codebook):
    options = codebook.options().set_index(["question_id", "letter"])
    assert options.loc[("q1", "D"), "known"] == False  # noqa: E712 - numpy bool
    assert pd.isna(options.loc[("q1", "D"), "text"])
    assert options["text"].isna().sum() == (~options["known"]).sum() == 6


def test_codebook_problems_are_listed(codebook):
    raw = copy.deepcopy(codebook.raw)
    raw["factors"][1]["statements"][0]["id"] = "s01"  # duplicate statement id
    raw["profile"][0]["type"] = "free"  # unknown field type
    raw["scale"]["labels"][7] = {"en": "Beyond"}  # label for a value not on the scale
    found = {(p.column, p.value) for p in check_codebook(raw, "codebook.yaml")}
    assert found == {("factors[1].statements[0].id", "s01"), ("profile[0].type", "free"), ("scale.labels", "7")}


def test_read_codebook_raises_with_the_list(tmp_path, codebook):
    raw = copy.deepcopy(codebook.raw)
    del raw["factors"]
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataValidationError, match="factors"):
        read_codebook(path)


def test_the_age_default_applies_to_ages_only_and_a_codebook_range_replaces_it():
    assert value_range({"id": "age", "type": "years"}) == AGE_RANGE
    assert value_range({"id": "vozrast", "type": "years", "label": {"ru": "Возраст (полных лет)"}}) == AGE_RANGE
    assert value_range({"id": "service", "type": "years", "label": {"en": "Years of service"}}) is None
    assert value_range({"id": "page", "type": "years", "label": {"en": "Average load"}}) is None
    assert value_range({"id": "age", "type": "years", "range": [18, 70]}) == (18, 70)
    assert value_range({"id": "x", "type": "duration", "range": [0, 50]}) == (0, 50)


@pytest.mark.parametrize(
    "field, bad",
    [
        ({"id": "a", "type": "years", "range": [100, 14]}, [100, 14]),
        ({"id": "a", "type": "years", "range": [14]}, [14]),
        ({"id": "a", "type": "years", "range": ["14", 100]}, ["14", 100]),
        ({"id": "a", "type": "text", "range": [0, 1]}, [0, 1]),
    ],
)
def test_a_malformed_range_is_a_codebook_problem(field, bad):
    book = yaml.safe_load((PAPER / "codebook.yaml").read_text(encoding="utf-8"))
    book["profile"].append(field)
    (problem,) = [p for p in check_codebook(book, "codebook.yaml") if p.column.endswith(".range")]
    assert problem.value == str(bad)


YAML_FILES = sorted([*REPO_ROOT.glob("data/raw/*/codebook.yaml"), *REPO_ROOT.glob("src/helpers/**/*.yaml")], key=str)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_load_yaml_gives_what_safe_load_gives(path: Path):
    text = path.read_text(encoding="utf-8")
    ours, theirs = load_yaml(text), yaml.safe_load(text)
    assert ours == theirs and repr(ours) == repr(theirs)  # same values, types and key order


def test_a_broken_document_raises_safe_loads_error_word_for_word():
    broken = "export:\n  file: a.csv\n  bad: [1, 2\nscale: {"
    with pytest.raises(yaml.YAMLError) as theirs:
        yaml.safe_load(broken)
    with pytest.raises(yaml.YAMLError) as ours:
        load_yaml(broken)
    assert str(ours.value) == str(theirs.value)


def test_tags_that_safe_load_refuses_are_refused():
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")


def _paths(node, where=()):
    """Every place in a codebook: its sections, their entries, the keys of those (lists: first three entries)."""
    if where:
        yield where
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*where, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:3]):
            yield from _paths(value, (*where, i))


_PAPER_BOOK = yaml.safe_load((REPO_ROOT / "data" / "raw" / "amirova2020" / "codebook.yaml").read_text("utf-8"))
_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(_paths(_PAPER_BOOK), key=str)), _yaml_values)
def test_a_value_of_any_yaml_type_anywhere_is_a_line_never_a_traceback(where, value):
    """Any YAML value put anywhere in the paper's codebook: check_codebook answers with problems, one line each
    naming a key, and raises nothing."""
    book = copy.deepcopy(_PAPER_BOOK)
    node = book
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    for problem in check_codebook(book, "codebook.yaml"):
        assert problem.column and "\n" not in problem.expected


@pytest.mark.parametrize("section, shape", sorted(SECTION_SHAPES.items(), key=lambda s: s[0]))
@pytest.mark.parametrize("value", [7, "text", True])
def test_a_section_of_the_wrong_type_is_named(section, shape, value):
    book = {**_PAPER_BOOK, section: value}
    problems = check_codebook(book, "codebook.yaml")
    assert [(p.column, p.expected) for p in problems] == [(section, "a list" if shape is list else "a mapping")]


@settings(max_examples=40, deadline=None)
@given(
    codes=st.lists(st.integers(0, 99), min_size=1, max_size=5, unique=True),
    values_as_text=st.lists(st.booleans(), min_size=5, max_size=5),
    keys_as_text=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_a_category_coded_in_numbers_has_its_labels_whether_yaml_reads_the_codes_as_numbers_or_text(
    tmp_path_factory, codes, values_as_text, keys_as_text
):
    """SPSS and Kobo code categories 1, 2, 3; the processed tables hold "3", and YAML reads `3:` as a number. The
    label of each code is found, and each label is read as its code, however the codebook wrote the codes."""
    from helpers.analysis.tables import category_label
    from helpers.ingest.cells import category_lookup

    text = (PAPER / "codebook.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    spec = next(f for f in raw["profile"] if f["type"] == "category")
    spec["values"] = [str(c) if t else c for c, t in zip(codes, values_as_text)]
    spec["value_labels"] = {(str(c) if t else c): {"en": f"Level {c}"} for c, t in zip(codes, keys_as_text)}
    path = tmp_path_factory.mktemp("codebook") / "codebook.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    read = read_codebook(path).profile_field(spec["id"])
    assert [category_label(read, str(c)) for c in codes] == [f"Level {c}" for c in codes]
    lookup = category_lookup(read)
    assert [lookup[f"level {c}"] for c in codes] == [str(c) for c in codes]
