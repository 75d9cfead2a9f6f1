"""Interrupted, failed and hostile runs of `make report`, on a scratch copy of the project.

- Parameter values are data: none reaches a shell, each is checked before anything runs.
- A step's outputs appear only when it succeeded; after an interruption at any moment (SIGINT, as
  Ctrl-C sends it, or SIGKILL of the whole process group) the next `make report` gives files
  byte-identical to a clean run; a failed run leaves no report that could pass for current.
"""

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from helpers.paths import ROOT_VARIABLE
from helpers.tools.bench import project_copy

DATA = "amirova2020"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return project_copy(tmp_path_factory.mktemp("runs") / "project", (DATA,))


def make(project: Path, *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, ROOT_VARIABLE: str(project)}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(project), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def outputs(project: Path, dataset: str = DATA) -> dict[str, str]:
    files = {}
    for top in (project / "data" / "processed" / dataset, project / "reports" / dataset):
        for path in sorted(top.rglob("*")):
            if path.is_file() and ".staging" not in path.parts:
                files[path.relative_to(project).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def clean(project: Path, dataset: str = DATA) -> None:
    subprocess.run(
        ["rm", "-rf", str(project / "data" / "processed" / dataset), str(project / "reports" / dataset)], check=True
    )


@pytest.fixture(scope="module")
def clean_run(project):
    clean(project)
    result = make(project, "report", f"DATA={DATA}")
    assert result.returncode == 0, result.stderr
    return outputs(project)


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


@pytest.mark.parametrize(
    "signum, moment",
    [
        (signal.SIGINT, "01_clean"),  # Ctrl-C while the data are cleaned
        (signal.SIGKILL, "04_figures"),  # the whole run killed while tables and figures are made side by side
        (signal.SIGINT, "05_report"),  # Ctrl-C while the report is written
    ],
)
def test_after_an_interruption_the_next_run_gives_the_clean_runs_bytes(project, clean_run, signum, moment):
    folder = project / "reports" / DATA / ("" if moment == "01_clean" else "en")
    staging = folder / ".staging" / moment
    clean(project)
    env = {**os.environ, ROOT_VARIABLE: str(project)}
    run = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(project), "report", f"DATA={DATA}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # Interrupt a step while it runs (its staging folder exists), a moment after it started.
    wait_for(lambda: staging.is_dir() or run.poll() is not None)
    time.sleep(0.3)
    assert run.poll() is None, "the run ended before it could be interrupted"
    os.killpg(run.pid, signum)
    _, err = run.communicate(timeout=120)
    if signum == signal.SIGINT:
        assert "Traceback" not in err
        assert "interrupted: nothing half-written was kept" in err or run.returncode == 0, err
    assert not (project / "reports" / DATA / "en" / "report.html").exists() or run.returncode == 0
    result = make(project, "report", f"DATA={DATA}")
    assert result.returncode == 0, result.stderr
    assert outputs(project) == clean_run


def test_a_failed_run_leaves_no_report_that_could_pass_for_current(project, clean_run):
    survey = project / "data" / "raw" / DATA / "survey.csv"
    original = survey.read_text(encoding="utf-8")
    try:
        survey.write_text(original.replace("R3,central_gov", "R3,minister"), encoding="utf-8")
        result = make(project, "report", f"DATA={DATA}")
        assert result.returncode != 0 and "Report:" not in result.stdout
        assert "row 4, column 'stakeholder': found 'minister'" in result.stderr
        reports = project / "reports" / DATA / "en"
        assert not (reports / "report.html").exists() and not (reports / "report.pdf").exists()
        # Everything made from the old data is gone: the tables and figures, and their records.
        assert not list((reports / "notebooks").glob("0[2-5]_*.ipynb"))
        assert not (project / "reports" / DATA / "notebooks" / "01_clean.ipynb").exists()
        assert not list((reports / "tables").glob("*")) and not list((reports / "figures").glob("*"))
        assert (project / "data" / "processed" / DATA / "validation.csv").exists()
        assert not (project / "data" / "processed" / DATA / "likert.csv").exists()
    finally:
        survey.write_text(original, encoding="utf-8")
    result = make(project, "report", f"DATA={DATA}")
    assert result.returncode == 0 and outputs(project) == clean_run


def test_a_second_call_does_no_work(project, clean_run):
    assert make(project, "report", f"DATA={DATA}").returncode == 0
    result = make(project, "report", f"DATA={DATA}")
    assert "helpers.pipeline run" not in result.stdout and outputs(project) == clean_run


def test_the_reports_provenance_lists_every_file_the_steps_read(project, clean_run):
    import json

    html = (project / "reports" / DATA / "en" / "report.html").read_text(encoding="utf-8")
    for record in (project / "reports" / DATA).rglob("notebooks/0[1-4]_*.ipynb"):
        read = json.loads(record.read_text(encoding="utf-8"))["metadata"]["helpers"]["read"]
        assert read, record
        for path, digest in read.items():
            if not path.startswith(".venv/"):
                assert path in html and digest in html, (record.name, path)
