"""The tree shows the flow: helpers grouped by stage, imports only down the flow, no circle,
and each step's Makefile prerequisites exactly the helper files its notebook loads."""

import ast
import re
import subprocess

import pytest

from helpers.paths import REPO_ROOT
from helpers.tools import imports

STEPS = ("01_clean", "02_tables", "03_priorities", "04_figures", "05_report")


def test_stages_are_folders():
    folders = {p.name for p in imports.PACKAGE_DIR.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {"ingest", "analysis", "publish", "tools"}
    # Where a newcomer would look: reading a Kobo export, Kendall's W, the PDF.
    assert "KoboToolbox" in (imports.PACKAGE_DIR / "ingest" / "shapes.py").read_text(encoding="utf-8")
    assert "def kendalls_w" in (imports.PACKAGE_DIR / "analysis" / "stats.py").read_text(encoding="utf-8")
    assert "def print_pdf" in (imports.PACKAGE_DIR / "publish" / "browser.py").read_text(encoding="utf-8")


def test_imports_point_down_the_flow():
    assert imports.upward_imports() == []


def test_no_import_circle():
    assert imports.import_cycles() == []


def test_an_upward_import_is_caught(monkeypatch):
    """The check is not blind: a planted import of publishing from ingest, and a circle, are reported."""
    planted = {
        "helpers.ingest.clean": frozenset({"helpers.publish.figures"}),
        "helpers.publish.figures": frozenset({"helpers.ingest.clean"}),
    }
    real = imports.imports_of
    monkeypatch.setattr(imports, "imports_of", lambda m: planted.get(m, real(m)))
    assert "helpers.ingest.clean -> helpers.publish.figures (ingest -> publish)" in imports.upward_imports()
    assert ["helpers.ingest.clean", "helpers.publish.figures", "helpers.ingest.clean"] in imports.import_cycles()


def test_stage_of():
    assert imports.stage_of("helpers.ingest.clean") == "ingest"
    assert imports.stage_of("helpers.analysis") == "analysis"
    assert imports.stage_of("helpers.paths") == "shared"
    assert imports.stage_of("helpers") == "shared"


def makefile_prerequisites(step: str) -> set[str]:
    """The helper files among a step's prerequisites, as make itself expands them."""
    database = subprocess.run(
        ["make", "-pnq", "-f", "Makefile", "DATA=amirova2020", "help"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout
    folder = "notebooks" if step == "01_clean" else "%/notebooks"  # steps 02-05: one run per language
    target = f"reports/amirova2020/{folder}/{step}.ipynb:"
    line = next(row for row in database.splitlines() if row.startswith(target))
    return {p for p in line[len(target) :].split() if p.startswith("src/helpers/")}


@pytest.mark.parametrize("step", STEPS)
def test_makefile_prerequisites_are_the_files_the_step_loads(step):
    loaded = {
        p.relative_to(REPO_ROOT).as_posix() for p in imports.files_loaded(REPO_ROOT / "notebooks" / f"{step}.ipynb")
    }
    # The runner that executes every step: its command line and what the runner imports, transitively (not what only
    # `python -m helpers.pipeline check` imports, which no step runs), and the module that ends a step with its make.
    runner = imports.closure({"helpers.runner", "helpers.processes"}) | {"helpers.pipeline"}
    loaded |= {
        p.relative_to(REPO_ROOT).as_posix() for m in runner for p in {imports.module_file(m), *imports.data_files_of(m)}
    }
    assert makefile_prerequisites(step) == loaded


def test_notebooks_start_with_one_setup_call():
    import json

    for step in STEPS:
        cells = json.loads((REPO_ROOT / "notebooks" / f"{step}.ipynb").read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert "parameters" in code[0]["metadata"].get("tags", [])
        setup = [line for line in "".join(code[1]["source"]).splitlines() if line.strip()]
        assert setup == [
            "from helpers.notebook import setup",
            "paths = setup(dataset)  # display options, and every path of the dataset",
        ], step
        assert not any("set_option" in "".join(c["source"]) for c in code), step


def test_module_docstrings_name_the_modules_of_their_folder():
    """Each folder's opening docstring lists its modules, in the words of the README's layout section."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    for init in imports.PACKAGE_DIR.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")), clean=False)
        folder = init.parent
        modules = {p.stem for p in folder.glob("*.py") if p.name != "__init__.py"}
        listed = set(re.findall(r"^\s*(\w+)\s+--", doc, flags=re.MULTILINE))
        assert listed == modules, folder
        assert all(re.search(rf"\b{m}\b", layout) for m in modules), folder
        if folder != imports.PACKAGE_DIR:
            assert f" {folder.name}/ " in layout
