"""Headless Chromium (helpers.publish.browser): it ends when asked, killed with its whole process group and its
profile removed; the page check catches a request that leaves the file; axe-core is not blind; the tagged PDF's
node ids do not depend on Chromium's node counter."""

import subprocess
from pathlib import Path

import pytest

from helpers.publish import browser
from helpers.publish.browser import check_report, find_chromium


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed")
def test_chromium_that_opened_a_page_leaves_no_process_and_no_profile_behind(tmp_path):
    import os

    from helpers.publish.browser import Chromium, _group_alive

    (tmp_path / "page.html").write_text("<!doctype html><title>t</title><p>x</p>", encoding="utf-8")
    with Chromium() as browser:
        tools = browser.open(tmp_path / "page.html")
        tools.close()
        group, profile = browser.process.pid, browser.profile
        assert os.path.isdir(profile)
    assert not _group_alive(group) and not os.path.exists(profile)


chromium = pytest.mark.skipif(browser.find_chromium() is None, reason="no Chromium here; .ci/run installs it")


axe = pytest.mark.skipif(not browser.AXE_SCRIPT.exists(), reason="axe-core not installed: `npm ci` (make test does it)")


@chromium
@axe
def test_axe_core_finds_what_is_wrong(tmp_path):
    """The check is not blind: an image with no alt text and pale grey text are reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main><h1>x</h1>'
        '<p style="color:#bbb">pale text</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "</main></body></html>",
        encoding="utf-8",
    )
    state = browser.check_report(page, tmp_path / "shot.png")
    assert {"image-alt", "color-contrast"} <= {v["id"] for v in state["accessibility"]}


@chromium
def test_chromium_leaves_no_process_and_no_profile_behind():
    """The whole process group is stopped and waited for before the profile is removed (the 'Default' race)."""
    for _ in range(3):
        with browser.Chromium() as chromium:
            group, profile = chromium.process.pid, Path(chromium.profile)
            assert (profile / "Default").exists() or profile.exists()
        assert not profile.exists()
        # What is left of the group, if anything, has exited and waits to be reaped: it writes nothing.
        states = subprocess.run(["ps", "-g", str(group), "-o", "stat="], capture_output=True, text=True).stdout.split()
        assert all(state.startswith("Z") for state in states), states


def test_the_tagged_pdfs_node_ids_are_numbered_by_rank_so_a_shifted_counter_gives_the_same_bytes():
    """Chromium numbers the structure elements from its DOM node counter, which the page check before the print
    sometimes moves by one (two PDFs of one report were seen differing only there)."""
    from helpers.publish.browser import renumber_node_ids

    def pdf(first: int) -> bytes:
        ids = [first + 2, first, first + 7, first]  # an element, then the ID tree that names it
        return b"1 0 obj <</ID (node%08d)>> <</ID (node%08d)>> <</Limits [(node%08d) (node%08d)]>>" % tuple(ids)

    assert (
        renumber_node_ids(pdf(104))
        == renumber_node_ids(pdf(103))
        == (b"1 0 obj <</ID (node00000002)>> <</ID (node00000001)>> <</Limits [(node00000003) (node00000001)]>>")
    )
    assert len(renumber_node_ids(pdf(104))) == len(pdf(104))  # the cross-reference offsets stay valid


@chromium
def test_the_browser_check_catches_a_request_leaving_the_file(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html><body><table><tr><td>x</td></tr></table><img src="http://127.0.0.1:9/x.png"></body></html>')
    state = check_report(page, tmp_path / "shot.png")
    assert state["requests_out"] == ["http://127.0.0.1:9/x.png"]
    assert state["images"] == [{"ok": False, "width": 0}]
