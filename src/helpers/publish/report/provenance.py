"""What the report was made from: the parameters, a SHA-256 of every raw file and of every file the
steps read (from their records), the Python and package versions, the git commit.

The packages are every one whose code took part in a number: those the code that reads, computes, draws and
writes the report imports (`computing_packages`, read from its source, so a new import is listed without anyone
remembering to), with everything they need in turn, and the tools that run the steps."""

from __future__ import annotations

import hashlib
import json
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

#: The tools that run and check the steps: listed whatever the code imports.
RUNNERS = ("papermill", "nbval")


#: The code behind the numbers, the figures and the pages, under src/helpers.
COMPUTING_CODE = ("analysis", "ingest", "publish/figures", "publish/report", "codebook.py", "i18n.py", "processed.py")


#: Imported by the computing code only to show a result in a notebook (IPython.display): computes nothing.
DISPLAY_ONLY = {"IPython"}


#: An import statement's first name, at the start of a line. Faster than parsing every file (the report step
#: runs this once per language); a docstring line that starts with "from" or "import" yields a word that names
#: no installed distribution, and so nothing.
IMPORT_LINE = re.compile(r"^[ \t]*(?:from|import)[ \t]+([A-Za-z_]\w*)", re.M)


def imported_modules(helpers: Path) -> set[str]:
    """The top-level modules the computing code under `helpers` imports (read from its source; nothing is run)."""
    files = []
    for part in COMPUTING_CODE:
        path = Path(helpers) / part
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return {name for file in files for name in IMPORT_LINE.findall(file.read_text(encoding="utf-8"))}


def _requirements(name: str) -> list[str]:
    """The distributions `name` needs when installed without extras: its Requires-Dist, less those behind an
    extra (a marker naming only the platform or Python version is kept: a superset, never a package missed)."""
    needed = []
    for line in metadata.requires(name) or []:
        requirement, _, marker = line.partition(";")
        if "extra" not in marker:
            needed.append(re.match(r"[A-Za-z0-9._-]+", requirement.strip()).group(0))
    return needed


def _installed(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def computing_packages(helpers: Path) -> dict[str, str]:
    """Name -> version of every installed distribution the computing code imports and of all they need in turn
    (without extras), and of the RUNNERS; sorted by name."""
    owners = metadata.packages_distributions()
    own = set(owners.get("helpers", []))  # this project: it needs every tool, not only what computes
    imported = imported_modules(helpers) - {"helpers"} - DISPLAY_ONLY
    queue = [d for module in sorted(imported) for d in owners.get(module, []) if d not in own]
    versions = {name: metadata.version(name) for name in RUNNERS if _installed(name)}
    while queue:
        name = queue.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = dist.metadata["Name"]
        if key in versions:
            continue
        versions[key] = dist.version
        queue += _requirements(key)
    return dict(sorted(versions.items(), key=lambda item: item[0].lower()))


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def files_read(records: list[Path]) -> dict[str, str]:
    """Every file the steps before the report read, with its SHA-256, as their records name them."""
    read = {}
    for record in records:
        if record.name.endswith(".failed.ipynb"):
            continue
        try:
            read.update(
                json.loads(Path(record).read_text(encoding="utf-8"))["metadata"].get("helpers", {}).get("read", {})
            )
        except (OSError, ValueError, KeyError):
            continue
    return read


def provenance(raw_dir: Path, root: Path, parameters: dict, records: list[Path] = ()) -> dict:
    """Dataset, parameters, checksums of every raw file and of every file the steps read (from their
    records), Python and package versions, git commit."""
    files = [
        {"path": p.relative_to(root).as_posix(), "sha256": sha256(p)}
        for p in sorted(Path(raw_dir).rglob("*"))
        if p.is_file() and p.resolve().is_relative_to(Path(raw_dir).resolve())  # a link outside: never hashed
    ]
    listed = {f["path"] for f in files}
    files += [
        {"path": path, "sha256": digest}
        for path, digest in sorted(files_read(records).items())
        if path not in listed and not path.startswith(".venv/")
    ]
    versions = computing_packages(Path(__file__).resolve().parents[2])
    return {
        "parameters": parameters,
        "files": files,
        "python": platform.python_version(),
        "packages": versions,
        "commit": git_commit(root),
    }


def git_commit(root: Path) -> str:
    """The commit the code was at, with '+ uncommitted changes' when the tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "notebooks", "data/raw"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" + uncommitted changes" if dirty else "")
