"""Chromium ends when asked. The floor's print step: Chromium prints the one-line page and exits (it stayed up,
serving DevTools, when the floor passed it the DevTools port, and `make bench` waited for ever). The report's
Chromium: killed with its whole process group, its profile removed."""

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


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed")
def test_chromium_leaves_no_process_and_no_profile_behind(tmp_path):
    import os

    from helpers.publish.browser import Chromium, _group_alive

    (tmp_path / "page.html").write_text("<!doctype html><title>t</title><p>x</p>", encoding="utf-8")
    with Chromium() as browser:
        tools = browser.open(tmp_path / "page.html")
        tools.close()
        group, profile = browser.process.pid, browser.profile
        assert os.path.isdir(profile)
    assert not _group_alive(group) and not os.path.exists(profile)
