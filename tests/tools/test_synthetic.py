"""The synthetic v2 generator: seeded, valid against its own codebook, questionnaire v2; the shipped example-v2 is
what its README says."""

from helpers.analysis import tables
from helpers.codebook import read_codebook
from helpers.ingest.clean import check_accounted_for, clean_dataset, clean_export
from helpers.ingest.encoding import detect_encoding
from helpers.ingest.load import read_export
from helpers.paths import REPO_ROOT, dataset_paths
from helpers.tools.synthetic import write_synthetic_dataset


def test_same_seed_same_bytes_and_a_clean_load(tmp_path):
    a = write_synthetic_dataset(tmp_path / "a", n_respondents=300, seed=7, n_pilot_bodies=5)
    b = write_synthetic_dataset(tmp_path / "b", n_respondents=300, seed=7, n_pilot_bodies=5)
    assert (a / "survey.csv").read_bytes() == (b / "survey.csv").read_bytes()
    codebook = read_codebook(a / "codebook.yaml")
    raw, source = read_export(a, codebook)
    clean = clean_dataset(raw, codebook, source)
    check_accounted_for(clean, codebook)
    assert codebook.factors()["factor_id"].tolist()[-1] == "leadership"  # v2: a fifth factor
    assert len(codebook.stakeholders()) == 6 and len(codebook.pilot_bodies()) == 5
    assert clean.likert["missing_reason"].value_counts().to_dict().keys() == {"blank", "no opinion"}
    table3 = tables.table3(clean.likert, clean.respondents, codebook)
    assert len(table3) == 18 and all("(n = " in c for c in table3.columns[2:])
    assert table3.iloc[:, 2].str.fullmatch(r"\d\.\d\d \((\d\.\d\d|–)\), n = \d+").all()  # mean (SD), n


def test_example_v2_looks_like_a_real_survey():
    """The shipped example, from the latent model: its factors are scales, choices and missing answers are plausible."""
    from helpers.analysis import stats
    from helpers.ingest.clean import clean_export
    from helpers.paths import REPO_ROOT, dataset_paths

    paths = dataset_paths("example-v2", root=REPO_ROOT)
    codebook = read_codebook(paths.codebook)
    clean = clean_export(paths, codebook)
    alphas = stats.factor_reliability(clean.likert, codebook)["alpha"]
    assert alphas.between(0.7, 0.9).all(), alphas.tolist()
    n = len(clean.respondents)
    shares = (
        tables.option_counts(clean.choices, clean.respondents, codebook)
        .groupby(["question_id", "letter"])["n_chose"]
        .sum()
        / n
    )
    assert shares.max() < 0.75 and shares.min() > 0.02  # nobody picks every option
    per_respondent = clean.choices.groupby("respondent_id", observed=True).size() / len(codebook.questions())
    assert 1 <= per_respondent.median() <= 2.5  # one or two options per question
    missing = clean.likert["score"].isna().mean()
    assert 0.02 < missing < 0.08
    leadership = [o for q in codebook.raw["questions"] for o in q["options"] if o.get("factor") == "leadership"]
    assert leadership and leadership[0]["role"] == "leadership_option"
    assert clean.choices["free_text"].dropna().nunique() >= 5  # several distinct "Other" texts


def test_example_data_is_byte_identical_on_rerun(tmp_path):
    from helpers.paths import REPO_ROOT
    from helpers.tools.synthetic import write_example

    folder = write_example(tmp_path)
    for name in ("survey.csv", "codebook.yaml", "README.md"):
        assert (folder / name).read_bytes() == (REPO_ROOT / "data" / "raw" / "example-v2" / name).read_bytes(), name


def test_example_v2_is_a_realistic_v2_export():
    paths = dataset_paths("example-v2", root=REPO_ROOT)
    data = (paths.raw / "survey.csv").read_bytes()
    assert detect_encoding(data) == "cp1251" and data.split(b"\n", 1)[0].count(b";") > 20
    assert "Полностью согласен".encode("cp1251") in data and b";;" in data  # Russian labels and blanks
    assert "SYNTHETIC" in (paths.raw / "README.md").read_text(encoding="utf-8")
    codebook = read_codebook(paths.codebook)
    assert codebook.dataset["synthetic"] is True
    assert codebook.factors()["factor_id"].tolist()[-1] == "leadership"
    clean = clean_export(paths, codebook)
    assert len(clean.respondents) >= 300
    assert clean.respondents["pilot_body"].nunique() >= 3 and clean.respondents["stakeholder"].nunique() >= 5
    assert (clean.likert["missing_reason"] == "no opinion").any() and (clean.likert["missing_reason"] == "blank").any()


# --- the census: an agency's export of a whole civil service ----------------------------------------------------
def test_the_census_has_the_shape_of_a_staff_survey_and_numeric_codes_with_labels():
    from helpers.codebook import Codebook
    from helpers.tools.synthetic import CENSUS, census_codebook

    book = Codebook("census", census_codebook(CENSUS["n_pilot_bodies"], CENSUS["n_factors"], CENSUS["n_statements"]))
    assert len(book.factors()) == 16 and len(book.statements()) == 80
    assert book.statements()["statement_id"].is_unique
    assert book.statements().groupby("factor_id").size().between(3, 6).all()
    assert len(book.stakeholders()) == 6 and len(book.pilot_bodies()) == 300
    assert book.stakeholders()["code"].tolist() == [str(i) for i in range(1, 7)]
    assert book.pilot_bodies()["code"].str.fullmatch(r"\d+").all()
    assert book.raw["scale"]["missing"] == ["9"]


def test_the_census_is_seeded_and_its_csv_and_sav_hold_the_same_answers(tmp_path):
    """Same call, same bytes (the .sav's header date fixed); read through the loader, the .sav (numeric codes, value
    labels, 9 declared user-missing) gives the CSV's answers cell for cell, "no opinion" included."""
    import shutil

    import yaml

    from helpers.tools.synthetic import write_census_dataset

    a = write_census_dataset(tmp_path / "a", n_respondents=400)
    b = write_census_dataset(tmp_path / "b", n_respondents=400)
    for name in ("codebook.yaml", "survey.csv", "survey.sav"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    codebook = read_codebook(a / "codebook.yaml")
    from_csv, _ = read_export(a, codebook)
    sav = tmp_path / "sav"
    sav.mkdir()
    shutil.copy(a / "survey.sav", sav / "survey.sav")
    book = yaml.safe_load((a / "codebook.yaml").read_text(encoding="utf-8"))
    book["export"]["file"] = "survey.sav"
    (sav / "codebook.yaml").write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    from_sav, _ = read_export(sav, read_codebook(sav / "codebook.yaml"))
    assert from_sav.astype(str).equals(from_csv.astype(str))
    clean = clean_dataset(from_sav, read_codebook(sav / "codebook.yaml"), "survey.sav")
    check_accounted_for(clean, codebook)
    reasons = clean.likert["missing_reason"].value_counts()
    assert reasons["no opinion"] > 0 and reasons["blank"] > 0
    assert clean.respondents["pilot_body"].nunique() > 100
