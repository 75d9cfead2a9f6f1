"""The report as it is printed and read: report.pdf read back page by page, and axe-core run in Chromium.

The paper's data and example-v2 went through `make report` once for the session (tests/pipeline/conftest.py), which
printed each report.pdf; the tests read those PDFs and open each report in Chromium once more.
"""

import re
from pathlib import Path

import pytest

from helpers.publish import browser

DATASETS = ("amirova2020", "example-v2")
A4 = (595.92, 841.92)  # points, as Chromium writes them
LETTER = (612.0, 792.0)

chromium = pytest.mark.skipif(browser.find_chromium() is None, reason="no Chromium here; .ci/run installs it")
axe = pytest.mark.skipif(not browser.AXE_SCRIPT.exists(), reason="axe-core not installed: `npm ci` (make test does it)")


@pytest.fixture(scope="module")
def published(shared_build, tmp_path_factory):
    """Each dataset's English report as `make report` printed it (the session's build), and what one more
    Chromium sees when it opens it (axe-core included)."""
    if browser.find_chromium() is None:
        pytest.skip("no Chromium")
    shots = tmp_path_factory.mktemp("screenshots")
    published = {}
    for name in DATASETS:
        folder = shared_build.root / "reports" / name / "en"
        published[name] = (folder, browser.check_report(folder / "report.html", shots / f"{name}.png"))
    return published


def pdf_pages(pdf: Path) -> list[dict]:
    """Each page's size, text and number of images, read back from the PDF."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    return [
        {
            "size": (float(page.mediabox.width), float(page.mediabox.height)),
            "text": page.extract_text(),
            "images": len(page.images),
        }
        for page in reader.pages
    ]


def outline_titles(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(PdfReader(pdf).outline))


@chromium
@pytest.mark.parametrize("name", DATASETS)
def test_report_pdf_is_a4_with_an_outline_and_every_figure_on_the_page_of_its_caption(published, name):
    folder, _ = published[name]
    pdf = folder / "report.pdf"
    pages = pdf_pages(pdf)
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in (p["size"] for p in pages))
    html = (folder / "report.html").read_text(encoding="utf-8")
    figure_labels = re.findall(r"<figcaption><h2>(Figure \d+)\.", html)
    table_labels = re.findall(r"<caption><h2>(Table \d+)\.", html)
    assert len(figure_labels) >= 3 and len(table_labels) >= 3
    titles = outline_titles(pdf)
    # The outline holds the report's sections, every table and every figure, in the order of the report.
    for label in [*table_labels, *figure_labels]:
        assert sum(t.startswith(f"{label}.") for t in titles) == 1, (label, titles)
    assert any(t.startswith("How this report was produced") for t in titles)
    for label in figure_labels:
        [page] = [p for p in pages if re.search(rf"(^|\n){label}\.", p["text"])]
        assert page["images"] == 1, f"{label}: its caption is on a page with {page['images']} images"
    assert sum(p["images"] for p in pages) == len(figure_labels)
    for label in table_labels:  # a table's heading never ends a page: its header row follows on the same page
        [page] = [p for p in pages if re.search(rf"(^|\n){label}\.", p["text"])]
        assert not page["text"].rstrip().splitlines()[-1].startswith(label)


@chromium
def test_letter_is_an_option(published, tmp_path):
    folder, _ = published["amirova2020"]
    pdf = browser.print_pdf(folder / "report.html", tmp_path / "letter.pdf", paper="letter")
    assert {tuple(round(x) for x in p["size"]) for p in pdf_pages(pdf)} == {tuple(round(x) for x in LETTER)}


@chromium
def test_the_pdf_is_the_same_bytes_every_time(published, tmp_path):
    folder, _ = published["amirova2020"]
    first = browser.print_pdf(folder / "report.html", tmp_path / "a.pdf").read_bytes()
    assert first == (folder / "report.pdf").read_bytes()
    assert b"(D:20200101000000+00'00')" in first


@chromium
@axe
@pytest.mark.parametrize("name", DATASETS)
def test_no_wcag_aa_violations(published, name):
    _, state = published[name]
    assert state["accessibility"] == []
    assert state["requests_out"] == [] and state["scripts"] == 0


def test_accessible_markup(published):
    folder, _ = published["example-v2"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.count("<table") == html.count("<caption")
    assert '<th scope="rowgroup"' in html and "<td colspan" not in html
    alts = re.findall(r'<img src="[^"]+" alt="([^"]+)"', html)
    assert alts and all(re.search(r"\d\.\d\d|\d+%", alt) for alt in alts)  # numbers from the data, not the title
    headings = re.findall(r"<h(\d)", html)
    # One h1, sections in h2, and h3 only inside a section (the design in "Data and methods", the stability of
    # the verdicts under the findings): no level skipped.
    assert headings[0] == "1" and headings[1] == "2" and set(headings[1:]) == {"2", "3"}
    assert not re.search(r"<h2[^>]*>(Table|Figure) \d+</h2>", html)  # no bare "Table N" heading beside a caption
