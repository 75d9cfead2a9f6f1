"""The pipeline's Tables 1-3, computed from data/raw/amirova2020, equal the paper's cell for cell."""

from pathlib import Path

import pandas as pd
import pytest

from helpers.analysis import tables
from helpers.ingest.clean import clean_dataset

PAPER_TABLES = Path(__file__).parents[2] / "data" / "raw" / "amirova2020" / "published"


def paper_table(name: str) -> pd.DataFrame:
    return pd.read_csv(PAPER_TABLES / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture
def clean(paper_raw, codebook):
    return clean_dataset(paper_raw, codebook, "survey.csv")


def as_text(table: pd.DataFrame) -> pd.DataFrame:
    return table.astype(str).reset_index(drop=True)


def test_table1_matches_the_paper(clean, codebook):
    pd.testing.assert_frame_equal(as_text(tables.table1(clean.respondents, codebook)), paper_table("table1"))


def test_table2_matches_the_paper(clean, codebook):
    pd.testing.assert_frame_equal(
        as_text(tables.table2(clean.choices, clean.respondents, codebook)), paper_table("table2")
    )


def test_table3_matches_the_paper(clean, codebook):
    pd.testing.assert_frame_equal(
        as_text(tables.table3(clean.likert, clean.respondents, codebook)), paper_table("table3")
    )


def test_table1_note_carries_the_papers_footnote(clean, codebook):
    note = tables.table_note("table1", codebook, clean.respondents)
    assert note.startswith(
        "Note: developed by the author based on the survey * the interview and survey were conducted later"
    )


def test_a_changed_score_changes_table3(paper_raw, codebook):
    paper_raw.loc[2, "s07"] = "4"  # the public-sector PM's "timely filling of vacant positions", 1 in the paper
    table = tables.table3(
        clean_dataset(paper_raw, codebook, "survey.csv").likert,
        clean_dataset(paper_raw, codebook, "survey.csv").respondents,
        codebook,
    )
    assert table.loc[6, "Project manager from the public sector"] == 4
    assert not as_text(table).equals(paper_table("table3"))
