"""Same inputs, same bytes: the pipeline run twice into two places writes identical files."""

from pathlib import Path

from pipeline_runs import outputs, planted, run_pipeline


def test_two_runs_write_identical_files(planted_run, tmp_path):
    """The session's run and a second one, on the same data with the same SOURCE_DATE_EPOCH, in other folders."""
    first_root, _, one = planted_run
    second = planted(tmp_path / "second")
    run_pipeline(second)
    two = outputs(second)
    assert first_root != second
    assert sorted(one) == sorted(two)
    kinds = {Path(name).suffix for name in one}
    assert {".csv", ".png", ".svg", ".html", ".ipynb"} <= kinds
    differing = [name for name in one if one[name] != two[name]]
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
