"""A notebook run in JupyterLab on another dataset and saved: one line says what changed and how to restore it."""

import json
import os
import shutil
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.pipeline import sandbox_root
from helpers.tools import notebook_guard
from pipeline_runs import set_parameter

NOTEBOOK = REPO_ROOT / "notebooks" / "01_clean.ipynb"


def nbval(notebook, root, *plugin) -> subprocess.CompletedProcess:
    """nbval on one notebook outside this repository (so conftest.py is not loaded), optionally with the guard."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--rootdir",
            str(notebook.parent),
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            *plugin,
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(REPO_ROOT / "tests" / "nbval_sanitize.cfg"),
            str(notebook),
        ],
        cwd=notebook.parent,
        # A user's PYTEST_ADDOPTS (e.g. -q) would change the summary line read below.
        env={**{k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}, ROOT_VARIABLE: str(root)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_notebook_saved_from_lab_with_another_dataset_fails_in_one_line(tmp_path, monkeypatch):
    # As in Lab: set dataset = "example-v2" in the parameters cell, run every cell, save.
    root = sandbox_root(tmp_path / "project", ("amirova2020", "example-v2"))
    monkeypatch.setenv(ROOT_VARIABLE, str(root))
    saved = tmp_path / "notebooks" / NOTEBOOK.name
    saved.parent.mkdir()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    set_parameter(notebook, "dataset", "example-v2")
    NotebookClient(notebook, kernel_name="python3", resources={"metadata": {"path": str(saved.parent)}}).execute()
    nbformat.write(notebook, saved)

    # nbval then runs it on the paper's data only, as `make test` does (conftest.py).
    reference_root = sandbox_root(tmp_path / "reference")

    # With the guard (conftest.py registers it for `make test`): one failure, not one per cell whose output the
    # other dataset changed, and one line naming the change and the way back.
    guarded = nbval(saved, reference_root, "-p", "helpers.tools.notebook_guard")
    assert guarded.returncode == 1
    assert guarded.stdout.splitlines()[-1].startswith("=") and " 1 failed" in guarded.stdout.splitlines()[-1], (
        guarded.stdout[-2000:]
    )
    line = notebook_guard.drift(saved)
    assert line in guarded.stdout
    assert (
        "dataset = 'example-v2' (reference 'amirova2020')" in line
        and "git checkout" in line
        and "make baseline" in line
    )


def test_the_committed_notebooks_hold_the_reference():
    assert [notebook_guard.drift(path) for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))] == [None] * 5


def test_the_pre_commit_hook_names_a_notebook_saved_on_another_kernel(tmp_path, capsys):
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    notebook["metadata"]["kernelspec"]["name"] = "ir"
    changed = tmp_path / NOTEBOOK.name
    changed.write_text(json.dumps(notebook), encoding="utf-8")
    shutil.copy(NOTEBOOK, tmp_path / "unchanged.ipynb")
    assert notebook_guard.main([str(changed), str(tmp_path / "unchanged.ipynb")]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 and "saved on the kernel 'ir', another environment" in printed[0], printed
    # Only the kernel changed: the way back is the kernel, not a new reference.
    assert "git checkout" in printed[0] and "make baseline" not in printed[0]


def test_the_named_kernel_of_make_lab_is_the_reference_environment(tmp_path):
    """A notebook saved on "Amirova 2020 (.venv)" (the same environment as python3) holds the reference."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    notebook["metadata"]["kernelspec"]["name"] = "amirova2020"
    saved = tmp_path / NOTEBOOK.name
    saved.write_text(json.dumps(notebook), encoding="utf-8")
    assert notebook_guard.reference_kernels() == {"python3", "amirova2020"}
    assert notebook_guard.drift(saved) is None


def test_the_reference_parameters_are_make_s_defaults():
    assert notebook_guard.makefile_defaults() == {
        "dataset": "amirova2020",
        "on_invalid": "stop",
        "lang": "en",
        "pilot_body": "",
    }


def test_tables_are_shown_the_same_wherever_the_notebook_runs(monkeypatch, capsys):
    """One output, an HTML table with its text, in Lab (no project root set) and in a run on a scratch tree (nbval,
    make baseline): the form nbval compares does not depend on where the notebook ran before it was saved."""
    import IPython.display
    import pandas as pd

    from helpers.notebook import show

    frame = pd.DataFrame({"factor": ["Strategy", "Resources", "Organization"], "mean": [4.25, 3.5, 4.08]})
    shown = {}
    for where, root in (("lab", None), ("scratch", "/tmp/scratch")):
        outputs = []
        monkeypatch.setattr(IPython.display, "display", lambda bundle, raw: outputs.append((bundle, raw)))
        if root is None:
            monkeypatch.delenv(ROOT_VARIABLE, raising=False)
        else:
            monkeypatch.setenv(ROOT_VARIABLE, root)
        show(frame, index=False, max_rows=2)
        assert capsys.readouterr().out == ""  # nothing printed beside it
        shown[where] = outputs
    assert shown["lab"] == shown["scratch"]
    ((bundle, raw),) = shown["lab"]
    assert raw and bundle["text/plain"] == frame.to_string(index=False, max_rows=2)
    assert (
        bundle["text/html"].startswith('<table border="1" class="dataframe">')
        and "<td>Strategy</td>" in bundle["text/html"]
    )
