"""Start a new dataset: `make new-dataset NAME=x` -> data/raw/x/ with a codebook to edit and an empty export.

The template codebook is questionnaire v2 (the paper's questionnaire with the
Leadership factor it recommends), to be edited to match the questionnaire
actually sent. An existing folder is never touched.
"""
from __future__ import annotations

import sys

import yaml

from helpers.codebook import Codebook
from helpers.ingest.load import export_columns
from helpers.paths import dataset_paths
from helpers.tools.synthetic import codebook_v2

NEXT_STEPS = """Created {folder}/
  codebook.yaml  the questionnaire as data (questionnaire v2 as a start): edit it to match yours --
                 dataset title and source, pilot bodies, stakeholder types, questions, factors and statements,
                 the scale and its labels, and under `export:` the file name of your export
  survey.csv     an empty export with the columns the codebook expects: replace it with your survey tool's export
                 (CSV in UTF-8, Windows-1251 or kz1048, ',' or ';'; or .xlsx -- headers may be the ids, the
                 question/statement texts, Google Forms 'Question [Row]' grids or KoboToolbox columns)
Format and a worked example: data/raw/README.md
Then: make report DATA={name}      (add ON_INVALID=quarantine to set invalid rows aside instead of stopping)
"""


def new_dataset(name: str) -> str:
    paths = dataset_paths(name)
    if paths.raw.exists():
        raise FileExistsError(f"{paths.relative(paths.raw)} already exists; choose another NAME (nothing was changed)")
    book = codebook_v2(n_pilot_bodies=4)
    book["dataset"] = {"title": f"TODO: title of the {name} survey", "source": "TODO: who collected it, when, how",
                       "synthetic": False}
    book["export"]["encoding"] = "auto"
    book["export"]["delimiter"] = "auto"
    paths.raw.mkdir(parents=True)
    (paths.codebook).write_text("# Codebook of " + name + ": edit every TODO; format in data/raw/README.md\n"
                                + yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    (paths.raw / book["export"]["file"]).write_text(",".join(export_columns(Codebook("template", book))) + "\n",
                                                    encoding="utf-8")
    return NEXT_STEPS.format(folder=paths.relative(paths.raw), name=name)


if __name__ == "__main__":
    try:
        print(new_dataset(sys.argv[1] if len(sys.argv) > 1 else ""))
    except (ValueError, FileExistsError) as error:
        sys.exit(f"error: {error}")
