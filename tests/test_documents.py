"""The report as it is printed and read: report.pdf read back page by page, and axe-core run in Chromium.

The paper's data and example-v2 went through `make report` once for the session (tests/conftest.py), which
printed each report.pdf; the tests read those PDFs and open each report in Chromium once more.
"""

import re
import subprocess
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


@chromium
@axe
def test_axe_core_finds_what_is_wrong(tmp_path):
    """The check is not blind: an image with no alt text and pale grey text are reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main><h1>x</h1>'
        '<p style="color:#bbb">pale text</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "</main></body></html>",
        encoding="utf-8",
    )
    state = browser.check_report(page, tmp_path / "shot.png")
    assert {"image-alt", "color-contrast"} <= {v["id"] for v in state["accessibility"]}


def test_accessible_markup(published):
    folder, _ = published["example-v2"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.count("<table") == html.count("<caption")
    assert '<th scope="rowgroup"' in html and "<td colspan" not in html
    alts = re.findall(r'<img src="[^"]+" alt="([^"]+)"', html)
    assert alts and all(re.search(r"\d\.\d\d|\d+%", alt) for alt in alts)  # numbers from the data, not the title
    headings = re.findall(r"<h(\d)", html)
    assert headings[0] == "1" and set(headings[1:]) == {"2"}
    assert not re.search(r"<h2[^>]*>(Table|Figure) \d+</h2>", html)  # no bare "Table N" heading beside a caption


@chromium
def test_chromium_leaves_no_process_and_no_profile_behind():
    """The whole process group is stopped and waited for before the profile is removed (the 'Default' race)."""
    for _ in range(3):
        with browser.Chromium() as chromium:
            group, profile = chromium.process.pid, Path(chromium.profile)
            assert (profile / "Default").exists() or profile.exists()
        assert not profile.exists()
        # What is left of the group, if anything, has exited and waits to be reaped: it writes nothing.
        states = subprocess.run(["ps", "-g", str(group), "-o", "stat="], capture_output=True, text=True).stdout.split()
        assert all(state.startswith("Z") for state in states), states


def test_a_passage_shown_in_the_fallback_language_is_marked_as_such():
    from helpers.publish.report import words_language

    assert words_language("contents", "ru") == "ru"  # translated: the report's own language
    assert words_language("a word nobody translated", "ru") == "en"  # English fallback: lang="en" on it
    assert words_language("alt", "en") == "en"


def test_the_tagged_pdfs_node_ids_are_numbered_by_rank_so_a_shifted_counter_gives_the_same_bytes():
    """Chromium numbers the structure elements from its DOM node counter, which the page check before the print
    sometimes moves by one (two PDFs of one report were seen differing only there)."""
    from helpers.publish.browser import renumber_node_ids

    def pdf(first: int) -> bytes:
        ids = [first + 2, first, first + 7, first]  # an element, then the ID tree that names it
        return b"1 0 obj <</ID (node%08d)>> <</ID (node%08d)>> <</Limits [(node%08d) (node%08d)]>>" % tuple(ids)

    assert (
        renumber_node_ids(pdf(104))
        == renumber_node_ids(pdf(103))
        == (b"1 0 obj <</ID (node00000002)>> <</ID (node00000001)>> <</Limits [(node00000003) (node00000001)]>>")
    )
    assert len(renumber_node_ids(pdf(104))) == len(pdf(104))  # the cross-reference offsets stay valid
