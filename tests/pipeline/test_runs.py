"""Interrupted, failed and hostile runs of `make report`, on a scratch copy of the project.

- Parameter values are data: none reaches a shell, each is checked before anything runs.
- A step's outputs appear only when it succeeded; after an interruption at any moment (SIGINT, as
  Ctrl-C sends it, or SIGKILL of the whole process group) the next `make report` gives files
  byte-identical to a clean run; a failed run leaves no report that could pass for current.
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.publish import browser
from helpers.tools.bench import project_copy

import pipeline_runs
from pipeline_runs import plant, run_outputs

DATA = "amirova2020"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A scratch project with the paper's data as the session's build has it (the `<script>` planted)."""
    return plant(project_copy(tmp_path_factory.mktemp("runs") / "project", (DATA,)))


def make(project: Path, *arguments: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return pipeline_runs.make(project, *arguments, timeout=timeout)


def clean(project: Path, dataset: str = DATA) -> None:
    subprocess.run(
        ["rm", "-rf", str(project / "data" / "processed" / dataset), str(project / "reports" / dataset)], check=True
    )


@pytest.fixture(scope="module")
def clean_run(shared_build):
    """The bytes of a clean, uninterrupted `make report DATA=amirova2020` (English): the session's build's."""
    files = run_outputs(shared_build.root)
    assert files == {name: shared_build.outputs[name] for name in files}  # untouched since it was made
    return files


@pytest.fixture
def finished_run(project):
    """This project with a finished `make report` (no work when the test before left one)."""
    result = make(project, "report", f"DATA={DATA}")
    assert result.returncode == 0, result.stderr
    return project


# --- what a run prints ------------------------------------------------------------------------------------
STEP_LINE = re.compile(r"^\[(\d+)/(\d+)\] (\w+)(?: \((\w+)\))? … \d+\.\d s$")


def test_the_steps_lines_read_in_the_pipelines_order_and_nothing_comes_before_them(shared_build):
    """`make report DATA=example-v2 REPORT_LANG="en ru kk"` run on two cores, two steps at a time: each language's
    steps are numbered in the pipeline's order, and printed in it, though figures start first and tables end last.
    The first step's line is the run's first line (a new .venv adds one line: tests/tools/test_environment.py)."""
    printed = shared_build.example_first.splitlines()
    steps = [STEP_LINE.match(line) for line in printed]
    assert steps[0] and steps[0].group(3) == "01_clean", printed
    for lang in pipeline_runs.LANGUAGES:
        numbers = [int(m.group(1)) for m in steps if m and m.group(4) == lang]
        assert numbers == [2, 3, 4, 5], (lang, printed)


def test_a_run_with_nothing_to_do_says_only_where_the_reports_are(shared_build):
    """Nothing of make's own ("make[1]: '…/report.pdf' is up to date."); without Chromium, each language's print
    step (which has no PDF to find up to date) says again in one line that it wrote none."""
    printed = shared_build.example_second.splitlines()
    reports = [f"Report: reports/example-v2/{lang}/report.html" for lang in pipeline_runs.LANGUAGES]
    if browser.find_chromium() is None:
        assert printed == [browser.HOW_TO_GET_IT] * len(reports) + reports, printed
    else:
        assert printed == reports, printed


# --- parameters are data ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "assignment, says",
    [
        ("DATA=x`id>pwned`", "DATA is not a plain folder name"),
        ("DATA=a b", "DATA is not a plain folder name"),
        ("PILOT_BODY=x'; touch {marker}; echo '", "PILOT_BODY="),
        ("REPORT_LANG=en;touch {marker};true", "REPORT_LANG="),
        ("REPORT_LANG=xx", "REPORT_LANG='xx' is not a language of the report"),
        ("PILOT_BODY=$(touch {marker})", "PILOT_BODY holds a '$'"),
        ("ON_INVALID=ignore", "ON_INVALID='ignore': use stop or quarantine"),
    ],
)
def test_no_parameter_value_reaches_a_shell_and_each_is_checked_first(project, tmp_path, assignment, says):
    marker = tmp_path / "p"
    result = make(project, "report", assignment.format(marker=marker))
    assert result.returncode != 0
    assert says in result.stderr, result.stderr
    assert not marker.exists() and not (project / "pwned").exists()
    assert "Report:" not in result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") < 8, result.stderr  # one clear message, not dozens of warnings
    assert not (project / "reports" / DATA / "notebooks" / "01_clean.ipynb").exists() or "DATA=" not in assignment
    assert not list((project / "reports").glob(f"{DATA}/*;*"))  # no folder named after a hostile value


def test_a_codebook_mistake_stops_before_any_notebook_naming_the_key(project):
    codebook = project / "data" / "raw" / DATA / "codebook.yaml"
    original = codebook.read_text(encoding="utf-8")
    try:
        codebook.write_text(original.replace("values: [1, 2, 3, 4, 5]", "values: [5]"), encoding="utf-8")
        result = make(project, "report", f"DATA={DATA}")
        assert result.returncode != 0
        assert "scale.values" in result.stderr and "at least two" in result.stderr
        assert "papermill" not in result.stdout and "validation.csv" not in result.stderr
        assert "quarantine" not in result.stderr
    finally:
        codebook.write_text(original, encoding="utf-8")


# --- interrupted and failed runs ------------------------------------------------------------------------
def wait_for(condition, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


# Each interruption hits the run that follows the one before, so the three leave their traces on one another:
# a Ctrl-C while the data are cleaned; the whole run killed while tables and figures are made side by side;
# a Ctrl-C while the report is written. Then one run must give the clean run's bytes.
INTERRUPTIONS = ((signal.SIGINT, "01_clean"), (signal.SIGKILL, "04_figures"), (signal.SIGINT, "05_report"))


def start_report(project: Path) -> subprocess.Popen:
    env = {**os.environ, ROOT_VARIABLE: str(project)}
    return subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(project), "report", f"DATA={DATA}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def interrupt_report(project: Path, signum: int, moment: str) -> None:
    """Start `make report`, send signum to its whole process group while step `moment` runs, check what is left."""
    folder = project / "reports" / DATA / ("" if moment == "01_clean" else "en")
    staging = folder / ".staging" / moment
    for _ in range(3):
        run = start_report(project)
        # Interrupt the step while it runs (its staging folder exists), a moment after it started.
        wait_for(lambda: staging.is_dir() or run.poll() is not None)
        time.sleep(0.3)
        if run.poll() is None:
            break
        # Seen once on a fresh clone: the run ended without the step being caught running (it was up to date, or
        # ran between two looks). Make it run again: forget its record, then the step and every later one rerun.
        assert run.returncode == 0, run.stderr
        (folder / "notebooks" / f"{moment}.ipynb").unlink(missing_ok=True)
    assert run.poll() is None, f"the run ended three times before {moment} could be interrupted"
    os.killpg(run.pid, signum)
    _, err = run.communicate(timeout=120)
    if signum == signal.SIGINT:
        assert "Traceback" not in err, (moment, err)
        assert "interrupted: nothing half-written was kept" in err or run.returncode == 0, (moment, err)
    assert not (project / "reports" / DATA / "en" / "report.html").exists() or run.returncode == 0, moment
    # Nothing of the interrupted step was kept, and no record claims a step that did not finish.
    assert (
        not (
            project / "reports" / DATA / ("" if moment == "01_clean" else "en") / "notebooks" / f"{moment}.ipynb"
        ).exists()
        or run.returncode == 0
    ), moment


def test_after_interruptions_the_next_run_gives_the_bytes_of_a_clean_run_in_another_folder(project, clean_run):
    clean(project)
    for signum, moment in INTERRUPTIONS:
        interrupt_report(project, signum, moment)
    result = make(project, "report", f"DATA={DATA}")
    assert result.returncode == 0, result.stderr
    assert {".csv", ".png", ".svg", ".pdf", ".html", ".ipynb", ".xlsx", ".docx"} <= {Path(n).suffix for n in clean_run}
    differing = sorted(set(run_outputs(project).items()) ^ set(clean_run.items()))
    assert differing == [], f"files that differ from the clean run's: {differing}"


def test_a_second_call_does_no_work(finished_run, clean_run):
    result = make(finished_run, "report", f"DATA={DATA}")
    assert result.returncode == 0 and " … " not in result.stdout, result.stdout
    assert "helpers.pipeline run" not in result.stdout and run_outputs(finished_run) == clean_run


def test_the_reports_provenance_lists_every_file_the_steps_read(finished_run):
    import json

    project = finished_run
    html = (project / "reports" / DATA / "en" / "report.html").read_text(encoding="utf-8")
    for record in (project / "reports" / DATA).rglob("notebooks/0[1-4]_*.ipynb"):
        read = json.loads(record.read_text(encoding="utf-8"))["metadata"]["helpers"]["read"]
        assert read, record
        for path, digest in read.items():
            if not path.startswith(".venv/"):
                assert path in html and digest in html, (record.name, path)


@pytest.mark.parametrize("assignment", ["ON_INVALID=drop", "PILOT_BODY=nonexistent"])
def test_a_refused_value_leaves_the_last_report_and_the_stamps_as_they_were(finished_run, clean_run, assignment):
    project = finished_run
    stamps = {p.name: p.read_bytes() for p in (project / "reports" / DATA / ".parameters").iterdir()}
    result = make(project, "report", f"DATA={DATA}", assignment)
    assert result.returncode != 0 and assignment.split("=")[1] in result.stderr, result.stderr
    assert {p.name: p.read_bytes() for p in (project / "reports" / DATA / ".parameters").iterdir()} == stamps
    assert run_outputs(project) == clean_run  # the report made before, and everything it was made from, still there


def test_a_notebook_run_by_hand_makes_the_next_report_run_its_step_again(finished_run, clean_run, monkeypatch):
    """As in Lab: 02 run by hand with another pilot body writes its tables where make's run put them. The next
    `make report` says so in one line and runs that step and the report again: no report beside other tables."""
    import nbformat
    from nbclient import NotebookClient

    from pipeline_runs import set_parameter

    project = finished_run
    table1 = project / "reports" / DATA / "en" / "tables" / "table1.csv"
    before = table1.read_bytes()
    notebook = nbformat.read(REPO_ROOT / "notebooks" / "02_tables.ipynb", as_version=4)
    set_parameter(notebook, "pilot_body", "agency_civil_service")
    monkeypatch.setenv(ROOT_VARIABLE, str(project))
    NotebookClient(
        notebook, kernel_name="python3", resources={"metadata": {"path": str(REPO_ROOT / "notebooks")}}
    ).execute()
    assert table1.read_bytes() != before  # the hand run's table, in make's place

    result = make(project, "report", f"DATA={DATA}")
    assert result.returncode == 0, result.stderr
    assert f"not what reports/{DATA}/en/notebooks/02_tables.ipynb wrote" in result.stdout, result.stdout
    # The report is printed again where there is a Chromium, and the print step says in one line why not elsewhere.
    printed = "report.pdf written" if browser.find_chromium() else browser.HOW_TO_GET_IT
    assert "02_tables (en) …" in result.stdout and printed in result.stdout, result.stdout
    assert "01_clean …" not in result.stdout  # the steps whose files are as they wrote them are not run again
    assert run_outputs(project) == clean_run
    # Nothing altered: the next call does no work and says nothing about it.
    again = make(project, "report", f"DATA={DATA}")
    assert " … " not in again.stdout and "not what" not in again.stdout, again.stdout


def test_make_tables_also_reruns_a_step_whose_files_were_changed_by_hand(finished_run, clean_run):
    project = finished_run
    table1 = project / "reports" / DATA / "en" / "tables" / "table1.csv"
    table1.write_text(table1.read_text(encoding="utf-8").replace("Occupation", "EDITED"), encoding="utf-8")
    result = make(project, "tables", f"DATA={DATA}")
    assert result.returncode == 0, result.stderr
    assert f"not what reports/{DATA}/en/notebooks/02_tables.ipynb wrote" in result.stdout, result.stdout
    assert "02_tables (en) …" in result.stdout and "EDITED" not in table1.read_text(encoding="utf-8")
    assert make(project, "report", f"DATA={DATA}").returncode == 0
    assert run_outputs(project) == clean_run


def test_a_failed_run_leaves_no_report_that_could_pass_for_current(finished_run):
    """Last in this file: it leaves the project without outputs (the run after a failure is the one after an
    interruption: see above)."""
    project = finished_run
    survey = project / "data" / "raw" / DATA / "survey.csv"
    original = survey.read_text(encoding="utf-8")
    try:
        survey.write_text(original.replace("R3,central_gov", "R3,minister"), encoding="utf-8")
        result = make(project, "report", f"DATA={DATA}")
        assert result.returncode != 0 and "Report:" not in result.stdout
        assert "row 4, column 'stakeholder': found 'minister'" in result.stderr
        reports = project / "reports" / DATA / "en"
        assert not (reports / "report.html").exists() and not (reports / "report.pdf").exists()
        assert not (reports / "fallbacks.csv").exists()  # the report's list of fallbacks goes with it
        # Everything made from the old data is gone: the tables and figures, and their records.
        assert not list((reports / "notebooks").glob("0[2-5]_*.ipynb"))
        assert not (project / "reports" / DATA / "notebooks" / "01_clean.ipynb").exists()
        assert not list((reports / "tables").glob("*")) and not list((reports / "figures").glob("*"))
        assert (project / "data" / "processed" / DATA / "validation.csv").exists()
        assert not (project / "data" / "processed" / DATA / "likert.csv").exists()
    finally:
        survey.write_text(original, encoding="utf-8")
