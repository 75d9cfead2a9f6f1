"""The step runner (helpers.pipeline): a step's kernel started before papermill is imported (they overlap) and
stopped without leftovers; parameters checked; bad data reported as a list, not a traceback; one line per
successful step; the outputs changed by hand since their step wrote them."""

import glob
import hashlib
import os
import re
import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from helpers import pipeline
from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.pipeline import main, sandbox_root


def test_a_kernel_started_early_runs_the_notebook_in_its_folder_with_the_given_environment(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    notebook = new_notebook(
        cells=[
            new_code_cell("value = 'default'", metadata={"tags": ["parameters"]}),
            new_code_cell("import os\nprint(os.getcwd(), os.environ['STEP_KERNEL_TEST'], value)"),
        ]
    )
    notebook.metadata.kernelspec = {"name": pipeline.KERNEL, "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "probe.ipynb")
    kernel = pipeline.start_kernel(folder, {**os.environ, "STEP_KERNEL_TEST": "seen"})
    sockets = kernel.ip + "-*"
    try:
        pipeline.run_notebook(folder / "probe.ipynb", tmp_path / "out.ipynb", {"value": "given"}, kernel)
    finally:
        pipeline.stop_kernel(kernel)
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"].split() == [str(folder.resolve()), "seen", "given"]
    assert not kernel.has_kernel and not glob.glob(sockets)  # stopped; its socket files removed


def test_run_notebook_alone_starts_and_stops_a_kernel_of_its_own(tmp_path):
    from jupyter_core.paths import jupyter_runtime_dir

    notebook = new_notebook(cells=[new_code_cell("print(6 * 7)")])
    notebook.metadata.kernelspec = {"name": pipeline.KERNEL, "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "alone.ipynb")
    sockets = os.path.join(jupyter_runtime_dir(), f"step-{os.getpid()}-ipc-*")
    before = set(glob.glob(sockets))
    pipeline.run_notebook(tmp_path / "alone.ipynb", tmp_path / "alone-out.ipynb", {})
    assert nbformat.read(tmp_path / "alone-out.ipynb", as_version=4).cells[0].outputs[0]["text"] == "42\n"
    assert set(glob.glob(sockets)) <= before


def test_stopping_does_not_wait_for_a_kernel_that_would_not_exit(tmp_path):
    """A kernel that lingers when asked to shut down (here: an exit handler that sleeps) is stopped at once.
    Asked politely, jupyter_client waited 2.5 s before its SIGTERM; about one step in ten paid that."""
    import time

    folder = tmp_path / "notebooks"
    folder.mkdir()
    notebook = new_notebook(cells=[new_code_cell("import atexit, time\natexit.register(time.sleep, 30)")])
    notebook.metadata.kernelspec = {"name": pipeline.KERNEL, "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "linger.ipynb")
    kernel = pipeline.start_kernel(folder)
    sockets = kernel.ip + "-*"
    try:
        pipeline.run_notebook(folder / "linger.ipynb", tmp_path / "out.ipynb", {}, kernel)
    finally:
        started = time.monotonic()
        pipeline.stop_kernel(kernel)
        seconds = time.monotonic() - started
    assert seconds < 1.5, f"stopping the kernel took {seconds:.1f} s"
    assert not kernel.has_kernel and not glob.glob(sockets)


def test_runner_refuses_unknown_parameters_and_bad_names(tmp_path, capsys):
    notebook = str(REPO_ROOT / "notebooks" / "01_clean.ipynb")
    assert main(["run", notebook, str(tmp_path / "out.ipynb"), "-p", "datset", "x"]) == 2
    assert "unknown parameter(s) datset" in capsys.readouterr().err
    assert main(["run", notebook, str(tmp_path / "out.ipynb"), "-p", "dataset", "../x"]) == 2
    assert not (tmp_path / "out.ipynb").exists()


def test_bad_data_stops_with_the_list_not_a_traceback(tmp_path, capsys, monkeypatch):
    root = sandbox_root(tmp_path / "root")
    survey = root / "data" / "raw" / "amirova2020" / "survey.csv"
    survey.write_text(survey.read_text(encoding="utf-8").replace("R3,central_gov", "R3,minister"), encoding="utf-8")
    monkeypatch.setenv(ROOT_VARIABLE, str(root))
    code = main(
        [
            "run",
            str(REPO_ROOT / "notebooks" / "01_clean.ipynb"),
            str(tmp_path / "out.ipynb"),
            "-p",
            "dataset",
            "amirova2020",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "DataValidationError" in err
    assert "row 4, column 'stakeholder': found 'minister'" in err
    assert "Traceback" not in err
    assert "or run with ON_INVALID=quarantine" in err


def test_with_quarantine_already_on_the_advice_is_not_to_turn_it_on(tmp_path, capsys, monkeypatch):
    root = sandbox_root(tmp_path / "root")
    survey = root / "data" / "raw" / "amirova2020" / "survey.csv"
    text = survey.read_text(encoding="utf-8")
    for code in ("public_pm", "private_pm", "central_gov", "local_gov"):  # every row set aside: cleaning stops
        text = text.replace(f",{code},", ",minister,")
    survey.write_text(text, encoding="utf-8")
    monkeypatch.setenv(ROOT_VARIABLE, str(root))
    notebook, out = str(REPO_ROOT / "notebooks" / "01_clean.ipynb"), str(tmp_path / "out.ipynb")
    code = main(["run", notebook, out, "-p", "dataset", "amirova2020", "-p", "on_invalid", "quarantine"])
    err = capsys.readouterr().err
    assert code == 1 and "all 4 rows have one" in err, err
    assert "Fix the export or the codebook." in err and "ON_INVALID=quarantine" not in err


def test_a_successful_step_prints_one_line_and_no_kernel_warnings(tmp_path):
    root = sandbox_root(tmp_path / "root")
    notebooks = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpers.pipeline",
            "run",
            str(notebooks[0]),
            str(tmp_path / "out.ipynb"),
            "-p",
            "dataset",
            "amirova2020",
        ],
        env={**os.environ, ROOT_VARIABLE: str(root)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.fullmatch(rf"\[1/{len(notebooks)}\] {notebooks[0].stem} … \d+\.\d s\n", result.stdout)
    assert "without encryption" not in result.stderr and "KeyboardInterrupt" not in result.stderr
    assert result.stderr == ""


def test_altered_outputs_are_the_files_changed_or_removed_since_their_step_wrote_them(tmp_path):
    import json

    from helpers.paths import dataset_paths
    from helpers.pipeline import altered_outputs, forget_altered

    paths = dataset_paths("d", root=tmp_path)
    tables = tmp_path / "reports" / "d" / "en" / "tables"
    tables.mkdir(parents=True)
    (tables / "a.csv").write_text("a\n")
    (tables / "b.csv").write_text("b\n")
    record = tmp_path / "reports" / "d" / "en" / "notebooks" / "02_tables.ipynb"
    record.parent.mkdir()
    wrote = {f"reports/d/en/tables/{n}.csv": hashlib.sha256(f"{n}\n".encode()).hexdigest() for n in "ab"}
    record.write_text(json.dumps({"metadata": {"helpers": {"read": {}, "wrote": wrote}}}))
    assert altered_outputs(paths) == {}

    os.utime(tables / "a.csv", ns=(4 * 10**18, 4 * 10**18))  # another date, the same bytes: as it was
    assert altered_outputs(paths) == {}
    (tables / "a.csv").write_text("written by hand\n")
    os.utime(tables / "a.csv", ns=(10**9, 10**9))  # and dated long before its record (cp -p, tar): still found
    (tables / "b.csv").unlink()
    assert altered_outputs(paths) == {record: ["reports/d/en/tables/a.csv", "reports/d/en/tables/b.csv"]}
    assert altered_outputs(paths, ["ru"]) == {}  # a report not being made is left as it is

    lines = forget_altered(paths, ["en"])
    assert lines == [
        "reports/d/en/tables/a.csv and 1 more: not what reports/d/en/notebooks/02_tables.ipynb wrote (changed since, "
        "e.g. by a notebook run by hand); that step and every one after it run again"
    ]
    assert not record.exists() and not (tables / "a.csv").exists()

    # A record that names no files with their digests (edited by hand, or made before the digests) is not trusted.
    for metadata in ({}, {"helpers": {"read": {}, "wrote": ["reports/d/en/tables/a.csv"]}}):
        record.write_text(json.dumps({"metadata": metadata}))
        assert altered_outputs(paths) == {record: ["reports/d/en/notebooks/02_tables.ipynb"]}
        assert "record no longer names the files it wrote" in forget_altered(paths)[0] and not record.exists()
