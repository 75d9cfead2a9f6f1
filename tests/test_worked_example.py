"""The worked example in data/raw/README.md runs as documented."""
import re

import pandas as pd

from helpers.analysis import tables
from helpers.ingest.clean import clean_dataset
from helpers.codebook import read_codebook
from helpers.ingest.load import read_export
from helpers.paths import REPO_ROOT


def test_worked_example_in_the_data_readme(tmp_path):
    readme = (REPO_ROOT / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    codebook_text = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    export_text = re.search(r"and the export `export.csv` it describes:\n\n```\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "codebook.yaml").write_text(codebook_text, encoding="utf-8")
    (tmp_path / "export.csv").write_text(export_text, encoding="utf-8")
    codebook = read_codebook(tmp_path / "codebook.yaml")
    raw, source = read_export(tmp_path, codebook)
    clean = clean_dataset(raw, codebook, source)
    likert = clean.likert.set_index(["respondent_id", "statement_id"])
    assert likert.loc[("1", "s02"), "score"] == 5                       # "Полностью согласен"
    assert pd.isna(likert.loc[("2", "s02"), "score"])
    assert likert.loc[("2", "s02"), "missing_reason"] == "no opinion"  # kept apart from the neutral point
    table3 = tables.table3(clean.likert, clean.respondents, codebook)
    assert table3.columns.tolist() == ["Factor", "Statement", "Manager", "Specialist"]
    assert clean.choices.dropna(subset=["free_text"])["free_text"].tolist() == ["Leadership"]
