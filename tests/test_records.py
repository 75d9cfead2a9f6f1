"""The steps' lines in the pipeline's order: a step that ends before an earlier one keeps its line until that one
has printed its own (helpers.records.record_lock and print_in_order, helpers.pipeline.announce)."""

from pathlib import Path

import pytest

from helpers.paths import REPO_ROOT
from helpers.pipeline import AS_THEY_END_VARIABLE, LINES_VARIABLE, announce, language_steps
from helpers.records import print_in_order, record_lock

NOTEBOOKS = REPO_ROOT / "notebooks"


@pytest.fixture
def records(tmp_path) -> Path:
    folder = tmp_path / "reports" / "x" / "en" / "notebooks"
    folder.mkdir(parents=True)
    return folder


def finish(records: Path, name: str, capsys) -> str:
    """What a step prints when it ends: its record written, then its line announced, under the folder's lock."""
    record = records / name
    with record_lock(record) as lines:
        record.write_text("{}", encoding="utf-8")
        announce(NOTEBOOKS / name, record, f"line of {Path(name).stem}", lines)
    return capsys.readouterr().out


def test_the_language_steps_are_the_notebooks_that_take_lang_in_order():
    assert language_steps(NOTEBOOKS / "03_priorities.ipynb") == [
        "02_tables.ipynb",
        "03_priorities.ipynb",
        "04_figures.ipynb",
        "05_report.ipynb",
    ]


def test_lines_of_steps_that_end_out_of_order_print_in_order(records, monkeypatch, capsys):
    monkeypatch.setenv(LINES_VARIABLE, "4242")
    # make starts figures first; here priorities and figures both end before tables.
    assert finish(records, "04_figures.ipynb", capsys) == ""
    assert finish(records, "03_priorities.ipynb", capsys) == ""
    assert finish(records, "02_tables.ipynb", capsys) == (
        "line of 02_tables\nline of 03_priorities\nline of 04_figures\n"
    )
    assert finish(records, "05_report.ipynb", capsys) == "line of 05_report\n"
    assert not (records.parent / ".staging" / "lines").exists()  # nothing kept once every line is out


def test_a_step_that_is_up_to_date_holds_no_line_back(records, monkeypatch, capsys):
    """Only 03 runs again (its parameters changed): 02's record, from an earlier run, is there."""
    monkeypatch.setenv(LINES_VARIABLE, "4242")
    (records / "02_tables.ipynb").write_text("{}", encoding="utf-8")
    assert finish(records, "03_priorities.ipynb", capsys) == "line of 03_priorities\n"


def test_without_the_run_id_each_line_prints_when_its_step_ends(records, monkeypatch, capsys):
    """make tables, make figures ...: one step a language, nothing to wait for."""
    monkeypatch.delenv(LINES_VARIABLE, raising=False)
    assert finish(records, "04_figures.ipynb", capsys) == "line of 04_figures\n"


def test_make_bench_gets_each_line_when_its_step_ends(records, monkeypatch, capsys):
    """make bench reads a line's arrival as its step's end (the critical path): nothing is held back for it."""
    monkeypatch.setenv(LINES_VARIABLE, "4242")
    monkeypatch.setenv(AS_THEY_END_VARIABLE, "1")
    assert finish(records, "04_figures.ipynb", capsys) == "line of 04_figures\n"


def test_a_killed_runs_kept_lines_are_never_printed_by_the_next(records, monkeypatch, capsys):
    monkeypatch.setenv(LINES_VARIABLE, "1")
    assert finish(records, "03_priorities.ipynb", capsys) == ""  # the run is then killed while 02 runs
    monkeypatch.setenv(LINES_VARIABLE, "2")
    assert finish(records, "02_tables.ipynb", capsys) == "line of 02_tables\n"


def test_after_a_failed_run_the_kept_lines_of_the_steps_that_ended_are_printed(records, monkeypatch, capsys):
    monkeypatch.setenv(LINES_VARIABLE, "7")
    assert finish(records, "04_figures.ipynb", capsys) == ""  # 02 then fails: its record never comes
    lines = records.parent / ".staging" / "lines"
    print_in_order(lines, records, language_steps(NOTEBOOKS / "02_tables.ipynb"), "7", everything=True)
    assert capsys.readouterr().out == "line of 04_figures\n" and not lines.exists()
