"""The Makefile's environment decisions: which Python, which environment, when to rebuild it, uv or pip.

Standard library only, and run as a file (`python src/helpers/tools/env_check.py ...`): it must work in a
Python that has none of the project's packages, and it never imports `helpers`. Its syntax is that of any
Python, 2.7 included (no f-strings, no annotations, nothing beyond the standard library at the top), so a Python
the project does not support is refused in python_check.py's one sentence, never with a SyntaxError.

    python env_check.py python             exit 1 with one sentence unless this Python is a supported version
    python env_check.py matches LOCK        exit 0 when this environment (a supported Python) has every package
                                            of LOCK at its pinned version and `helpers` from this copy; else one
                                            line why
    python env_check.py direct REQ LOCK     exit 1, naming them, if a pin of REQ is missing from LOCK
    python env_check.py conda LOCK          print environment.yml's pip list (every locked pin, no hashes)
    VENV/bin/python env_check.py stale [PYTHON]
                                            why VENV must be rebuilt (its Python is not supported, or is not
                                            the version of PYTHON, named on make's command line), or nothing
    PYTHON env_check.py venv VENV LOCK REQ [OPTIONS]
                                            make's .venv: refuse a linked one; rebuild one of another Python;
                                            refuse an unsupported PYTHON; install LOCK (uv or pip), then this
                                            package; check the result (`matches`)
    VENV/bin/python env_check.py active VENV LOCK REQ [OPTIONS]
                                            USE_ENV=active: install LOCK and this package into the activated
                                            VENV unless it already matches (nothing is removed)
    PYTHON env_check.py lock LOCK REQ ENVIRONMENT_YML [OPTIONS]
                                            re-resolve REQ into LOCK with uv, and write ENVIRONMENT_YML's pins

OPTIONS: --python=PYTHON (creates .venv and fetches uv), --given=PYTHON (when named on make's command line),
--uv=UV (uv's path), --use-pip=ANY (non-empty: pip, never uv).
"""

from __future__ import print_function

import os
import re
import shutil
import subprocess
import sys
import time

try:
    from . import python_check  # imported as helpers.tools.env_check (the tests)
except (ImportError, ValueError, SystemError):  # run as a file by make: its folder is on sys.path
    import python_check

# The supported versions and the sentence refusing any other: in python_check.py, which any Python can run.
SUPPORTED, python_problem, supported_text = (
    python_check.SUPPORTED,
    python_check.python_problem,
    python_check.supported_text,
)

# uv (https://docs.astral.sh/uv/) installs in seconds what pip installs in a minute or more. When it is not on
# PATH, it is fetched from PyPI with pip once, into a folder of its own version under the user's cache.
UV_VERSION = "0.13.9"

# `name==version` at the start of a requirement line, then an optional `; marker`.
PIN = re.compile(
    r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;\\]+)\s*(?:;\s*([^\\#]+?))?\s*(?:\\|#.*)?$"
)


def canonical(name):
    """PyPI's normalised project name (PEP 503): case and runs of - _ . do not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_text(path):
    with open(str(path), "rb") as handle:
        return handle.read().decode("utf-8")


def read_pins(path):
    """(canonical name, version, marker or None) of every `name==version` line of a requirements file.

    A universal lock may pin one name twice, at different versions for different Pythons."""
    pins = []
    for line in read_text(path).splitlines():
        match = PIN.match(line)
        if match:
            name, version, marker = match.groups()
            pins.append((canonical(name), version, marker.strip() if marker else None))
    return pins


def marker_applies(marker):
    """Whether a PEP 508 marker holds here; pip's own copy of `packaging` evaluates it."""
    if not marker:
        return True
    try:
        from packaging.markers import Marker
    except ImportError:
        try:
            from pip._vendor.packaging.markers import Marker
        except ImportError:  # no evaluator at all: count the pin, a missing package is then reported
            return True
    return Marker(marker).evaluate()


def mismatches(lock):
    """Locked packages this environment lacks or has at another version, as `name (have X, lock Y)`."""
    from importlib import metadata

    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}
    wrong = []
    for name, version, marker in read_pins(lock):
        if not marker_applies(marker):
            continue
        have = installed.get(name)
        if have != version:
            wrong.append("%s (have %s, lock %s)" % (name, have or "none", version))
    return wrong


def helpers_problem(root):
    """None when `import helpers` finds this copy's src/helpers, else why not."""
    from importlib.util import find_spec

    spec = find_spec("helpers")
    here = os.path.realpath(os.path.join(str(root), "src", "helpers", "__init__.py"))
    if spec is None or spec.origin is None:
        return "the package helpers is not installed"
    if os.path.realpath(spec.origin) != here:
        return "helpers comes from %s, not from this copy" % os.path.dirname(spec.origin)
    return None


def environment_problem(lock):
    """None when this Python is supported and its environment matches `lock` (and has this copy's helpers)."""
    problem = python_problem()
    if problem:
        return problem
    wrong = mismatches(lock)
    if wrong:
        more = " and %d more" % (len(wrong) - 3) if len(wrong) > 3 else ""
        return "%d package(s) differ from %s: %s%s" % (
            len(wrong),
            os.path.basename(str(lock)),
            ", ".join(wrong[:3]),
            more,
        )
    return helpers_problem(os.path.dirname(os.path.abspath(str(lock))))


def unlocked_pins(requirements, lock):
    """The sentence naming the pins of `requirements` that `lock` does not have, or None."""
    locked = set((name, version) for name, version, _ in read_pins(lock))
    stale = [
        "%s==%s" % (name, version) for name, version, _ in read_pins(requirements) if (name, version) not in locked
    ]
    if stale:
        return "%s pins %s, which %s does not: run make lock" % (
            os.path.basename(str(requirements)),
            ", ".join(stale),
            os.path.basename(str(lock)),
        )
    return None


def conda_pins(lock):
    """Every locked pin as a pip line (with its marker), for environment.yml."""
    return [name + "==" + version + (" ; " + marker if marker else "") for name, version, marker in read_pins(lock)]


def conda_environment(text, lock):
    """environment.yml: what `text` (the file as it is) holds above `name:`, then the env with every locked pin."""
    head = []
    for line in text.splitlines(True):
        if line.startswith("name:"):
            break
        head.append(line)
    # One version, in the form repo2docker (Binder) reads: it does not parse a range such as python>=3.11,<3.14,
    # falls back to its default Python and upgrades it inside that environment. The oldest supported one, the
    # version the lock is resolved for.
    return "".join(head) + "".join(
        line + "\n"
        for line in ["name: amirova2020", "channels:", "  - conda-forge", "dependencies:"]
        + ["  - python=%s" % version_text(SUPPORTED[0]), "  - pip", "  - pip:"]
        + ["      - " + pin for pin in conda_pins(lock)]
    )


# --- the Pythons: which one made .venv, and whether that one stays -------------------------------------------


def version_text(version):
    return "%d.%d" % tuple(version[:2])


def version_of(python):
    """'3.11' for the Python at `python`, or None when it does not run (uninstalled, a link to nowhere)."""
    try:
        with open(os.devnull, "w") as devnull:
            command = [python, "-E", "-S", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=devnull)
            out = process.communicate()[0].decode("ascii", "replace").strip()
    except OSError:
        return None
    return out if process.returncode == 0 and out else None


def rebuild_reason(found, wanted=None):
    """Why a venv whose Python is version `found` ('3.10'; None when it no longer runs) is rebuilt, or None.

    It is rebuilt when its Python no longer runs or is not supported, and when `wanted` (the version of a
    PYTHON named on make's command line; '' when that one does not run) is another version. A stamp that is
    up to date cannot see any of these."""
    if not found:
        return "a Python that no longer runs"
    supported = tuple(int(part) for part in found.split(".")[:2]) in SUPPORTED
    if not supported or (wanted is not None and wanted != found):
        return "another Python (Python %s)" % found
    return None


# --- installing: uv where it can be had, pip otherwise -----------------------------------------------------------


def which(name):
    """`command -v name`: the path of an executable file, looked up on PATH unless `name` holds a '/'."""
    folders = [""] if os.sep in name else os.environ.get("PATH", "").split(os.pathsep)
    for folder in folders:
        path = os.path.join(folder, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def uv_home(environ=None):
    environ = os.environ if environ is None else environ
    cache = environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME", ""), ".cache")
    return os.path.join(cache, "amirova2020", "uv-" + UV_VERSION)


def find_uv(uv="", use_pip="", python=None):
    """uv's path -- `uv` (UV=), uv on PATH, or uv fetched with `python -m pip` once -- or None: then pip installs.

    Looked for only here, when an install is due: never before the Python that would fetch it has been checked."""
    if use_pip:
        return None
    found = which(uv or "uv")
    if found:
        return found
    fetched = os.path.join(uv_home(), "bin", "uv")
    if which(fetched) is None and python:
        command = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        command += ["--target", uv_home(), "uv==" + UV_VERSION]
        environ = dict(os.environ, PIP_ROOT_USER_ACTION="ignore")
        try:
            subprocess.call(command, stdout=sys.stderr, env=environ)
        except OSError:
            pass
    return which(fetched)


def install_commands(uv, venv, lock, python=None, sync=True):
    """The commands that install `lock`, then this package (editable, no dependencies to resolve), into `venv`.

    With `python`, the venv is created first. `sync` (make's .venv) also removes what the lock does not have;
    an activated env keeps its other packages. Both check every hash."""
    py = os.path.join(venv, "bin", "python")
    commands = []
    if uv:
        if python:
            commands.append([uv, "venv", "--quiet", "--python", python, venv])
        # --quiet: uv would list every package it installs (+ name==version, some 150 lines); install() says
        # in one line what it did.
        if sync:
            commands.append([uv, "pip", "sync", "--quiet", "--python", py, "--require-hashes", lock])
        else:
            commands.append([uv, "pip", "install", "--quiet", "--python", py, "--require-hashes", "-r", lock])
        commands.append([uv, "pip", "install", "--python", py, "--no-deps", "--quiet", "-e", "."])
        return commands
    if python:
        commands.append([python, "-m", "venv", venv])
    pip = [py, "-m", "pip", "install"]
    if sync:
        pip += ["--disable-pip-version-check"]
    commands.append(pip + ["--quiet", "--require-hashes", "--no-deps", "-r", lock])
    commands.append(pip + ["--quiet", "--no-deps", "-e", "."])
    return commands


def say(line):
    print(line)
    sys.stdout.flush()  # before the output of the commands run next


def install(line, commands, lock):
    """Run the install `commands` under one progress line: `line`, then (on the same line) how many packages of
    `lock` this Python takes and how long it took. The installers themselves are quiet; their errors still show."""
    sys.stdout.write(line + " ... ")
    sys.stdout.flush()
    started = time.time()
    status = run_all(commands)
    if status:
        say("failed")
    else:
        count = len([pin for pin in read_pins(lock) if marker_applies(pin[2])])
        say("%d packages in %.1f s" % (count, time.time() - started))
    return status


def run_all(commands):
    """Run the commands in order; the exit status of the first that fails, else 0."""
    for command in commands:
        status = subprocess.call(command)
        if status:
            return status
    return 0


def make_venv(venv, lock, requirements, python, given="", uv="", use_pip=""):
    """make's .venv (run by PYTHON, which creates it): exit status, each refusal in one line."""
    # A linked .venv belongs to another copy of the project (make bench links its scratch copy to this one):
    # `pip install -e .` here would point that environment at this folder. Refuse rather than repoint it.
    if os.path.islink(venv):
        say("%s links to another project's environment: run make env there" % venv)
        return 1
    if os.path.exists(venv):
        wanted = version_text(sys.version_info) if given else None  # this Python is PYTHON
        reason = rebuild_reason(version_of(os.path.join(venv, "bin", "python")), wanted)
        if reason:
            if python_problem():
                say(python_problem())
                return 1
            say("%s was made with %s: rebuilding it with %s" % (venv, reason, python))
            if os.path.isdir(venv):
                shutil.rmtree(venv)
            else:
                os.remove(venv)
    create = not os.path.exists(venv)
    problem = (create and python_problem()) or unlocked_pins(requirements, lock)  # the Python first
    if problem:
        say(problem)
        return 1
    uv = find_uv(uv, use_pip, python)
    if uv:
        line = "Installing %s into %s with uv" % (lock, venv)
    else:
        line = "Installing %s into %s with pip (uv not available: this takes minutes, not seconds)" % (lock, venv)
    status = install(line, install_commands(uv, venv, lock, python if create else None), lock)
    return status or subprocess.call([os.path.join(venv, "bin", "python"), os.path.abspath(__file__), "matches", lock])


def install_active(venv, lock, requirements, python=None, uv="", use_pip=""):
    """USE_ENV=active (run by the activated env's Python): the lock and this package, unless already there."""
    problem = python_problem() or unlocked_pins(requirements, lock)  # the Python first
    if problem:
        say(problem)
        return 1
    if environment_problem(lock) is None:
        return 0
    uv = find_uv(uv, use_pip, python)
    line = "Installing %s into the active environment %s" % (lock, venv)
    return install(line, install_commands(uv, venv, lock, sync=False), lock)


def make_lock(lock, requirements, environment_yml, python=None, uv="", use_pip=""):
    """uv resolves for every platform and every supported Python at once; environment.yml lists the same pins."""
    uv = find_uv(uv, use_pip, python)
    if not uv:
        say("make lock needs uv: pip install uv==%s" % UV_VERSION)
        return 1
    command = [uv, "pip", "compile", requirements, "--universal", "--python-version", version_text(SUPPORTED[0])]
    command += ["--generate-hashes", "--quiet", "--custom-compile-command", "make lock", "--output-file", lock]
    status = subprocess.call(command)
    if status:
        return status
    text = conda_environment(read_text(environment_yml), lock)
    with open(environment_yml + ".tmp", "wb") as handle:
        handle.write(text.encode("utf-8"))
    os.rename(environment_yml + ".tmp", environment_yml)
    say("%s and %s written from %s: commit them (make env installs the lock)" % (lock, environment_yml, requirements))
    return 0


def options(arguments):
    """The positional arguments, and the --name=value options as keyword arguments (name with '_' for '-')."""
    positional, named = [], {}
    for argument in arguments:
        if argument.startswith("--") and "=" in argument:
            name, value = argument[2:].split("=", 1)
            named[name.replace("-", "_")] = value
        else:
            positional.append(argument)
    return positional, named


def main(argv):
    argv = list(argv) or ["python"]
    command, (paths, named) = argv[0], options(argv[1:])
    if command == "python":
        problem = python_problem()
    elif command == "matches":
        problem = environment_problem(paths[0])
    elif command == "direct":
        problem = unlocked_pins(*paths)
    elif command == "conda":
        print("\n".join(conda_pins(paths[0])))
        return 0
    elif command == "stale":  # run by the venv's own Python: it prints why, and exits 0 either way
        given = version_of(paths[0]) or "" if paths else None
        print(rebuild_reason(version_text(sys.version_info), given) or "")
        return 0
    elif command == "venv":
        return make_venv(*paths, **named)
    elif command == "active":
        named.pop("given", None)
        return install_active(*paths, **named)
    elif command == "lock":
        named.pop("given", None)
        return make_lock(*paths, **named)
    else:
        print(__doc__)
        return 2
    if problem:
        print(problem)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
