"""Same inputs, same bytes: the pipeline run twice into two places writes identical files."""
import os
from pathlib import Path

import pytest

from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.pipeline import run_notebook, sandbox_root

STEPS = ("01_clean", "02_tables", "03_priorities", "04_figures", "05_report")


def build(root: Path) -> None:
    previous = os.environ.get(ROOT_VARIABLE)
    os.environ[ROOT_VARIABLE] = str(root)
    try:
        for step in STEPS:
            run_notebook(REPO_ROOT / "notebooks" / f"{step}.ipynb",
                         root / "reports" / "amirova2020" / "notebooks" / f"{step}.ipynb", {"dataset": "amirova2020"})
    finally:
        if previous is None:
            os.environ.pop(ROOT_VARIABLE, None)
        else:
            os.environ[ROOT_VARIABLE] = previous


def outputs(root: Path) -> dict[str, bytes]:
    files = {}
    for top in ("data/processed", "reports"):
        for path in sorted((root / top).rglob("*")):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


@pytest.mark.parametrize("epoch", ["1577836800"])
def test_two_runs_write_identical_files(tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    first, second = sandbox_root(tmp_path / "first"), sandbox_root(tmp_path / "second")
    build(first)
    build(second)
    one, two = outputs(first), outputs(second)
    assert sorted(one) == sorted(two)
    kinds = {Path(name).suffix for name in one}
    assert {".csv", ".png", ".svg", ".html", ".ipynb"} <= kinds
    differing = [name for name in one if one[name] != two[name]]
    assert differing == [], f"files that differ between two runs: {differing}"


def test_split_stream_outputs_are_joined():
    import nbformat
    from nbformat.v4 import new_code_cell, new_output

    from helpers.pipeline import coalesce_streams

    cell = new_code_cell("print(...)", outputs=[new_output("stream", name="stdout", text="a\n"),
                                                new_output("stream", name="stdout", text="b\n"),
                                                new_output("stream", name="stderr", text="warn\n"),
                                                new_output("stream", name="stdout", text="c\n")])
    coalesce_streams(cell)
    assert [(o.name, o.text) for o in cell.outputs] == [("stdout", "a\nb\n"), ("stderr", "warn\n"), ("stdout", "c\n")]
    nbformat.validate(nbformat.v4.new_notebook(cells=[cell]))
