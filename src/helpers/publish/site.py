"""`make site`: a static site from what `make report` wrote, each output linked to the notebook cell that wrote it.

reports/<dataset>/site/ holds, per language of the report (site/<lang>/): the report, each executed notebook
rendered with its stored outputs (nothing is run again), the codebook page, the pipeline's drawing (`make dag`),
the benchmark page (docs/benchmarks.md) and a page of every file the steps wrote; site/index.html picks the
language. Every figure of the report links to the cell that drew it, and that cell back to the figure: the cell
is found in the step's record (the files it wrote, helpers.records) and the cell's own output, which names each
file it saved. Tables and figures are copied in; the processed tables (one row per respondent) are listed, never
copied. Each page has the same navigation, in the page's language (ui_text.yaml).

Why a builder of our own over nbconvert rather than Jupyter Book or Quarto: both would re-render from the
notebooks through a toolchain of their own (Jupyter Book 2 is built on Node and mystmd, 1.x on Sphinx and some 40
packages; Quarto is a separate binary outside PyPI), none of them knows the step records that tie an output to
its cell, and the pages must stay free of scripts and requests out. nbconvert (installed with JupyterLab, kept by
the Jupyter project) renders a notebook's stored outputs, with alt text from the cell's metadata; the pages
around it are plain HTML written here. Same pipeline outputs, same bytes; the site is built in a staging folder
and moved into place whole.

`check_site` opens every page in headless Chromium (helpers.publish.browser): every link inside the site resolves
(file and #fragment), no request leaves the site, axe-core (WCAG 2.1 AA) finds nothing.

    python -m helpers.publish.site DATA LANG... --pipeline reports/DATA/pipeline.svg [--check]
"""

from __future__ import annotations

import argparse
import copy
import html
import os
import re
import shutil
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from helpers import i18n
from helpers.codebook import dataset_title, read_codebook
from helpers.paths import REPO_ROOT, DatasetPaths, dataset_paths
from helpers.processed import read_processed
from helpers.publish.codebook_page import codebook_html

SITE = "site"
BENCHMARKS = REPO_ROOT / "docs" / "benchmarks.md"
# Files a step writes that hold one row per respondent: named on the outputs page, not published with the site.
UNPUBLISHED = ("data/processed/",)

CSS = """
nav.site { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 0.9rem; border-bottom: 1px solid #999;
  margin: 0 0 1rem; padding: 0.4rem 0; line-height: 1.8; }
nav.site ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; }
nav.site a { color: #0b4f8a; } nav.site a[aria-current="page"] { color: #1a1a1a; font-weight: bold; }
p.traced { font-size: 0.85rem; margin: 0.2rem 0 0.6rem; } p.traced a { color: #0b4f8a; }
"""
PAGE_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem;
  line-height: 1.45; color: #1a1a1a; background: #ffffff; }
a { color: #0b4f8a; } h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #999; padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; padding: 0.5rem; margin: 0.2rem 0; }
code { font-size: 0.9em; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
.cell { margin: 0.8rem 0; } .prompt { font-family: monospace; font-size: 0.8rem; color: #444; }
.output_area pre { background: #ffffff; border-left: 3px solid #ccc; }
.anchor-link { margin-left: 0.3rem; font-size: 0.8em; }
.highlight .c, .highlight .c1, .highlight .cm { color: #3b6633; font-style: italic; }
.highlight .k, .highlight .kn, .highlight .kc, .highlight .ow { color: #6b1f7a; font-weight: bold; }
.highlight .s, .highlight .s1, .highlight .s2, .highlight .sa, .highlight .si { color: #8a2f00; }
.highlight .mi, .highlight .mf { color: #0b4f8a; } .highlight .nb, .highlight .bp { color: #1f5a2a; }
"""


@dataclass(frozen=True)
class Cell:
    """Where an output comes from: a step's executed notebook, the cell's id and execution count."""

    notebook: str  # the step, e.g. 04_figures
    cell_id: str
    count: int | None

    @property
    def anchor(self) -> str:
        return f"cell-id={self.cell_id}"  # the id nbconvert gives the cell's element


def _text_of(output: dict) -> str:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    else:
        text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else str(text)


def cells_that_wrote(notebook: dict, step: str) -> dict[str, Cell]:
    """Each file the step's record says it wrote -> the first code cell whose output names that file."""
    written = notebook.get("metadata", {}).get("helpers", {}).get("wrote", [])
    found = {}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        text = "\n".join(_text_of(o) for o in cell.get("outputs", []))
        for path in written:
            if path not in found and re.search(rf"(?<![\w/.-]){re.escape(path)}(?![\w/.-])", text):
                found[path] = Cell(step, cell.get("id", ""), cell.get("execution_count"))
    return found


def step_notebooks(paths: DatasetPaths) -> list[Path]:
    """The executed notebooks of one language's report, in the order of the steps: 01 (shared), then 02-05."""
    shared = sorted(paths.dataset_reports.joinpath("notebooks").glob("*.ipynb"))
    return shared + sorted(paths.notebooks.glob("*.ipynb"))


FIGURE = re.compile(r'<figure id="(?P<id>[^"]+)">(?P<body>.*?)</figure>', flags=re.S)
ALT = re.compile(r'<img [^>]*alt="(?P<alt>[^"]*)"')


def report_figures(report: str) -> dict[str, str]:
    """The report's figures: figure id (the figure file's stem) -> the image's alt text, as the report wrote it."""
    figures = {}
    for match in FIGURE.finditer(report):
        alt = ALT.search(match["body"])
        figures[match["id"]] = html.unescape(alt["alt"]) if alt else ""
    return figures


class Site:
    """The pages of one dataset's site, written into `folder` (a staging folder, moved into place by `build`)."""

    def __init__(self, name: str, languages: list[str], folder: Path, pipeline_svg: Path, benchmarks: Path):
        self.name, self.languages, self.folder = name, languages, Path(folder)
        self.pipeline_svg, self.benchmarks = Path(pipeline_svg), Path(benchmarks)
        self.base = dataset_paths(name)
        self.codebook = read_codebook(self.base.codebook)
        self._rendered: dict[Path, str] = {}

    # --- the frame of every page -------------------------------------------------------------------------------
    PAGES = (
        ("index.html", "site_home"),
        ("report.html", "site_report"),
        ("codebook.html", "site_codebook"),
        ("pipeline.html", "site_pipeline"),
        ("outputs.html", "site_outputs"),
        ("benchmarks.html", "site_benchmarks"),
    )

    def nav(self, lang: str, current: str, notebooks: list[str]) -> str:
        """The navigation of a page at `current` (relative to site/<lang>/)."""
        depth = current.count("/")
        up = "../" * depth

        def item(target: str, label: str) -> str:
            here = ' aria-current="page"' if target == current else ""
            return f'<li><a href="{up}{target}"{here}>{html.escape(label)}</a></li>'

        items = [item(page, i18n.say(lang, key)) for page, key in self.PAGES[:2]]
        items += [item(f"notebooks/{stem}.html", stem) for stem in notebooks]
        items += [item(page, i18n.say(lang, key)) for page, key in self.PAGES[2:]]
        others = [
            f'<li><a href="{up}../{other}/{current}" lang="{other}" hreflang="{other}">{html.escape(_language_name(other))}</a></li>'
            for other in self.languages
            if other != lang
        ]
        return (
            f'<nav class="site" aria-label="{html.escape(i18n.say(lang, "site_navigation"))}"><ul>'
            + "".join(items + others)
            + "</ul></nav>"
        )

    def page(self, lang: str, current: str, title: str, body: str, notebooks: list[str]) -> str:
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{PAGE_CSS}{CSS}</style>\n</head>\n<body>\n"
            f"<header>{self.nav(lang, current, notebooks)}</header>\n<main>\n<h1>{html.escape(title)}</h1>\n"
            f"{body}\n</main>\n</body>\n</html>\n"
        )

    def framed(self, document: str, lang: str, current: str, notebooks: list[str]) -> str:
        """A whole page written elsewhere (the report, the codebook page) with the site's navigation added."""
        document = document.replace("</head>", f"<style>{CSS}</style>\n</head>", 1)
        at = re.search(r"<body[^>]*>", document)
        return document[: at.end()] + "\n" + self.nav(lang, current, notebooks) + document[at.end() :]

    def write(self, relative: str, text: str) -> None:
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    # --- one language --------------------------------------------------------------------------------------------
    def build_language(self, lang: str) -> None:
        paths = self.base.for_language(lang)
        report_file = paths.reports / "report.html"
        if not report_file.exists():
            raise FileNotFoundError(f"{paths.relative(report_file)}: no report; make report REPORT_LANG={lang} first")
        report = report_file.read_text(encoding="utf-8")
        figures = report_figures(report)
        executed = {nb.stem: nb for nb in step_notebooks(paths)}
        stems = list(executed)
        import nbformat

        notebooks = {stem: nbformat.read(path, as_version=4) for stem, path in executed.items()}
        wrote = {path: cell for stem, nb in notebooks.items() for path, cell in cells_that_wrote(nb, stem).items()}
        written_by = {path: stem for stem, nb in notebooks.items() for path in nb["metadata"]["helpers"]["wrote"]}
        lang_folder = paths.relative(paths.reports) + "/"
        # Each figure of the report -> the cell that drew it: the cell that wrote the figure's file.
        figure_cells = {}
        for figure in figures:
            cell = next((c for p, c in wrote.items() if p.startswith(lang_folder) and Path(p).stem == figure), None)
            if cell is not None:
                figure_cells[figure] = cell

        def drawn_by(match: re.Match) -> str:
            cell = figure_cells.get(match["id"])
            if cell is None:
                return match[0]
            link = (
                f'<p class="traced"><a href="notebooks/{cell.notebook}.html#{cell.anchor}">'
                f"{html.escape(i18n.say(lang, 'site_drawn_by', notebook=cell.notebook, count=cell.count))}</a></p>"
            )
            return match[0][: -len("</figure>")] + link + "</figure>"

        self.write(f"{lang}/report.html", self.framed(FIGURE.sub(drawn_by, report), lang, "report.html", stems))

        # The notebooks, each cell that wrote a file saying so (and where the report shows it).
        for stem, notebook in notebooks.items():
            cells = {c.cell_id: [] for c in wrote.values() if c.notebook == stem}
            for path, cell in wrote.items():
                if cell.notebook == stem:
                    cells[cell.cell_id].append(path)
            self.write(
                f"{lang}/notebooks/{stem}.html",
                self.notebook_page(lang, stem, executed[stem], notebook, cells, figures, figure_cells, stems),
            )

        # The outputs: every file the steps wrote, the step and the cell; tables and figures copied in.
        rows = []
        for path, stem in sorted(written_by.items(), key=lambda item: (stems.index(item[1]), item[0])):
            cell = wrote.get(path)
            where = f'<a href="notebooks/{stem}.html#{cell.anchor}">[{cell.count}]</a>' if cell is not None else "—"
            if path.startswith(UNPUBLISHED):
                shown = f"<code>{html.escape(path)}</code> ({html.escape(i18n.say(lang, 'site_not_published'))})"
            else:
                copy = "files/" + path.removeprefix(lang_folder)
                source = self.base.root / path
                (self.folder / lang / copy).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, self.folder / lang / copy)
                shown = f'<a href="{html.escape(copy)}"><code>{html.escape(path)}</code></a>'
            rows.append(f'<tr><td>{shown}</td><td><a href="notebooks/{stem}.html">{stem}</a></td><td>{where}</td></tr>')
        columns = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in i18n.ui(lang)["site_output_columns"])
        body = (
            f"<p>{html.escape(i18n.say(lang, 'site_outputs_intro'))}</p>\n<table><thead><tr>{columns}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        self.write(f"{lang}/outputs.html", self.page(lang, "outputs.html", i18n.say(lang, "site_outputs"), body, stems))

        # The codebook page, in this language, from the processed tables.
        codebook = codebook_html(self.codebook, read_processed(paths.processed), self.name, lang)
        self.write(f"{lang}/codebook.html", self.framed(codebook, lang, "codebook.html", stems))

        # The pipeline, drawn from the Makefile (make dag).
        shutil.copyfile(self.pipeline_svg, self.folder / lang / "pipeline.svg")
        body = (
            f"<p>{html.escape(i18n.say(lang, 'site_pipeline_intro'))}</p>\n"
            f'<p><img src="pipeline.svg" alt="{html.escape(_svg_description(self.pipeline_svg))}"></p>'
        )
        self.write(
            f"{lang}/pipeline.html", self.page(lang, "pipeline.html", i18n.say(lang, "site_pipeline"), body, stems)
        )

        # The benchmark page, as written (in English).
        from nbconvert.filters import markdown2html

        body = f'<div lang="en">{markdown2html(self.benchmarks.read_text(encoding="utf-8"))}</div>'
        self.write(
            f"{lang}/benchmarks.html",
            self.page(lang, "benchmarks.html", i18n.say(lang, "site_benchmarks"), body, stems),
        )

        # The language's home page.
        title = dataset_title(self.codebook, lang, self.name)
        links = [f'<li><a href="report.html">{html.escape(i18n.say(lang, "site_report"))}</a></li>']
        links += [f'<li><a href="notebooks/{s}.html">{s}</a></li>' for s in stems]
        links += [f'<li><a href="{p}">{html.escape(i18n.say(lang, k))}</a></li>' for p, k in self.PAGES[2:]]
        body = f"<p>{html.escape(i18n.say(lang, 'site_intro'))}</p>\n<ul>{''.join(links)}</ul>"
        self.write(f"{lang}/index.html", self.page(lang, "index.html", title, body, stems))

    def notebook_page(self, lang, stem, path, notebook, cells, figures, figure_cells, stems) -> str:
        node = copy.deepcopy(notebook)
        shown_as = {}  # a cell -> the report's figures it drew (a heatmap of several pages: several)
        for figure, cell in figure_cells.items():
            if cell.notebook == stem:
                shown_as.setdefault(cell.cell_id, []).append(figure)
        for cell in node.cells:
            if cell.get("cell_type") != "code":
                continue
            has_image = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
            if has_image:
                drawn = shown_as.get(cell.get("id"), [])
                # The figures' words as the report gives them; else the cell named with the files it wrote.
                cell.metadata["alt"] = " ".join(figures[f] for f in drawn if figures.get(f)) or i18n.say(
                    lang,
                    "site_image_output",
                    notebook=stem,
                    count=cell.get("execution_count"),
                    files=", ".join(Path(p).name for p in cells.get(cell.get("id"), [])) or "—",
                )
        body = _exporter().from_notebook_node(node)[0]
        for cell_id, written in cells.items():
            drawn = shown_as.get(cell_id, [])
            files = ", ".join(
                f'<a href="../files/{html.escape(self._relative_to_language(p, lang))}"><code>{html.escape(Path(p).name)}</code></a>'
                if not p.startswith(UNPUBLISHED)
                else f"<code>{html.escape(p)}</code>"
                for p in written
            )
            note = f'<p class="traced">{html.escape(i18n.say(lang, "site_cell_wrote"))}: {files}'
            if drawn:
                shown = html.escape(i18n.say(lang, "site_shown_in_report"))
                note += " — " + ", ".join(f'<a href="../report.html#{figure}">{shown}</a>' for figure in drawn)
            note += "</p>"
            opening = re.search(rf'<div [^>]*id="cell-id={re.escape(cell_id)}">', body)
            if opening is not None:
                body = body[: opening.end()] + note + body[opening.end() :]
        source = self.base.relative(path)
        intro = f"<p>{html.escape(i18n.say(lang, 'site_executed', file=source))}</p>"
        return self.page(lang, f"notebooks/{stem}.html", stem, intro + body, stems)

    def _relative_to_language(self, path: str, lang: str) -> str:
        return path.removeprefix(self.base.relative(self.base.for_language(lang).reports) + "/")

    def build(self) -> None:
        for lang in self.languages:
            self.build_language(lang)
        title = dataset_title(self.codebook, self.languages[0], self.name)
        links = "".join(
            f'<li><a href="{lang}/index.html" lang="{lang}" hreflang="{lang}">{html.escape(_language_name(lang))}</a></li>'
            for lang in self.languages
        )
        first = self.languages[0]
        self.write(
            "index.html",
            f'<!DOCTYPE html>\n<html lang="{first}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{PAGE_CSS}{CSS}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{html.escape(title)}</h1>\n<ul>{links}</ul>\n</main>\n</body>\n</html>\n",
        )


def _language_name(lang: str) -> str:
    """A language's name in itself (CLDR, through Babel): English, русский, қазақ тілі."""
    from babel import Locale

    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def _svg_description(svg: Path) -> str:
    text = svg.read_text(encoding="utf-8")
    match = re.search(r"<title[^>]*>(.*?)</title>", text, flags=re.S)
    return html.unescape(match.group(1)) if match else "The pipeline"


_EXPORTER = None


def _exporter():
    """nbconvert's HTML of a notebook's cells and stored outputs, without the page around them (template basic)."""
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(template_name="basic")
    return _EXPORTER


def build_site(name: str, languages: list[str], pipeline_svg: Path, benchmarks: Path = BENCHMARKS) -> Path:
    """reports/<name>/site/, built whole in a staging folder beside it, then moved into place."""
    paths = dataset_paths(name)
    final = paths.dataset_reports / SITE
    staging = paths.dataset_reports / f".{SITE}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        Site(name, languages, staging, pipeline_svg, benchmarks).build()
        old = paths.dataset_reports / f".{SITE}.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            os.replace(final, old)
        os.replace(staging, final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


# --- the check -------------------------------------------------------------------------------------------------
class _Links(HTMLParser):
    """The ids a page defines and the addresses it links to or loads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links, self.loads = set(), [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key in ("id", "name"):
            if attributes.get(key) and (key == "id" or tag == "a"):
                self.ids.add(attributes[key])
        if tag == "a" and attributes.get("href") is not None:
            self.links.append(attributes["href"])
        for key in ("src", "data"):
            if attributes.get(key):
                self.loads.append(attributes[key])
        if tag == "link" and attributes.get("href"):
            self.loads.append(attributes["href"])


def _parsed(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    """Every link or load inside the site whose file, or #fragment in it, does not exist; every load from outside."""
    site = Path(site).resolve()
    parsed = {page: _parsed(page) for page in sorted(site.rglob("*.html"))}
    broken = []
    for page, links in parsed.items():
        where = page.relative_to(site).as_posix()
        for address, loaded in [(a, False) for a in links.links] + [(a, True) for a in links.loads]:
            parts = urlsplit(address)
            if parts.scheme == "data":
                continue
            if parts.scheme or parts.netloc:
                if loaded:
                    broken.append(f"{where}: loads {address} from outside the site")
                continue  # a link out of the site is followed by a reader, never loaded by the page
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_relative_to(site) or not target.is_file():
                broken.append(f"{where}: {address} (no such file in the site)")
            elif parts.fragment and target.suffix == ".html":
                # As a browser looks for it: the fragment as written, then percent-decoded (nbconvert's heading
                # ids are written encoded).
                if not {parts.fragment, unquote(parts.fragment)} & parsed[target].ids:
                    broken.append(f"{where}: {address} (no #{parts.fragment} in {target.relative_to(site)})")
    return broken


def check_site(site: Path, chromium: str | None = None) -> dict | None:
    """Links, requests and axe-core's WCAG 2.1 AA violations of every page; None without Chromium."""
    from helpers.publish import browser

    site = Path(site).resolve()
    result = {"pages": 0, "broken_links": broken_links(site), "requests_out": [], "accessibility": []}
    if (chromium or browser.find_chromium()) is None:
        return None
    inside = site.as_uri() + "/"
    with browser.Chromium(chromium) as chrome:
        for page in sorted(site.rglob("*.html")):
            tools = chrome.open(page)
            try:
                requests = [
                    e["params"]["request"]["url"]
                    for e in tools.events
                    if e.get("method") == "Network.requestWillBeSent"
                ]
                where = page.relative_to(site).as_posix()
                result["requests_out"] += [
                    f"{where}: {u}" for u in requests if not (u.startswith(inside) or u.startswith(("data:", "about:")))
                ]
                violations = browser.accessibility_violations(tools)
                if violations is None:
                    result["accessibility"] = None
                elif result["accessibility"] is not None:
                    result["accessibility"] += [
                        f"{where}: {v['id']}: {v['help']} at {', '.join(v['nodes'])}" for v in violations
                    ]
                result["pages"] += 1
            finally:
                tools.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publish.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset")
    parser.add_argument("languages", nargs="+")
    parser.add_argument("--pipeline", type=Path, required=True, help="the pipeline's drawing (make dag)")
    parser.add_argument("--check", action="store_true", help="check every page in headless Chromium")
    args = parser.parse_args(argv)
    try:
        site = build_site(args.dataset, args.languages, args.pipeline)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    shown = dataset_paths(args.dataset).relative(site)
    pages = len(list(site.rglob("*.html")))
    print(f"Site: {shown}/index.html ({pages} pages, {', '.join(args.languages)})")
    if not args.check:
        return 0
    state = check_site(site)
    if state is None:
        problems = broken_links(site)
        print(f"Site check: {len(problems)} broken link(s); no Chromium, so requests and axe-core were not checked")
    else:
        axe = state["accessibility"]
        problems = state["broken_links"] + state["requests_out"] + (axe or [])
        print(
            f"Site check in Chromium: {state['pages']} pages, {len(state['broken_links'])} broken link(s), "
            f"{len(state['requests_out'])} request(s) out, axe-core: "
            + ("not run (npm ci)" if axe is None else f"{len(axe)} WCAG 2.1 AA violation(s)")
        )
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
