"""The records of what a step read and wrote, and the executed notebooks made the same for the same inputs.

A step's record is its executed notebook (the make target); its metadata names every file the step read and
wrote, each with its SHA-256. From them: `forget` removes a step, every step that read it and their reports;
`altered_outputs` and `forget_altered` find the files changed since a step wrote them; `normalise_executed`
drops run timings and absolute paths, so the same inputs give byte-identical notebooks. A step's line (what
`make report` prints when it ends) is kept beside the records until the steps before it have printed theirs:
`record_lock` and `print_in_order`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from helpers.paths import REPO_ROOT, DatasetPaths, project_root


#: What a reader takes for the result, in a report's folder: made from every step before it.
FINAL_PRODUCTS = ("report.html", "report.pdf", "report-screenshot.png", "fallbacks.csv")


# Execution metadata that changes from run to run; dropped so that the same
# inputs give byte-identical executed notebooks.
_RUN_TIMING = ("start_time", "end_time", "duration")


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


# --- the steps' lines, in the pipeline's order --------------------------------------------------------------------
# Steps 02-04 run side by side and end in any order; `make report` prints their lines in the pipeline's. A step's
# record and its line are written under one lock per folder of records: whoever finishes prints, in the steps'
# order, every line of this run kept so far, up to the first step whose record is still missing (it is running or
# about to run); what that step prints when it ends follows. The lines of one run carry its id (STEP_LINES, set by
# the Makefile), so a run killed with lines kept never has them printed by the next.


@contextmanager
def record_lock(record: Path):
    """Held while a step's record is written and its line printed or kept: yields the folder of kept lines."""
    import fcntl

    lines = Path(record).parent.parent / ".staging" / "lines"
    lines.parent.mkdir(parents=True, exist_ok=True)
    with open(lines.parent / "lines.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield lines


def print_in_order(lines: Path, records: Path, order: list[str], run: str, everything: bool = False) -> None:
    """Print the kept lines of run `run` in `order` (the records' names), up to the first step whose record is not
    in `records` (all of them with `everything`: the run is over); remove what was printed and any other run's."""
    if not lines.is_dir():
        return
    for stale in lines.iterdir():
        if stale.suffix != f".{run}":
            stale.unlink(missing_ok=True)
    for name in order:
        if not everything and not (records / name).exists():
            break
        kept = lines / f"{Path(name).stem}.{run}"
        if kept.exists():
            print(kept.read_text(encoding="utf-8"), flush=True)
            kept.unlink()
    if not any(lines.iterdir()):
        lines.rmdir()
