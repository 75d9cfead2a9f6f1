"""`make codebook`: the questionnaire page and the schema.org Dataset record, their description and the paths
they name (helpers.publish.codebook_page)."""

import json

import pytest

from helpers.ingest.clean import write_processed
from helpers.paths import ROOT_VARIABLE
from helpers.publish import codebook_page

from dataset_copies import edit_codebook, load, paper_copy


# --- make codebook -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source, n, expected",
    [
        ("Google Forms export answers.csv, 6 respondents", 6, "Google Forms export answers.csv, 6 respondents."),
        (
            "Google Forms export answers.csv, 6 respondents",
            5,
            "Google Forms export answers.csv, 6 respondents. 5 respondents.",
        ),
        ("Survey of 2021. https://doi.org/10.1/x", 1, "Survey of 2021. https://doi.org/10.1/x. 1 respondent."),
        ("Wave 1 of 16 respondents", 6, "Wave 1 of 16 respondents. 6 respondents."),
        (None, 4, "4 respondents."),
    ],
)
def test_the_dataset_description_says_the_count_once(source, n, expected):
    assert codebook_page.dataset_description(source, n) == expected


def test_make_codebook_names_its_files_relative_to_the_project_root(tmp_path, monkeypatch, capsys):
    paths = paper_copy(tmp_path)
    # A drafted codebook's source ends with the export's count (helpers.ingest.infer).
    edit_codebook(paths, lambda book: book["dataset"].update(source="Plain export survey.csv, 4 respondents"))
    write_processed(load(paths), paths.processed)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    assert codebook_page.main(["x"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "reports/x/en/codebook/codebook.html",
        "reports/x/en/codebook/dataset.jsonld",
    ]
    record = json.loads((tmp_path / "reports" / "x" / "en" / "codebook" / "dataset.jsonld").read_text("utf-8"))
    assert record["description"] == "Plain export survey.csv, 4 respondents."


def test_make_codebook_before_cleaning_names_the_folder_relative_to_the_project_root(tmp_path, monkeypatch):
    paper_copy(tmp_path)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    with pytest.raises(SystemExit) as caught:
        codebook_page.main(["x"])
    assert str(caught.value).startswith("error: data/processed/x: no respondents.csv")
    assert str(tmp_path) not in str(caught.value)


def test_the_codebook_page_never_prints_nan_and_rounds_as_the_report(tmp_path):
    import re

    from helpers import i18n
    from helpers.codebook import read_codebook

    paths = paper_copy(tmp_path)
    codebook = read_codebook(paths.codebook)
    data = load(paths)
    page = codebook_page.codebook_html(
        codebook, {"respondents": data.respondents, "choices": data.choices, "likert": data.likert}, "x"
    )
    unknown = int((~codebook.options()["known"]).sum())
    assert unknown and page.count("(wording not given)") == unknown  # the paper gives no wording for some options
    assert not re.search(r">\s*nan\b|\bnan\s*<", page, flags=re.IGNORECASE)
    # Each statement's mean as every displayed number: half away from zero (i18n.number).
    likert = data.likert.dropna(subset=["score"])
    means = likert.groupby("statement_id")["score"].mean()
    for mean in means:
        assert f'<td class="num">{i18n.number(float(mean))}</td>' in page
