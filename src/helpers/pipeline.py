"""Run the notebooks: one step with papermill, or all of them in place to refresh the nbval reference.

    python -m helpers.pipeline run notebooks/01_clean.ipynb reports/x/notebooks/01_clean.ipynb -p dataset x
    python -m helpers.pipeline run NOTEBOOK RECORD --writes tables --from-env dataset=DATA --reads FILE...
    python -m helpers.pipeline check          # the parameters in the environment, before any step
    python -m helpers.pipeline check --forget-altered  # ... then forget the steps of DATA whose files changed since
    python -m helpers.pipeline baseline notebooks/*.ipynb

The command line the Makefile calls. The work is done in helpers.runner (a
notebook or a step run, its outputs staged with `--writes`: a step's result is
whole and fresh, or it is not there), helpers.records (what each step read and
wrote) and helpers.kernel (a step's kernel); every name of theirs that this
module used to hold is importable from here as before.

`run` checks the parameters against the notebook's `parameters` cell before
anything runs (papermill itself only warns about a misspelt name) and, when a
cell fails, prints the error the notebook raised -- for bad data, the list of
problems -- instead of papermill's traceback, then exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

# What the runner, the records and the kernel hold, importable from here as before (`from helpers.pipeline
# import run_notebook`): notebooks, conftest.py, the tests and the tools do.
from helpers.kernel import (
    KERNEL as KERNEL,
    quiet_kernel_options as quiet_kernel_options,
    start_kernel as start_kernel,
    stop_kernel as stop_kernel,
)
from helpers.paths import (
    OUTPUTS,
    dataset_paths,
    REPO_ROOT as REPO_ROOT,
    ROOT_VARIABLE as ROOT_VARIABLE,
    STAGING_VARIABLE as STAGING_VARIABLE,
    WRITES_VARIABLE as WRITES_VARIABLE,
    DatasetPaths as DatasetPaths,
    check_dataset_name as check_dataset_name,
    project_root as project_root,
)
from helpers.processes import CANNOT_WRITE, end_with_the_run
from helpers.records import (
    _RUN_TIMING as _RUN_TIMING,
    FINAL_PRODUCTS as FINAL_PRODUCTS,
    _digest_or_none as _digest_or_none,
    _record_metadata as _record_metadata,
    _relative as _relative,
    _sha256 as _sha256,
    _write_record as _write_record,
    altered_outputs as altered_outputs,
    coalesce_streams as coalesce_streams,
    forget as forget,
    forget_altered as forget_altered,
    normalise_executed as normalise_executed,
    print_in_order,
)
from helpers.runner import (
    StepInterrupted as StepInterrupted,
    _publish as _publish,
    _run_staged as _run_staged,
    _skip_iri_format_parsers as _skip_iri_format_parsers,
    check_parameters as check_parameters,
    notebook_parameters as notebook_parameters,
    refresh_reference as refresh_reference,
    run_notebook as run_notebook,
    run_step as run_step,
    sandbox_root as sandbox_root,
)

# When this module was loaded: as `python -m helpers.pipeline`, a few milliseconds after the process started, so a
# step's time includes starting Python and importing papermill, not only running the notebook.
_LOADED = time.perf_counter()


def step_label(notebook: Path) -> str:
    """'[2/5] 02_tables': the notebook's place among the numbered notebooks of its folder."""
    notebook = Path(notebook)
    steps = sorted(p.name for p in notebook.parent.glob("*.ipynb"))
    if notebook.name not in steps:
        return notebook.stem
    return f"[{steps.index(notebook.name) + 1}/{len(steps)}] {notebook.stem}"


def step_line(notebook: Path, seconds: float, lang: str | None = None) -> str:
    """A finished step's line: `[1/5] 01_clean … 1.5 s`, and with the report's language for the steps that take
    one: `[2/5] 02_tables (en) … 3.1 s`."""
    return f"{step_label(notebook)}{f' ({lang})' if lang else ''} … {seconds:.1f} s"


def report_step(notebook: Path, seconds: float, lang: str | None = None) -> None:
    """One line per finished step, on stdout (see step_line)."""
    print(step_line(notebook, seconds, lang), flush=True)


#: PILOT_BODY's value for the report of all bodies and then one per body (make bodies, helpers.publish.bodies).
EVERY_BODY = "each"
#: Set by `make report` to an id of the run: the steps' lines are then printed in the pipeline's order.
LINES_VARIABLE = "STEP_LINES"
#: Set (to anything) by whoever reads each line's arrival as its step's end (make bench): lines as steps end.
AS_THEY_END_VARIABLE = "STEP_LINES_AS_THEY_END"


def language_steps(notebook: Path) -> list[str]:
    """The records kept in one language's folder, in the pipeline's order: the notebooks beside `notebook` that
    take the report's language (`lang`)."""
    return [p.name for p in sorted(Path(notebook).parent.glob("*.ipynb")) if "lang" in notebook_parameters(p)]


def announce(notebook: Path, record: Path, line: str, lines: Path) -> None:
    """Print a finished step's line, in the pipeline's order when make asks for it (LINES_VARIABLE): a step that
    ends before one that comes earlier in the pipeline keeps its line until that one has printed its own."""
    run = "" if os.environ.get(AS_THEY_END_VARIABLE) else os.environ.get(LINES_VARIABLE, "")
    order = language_steps(notebook) if run else []
    if Path(record).name not in order:
        print(line, flush=True)
        return
    lines.mkdir(exist_ok=True)
    (lines / f"{Path(record).stem}.{run}").write_text(line, encoding="utf-8")
    print_in_order(lines, Path(record).parent, order, run)


def print_kept_lines(paths: DatasetPaths, languages: list[str]) -> None:
    """After a failed run: the lines its steps kept, for the steps that ended (records.print_in_order)."""
    run = os.environ.get(LINES_VARIABLE, "")
    if not run:
        return
    notebooks = REPO_ROOT / "notebooks"
    order = language_steps(next(iter(sorted(notebooks.glob("*.ipynb")))))
    for lang in languages:
        folder = paths.dataset_reports / lang
        print_in_order(folder / ".staging" / "lines", folder / "notebooks", order, run, everything=True)


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
    outside = paths.files_outside()
    if outside:
        return outside
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
    if pilot_body == EVERY_BODY and not codes:
        errors.append(f"PILOT_BODY=each: data/raw/{data}/codebook.yaml declares no pilot body to report on.")
    elif pilot_body and pilot_body != EVERY_BODY and pilot_body not in codes:
        errors.append(
            f"PILOT_BODY={pilot_body!r} is not a pilot body of data/raw/{data}/codebook.yaml: "
            f"leave it empty for all, use 'each' for a report per body (make bodies), or one of "
            f"{', '.join(codes) or '(none declared)'}."
        )
    return errors


def write_raw_manifest(paths, manifest: Path) -> bool:
    """Write one line per raw file of the dataset (its path, size and modification time) to `manifest`, only if
    that list changed; True if it was written. Step 01 depends on this file instead of the raw files themselves,
    so no file name reaches make or a shell (make splits names at spaces and a shell would run a `$(...)` in
    one), and a file added, removed, edited or touched makes 01 run again, as make's own dates would."""
    lines = []
    for path in paths.raw_files():
        status = path.stat()
        lines.append(
            json.dumps([path.relative_to(paths.raw).as_posix(), status.st_size, status.st_mtime_ns], ensure_ascii=False)
        )
    text = "\n".join(lines) + "\n"
    if manifest.is_file() and manifest.read_text(encoding="utf-8") == text:
        return False
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(text, encoding="utf-8")
    return True


def read_files(reads: list[Path]) -> list[Path]:
    """The files a step read, for its record: the list of raw files (.parameters/RAW) stands for the raw files
    themselves, hashed by content (the list holds their times, which differ from copy to copy of the same data)."""
    files = []
    for path in reads:
        if path.name == "RAW" and path.parent.name == ".parameters":
            files += dataset_paths(path.parent.parent.name, root=project_root()).raw_files()
        else:
            files.append(path)
    return files


def cannot_write(error: OSError) -> str:
    """'could not write reports/x/en/.staging: Read-only file system': the place (from the project's root) and why."""
    place = Path(error.filename) if error.filename else None
    if place is not None:
        try:
            place = place.resolve().relative_to(project_root().resolve())
        except ValueError:
            pass
    return f"could not write {place or 'a file'}: {error.strerror or error}"


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
    run.add_argument(
        "--reads",
        nargs="*",
        default=[Path(name) for name in os.environ.get("STEP_READS", "").split()],
        type=Path,
        help="the step's inputs, named in its record (default: $STEP_READS, how make passes them)",
    )
    manifest = commands.add_parser("raw-manifest", help="list DATA's raw files (name, size, time) in FILE if changed")
    manifest.add_argument("file", type=Path)
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
    if argv is None:  # run by make: this step (and its kernel) end when make does, even killed
        end_with_the_run()

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
    if args.command == "raw-manifest":
        try:
            write_raw_manifest(dataset_paths(os.environ.get("DATA", "")), args.file)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "forget-report":
        paths = dataset_paths(os.environ.get("DATA", ""))
        print_kept_lines(paths, os.environ.get("REPORT_LANG", "").split())
        stale = []
        for lang in os.environ.get("REPORT_LANG", "").split():
            for product in FINAL_PRODUCTS:
                try:
                    (paths.dataset_reports / lang / product).unlink(missing_ok=True)
                except OSError as error:  # a read-only reports/: the old report stays, and must be called old
                    stale.append(f"{paths.relative(paths.dataset_reports / lang / product)} ({error.strerror})")
        print(
            f"The run failed: nothing under reports/{paths.name}/ is a report of the current inputs "
            "(the steps that succeeded kept their files; see the error above).",
            file=sys.stderr,
        )
        if stale:
            print(
                f"Left in place, since it could not be removed, and out of date: {', '.join(stale)}.", file=sys.stderr
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
            lang = parameters.get("lang")

            def finished(lines: Path) -> None:
                line = step_line(args.notebook, time.perf_counter() - started, lang)
                announce(args.notebook, args.output, line, lines)

            run_step(args.notebook, args.output, parameters, args.writes, read_files(args.reads), finished)
            return 0
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, StepInterrupted):
        print(f"\n{step} interrupted: nothing half-written was kept; `make report` runs it again.", file=sys.stderr)
        return 130
    except PapermillExecutionError as error:
        kept = args.output.with_name(args.output.stem + ".failed.ipynb")
        if args.writes is None and args.output.exists():
            try:
                shutil.copyfile(args.output, kept)
            except OSError:
                kept.unlink(missing_ok=True)
        print(f"\n{step} stopped: {error.ename}", file=sys.stderr)
        print(error.evalue, file=sys.stderr)
        if error.ename == "DataValidationError" and "The full list:" in error.evalue:
            quarantined = parameters.get("on_invalid") == "quarantine"  # then setting rows aside was not enough
            print(
                "Fix the export or the codebook"
                + ("." if quarantined else ", or run with ON_INVALID=quarantine to set the invalid rows aside."),
                file=sys.stderr,
            )
        if kept.exists():
            print(f"(the executed notebook, with the traceback: {kept})", file=sys.stderr)
        else:
            print("(the executed notebook with the traceback could not be kept: see the error above)", file=sys.stderr)
        return 1
    except OSError as error:
        if error.errno not in CANNOT_WRITE:
            raise
        print(f"\n{step} stopped: {cannot_write(error)}", file=sys.stderr)
        return 1
    report_step(args.notebook, time.perf_counter() - started, parameters.get("lang"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
