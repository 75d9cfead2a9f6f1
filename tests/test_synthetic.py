"""The synthetic v2 generator: seeded, valid against its own codebook, questionnaire v2."""
import pandas as pd

from helpers.analysis import tables
from helpers.ingest.clean import check_accounted_for, clean_dataset
from helpers.codebook import read_codebook
from helpers.ingest.load import read_export
from helpers.tools.synthetic import write_synthetic_dataset


def test_same_seed_same_bytes_and_a_clean_load(tmp_path):
    a = write_synthetic_dataset(tmp_path / "a", n_respondents=300, seed=7, n_pilot_bodies=5)
    b = write_synthetic_dataset(tmp_path / "b", n_respondents=300, seed=7, n_pilot_bodies=5)
    assert (a / "survey.csv").read_bytes() == (b / "survey.csv").read_bytes()
    codebook = read_codebook(a / "codebook.yaml")
    raw, source = read_export(a, codebook)
    clean = clean_dataset(raw, codebook, source)
    check_accounted_for(clean, codebook)
    assert codebook.factors()["factor_id"].tolist()[-1] == "leadership"      # v2: a fifth factor
    assert len(codebook.stakeholders()) == 6 and len(codebook.pilot_bodies()) == 5
    assert clean.likert["missing_reason"].value_counts().to_dict().keys() == {"blank", "no opinion"}
    table3 = tables.table3(clean.likert, clean.respondents, codebook)
    assert len(table3) == 18 and all("(n = " in c for c in table3.columns[2:])
    assert table3.iloc[:, 2].str.fullmatch(r"\d\.\d\d \((\d\.\d\d|–)\), n = \d+").all()  # mean (SD), n
