"""Run the notebooks: one step with papermill, or all of them in place to refresh the nbval reference.

    python -m helpers.pipeline run notebooks/01_clean.ipynb reports/x/notebooks/01_clean.ipynb -p dataset x
    python -m helpers.pipeline baseline notebooks/*.ipynb

`run` checks the parameters against the notebook's `parameters` cell before
anything runs (papermill itself only warns about a misspelt name) and, when a
cell fails, prints the error the notebook raised -- for bad data, the list of
problems -- instead of papermill's traceback, then exits non-zero.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from helpers.paths import REPO_ROOT, ROOT_VARIABLE, check_dataset_name, project_root

# When this module was loaded: as `python -m helpers.pipeline`, a few milliseconds after the process started, so a
# step's time includes starting Python and importing papermill, not only running the notebook.
_LOADED = time.perf_counter()

KERNEL = "python3"

# Execution metadata that changes from run to run; dropped so that the same
# inputs give byte-identical executed notebooks.
_RUN_TIMING = ("start_time", "end_time", "duration")


def _skip_iri_format_parsers() -> None:
    """Make importing papermill cost ~0.7 s instead of ~3 s.

    papermill imports nbformat, which imports jsonschema, whose format
    checker builds rfc3987-syntax's Lark grammars at import time when that
    package is installed (it is, through jupyterlab): about 1.9 s, for the
    "iri" formats that the notebook schema never uses (jsonschema issue 1428,
    jupyter_server issue 1559). Marking the module absent makes jsonschema
    skip those two checkers; every other check is unchanged.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def notebook_parameters(notebook: Path) -> dict:
    """The parameters declared in the notebook's cell tagged `parameters`, with their defaults."""
    _skip_iri_format_parsers()
    import papermill

    return {name: spec["default"] for name, spec in papermill.inspect_notebook(str(notebook)).items()}


def check_parameters(notebook: Path, parameters: dict) -> None:
    declared = notebook_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ValueError(f"{notebook}: unknown parameter(s) {', '.join(unknown)}; "
                         f"this notebook takes {', '.join(sorted(declared)) or 'none'}.")
    if "dataset" in parameters:
        check_dataset_name(parameters["dataset"])


def run_notebook(notebook: Path, output: Path, parameters: dict) -> None:
    """Execute `notebook` with `parameters` into `output` (the source is never overwritten)."""
    _skip_iri_format_parsers()
    import papermill

    notebook, output = Path(notebook), Path(output)
    if notebook.resolve() == output.resolve():
        raise ValueError("the executed copy must not overwrite the source notebook")
    check_parameters(notebook, parameters)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=KERNEL,
                                   cwd=str(notebook.parent), progress_bar=False, report_mode=False,
                                   **quiet_kernel_options())
    finally:
        if output.exists():
            normalise_executed(output, notebook)


def quiet_kernel_options() -> dict:
    """How the runner starts and stops a step's kernel, so that a successful run prints nothing of its own.

    - Unix-domain sockets (ZeroMQ's ipc transport) instead of TCP on localhost: no port is opened, and the
      kernel has no reason to warn "Kernel is running over TCP without encryption". The socket files sit
      beside the connection file in Jupyter's runtime folder and are removed when the kernel stops.
    - No interrupt before the shutdown: when the runner stops the kernel every cell has finished, so
      jupyter_client's habit of sending SIGINT first only makes the kernel print
      "KeyboardInterrupt caught in kernel" (when the signal lands in its event loop).
    """
    from jupyter_client import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets.config import Config

    class StepKernelManager(AsyncKernelManager):
        async def _async_interrupt_kernel(self) -> None:
            if not self.shutting_down:  # a real interrupt (Ctrl-C during a cell) still goes through
                await super()._async_interrupt_kernel()

    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.KernelManager.transport = "ipc"
    # An absolute prefix, unique to this runner: the kernel runs in the notebook's folder, the runner elsewhere.
    config.KernelManager.ip = str(runtime / f"step-{os.getpid()}-ipc")
    return {"config": config, "kernel_manager_class": StepKernelManager}


def step_label(notebook: Path) -> str:
    """'[2/5] 02_tables': the notebook's place among the numbered notebooks of its folder."""
    notebook = Path(notebook)
    steps = sorted(p.name for p in notebook.parent.glob("*.ipynb"))
    if notebook.name not in steps:
        return notebook.stem
    return f"[{steps.index(notebook.name) + 1}/{len(steps)}] {notebook.stem}"


def report_step(notebook: Path, seconds: float) -> None:
    """One line per finished step, on stdout: `[2/5] 02_tables … 3.1 s`."""
    print(f"{step_label(notebook)} … {seconds:.1f} s", flush=True)


def normalise_executed(output: Path, source: Path) -> None:
    """Drop run timings and write paths relative to their trees, so same inputs give the same bytes."""
    import nbformat

    executed = nbformat.read(output, as_version=4)
    run = executed.metadata.get("papermill", {})
    for key in _RUN_TIMING:
        run.pop(key, None)
    run["input_path"] = _relative(source, REPO_ROOT)
    run["output_path"] = _relative(output, project_root())
    for cell in executed.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        coalesce_streams(cell)
        for key in _RUN_TIMING:
            cell.metadata.get("papermill", {}).pop(key, None)
    nbformat.write(executed, output)


def coalesce_streams(cell) -> None:
    """Join consecutive stdout (or stderr) outputs of a cell into one.

    The kernel flushes printed text on a timer, so a long print splits into a
    number of outputs that depends on the machine's load; joined, the same
    text gives the same notebook.
    """
    if cell.get("cell_type") != "code":
        return
    merged = []
    for output in cell.outputs:
        if (merged and output.output_type == "stream" and merged[-1].output_type == "stream"
                and merged[-1].name == output.name):
            merged[-1].text += output.text
        else:
            merged.append(output)
    cell.outputs = merged


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).name


def sandbox_root(destination: Path, datasets: tuple[str, ...] = ("amirova2020",)) -> Path:
    """A scratch project tree holding copies of the given raw datasets, for tests and the nbval reference."""
    for name in datasets:
        shutil.copytree(REPO_ROOT / "data" / "raw" / name, Path(destination) / "data" / "raw" / name)
    return Path(destination)


def refresh_reference(notebooks: list[Path]) -> None:
    """Execute each notebook in place, in order, on a scratch copy of the paper's data.

    The stored outputs become the reference that nbval compares against. Run
    in a scratch tree, as nbval is (see conftest.py), so that no path or file
    of the working tree leaks into them; no timing metadata is kept.
    """
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="nbval-reference-") as scratch:
        os.environ[ROOT_VARIABLE] = str(sandbox_root(Path(scratch)))
        for path in sorted(Path(p) for p in notebooks):
            notebook = nbformat.read(path, as_version=4)
            NotebookClient(notebook, kernel_name=KERNEL, record_timing=False,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            for cell in notebook.cells:
                cell.metadata.pop("execution", None)
                coalesce_streams(cell)
            notebook.metadata.pop("papermill", None)
            nbformat.write(notebook, path)
            print(f"refreshed {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.pipeline", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="execute one notebook with papermill")
    run.add_argument("notebook", type=Path)
    run.add_argument("output", type=Path)
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    baseline = commands.add_parser("baseline", help="refresh the stored outputs nbval compares against")
    baseline.add_argument("notebooks", type=Path, nargs="+")
    args = parser.parse_args(argv)

    if args.command == "baseline":
        refresh_reference(args.notebooks)
        return 0
    _skip_iri_format_parsers()
    from papermill.exceptions import PapermillExecutionError

    started = _LOADED if __name__ == "__main__" else time.perf_counter()
    try:
        run_notebook(args.notebook, args.output, dict(args.parameter))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except PapermillExecutionError as error:
        # make deletes a failed target (.DELETE_ON_ERROR): keep the executed notebook beside it for reading.
        kept = args.output.with_name(args.output.stem + ".failed.ipynb")
        if args.output.exists():
            shutil.copyfile(args.output, kept)
        print(f"\n{args.notebook.stem} stopped: {error.ename}", file=sys.stderr)
        print(error.evalue, file=sys.stderr)
        if error.ename == "DataValidationError":
            dataset = dict(args.parameter).get("dataset", "")
            print(f"The list is also in data/processed/{dataset}/validation.csv. Fix the export or the codebook, "
                  "or run with ON_INVALID=quarantine to set the invalid rows aside.", file=sys.stderr)
        print(f"(the executed notebook, with the traceback: {kept})", file=sys.stderr)
        return 1
    report_step(args.notebook, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
