"""The processed tables' fast CSV writer writes exactly the bytes pandas' to_csv (helpers.files.write_csv) writes."""

import os

import numpy as np
import pandas as pd
import pytest

from helpers.files import current_umask, write_csv, write_text
from helpers.processed import write_processed_table

CODES = pd.Categorical(["s01", "s02", None, "s01"])
FRAMES = {
    "codes, scores and gaps": pd.DataFrame(
        {
            "respondent_id": ["R1", "R1", "R2", "R2"],
            "statement_id": CODES,
            "score": pd.array([5, None, 3, 1], dtype="Int64"),
            "missing_reason": pd.Series([pd.NA, "blank", None, np.nan], dtype=object),
            "source_row": [2, 2, 3, 3],
        }
    ),
    "nullable booleans and text with spaces, apostrophes and Cyrillic": pd.DataFrame(
        {
            "lower_bound": pd.array([True, None, False, True], dtype="boolean"),
            "occupation": ["  head of unit ", "'=SUM(A1)", "Руководитель", ""],
            "flag": [True, False, True, False],
        }
    ),
    "text that needs quotes": pd.DataFrame({"id": ["a", "b"], "free_text": ['say "hi"', "one, two"]}),
    "a line break in a cell": pd.DataFrame({"id": ["a", "b"], "free_text": ["line\nbreak", "cr\rhere"]}),
    "decimal numbers": pd.DataFrame({"id": ["a", "b", "c"], "years": [2.5, np.nan, 1e-05]}),
    "no rows": pd.DataFrame({"id": pd.Series([], dtype=object), "score": pd.array([], dtype="Int64")}),
    "a header that needs quotes": pd.DataFrame({"a,b": ["x"], "c": ["y"]}),
}


@pytest.mark.parametrize("name", FRAMES)
def test_the_fast_writer_writes_what_pandas_writes(name, tmp_path):
    frame = FRAMES[name]
    expected = write_csv(frame, tmp_path / "pandas.csv", for_spreadsheets=False).read_bytes()
    assert write_processed_table(frame, tmp_path / "fast.csv").read_bytes() == expected


def test_the_example_datasets_cleaned_tables_come_out_byte_for_byte(tmp_path):
    from helpers.codebook import read_codebook
    from helpers.ingest.clean import clean_export
    from helpers.paths import REPO_ROOT, dataset_paths
    from helpers.processed import PROCESSED_TABLES

    paths = dataset_paths("example-v2", root=REPO_ROOT)  # the shipped example, wherever the tests run
    clean = clean_export(paths, read_codebook(paths.codebook))
    for name in PROCESSED_TABLES:
        frame = getattr(clean, name)
        fast = write_processed_table(frame, tmp_path / f"{name}.csv").read_bytes()
        pandas = write_csv(frame, tmp_path / f"{name}-pandas.csv", for_spreadsheets=False).read_bytes()
        assert fast == pandas, name


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_a_written_file_gets_the_mode_the_umask_gives_any_new_file(umask, tmp_path):
    before = current_umask()
    os.umask(umask)
    try:
        write_text("x", tmp_path / "a.txt")
        write_csv(pd.DataFrame({"a": [1]}), tmp_path / "a.csv")
        (tmp_path / "plain.txt").write_text("x")  # as open() makes any file
    finally:
        os.umask(before)
    assert current_umask() == before
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes == {"a.txt": 0o666 & ~umask, "a.csv": 0o666 & ~umask, "plain.txt": 0o666 & ~umask}


def test_a_category_coded_in_numbers_is_read_as_the_codebooks_text(tmp_path):
    """An SPSS or Kobo export codes a category 1, 2, 3; the codebook lists "1", "2", "3". Read as numbers, the
    codes matched none of the codebook's values and Table 1's cell was empty."""
    from helpers.analysis import tables
    from helpers.codebook import Codebook
    from helpers.processed import read_processed
    from helpers.tools.synthetic import census_codebook

    book = Codebook("codebook.yaml", census_codebook(n_pilot_bodies=2, n_factors=5, n_statements=20))
    education = next(spec for spec in book.profile() if spec["type"] == "category")
    codes = [str(v) for v in education["values"]][:2]
    respondents = pd.DataFrame(
        {
            "source_row": [2, 3, 4],
            "respondent_id": ["a", "b", "c"],
            "stakeholder": [book.stakeholders()["code"][0]] * 3,
            "pilot_body": ["", "", ""],
            education["id"]: [codes[0], codes[1], ""],
        }
    )
    write_csv(respondents, tmp_path / "respondents.csv", for_spreadsheets=False)
    for name in ("choices", "likert"):
        write_text("respondent_id,stakeholder,pilot_body\n", tmp_path / f"{name}.csv")
    read = read_processed(tmp_path)["respondents"]
    assert read[education["id"]].tolist()[:2] == codes and pd.isna(read[education["id"]].iloc[2])
    labels = [tables.category_label(education, code) for code in codes]
    for spec in book.profile():  # the other profile fields, blank
        if spec["id"] != education["id"]:
            read = read.assign(**{c: pd.NA for c in _processed_columns(spec)})
    cell = tables.table1(read, book).set_index(tables.table1(read, book).columns[0]).iloc[-1, 0]
    assert cell == f"{labels[0]} 1, {labels[1]} 1", cell


def _processed_columns(spec: dict) -> list[str]:
    field = spec["id"]
    return {
        "years": [f"{field}_years"],
        "decimal_years": [f"{field}_years_decimal"],
        "duration": [f"{field}_months", f"{field}_lower_bound"],
    }.get(spec["type"], [field])
