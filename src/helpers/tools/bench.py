"""Measure the pipeline against its floor, side by side: `make bench`.

The floor is what the notebooks cannot avoid: N kernels that import pandas,
matplotlib and seaborn, executed one after another through papermill's API
in one process (N = the number of notebooks in notebooks/). The pipeline is
a cold `make report` (no outputs yet) in a scratch copy of the project. Both
are measured alternately, several times, and compared by their medians; the
last line printed is `ratio pipeline/floor: X.XX`.

With --scale, a synthetic national-scale dataset (see helpers.tools.synthetic) is
also run through the whole pipeline at each size, reporting wall time and the
peak memory of the largest process.
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
from pathlib import Path

from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.pipeline import KERNEL, _skip_iri_format_parsers

FLOOR_CELL = "import pandas, matplotlib, seaborn"
PROJECT_FILES = ("Makefile", "requirements.txt", "pyproject.toml")
PROJECT_DIRS = ("notebooks", "src")


def floor_notebook(folder: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = new_notebook(cells=[new_code_cell(FLOOR_CELL)])
    notebook.metadata.kernelspec = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    path = Path(folder) / "floor.ipynb"
    nbformat.write(notebook, path)
    return path


def time_floor(n_notebooks: int, scratch: Path) -> list[float]:
    """Seconds for each of N import-only notebooks, run one after another in this process."""
    _skip_iri_format_parsers()
    import papermill

    source = floor_notebook(scratch)
    times = []
    for i in range(n_notebooks):
        start = time.perf_counter()
        papermill.execute_notebook(str(source), str(scratch / f"floor-{i}.ipynb"), kernel_name=KERNEL, progress_bar=False)
        times.append(time.perf_counter() - start)
    return times


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


STEP_TIME = re.compile(r"^(\S+): ran in ([0-9.]+) s$", re.M)


def time_make_report(project: Path, dataset: str) -> tuple[float, float, dict[str, float]]:
    """Cold `make report DATA=dataset` in `project`: (seconds, peak MiB of the largest process, seconds per notebook).

    The peak is the largest resident size among the processes this one has
    waited for (make, the runners, the kernels); measure in a fresh process
    (see time_make_report_isolated) for it to be one run's alone.
    """
    shutil.rmtree(project / "reports" / dataset, ignore_errors=True)
    shutil.rmtree(project / "data" / "processed" / dataset, ignore_errors=True)
    env = {**os.environ, ROOT_VARIABLE: str(project)}
    command = ["make", "--no-print-directory", "-C", str(project), "report", f"DATA={dataset}"]
    start = time.perf_counter()
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"make report DATA={dataset} failed:\n{result.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # ru_maxrss is in KiB on Linux
    steps = {name: float(value) for name, value in STEP_TIME.findall(result.stderr)}
    return seconds, peak, dict(sorted(steps.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dataset", default="amirova2020")
    parser.add_argument("--scale", type=int, nargs="*", default=[], help="respondent counts of synthetic runs")
    parser.add_argument("--output", type=Path, help="write the results as Markdown here")
    args = parser.parse_args(argv)

    n = len(list((REPO_ROOT / "notebooks").glob("*.ipynb")))
    lines = [f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
             f"floor: {n} notebooks running `{FLOOR_CELL}` through papermill's API in one process",
             f"pipeline: cold `make report DATA={args.dataset}` in a scratch copy (JOBS=2)", ""]
    print("\n".join(lines), flush=True)
    floors, pipelines = [], []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        project = project_copy(scratch / "project", (args.dataset,))
        for i in range(args.repeat):
            floor = time_floor(n, scratch)
            floors.append(sum(floor))
            seconds, _, steps = time_make_report(project, args.dataset)
            pipelines.append(seconds)
            line = (f"run {i + 1}: floor {sum(floor):.2f} s ({', '.join(f'{t:.2f}' for t in floor)}); "
                    f"pipeline {seconds:.2f} s ({', '.join(f'{k} {v:.2f}' for k, v in steps.items())})")
            print(line, flush=True)
            lines.append(line)
        scale_lines = []
        if args.scale:
            from helpers.tools.synthetic import write_synthetic_dataset

            for size in args.scale:
                name = f"synthetic-{size}"
                write_synthetic_dataset(project / "data" / "raw" / name, n_respondents=size, seed=2020)
                seconds, peak, _ = time_make_report_isolated(project, name)
                scale_lines.append(f"scale {size} respondents: {seconds:.1f} s, peak memory {peak:.0f} MiB")
                print(scale_lines[-1], flush=True)
    summary = [f"median floor: {statistics.median(floors):.2f} s", f"median pipeline: {statistics.median(pipelines):.2f} s"]
    ratio = statistics.median(pipelines) / statistics.median(floors)
    for line in (*summary, *scale_lines):
        print(line)
    print(f"ratio pipeline/floor: {ratio:.2f}")
    if args.output:
        write_markdown(args.output, lines, summary, scale_lines, ratio, args)
    return 0


def time_make_report_isolated(project: Path, dataset: str) -> tuple[float, float]:
    """Like time_make_report, but measured in a child Python so the peak memory is this run's alone."""
    code = ("import json; from helpers.tools.bench import time_make_report; from pathlib import Path; "
            f"print(json.dumps(time_make_report(Path({str(project)!r}), {dataset!r})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return tuple(json.loads(result.stdout.strip().splitlines()[-1]))


def write_markdown(path: Path, lines, summary, scale_lines, ratio, args) -> None:
    text = ["# Benchmarks", "", "Written by `make bench` (`python -m helpers.tools.bench`); the latest run replaces this file.", "",
            "```", *lines, *summary, *scale_lines, f"ratio pipeline/floor: {ratio:.2f}", "```", ""]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(text), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
