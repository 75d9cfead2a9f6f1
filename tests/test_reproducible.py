"""Same inputs, same bytes: the pipeline run twice into two places writes identical files."""

from pathlib import Path

from helpers.tools.bench import project_copy
from pipeline_runs import make, plant, run_outputs


def test_two_runs_write_identical_files(shared_build, tmp_path):
    """The session's build and a second cold run of the paper's data (up to the report; the PDF's bytes are
    compared in test_documents), with the same data and dates, in another folder."""
    second = plant(project_copy(tmp_path / "second", ("amirova2020",)))
    result = make(second, "DATA=amirova2020", "reports/amirova2020/en/notebooks/05_report.ipynb")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    two = run_outputs(second)
    one = {name: shared_build.outputs[name] for name in two}  # KeyError: a file the session's build lacks
    assert shared_build.root != second
    kinds = {Path(name).suffix for name in two}
    assert {".csv", ".png", ".svg", ".pdf", ".html", ".ipynb", ".xlsx", ".docx"} <= kinds
    differing = [name for name in two if one[name] != two[name]]
    assert differing == [], f"files that differ between two runs: {differing}"


def test_split_stream_outputs_are_joined():
    import nbformat
    from nbformat.v4 import new_code_cell, new_output

    from helpers.pipeline import coalesce_streams

    cell = new_code_cell(
        "print(...)",
        outputs=[
            new_output("stream", name="stdout", text="a\n"),
            new_output("stream", name="stdout", text="b\n"),
            new_output("stream", name="stderr", text="warn\n"),
            new_output("stream", name="stdout", text="c\n"),
        ],
    )
    coalesce_streams(cell)
    assert [(o.name, o.text) for o in cell.outputs] == [("stdout", "a\nb\n"), ("stderr", "warn\n"), ("stdout", "c\n")]
    nbformat.validate(nbformat.v4.new_notebook(cells=[cell]))
