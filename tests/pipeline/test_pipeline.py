"""The notebooks run end to end under papermill on a scratch copy of the data."""

import hashlib
import html as html_module
import subprocess
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.files import current_umask
from helpers.publish.browser import check_report, find_chromium
from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.pipeline import run_notebook, sandbox_root

from pipeline_runs import checksums

STEPS = ("01_clean", "02_tables", "03_priorities", "04_figures", "05_report")


def executed(root: Path, step: str) -> Path:
    """Where make puts a step's executed notebook: 01 for the dataset, 02-05 in the language's folder (en)."""
    folder = root / "reports" / "amirova2020" / ("" if step == "01_clean" else "en") / "notebooks"
    return folder / f"{step}.ipynb"


@pytest.fixture(scope="module")
def built(shared_build):
    """The session's build (see tests/pipeline/conftest.py), with a `<script>` planted in a free-text answer of the
    paper's data: its root and the raw files' checksums before it ran."""
    return shared_build.root, shared_build.raw_before


def test_every_output_is_written(built):
    root, _ = built
    out = root / "reports" / "amirova2020" / "en"
    for name in ("table1.csv", "table2.csv", "table3.csv"):
        assert (out / "tables" / name).stat().st_size > 0
    heatmaps = sorted(p.stem for p in (out / "figures").glob("statement_heatmap*.png"))
    assert heatmaps in (["statement_heatmap"], [f"statement_heatmap_{k}" for k in range(1, len(heatmaps) + 1)])
    for name in (*heatmaps, "factor_priority"):
        assert (out / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in (out / "figures" / f"{name}.svg").read_bytes()
    for name in ("respondents", "choices", "likert"):
        assert (root / "data" / "processed" / "amirova2020" / f"{name}.csv").exists()
    assert [p.name for p in sorted((out / "notebooks").glob("*.ipynb"))] == [f"{s}.ipynb" for s in STEPS[1:]]
    assert (out.parent / "notebooks" / "01_clean.ipynb").exists()


def test_every_output_has_the_mode_any_new_file_gets(built):
    """Tables, records and reports are written through temporary files; none stays readable by its owner
    alone (mkstemp's mode): a group or a web server shown reports/ reads them as it reads any other file."""
    root, _ = built
    expected = 0o666 & ~current_umask()
    modes = {
        path.relative_to(root).as_posix(): oct(path.stat().st_mode & 0o777)
        for top in ("data/processed", "reports")
        for path in (root / top).rglob("*")
        if path.is_file()
    }
    assert len(modes) > 50
    assert {name: mode for name, mode in modes.items() if mode != oct(expected)} == {}


def test_raw_data_is_never_written(built):
    root, before = built
    assert checksums(root / "data" / "raw") == before


def test_report_is_self_contained_and_escapes_free_text(built):
    root, _ = built
    html = (root / "reports" / "amirova2020" / "en" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.replace("&lt;script", "")
    # The respondent's own words, escaped, and marked as an answer (shown as given, never translated).
    assert 'E) Other-<span class="answer">&lt;script&gt;alert(1)&lt;/script&gt;</span>' in html
    # Marked in the cells from the data: every mark holds a whole answer, and nothing else of the page is one.
    # (Table 1's positions, typed by each interviewee, and the 'Other' text of Table 2.)
    marks = {html_module.unescape(m) for m in re.findall(r'<span class="answer">(.*?)</span>', html)}
    respondents = pd.read_csv(root / "data" / "processed" / "amirova2020" / "respondents.csv", dtype=str)
    assert marks == {*respondents["occupation"], "<script>alert(1)</script>"}
    # Nothing is fetched: every src is an embedded data URI, no stylesheet or script is linked.
    assert re.findall(r'src="(?!data:)', html) == []
    assert "<link" not in html
    # The heatmap's pages, the priorities and the choice matrix's pages: each figure the figures step drew.
    drawn = list((root / "reports" / "amirova2020" / "en" / "figures").glob("*.png"))
    assert len(drawn) >= 3 and html.count('<img src="data:image/png;base64,') == len(drawn)
    for caption in (
        "Table 1. Profile of interviewees",
        "Table 2. Analysis of preliminary questions",
        "Table 3. Answers to questions on the draft conceptual model",
    ):
        assert caption in html
    assert "https://doi.org/10.32523/2079-620X-2020-1-52-62" in html  # the citation, as text
    assert "1. Strategy (4.58), 2. Organization (4.08), 3. Human capital (3.80), 4. Resources (3.44)" in html
    digest = hashlib.sha256((root / "data" / "raw" / "amirova2020" / "survey.csv").read_bytes()).hexdigest()
    assert digest in html


def test_report_on_the_papers_data_says_what_was_found_and_what_cannot_be(built):
    root, _ = built
    page = (root / "reports" / "amirova2020" / "en" / "report.html").read_text(encoding="utf-8")
    text = html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    summary = page[page.index('<section id="summary"') : page.index("</section>")]
    assert summary.count("<li>") <= 10 and "Respondents: 4 (Public-sector PM 1," in summary
    # The planted free text changed one cell of Table 2: the reproduction status is computed, and names it.
    assert "144 of 145 cells equal the published tables; 1 differ:" in text
    assert "table2, row 1, column “Project manager from the private sector”" in text
    for heading in ("Data and methods", "Limitations", "“Other” answers, as written"):
        assert f">{heading}</h2>" in page
    assert "the “groups” are 4 individuals" in text
    # Said wherever types are compared: in the summary, before the priorities and before the findings.
    assert text.count("Each stakeholder type is one person here") == 3
    assert "p = 0.051 (exact (all 331,776 rearrangements); chi-square approximation p = 0.063)" in text
    assert "contrary: Public-sector PM rates it 2" in text and "p = 0.000" not in text
    # The "Other" answers, escaped: shown as text, never run.
    assert '<td class="answer">&lt;script&gt;alert(1)&lt;/script&gt;</td>' in page


def test_tables_are_computed_from_the_data(built):
    root, _ = built
    table2 = pd.read_csv(root / "reports" / "amirova2020" / "en" / "tables" / "table2.csv", dtype=str)
    assert table2.loc[0, "Project manager from the private sector"].endswith("E) Other-<script>alert(1)</script>")


def test_quarantined_rows_are_reported_prominently(tmp_path, monkeypatch):
    root = sandbox_root(tmp_path)
    survey = root / "data" / "raw" / "amirova2020" / "survey.csv"
    survey.write_text(survey.read_text(encoding="utf-8").replace("R3,central_gov", "R3,minister"), encoding="utf-8")
    monkeypatch.setenv(ROOT_VARIABLE, str(root))
    for step in (s for s in STEPS if s != "04_figures"):  # the report is written without the figures too
        parameters = {"dataset": "amirova2020", **({"on_invalid": "quarantine"} if step == "01_clean" else {})}
        run_notebook(REPO_ROOT / "notebooks" / f"{step}.ipynb", executed(root, step), parameters)
    processed = root / "data" / "processed" / "amirova2020"
    rejected = pd.read_csv(processed / "rejected.csv", dtype=str)
    assert rejected["respondent_id"].tolist() == ["R3"] and "found 'minister'" in rejected.loc[0, "reasons"]
    assert len(pd.read_csv(processed / "respondents.csv")) == 3
    html = (root / "reports" / "amirova2020" / "en" / "report.html").read_text(encoding="utf-8")
    assert "1 of 4 rows of the raw export were set aside" in html
    assert "Rows of the raw export set aside as invalid: 1 " in html and "1 rows" not in html
    assert (
        "Central government representative"
        not in pd.read_csv(root / "reports" / "amirova2020" / "en" / "tables" / "table3.csv").columns
    )


def test_make_refuses_dataset_names_outside_data_raw():
    for name in ("../x", "/tmp/x", ""):
        result = subprocess.run(
            ["make", "-n", "-C", str(REPO_ROOT), "report", f"DATA={name}"], capture_output=True, text=True
        )
        assert result.returncode != 0 and "DATA" in result.stderr, result.stderr


chromium = pytest.mark.skipif(find_chromium() is None, reason="no Chromium here; .ci/run installs it")


@chromium
def test_report_renders_in_chromium_and_requests_nothing(built, tmp_path):
    root, _ = built
    folder = root / "reports" / "amirova2020" / "en"
    state = check_report(folder / "report.html", tmp_path / "report-screenshot.png")
    assert state["requests_out"] == []
    assert state["tables"] >= 6 and state["table_rows"] > 40
    drawn = list((root / "reports" / "amirova2020" / "en" / "figures").glob("*.png"))
    assert len(state["images"]) == len(drawn) >= 3 and all(i["ok"] and i["width"] > 1000 for i in state["images"])
    assert state["scripts"] == 0  # the planted <script> in a free-text answer stayed text
    assert (tmp_path / "report-screenshot.png").read_bytes()[:4] == b"\x89PNG"
