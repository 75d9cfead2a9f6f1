"""`make bodies DATA=x`: a report for every pilot body, from one pass over the data, and an index of them.

reports/<x>/<lang>/bodies/index.html (and index.csv): every pilot body of the codebook with its respondents,
linked to its report, or the line that says why it has none: no respondent, fewer than the disclosure
threshold (`privacy.disclosure_threshold`: a unit that small is not reported on, as staff surveys do), or every
stakeholder type withheld. reports/<x>/<lang>/bodies/<body>/report.html (and report.pdf where Chromium is
installed): the body's respondents, what is withheld, and Tables 1-3 with their notes.

One pass: the processed tables are read once, the minimum-items rule marked once, the withheld types and the
suppressed counts of every report worked out once for all of them (helpers.analysis.disclosure: what one report
hides, another less a third must not show), and the tables split by body once. The PDFs are printed by JOBS
headless Chromiums side by side, each printing its share of the bodies in one session.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jinja2
import pandas as pd

from helpers.analysis import disclosure, missingness, tables
from helpers.codebook import DEFAULT_LANGUAGE, Codebook, dataset_title, read_codebook
from helpers.files import write_csv, write_text
from helpers.i18n import say, ui
from helpers.paths import dataset_paths
from helpers.processed import read_processed
from helpers.publish.report.html import TEMPLATES, html_table
from helpers.publish.report.summary import withheld_line
from helpers.publish.report.tables import read_table

#: A body's folder is its code where the code is a plain name; else (or taken) its place in the codebook.
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def body_folders(codes: list[str]) -> dict[str, str]:
    """Each pilot body's folder under bodies/: its code where that is a plain name (letters, digits, '_', '.',
    '-', not '.' first), else `body-<place in the codebook>`; never a path that leaves bodies/ and never two
    bodies in one folder."""
    folders: dict[str, str] = {}
    taken: set[str] = set()
    for place, code in enumerate(codes, start=1):
        name = code if _PLAIN.fullmatch(code) and code.lower() not in taken else f"body-{place}"
        while name.lower() in taken:  # a plain code that is another's fallback name
            name = f"{name}-{place}"
        folders[code] = name
        taken.add(name.lower())  # case-insensitive file systems would join "A" and "a"
    return folders


def _split(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """`frame`'s rows by pilot body, each reindexed from 0 (one groupby instead of one filter per body)."""
    return {str(code): part.reset_index(drop=True) for code, part in frame.groupby("pilot_body", sort=False)}


def body_reports(data: dict[str, pd.DataFrame], codebook: Codebook, lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """One entry per pilot body of the codebook, in its order: code, label, n, and either `reason` (why the
    body has no report) or `computed` (its Tables 1-3), `tables` (their captions and notes), `groups` and
    `withheld` (the summary's line on the types withheld from it)."""
    threshold = codebook.disclosure_threshold
    words = ui(lang)
    data = missingness.with_min_items(data, codebook)
    respondents = data["respondents"]
    pattern = disclosure.withheld_pattern(respondents, codebook) if threshold > 1 else set()
    suppressed = disclosure.suppressed_counts(respondents, data["choices"], codebook)
    parts = {name: _split(data[name]) for name in ("respondents", "choices", "likert")}
    entries = []
    for body in codebook.pilot_bodies(lang).itertuples():
        mine = {name: parts[name].get(body.code, data[name].iloc[0:0]) for name in parts}
        n = len(mine["respondents"])
        entry = {"code": body.code, "label": body.label or body.code, "n": n}
        entries.append(entry)
        if n == 0:
            entry["reason"] = words["body_no_respondent"]
            continue
        if n < threshold:
            entry["reason"] = say(lang, "body_too_small", threshold=threshold)
            continue
        counts = mine["respondents"]["stakeholder"].astype(object).value_counts()
        codes = [c for c in codebook.stakeholders()["code"] if counts.get(c, 0) > 0 and (c, body.code) in pattern]
        withheld = pd.DataFrame({"stakeholder": codes, "n": [int(counts[c]) for c in codes]})
        if len(codes) == int((counts > 0).sum()):
            entry["reason"] = say(lang, "body_all_withheld", threshold=threshold)
            continue
        shown = disclosure.without_withheld_types(mine, codebook, withheld=withheld) if codes else mine
        cells = suppressed.loc[suppressed["report"] == body.code].drop(columns="report")
        people, chosen, likert = shown["respondents"], shown["choices"], shown["likert"]
        entry["computed"] = computed = {
            "table1": tables.table1(people, codebook, lang, cells),
            "table2": tables.table2(chosen, people, codebook, lang, cells),
            "table3": tables.table3(likert, people, codebook, lang),
        }
        entry["withheld"] = withheld_line(withheld, codebook, words, lang)
        entry["groups"] = tables.group_sizes(people, codebook, lang)
        entry["tables"] = [
            {
                "id": name,
                "label": words["table_label"].format(number=number),
                "caption": tables.table_caption(name, codebook, lang),
                "note": tables.table_note(name, codebook, people, lang, cells),
                "group_by": tables.group_column(name, table, lang),
            }
            for number, (name, table) in enumerate(computed.items(), start=1)
        ]
    return entries


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def write_body_reports(dataset: str, lang: str = DEFAULT_LANGUAGE, root: Path | None = None) -> tuple[Path, list]:
    """Write every body's report.html and the index (index.html, index.csv) under
    reports/<dataset>/<lang>/bodies/; (the index, the reports written). Bodies' folders of an earlier run
    that this run writes no report into are emptied of their report, so that the index is the whole story."""
    paths = dataset_paths(dataset, root).for_language(lang)
    codebook = read_codebook(paths.codebook)
    entries = body_reports(read_processed(paths.processed), codebook, lang)
    folder = paths.reports / "bodies"
    folder.mkdir(parents=True, exist_ok=True)
    folders = body_folders([e["code"] for e in entries])
    words = ui(lang)
    title = dataset_title(codebook, lang)
    environment = _environment()
    written = []
    for entry in entries:
        entry["folder"] = folders[entry["code"]]
        report = folder / entry["folder"] / "report.html"
        if "reason" in entry:
            for stale in (report, report.with_suffix(".pdf")):
                stale.unlink(missing_ok=True)
            continue
        (report.parent / "tables").mkdir(parents=True, exist_ok=True)
        # Each table as a CSV beside the report, and shown as read back from it, as the main report shows its own.
        for table in entry["tables"]:
            csv = report.parent / "tables" / f"{table['id']}.csv"
            tables.write_table(entry["computed"][table["id"]], csv)
            table["body"] = html_table(read_table(csv), group_by=table["group_by"], lang=lang)
        groups = entry["groups"]
        summary = say(
            lang,
            "summary_respondents",
            n=int(groups["n"].sum()),
            groups=", ".join(f"{g.label} {g.n}" for g in groups.itertuples()),
        )
        html = environment.get_template("body_report.html.j2").render(
            lang=lang,
            t=words,
            title=say(lang, "body_report_title", title=title, body=entry["label"]),
            entry=entry,
            summary=summary,
            threshold=codebook.disclosure_threshold,
        )
        written.append(write_text(html, report))
    index = pd.DataFrame(
        {
            "pilot_body": [e["code"] for e in entries],
            "label": [e["label"] for e in entries],
            "respondents": [e["n"] for e in entries],
            "report": [f"{e['folder']}/report.html" if "reason" not in e else "" for e in entries],
            "no_report": [e.get("reason", "") for e in entries],
        }
    )
    write_csv(index, folder / "index.csv")
    page = environment.get_template("bodies_index.html.j2").render(
        lang=lang,
        t=words,
        title=say(lang, "bodies_title", title=title),
        entries=entries,
        threshold=codebook.disclosure_threshold,
    )
    return write_text(page, folder / "index.html"), written


def print_body_pdfs(reports: list[Path], paper: str = "a4", jobs: int = 1) -> int | None:
    """Print each report to the PDF beside it, `jobs` Chromiums side by side, each in one session for its
    share; how many were printed, or None (nothing printed) where no Chromium is installed."""
    from helpers.publish import browser

    if browser.find_chromium() is None or not reports:
        return None if browser.find_chromium() is None else 0
    shares = [reports[k::jobs] for k in range(max(1, min(jobs, len(reports))))]

    def print_share(share: list[Path]) -> int:
        with browser.Chromium() as chromium:
            for html in share:
                tools = chromium.open(html)
                try:
                    browser.print_to_pdf(tools, html.with_suffix(".pdf"), paper)
                finally:
                    tools.close()
        return len(share)

    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        return sum(pool.map(print_share, shares))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publish.bodies", description=__doc__.split("\n")[0])
    parser.add_argument("dataset")
    parser.add_argument("langs", nargs="*", default=[DEFAULT_LANGUAGE])
    parser.add_argument("--paper", default="a4", choices=["a4", "letter", "A4", "Letter"])
    parser.add_argument("--jobs", type=int, default=1)
    arguments = parser.parse_args(argv)
    try:
        for lang in arguments.langs:
            start = time.perf_counter()
            index, reports = write_body_reports(arguments.dataset, lang)
            written = time.perf_counter()
            printed = print_body_pdfs(reports, arguments.paper.lower(), max(1, arguments.jobs))
            paths = dataset_paths(arguments.dataset)
            pdfs = "no PDF (no Chromium installed)" if printed is None else f"{printed} PDF(s)"
            print(
                f"{paths.relative(index)}: {len(reports)} body report(s) in {written - start:.1f} s, "
                f"{pdfs} in {time.perf_counter() - written:.1f} s"
            )
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
