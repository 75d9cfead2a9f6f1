"""Fixtures of every folder: the paper's codebook and export, small exports built from them; and the scratch
folder of the kernels the session starts. Each folder's conftest.py holds the fixtures of its own tests (the
session's build of both datasets: pipeline/conftest.py)."""

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from helpers.codebook import read_codebook
from helpers.ingest.load import read_export
from helpers.paths import REPO_ROOT

PAPER = REPO_ROOT / "data" / "raw" / "amirova2020"


@pytest.fixture(scope="session")
def codebook():
    return read_codebook(PAPER / "codebook.yaml")


@pytest.fixture
def paper_raw(codebook) -> pd.DataFrame:
    """The paper's export as read (all text, index = file line number)."""
    raw, _ = read_export(PAPER, codebook)
    return raw


@pytest.fixture
def many_raw(paper_raw) -> pd.DataFrame:
    """Three respondents per stakeholder type: each paper respondent and two altered copies."""
    copies = []
    for k in range(3):
        copy = paper_raw.copy()
        copy["respondent_id"] = copy["respondent_id"] + f"-{k}"
        if k:
            copy["s01"] = str(k + 1)  # scores 2 and 3 for s01 in the copies
            copy["age"] = (copy["age"].astype(int) + k * 10).astype(str)
        copies.append(copy)
    frame = pd.concat(copies, ignore_index=True)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


def write_csv(frame: pd.DataFrame, folder: Path, name: str = "survey.csv") -> Path:
    path = Path(folder) / name
    frame.to_csv(path, index=False)
    return path


def pytest_configure(config):
    """Kernels started in this session (by the tests, nbval and the makes they run) keep their connection and
    socket files in a scratch folder: a run killed on purpose (test_runs.py) leaves nothing in the user's
    Jupyter folder. Set before any kernel starts; removed at the end."""
    config.scratch_runtime = (os.environ.get("JUPYTER_RUNTIME_DIR"), tempfile.mkdtemp(prefix="jupyter-runtime-"))
    os.environ["JUPYTER_RUNTIME_DIR"] = config.scratch_runtime[1]


def pytest_unconfigure(config):
    saved, scratch = getattr(config, "scratch_runtime", (None, None))
    if scratch is None:
        return
    shutil.rmtree(scratch, ignore_errors=True)
    if saved is None:
        os.environ.pop("JUPYTER_RUNTIME_DIR", None)
    else:
        os.environ["JUPYTER_RUNTIME_DIR"] = saved
