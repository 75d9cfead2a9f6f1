"""`kill -9` of `make report` leaves no process of the run: no step, no kernel, no Chromium (whose DevTools
travel over pipes, so no port was ever open), and the next print removes the killed run's Chromium profile."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.paths import ROOT_VARIABLE
from helpers.processes import OWNER_VARIABLE, children
from helpers.publish.browser import Chromium, find_chromium, profile_folder
from helpers.tools.bench import project_copy

from pipeline_runs import command_line, run_processes

pytestmark = pytest.mark.skipif(find_chromium() is None, reason="no Chromium: the PDF step does not run")


def listening_sockets() -> set[str]:
    """The inodes of every TCP socket listening on this machine."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    return inodes


def sockets_of(pids: list[int]) -> set[str]:
    inodes = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    return inodes


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to collect it is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.parametrize("moment", ["a step", "the print"])
def test_kill_9_of_make_report_leaves_no_process(tmp_path, moment):
    project = project_copy(tmp_path / "project", ("amirova2020",))
    env = {key: value for key, value in os.environ.items() if key != OWNER_VARIABLE}
    env[ROOT_VARIABLE] = str(project)
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(project), "report"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wanted = "helpers.publish.browser" if moment == "the print" else "02_tables"
    deadline = time.monotonic() + 600
    try:
        while not any(wanted in command_line(pid) for pid in run_processes(make.pid)):
            assert make.poll() is None, "make ended before the moment to kill it"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        if moment == "the print":
            while not any("chromium" in command_line(pid) for pid in run_processes(make.pid)):
                assert time.monotonic() < deadline
                time.sleep(0.02)
        listening = sockets_of(run_processes(make.pid)) & listening_sockets()
        os.kill(make.pid, signal.SIGKILL)
        make.wait()
        deadline = time.monotonic() + 30
        while (left := [pid for pid in run_processes(make.pid) if alive(pid)]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not left, [command_line(pid) for pid in left]
        assert not listening & listening_sockets(), "a port of the run was left listening"
    finally:
        for pid in run_processes(make.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_the_next_print_removes_a_killed_run_profile(tmp_path):
    folder = Path(profile_folder() or "/tmp")
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = folder / f"chromium-{dead.pid}-left"
    orphan.mkdir()
    (orphan / "Cookies").write_text("x", encoding="utf-8")
    with Chromium() as browser:
        assert not orphan.exists()
        assert browser.pipe is not None
    assert not any(folder.glob(f"chromium-{os.getpid()}-*"))


def test_chromium_dies_with_the_process_that_started_it(tmp_path):
    script = tmp_path / "start.py"
    script.write_text(
        "import sys, time\nfrom helpers.publish.browser import Chromium\n"
        "with Chromium() as browser:\n    print(browser.process.pid, flush=True)\n    time.sleep(600)\n",
        encoding="utf-8",
    )
    starter = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    chromium = int(starter.stdout.readline())
    family = [chromium, *children(chromium)]
    starter.kill()
    starter.wait()
    deadline = time.monotonic() + 20
    while any(alive(pid) and "chromium" in command_line(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in family if alive(pid) and "chromium" in command_line(pid)]
