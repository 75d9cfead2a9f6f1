"""The committed notebooks carry the nbval reference, and nbval fails when a result changes."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.pipeline import notebook_parameters, sandbox_root

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))


def test_the_pipeline_has_its_four_notebooks():
    assert [n.name for n in NOTEBOOKS] == [
        "01_clean.ipynb",
        "02_tables.ipynb",
        "03_priorities.ipynb",
        "04_figures.ipynb",
        "05_report.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_has_reference_outputs(path):
    """nbval skips cells that were never executed: a stripped notebook would check nothing."""
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    unexecuted = [i for i, c in enumerate(code) if c.execution_count is None]
    assert not unexecuted, f"{path.name}: code cells {unexecuted} have no stored execution; run `make baseline`"
    # Only the parameters, the one-line set-up and the cell that reads the data may print nothing.
    assert sum(bool(c.outputs) for c in code) >= len(code) - 3, f"{path.name}: most code cells have no stored output"
    assert code[-1].outputs, f"{path.name}: the last code cell has no stored output"
    errors = [o for c in code for o in c.outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert not errors, f"{path.name}: the reference holds an error or a warning"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_parameterised_by_dataset_and_runs_on_python3(path):
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata.kernelspec.name == "python3"
    assert any("parameters" in c.metadata.get("tags", []) for c in notebook.cells)
    assert notebook_parameters(path)["dataset"] == '"amirova2020"'


def run_nbval(root: Path, *notebooks: Path) -> subprocess.CompletedProcess:
    # A user's PYTEST_ADDOPTS (e.g. -q, --durations) would change the inner run's summary that is read here.
    env = {**{k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}, ROOT_VARIABLE: str(root)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(REPO_ROOT / "tests" / "nbval_sanitize.cfg"),
            *map(str, notebooks),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_nbval_fails_when_one_likert_score_changes(tmp_path):
    """The net works: the same notebooks on a copy of the data with one score changed no longer match."""
    root = sandbox_root(tmp_path)
    survey = root / "data" / "raw" / "amirova2020" / "survey.csv"
    text = survey.read_text(encoding="utf-8")
    # R1's last score (s15, "centralization of support functions") is 1 in the paper; make it 2.
    lines = text.splitlines()
    assert lines[1].startswith("R1,") and lines[1].endswith(",1")
    lines[1] = lines[1][:-1] + "2"
    survey.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_nbval(root, REPO_ROOT / "notebooks" / "01_clean.ipynb", REPO_ROOT / "notebooks" / "02_tables.ipynb")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "02_tables.ipynb::Cell" in result.stdout and "failed" in result.stdout.splitlines()[-1]
