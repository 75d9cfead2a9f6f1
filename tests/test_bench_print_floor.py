"""The floor's print step ends: Chromium prints the one-line page and exits (it stayed up, serving DevTools, when
the floor passed it the DevTools port, and `make bench` waited for ever)."""

import subprocess

import pytest

from helpers.publish.browser import find_chromium
from helpers.tools.bench import BARE, PRINT_STEP, floor_project


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed")
def test_the_floors_print_step_writes_its_pdf_and_ends(tmp_path):
    steps = {"01_a": [], PRINT_STEP: ["01_a"]}
    folder = floor_project(tmp_path / "floor", {"01_a": BARE}, steps)
    assert "--remote-debugging" not in (folder / "Makefile").read_text()
    subprocess.run(["make", "--no-print-directory", "-C", str(folder)], check=True, timeout=120, capture_output=True)
    assert (folder / "out" / "floor.pdf").read_bytes().startswith(b"%PDF")
