"""Faults of the machine, not of the data: a read-only reports/, a full disk, Ctrl-C while the PDF prints. Each
ends the run with one line naming the place (no traceback), a return code that says it failed, and no report
that could pass for current: an old report that cannot be removed is named as out of date.

A read-only folder and a full disk are made for real, in a mount namespace of the test's own (`unshare -m`: a
bind mount made read-only, a tmpfs of a few hundred KiB), so nothing outside the test's scratch project sees them.
Root ignores file modes, so chmod could not make either."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from helpers.paths import ROOT_VARIABLE
from helpers.processes import OWNER_VARIABLE
from helpers.publish.browser import find_chromium, profile_folder
from helpers.tools.bench import project_copy

from pipeline_runs import run_processes

DATA = "amirova2020"


def can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True, timeout=30
    )
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not can_mount(), reason="no mount namespace here (needs root and unshare -m)")


@pytest.fixture
def built(shared_build, tmp_path) -> Path:
    """A scratch project holding the session's finished run of the paper's data (English), times kept, so
    `make report` there has nothing to do until a test takes something away."""
    project = project_copy(tmp_path / "project", ())
    for part in (("data", "raw", DATA), ("data", "processed", DATA), ("reports", DATA)):
        shutil.copytree(
            shared_build.root.joinpath(*part),
            project.joinpath(*part),
            symlinks=True,
            ignore=shutil.ignore_patterns("ru", "kk"),
        )
    return project


def make_report_in(project: Path, mounts: str = "") -> subprocess.CompletedProcess:
    """`make report` in `project`, after `mounts` (shell commands run in the project's folder) in a mount
    namespace that ends with the run."""
    env = {**os.environ, ROOT_VARIABLE: str(project)}
    script = f"{mounts}\nexec make --no-print-directory report DATA={DATA}"
    command = ["unshare", "-m", "sh", "-ec", script] if mounts else ["sh", "-ec", script]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900)


def test_the_copied_run_is_up_to_date(built):
    result = make_report_in(built)
    assert result.returncode == 0 and " … " not in result.stdout, result.stdout + result.stderr


@needs_mounts
def test_a_read_only_reports_folder_stops_the_run_in_one_line_and_calls_the_old_report_out_of_date(built):
    (built / "reports" / DATA / "en" / "notebooks" / "02_tables.ipynb").unlink()  # so 02 and what follows run
    before = (built / "reports" / DATA / "en" / "report.html").read_bytes()
    result = make_report_in(built, "mount --bind reports reports\nmount -o remount,bind,ro reports")
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert "02_tables stopped: could not write reports/amirova2020/en/" in result.stderr
    assert "Read-only file system" in result.stderr
    stale = next(line for line in result.stderr.splitlines() if line.startswith("Left in place"))
    assert "reports/amirova2020/en/report.html (Read-only file system)" in stale and "out of date" in stale
    assert (built / "reports" / DATA / "en" / "report.html").read_bytes() == before  # left, and said to be old
    assert "Report:" not in result.stdout


@needs_mounts
def test_a_full_disk_stops_the_step_that_meets_it_in_a_few_lines(built):
    result = make_report_in(built, f"mount -t tmpfs -o size=200k tmpfs reports/{DATA}/en")
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert "stopped:" in result.stderr and "No space left on device" in result.stderr
    assert len(result.stderr.splitlines()) <= 10, result.stderr


@needs_mounts
def test_a_failed_notebook_that_cannot_be_kept_leaves_the_steps_own_error_as_the_news(tmp_path):
    """The cleaning step stops on a bad row; its executed notebook cannot be copied beside the records (that folder
    on a full disk): the error about the row is what is printed, and no name of a copy that was not made."""
    project = project_copy(tmp_path / "project", (DATA,))
    survey = project / "data" / "raw" / DATA / "survey.csv"
    survey.write_text(survey.read_text(encoding="utf-8").replace("R3,central_gov", "R3,minister"), encoding="utf-8")
    (project / "reports" / DATA / "notebooks").mkdir(parents=True)
    result = make_report_in(project, f"mount -t tmpfs -o size=8k tmpfs reports/{DATA}/notebooks")
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert "row 4, column 'stakeholder': found 'minister'" in result.stderr
    assert "could not be kept" in result.stderr and "01_clean.failed.ipynb" not in result.stderr


def is_chromium(pid: int) -> bool:
    try:
        return b"chromium" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium: the PDF step does not run")
def test_ctrl_c_while_the_pdf_prints_says_one_line_and_leaves_no_chromium(built):
    (built / "reports" / DATA / "en" / "report.pdf").unlink()  # only the print step runs
    # The run's own make is the owner its processes carry (under `make test`, the variable holds the outer make's).
    env = {**{k: v for k, v in os.environ.items() if k != OWNER_VARIABLE}, ROOT_VARIABLE: str(built)}
    shm = Path(profile_folder() or "/tmp")
    profiles_before = set(shm.glob("chromium-*"))
    for _ in range(3):
        run = subprocess.Popen(
            ["make", "--no-print-directory", "-C", str(built), "report", f"DATA={DATA}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while run.poll() is None and time.monotonic() < deadline:
            if any(is_chromium(pid) for pid in run_processes(run.pid)):
                break
            time.sleep(0.05)
        if run.poll() is None:
            break
        run.communicate()
        (built / "reports" / DATA / "en" / "report.pdf").unlink(missing_ok=True)
    assert run.poll() is None, "the print ended three times before Chromium could be seen"
    os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=120)
    assert run.returncode != 0 and "Traceback" not in err, err
    assert "printing reports/amirova2020/en/report.pdf interrupted: no PDF was kept" in err
    deadline = time.monotonic() + 20
    while [p for p in run_processes(run.pid) if is_chromium(p)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in run_processes(run.pid) if is_chromium(p)]
    assert set(shm.glob("chromium-*")) <= profiles_before  # its profile removed
    assert not (built / "reports" / DATA / "en" / "report.pdf").exists()
    assert not list((built / "reports" / DATA / "en").glob(".report.pdf.*"))
