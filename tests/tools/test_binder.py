"""Binder builds what environment.yml asks for: repo2docker's own detection and Dockerfile, run on this repository
(no Docker needed: only the build's plan is made)."""

import shutil
import textwrap

import pytest

from helpers.paths import REPO_ROOT
from helpers.tools import env_check

# repo2docker imports python-json-logger's old module name, which warns on import; not this project's to fix.
pytestmark = pytest.mark.filterwarnings("ignore:pythonjsonlogger.jsonlogger has been moved:DeprecationWarning")


def detect(folder, monkeypatch):
    """The build pack repo2docker picks for `folder`, as Repo2Docker.build does (its list, in its order)."""
    from repo2docker.app import Repo2Docker

    app = Repo2Docker()
    monkeypatch.chdir(folder)
    picked = next(
        (pack for pack in (kind(base_image=app.base_image) for kind in app.buildpacks) if pack.detect()),
        None,
    ) or app.default_buildpack(base_image=app.base_image)
    picked.platform = "linux/amd64"
    return picked


def test_repo2docker_builds_the_intended_python_from_environment_yml(monkeypatch):
    pack = detect(REPO_ROOT, monkeypatch)
    intended = env_check.version_text(env_check.SUPPORTED[0])
    assert type(pack).__name__ == "CondaBuildPack"
    assert pack.python_version == intended == "3.11"
    # Its frozen base environment is that Python's: conda has no Python to upgrade inside it.
    assert f"conda/environment.py-{intended}-linux-64.lock" in pack.get_build_script_files()
    dockerfile = pack.render()
    # The pre-assembly path: environment.yml alone is copied and built before the repository (a layer Binder
    # reuses for every commit that leaves the file as it is); postBuild then installs this package.
    assert dockerfile.index("COPY --chown=1000:1000 src/environment.yml") < dockerfile.index(
        "COPY --chown=1000:1000 src/ ${REPO_DIR}/"
    )
    assert dockerfile.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/") < dockerfile.index("RUN ./postBuild")


def test_a_range_of_pythons_is_not_read_by_repo2docker(tmp_path, monkeypatch):
    """Why environment.yml names one version: given a range, repo2docker builds its default Python instead."""
    (tmp_path / "environment.yml").write_text(
        textwrap.dedent(
            """\
            name: x
            dependencies:
              - python>=3.11,<3.14
            """
        ),
        encoding="utf-8",
    )
    shutil.copy(REPO_ROOT / "postBuild", tmp_path / "postBuild")
    pack = detect(tmp_path, monkeypatch)
    assert type(pack).__name__ == "CondaBuildPack"
    assert pack.python_version == pack.major_pythons["3"] != "3.11"


@pytest.mark.parametrize("dependency", ["python=3.11", "python>=3.11,<3.14"])
def test_environment_yml_from_make_lock_names_one_python(dependency):
    """make lock writes the form repo2docker reads, whatever stood there before."""
    text = (REPO_ROOT / "environment.yml").read_text(encoding="utf-8")
    head = text[: text.index("name:")]
    written = env_check.conda_environment(
        head + f"name: old\ndependencies:\n  - {dependency}\n", REPO_ROOT / "requirements.lock"
    )
    assert "  - python=3.11\n" in written and ">=" not in written.split("- pip:")[0]


def test_the_readme_shows_a_binder_badge_only_for_the_repository_s_own_remote():
    """Derived from `git remote get-url origin` when there is one on GitHub; else none, and the sentence on adding it."""
    import re
    import subprocess

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    badges = re.findall(r"\]\(https://mybinder\.org/v2/gh/([^/)]+/[^/)]+)/", readme)
    remote = ""
    if (REPO_ROOT / ".git").exists() and shutil.which("git"):
        remote = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "remote", "get-url", "origin"], capture_output=True, text=True
        ).stdout.strip()
    github = re.search(r"github\.com[:/]([^/]+/[^/]+?)(?:\.git)?$", remote)
    assert "OWNER/REPOSITORY" not in readme
    if github:
        assert badges[0] == github.group(1), badges
    else:
        assert badges == ["<owner>/<name>"]  # only the one in the sentence saying how to add it
        assert "shows no Binder badge" in readme
