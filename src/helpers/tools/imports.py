"""The import graph of src/helpers, read from the source with `ast` (nothing is imported).

Used by the tests that keep the layout honest: imports point down the flow
(shared -> ingest -> analysis -> publish), no module imports itself in a
circle, and each step's prerequisites in the Makefile are exactly the files
its notebook loads.

    python -m helpers.tools.imports notebooks/02_tables.ipynb   # the files 02_tables loads
"""

from __future__ import annotations

import ast
import re
import json
import sys
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
SOURCE_ROOT = PACKAGE_DIR.parent

#: The stages of the flow, in order. A module may import its own stage, the shared modules and the
#: stages before it. Tools are not part of the flow and may import anything.
STAGES = ("shared", "ingest", "analysis", "publish")
TOOLS = "tools"

# A string that could name a file or folder beside a module: "ui_text.yaml", "templates".
_FILE_NAME = re.compile(r"^\w[\w-]*(\.[\w.]+)?$")


def module_file(module: str) -> Path:
    """helpers.ingest.clean -> src/helpers/ingest/clean.py (or the package's __init__.py)."""
    base = SOURCE_ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def stage_of(module: str) -> str:
    """'helpers.ingest.clean' -> 'ingest'; modules at the top of the package are 'shared'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and module_file(module).name == "__init__.py") else "shared"


def _helpers_imports(tree: ast.AST) -> set[str]:
    """Every helpers module named in an import statement, at any depth (lazy imports count too)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "helpers")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "helpers":
            for alias in node.names:  # `from helpers.analysis import tables` names a module
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if module_file(candidate).exists() else node.module)
    return found


def _with_packages(modules: set[str]) -> set[str]:
    """Importing helpers.ingest.clean runs helpers/__init__.py and helpers/ingest/__init__.py too."""
    out = set(modules)
    for module in modules:
        parts = module.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


def all_modules() -> list[str]:
    return sorted(
        ".".join(p.relative_to(SOURCE_ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in PACKAGE_DIR.rglob("*.py")
    )


@lru_cache(maxsize=None)
def imports_of(module: str) -> frozenset[str]:
    """The helpers modules `module` imports directly (package __init__ files included)."""
    tree = ast.parse(module_file(module).read_text(encoding="utf-8"))
    return frozenset(_with_packages(_helpers_imports(tree)) - {module})


def _ancestor_level(node: ast.AST) -> int | None:
    """k for `Path(__file__).parents[k]`, 0 for `Path(__file__).parent`; None for anything else."""
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        base, level = node.value, 0
    elif (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "parents"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, int)
    ):
        base, level = node.value.value, node.slice.value
    else:
        return None
    is_file = isinstance(base, ast.Call) and [ast.unparse(a) for a in base.args] == ["__file__"]
    return level if is_file and ast.unparse(base.func) == "Path" else None


def data_files_of(module: str) -> set[Path]:
    """Files beside a module that it reads: string literals naming a file or folder in its own folder, and
    names joined to a folder above it (`Path(__file__).parents[1] / "templates"`: the folder of its package)."""
    here = module_file(module)
    named = []  # (folder, name)
    for node in ast.walk(ast.parse(here.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _FILE_NAME.match(node.value):
            named.append((here.parent, node.value))
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div)
            and isinstance(node.right, ast.Constant)
            and isinstance(node.right.value, str)
            and _FILE_NAME.match(node.right.value)
            and (level := _ancestor_level(node.left)) is not None
        ):
            named.append((here.parents[level], node.right.value))
    found = set()
    for folder, name in named:
        target = folder / name
        if target.is_file() and target.suffix != ".py":
            found.add(target)
        elif target.is_dir() and target.name != "__pycache__":
            found.update(p for p in target.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return found


def closure(modules: set[str]) -> set[str]:
    """`modules` and everything they import, transitively."""
    seen, todo = set(), list(_with_packages(set(modules)))
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(imports_of(module) - seen)
    return seen


def notebook_imports(notebook: Path) -> set[str]:
    """The helpers modules a notebook's code cells import."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return _with_packages(_helpers_imports(ast.parse("\n".join(lines))))


def files_loaded(notebook: Path) -> set[Path]:
    """Every file of src/helpers that running `notebook` loads: modules and the data files they read."""
    modules = closure(notebook_imports(notebook))
    files = {module_file(m) for m in modules}
    for module in modules:
        files |= data_files_of(module)
    return files


def upward_imports() -> list[str]:
    """Each import that points up the flow, as 'importer -> imported (stage -> stage)'."""
    wrong = []
    for module in all_modules():
        stage = stage_of(module)
        if stage == TOOLS or module == "helpers":
            continue
        for imported in sorted(imports_of(module)):
            target = stage_of(imported)
            if imported != "helpers" and (target == TOOLS or STAGES.index(target) > STAGES.index(stage)):
                wrong.append(f"{module} -> {imported} ({stage} -> {target})")
    return wrong


def import_cycles() -> list[list[str]]:
    """Circles in the import graph (each found once, from its smallest module). A module's own packages are no
    step of a circle: Python runs a package's __init__.py before any module of it, so a module of a package whose
    __init__.py imports it back (helpers.publish.report.tables, helpers.publish.report) is no circle."""
    cycles = []

    def visit(start, module, path):
        for imported in sorted(imports_of(module)):
            if module.startswith(imported + "."):
                continue
            if imported == start:
                cycles.append(path + [start])
            elif imported > start and imported not in path:
                visit(start, imported, path + [imported])

    for module in all_modules():
        visit(module, module, [module])
    return [c for c in cycles if "helpers" not in c]


if __name__ == "__main__":
    for path in sorted(files_loaded(Path(sys.argv[1]))):
        print(path.relative_to(SOURCE_ROOT.parent).as_posix())
