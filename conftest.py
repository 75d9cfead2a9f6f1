"""pytest set-up shared by the unit tests and nbval.

When nbval runs (make test), the notebooks must not write into this working
tree's data/processed and reports: point them, through HELPERS_PROJECT_ROOT,
at a scratch tree holding a copy of the paper's raw data. The kernels that
nbval starts inherit the variable. A caller that already set it (the test that
runs nbval on altered data) keeps its own tree.
"""

import os
import tempfile
from collections import Counter

import pytest

from helpers.paths import ROOT_VARIABLE
from helpers.pipeline import sandbox_root

# A notebook saved from JupyterLab with another dataset fails in one line saying so, not cell by cell.
pytest_plugins = ["helpers.tools.notebook_guard"]


def pytest_configure(config):
    if getattr(config.option, "nbval", False) and not os.environ.get(ROOT_VARIABLE):
        scratch = tempfile.TemporaryDirectory(prefix="nbval-")
        config._helpers_scratch = scratch  # removed when pytest exits
        os.environ[ROOT_VARIABLE] = str(sandbox_root(scratch.name))


def pytest_unconfigure(config):
    scratch = getattr(config, "_helpers_scratch", None)
    if scratch is not None:
        os.environ.pop(ROOT_VARIABLE, None)
        scratch.cleanup()


def xdist_scope(nodeid: str) -> str:
    """Which tests one pytest-xdist worker runs together: the nbval cells of all notebooks, in order (each
    notebook reads what the one before wrote in the shared scratch tree); any other file on its own. The
    build that many files read is made once for all workers (tests/pipeline/conftest.py, shared_build)."""
    path = nodeid.split("::", 1)[0]
    return "nbval" if path.endswith(".ipynb") else path


# The order in which the workers are handed the files: first one that needs the session's build (its worker
# makes it, with make -j2), then the longest files that do not need it (the other worker runs them meanwhile),
# then the other files that read the build; every other file after these, in name order, fills the gaps.
SCHEDULE_FIRST = (
    "tests/pipeline/test_printed_report.py",
    "nbval",
    "tests/pipeline/test_new_dataset.py",
    "tests/publish/test_figure_extents.py",
    "tests/ingest/test_load_properties.py",
    "tests/pipeline/test_notebooks.py",
    "tests/tools/test_notebook_guard.py",
    "tests/pipeline/test_runner.py",
    "tests/pipeline/test_runs.py",
    "tests/pipeline/test_pipeline.py",
    "tests/pipeline/test_report_languages.py",
    "tests/pipeline/test_report_sections.py",
)


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist, put the files of SCHEDULE_FIRST first (a stable sort: tests keep their order in a file)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        rank = {scope: index for index, scope in enumerate(SCHEDULE_FIRST)}
        items.sort(key=lambda item: rank.get(xdist_scope(item.nodeid), len(SCHEDULE_FIRST)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs with -n: group tests by xdist_scope (xdist's own loadgroup cannot mark nodes under pytest 9)."""
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # hand out files in the collection's order (SCHEDULE_FIRST), not by size

    class ByScope(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    return ByScope(config, log)


# What `make test` could not check on this machine, in one line at the end (pytest's own list of skipped tests,
# one line each, is left out of its summary: -rfE in pyproject.toml). Skips for a missing tool are named by what
# they check; any other skip is named by its reason.
MISSING_TOOLS = (
    ("Chromium", "browser checks", "no Chromium: apt-get install chromium"),
    ("axe-core", "accessibility checks", "no axe-core: make test installs it with npm, and npm was not found"),
)


def skip_summary(reasons: list[str]) -> str:
    """One line: how many tests were skipped, grouped by what they check and why."""
    if not reasons:
        return "Skipped: nothing (every check ran on this machine)."
    groups = Counter()
    for reason in reasons:
        reason = reason.removeprefix("Skipped: ")
        what = next(((name, why) for tool, name, why in MISSING_TOOLS if tool in reason), (None, reason))
        groups[what] += 1
    parts = [
        f"{count} {name} ({why})" if name else f"{count} ({why})"
        for (name, why), count in sorted(groups.items(), key=lambda item: (item[0][0] is None, -item[1]))
    ]
    return f"Skipped {len(reasons)} test(s): " + "; ".join(parts) + "."


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    skipped = terminalreporter.stats.get("skipped", [])
    reasons = [report.longrepr[2] for report in skipped if isinstance(report.longrepr, tuple)]
    terminalreporter.write_line(skip_summary(reasons))
