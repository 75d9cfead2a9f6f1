"""Does a Python environment match the project? Run by the Makefile before anything is installed.

Standard library only, and run as a file (`python src/helpers/tools/env_check.py ...`): it must work in a
Python that has none of the project's packages, and it never imports `helpers`.

    python env_check.py python             exit 1 with one sentence unless this Python is a supported version
    python env_check.py matches LOCK        exit 0 when this environment has every package of LOCK at its
                                            pinned version (and `helpers` from this copy); else one line why
    python env_check.py direct REQ LOCK     exit 1, naming them, if a pin of REQ is missing from LOCK
    python env_check.py conda LOCK          print environment.yml's pip list (every locked pin, no hashes)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    from . import python_check  # imported as helpers.tools.env_check (the tests)
except ImportError:
    import python_check  # run as a file by make: its folder is on sys.path

# The supported versions and the sentence refusing any other: in python_check.py, which any Python can run.
SUPPORTED, python_problem, supported_text = (
    python_check.SUPPORTED,
    python_check.python_problem,
    python_check.supported_text,
)

# `name==version` at the start of a requirement line, then an optional `; marker`.
PIN = re.compile(
    r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;\\]+)\s*(?:;\s*([^\\#]+?))?\s*(?:\\|#.*)?$"
)


def canonical(name: str) -> str:
    """PyPI's normalised project name (PEP 503): case and runs of - _ . do not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> list[tuple[str, str, str | None]]:
    """(canonical name, version, marker or None) of every `name==version` line of a requirements file.

    A universal lock may pin one name twice, at different versions for different Pythons."""
    pins = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            name, version, marker = match.groups()
            pins.append((canonical(name), version, marker.strip() if marker else None))
    return pins


def marker_applies(marker: str | None) -> bool:
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


def mismatches(lock: Path) -> list[str]:
    """Locked packages this environment lacks or has at another version, as `name (have X, lock Y)`."""
    from importlib import metadata

    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}
    wrong = []
    for name, version, marker in read_pins(lock):
        if not marker_applies(marker):
            continue
        have = installed.get(name)
        if have != version:
            wrong.append(f"{name} (have {have or 'none'}, lock {version})")
    return wrong


def helpers_problem(root: Path) -> str | None:
    """None when `import helpers` finds this copy's src/helpers, else why not."""
    from importlib.util import find_spec

    spec = find_spec("helpers")
    here = (root / "src" / "helpers" / "__init__.py").resolve()
    if spec is None or spec.origin is None:
        return "the package helpers is not installed"
    if Path(spec.origin).resolve() != here:
        return f"helpers comes from {Path(spec.origin).parent}, not from this copy"
    return None


def conda_pins(lock: Path) -> list[str]:
    """Every locked pin as a pip line (with its marker), for environment.yml."""
    return [f"{name}=={version}" + (f" ; {marker}" if marker else "") for name, version, marker in read_pins(lock)]


def main(argv: list[str]) -> int:
    command, *paths = argv or ["python"]
    if command == "python":
        problem = python_problem()
        if problem:
            print(problem)
            return 1
        return 0
    if command == "matches":
        lock = Path(paths[0])
        wrong = mismatches(lock)
        if wrong:
            more = f" and {len(wrong) - 3} more" if len(wrong) > 3 else ""
            print(f"{len(wrong)} package(s) differ from {lock.name}: {', '.join(wrong[:3])}{more}")
            return 1
        problem = helpers_problem(lock.resolve().parent)
        if problem:
            print(problem)
            return 1
        return 0
    if command == "direct":
        requirements, lock = map(Path, paths)
        locked = {(name, version) for name, version, _ in read_pins(lock)}
        stale = [f"{name}=={version}" for name, version, _ in read_pins(requirements) if (name, version) not in locked]
        if stale:
            print(f"{requirements.name} pins {', '.join(stale)}, which {lock.name} does not: run make lock")
            return 1
        return 0
    if command == "conda":
        print("\n".join(conda_pins(Path(paths[0]))))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
