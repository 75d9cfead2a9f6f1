"""From an export to a report: `make new-dataset FROM=…`, the factor TODO filled in, and `make report`.

For each source -- a Google Forms export in Russian (Windows-1251, ';'), a KoboToolbox XLSForm with its export,
an SPSS .sav file (all made by tests/pipeline/survey_sources.py) -- the draft codebook is inferred, the test fills in
only the factor TODO, and the pipeline's Table 3 must equal the means computed here from the answers. The
pipeline runs once per source (module fixture), on a scratch tree.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import survey_sources as ss
from helpers.ingest.check import INFORMATION, check_dataset
from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.pipeline import run_notebook
from helpers.tools.scaffold import new_dataset

# The steps run for each source: the cleaning and the tables for every one; the statistics and the report once
# (for the Google Forms export); the figures are not what these tests check.
STEPS = {
    "google": ("01_clean", "02_tables", "03_priorities", "05_report"),
    "kobo": ("01_clean", "02_tables"),
    "spss": ("01_clean", "02_tables"),
}
FACTOR_OF = {statement: factor for factor, texts in ss.FACTORS.items() for statement in texts}
FACTOR_OF |= {ss.EN_STATEMENT[s]: f for s, f in list(FACTOR_OF.items())}


def write_sources(folder: Path, answers: ss.Answers) -> dict[str, tuple[Path, Path | None]]:
    """Each source as its tool writes it: source name -> (export, XLSForm or None)."""
    folder.mkdir(parents=True, exist_ok=True)
    google = folder / "Анкета v2 (ответы).csv"
    ss.google_forms_export(answers).to_csv(google, sep=";", encoding="cp1251", index=False, lineterminator="\r\n")
    survey, choices = ss.xlsform()
    form = folder / "form.xlsx"
    with pd.ExcelWriter(form) as writer:
        survey.to_excel(writer, sheet_name="survey", index=False)
        choices.to_excel(writer, sheet_name="choices", index=False)
    kobo = folder / "kobo_export.csv"
    ss.kobo_export(answers).to_csv(kobo, sep=";", encoding="utf-8", index=False)
    import pyreadstat

    data, labels, value_labels = ss.spss_frame(answers)
    sav = folder / "survey.sav"
    pyreadstat.write_sav(data, str(sav), column_labels=labels, variable_value_labels=value_labels)
    return {"google": (google, None), "kobo": (kobo, form), "spss": (sav, None)}


def fill_factor_todo(text: str) -> str:
    """The person's one step, done the way a person would: list the factors, replace each `factor: TODO`."""
    book = yaml.safe_load(text)
    factors = [FACTOR_OF[next(t for t in s["text"].values() if t)] for s in book["statements"]]
    listed = "factors:\n" + "".join(f'  - {{id: {f}, label: {{en: "{f.title()}"}}}}\n' for f in ss.FACTORS)
    text = text.replace("factors: []\n", listed, 1)
    for factor in factors:
        text = re.sub(r'^(\s+)factor: "TODO"', rf"\1factor: {factor}", text, count=1, flags=re.M)
    return text


@pytest.fixture(scope="module")
def answers():
    return ss.make_answers()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, answers):
    root = tmp_path_factory.mktemp("new-dataset")
    (root / "data" / "raw").mkdir(parents=True)
    sources = write_sources(tmp_path_factory.mktemp("downloads"), answers)
    return root, sources


@pytest.fixture(scope="module", params=["google", "kobo", "spss"])
def built(request, scratch):
    """new-dataset from the source, the factor TODO filled, the pipeline run once (the steps of STEPS)."""
    root, sources = scratch
    name = f"pilot-{request.param}"
    export, form = sources[request.param]
    previous = os.environ.get(ROOT_VARIABLE)
    os.environ[ROOT_VARIABLE] = str(root)
    try:
        message = new_dataset(name, str(export), str(form) if form else None)
        codebook = root / "data" / "raw" / name / "codebook.yaml"
        draft = codebook.read_text(encoding="utf-8")
        draft_findings = check_dataset(name)
        codebook.write_text(fill_factor_todo(draft), encoding="utf-8")
        findings = check_dataset(name)
        for step in STEPS[request.param]:
            folder = root / "reports" / name / ("" if step == "01_clean" else "en") / "notebooks"
            run_notebook(REPO_ROOT / "notebooks" / f"{step}.ipynb", folder / f"{step}.ipynb", {"dataset": name})
    finally:
        if previous is None:
            os.environ.pop(ROOT_VARIABLE, None)
        else:
            os.environ[ROOT_VARIABLE] = previous
    return {
        "root": root,
        "name": name,
        "draft": draft,
        "draft_findings": draft_findings,
        "findings": findings,
        "message": message,
        "source": request.param,
    }


def test_the_draft_fails_the_check_only_for_the_todo(built):
    kinds = {f.kind for f in built["draft_findings"]} - INFORMATION  # notices: nothing to fix
    assert kinds == {"TODO"}, [str(f) for f in built["draft_findings"]]
    assert built["draft"].count("TODO --") == 1  # one clearly marked TODO block
    assert "# guess:" in built["draft"]


def test_with_the_factors_filled_the_check_finds_nothing(built):
    assert [f for f in built["findings"] if f.kind not in INFORMATION] == []


def test_the_export_is_copied_unchanged(built, scratch):
    _, sources = scratch
    export, _ = sources[built["source"]]
    assert (built["root"] / "data" / "raw" / built["name"] / export.name).read_bytes() == export.read_bytes()


def test_report_means_equal_the_means_of_the_answers(built, answers):
    table3 = pd.read_csv(built["root"] / "reports" / built["name"] / "en" / "tables" / "table3.csv", dtype=str)
    expected = answers.expected_means()
    statement_column = table3.columns[1]
    group_columns = table3.columns[2:]
    assert len(table3) == len(ss.STATEMENTS) and len(group_columns) == len(ss.GROUPS)
    compared = 0
    for _, row in table3.iterrows():
        statement = row[statement_column]
        russian = next(s for s in ss.STATEMENTS if s == statement or ss.EN_STATEMENT[s] == statement)
        assert row[table3.columns[0]].lower() == FACTOR_OF[russian]  # the factor the test assigned
        for column in group_columns:
            group = next(
                g for g in ss.GROUPS if column.startswith(g) or column.startswith(f"Group {ss.GROUPS.index(g) + 1}")
            )
            mean = float(str(row[column]).split()[0])  # "M (SD), n = k" with several respondents per group
            assert mean == pytest.approx(round(expected.loc[russian, group], 2), abs=1e-9), (statement, column)
            compared += 1
    assert compared == len(ss.STATEMENTS) * len(ss.GROUPS)


def test_the_report_holds_the_tables(built):
    if "05_report" not in STEPS[built["source"]]:
        pytest.skip("the report is written for one source (Google Forms)")
    html = (built["root"] / "reports" / built["name"] / "en" / "report.html").read_text(encoding="utf-8")
    assert all(f"Table {n}." in html for n in (1, 2, 3))


def test_table1_shows_decimal_years(built, answers):
    table1 = pd.read_csv(built["root"] / "reports" / built["name"] / "en" / "tables" / "table1.csv", dtype=str)
    service = table1[table1.iloc[:, 0].str.contains("Стаж|service", case=False, regex=True)]
    assert len(service) == 1
    first = table1.columns[1]
    years = answers.service_years[
        answers.group
        == next(i for i, g in enumerate(ss.GROUPS) if first.startswith(g) or first.startswith(f"Group {i + 1}"))
    ]
    assert f"median {np.median(years):.2f}".rstrip("0").rstrip(".") in service.iloc[0, 1].replace(
        ",", "."
    ) or f"median {np.median(years):.1f}" in service.iloc[0, 1].replace(",", ".")


def test_google_forms_other_answers_are_kept_without_a_column(built, answers):
    if built["source"] != "google":
        pytest.skip("Google Forms only: the other sources have their own column or no 'Other'")
    choices = pd.read_csv(built["root"] / "data" / "processed" / built["name"] / "choices.csv", dtype=str)
    assert sorted(choices["free_text"].dropna()) == sorted(t for t in answers.q1_other if t)
    counts = choices[choices["question_id"] == "q1"].groupby("option").size()
    assert counts["A"] == sum(0 in c for c in answers.q1)  # "Стратегия, миссия и цели органа" holds a comma


def test_make_new_dataset_and_check_codebook(tmp_path, scratch):
    """The make targets, as a person types them, on a scratch tree."""
    _, sources = scratch
    env = {**os.environ, ROOT_VARIABLE: str(tmp_path)}
    (tmp_path / "data" / "raw").mkdir(parents=True)
    made = subprocess.run(
        ["make", "-s", "-C", str(REPO_ROOT), "new-dataset", "NAME=fresh", f"FROM={sources['google'][0]}"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert made.returncode == 0, made.stderr
    assert "codebook.yaml" in made.stdout and (tmp_path / "data" / "raw" / "fresh" / "codebook.yaml").exists()
    checked = subprocess.run(
        ["make", "-s", "-C", str(REPO_ROOT), "check-codebook", "DATA=fresh"], capture_output=True, text=True, env=env
    )
    assert checked.returncode != 0 and "[TODO]" in checked.stdout and "factor: TODO" in checked.stdout


ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def texts_of_outputs(*folders: Path):
    """(path, text) of every file under `folders`: zip archives (.xlsx, .docx) entry by entry, PDFs' text
    through pypdf, images skipped (figures are drawn from aggregates; their SVGs are read as text)."""
    import zipfile

    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.suffix in (".xlsx", ".docx"):
                with zipfile.ZipFile(path) as archive:
                    yield path, " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
            elif path.suffix == ".pdf":
                from pypdf import PdfReader  # a dependency already: no poppler (pdftotext) on the machine

                yield path, " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
            elif path.suffix != ".png":
                yield path, path.read_bytes().decode("utf-8", "replace")


def addresses_in_outputs(root: Path, name: str) -> dict[str, list[str]]:
    """Every e-mail address found in the outputs of dataset `name` under `root` (file -> addresses)."""
    folders = [root / "reports" / name, root / "data" / "processed" / name]
    return {
        str(p.relative_to(root)): found for p, text in texts_of_outputs(*folders) if (found := ADDRESS.findall(text))
    }


def test_no_address_of_the_export_reaches_an_output(built):
    if built["source"] != "google":
        pytest.skip("the Google Forms export collects e-mail addresses")
    assert ss.EMAIL in (built["root"] / "data" / "raw" / built["name"]).joinpath(
        next(p.name for p in (built["root"] / "data" / "raw" / built["name"]).glob("*.csv"))
    ).read_text(encoding="cp1251")
    book = yaml.safe_load(built["draft"])
    assert book["privacy"]["identifiers"] == [{"column": ss.EMAIL, "kind": "email"}]
    assert book["export"]["id_column"] != ss.EMAIL
    assert (built["root"] / "reports" / built["name"] / "en" / "report.html").exists()
    assert addresses_in_outputs(built["root"], built["name"]) == {}


def test_make_new_dataset_then_make_report_shows_no_address(tmp_path, scratch):
    """The whole run as a person types it: make new-dataset, the factor TODO, make report (figures, PDF and all)."""
    from helpers.tools.bench import project_copy

    _, sources = scratch
    tmp_path = project_copy(tmp_path / "project", ())  # a scratch project: make runs there as a person's clone
    env = {**os.environ, ROOT_VARIABLE: str(tmp_path)}
    (tmp_path / "data" / "raw").mkdir(parents=True, exist_ok=True)
    make = ["make", "-s", "-C", str(tmp_path)]
    made = subprocess.run(
        [*make, "new-dataset", "NAME=mailed", f"FROM={sources['google'][0]}"], env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    codebook = tmp_path / "data" / "raw" / "mailed" / "codebook.yaml"
    codebook.write_text(fill_factor_todo(codebook.read_text(encoding="utf-8")), encoding="utf-8")
    run = subprocess.run([*make, "report", "DATA=mailed"], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert (tmp_path / "reports" / "mailed" / "en" / "report.html").exists()
    respondents = pd.read_csv(tmp_path / "data" / "processed" / "mailed" / "respondents.csv", dtype=str)
    assert len(respondents) == 120 and ss.EMAIL not in respondents.columns
    assert addresses_in_outputs(tmp_path, "mailed") == {}


SEEDED = [  # (what the codebook gets wrong, text in the codebook, what it becomes, the export's header, the export's label)
    (
        "a stakeholder label with an extra full stop",
        '"Сотрудник акимата"',
        '"Сотрудник акимата."',
        "Категория респондента",
        "Сотрудник акимата",
    ),
    (
        "a scale label with an extra part",
        '"Ни согласен, ни не согласен"',
        '"Ни согласен, ни не согласен / нет мнения"',
        None,
        "Ни согласен, ни не согласен",
    ),
    (
        "a scale label with a doubled space",
        '"Совершенно согласен"',
        '"Совершенно  согласен"',
        None,
        "Совершенно согласен",
    ),
    (
        "an option with a changed ending",
        '"Люди и их квалификация"',
        '"Люди и их квалификации"',
        ss.Q1,
        "Люди и их квалификация",
    ),
]


@pytest.mark.parametrize("seeded", SEEDED, ids=[s[0] for s in SEEDED])
def test_check_codebook_finds_each_seeded_mistake_and_suggests_the_label(built, seeded, tmp_path, monkeypatch):
    if built["source"] != "google":
        pytest.skip("seeded into the Google Forms dataset")
    _, right, wrong, header, found = seeded
    import shutil

    shutil.copytree(built["root"] / "data" / "raw" / built["name"], tmp_path / "data" / "raw" / "seeded")
    codebook = tmp_path / "data" / "raw" / "seeded" / "codebook.yaml"
    text = codebook.read_text(encoding="utf-8")
    assert right in text
    codebook.write_text(text.replace(right, wrong), encoding="utf-8")
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    findings = [f for f in check_dataset("seeded") if f.kind == "unknown answer"]
    assert findings, "the seeded mistake was not found"
    hit = [f for f in findings if repr(found) in f.message or found in f.message]
    assert hit, [str(f) for f in findings]
    assert hit[0].suggestion == wrong.strip('"')  # the codebook's near-miss, to correct
    if header:
        assert repr(header) == hit[0].where  # named by the export's own header, not an id


def test_check_codebook_names_a_column_the_codebook_misspells(built, tmp_path, monkeypatch):
    if built["source"] != "google":
        pytest.skip("seeded into the Google Forms dataset")
    import shutil

    shutil.copytree(built["root"] / "data" / "raw" / built["name"], tmp_path / "data" / "raw" / "seeded")
    codebook = tmp_path / "data" / "raw" / "seeded" / "codebook.yaml"
    statement = ss.STATEMENTS[4]
    text = codebook.read_text(encoding="utf-8").replace(statement, statement.replace("компетенциям", "компетенции"))
    codebook.write_text(text, encoding="utf-8")
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    findings = check_dataset("seeded")
    missing = [f for f in findings if f.kind == "no column"]
    unused = [f for f in findings if f.kind == "unused column"]
    header = f"{ss.GRID_1} [{statement}]"
    assert len(missing) == 1 and missing[0].suggestion == header
    assert repr(header) in [f.where for f in unused]


def test_codebook_page_and_dataset_record(built, answers):
    if built["source"] != "google":
        pytest.skip("once is enough")
    from helpers.publish.codebook_page import write_codebook_page

    previous = os.environ.get(ROOT_VARIABLE)
    os.environ[ROOT_VARIABLE] = str(built["root"])
    try:
        first = [p.read_bytes() for p in write_codebook_page(built["name"])]
        page, record = write_codebook_page(built["name"])
    finally:
        os.environ.pop(ROOT_VARIABLE) if previous is None else os.environ.__setitem__(ROOT_VARIABLE, previous)
    assert [page.read_bytes(), record.read_bytes()] == first  # same bytes every run
    html = page.read_text(encoding="utf-8")
    assert all(s in html for s in ss.STATEMENTS) and "<script" not in html
    # Cronbach's alpha of the first factor, computed here from the answers (complete rows only).
    columns = [ss.STATEMENTS.index(s) for s in ss.FACTORS["strategy"]]
    items = pd.DataFrame(answers.scores[:, columns]).dropna()
    k = items.shape[1]
    alpha = k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1))
    assert f"Cronbach's alpha {alpha:.2f} ({len(items)} complete answers)" in html
    import json

    data = json.loads(record.read_text(encoding="utf-8"))
    assert data["@type"] == "Dataset" and len(data["variableMeasured"]) >= len(ss.STATEMENTS)


def test_a_kobo_export_without_its_form_gives_a_draft_that_checks_clean_but_for_the_todo(
    scratch, tmp_path, monkeypatch
):
    _, sources = scratch
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (tmp_path / "data" / "raw").mkdir(parents=True)
    new_dataset("kobo-only", str(sources["kobo"][0]))
    book = yaml.safe_load((tmp_path / "data" / "raw" / "kobo-only" / "codebook.yaml").read_text(encoding="utf-8"))
    assert len(book["statements"]) == len(ss.STATEMENTS) and book["scale"]["missing"] == ["99"]
    q1 = next(q for q in book["questions"] if q["column"] == "factors")
    assert [o["name"] for o in q1["options"]] == ["f1", "f2", "f3", "f4", "other"] and q1[
        "other_column"
    ] == "factors_other"
    assert {f.kind for f in check_dataset("kobo-only")} - INFORMATION == {"TODO"}
