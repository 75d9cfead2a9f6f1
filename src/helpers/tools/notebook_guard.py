"""Keep the nbval reference safe from interactive work: one line per notebook that no longer holds it.

The outputs stored in notebooks/*.ipynb are the reference nbval compares against (`make baseline` writes
them, with make's default parameters, on the `python3` kernel). Running a notebook in JupyterLab on another
dataset and saving it replaces them: nbval would then fail cell after cell with no word of why. This
module names the cause in one line, with the way back:

- as a pytest plugin (registered by conftest.py), the nbval cells of such a notebook become one failing
  test carrying that line;
- as a pre-commit hook (`python -m helpers.tools.notebook_guard notebooks/*.ipynb`), it stops the commit.

What counts as the reference is read from the Makefile (`-p dataset $(DATA)` and `DATA ?= amirova2020`),
not written here a second time.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest

from helpers.paths import REPO_ROOT

REFERENCE_KERNEL = "python3"


def reference_kernels(makefile: Path = REPO_ROOT / "Makefile") -> set[str]:
    """The kernels whose outputs are the reference's: `python3`, and the named kernel `make lab` registers
    (KERNEL_NAME in the Makefile), which runs the same environment."""
    named = re.search(r"^KERNEL_NAME :?= *(\S+)", makefile.read_text(encoding="utf-8"), re.M)
    return {REFERENCE_KERNEL, *([named.group(1)] if named else [])}


def makefile_defaults(makefile: Path = REPO_ROOT / "Makefile") -> dict[str, str]:
    """{notebook parameter: the value make passes by default}, from the recipes' `-p name $(VAR)`,
    `--from-env name=VAR` and `VAR ?= value`. `-p lang $*` in the per-language rules passes a word of REPORT_LANG."""
    text = makefile.read_text(encoding="utf-8")
    variables = {name: value.strip() for name, value in re.findall(r"^([A-Z_]+) \?=[ \t]*(.*)$", text, re.M)}
    passed = dict(re.findall(r"-p (\w+) '?\$\((\w+)\)'?", text))
    for pairs in re.findall(r"--from-env((?: \w+=\w+)+)", text):
        passed.update(pair.split("=") for pair in pairs.split())
    passed.update({name: "REPORT_LANG" for name in re.findall(r"-p (\w+) \$\*", text)})
    return {parameter: variables[variable] for parameter, variable in passed.items() if variable in variables}


def parameter_values(notebook: dict) -> dict[str, object]:
    """{name: value} assigned in the cell tagged `parameters` (plain or annotated assignments of literals)."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            values = {}
            for node in ast.parse(source).body:
                target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
                if isinstance(target, ast.Name) and getattr(node, "value", None) is not None:
                    try:
                        values[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        values[target.id] = ast.unparse(node.value)
            return values
    return {}


def drift(path: Path, defaults: dict[str, str] | None = None) -> str | None:
    """One line when the notebook at `path` no longer holds the reference run, else None."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    defaults = makefile_defaults() if defaults is None else defaults
    changed = [
        f"{name} = {value!r} (reference {defaults[name]!r})"
        for name, value in parameter_values(notebook).items()
        if name in defaults and str(value) != defaults[name]
    ]
    kernel = notebook.get("metadata", {}).get("kernelspec", {}).get("name")
    other_kernel = kernel and kernel not in reference_kernels()
    if not changed and not other_kernel:
        return None
    try:
        shown = Path(path).resolve().relative_to(REPO_ROOT)
    except ValueError:
        shown = Path(path)
    if not changed:  # the parameters are the reference's: only the environment may differ
        return (
            f"{shown} was saved on the kernel {kernel!r}, another environment than the reference's "
            f"({' or '.join(map(repr, sorted(reference_kernels())))}), so its stored outputs may not be nbval's "
            f"reference: restore it with `git checkout {shown}`, or run it on one of those kernels and save it again."
        )
    return (
        f"{shown} was saved with {', '.join(changed)}{f' on the kernel {kernel!r}' if other_kernel else ''}, so its "
        f"stored outputs are not nbval's reference: restore it with `git checkout {shown}` (or, to change the "
        f"reference on purpose, change make's default and run `make baseline`)."
    )


class NotTheReference(pytest.Item):
    """Stands in for the nbval cells of a notebook that no longer holds the reference: fails with one line."""

    def __init__(self, *, message: str, **kwargs):
        super().__init__(**kwargs)
        self.message = message

    def runtest(self):
        raise NotTheReferenceError(self.message)

    def repr_failure(self, excinfo):
        return self.message if excinfo.errisinstance(NotTheReferenceError) else super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.name


class NotTheReferenceError(Exception):
    pass


def pytest_collection_modifyitems(session, config, items):
    """Replace the nbval cells of each notebook that drifted from the reference by one explaining test."""
    if not getattr(config.option, "nbval", False):
        return
    defaults, replaced, kept = makefile_defaults(), {}, []
    for item in items:
        path = Path(str(item.path))
        if path.suffix != ".ipynb":
            kept.append(item)
            continue
        if path not in replaced:
            message = drift(path, defaults)
            replaced[path] = message and NotTheReference.from_parent(
                item.parent.parent, name=f"{path.name}::reference", path=path, message=message
            )
            if replaced[path]:
                kept.append(replaced[path])
        if not replaced[path]:
            kept.append(item)
    items[:] = kept


def invalid(path: Path) -> str | None:
    """One line when the file is not a valid nbformat 4 notebook (a bad merge, a hand edit), else None."""
    import nbformat

    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as error:  # any reason a notebook cannot be read back is worth the same one line
        return f"{path} is not a valid notebook: {str(error).splitlines()[0]}"
    return None


def main(paths: list[str]) -> int:
    """The pre-commit hook and `make lint`: one line per notebook that is invalid or not the reference."""
    lines = [line for line in (invalid(Path(p)) or drift(Path(p)) for p in paths) if line]
    for line in lines:
        print(line)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
