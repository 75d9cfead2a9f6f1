"""pytest set-up shared by the unit tests and nbval.

When nbval runs (make test), the notebooks must not write into this working
tree's data/processed and reports: point them, through HELPERS_PROJECT_ROOT,
at a scratch tree holding a copy of the paper's raw data. The kernels that
nbval starts inherit the variable. A caller that already set it (the test that
runs nbval on altered data) keeps its own tree.
"""
import os
import tempfile

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
