"""Text that looks the same is the same: ids and labels with invisible characters, bidi controls or full-width
forms, numbers in other digits. Nothing changes without a word, and a direction override never reaches an output."""

import unicodedata

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.codebook import INVISIBLE, check_codebook
from helpers.errors import DataValidationError
from helpers.ingest.cells import ascii_digits, respondent_ids, text_key, text_keys, visible
from helpers.ingest.clean import write_processed

from dataset_copies import PAPER, load, paper_copy, survey, write_survey

INVISIBLES = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
]
ids = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=8)


@given(ids, st.lists(st.tuples(st.integers(0, 8), st.sampled_from(INVISIBLES)), max_size=4))
def test_an_id_with_invisible_characters_anywhere_reads_as_the_id(text, insertions):
    spoofed = text
    for position, character in insertions:
        spoofed = spoofed[:position] + character + spoofed[position:]
    read = respondent_ids(pd.Series([text, spoofed, f" {spoofed}\u00a0"]))
    assert read.nunique() == 1
    assert not INVISIBLE.search(read.iloc[0])


@given(st.text(min_size=0, max_size=20))
def test_visible_text_holds_no_invisible_character_and_keeps_every_other(text):
    shown = visible(pd.Series([text])).iloc[0]
    assert not INVISIBLE.search(shown)
    assert shown == "".join(c for c in text if not INVISIBLE.match(c))


@given(st.text(st.characters(categories=["L", "N", "Zs", "P"]), max_size=20), st.sampled_from(INVISIBLES))
def test_a_label_and_its_lookalike_have_one_key(text, invisible):
    assert text_key(text + invisible) == text_key(invisible + text) == text_key(text)
    assert text_keys(pd.Series([text + invisible])).iloc[0] == text_key(text)


def test_full_width_forms_are_one_id():
    assert respondent_ids(pd.Series(["Ｒ１", "R1"])).tolist() == ["R1", "R1"]


@given(st.integers(0, 999), st.sampled_from(["0", "０", "٠", "۰", "०", "০"]))
def test_numbers_in_any_decimal_digits_read_as_the_number(number, zero):
    base = ord(zero)
    written = "".join(chr(base + int(d)) for d in str(number))
    assert unicodedata.digit(written[0]) == int(str(number)[0])
    assert int(ascii_digits(pd.Series([written])).iloc[0]) == number


def test_r1_with_a_zero_width_space_or_a_bom_is_a_duplicate_named_so(tmp_path):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[1, "respondent_id"] = "R1\u200b"
    frame.loc[2, "respondent_id"] = "\ufeffR1"
    write_survey(paths, frame)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    duplicates = [p for p in caught.value.problems if p.column == "respondent_id"]
    assert sorted(p.row for p in duplicates) == [3, 4]
    assert all("also on row 2" in p.expected and "invisible characters" in p.expected for p in duplicates)


def test_an_id_with_an_invisible_character_is_read_without_it_and_the_notice_says_so(tmp_path):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[1, "respondent_id"] = "R2\u200b"
    write_survey(paths, frame)
    clean = load(paths)
    assert clean.respondents["respondent_id"].tolist() == ["R1", "R2", "R3", "R4"]
    [notice] = [p for p in clean.problems if p.column == "respondent_id"]
    assert notice.level == "notice" and "U+200B" in notice.expected and notice.row == 3


def test_a_direction_override_never_reaches_the_processed_tables(tmp_path):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[1, "q1_other"] = "Leadership \u202e(management styles)"
    frame.loc[0, "occupation"] = "\u2066Deputy\u2069 Director"
    write_survey(paths, frame)
    clean = load(paths)
    assert clean.choices["free_text"].dropna().tolist() == ["Leadership (management styles)"]
    assert clean.respondents.loc[0, "occupation"] == "Deputy Director"
    notices = {(p.row, p.column) for p in clean.problems if p.level == "notice"}
    assert notices == {(3, "q1_other"), (2, "occupation")}
    for name in ("respondents", "choices", "likert"):
        assert not INVISIBLE.search((write_processed(clean, paths.processed)[0].parent / f"{name}.csv").read_text())


def test_a_stakeholder_label_with_an_invisible_character_is_the_label(tmp_path):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[0, "stakeholder"] = "public_pm\u200b"
    frame.loc[1, "stakeholder"] = "Project manager from the private sector\u202c"
    write_survey(paths, frame)
    clean = load(paths)
    assert clean.respondents["stakeholder"].tolist() == ["public_pm", "private_pm", "central_gov", "local_gov"]


def test_ages_in_full_width_and_arabic_indic_digits_are_the_ages(tmp_path):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[0, "age"] = "３５"
    frame.loc[1, "age"] = "٣٥"
    write_survey(paths, frame)
    clean = load(paths)
    assert clean.respondents["age_years"].tolist()[:2] == [35, 35]


def test_an_age_in_other_digits_out_of_range_is_refused_by_its_value(tmp_path):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[0, "age"] = "٣٥٠"  # 350
    write_survey(paths, frame)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "age", "٣٥٠") and "from 14 to 100" in problem.expected


def test_a_codebook_label_with_a_direction_override_is_a_problem_of_the_codebook():
    import yaml

    book = yaml.safe_load((PAPER / "codebook.yaml").read_text(encoding="utf-8"))
    book["stakeholders"][0]["label"]["en"] = "Project manager \u202efrom the public sector"
    [problem] = check_codebook(book, "codebook.yaml")
    assert problem.column == "stakeholders[0].label.en" and "U+202E" in problem.expected


def test_the_draft_takes_a_label_and_its_lookalike_as_one(tmp_path):
    from helpers.ingest.infer import infer_codebook

    frame = pd.DataFrame(
        {
            "Timestamp": [f"2021-04-0{i} 10:00:00" for i in range(1, 7)],
            "Stakeholder group": [
                "Manager",
                "Specialist",
                "Manager\u200b",
                "\ufeffSpecialist",
                "Manager",
                "Specialist",
            ],
            "Agree? [Goals are clear]": ["Agree", "Strongly agree", "Neutral", "Disagree", "Agree", "Agree"],
            "Agree? [Strategy is followed]": ["Neutral", "Agree", "Disagree", "Strongly disagree", "Agree", "Agree"],
        },
        index=pd.RangeIndex(2, 8),
    )
    draft = infer_codebook(frame, {"file": "a.csv", "encoding": "utf-8", "delimiter": ","}, "demo")
    assert [s["label"]["en"] for s in draft.book["stakeholders"]] == ["Manager", "Specialist"]


@pytest.mark.parametrize("invisible", INVISIBLES)
def test_a_header_with_an_invisible_character_is_read_as_it_shows_and_named(tmp_path, invisible):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    write_survey(paths, frame.rename(columns={"stakeholder": f"stake{invisible}holder"}))
    clean = load(paths)
    assert (
        clean.respondents["stakeholder"].tolist()
        == load(paper_copy(tmp_path / "as-shipped")).respondents["stakeholder"].tolist()
    )
    [notice] = [p for p in clean.problems if p.row == 1]
    assert notice.level == "notice" and notice.column == f"stake{invisible}holder"
    assert f"U+{ord(invisible):04X}" in notice.expected and "read as 'stakeholder'" in notice.expected
    assert "\n" not in str(notice)


def test_two_headers_that_differ_by_an_invisible_character_are_one_header_twice(tmp_path):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.insert(3, "q1\u200b", frame["q1"])
    write_survey(paths, frame)
    with pytest.raises(DataValidationError) as caught:
        load(paths)
    [duplicate] = [p for p in caught.value.problems if p.level == "error"]
    assert (duplicate.row, duplicate.column) == (1, "q1")
    assert "each column header once (it heads columns 4 and 12)" in duplicate.expected
