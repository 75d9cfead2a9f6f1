"""Same inputs, same bytes.

Two whole runs in two folders are compared in test_runs.py: the run that follows three interruptions must give
every file of the session's build (another folder), byte for byte; the PDF is printed twice in test_printed_report.py.
Here: what makes an executed notebook's bytes stable.
"""


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
