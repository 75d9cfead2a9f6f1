"""Where every file lives, derived from the repository root and a dataset name.

Notebooks run under papermill (working directory: the caller's), nbval (the
notebook's folder) and JupyterLab (wherever it was started); deriving every
path from this file's location makes them behave the same under all three.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Set this variable to run the whole pipeline against another copy of the
#: project tree (the tests use it to work on scratch copies of the data).
ROOT_VARIABLE = "HELPERS_PROJECT_ROOT"

#: Set by the runner (helpers.pipeline) while a step runs: the step's staging folder, and which of the
#: dataset's outputs (processed, tables, figures, report) the step writes. Those locations then point
#: into the staging folder; the runner moves the files into place only when the step has succeeded.
STAGING_VARIABLE = "HELPERS_STAGING"
WRITES_VARIABLE = "HELPERS_WRITES"
OUTPUTS = ("processed", "tables", "figures", "report")

# A dataset is a folder directly under data/raw: a plain name, nothing that
# could reach outside it.
_DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def project_root() -> Path:
    """The project tree in use: $HELPERS_PROJECT_ROOT if set, else this repository."""
    override = os.environ.get(ROOT_VARIABLE)
    return Path(override).resolve() if override else REPO_ROOT


def check_dataset_name(name: str) -> str:
    """Return `name` if it is a plain folder name, else raise ValueError saying why."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("The dataset name is empty: give the name of a folder under data/raw, e.g. DATA=amirova2020.")
    if not _DATASET_NAME.match(name) or name in {".", ".."} or ".." in name:
        raise ValueError(
            f"The dataset name {name!r} is not a plain folder name under data/raw "
            "(letters, digits, '_', '-', '.'; no '/', no '..', not an absolute path)."
        )
    return name


#: The report's language when none is given (the codebook's default language).
DEFAULT_REPORT_LANGUAGE = "en"


@dataclass(frozen=True)
class DatasetPaths:
    """All locations belonging to one dataset; the report's outputs in one folder per language.

    data/processed/<name>/ holds no words of any language and is shared; tables, figures, the report and
    the executed notebooks of the steps that take a language live in reports/<name>/<lang>/, so reports in
    several languages stand side by side and building one never overwrites another.
    """

    name: str
    root: Path
    lang: str = DEFAULT_REPORT_LANGUAGE
    staging: Path | None = None
    writes: frozenset = frozenset()

    def for_language(self, lang: str) -> "DatasetPaths":
        """The same dataset's paths with the outputs of language `lang` (and the same staging, if any)."""
        if not re.fullmatch(r"[a-z]{2,3}", str(lang)):
            raise ValueError(f"The report language {lang!r} is not a language code such as en, ru or kk.")
        return replace(self, lang=lang)

    def _output(self, kind: str, final: Path) -> Path:
        """Where this step writes `kind`: its final place, or the same place inside the staging folder."""
        if self.staging is None or kind not in self.writes:
            return final
        return self.staging / final.relative_to(self.root)

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw" / self.name

    @property
    def codebook(self) -> Path:
        return self.raw / "codebook.yaml"

    @property
    def processed(self) -> Path:
        return self._output("processed", self.root / "data" / "processed" / self.name)

    @property
    def diagnostics(self) -> Path:
        """Where a failed cleaning step leaves its list of problems: the final folder, never staged."""
        return self.root / "data" / "processed" / self.name

    @property
    def dataset_reports(self) -> Path:
        """reports/<name>/: the language folders, and the cleaning step's executed notebook."""
        return self.root / "reports" / self.name

    @property
    def reports(self) -> Path:
        """reports/<name>/<lang>/: everything a report in one language is made of."""
        return self.dataset_reports / self.lang

    @property
    def notebooks(self) -> Path:
        return self.reports / "notebooks"

    @property
    def tables(self) -> Path:
        return self._output("tables", self.reports / "tables")

    @property
    def figures(self) -> Path:
        return self._output("figures", self.reports / "figures")

    @property
    def report_html(self) -> Path:
        return self._output("report", self.reports / "report.html")

    def relative(self, path: Path) -> str:
        """`path` relative to the project root (its final place for a staged file), for messages and output."""
        path = Path(path).resolve()
        if self.staging is not None and path.is_relative_to(self.staging.resolve()):
            path = self.root / path.relative_to(self.staging.resolve())
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def files_outside(self) -> list[str]:
        """Why the dataset's folder or a file in it leads outside that folder (a symbolic link), one line each.

        Every file a step reads or hashes must be the dataset's own: a link to /etc/passwd named codebook.yaml
        would be parsed, one to a secret hashed into the report's provenance. The folder itself must lie in
        data/raw (not be a link to elsewhere)."""
        raw_root = (self.root / "data" / "raw").resolve()
        folder = self.raw.resolve()
        if not folder.is_relative_to(raw_root) or folder == raw_root:
            return [f"data/raw/{self.name} is a link to {folder}, outside data/raw: copy the dataset into data/raw/"]
        problems = []
        for path in sorted(self.raw.rglob("*")):
            if path.is_symlink() and not path.resolve().is_relative_to(folder):
                problems.append(
                    f"{path.relative_to(self.root).as_posix()} is a link to {path.resolve()}, outside the dataset's folder: "
                    "a dataset reads only its own files (copy the file in, or remove the link)"
                )
        return problems

    def raw_files(self) -> list[Path]:
        """The dataset's files (in sub-folders too), sorted; ValueError naming a link that leads outside it."""
        problems = self.files_outside()
        if problems:
            raise ValueError(problems[0])
        return sorted(p for p in self.raw.rglob("*") if p.is_file())

    def make_output_dirs(self) -> None:
        for folder in (self.processed, self.tables, self.figures):
            folder.mkdir(parents=True, exist_ok=True)


def dataset_paths(name: str, root: Path | None = None, lang: str = DEFAULT_REPORT_LANGUAGE) -> DatasetPaths:
    """Paths of dataset `name` (outputs of language `lang`); ValueError for a name that is not a plain folder name.

    Inside a step run by the runner, the outputs the step writes point into its staging folder.
    """
    staging = os.environ.get(STAGING_VARIABLE)
    writes = frozenset(filter(None, os.environ.get(WRITES_VARIABLE, "").split(",")))
    return DatasetPaths(
        check_dataset_name(name),
        Path(root) if root else project_root(),
        lang,
        Path(staging) if staging else None,
        writes,
    ).for_language(lang)
