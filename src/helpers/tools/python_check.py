"""Is this Python one the project supports? Exit 1 with one sentence if not.

    python src/helpers/tools/python_check.py

The first thing make runs with the Python it was given, so it is written for any Python, 2.7 included (no
f-strings, no annotations): a too old Python gets the sentence, not a SyntaxError. env_check.py uses it too.
"""

import sys

# The versions this project supports; README.md, pyproject.toml and environment.yml say the same
# (tests/test_environment.py checks that they agree).
SUPPORTED = ((3, 11), (3, 12), (3, 13))


def supported_text():
    names = [".".join(map(str, version)) for version in SUPPORTED]
    return ", ".join(names[:-1]) + " or " + names[-1]


def python_problem(version=None, executable=None):
    """One sentence when this Python is not supported, else None."""
    version = tuple(version or sys.version_info[:2])
    if version in SUPPORTED:
        return None
    return (
        "%s is Python %s; this project needs Python %s: install one and run "
        "make PYTHON=/path/to/python3.11 (or python3.12, python3.13)."
        % (executable or sys.executable, ".".join(map(str, version)), supported_text())
    )


if __name__ == "__main__":
    problem = python_problem()
    if problem:
        print(problem)
        sys.exit(1)
