"""The environment: one list of direct pins, a hashed lock that agrees with it, the same supported Pythons
everywhere, a wrong Python refused in one sentence and a .venv of a wrong Python rebuilt."""

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from helpers.paths import REPO_ROOT
from helpers.pipeline import _skip_iri_format_parsers
from helpers.tools import env_check

LOCK = REPO_ROOT / "requirements.lock"
REQUIREMENTS = REPO_ROOT / "requirements.txt"


def test_every_direct_pin_is_in_the_lock_and_every_locked_package_is_hashed():
    assert env_check.main(["direct", str(REQUIREMENTS), str(LOCK)]) == 0
    text = LOCK.read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text[text.index("\n", text.index("make lock")) :].strip())
    assert len(blocks) == len(env_check.read_pins(LOCK)) > 100
    assert all("--hash=sha256:" in block for block in blocks)


def test_a_pin_missing_from_the_lock_says_run_make_lock(tmp_path, capsys):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(REQUIREMENTS.read_text(encoding="utf-8") + "tabulate==0.9.0\n", encoding="utf-8")
    assert env_check.main(["direct", str(requirements), str(LOCK)]) == 1
    assert (
        capsys.readouterr().out
        == "requirements.txt pins tabulate==0.9.0, which requirements.lock does not: run make lock\n"
    )


def test_environment_yml_lists_exactly_the_lock():
    environment = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert pip == env_check.conda_pins(LOCK)
    assert not [line for line in pip if line.startswith(("-r", "-e", "."))]  # keeps repo2docker's pre-assembly


def test_the_supported_pythons_are_the_same_everywhere():
    assert env_check.SUPPORTED == ((3, 11), (3, 12), (3, 13))
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == ">=3.11,<3.14"
    environment = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in environment["dependencies"]  # one version: repo2docker reads no range (test_binder.py)
    assert "Python 3.11, 3.12 or 3.13" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_pyproject_declares_the_direct_pins_under_a_name_of_its_own():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] != "helpers"
    assert pyproject["tool"]["setuptools"]["dynamic"]["dependencies"]["file"] == ["requirements.txt"]
    declared = importlib.metadata.requires(pyproject["project"]["name"])
    assert sorted(declared) == sorted(
        line for line in REQUIREMENTS.read_text().splitlines() if line and not line.startswith("#")
    )


def test_every_package_the_code_imports_is_a_direct_dependency():
    direct = {name for name, _, _ in env_check.read_pins(REQUIREMENTS)}
    providers = importlib.metadata.packages_distributions()
    missing = set()
    for path in (REPO_ROOT / "src" / "helpers").rglob("*.py"):
        if path.name == "env_check.py":  # runs in a Python without the project's packages; imports guarded
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                else []
            )
            for top in {name.split(".")[0] for name in names}:
                if top in sys.stdlib_module_names or top == "helpers":
                    continue
                if not {env_check.canonical(d) for d in providers.get(top, [top])} & direct:
                    missing.add(f"{top} ({path.relative_to(REPO_ROOT)})")
    assert not missing, f"imported but not in requirements.txt: {sorted(missing)}"


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_parameters_are_typed_for_papermill(path):
    _skip_iri_format_parsers()
    import papermill

    parameters = papermill.inspect_notebook(str(path))
    assert parameters and all(spec["inferred_type_name"] == "str" for spec in parameters.values()), parameters


def python_310() -> str | None:
    """A working Python 3.10 on this machine, if there is one (pyenv keeps shims that may not run)."""
    candidates = [shutil.which("python3.10"), *map(str, Path.home().glob(".pyenv/versions/3.10*/bin/python3.10"))]
    for candidate in filter(None, candidates):
        result = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
        )
        if result.returncode == 0 and result.stdout.strip() == "(3, 10)":
            return candidate
    return None


def project_copy(tmp_path: Path) -> Path:
    """What `make env` reads, copied: the Makefile, the pins, pyproject.toml and the checker."""
    root = tmp_path / "project"
    for name in (
        "Makefile",
        "requirements.txt",
        "requirements.lock",
        "pyproject.toml",
        "src/helpers/tools/env_check.py",
        "src/helpers/tools/python_check.py",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / name, root / name)
    return root


def make_env(root: Path, *variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "MAKEFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(root), "env", *variables],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


needs_310 = pytest.mark.skipif(python_310() is None, reason="no Python 3.10 on this machine")


def unsupported_python(version: str) -> str | None:
    """A working Python `version` on this machine, if there is one (pyenv keeps shims that may not run)."""
    if version == "3.10":
        return python_310()
    found = [str(p) for p in Path.home().glob(f".pyenv/versions/{version}*/bin/python{version}")]
    return found[0] if found else None


# 3.10: the version just below; 2.7 and 3.6: too old to read env_check.py (f-strings, annotations).
@pytest.mark.parametrize("version", ["3.10", "3.6", "2.7"])
def test_an_unsupported_python_is_refused_in_one_sentence_before_anything_is_made(tmp_path, version):
    python = unsupported_python(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine")
    root = project_copy(tmp_path)
    result = make_env(root, f"PYTHON={python}")
    assert result.returncode != 0
    assert result.stdout.splitlines() == [
        f"{python} is Python {version}; this project needs Python 3.11, 3.12 or 3.13: install one and run "
        "make PYTHON=/path/to/python3.11 (or python3.12, python3.13)."
    ]
    assert "Traceback" not in result.stderr and "SyntaxError" not in result.stderr
    assert not (root / ".venv").exists()


def stand_in_uv(tmp_path: Path) -> Path:
    """A stand-in for uv that creates the venv and installs nothing: the rebuild is what is tested with it."""
    fake_uv = tmp_path / "uv"
    fake_uv.write_text('#!/bin/sh\nif [ "$1" = venv ]; then exec "$4" -m venv --without-pip "$5"; fi\nexit 0\n')
    fake_uv.chmod(0o755)
    return fake_uv


def stamp(root: Path) -> None:
    """.venv's stamp, newer than everything it was built from: make would take the .venv for up to date."""
    (root / ".venv" / ".installed").touch()


def other_supported_python() -> str | None:
    """A working Python 3.11-3.13 of another version than this one, if the machine has one."""
    for version in ("3.11", "3.12", "3.13"):
        if version == "%d.%d" % sys.version_info[:2]:
            continue
        for candidate in filter(
            None,
            [
                shutil.which(f"python{version}"),
                *map(str, Path.home().glob(f".pyenv/versions/{version}*/bin/python{version}")),
            ],
        ):
            result = subprocess.run([candidate, "-c", "print(1)"], capture_output=True, text=True)
            if result.returncode == 0:
                return candidate
    return None


@needs_310
@pytest.mark.parametrize("stamped", [False, True], ids=["no stamp", "up-to-date stamp"])
def test_a_venv_left_by_python_3_10_is_rebuilt(tmp_path, stamped):
    root = project_copy(tmp_path)
    subprocess.run([python_310(), "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    if stamped:
        stamp(root)
    result = make_env(root, f"UV={stand_in_uv(tmp_path)}", f"PYTHON={sys.executable}")
    assert ".venv was made with another Python (Python 3.10" in result.stdout and "rebuilding it" in result.stdout
    version = subprocess.run(
        [str(root / ".venv" / "bin" / "python"), "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert version == str(sys.version_info[:2])
    # Nothing was installed by the stand-in, and make says so in one line rather than going on.
    assert result.returncode != 0 and "package(s) differ from requirements.lock" in result.stdout


def test_a_venv_whose_python_is_gone_is_rebuilt_though_its_stamp_is_up_to_date(tmp_path):
    root = project_copy(tmp_path)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    stamp(root)
    for name in ("python", "python3"):
        (root / ".venv" / "bin" / name).unlink()
        (root / ".venv" / "bin" / name).symlink_to("/nonexistent/python3.11")  # the Python was uninstalled
    result = make_env(root, f"UV={stand_in_uv(tmp_path)}", f"PYTHON={sys.executable}")
    assert ".venv was made with a Python that no longer runs: rebuilding it" in result.stdout, result.stdout
    assert (root / ".venv" / "bin" / "python").resolve().exists()
    assert "Environment: .venv ()" not in result.stdout


@pytest.mark.skipif(other_supported_python() is None, reason="no second supported Python on this machine")
def test_python_named_on_the_command_line_is_used_though_the_venv_is_up_to_date(tmp_path):
    root = project_copy(tmp_path)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    stamp(root)
    other = other_supported_python()
    result = make_env(root, f"UV={stand_in_uv(tmp_path)}", f"PYTHON={other}")
    assert f".venv was made with another Python (Python {sys.version_info[0]}.{sys.version_info[1]})" in result.stdout
    found = subprocess.run([str(root / ".venv" / "bin" / "python"), "--version"], capture_output=True, text=True)
    wanted = subprocess.run([other, "--version"], capture_output=True, text=True)
    assert found.stdout == wanted.stdout


def test_use_env_active_installs_into_each_environment_activated_not_only_the_first(tmp_path):
    root = project_copy(tmp_path)
    log = tmp_path / "uv.log"
    fake_uv = tmp_path / "uv"  # records what it was asked to install into, installs nothing
    fake_uv.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexit 0\n')
    fake_uv.chmod(0o755)
    for name in ("first", "second"):
        venv = tmp_path / name
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        env = {k: v for k, v in os.environ.items() if k not in ("CONDA_PREFIX", "MAKEFLAGS", "MAKELEVEL")}
        result = subprocess.run(
            ["make", "--no-print-directory", "-C", str(root), "env", "USE_ENV=active", f"UV={fake_uv}"],
            env={**env, "VIRTUAL_ENV": str(venv)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert f"Installing requirements.lock into the active environment {venv}" in result.stdout, result.stdout
        assert f"--python {venv}/bin/python --require-hashes" in log.read_text()
        assert (root / ".env-active").read_text().strip() == str(venv)


def active_env_like_this_one(folder: Path) -> Path:
    """An activated env holding exactly this environment's packages (its own folder, the same site-packages)."""
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "python").symlink_to(Path(sys._base_executable).resolve())
    shutil.copy(Path(sys.prefix) / "pyvenv.cfg", folder / "pyvenv.cfg")
    (folder / "lib").symlink_to(Path(sys.prefix) / "lib")
    return folder


def dry_run(**variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "MAKEFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "-C", str(REPO_ROOT), "figures", "DATA=amirova2020"],
        env={**env, **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="the tests run in a venv (make test's .venv)")
def test_an_active_env_that_matches_the_lock_is_used_and_another_is_named(tmp_path):
    active = active_env_like_this_one(tmp_path / "active")
    used = dry_run(VIRTUAL_ENV=str(active))
    assert f"{active}/bin/python -m helpers.pipeline run notebooks/04_figures.ipynb" in used.stdout
    assert "Not using" not in used.stdout
    # The base Python has none of the packages: one line says why, and .venv is used.
    other = dry_run(CONDA_PREFIX=sys.base_prefix)
    assert other.stdout.splitlines()[0].startswith(f"Not using the active environment {sys.base_prefix}: ")
    assert "differ from requirements.lock" in other.stdout.splitlines()[0]
    assert ".venv/bin/python -m helpers.pipeline run notebooks/04_figures.ipynb" in other.stdout
    # USE_ENV=venv: .venv whatever is active.
    assert ".venv/bin/python -m helpers.pipeline run" in dry_run(VIRTUAL_ENV=str(active), USE_ENV="venv").stdout


@pytest.mark.skipif(not (REPO_ROOT / ".git").exists() or shutil.which("git") is None, reason="not a git checkout")
def test_make_nbdime_makes_git_diff_notebooks_cell_by_cell(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    # This environment stands in for the clone's own (the drivers are its absolute paths).
    subprocess.run(
        ["make", "--no-print-directory", "-C", str(clone), "nbdime", f"VENV={sys.prefix}", "ENV_STAMP="],
        check=True,
        capture_output=True,
        env={k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")},
    )
    notebook = clone / "notebooks" / "01_clean.ipynb"
    notebook.write_text(
        notebook.read_text(encoding="utf-8").replace(
            'dataset: str = \\"amirova2020\\"', 'dataset: str = \\"example-v2\\"'
        ),
        encoding="utf-8",
    )
    diff = subprocess.run(
        ["git", "-C", str(clone), "diff", "--no-color"], capture_output=True, text=True, check=True
    ).stdout
    diff = re.sub(r"\x1b\[[0-9;]*m", "", diff)  # nbdime colours its output whatever git is told
    assert "## modified /cells/1/source:" in diff
    assert '+dataset: str = "example-v2"  # a folder under data/raw' in diff
