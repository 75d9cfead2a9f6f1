"""Scratch copies of the shipped datasets (data/raw/example-v2, data/raw/amirova2020) for the tests that seed
one fault in an export or a codebook and load it through the cleaning step."""

import shutil
from pathlib import Path

import pandas as pd
import yaml

from helpers.codebook import read_codebook
from helpers.ingest.clean import clean_export
from helpers.paths import REPO_ROOT, dataset_paths

EXAMPLE = REPO_ROOT / "data" / "raw" / "example-v2"


PAPER = REPO_ROOT / "data" / "raw" / "amirova2020"


def copy_dataset(tmp_path: Path, source: Path = EXAMPLE, name: str = "x"):
    shutil.copytree(source, tmp_path / "data" / "raw" / name)
    return dataset_paths(name, tmp_path)


def example_lines(paths) -> list[str]:
    return (paths.raw / "survey.csv").read_bytes().decode("cp1251").split("\n")


def write_lines(paths, lines: list[str]) -> None:
    (paths.raw / "survey.csv").write_bytes("\n".join(lines).encode("cp1251"))


def set_field(line: str, index: int, value: str) -> str:
    fields = line.split(";")
    fields[index] = value
    return ";".join(fields)


def load(paths, on_invalid="stop"):
    return clean_export(paths, read_codebook(paths.codebook), on_invalid)


def paper_copy(tmp_path: Path, name: str = "x"):
    shutil.copytree(PAPER, tmp_path / "data" / "raw" / name)
    return dataset_paths(name, tmp_path)


def survey(paths) -> pd.DataFrame:
    return pd.read_csv(paths.raw / "survey.csv", dtype=str, keep_default_na=False)


def write_survey(paths, frame: pd.DataFrame) -> None:
    frame.to_csv(paths.raw / "survey.csv", index=False, lineterminator="\n")


def edit_codebook(paths, change) -> None:
    book = yaml.safe_load(paths.codebook.read_text(encoding="utf-8"))
    change(book)
    paths.codebook.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")


def age_field(book: dict) -> dict:
    return next(f for f in book["profile"] if f["id"] == "age")
