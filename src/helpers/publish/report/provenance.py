"""What the report was made from: the parameters, a SHA-256 of every raw file and of every file the
steps read (from their records), the Python and package versions, the git commit."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

KEY_PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbval", "jinja2", "pyyaml")


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
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
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
