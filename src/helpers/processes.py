"""The processes of a run end with the make that started them, even when it is killed (kill -9).

A signal to make reaches none of its children: the runner, its kernel and Chromium would run on, Chromium with a
profile in /dev/shm. Each asks the kernel to send it SIGKILL when its parent ends (Linux's PR_SET_PDEATHSIG), and
watches the make you ran: once that is gone, it kills what it started and itself."""

from __future__ import annotations

import errno
import os
import signal
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1

# What the system says when a file cannot be written where it should go: out of space or quota, a read-only
# file system, no permission. A run's process ends on one of them with one line naming the place, not a traceback.
CANNOT_WRITE = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


def die_with_parent() -> bool:
    """This process gets SIGKILL when its parent ends; False where the system has no such call (not Linux)."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


#: The pid of the make you ran (`make report`), set by the Makefile and passed down to every make it starts.
OWNER_VARIABLE = "HELPERS_RUN_OWNER"


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, and theirs (Linux's /proc; [] elsewhere)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = [], [pid]
    while pending:
        for child in parents.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def end_with_the_run(poll: float = 0.25) -> None:
    """This process ends with its parent, and with the make you ran: a make killed by SIGKILL leaves the makes,
    shells and steps it started running, so a step watches that make and, once it is gone, kills what it started
    (its kernel) and itself. Without $HELPERS_RUN_OWNER (a step run by hand) only the parent is watched."""
    die_with_parent()
    owner = os.environ.get(OWNER_VARIABLE, "")
    if not owner.isdigit() or int(owner) in (0, 1, os.getpid()):
        return

    def watch():
        while alive(int(owner)):
            time.sleep(poll)
        for child in children(os.getpid()):
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os._exit(137)

    threading.Thread(target=watch, name="run-owner", daemon=True).start()
