"""`make bodies` (and `make report PILOT_BODY=each`): every pilot body's report from one pass over the data, each
table the same as the body's own run of the pipeline gives, small bodies a line in the index, folders that
stay inside bodies/ whatever a body's code."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from helpers.analysis import tables
from helpers.codebook import read_codebook
from helpers.ingest.clean import clean_export, write_processed
from helpers.paths import REPO_ROOT, dataset_paths
from helpers.processed import read_processed
from helpers.publish import bodies, browser
from helpers.publish.report.tables import read_table

EXAMPLE = REPO_ROOT / "data" / "raw" / "example-v2"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """example-v2 cleaned into a scratch project, its first body cut to 9 respondents (below the default
    threshold of 10) and its second left with none."""
    root = tmp_path_factory.mktemp("bodies")
    shutil.copytree(EXAMPLE, root / "data" / "raw" / "x")
    paths = dataset_paths("x", root)
    book = yaml.safe_load(paths.codebook.read_text(encoding="utf-8"))
    codes = [b["code"] for b in book["pilot_bodies"]]
    survey = pd.read_csv(paths.raw / "survey.csv", sep=None, engine="python", dtype=str, encoding="cp1251")
    column = book["export"]["pilot_body_column"]
    labels = {str(text): b["code"] for b in book["pilot_bodies"] for text in _texts(b)}
    first = survey.index[survey[column].map(labels) == codes[0]]
    second = survey.index[survey[column].map(labels) == codes[1]]
    moved = list(first[9:]) + list(second)
    survey.loc[moved, column] = next(t for t in _texts(book["pilot_bodies"][2]))
    survey.to_csv(paths.raw / "survey.csv", sep=";", index=False, encoding="cp1251")
    clean = clean_export(paths, read_codebook(paths.codebook))
    write_processed(clean, paths.processed)
    return root, paths, codes


def _texts(body: dict) -> list[str]:
    label = body.get("label")
    texts = list(label.values()) if isinstance(label, dict) else [label] if label else []
    return [body["code"], *texts]


def test_every_body_has_a_report_or_a_line_in_the_index(example):
    root, paths, codes = example
    index, written = bodies.write_body_reports("x", "en", root)
    listed = read_table(index.with_name("index.csv"))
    assert listed["pilot_body"].tolist() == codes
    row = listed.set_index("pilot_body")
    assert row.loc[codes[0], "respondents"] == "9" and "disclosure threshold (10)" in row.loc[codes[0], "no_report"]
    assert row.loc[codes[1], "respondents"] == "0" and row.loc[codes[1], "no_report"] == "no respondent: no report"
    assert row.loc[codes[0], "report"] == "" and row.loc[codes[1], "report"] == ""
    # The first body's 9 are counted in the report of all bodies: every type of theirs is withheld from the smaller
    # of the two other bodies too, else the report of all less the two would give the 9 away.
    assert row.loc[codes[3], "no_report"].startswith("no report: every stakeholder type here is below")
    shown = [codes[2]]
    assert sorted(p.parent.name for p in written) == sorted(shown)
    page = index.read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">', page)
    assert links == [f"{code}/report.html" for code in shown]
    assert all((index.parent / link).is_file() for link in links)


def test_a_bodys_tables_are_those_of_its_own_run_of_the_pipeline(example):
    """One pass gives each body what `make report PILOT_BODY=<body>` gives it: the same types withheld, the same
    counts suppressed (chosen from all the reports at once), the same cells."""
    root, paths, codes = example
    codebook = read_codebook(paths.codebook)
    data = read_processed(paths.processed)
    entries = {e["code"]: e for e in bodies.body_reports(data, codebook, "en")}
    reported = [code for code, entry in entries.items() if "computed" in entry]
    assert reported == [codes[2]]
    for code in reported:
        own = tables.analysed_data(data, code, codebook)
        expected = {
            "table1": tables.table1(own["respondents"], codebook, "en", own["suppressed"]),
            "table2": tables.table2(own["choices"], own["respondents"], codebook, "en", own["suppressed"]),
            "table3": tables.table3(own["likert"], own["respondents"], codebook, "en"),
        }
        for name, table in expected.items():
            pd.testing.assert_frame_equal(entries[code]["computed"][name], table, obj=f"{code} {name}")


def test_a_body_report_shows_its_tables_as_their_csvs_read_back(example):
    root, paths, codes = example
    index, written = bodies.write_body_reports("x", "en", root)
    report = written[0]
    page = report.read_text(encoding="utf-8")
    table2 = read_table(report.parent / "tables" / "table2.csv")
    for cell in table2.iloc[:, 2]:
        assert f">{cell}</td>" in page
    assert "<script" not in page and 'href="../index.html"' in page


def test_a_report_left_from_an_earlier_run_goes_when_the_body_has_none(example, tmp_path):
    root, paths, codes = example
    index, _ = bodies.write_body_reports("x", "en", root)
    stale = index.parent / codes[0] / "report.html"
    stale.parent.mkdir(exist_ok=True)
    stale.write_text("old", encoding="utf-8")
    bodies.write_body_reports("x", "en", root)
    assert not stale.exists()


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=12, unique=True))
def test_a_bodys_folder_stays_inside_bodies_whatever_its_code(codes):
    folders = bodies.body_folders(codes)
    names = [folders[c] for c in codes]
    assert len({n.lower() for n in names}) == len(names)  # never two bodies in one folder, in any file system
    for code, name in folders.items():
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) and ".." not in name.split("/"), name
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", code) and code.lower() not in {
            folders[c].lower() for c in codes[: codes.index(code)]
        }:
            assert name == code


def test_the_pilot_body_parameter_takes_each(example, monkeypatch):
    from helpers import pipeline

    root, paths, codes = example
    monkeypatch.setenv("HELPERS_PROJECT_ROOT", str(root))
    monkeypatch.setenv("DATA", "x")
    monkeypatch.setenv("PILOT_BODY", "each")
    assert pipeline.check_environment() == []
    monkeypatch.setenv("PILOT_BODY", "every")
    [error] = pipeline.check_environment()
    assert "PILOT_BODY='every' is not a pilot body" in error and "'each' for a report per body" in error


@pytest.mark.skipif(
    browser.find_chromium() is None or not browser.AXE_SCRIPT.exists(),
    reason="no Chromium or no axe-core here; .ci/run installs both",
)
def test_the_index_and_a_body_report_render_and_pass_axe_core(example, tmp_path):
    root, paths, codes = example
    index, written = bodies.write_body_reports("x", "en", root)
    for page in (index, written[0]):
        state = browser.check_report(page, tmp_path / "shot.png")
        assert state["requests_out"] == [] and state["scripts"] == 0
        assert state["accessibility"] == [], state["accessibility"]
        assert state["tables"] >= 1
    assert bodies.print_body_pdfs(written, "a4", jobs=2) == len(written)
    pdf = written[0].with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/StructTreeRoot" in pdf  # tagged, as the main report's
