"""The codebook is checked as data; dataset names cannot reach outside data/raw."""

import copy

import pandas as pd
import pytest
import yaml

from helpers.codebook import check_codebook, read_codebook
from helpers.errors import DataValidationError
from helpers.paths import check_dataset_name, dataset_paths


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


@pytest.mark.parametrize("name", ["", " ", "../x", "/tmp/x", "a/b", "..", "."])
def test_dataset_names_outside_data_raw_are_refused(name):
    with pytest.raises(ValueError):
        check_dataset_name(name)


def test_paths_derive_from_root_and_name(tmp_path):
    paths = dataset_paths("example-v2", root=tmp_path)
    assert paths.raw == tmp_path / "data" / "raw" / "example-v2"
    assert paths.processed == tmp_path / "data" / "processed" / "example-v2"
    assert paths.report_html == tmp_path / "reports" / "example-v2" / "en" / "report.html"
    assert paths.relative(paths.tables / "table1.csv") == "reports/example-v2/en/tables/table1.csv"
    assert paths.for_language("kk").figures == tmp_path / "reports" / "example-v2" / "kk" / "figures"
