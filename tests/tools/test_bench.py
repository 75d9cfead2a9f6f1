"""The benchmark's pieces: the DAG read from the Makefile, the floors' notebooks, the critical path, the scale lines;
the floor's print step, whose Chromium prints the one-line page and exits."""

import subprocess

import pytest

from helpers.paths import REPO_ROOT
from helpers.publish.browser import find_chromium
from helpers.tools.bench import (
    BARE,
    PRINT_STEP,
    Run,
    _levels,
    floor_project,
    lean_cell,
    makefile_steps,
    scale_lines,
    time_floor,
)


def test_the_dag_is_read_from_the_makefile():
    steps = makefile_steps()
    notebooks = sorted(p.stem for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(n for n in steps if n != PRINT_STEP) == notebooks
    levels = _levels(steps)
    assert levels[0] == [notebooks[0]] and levels[-1] == [PRINT_STEP]
    # every step waits only for steps of an earlier level
    depth = {name: i for i, group in enumerate(levels) for name in group}
    assert all(depth[w] < depth[n] for n, waits in steps.items() for w in waits)


def test_lean_cell_imports_only_other_packages():
    cell = lean_cell({"os", "json", "helpers.paths", "pandas", "pandas.core.frame", "yaml"})
    assert "'pandas'" in cell and "'pandas.core.frame'" in cell and "'yaml'" in cell
    assert "'os'" not in cell and "helpers" not in cell
    exec(compile(cell, "lean", "exec"), {})  # runs as a cell would
    assert lean_cell({"os", "helpers"}) == BARE


def test_critical_path_follows_the_chain_that_ended_last():
    # a: 0-1; b: 1-4 and c: 1-2 side by side; d: after b, 4-5; make ends at 6 (1 s of printing)
    run = Run(6.0, {"a": (1.0, 1.0), "b": (4.0, 3.0), "c": (2.0, 1.0), "d": (5.0, 1.0)})
    path = run.critical_path()
    assert [name for name, _ in path] == ["a", "b", "d", PRINT_STEP, "gaps"]
    assert dict(path)[PRINT_STEP] == 1.0 and abs(dict(path)["gaps"]) < 1e-9


def test_scale_lines_show_time_against_the_paper_data_and_growth_per_tenfold():
    runs = {1000: Run(10.0, {}, 300.0), 10000: Run(12.0, {}, 350.0), 100000: Run(18.0, {}, 600.0)}
    lines = scale_lines(sorted(runs), runs, paper_seconds=10.0)
    assert lines[0].startswith("scale 1000 respondents: 10.0 s (1.00 x the paper data)")
    assert "(1.80 x the paper data, x1.50 per 10x), peak memory 600 MiB" in lines[2]


def test_a_floor_runs_in_the_pipelines_shape(tmp_path):
    steps = {"01_a": [], "02_b": ["01_a"], "03_c": ["01_a"]}
    folder = floor_project(tmp_path / "floor", {name: BARE for name in steps}, steps)
    run = time_floor(folder, jobs=2)
    assert set(run.steps) == set(steps)
    assert run.steps["01_a"][0] <= min(run.steps["02_b"][0], run.steps["03_c"][0])
    assert subprocess.run(["make", "-q", "-C", str(folder)]).returncode == 0  # everything was built


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed")
def test_the_floors_print_step_writes_its_pdf_and_ends(tmp_path):
    steps = {"01_a": [], PRINT_STEP: ["01_a"]}
    folder = floor_project(tmp_path / "floor", {"01_a": BARE}, steps)
    assert "--remote-debugging" not in (folder / "Makefile").read_text()
    subprocess.run(["make", "--no-print-directory", "-C", str(folder)], check=True, timeout=120, capture_output=True)
    assert (folder / "out" / "floor.pdf").read_bytes().startswith(b"%PDF")
