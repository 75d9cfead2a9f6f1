"""Run the notebooks: one step with papermill, or all of them in place to refresh the nbval reference.

    python -m helpers.pipeline run notebooks/01_clean.ipynb reports/x/notebooks/01_clean.ipynb -p dataset x
    python -m helpers.pipeline run NOTEBOOK RECORD --writes tables --from-env dataset=DATA --reads FILE...
    python -m helpers.pipeline check          # the parameters in the environment, before any step
    python -m helpers.pipeline check --forget-altered  # ... then forget the steps of DATA whose files changed since
    python -m helpers.pipeline baseline notebooks/*.ipynb

A step's result is whole and fresh, or it is not there. With `--writes`, the
runner first forgets what the step and every step after it made (their files
and records, and the report), runs the notebook with its outputs directed to
a staging folder, and only when it succeeded moves them into place and writes
its record (the executed notebook, the make target) last, naming every file
it read and wrote. An interruption or failure at any moment leaves no
half-written file and nothing that make or a reader could take for current.

`run` checks the parameters against the notebook's `parameters` cell before
anything runs (papermill itself only warns about a misspelt name) and, when a
cell fails, prints the error the notebook raised -- for bad data, the list of
problems -- instead of papermill's traceback, then exits non-zero.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from helpers.paths import (
    OUTPUTS,
    REPO_ROOT,
    ROOT_VARIABLE,
    STAGING_VARIABLE,
    WRITES_VARIABLE,
    DatasetPaths,
    check_dataset_name,
    dataset_paths,
    project_root,
)

# When this module was loaded: as `python -m helpers.pipeline`, a few milliseconds after the process started, so a
# step's time includes starting Python and importing papermill, not only running the notebook.
_LOADED = time.perf_counter()

KERNEL = "python3"

#: What a reader takes for the result, in a report's folder: made from every step before it.
FINAL_PRODUCTS = ("report.html", "report.pdf", "report-screenshot.png", "fallbacks.csv")

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


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record_metadata(record: Path) -> dict:
    import json

    try:
        return json.loads(Path(record).read_text(encoding="utf-8"))["metadata"].get("helpers", {})
    except (OSError, ValueError, KeyError):
        return {}


def forget(record: Path, paths: DatasetPaths) -> list[str]:
    """Remove a step's record and files, every record that read it (recursively), and their reports.

    Returns what was removed, relative to the project root. Called before a step runs, so that a
    failure or interruption can leave nothing stale behind; make then reruns what was forgotten.
    A record lies in <folder>/notebooks/; the report made from it is <folder>/report.html (.pdf, ...).
    """
    root, removed = paths.root, []
    records = [p for p in paths.dataset_reports.rglob("notebooks/*.ipynb") if ".staging" not in p.parts]

    def remove(path: Path) -> None:
        if path.exists():
            path.unlink()
            removed.append(path.resolve().relative_to(root).as_posix())

    pending = [Path(record).resolve()]
    while pending:
        current = pending.pop()
        name = (
            current.resolve().relative_to(root).as_posix() if current.resolve().is_relative_to(root) else str(current)
        )
        for wrote in _record_metadata(current).get("wrote", []):
            remove(root / wrote)
        remove(current)
        for product in FINAL_PRODUCTS:
            remove(current.parent.parent / product)
        pending += [
            other
            for other in records
            if other.exists() and other != current and name in _record_metadata(other).get("read", {})
        ]
    return removed


def altered_outputs(paths: DatasetPaths, languages: list[str] | None = None) -> dict[Path, list[str]]:
    """Records of `paths`' dataset whose files are no longer what the step wrote, with those files.

    A file is altered when it is gone or its bytes differ from the SHA-256 in the record: every file is read,
    whatever its date (a record re-saved from Lab, or a file copied with its old date, would fool a date). A
    record that names no written files with their digests (edited, or from before the digests) is altered too.
    With `languages`, only the records of those languages' reports and the cleaning step's are looked at.
    """
    altered = {}
    records = sorted(p for p in paths.dataset_reports.rglob("notebooks/*.ipynb") if ".staging" not in p.parts)
    for record in records:
        folder = record.parent.parent
        if record.name.endswith(".failed.ipynb") or (
            languages is not None and folder != paths.dataset_reports and folder.name not in languages
        ):
            continue
        wrote = _record_metadata(record).get("wrote")
        if not isinstance(wrote, dict):
            altered[record] = [paths.relative(record)]
            continue
        changed = [name for name, digest in wrote.items() if _digest_or_none(paths.root / name) != digest]
        if changed:
            altered[record] = changed
    return altered


def _digest_or_none(path: Path) -> str | None:
    try:
        return _sha256(path)
    except OSError:
        return None


def forget_altered(paths: DatasetPaths, languages: list[str] | None = None) -> list[str]:
    """Forget (see `forget`) every step whose files were changed or removed since it wrote them; one line each.
    `languages`: the reports about to be made (see altered_outputs)."""
    lines = []
    for record, changed in altered_outputs(paths, languages).items():
        if not record.exists():  # forgotten already, as a step after one forgotten before it
            continue
        forget(record, paths)
        if changed == [paths.relative(record)]:
            lines.append(
                f"{changed[0]}: this step's record no longer names the files it wrote with their SHA-256 (edited?); "
                "that step and every one after it run again"
            )
            continue
        shown = changed[0] + (f" and {len(changed) - 1} more" if len(changed) > 1 else "")
        lines.append(
            f"{shown}: not what {paths.relative(record)} wrote (changed since, e.g. by a notebook run by hand); "
            "that step and every one after it run again"
        )
    return lines


def run_step(notebook: Path, record: Path, parameters: dict, writes: list[str], reads: list[Path] = ()) -> list[Path]:
    """Run one step of the pipeline with staged outputs (see the module's docstring); returns the files written."""
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
        return _run_staged(notebook, record, parameters, writes, reads, staging, kernel)
    finally:
        stop_kernel(kernel)


def _run_staged(notebook: Path, record: Path, parameters: dict, writes, reads, staging: Path, kernel) -> list[Path]:
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
                failed_copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(executed, failed_copy)
            raise
        written = _publish(staging, executed, paths.root)
        _write_record(executed, record, paths.root, reads, written)
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


def _write_record(executed: Path, record: Path, root: Path, reads, written: list[Path]) -> None:
    """The executed notebook, naming what the step read (with SHA-256) and wrote, moved into place last."""
    import nbformat

    def relative(path: Path) -> str:
        path = Path(path).resolve()
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else Path(path).name

    notebook = nbformat.read(executed, as_version=4)
    notebook.metadata.get("papermill", {})["output_path"] = relative(record)
    notebook.metadata["helpers"] = {
        "read": {relative(p): _sha256(p) for p in sorted(set(map(Path, reads))) if Path(p).is_file()},
        # With each file's SHA-256: `forget-altered` finds a file changed since (a notebook run by hand in Lab
        # writes to the same places) and has make run its step again.
        "wrote": {relative(p): _sha256(p) for p in sorted(written, key=relative)},
    }
    nbformat.write(notebook, executed)
    record.parent.mkdir(parents=True, exist_ok=True)
    os.replace(executed, record)


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

        def client(self, **kwargs):
            # Remembered so that stop_kernel can close their channels: the client is papermill's when the kernel
            # was started by start_kernel, and papermill leaves the clean-up to whoever started it.
            made = super().client(**kwargs)
            self.step_clients = [*getattr(self, "step_clients", []), made]
            return made

    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.KernelManager.transport = "ipc"
    # An absolute prefix, unique to this runner: the kernel runs in the notebook's folder, the runner elsewhere.
    config.KernelManager.ip = str(runtime / f"step-{os.getpid()}-ipc")
    return {"config": config, "kernel_manager_class": StepKernelManager}


def start_kernel(folder: Path, env: dict | None = None):
    """Start a step's kernel in `folder` (quietly: see quiet_kernel_options) and return its manager at once,
    without waiting for it to be ready: ipykernel takes about a second to start, which the runner spends importing
    papermill. run_notebook runs the notebook in it (papermill's client waits until it is ready); stop_kernel
    stops it. `env` is the kernel's whole environment (default: this process's)."""
    from jupyter_core.utils import run_sync

    options = quiet_kernel_options()
    manager = options["kernel_manager_class"](kernel_name=KERNEL, config=options["config"])
    run_sync(manager.start_kernel)(
        cwd=str(Path(folder).resolve()),
        env=dict(os.environ if env is None else env),
        # As nbclient starts the kernels it owns: no IPython history file written (or locked) by parallel steps.
        extra_arguments=["--HistoryManager.hist_file=:memory:"],
    )
    return manager


def stop_kernel(manager) -> None:
    """Stop a kernel from start_kernel: kill it, remove its connection and socket files, close the channels of the
    clients it served.

    Killed rather than asked to shut down: by now every cell has finished and its outputs are in (or the run has
    failed), so the kernel holds nothing to keep. Asked politely, about one kernel in ten did not exit on its own
    and jupyter_client waited the first half of its shutdown_wait_time, 2.5 s, before sending SIGTERM: a step
    that takes 0.9 s took 3.3-4.3 s (3 of 30 runs of an empty notebook here).
    """
    from jupyter_core.utils import ensure_async, run_sync

    async def stop() -> None:
        try:
            if await ensure_async(manager.is_alive()):
                await ensure_async(manager.shutdown_kernel(now=True))
        finally:
            await ensure_async(manager.cleanup_resources())
            for client in getattr(manager, "step_clients", []):
                await ensure_async(client.stop_channels())

    run_sync(stop)()


def step_label(notebook: Path) -> str:
    """'[2/5] 02_tables': the notebook's place among the numbered notebooks of its folder."""
    notebook = Path(notebook)
    steps = sorted(p.name for p in notebook.parent.glob("*.ipynb"))
    if notebook.name not in steps:
        return notebook.stem
    return f"[{steps.index(notebook.name) + 1}/{len(steps)}] {notebook.stem}"


def report_step(notebook: Path, seconds: float, lang: str | None = None) -> None:
    """One line per finished step, on stdout: `[1/5] 01_clean … 1.5 s`, and with the report's language for the
    steps that take one: `[2/5] 02_tables (en) … 3.1 s`."""
    print(f"{step_label(notebook)}{f' ({lang})' if lang else ''} … {seconds:.1f} s", flush=True)


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
        if (
            merged
            and output.output_type == "stream"
            and merged[-1].output_type == "stream"
            and merged[-1].name == output.name
        ):
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
            NotebookClient(
                notebook, kernel_name=KERNEL, record_timing=False, resources={"metadata": {"path": str(path.parent)}}
            ).execute()
            for cell in notebook.cells:
                cell.metadata.pop("execution", None)
                coalesce_streams(cell)
            notebook.metadata.pop("papermill", None)
            nbformat.write(notebook, path)
            print(f"refreshed {path}")


def parameters_from_environment(pairs: list[str]) -> dict:
    """`dataset=DATA` -> {"dataset": os.environ["DATA"]}: values reach the notebook without passing a shell."""
    parameters = {}
    for pair in pairs:
        name, _, variable = pair.partition("=")
        parameters[name] = os.environ.get(variable or name.upper(), "")
    return parameters


def check_environment() -> list[str]:
    """What is wrong with the run's parameters (DATA, REPORT_LANG, ON_INVALID, PILOT_BODY) and the codebook."""
    from helpers.codebook import read_codebook
    from helpers.errors import ON_INVALID, DataValidationError
    from helpers.i18n import languages

    errors = []
    data = os.environ.get("DATA", "")
    try:
        paths = dataset_paths(data)
    except ValueError as error:
        return [str(error)]
    if not paths.raw.is_dir():
        return [f"No dataset folder data/raw/{data}: see data/raw/README.md (make new-dataset NAME={data} starts one)."]
    for lang in os.environ.get("REPORT_LANG", "en").split() or ["(empty)"]:
        if lang not in languages():
            errors.append(f"REPORT_LANG={lang!r} is not a language of the report: {', '.join(languages())}.")
    on_invalid = os.environ.get("ON_INVALID", "stop")
    if on_invalid not in ON_INVALID:
        errors.append(f"ON_INVALID={on_invalid!r}: use {' or '.join(ON_INVALID)}.")
    try:
        codebook = read_codebook(paths.codebook)
    except DataValidationError as error:
        return errors + [
            f"data/raw/{data}/codebook.yaml has mistakes; fix these keys before anything runs:\n"
            + "\n".join(
                f"  - {p.column or p.file}: found {p.value!r}; expected {p.expected}"
                if p.value is not None
                else f"  - {p.column or p.file}: expected {p.expected}"
                for p in error.problems
            )
        ]
    pilot_body = os.environ.get("PILOT_BODY", "")
    codes = codebook.pilot_bodies()["code"].tolist() if len(codebook.pilot_bodies()) else []
    if pilot_body and pilot_body not in codes:
        errors.append(
            f"PILOT_BODY={pilot_body!r} is not a pilot body of data/raw/{data}/codebook.yaml: "
            f"leave it empty for all, or use one of {', '.join(codes) or '(none declared)'}."
        )
    return errors


def _interrupted_quietly(signum, frame):
    """Ctrl-C: the step ends with its one line. Ctrl-C reaches the kernel too, and what nbclient and asyncio would
    log about it dying ("Kernel died", "Task exception was never retrieved" and a traceback) is not news."""
    import logging

    logging.disable(logging.CRITICAL)
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.pipeline", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="execute one notebook with papermill")
    run.add_argument("notebook", type=Path)
    run.add_argument("output", type=Path)
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    run.add_argument(
        "--from-env",
        nargs="+",
        default=[],
        metavar="NAME=VARIABLE",
        help="parameters read from environment variables (how make passes them: no shell sees them)",
    )
    run.add_argument(
        "--writes",
        nargs="+",
        default=None,
        choices=OUTPUTS,
        help="stage the outputs this step writes; publish them and the record only on success",
    )
    run.add_argument("--reads", nargs="*", default=[], type=Path, help="the step's inputs, named in its record")
    check = commands.add_parser("check", help="check DATA, REPORT_LANG, ON_INVALID, PILOT_BODY and the codebook")
    check.add_argument(
        "--forget-altered",
        action="store_true",
        help="then forget the steps of DATA whose files changed since they wrote them (make runs them again)",
    )
    commands.add_parser("forget-report", help="remove the report of DATA after a failed run")
    baseline = commands.add_parser("baseline", help="refresh the stored outputs nbval compares against")
    baseline.add_argument("notebooks", type=Path, nargs="+")
    args = parser.parse_args(argv)

    if args.command == "baseline":
        refresh_reference(args.notebooks)
        return 0
    if args.command == "check":
        try:
            errors = check_environment()
        except KeyboardInterrupt:  # Ctrl-C while make report checks its parameters: one line, as in a step
            print("\ninterrupted before any step ran: nothing was changed.", file=sys.stderr)
            return 130
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        if not errors and args.forget_altered:
            for line in forget_altered(dataset_paths(os.environ["DATA"]), os.environ.get("REPORT_LANG", "en").split()):
                print(line)
        return 2 if errors else 0
    if args.command == "forget-report":
        paths = dataset_paths(os.environ.get("DATA", ""))
        for lang in os.environ.get("REPORT_LANG", "").split():
            for product in FINAL_PRODUCTS:
                (paths.dataset_reports / lang / product).unlink(missing_ok=True)
        print(
            f"The run failed: nothing under reports/{paths.name}/ is a report of the current inputs "
            "(the steps that succeeded kept their files; see the error above).",
            file=sys.stderr,
        )
        return 0
    _skip_iri_format_parsers()
    from papermill.exceptions import PapermillExecutionError

    signal.signal(signal.SIGINT, _interrupted_quietly)
    parameters = {**dict(args.parameter), **parameters_from_environment(args.from_env)}
    step = args.notebook.stem
    started = _LOADED if __name__ == "__main__" else time.perf_counter()
    try:
        if args.writes is None:
            run_notebook(args.notebook, args.output, parameters)
        else:
            run_step(args.notebook, args.output, parameters, args.writes, args.reads)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, StepInterrupted):
        print(f"\n{step} interrupted: nothing half-written was kept; `make report` runs it again.", file=sys.stderr)
        return 130
    except PapermillExecutionError as error:
        kept = args.output.with_name(args.output.stem + ".failed.ipynb")
        if args.writes is None and args.output.exists():
            shutil.copyfile(args.output, kept)
        print(f"\n{step} stopped: {error.ename}", file=sys.stderr)
        print(error.evalue, file=sys.stderr)
        if error.ename == "DataValidationError" and "The full list:" in error.evalue:
            quarantined = parameters.get("on_invalid") == "quarantine"  # then setting rows aside was not enough
            print(
                "Fix the export or the codebook"
                + ("." if quarantined else ", or run with ON_INVALID=quarantine to set the invalid rows aside."),
                file=sys.stderr,
            )
        print(f"(the executed notebook, with the traceback: {kept})", file=sys.stderr)
        return 1
    report_step(args.notebook, time.perf_counter() - started, parameters.get("lang"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
