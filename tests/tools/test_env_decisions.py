"""The Makefile's environment decisions, one function at a time (src/helpers/tools/env_check.py): when .venv is
rebuilt, where uv comes from, which commands install the lock, what environment.yml holds, and that the file stays
readable by any Python so that an unsupported one is refused in one sentence."""

import ast
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from helpers.paths import REPO_ROOT
from helpers.tools import env_check

ENV_CHECK = REPO_ROOT / "src" / "helpers" / "tools" / "env_check.py"
LOCK = REPO_ROOT / "requirements.lock"
THIS = "%d.%d" % sys.version_info[:2]


# --- when .venv is rebuilt ----------------------------------------------------------------------------------------


def test_a_venv_of_a_supported_python_is_kept():
    assert env_check.rebuild_reason("3.11") is None
    assert env_check.rebuild_reason("3.13", wanted="3.13") is None


def test_a_venv_whose_python_no_longer_runs_is_rebuilt():
    assert env_check.rebuild_reason(None) == "a Python that no longer runs"
    assert env_check.rebuild_reason("", wanted="3.12") == "a Python that no longer runs"


@pytest.mark.parametrize("found", ["3.10", "3.14", "2.7"])
def test_a_venv_of_an_unsupported_python_is_rebuilt(found):
    assert env_check.rebuild_reason(found) == f"another Python (Python {found})"


def test_a_python_named_on_the_command_line_of_another_version_rebuilds_the_venv():
    assert env_check.rebuild_reason("3.11", wanted="3.12") == "another Python (Python 3.11)"
    # PYTHON named but not running: '' is another version too (the recipe then says PYTHON is not found).
    assert env_check.rebuild_reason("3.11", wanted="") == "another Python (Python 3.11)"
    # Not named on the command line (None): the venv's version is not compared.
    assert env_check.rebuild_reason("3.11", wanted=None) is None


def test_version_of_a_python_and_of_one_that_does_not_run(tmp_path):
    assert env_check.version_of(sys.executable) == THIS
    assert env_check.version_of(str(tmp_path / "nowhere" / "python")) is None
    broken = tmp_path / "python"
    broken.symlink_to(tmp_path / "uninstalled" / "python3.11")
    assert env_check.version_of(str(broken)) is None


def run_check(*arguments, python=sys.executable):
    return subprocess.run([python, "-E", "-S", str(ENV_CHECK), *arguments], capture_output=True, text=True)


def test_stale_prints_nothing_for_a_venv_to_keep_and_the_reason_otherwise():
    assert run_check("stale").stdout == "\n"
    assert run_check("stale", sys.executable).stdout == "\n"
    other = "/nonexistent/python3.12"
    assert run_check("stale", other).stdout == f"another Python (Python {THIS})\n"
    assert run_check("stale", other).returncode == 0  # make reads the line, not the status


def test_the_make_time_look_at_venv_reads_the_same_reason(tmp_path):
    """What the Makefile computes once per make (VENV_STALE): its venv of this Python kept, PYTHON=other rebuilds."""
    root = tmp_path / "project"
    for name in ("Makefile", "requirements.txt", "requirements.lock", "pyproject.toml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / name, root / name)
    shutil.copytree(ENV_CHECK.parent, root / "src" / "helpers" / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "MAKEFLAGS", "MAKELEVEL")}

    def stale(*variables):
        show = "show-stale: ; @echo '[$(VENV_STALE)]'"
        command = ["make", "--no-print-directory", "-C", str(root), "--eval", show, "show-stale", *variables]
        return subprocess.run(command, env=env, capture_output=True, text=True).stdout.strip()

    assert stale() == "[]"
    assert stale(f"PYTHON={sys.executable}") == "[]"
    assert stale("PYTHON=/nonexistent/python3.12") == f"[another Python (Python {THIS})]"
    assert stale("PYTHON=/nonexistent/python3.12", "CHECKED=1") == "[]"  # the makes that make report starts
    for name in ("python", "python3"):
        (root / ".venv" / "bin" / name).unlink()
        (root / ".venv" / "bin" / name).symlink_to("/nonexistent/python3.11")
    assert stale() == "[gone]"


# --- where uv comes from ----------------------------------------------------------------------------------------


def executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def test_use_pip_means_no_uv_at_all(tmp_path):
    uv = executable(tmp_path / "uv")
    assert env_check.find_uv(str(uv), use_pip="1") is None
    assert env_check.find_uv(str(uv), use_pip="0") is None  # any value, as `test -n` read it


def test_uv_named_by_UV_then_on_path(tmp_path, monkeypatch):
    named = executable(tmp_path / "named" / "uv")
    on_path = executable(tmp_path / "bin" / "uv")
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert env_check.find_uv(str(named)) == str(named)
    assert env_check.find_uv("") == str(on_path)
    assert env_check.which("uv") == str(on_path)
    (on_path.parent / "not-executable").write_text("")
    assert env_check.which("not-executable") is None


def test_uv_fetched_once_into_the_cache_and_none_when_it_cannot_be(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = env_check.uv_home()
    assert home == str(tmp_path / "cache" / "amirova2020" / f"uv-{env_check.UV_VERSION}")
    log = tmp_path / "pip.log"
    # A stand-in Python whose `-m pip install --target HOME uv==X` records its arguments and installs a uv.
    python = executable(
        tmp_path / "python",
        f'#!/bin/sh\nPATH=/usr/bin:/bin\necho "$*" >> {log}\nmkdir -p "$7/bin" && printf "#!/bin/sh\\n" > "$7/bin/uv" && chmod +x "$7/bin/uv"\n',
    )
    assert env_check.find_uv("", "", str(python)) == os.path.join(home, "bin", "uv")
    assert log.read_text().split() == [
        *("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", home),
        f"uv=={env_check.UV_VERSION}",
    ]
    assert env_check.find_uv("", "", str(python)) == os.path.join(home, "bin", "uv")
    assert len(log.read_text().splitlines()) == 1  # fetched once
    shutil.rmtree(home)
    assert env_check.find_uv("", "", str(tmp_path / "no-python")) is None  # then pip installs
    assert env_check.find_uv("", "", str(executable(tmp_path / "failing", "#!/bin/sh\nexit 1\n"))) is None


def test_uv_home_falls_back_to_home_cache():
    assert env_check.uv_home({"HOME": "/home/r"}) == f"/home/r/.cache/amirova2020/uv-{env_check.UV_VERSION}"
    assert env_check.uv_home({"HOME": "/home/r", "XDG_CACHE_HOME": "/c"}).startswith("/c/amirova2020/")


# --- which commands install the lock ------------------------------------------------------------------------------


def test_venv_with_uv_created_synced_then_this_package():
    assert env_check.install_commands("/u/uv", ".venv", "requirements.lock", python="python3.11") == [
        ["/u/uv", "venv", "--quiet", "--python", "python3.11", ".venv"],
        ["/u/uv", "pip", "sync", "--quiet", "--python", ".venv/bin/python", "--require-hashes", "requirements.lock"],
        ["/u/uv", "pip", "install", "--python", ".venv/bin/python", "--no-deps", "--quiet", "-e", "."],
    ]
    # A .venv that is kept is synced, not created again.
    assert env_check.install_commands("/u/uv", ".venv", "requirements.lock")[0][:3] == ["/u/uv", "pip", "sync"]


def test_venv_with_pip_when_there_is_no_uv():
    assert env_check.install_commands(None, ".venv", "requirements.lock", python="python3.11") == [
        ["python3.11", "-m", "venv", ".venv"],
        [".venv/bin/python", "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
        + ["--require-hashes", "--no-deps", "-r", "requirements.lock"],
        [".venv/bin/python", "-m", "pip", "install", "--disable-pip-version-check", "--quiet", "--no-deps", "-e", "."],
    ]


def test_an_active_env_is_installed_into_and_nothing_removed():
    uv = env_check.install_commands("/u/uv", "/env", "requirements.lock", sync=False)
    assert uv == [
        ["/u/uv", "pip", "install", "--quiet", "--python", "/env/bin/python"]
        + ["--require-hashes", "-r", "requirements.lock"],
        ["/u/uv", "pip", "install", "--python", "/env/bin/python", "--no-deps", "--quiet", "-e", "."],
    ]
    pip = env_check.install_commands(None, "/env", "requirements.lock", sync=False)
    assert pip == [
        ["/env/bin/python", "-m", "pip", "install", "--quiet"]
        + ["--require-hashes", "--no-deps", "-r", "requirements.lock"],
        ["/env/bin/python", "-m", "pip", "install", "--quiet", "--no-deps", "-e", "."],
    ]


def test_run_all_stops_at_the_first_failure(tmp_path):
    marker = tmp_path / "ran"
    assert env_check.run_all([["true"], ["sh", "-c", "exit 3"], ["touch", str(marker)]]) == 3
    assert not marker.exists()
    assert env_check.run_all([["true"], ["touch", str(marker)]]) == 0 and marker.exists()


# --- make's .venv and USE_ENV=active, end to end with stand-ins ---------------------------------------------------


def one_install_line(printed: str, start: str) -> bool:
    """The install says what it does in one line, ending with how many packages of the lock and how long."""
    count = len([pin for pin in env_check.read_pins(LOCK) if env_check.marker_applies(pin[2])])
    assert count > 100
    return re.fullmatch(re.escape(f"{start} ... {count} packages in ") + r"\d+\.\d s\n", printed) is not None


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("requirements.txt", "requirements.lock"):
        shutil.copy(REPO_ROOT / name, root / name)
    return root


def test_a_linked_venv_is_refused_and_left_alone(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    (tmp_path / "other").mkdir()
    (root / ".venv").symlink_to(tmp_path / "other")
    monkeypatch.chdir(root)
    assert env_check.make_venv(".venv", "requirements.lock", "requirements.txt", sys.executable) == 1
    assert capsys.readouterr().out == ".venv links to another project's environment: run make env there\n"
    assert (root / ".venv").is_symlink()


def test_an_unsupported_python_is_refused_before_the_venv_is_touched(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    executable(root / ".venv" / "bin" / "python", "#!/bin/sh\necho 3.12\n")  # a venv of Python 3.12
    (root / ".venv" / "pyvenv.cfg").write_text("version_info = 3.12.1\n")
    monkeypatch.chdir(root)
    monkeypatch.setattr(env_check, "python_problem", lambda: "python3.10 is Python 3.10; ...")
    # PYTHON named on the command line is another version: the venv would go, but the Python is refused first.
    assert env_check.make_venv(".venv", "requirements.lock", "requirements.txt", "python3.10", given="1") == 1
    assert capsys.readouterr().out == "python3.10 is Python 3.10; ...\n"
    assert (root / ".venv" / "pyvenv.cfg").exists()
    # A venv of this (supported) Python is kept: then PYTHON is not asked to be supported (it only installs).
    monkeypatch.setattr(env_check, "find_uv", lambda *a: executable(tmp_path / "uv"))
    monkeypatch.setattr(env_check.subprocess, "call", lambda command, **kw: 0)
    assert env_check.make_venv(".venv", "requirements.lock", "requirements.txt", "python3.10") == 0
    assert one_install_line(capsys.readouterr().out, "Installing requirements.lock into .venv with uv")


def test_a_venv_of_another_python_is_rebuilt_with_python(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").symlink_to("/nonexistent/python3.11")
    monkeypatch.chdir(root)
    calls = []
    monkeypatch.setattr(env_check.subprocess, "call", lambda command, **kw: calls.append(command) or 0)
    monkeypatch.setattr(env_check, "find_uv", lambda *a: None)
    assert env_check.make_venv(".venv", "requirements.lock", "requirements.txt", "python3.11") == 0
    rebuilt, installed = capsys.readouterr().out.split("\n", 1)
    assert rebuilt == ".venv was made with a Python that no longer runs: rebuilding it with python3.11"
    assert one_install_line(
        installed,
        "Installing requirements.lock into .venv with pip (uv not available: this takes minutes, not seconds)",
    )
    assert not (root / ".venv").exists()  # removed; the stand-in `python -m venv` made nothing
    assert calls[0] == ["python3.11", "-m", "venv", ".venv"]
    assert calls[-1] == [".venv/bin/python", str(ENV_CHECK), "matches", "requirements.lock"]


def test_a_pin_the_lock_lacks_stops_the_install(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    with open(root / "requirements.txt", "a") as requirements:
        requirements.write("tabulate==0.9.0\n")
    monkeypatch.chdir(root)
    monkeypatch.setattr(env_check, "find_uv", lambda *a: pytest.fail("looked for uv"))
    assert env_check.make_venv(".venv", "requirements.lock", "requirements.txt", sys.executable) == 1
    assert capsys.readouterr().out == (
        "requirements.txt pins tabulate==0.9.0, which requirements.lock does not: run make lock\n"
    )
    assert not (root / ".venv").exists()


def test_an_active_env_that_matches_is_left_as_it_is(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setattr(env_check, "find_uv", lambda *a: pytest.fail("looked for uv"))
    monkeypatch.setattr(env_check, "environment_problem", lambda lock: None)
    assert env_check.install_active("/env", "requirements.lock", "requirements.txt") == 0
    assert capsys.readouterr().out == ""
    monkeypatch.setattr(env_check, "environment_problem", lambda lock: "1 package(s) differ")
    monkeypatch.setattr(env_check, "find_uv", lambda *a: "/u/uv")
    calls = []
    monkeypatch.setattr(env_check.subprocess, "call", lambda command, **kw: calls.append(command) or 0)
    assert env_check.install_active("/env", "requirements.lock", "requirements.txt") == 0
    assert one_install_line(capsys.readouterr().out, "Installing requirements.lock into the active environment /env")
    assert calls == env_check.install_commands("/u/uv", "/env", "requirements.lock", sync=False)


def test_environment_problem_names_an_unsupported_python_first(monkeypatch):
    monkeypatch.setattr(env_check, "python_problem", lambda: "python is Python 3.10; ...")
    assert env_check.environment_problem(LOCK) == "python is Python 3.10; ..."


# --- make lock and environment.yml --------------------------------------------------------------------------------


def test_environment_yml_is_written_from_the_lock_as_it_stands():
    text = (REPO_ROOT / "environment.yml").read_text(encoding="utf-8")
    assert env_check.conda_environment(text, LOCK) == text
    head = text[: text.index("name:")]
    rewritten = env_check.conda_environment(head + "name: old\ndependencies:\n  - python=3.9\n", LOCK)
    assert rewritten == text  # what stood below `name:` is replaced, the comments above it kept


def test_make_lock_needs_uv(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(env_check, "find_uv", lambda *a: None)
    assert env_check.make_lock("requirements.lock", "requirements.txt", "environment.yml") == 1
    assert capsys.readouterr().out == f"make lock needs uv: pip install uv=={env_check.UV_VERSION}\n"


def test_make_lock_compiles_with_uv_then_rewrites_environment_yml(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    shutil.copy(REPO_ROOT / "environment.yml", root / "environment.yml")
    (root / "environment.yml").write_text("# kept\nname: stale\n")
    monkeypatch.chdir(root)
    log = tmp_path / "uv.log"
    uv = executable(tmp_path / "uv", f'#!/bin/sh\necho "$*" >> {log}\n')
    assert env_check.make_lock("requirements.lock", "requirements.txt", "environment.yml", uv=str(uv)) == 0
    assert log.read_text() == (
        "pip compile requirements.txt --universal --python-version 3.11 --generate-hashes --quiet "
        "--custom-compile-command make lock --output-file requirements.lock\n"
    )
    written = (root / "environment.yml").read_text()
    assert written.startswith("# kept\nname: amirova2020\n") and "  - python=3.11\n" in written
    assert not (root / "environment.yml.tmp").exists()
    assert capsys.readouterr().out == (
        "requirements.lock and environment.yml written from requirements.txt: commit them (make env installs the lock)\n"
    )


# --- the command line, and the file readable by any Python -------------------------------------------------------


def test_options_are_name_value_pairs_and_an_empty_value_is_kept():
    positional, named = env_check.options(["venv", ".venv", "--python=/p y", "--uv=", "--use-pip=1", "--given="])
    assert positional == ["venv", ".venv"]
    assert named == {"python": "/p y", "uv": "", "use_pip": "1", "given": ""}


def test_an_unknown_command_prints_the_usage(capsys):
    assert env_check.main(["nonsense"]) == 2
    assert "env_check.py venv VENV LOCK REQ" in capsys.readouterr().out


def test_the_file_has_the_syntax_of_any_python():
    """No f-strings, annotations or keyword-only syntax, and only modules of every Python imported at the top: an
    old Python reads the file and prints python_check.py's sentence (tests/tools/test_environment.py runs it)."""
    source = ENV_CHECK.read_text(encoding="utf-8")
    strings = [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.STRING]
    assert not [s for s in strings if "f" in s[: s.index(s[-1])].lower()]
    fstring_start = getattr(tokenize, "FSTRING_START", None)  # Python 3.12 and later
    assert not [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == fstring_start]
    tree = ast.parse(source)
    for node in ast.walk(tree):
        assert not isinstance(node, ast.AnnAssign)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.returns is None and not node.args.kwonlyargs, node.name
            assert all(a.annotation is None for a in node.args.args), node.name
        if isinstance(node, ast.Starred):
            assert not isinstance(getattr(node, "ctx", None), ast.Store)  # `a, *b = ...` is Python 3 only
    top = {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    assert top <= {"os", "re", "shutil", "subprocess", "sys", "time"}


@pytest.mark.parametrize("version", ["2.7", "3.6"])
def test_an_old_python_gets_the_sentence_from_every_command_that_needs_a_supported_one(tmp_path, version):
    found = [str(p) for p in Path.home().glob(f".pyenv/versions/{version}*/bin/python{version}")]
    if not found:
        pytest.skip(f"no Python {version} on this machine")
    sentence = f"{found[0]} is Python {version}; this project needs Python 3.11, 3.12 or 3.13"
    for arguments in (
        ["python"],
        ["matches", str(LOCK)],
        ["venv", str(tmp_path / "v"), str(LOCK), "r.txt", "--python=x"],
    ):
        result = subprocess.run([found[0], str(ENV_CHECK), *arguments], capture_output=True, text=True)
        assert result.returncode == 1 and result.stdout.startswith(sentence) and not result.stderr, arguments
    # The make-time look at a venv of that Python: one reason, no traceback.
    assert run_check("stale", python=found[0]).stdout == f"another Python (Python {version})\n"
