"""The translation coverage report: every string a report would show in a fallback language.

    python -m helpers.tools.translations [DATASET ...]     (make translations DATA=<name>)

Lists, per language (en, ru, kk), each key of src/helpers/ui_text.yaml that English has and the
language lacks, each of the paper's findings without a translation, and each label of the named
datasets' codebooks without a text in that language, with the language shown instead. A translator
adds the missing entries to those YAML files; no code changes.
"""

from __future__ import annotations

import sys

from helpers.analysis.claims import paper_claims
from helpers.codebook import LANGUAGES, read_codebook
from helpers.i18n import coverage
from helpers.paths import dataset_paths


def coverage_rows(datasets: list[str], languages=LANGUAGES) -> list[dict]:
    """Every missing string, for the project's own words and the codebooks of `datasets`."""
    rows = [{**row, "dataset": ""} for row in coverage(None, languages, paper_claims())]
    for name in datasets:
        paths = dataset_paths(name)
        for row in coverage(read_codebook(paths.codebook).raw, languages):
            if row["file"] == "codebook.yaml":
                rows.append({**row, "file": paths.relative(paths.codebook), "dataset": name})
    return rows


def main(argv: list[str]) -> int:
    rows = coverage_rows(argv)
    for row in rows:
        print(f"{row['language']}\t{row['file']}\t{row['key']}\t(shown in {row['shown_in']})")
    if rows:
        counts = {lang: sum(r["language"] == lang for r in rows) for lang in LANGUAGES}
        print("Missing: " + ", ".join(f"{lang} {n}" for lang, n in counts.items()))
    else:
        print("Every string has its translation in " + ", ".join(LANGUAGES) + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
