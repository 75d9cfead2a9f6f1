"""`make site` (helpers.publish.site): a static site from what the pipeline wrote, each figure linked to the cell
that drew it and back, nothing run again, the same bytes twice; in headless Chromium every link resolves, no
request leaves the site and axe-core finds nothing; the link check is not blind."""

import hashlib
import html
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.publish import browser, site

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pipeline"))
from pipeline_runs import build_shared  # noqa: E402  (the session's one build, tests/pipeline/conftest.py)

chromium = pytest.mark.skipif(browser.find_chromium() is None, reason="no Chromium here; .ci/run installs it")
axe = pytest.mark.skipif(not browser.AXE_SCRIPT.exists(), reason="axe-core not installed: `npm ci` (make test does it)")


def stream(*lines):
    return {"output_type": "stream", "name": "stdout", "text": [line + "\n" for line in lines]}


def test_the_cell_that_wrote_a_file_is_the_code_cell_whose_output_names_it():
    figures, tables = "reports/x/en/figures/", "reports/x/en/tables/"
    notebook = {
        "metadata": {"helpers": {"wrote": [figures + "a.png", figures + "a.svg", tables + "t.csv", tables + "u.csv"]}},
        "cells": [
            {"cell_type": "markdown", "id": "m", "source": figures + "a.png"},  # words, not an output
            {"cell_type": "code", "id": "c1", "execution_count": 1, "outputs": [stream(figures + "a.png.bak")]},
            {
                "cell_type": "code",
                "id": "c2",
                "execution_count": 2,
                "outputs": [stream(figures + "a.png", figures + "a.svg")],
            },
            {
                "cell_type": "code",
                "id": "c3",
                "execution_count": 3,
                "outputs": [
                    {"output_type": "execute_result", "data": {"text/plain": f"'{tables}t.csv'"}, "metadata": {}}
                ],
            },
            {
                "cell_type": "code",
                "id": "c4",
                "execution_count": 4,
                "outputs": [stream(figures + "a.png")],
            },  # the first counts
        ],
    }
    assert site.cells_that_wrote(notebook, "04_figures") == {
        figures + "a.png": site.Cell("04_figures", "c2", 2),
        figures + "a.svg": site.Cell("04_figures", "c2", 2),
        tables + "t.csv": site.Cell("04_figures", "c3", 3),
    }  # u.csv: no cell's output names it


def test_report_figures_are_read_with_their_alt_text():
    report = (
        '<figure id="one">\n<figcaption><h2>Figure 1</h2></figcaption>\n<img src="data:," alt="Dots &amp; bars">\n'
        '</figure><p>x</p><figure id="two"><img src="data:," alt=""></figure>'
    )
    assert site.report_figures(report) == {"one": "Dots & bars", "two": ""}


def test_the_link_check_finds_every_broken_link_and_every_load_from_outside(tmp_path):
    root = tmp_path / "site"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "outside.html").write_text("<p id='x'>outside</p>", encoding="utf-8")
    (root / "sub" / "a.html").write_text('<h1 id="here">a</h1><h2 id="café">b</h2><h2 id="2.-x%E2%80%93y">c</h2>')
    (root / "index.html").write_text(
        '<p id="top"><a href="#top">self</a> <a href="sub/a.html#here">ok</a> <a href="sub/a.html#caf%C3%A9">ok</a>'
        ' <a href="sub/a.html#2.-x%E2%80%93y">ok, as nbconvert writes it</a> <a href="https://doi.org/10.1/x">out</a>'
        ' <a href="sub/a.html#nowhere">no fragment</a> <a href="missing.html">no file</a>'
        ' <a href="../outside.html#x">outside the site</a> <img src="https://example.org/x.png" alt="x">'
        ' <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="y"></p>',
        encoding="utf-8",
    )
    assert site.broken_links(root) == [
        "index.html: sub/a.html#nowhere (no #nowhere in sub/a.html)",
        "index.html: missing.html (no such file in the site)",
        "index.html: ../outside.html#x (no such file in the site)",
        "index.html: loads https://example.org/x.png from outside the site",
    ]


@chromium
def test_the_browser_check_catches_a_request_leaving_the_site(tmp_path):
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>t</title><main><img src="http://127.0.0.1:9/x.png" alt="x"></main>',
        encoding="utf-8",
    )
    state = site.check_site(tmp_path)
    assert state["requests_out"] == ["index.html: http://127.0.0.1:9/x.png"]
    assert state["broken_links"] == ["index.html: loads http://127.0.0.1:9/x.png from outside the site"]


def checksums(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site of the paper's data (the session's build, a `<script>` planted in a free-text answer), in English,
    built in a copy of that build (the build itself is read, never written), then built again."""
    base = tmp_path_factory.getbasetemp()
    shared = build_shared(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)
    root = tmp_path_factory.mktemp("site-project")
    for part in ("data/raw/amirova2020", "data/processed/amirova2020", "reports/amirova2020"):
        shutil.copytree(shared.root / part, root / part)
    before = {k: v for k, v in checksums(root / "reports" / "amirova2020").items() if not k.startswith("site/")}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ROOT_VARIABLE, str(root))
        folder = site.build_site("amirova2020", ["en"], REPO_ROOT / "docs" / "pipeline.svg")
        first = checksums(folder)
        site.build_site("amirova2020", ["en"], REPO_ROOT / "docs" / "pipeline.svg")
    return {"root": root, "site": folder, "first": first, "before": before}


def test_the_site_is_built_from_what_the_pipeline_wrote_and_the_same_bytes_twice(built):
    assert checksums(built["site"]) == built["first"]
    # The executed notebooks and every output as they were: nothing ran again.
    after = checksums(built["root"] / "reports" / "amirova2020")
    assert {k: v for k, v in after.items() if not k.startswith("site/")} == built["before"]
    pages = {p.relative_to(built["site"]).as_posix() for p in built["site"].rglob("*.html")}
    assert {"index.html", "en/index.html", "en/report.html", "en/codebook.html", "en/pipeline.html"} <= pages
    assert {
        "en/benchmarks.html",
        "en/outputs.html",
        "en/notebooks/01_clean.html",
        "en/notebooks/05_report.html",
    } <= pages
    benchmarks = (built["site"] / "en" / "benchmarks.html").read_text(encoding="utf-8")
    first_heading = re.search(r"^## (.+)$", (REPO_ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8"), re.M)
    assert html.escape(first_heading.group(1), quote=False) in benchmarks


def cell_html(page: str, cell_id: str) -> str:
    """The part of a rendered notebook that is one cell: from its element to the next cell's."""
    start = page.index(f'id="cell-id={cell_id}"')
    following = page.find('id="cell-id=', start + 1)
    return page[start : following if following > 0 else len(page)]


def image_alts(fragment: str) -> list[str]:
    from html.parser import HTMLParser

    alts = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                alts.append(dict(attrs).get("alt"))

    Images().feed(fragment)
    return alts


def test_every_figure_links_to_the_cell_that_drew_it_and_back(built):
    folder = built["site"] / "en"
    report = (folder / "report.html").read_text(encoding="utf-8")
    figures = site.report_figures(report)
    assert len(figures) >= 3
    for figure, alt in figures.items():
        body = re.search(rf'<figure id="{figure}">(.*?)</figure>', report, re.S).group(1)
        link = re.search(r'<p class="traced"><a href="notebooks/([^"#]+)#cell-id=([^"]+)">', body)
        assert link, figure
        page = (folder / "notebooks" / link.group(1)).read_text(encoding="utf-8")
        cell = cell_html(page, link.group(2))
        assert f"figures/{figure}.png" in cell  # the cell's own output names the file it saved
        assert f'href="../report.html#{figure}"' in cell
        [shown] = image_alts(cell)  # the notebook's image says what the report's says (of every figure it drew)
        assert alt in shown


def test_the_outputs_page_lists_every_file_each_step_wrote_and_publishes_no_respondent_rows(built):
    import nbformat

    folder = built["site"] / "en"
    outputs = (folder / "outputs.html").read_text(encoding="utf-8")
    reports = built["root"] / "reports" / "amirova2020"
    for executed in [*reports.glob("notebooks/*.ipynb"), *reports.glob("en/notebooks/*.ipynb")]:
        for path in nbformat.read(executed, as_version=4).metadata["helpers"]["wrote"]:
            assert f"<code>{path}</code>" in outputs, path
            copy = folder / "files" / path.removeprefix("reports/amirova2020/en/")
            assert copy.exists() == (not path.startswith("data/processed/")), path
    assert not any(p.name == "respondents.csv" for p in built["site"].rglob("*"))


def test_a_planted_script_stays_text_on_every_page(built):
    pages = list(built["site"].rglob("*.html"))
    assert all("<script" not in page.read_text(encoding="utf-8").lower() for page in pages)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in page.read_text(encoding="utf-8") for page in pages)


@chromium
@axe
def test_in_chromium_every_link_resolves_no_request_leaves_and_axe_core_finds_nothing(built):
    state = site.check_site(built["site"])
    assert state["pages"] == len(list(built["site"].rglob("*.html")))
    assert state["broken_links"] == []
    assert state["requests_out"] == []
    assert state["accessibility"] == []
