"""The runner: one notebook executed with papermill, one step of the pipeline with its outputs staged, or every
notebook executed in place to refresh the nbval reference.

A step's result is whole and fresh, or it is not there. With `writes`, the
runner first forgets what the step and every step after it made (their files
and records, and the report), runs the notebook with its outputs directed to
a staging folder, and only when it succeeded moves them into place and writes
its record (the executed notebook, the make target) last, naming every file
it read and wrote. An interruption or failure at any moment leaves no
half-written file and nothing that make or a reader could take for current.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from helpers.kernel import KERNEL, start_kernel, stop_kernel
from helpers.paths import (
    OUTPUTS,
    REPO_ROOT,
    ROOT_VARIABLE,
    STAGING_VARIABLE,
    WRITES_VARIABLE,
    check_dataset_name,
    dataset_paths,
)
from helpers.records import _write_record, coalesce_streams, forget, normalise_executed, record_lock


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
        raise ValueError(
            f"{notebook}: unknown parameter(s) {', '.join(unknown)}; "
            f"this notebook takes {', '.join(sorted(declared)) or 'none'}."
        )
    if "dataset" in parameters:
        check_dataset_name(parameters["dataset"])


def run_notebook(notebook: Path, output: Path, parameters: dict, kernel=None) -> None:
    """Execute `notebook` with `parameters` into `output` (the source is never overwritten), in `kernel` (one
    from start_kernel, left running) or in a kernel of its own."""
    notebook, output = Path(notebook), Path(output)
    if notebook.resolve() == output.resolve():
        raise ValueError("the executed copy must not overwrite the source notebook")
    manager = kernel if kernel is not None else start_kernel(notebook.parent)
    try:
        _skip_iri_format_parsers()
        import papermill

        check_parameters(notebook, parameters)
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=str(notebook.parent),
                progress_bar=False,
                report_mode=False,
                km=manager,
            )
        finally:
            if output.exists():
                normalise_executed(output, notebook)
    finally:
        if kernel is None:
            stop_kernel(manager)


class StepInterrupted(Exception):
    """SIGTERM (or SIGHUP) while a step runs: treated like Ctrl-C, so the same clean-up runs."""


def run_step(
    notebook: Path, record: Path, parameters: dict, writes: list[str], reads: list[Path] = (), finished=None
) -> list[Path]:
    """Run one step of the pipeline with staged outputs (see the module's docstring); returns the files written.
    `finished(lines)`, if given, is called once the record is in place, under the lock of the folder's records
    (records.record_lock, which yields the folder of kept lines): it says that the step ended."""
    unknown = sorted(set(writes) - set(OUTPUTS))
    if unknown:
        raise ValueError(f"--writes takes {', '.join(OUTPUTS)}, not {', '.join(unknown)}")
    record = Path(record)
    staging = record.resolve().parent.parent / ".staging" / record.stem
    # The kernel boots (about a second) while papermill is imported and the parameters are checked; it sees the
    # staging folder in its environment, as the notebook's helpers expect.
    kernel = start_kernel(
        Path(notebook).parent, {**os.environ, STAGING_VARIABLE: str(staging), WRITES_VARIABLE: ",".join(writes)}
    )
    try:
        return _run_staged(notebook, record, parameters, writes, reads, staging, kernel, finished)
    finally:
        stop_kernel(kernel)


def _run_staged(
    notebook: Path, record: Path, parameters: dict, writes, reads, staging: Path, kernel, finished=None
) -> list[Path]:
    import fcntl
    import signal

    check_parameters(notebook, parameters)
    paths = dataset_paths(parameters["dataset"])
    staging.parent.mkdir(parents=True, exist_ok=True)
    # One run of a step at a time: a second `make report` waits rather than mixing files with the first.
    lock = open(staging.parent / f"{record.stem}.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)

    def interrupted(signum, frame):
        raise StepInterrupted(signal.Signals(signum).name)

    previous = {s: signal.signal(s, interrupted) for s in (signal.SIGTERM, signal.SIGHUP)}
    failed_copy = record.with_name(record.stem + ".failed.ipynb")
    executed = staging / record.name
    try:
        forget(record, paths)
        failed_copy.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        os.environ[STAGING_VARIABLE], os.environ[WRITES_VARIABLE] = str(staging), ",".join(writes)
        try:
            run_notebook(notebook, executed, parameters, kernel)
        except Exception:
            if executed.exists():  # for reading the traceback; its name says it is no result
                try:
                    failed_copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(executed, failed_copy)
                except OSError:  # the disk full, the folder read-only: the step's own error is the news
                    failed_copy.unlink(missing_ok=True)
            raise
        written = _publish(staging, executed, paths.root)
        with record_lock(record) as lines:
            _write_record(executed, record, paths.root, reads, written)
            if finished is not None:
                finished(lines)
        return written
    finally:
        os.environ.pop(STAGING_VARIABLE, None)
        os.environ.pop(WRITES_VARIABLE, None)
        shutil.rmtree(staging, ignore_errors=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        lock.close()


def _publish(staging: Path, executed: Path, root: Path) -> list[Path]:
    """Move every file the step wrote from the staging folder to its place (each move atomic)."""
    written = []
    for staged in sorted(p for p in staging.rglob("*") if p.is_file() and p != executed):
        final = root / staged.relative_to(staging)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)
        written.append(final)
    return written


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
            kernel = start_kernel(path.parent)  # a step's quiet kernel (helpers.kernel), as nbval starts its own there
            try:
                NotebookClient(
                    notebook,
                    km=kernel,
                    kernel_name=KERNEL,
                    record_timing=False,
                    resources={"metadata": {"path": str(path.parent)}},
                ).execute()
            finally:
                stop_kernel(kernel)
            for cell in notebook.cells:
                cell.metadata.pop("execution", None)
                coalesce_streams(cell)
            notebook.metadata.pop("papermill", None)
            nbformat.write(notebook, path)
            print(f"refreshed {path}")
