"""`make bench` (set-up part): how long a researcher waits on a fresh clone, with uv and with pip.

    python -m helpers.tools.bench_setup --repeat 3 --output docs/benchmarks.md

Each repeat clones this repository afresh (the committed state) into a scratch folder and times, there:

- `make env`: the environment from requirements.lock, with uv, then with pip (USE_PIP=1), side by side;
- fresh clone -> `make report` (environment included), with uv, then with pip;
- `make test` in a clone whose environment is already built (uv).

Package caches stay warm (uv's and pip's), as on a researcher's second project; nothing else is shared.
uv and pip alternate within each repeat, so both see the same load on a shared machine. The page gives
the median of each and the ratio pip / uv, beside the set-up targets (20 s, 60 s, 90 s). It is one
section of docs/benchmarks.md, between two markers: this tool replaces that section and nothing else, and
`python -m helpers.tools.bench` (the pipeline's section) keeps it.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.files import write_text
from helpers.paths import REPO_ROOT

# (what is measured, the make command after a fresh clone, the target in seconds)
MEASURES = (
    ("make env", ["env"], 20),
    ("fresh clone -> report.html", ["report"], 60),
)
TEST_TARGET = 90


def clean_environment() -> dict[str, str]:
    """The caller's environment without an activated env or make's flags (the clone must build its own .venv)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    }
    env.pop("HELPERS_PROJECT_ROOT", None)
    return env


def fresh_clone(scratch: Path, source: Path = REPO_ROOT) -> Path:
    clone = scratch / "clone"
    subprocess.run(["git", "clone", "--quiet", str(source), str(clone)], check=True)
    return clone


def timed_make(clone: Path, targets: list[str], *variables: str) -> float:
    """Seconds `make <targets>` takes in the clone; a failure stops the benchmark with make's output."""
    start = time.perf_counter()
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(clone), *targets, *variables],
        env=clean_environment(),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(
            f"make {' '.join(targets)} {' '.join(variables)} failed in {clone}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return seconds


def measure_once(targets: list[str], *variables: str) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as scratch:
        return timed_make(fresh_clone(Path(scratch)), targets, *variables)


def measure_test_once() -> float:
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as scratch:
        clone = fresh_clone(Path(scratch))
        timed_make(clone, ["env"])
        return timed_make(clone, ["test"])


def run(repeat: int) -> dict[str, dict[str, list[float]]]:
    """{measure: {"uv": [seconds...], "pip": [...]}}, uv and pip alternating within each repeat."""
    times: dict[str, dict[str, list[float]]] = {name: {"uv": [], "pip": []} for name, _, _ in MEASURES}
    times["make test"] = {"uv": [], "pip": []}
    for index in range(repeat):
        for name, targets, _ in MEASURES:
            times[name]["uv"].append(measure_once(targets))
            times[name]["pip"].append(measure_once(targets, "USE_PIP=1"))
            print(
                f"[{index + 1}/{repeat}] {name}: uv {times[name]['uv'][-1]:.1f} s, pip {times[name]['pip'][-1]:.1f} s",
                flush=True,
            )
        times["make test"]["uv"].append(measure_test_once())
        print(f"[{index + 1}/{repeat}] make test: {times['make test']['uv'][-1]:.1f} s", flush=True)
    return times


def seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} s" if values else "—"


def page(times: dict[str, dict[str, list[float]]], repeat: int, load: tuple[float, float]) -> str:
    targets = {name: target for name, _, target in MEASURES} | {"make test": TEST_TARGET}
    rows = []
    for name, runs in times.items():
        uv, pip = runs["uv"], runs["pip"]
        ratio = f"{statistics.median(pip) / statistics.median(uv):.1f}" if uv and pip else "—"
        met = "yes" if statistics.median(uv) <= targets[name] else "no"
        every = (
            "uv " + ", ".join(f"{v:.1f}" for v in uv) + ("; pip " + ", ".join(f"{v:.1f}" for v in pip) if pip else "")
        )
        rows.append(f"| {name} | {seconds(uv)} | {seconds(pip)} | {ratio} | ≤ {targets[name]} s | {met} | {every} |")
    return "\n".join(
        [
            SECTION_START,
            "## Set-up on a fresh clone",
            "",
            "Written by `make bench` (`python -m helpers.tools.bench_setup`): what a researcher waits for on a fresh",
            f"clone of this repository, median of {repeat} runs, each in a new clone; uv (the default) and pip",
            "(`USE_PIP=1`) alternate within each run. Package caches are warm. `make test` runs in a clone whose",
            "environment is already built (uv); pip would give it the same packages.",
            "",
            "| measure | uv | pip | pip / uv | target | uv meets it | every run (s) |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Machine: {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, Python {platform.python_version()}; "
            f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end (other work shares this machine).",
            SECTION_END,
            "",
        ]
    )


SECTION_START = "<!-- set-up section: written by python -m helpers.tools.bench_setup -->"
SECTION_END = "<!-- end of the set-up section -->"


def setup_section(text: str) -> str:
    """The set-up section of a benchmarks page ("" when it has none)."""
    start, end = text.find(SECTION_START), text.find(SECTION_END)
    return text[start : end + len(SECTION_END)] + "\n" if 0 <= start < end else ""


def with_setup_section(text: str, section: str) -> str:
    """The page `text` with its set-up section replaced by `section` (appended when it has none)."""
    old = setup_section(text)
    if old:
        return text.replace(old, section)
    return (text.rstrip("\n") + "\n\n" if text.strip() else "") + section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.tools.bench_setup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    if shutil.which("git") is None or shutil.which("make") is None:
        print("make bench needs git and make on PATH", file=sys.stderr)
        return 1
    start_load = os.getloadavg()[0]
    times = run(args.repeat)
    existing = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    write_text(with_setup_section(existing, page(times, args.repeat, (start_load, os.getloadavg()[0]))), args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
