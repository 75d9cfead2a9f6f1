"""Measure the pipeline against its floor, side by side: `make bench`.

The floor is the pipeline's own shape with no work in it: the Makefile's DAG of
notebook steps (01; then 02, 03 and 04 side by side; then 05; then Chromium
printing a page), each step a notebook run by the project's runner
(`python -m helpers.pipeline run`, one process and one kernel per step), run
by make with the same number of jobs. Three floors, by what their notebooks do:

    DAG floor    every step imports pandas, matplotlib and seaborn (what the
                 steps cost if each imported the whole stack)
    lean floor   each step imports only what its notebook and the helpers it
                 loads import (read from the source, lazy imports included)
    bare floor   each step imports nothing: process, runner, kernel

The pipeline is a cold `make report` (no outputs yet) in a scratch copy of the
project. Floors and pipeline are measured alternately, several times, and
compared by their medians; `ratio pipeline/floor: X.XX` is against the DAG
floor. Each run also shows the pipeline's critical path step by step.

With --scale, synthetic datasets (see helpers.tools.synthetic) of each size go
through the whole pipeline, each in a fresh process: wall time, the time
relative to the paper's data, the growth per 10x, and the peak memory of the
largest process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from helpers.paths import REPO_ROOT, ROOT_VARIABLE

FULL_IMPORTS = "import pandas, matplotlib, seaborn"
BARE = "pass"
PROJECT_FILES = ("Makefile", "requirements.txt", "requirements.lock", "pyproject.toml")
PROJECT_DIRS = ("notebooks", "src")
PRINT_STEP = "print"
# A Makefile rule of a notebook step, and the steps among its prerequisites.
# Steps are file rules ($(RUN)/01_clean.ipynb) or, for the steps run once per language, pattern rules
# ($(OUT)/%/notebooks/02_tables.ipynb).
STEP_RULE = re.compile(r"^\$\((?:RUN\)|OUT\)/%/notebooks)/(\w+)\.ipynb:(.*)$", re.M)
PDF_RULE = re.compile(r"^\$\(OUT\)/(?:%/)?report\.pdf:(.*)$", re.M)
STEP_PREREQUISITE = re.compile(r"\$\((?:RUN\)|OUT\)/%/notebooks)/(\w+)\.ipynb")
# What the runner prints when a step is done: `[2/5] 02_tables … 3.1 s`.
STEP_LINE = re.compile(r"^\[\d+/\d+\] (\S+)(?: \(\w+\))? … ([0-9.]+) s$")


# --- the shape of the pipeline, read from its Makefile ---------------------------------------------------------


def makefile_steps(makefile: Path = REPO_ROOT / "Makefile") -> dict[str, list[str]]:
    """Each notebook step of the Makefile -> the steps it waits for, in the order listed (make -j starts
    prerequisites in that order); the PDF step is `print`."""
    text = Path(makefile).read_text(encoding="utf-8")
    steps = {name: STEP_PREREQUISITE.findall(prerequisites) for name, prerequisites in STEP_RULE.findall(text)}
    pdf = PDF_RULE.search(text)
    if pdf:
        steps[PRINT_STEP] = STEP_PREREQUISITE.findall(pdf.group(1))
    return steps


PROBE = "import sys as _sys\nprint('\\n'.join(sorted(_sys.modules)))"


def modules_loaded(notebook: Path, parameters: dict, scratch: Path) -> set[str]:
    """The modules a notebook's kernel has loaded when its last cell has run (run by the project's runner, in the
    notebook's folder, with a cell listing sys.modules added at the end)."""
    import nbformat
    from nbformat.v4 import new_code_cell

    from helpers.pipeline import run_notebook, start_kernel, stop_kernel

    probe = nbformat.read(notebook, as_version=4)
    probe.cells.append(new_code_cell(PROBE))
    source, output = scratch / f"probe-{notebook.stem}.ipynb", scratch / f"probe-{notebook.stem}-out.ipynb"
    nbformat.write(probe, source)
    kernel = start_kernel(notebook.parent)  # the notebook's folder, not the probe's
    try:
        run_notebook(source, output, parameters, kernel)
    finally:
        stop_kernel(kernel)
    executed = nbformat.read(output, as_version=4)
    return set("".join(o.get("text", "") for o in executed.cells[-1].outputs).split())


def lean_cell(modules: set[str]) -> str:
    """A cell importing the given modules of other packages (standard library and helpers left out)."""
    names = sorted(m for m in modules if _third_party(m))
    if not names:
        return BARE
    return (
        "import importlib\n"
        f"for name in {names!r}:\n"
        "    try:\n        importlib.import_module(name)\n"
        "    except Exception:  # a module that only its package may import; the package brought it in\n"
        "        pass"
    )


def _third_party(module: str | None) -> bool:
    top = (module or "").split(".")[0]
    return bool(top) and top not in sys.stdlib_module_names and top not in {"helpers", "__future__", "__main__"}


def lean_cells(project: Path, dataset: str, notebooks: dict[str, Path], scratch: Path) -> dict[str, str]:
    """Per step, a cell importing exactly the modules the real step loads beyond a bare kernel (read from a run of
    the step on `dataset` in `project`, whose earlier steps' outputs must exist)."""
    previous = os.environ.get(ROOT_VARIABLE)
    os.environ[ROOT_VARIABLE] = str(project)
    try:
        bare = modules_loaded(floor_notebook(scratch / "notebooks" / "bare.ipynb", BARE), {}, scratch)
        return {
            name: lean_cell(modules_loaded(project / "notebooks" / path.name, {"dataset": dataset}, scratch) - bare)
            for name, path in notebooks.items()
        }
    finally:
        if previous is None:
            os.environ.pop(ROOT_VARIABLE, None)
        else:
            os.environ[ROOT_VARIABLE] = previous


# --- running a floor -----------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One timed make run: its wall time and, per step, when it ended and how long it took (seconds from start)."""

    seconds: float
    steps: dict[str, tuple[float, float]]  # name -> (end, duration)
    peak_mib: float = 0.0

    def critical_path(self) -> list[tuple[str, float]]:
        """The chain of steps that set the wall time, first to last, each with its duration; `print` is the time
        from the last notebook's end to make's end (the PDF step), `gaps` what lies between the steps (make,
        starting processes)."""
        ends = {name: end for name, (end, _) in self.steps.items()}
        if not ends:
            return []
        chain, current = [], max(ends, key=ends.get)
        while current is not None:
            end, duration = self.steps[current]
            chain.append((current, duration))
            start = end - duration
            earlier = [n for n, e in ends.items() if e <= start + 0.05 and n not in dict(chain)]
            current = max(earlier, key=ends.get) if earlier else None
        chain.reverse()
        chain.append((PRINT_STEP, self.seconds - max(ends.values())))
        chain.append(("gaps", self.seconds - sum(d for _, d in chain)))
        return chain


def timed_make(command: list[str], env: dict) -> tuple[float, dict[str, tuple[float, float]], str]:
    """Run make, reading the runner's step lines as they come: (seconds, steps, stderr)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    steps = {}
    for line in process.stdout:
        match = STEP_LINE.match(line.strip())
        if match:
            steps[match.group(1)] = (time.perf_counter() - start, float(match.group(2)))
    stderr = process.stderr.read()
    process.wait()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return seconds, steps, stderr


def floor_notebook(path: Path, cell: str) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from helpers.pipeline import KERNEL

    notebook = new_notebook(cells=[new_code_cell(cell)])
    notebook.metadata.kernelspec = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def floor_project(folder: Path, cells: dict[str, str], steps: dict[str, list[str]]) -> Path:
    """A folder with one notebook per step (its only cell: `cells[step]`), a one-line page, and a Makefile with the
    pipeline's DAG: each step run by the project's runner, the last one Chromium printing the page to PDF."""
    from helpers.publish.browser import FLAGS, find_chromium

    folder.mkdir(parents=True)
    for name, cell in cells.items():
        floor_notebook(folder / "notebooks" / f"{name}.ipynb", cell)
    (folder / "page.html").write_text("<!doctype html><title>floor</title><p>One line.</p>\n", encoding="utf-8")
    rules = [".DELETE_ON_ERROR:", f"RUN := {sys.executable} -m helpers.pipeline run", ""]
    for name, waits_for in steps.items():
        prerequisites = " ".join(f"out/{w}.ipynb" for w in waits_for)
        if name == PRINT_STEP:
            chromium = find_chromium()
            # Without the DevTools port: a headless Chromium that serves one stays up after printing (156 does)
            # and the floor would never end.
            flags = " ".join(flag for flag in FLAGS if not flag.startswith("--remote-debugging"))
            command = (
                f"{chromium} {flags} --user-data-dir=$(CURDIR)/profile --no-pdf-header-footer "
                f"--print-to-pdf=$(CURDIR)/out/floor.pdf file://$(CURDIR)/page.html >/dev/null 2>&1"
                if chromium
                else "true"
            )
            rules.append(f"out/floor.pdf: {prerequisites}\n\t{command}\n\trm -rf profile")
        else:
            rules.append(f"out/{name}.ipynb: {prerequisites}\n\t$(RUN) notebooks/{name}.ipynb $@")
    target = "out/floor.pdf" if PRINT_STEP in steps else " ".join(f"out/{n}.ipynb" for n in cells)
    rules.insert(0, f"all: {target}\n")
    (folder / "Makefile").write_text("\n".join(rules) + "\n", encoding="utf-8")
    return folder


def time_floor(folder: Path, jobs: int) -> Run:
    shutil.rmtree(folder / "out", ignore_errors=True)
    seconds, steps, _ = timed_make(
        ["make", "--no-print-directory", f"--jobs={jobs}", "-C", str(folder)], dict(os.environ)
    )
    return Run(seconds, steps)


# --- running the pipeline ------------------------------------------------------------------------------------------


def project_copy(destination: Path, datasets: tuple[str, ...]) -> Path:
    """A scratch project: Makefile, notebooks, helpers, the given raw data, and this project's .venv."""
    destination.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy2(REPO_ROOT / name, destination / name)
    for name in PROJECT_DIRS:
        shutil.copytree(REPO_ROOT / name, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in datasets:
        source = REPO_ROOT / "data" / "raw" / name
        if source.exists():
            shutil.copytree(source, destination / "data" / "raw" / name)
    (destination / ".venv").symlink_to(REPO_ROOT / ".venv")
    return destination


def time_make_report(project: Path, dataset: str, jobs: int = 2) -> Run:
    """Cold `make report DATA=dataset` in `project`, with the peak resident size of the largest process.

    The peak is the largest among the processes this one has waited for (make,
    the runners, the kernels); measure in a fresh process (see
    time_make_report_isolated) for it to be one run's alone.
    """
    shutil.rmtree(project / "reports" / dataset, ignore_errors=True)
    shutil.rmtree(project / "data" / "processed" / dataset, ignore_errors=True)
    # Each step's line when it ends (not held back for the pipeline's order): its arrival is the step's end.
    env = {**os.environ, ROOT_VARIABLE: str(project), "STEP_LINES_AS_THEY_END": "1"}
    command = ["make", "--no-print-directory", "-C", str(project), "report", f"DATA={dataset}", f"JOBS={jobs}"]
    seconds, steps, _ = timed_make(command, env)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # ru_maxrss is in KiB on Linux
    return Run(seconds, steps, peak)


def time_make_report_isolated(project: Path, dataset: str, jobs: int = 2) -> Run:
    """Like time_make_report, but measured in a child Python so the peak memory is this run's alone."""
    code = (
        "import dataclasses, json; from helpers.tools.bench import time_make_report; from pathlib import Path; "
        f"print(json.dumps(dataclasses.asdict(time_make_report(Path({str(project)!r}), {dataset!r}, {jobs}))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    fields = json.loads(result.stdout.strip().splitlines()[-1])
    return Run(fields["seconds"], {k: tuple(v) for k, v in fields["steps"].items()}, fields["peak_mib"])


# --- reporting -----------------------------------------------------------------------------------------------------


def path_line(run: Run) -> str:
    return " -> ".join(f"{name} {seconds:.1f}" for name, seconds in run.critical_path())


def scale_lines(sizes: list[int], runs: dict[int, Run], paper_seconds: float) -> list[str]:
    """One line per size: seconds, times the paper data's median, growth from the size 10x smaller, peak memory."""
    lines = []
    for size in sizes:
        run = runs[size]
        smaller = runs.get(size // 10)
        growth = f", x{run.seconds / smaller.seconds:.2f} per 10x" if smaller and size % 10 == 0 else ""
        lines.append(
            f"scale {size} respondents: {run.seconds:.1f} s ({run.seconds / paper_seconds:.2f} x the paper data"
            f"{growth}), peak memory {run.peak_mib:.0f} MiB; critical path {path_line(run)}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="make's JOBS, for the pipeline and the floors alike")
    parser.add_argument("--dataset", default="amirova2020")
    parser.add_argument("--scale", type=int, nargs="*", default=[], help="respondent counts of synthetic runs")
    parser.add_argument("--output", type=Path, help="write the results as Markdown here")
    args = parser.parse_args(argv)

    steps = makefile_steps()
    notebooks = {name: REPO_ROOT / "notebooks" / f"{name}.ipynb" for name in steps if name != PRINT_STEP}
    shape = "; then ".join(" + ".join(group) for group in _levels(steps))
    times: dict[str, list[float]] = {name: [] for name in ("DAG floor", "lean floor", "bare floor", "pipeline")}
    scale_runs: dict[int, Run] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        project = project_copy(scratch / "project", (args.dataset,))
        time_make_report(project, args.dataset, args.jobs)  # a warm-up, and the inputs of each step for the probe
        lean = lean_cells(project, args.dataset, notebooks, scratch)
        floors = {
            "DAG floor": {name: FULL_IMPORTS for name in notebooks},
            "lean floor": lean,
            "bare floor": {name: BARE for name in notebooks},
        }
        folders = {
            name: floor_project(scratch / name.replace(" ", "-"), cells, steps) for name, cells in floors.items()
        }
        lines = [
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"load average at start {os.getloadavg()[0]:.1f} (shared with other work)",
            f"steps (from the Makefile): {shape}; make --jobs={args.jobs}",
            f"DAG floor: every step `{FULL_IMPORTS}`",
            "lean floor: each step imports the modules of other packages that the real step had loaded at its "
            "end (beyond a bare kernel); their packages:",
            *(f"  {name}: {', '.join(_packages(cell)) or 'none'}" for name, cell in lean.items()),
            "bare floor: every step `pass`",
            f"pipeline: cold `make report DATA={args.dataset} JOBS={args.jobs}` in a scratch copy",
            "",
        ]
        print("\n".join(lines), flush=True)
        for i in range(args.repeat):
            measured = {name: time_floor(folder, args.jobs) for name, folder in folders.items()}
            measured["pipeline"] = time_make_report(project, args.dataset, args.jobs)
            for name, run in measured.items():
                times[name].append(run.seconds)
            line = (
                f"run {i + 1}: "
                + ", ".join(f"{name} {run.seconds:.2f} s" for name, run in measured.items())
                + f"; pipeline critical path {path_line(measured['pipeline'])}; DAG floor critical path "
                f"{path_line(measured['DAG floor'])}"
            )
            print(line, flush=True)
            lines.append(line)
        write_results(args.output, lines, times, scale_runs, pending=sorted(args.scale))
        if args.scale:
            from helpers.tools.synthetic import write_synthetic_dataset

            for size in sorted(args.scale):
                name = f"synthetic-{size}"
                write_synthetic_dataset(project / "data" / "raw" / name, n_respondents=size, seed=2020)
                scale_runs[size] = time_make_report_isolated(project, name, args.jobs)
                shutil.rmtree(project / "data" / "processed" / name, ignore_errors=True)
                shutil.rmtree(project / "data" / "raw" / name, ignore_errors=True)
                print(
                    f"scale {size}: {scale_runs[size].seconds:.1f} s, {scale_runs[size].peak_mib:.0f} MiB", flush=True
                )
                # Written after each size: a long run stopped half-way still leaves what it measured.
                write_results(args.output, lines, times, scale_runs, pending=[s for s in args.scale if s > size])
    print("\n".join(summary_lines(times, scale_runs)))
    return 0


def summary_lines(times: dict[str, list[float]], scale_runs: dict[int, Run]) -> list[str]:
    """Medians, the ratios against each floor, the scale lines; last, `ratio pipeline/floor` (against the DAG floor)."""
    medians = {name: statistics.median(values) for name, values in times.items()}
    return [
        *(f"median {name}: {seconds:.2f} s" for name, seconds in medians.items()),
        f"ratio pipeline/lean floor: {medians['pipeline'] / medians['lean floor']:.2f}",
        f"ratio pipeline/bare floor: {medians['pipeline'] / medians['bare floor']:.2f}",
        *scale_lines(sorted(scale_runs), scale_runs, medians["pipeline"]),
        f"ratio pipeline/floor: {medians['pipeline'] / medians['DAG floor']:.2f}",
    ]


def write_results(path: Path | None, lines: list[str], times, scale_runs, pending: list[int]) -> None:
    if path:
        note = [
            f"(not measured: the run stopped before the scale run(s) of {', '.join(map(str, pending))} respondents)"
        ]
        write_markdown(
            path,
            lines,
            summary_lines(times, scale_runs)[:-1] + (note if pending else []) + summary_lines(times, scale_runs)[-1:],
        )


def _packages(cell: str) -> list[str]:
    """The top-level packages a lean cell imports, for the report."""
    names = re.findall(r"'([\w.]+)'", cell)
    return sorted({n.split(".")[0] for n in names})


def _levels(steps: dict[str, list[str]]) -> list[list[str]]:
    """The steps grouped by how many steps lie before them: those in one group can run side by side."""
    depth: dict[str, int] = {}

    def level(name: str) -> int:
        if name not in depth:
            depth[name] = 1 + max((level(w) for w in steps.get(name, [])), default=-1)
        return depth[name]

    groups: dict[int, list[str]] = {}
    for name in steps:
        groups.setdefault(level(name), []).append(name)
    return [sorted(groups[k]) for k in sorted(groups)]


EXPLANATION = """\
What the three floors mean. Every step of the pipeline is one notebook run by the
project's runner: a Python process, papermill, a kernel, the notebook's imports, then
its work. The floors keep the pipeline's shape (the Makefile's DAG, run by make with
the same number of jobs, Chromium printing a page at the end) and take out the work.
The **DAG floor** gives every step the whole stack (`import pandas, matplotlib,
seaborn`): what the pipeline would cost if each step loaded everything and did
nothing; `ratio pipeline/floor` is measured against it. The **lean floor** gives each
step only the imports its notebook and the helper modules it loads name (lazy ones
included): the least a step can load and still do its job, so the distance from the
pipeline to the lean floor is the work itself. The **bare floor** imports nothing:
process, runner and kernel only, the price of one notebook per step. The gap from
bare to lean is what the libraries cost; from lean to DAG, what loading only what a
step uses saves."""


def write_markdown(path: Path, lines: list[str], summary: list[str]) -> None:
    text = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m helpers.tools.bench`; the set-up section at the end by",
        "`python -m helpers.tools.bench_setup`); the latest run of each replaces its part.",
        "The machine is shared with other work while it runs: compare the medians and ratios, measured side by side,",
        "not single timings.",
        "",
        EXPLANATION,
        "",
        "```",
        *lines,
        "",
        *summary,
        "```",
        "",
    ]
    # The set-up section (make env, fresh clone -> report, make test; helpers.tools.bench_setup) stays.
    from helpers.tools.bench_setup import setup_section

    kept = setup_section(Path(path).read_text(encoding="utf-8")) if Path(path).exists() else ""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(text) + ("\n" + kept if kept else ""), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
