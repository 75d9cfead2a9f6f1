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
    readme = readme[readme.index("### A worked example") :]
    codebook_text = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    export_text = re.search(r"and the export `export.csv` it describes:\n\n```\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "codebook.yaml").write_text(codebook_text, encoding="utf-8")
    (tmp_path / "export.csv").write_text(export_text, encoding="utf-8")
    codebook = read_codebook(tmp_path / "codebook.yaml")
    raw, source = read_export(tmp_path, codebook)
    clean = clean_dataset(raw, codebook, source)
    likert = clean.likert.set_index(["respondent_id", "statement_id"])
    assert likert.loc[("1", "s02"), "score"] == 5  # "Полностью согласен"
    assert pd.isna(likert.loc[("2", "s02"), "score"])
    assert likert.loc[("2", "s02"), "missing_reason"] == "no opinion"  # kept apart from the neutral point
    table3 = tables.table3(clean.likert, clean.respondents, codebook)
    assert table3.columns.tolist() == ["Factor", "Statement", "Manager", "Specialist"]
    assert clean.choices.dropna(subset=["free_text"])["free_text"].tolist() == ["Leadership"]


def test_google_forms_walk_through_in_the_data_readme(tmp_path, monkeypatch):
    """data/raw/README.md's walk-through: new-dataset FROM= the export shown, the factor TODO done as shown,
    check-codebook finds nothing to fix, the cleaned data give Table 3."""
    from helpers.ingest.check import INFORMATION, check_dataset
    from helpers.paths import ROOT_VARIABLE, dataset_paths
    from helpers.tools.scaffold import new_dataset

    readme = (REPO_ROOT / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    walk = readme[readme.index("### Walk-through: a Google Forms export") :]
    export = re.search(r"```csv\n(.*?)```", walk, re.S).group(1)
    factors = re.search(r"```yaml\n(.*?)```", walk, re.S).group(1)
    (tmp_path / "answers.csv").write_text(export, encoding="utf-8")
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path / "root"))
    (tmp_path / "root" / "data" / "raw").mkdir(parents=True)
    new_dataset("ministry-2021", str(tmp_path / "answers.csv"))
    paths = dataset_paths("ministry-2021")
    draft = paths.codebook.read_text(encoding="utf-8")
    assert '"Социальный пакет, льготы"' in draft and "decimal_years" in draft and "other: true" in draft
    text = draft.replace("factors: []\n", factors, 1)
    for factor in ("strategy", "strategy", "leadership", "leadership"):
        text = re.sub(r'^(\s+)factor: "TODO"', rf"\1factor: {factor}", text, count=1, flags=re.M)
    paths.codebook.write_text(text, encoding="utf-8")
    assert [str(f) for f in check_dataset("ministry-2021") if f.kind not in INFORMATION] == []
    codebook = read_codebook(paths.codebook)
    raw, source = read_export(paths.raw, codebook)
    from helpers.ingest.shapes import to_canonical

    canonical, problems = to_canonical(raw, codebook, source)
    clean = clean_dataset(canonical, codebook, source, raw, problems)
    table3 = tables.table3(clean.likert, clean.respondents, codebook)
    assert table3.iloc[:, 2:].notna().all().all() and len(table3) == 4
    assert sorted(clean.choices["free_text"].dropna()) == ["Лидерство руководителя", "Признание коллег"]
    assert clean.respondents.filter(like="_years_decimal").iloc[:, 0].tolist() == [3.0, 2.5, 7.5, 20.0, 1.0, 12.5]
