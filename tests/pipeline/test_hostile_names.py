"""No file name or variable a user controls reaches a shell, and nothing outside the dataset's folder is read.

The attacks are rebuilt from their descriptions: a `$(...)`, a backtick command or a newline in the value of
every variable the Makefile lets a user set, and in the names of files in the dataset's folder; links in and of
the dataset folder that lead elsewhere; a codebook that is a YAML alias bomb."""

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from pipeline_runs import make

from helpers.codebook import read_codebook
from helpers.errors import DataValidationError
from helpers.paths import REPO_ROOT, dataset_paths
from helpers.pipeline import write_raw_manifest
from helpers.publish.report.provenance import provenance
from helpers.tools.bench import project_copy

MAKEFILE = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")


def user_variables() -> list[str]:
    """Every variable the Makefile documents as the user's: those given a default with ?=, the parameters and the
    tools' variables it checks (read from the Makefile, so a variable added later is attacked too)."""
    names = set(re.findall(r"^([A-Z_]+) \?=", MAKEFILE, flags=re.M))
    for list_name in ("PARAMETERS", "TOOL_VARIABLES"):
        match = re.search(rf"^{list_name} := ((?:.*\\\n)*.*)$", MAKEFILE, flags=re.M)
        names.update(match.group(1).replace("\\\n", " ").split())
    return sorted(names)


def payloads(marker: Path) -> dict[str, str]:
    return {
        "substitution": f"$(touch {marker})",
        "backtick": f"`touch {marker}`",
        "newline": f"x\ntouch {marker}",
        "semicolon": f"1 CHECKED=1 /dev/null; touch {marker}; true",
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return project_copy(tmp_path_factory.mktemp("hostile") / "project", ("amirova2020",))


def test_the_attacked_variables_include_every_documented_one():
    attacked = set(user_variables())
    assert {"DATA", "JOBS", "PAPER", "PYTHON", "PORT", "LAB_ARGS", "TEST_JOBS", "USE_ENV", "UV"} <= attacked
    assert {"BENCH_REPEAT", "BENCH_SCALE", "SETUP_REPEAT", "PILOT_BODY", "NAME", "FROM", "FORM"} <= attacked


@pytest.mark.parametrize("variable", user_variables())
def test_no_variable_value_runs_in_a_shell(project, variable):
    # NAME, FROM and FORM are read by new-dataset; every other variable by the pipeline (and all at parse time).
    target = "new-dataset" if variable in {"NAME", "FROM", "FORM"} else "report"
    for form, payload in payloads(project / f"pwned-{variable}").items():
        extra = {"FROM": ["NAME=scratch"], "FORM": ["NAME=scratch", "FROM=data/raw/amirova2020/survey.csv"]}
        extra = extra.get(variable, [])
        result = make(project, target, *extra, f"{variable}={payload}", timeout=120)
        created = sorted(p.name for p in project.glob("pwned*"))
        assert not created, f"{variable} ({form}) ran a command: {created}"
        assert result.returncode != 0, f"{variable} ({form}) was accepted: {result.stdout[-500:]}"
        assert "Traceback" not in result.stderr, result.stderr
        assert not (project / "data" / "raw" / "scratch").exists()


def test_file_names_in_the_dataset_folder_are_data(project, tmp_path):
    raw = project / "data" / "raw" / "amirova2020"
    marker = tmp_path / "pwned"
    names = [
        f"notes$(touch${{IFS}}{marker}).txt",
        f"notes`touch {marker}`.txt",
        "notes\nwith a newline.txt",
        "my survey notes; (draft) & more.txt",
        "заметки.txt",
    ]
    for name in names:
        (raw / name.replace("/", "∕")).write_text("notes\n", encoding="utf-8")
    try:
        result = make(project, "clean-data", timeout=600)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        assert not marker.exists()
        manifest = (project / "reports" / "amirova2020" / ".parameters" / "RAW").read_text(encoding="utf-8")
        for name in names:
            assert name.replace("/", "∕").replace("\n", "\\n") in manifest
    finally:
        for name in names:
            (raw / name.replace("/", "∕")).unlink(missing_ok=True)


def test_the_raw_manifest_changes_exactly_when_a_raw_file_does(tmp_path):
    (tmp_path / "data" / "raw" / "x").mkdir(parents=True)
    survey = tmp_path / "data" / "raw" / "x" / "survey.csv"
    survey.write_text("a\n", encoding="utf-8")
    paths, manifest = dataset_paths("x", root=tmp_path), tmp_path / "RAW"
    assert write_raw_manifest(paths, manifest)
    assert not write_raw_manifest(paths, manifest)
    os.utime(survey, ns=(survey.stat().st_atime_ns, survey.stat().st_mtime_ns + 10**9))
    assert write_raw_manifest(paths, manifest)
    (survey.parent / "more.txt").write_text("b\n", encoding="utf-8")
    assert write_raw_manifest(paths, manifest)
    assert "more.txt" in manifest.read_text(encoding="utf-8")


@pytest.fixture
def linked(tmp_path) -> Path:
    project = project_copy(tmp_path / "project", ("amirova2020",))
    (tmp_path / "secret").write_text("root:x:0:0\n", encoding="utf-8")
    return project


@pytest.mark.parametrize("link", ["notes.txt", "codebook.yaml", "published/README.md"])
def test_a_link_out_of_the_dataset_folder_is_refused_by_name(linked, link):
    raw = linked / "data" / "raw" / "amirova2020"
    (raw / link).unlink(missing_ok=True)
    (raw / link).symlink_to(linked.parent / "secret")
    result = make(linked, "clean-data", timeout=120)
    assert result.returncode != 0
    assert f"data/raw/amirova2020/{link} is a link to" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (linked / "data" / "processed" / "amirova2020").exists()


def test_a_dataset_folder_that_links_outside_data_raw_is_refused(linked):
    elsewhere = linked.parent / "elsewhere"
    shutil.move(linked / "data" / "raw" / "amirova2020", elsewhere)
    (linked / "data" / "raw" / "amirova2020").symlink_to(elsewhere)
    result = make(linked, "clean-data", timeout=120)
    assert result.returncode != 0
    assert "data/raw/amirova2020 is a link to" in result.stderr and "outside data/raw" in result.stderr


def test_a_link_inside_the_dataset_folder_is_the_dataset_own(tmp_path):
    raw = tmp_path / "data" / "raw" / "x"
    raw.mkdir(parents=True)
    (raw / "export.csv").write_text("a\n", encoding="utf-8")
    (raw / "survey.csv").symlink_to(raw / "export.csv")
    assert dataset_paths("x", root=tmp_path).files_outside() == []


def test_the_codebook_is_never_read_through_a_link_outside(tmp_path):
    (tmp_path / "passwd").write_text("root: x\n", encoding="utf-8")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "codebook.yaml").symlink_to(tmp_path / "passwd")
    with pytest.raises(DataValidationError, match="not a link to"):
        read_codebook(tmp_path / "x" / "codebook.yaml")


def test_provenance_never_hashes_a_file_outside_the_dataset(tmp_path):
    raw = tmp_path / "data" / "raw" / "x"
    raw.mkdir(parents=True)
    (raw / "survey.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "shadow").write_text("secret\n", encoding="utf-8")
    (raw / "notes.txt").symlink_to(tmp_path / "shadow")
    files = [f["path"] for f in provenance(raw, tmp_path, {})["files"]]
    assert files == ["data/raw/x/survey.csv"]


def alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\nstatements: *a%d\n" % levels


@pytest.mark.parametrize(
    "text",
    [alias_bomb(9), "loop: &loop [*loop]\n", "scale: &s {1: a}\nother: *s\n"],
    ids=["nine-level bomb", "self-reference", "one alias"],
)
def test_a_codebook_with_aliases_is_refused_at_once(tmp_path, text):
    (tmp_path / "codebook.yaml").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(DataValidationError, match="no YAML anchors and aliases"):
        read_codebook(tmp_path / "codebook.yaml")
    assert time.perf_counter() - started < 5
