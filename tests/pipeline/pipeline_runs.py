"""Whole pipeline runs for the tests: scratch copies of the data, all five steps, what they wrote; and the one
build of both datasets in three languages that the session's tests share."""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.processes import OWNER_VARIABLE
from helpers.pipeline import run_notebook, sandbox_root
from helpers.tools.bench import project_copy


STEPS = ("01_clean", "02_tables", "03_priorities", "04_figures", "05_report")
# The PDF's and the office files' dates; every run the tests compare uses the same.
EPOCH = "1577836800"


def checksums(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def outputs(root: Path) -> dict[str, bytes]:
    """Every file the pipeline wrote under root (processed tables, reports), by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for top in ("data/processed", "reports")
        for path in sorted((root / top).rglob("*"))
        if path.is_file()
    }


def planted(root: Path) -> Path:
    """A scratch copy of the paper's data with a `<script>` planted in a free-text answer."""
    return plant(sandbox_root(root))


def plant(root: Path) -> Path:
    """root's copy of the paper's data, with a `<script>` planted in a free-text answer."""
    survey = root / "data" / "raw" / "amirova2020" / "survey.csv"
    survey.write_text(
        survey.read_text(encoding="utf-8").replace(
            "Leadership (management styles and quality)", "<script>alert(1)</script>"
        ),
        encoding="utf-8",
    )
    return root


def run_pipeline(root: Path) -> None:
    """All five steps on root's data, as `make report` runs them."""
    saved = {name: os.environ.get(name) for name in (ROOT_VARIABLE, "SOURCE_DATE_EPOCH")}
    os.environ.update({ROOT_VARIABLE: str(root), "SOURCE_DATE_EPOCH": EPOCH})
    try:
        for step in STEPS:
            folder = root / "reports" / "amirova2020" / ("" if step == "01_clean" else "en") / "notebooks"
            run_notebook(
                REPO_ROOT / "notebooks" / f"{step}.ipynb", folder / f"{step}.ipynb", {"dataset": "amirova2020"}
            )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# --- one build of both datasets for the whole session, shared by every xdist worker -------------------------
SHARED_DATASETS = ("amirova2020", "example-v2")
BUILD_TIMEOUT = 1800  # seconds for each of the build's makes
LANGUAGES = ("en", "ru", "kk")


def make(project: Path, *arguments: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """`make ARGUMENTS` in a scratch project, its outputs kept in that project (ROOT_VARIABLE)."""
    env = {**os.environ, ROOT_VARIABLE: str(project)}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(project), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_outputs(project: Path, dataset: str = "amirova2020", lang: str = "en") -> dict[str, str]:
    """SHA-256 of every file one `make report DATA=dataset` in `lang` makes: the processed tables, the cleaning
    step's record and the language's folder (other languages' folders are not part of that run)."""
    reports = project / "reports" / dataset
    files = {}
    for top in (project / "data" / "processed" / dataset, reports / "notebooks", reports / lang):
        for path in sorted(top.rglob("*")):
            if path.is_file() and ".staging" not in path.parts:
                files[path.relative_to(project).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


@dataclass(frozen=True)
class SharedBuild:
    """A scratch project that `make report` ran in: example-v2 in en, ru and kk (then once more, which must do
    nothing), the paper's data (a `<script>` planted in a free-text answer) in en, and its ru and kk reports
    without their PDFs. Tests read it and never write into it."""

    root: Path
    raw_before: dict  # SHA-256 of every raw file before the first make
    outputs: dict  # SHA-256 of every file under data/processed and reports right after the build
    example_first: str  # what the first `make report DATA=example-v2 REPORT_LANG="en ru kk"` printed
    example_second: str  # ... and the second


def build_shared(base: Path) -> SharedBuild:
    """The session's build, made once under `base` (the folder every xdist worker shares) and read by all:
    the first worker to ask builds it while holding a lock, the others wait for it and read its manifest."""
    root = base / "shared-build"
    manifest = base / "shared-build.json"
    with open(base / "shared-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not manifest.exists():
            shutil.rmtree(root, ignore_errors=True)
            project = plant(project_copy(root, SHARED_DATASETS))
            raw_before = checksums(project / "data" / "raw")
            languages = f"REPORT_LANG={' '.join(LANGUAGES)}"
            # The two datasets side by side (each make runs its steps two at a time): one's single-step stretches
            # (cleaning, the report, the print) leave a core to the other's.
            with ThreadPoolExecutor(max_workers=2) as pool:
                # A build of some 50 CPU-seconds a dataset; a machine shared with other work took over 600 s.
                example = pool.submit(make, project, "report", "DATA=example-v2", languages, timeout=BUILD_TIMEOUT)
                paper = pool.submit(
                    make,
                    project,
                    "report",
                    "DATA=amirova2020",
                    *(f"reports/amirova2020/{lang}/notebooks/05_report.ipynb" for lang in LANGUAGES[1:]),
                    timeout=BUILD_TIMEOUT,
                )
                first, paper = example.result(), paper.result()
            assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
            assert paper.returncode == 0, paper.stdout[-3000:] + paper.stderr[-3000:]
            second = make(project, "report", "DATA=example-v2", languages)
            assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
            record = {
                "raw_before": raw_before,
                "outputs": {
                    f"{top}/{name}": digest
                    for top in ("data/processed", "reports")
                    for name, digest in checksums(project / top).items()
                },
                "example_first": first.stdout,
                "example_second": second.stdout,
            }
            manifest.write_text(json.dumps(record), encoding="utf-8")
    record = json.loads(manifest.read_text(encoding="utf-8"))
    return SharedBuild(root=root, **record)


def set_parameter(notebook, name: str, value: str) -> None:
    """Set a parameter of a notebook's `parameters` cell, as a person does in Lab before running it."""
    cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    lines = cell.source.splitlines()
    index = next(i for i, line in enumerate(lines) if line.split(":")[0].split("=")[0].strip() == name)
    lines[index] = lines[index].split("=")[0] + f'= "{value}"'
    cell.source = "\n".join(lines)


# --- the processes of a run ----------------------------------------------------------------------------
def run_processes(owner: int) -> list[int]:
    """Every process started for the run of make `owner`: they carry its pid in their environment."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"{OWNER_VARIABLE}={owner}".encode() in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
