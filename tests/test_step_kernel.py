"""The runner starts a step's kernel before importing papermill (they overlap), and stops it without leftovers."""

import glob
import os

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from helpers import pipeline


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
