"""Whole pipeline runs for the tests: a scratch copy of the paper's data, all five steps, what they wrote."""

import hashlib
import os
from pathlib import Path

from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.pipeline import run_notebook, sandbox_root


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
    root = sandbox_root(root)
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
