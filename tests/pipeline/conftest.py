"""Fixtures of the tests that run the pipeline: one build of both datasets, shared by every test that reads a
whole run's outputs (pipeline runs are the most expensive thing the suite does)."""

import os

import pytest

from pipeline_runs import SharedBuild, build_shared


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory) -> SharedBuild:
    """Both datasets through `make report`, once for the session: under pytest-xdist, once for all workers (in
    the folder their temporary folders share). See pipeline_runs.build_shared."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return build_shared(base)
