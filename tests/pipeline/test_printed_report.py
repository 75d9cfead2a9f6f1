"""The report as it is printed and read: report.pdf read back page by page, and axe-core run in Chromium.

The paper's data and example-v2 went through `make report` once for the session (tests/pipeline/conftest.py), which
printed each report.pdf; the tests read those PDFs and open each report in Chromium once more.
"""

import html as htmllib
import math
import re
import unicodedata
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
    for page in pages:  # each figure on the page of its caption: as many images on a page as captions on it
        captions = [label for label in figure_labels if re.search(rf"(^|\n){label}\.", page["text"])]
        assert page["images"] == len(captions), f"{captions}: on a page with {page['images']} images"
    assert sum(p["images"] for p in pages) == len(figure_labels)


def long_words(text: str) -> list[str]:
    """The words of four letters or more, ligatures (ﬁ) undone: what a page's text and the HTML surely share."""
    return re.findall(r"[^\W\d_]{4,}", unicodedata.normalize("NFKC", text))


def first_rows(html: str) -> list[tuple[list[str], set[str]]]:
    """Each table of the report: its caption's and header row's words in order (as the page prints them, and
    not as the list of contents does), and the words of its first body row they do not hold (what only that row
    puts on the page)."""
    tables = []
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):

        def words(fragment):
            return long_words(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)))

        caption = words(re.search(r"<caption.*?</caption>", table, flags=re.S).group(0))
        header = words("".join(re.findall(r"<thead.*?</thead>", table, flags=re.S)))
        row = re.search(r"<tbody>.*?(<tr.*?</tr>)", table, flags=re.S).group(1)
        tables.append((caption + header[:2], set(words(row)) - set(caption) - set(header)))
    return tables


@chromium
@pytest.mark.parametrize("name", DATASETS)
def test_a_table_heading_is_never_left_at_the_foot_of_a_page(published, name):
    """Each table's caption and header row share their page with its first row: some word only that row holds
    follows them on their page (the page number at the foot is not a word)."""
    folder, _ = published[name]
    pages = [long_words(p["text"]) for p in pdf_pages(folder / "report.pdf")]
    tables = first_rows((folder / "report.html").read_text(encoding="utf-8"))
    assert len(tables) >= 5
    for heading, row_words in tables:
        starts = [(page, i) for page in pages for i in range(len(page)) if page[i : i + len(heading)] == heading]
        shown = " ".join(heading[:5])
        assert len(starts) == 1, f"{name}: the table '{shown} …' is printed {len(starts)} times"
        page, i = starts[0]
        assert row_words & set(page[i:]), f"{name}: the table '{shown} …' ends its page before its first row"


def placed_images(pdf: Path) -> list[tuple[int, float, float]]:
    """(page, width, height) in points of every image drawn on the pages, from the transformation in force
    where the page paints it."""
    from pypdf import PdfReader

    placed = []
    for number, page in enumerate(PdfReader(pdf).pages, start=1):

        def visit(operator, operands, cm, tm, number=number):
            if operator == b"Do":
                placed.append((number, abs(cm[0]), abs(cm[3])))

        page.extract_text(visitor_operand_before=visit)
    return placed


def smallest_text(pdf: Path) -> float:
    """The smallest font size, in points, text is set in on a figure's own PDF (matplotlib writes its text as
    text: pdf.fonttype 42, each text set with its size and then placed, rotated or not, by a unit matrix)."""
    from pypdf import PdfReader

    sizes = []
    for page in PdfReader(pdf).pages:

        def visit(operator, operands, cm, tm):
            if operator == b"Tf":
                sizes.append(float(operands[1]) * math.hypot(cm[2], cm[3]))  # the transformation's vertical scale

        page.extract_text(visitor_operand_before=visit)
    return min(sizes)


@chromium
@pytest.mark.parametrize("name", DATASETS)
def test_heatmap_text_prints_at_8_pt_or_more_on_a4(published, name):
    """The heatmaps' smallest text as printed: its size in the figure's PDF, scaled as report.pdf places the
    figure on the page (the figure's width in the figure PDF against the image's width on the printed page). A
    heatmap too tall for a page is drawn as several (statement_heatmap_1, _2 …), each printed at full size."""
    from pypdf import PdfReader

    folder, _ = published[name]
    html = (folder / "report.html").read_text(encoding="utf-8")
    order = re.findall(r'<figure id="([a-z0-9_]+)', html)
    placed = placed_images(folder / "report.pdf")
    assert len(placed) == len(order)
    heatmaps = [stem for stem in order if re.fullmatch(r"(statement_heatmap|choice_matrix)(_\d+)?", stem)]
    assert len(heatmaps) >= 2
    for stem in heatmaps:
        figure_pdf = folder / "figures" / f"{stem}.pdf"
        drawn_width = float(PdfReader(figure_pdf).pages[0].mediabox.width)
        _, printed_width, _ = placed[order.index(stem)]
        printed = smallest_text(figure_pdf) * printed_width / drawn_width
        assert printed >= 8 - 0.05, f"{name} {stem}: smallest text prints at {printed:.1f} pt"


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
