"""Start a new dataset.

    make new-dataset NAME=x FROM=path/to/export [FORM=path/to/xlsform.xlsx]
        data/raw/x/ with the export copied in, unchanged, and a draft codebook.yaml inferred from it
        (helpers.ingest.infer; from an XLSForm with FORM=, helpers.ingest.xlsform; from an SPSS .sav,
        helpers.ingest.spss). Each guess is marked in a comment; factors and roles are the one TODO.
    make new-dataset NAME=x
        data/raw/x/ with the questionnaire-v2 template codebook and an empty export, to edit by hand.

An existing folder is never touched.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import yaml

from helpers.codebook import Codebook
from helpers.ingest.draft import draft_with_lines, empty_slots, warning_lines
from helpers.ingest.infer import in_one_language, infer_codebook, read_any_export
from helpers.ingest.load import export_columns
from helpers.ingest.roles import known_in_repository, propose_roles
from helpers.paths import REPO_ROOT, dataset_paths
from helpers.tools.synthetic import codebook_v2

PAPER_CLAIMS = REPO_ROOT / "src" / "helpers" / "analysis" / "paper_claims.yaml"

NEXT_STEPS = """Created {folder}/
  codebook.yaml  the questionnaire as data (questionnaire v2 as a start): edit it to match yours --
                 dataset title and source, pilot bodies, stakeholder types, questions, factors and statements,
                 the scale and its labels, and under `export:` the file name of your export
  survey.csv     an empty export with the columns the codebook expects: replace it with your survey tool's export
                 (CSV in UTF-8, Windows-1251 or kz1048, ',' or ';'; or .xlsx -- headers may be the ids, the
                 question/statement texts, Google Forms 'Question [Row]' grids or KoboToolbox columns)
Or start from your export: make new-dataset NAME={name}-2 FROM=path/to/export.csv (a codebook is drafted from it)
Format and a worked example: data/raw/README.md
Then: make report DATA={name}      (add ON_INVALID=quarantine to set invalid rows aside instead of stopping)
"""

DRAFTED = """Created {folder}/
  {export:<14} your export, copied unchanged
  codebook.yaml  a draft inferred from it: {n_statements} statements, {n_questions} questions, {n_profile} profile fields,
                 {n_stakeholders} stakeholder types{bodies}; every guess is marked `# guess:` in a comment
Next:
  1. open {folder}/codebook.yaml, do the one TODO (which statement belongs to which factor) and check the guesses
  2. make check-codebook DATA={name}   lists what is still TODO and every mismatch with the export
  3. make report DATA={name}
"""


def paper_roles() -> dict:
    """The role names the paper's findings use (`roles:` of paper_claims.yaml), with their meaning; {} if none."""
    try:
        roles = (yaml.safe_load(PAPER_CLAIMS.read_text(encoding="utf-8")) or {}).get("roles") or {}
    except (OSError, yaml.YAMLError):
        return {}
    return {str(k): (v if isinstance(v, str) else (v or {}).get("meaning", "")) for k, v in roles.items()}


def draft_from(source: Path, name: str, form: Path | None = None) -> tuple[str, dict, list[str]]:
    """(draft codebook YAML, the draft's book, what the draft is unsure of: one line each, naming the line of
    codebook.yaml to look at) for the export `source` (and its XLSForm `form`)."""
    frame, info = read_any_export(source)
    if form is not None:
        from helpers.ingest.xlsform import infer_from_xlsform

        draft = infer_from_xlsform(form, frame, info)
        origin = f"{source.name} and the XLSForm {form.name}"
    elif source.suffix.lower() == ".sav":
        from helpers.ingest.spss import infer_from_sav

        draft = infer_from_sav(source, frame, info)
        origin = f"{source.name} (its SPSS variable and value labels)"
    else:
        draft = infer_codebook(frame, info)
        origin = source.name
    in_one_language(draft.book)
    vocabulary = paper_roles()
    known = known_in_repository(dataset_paths(name).raw.parent, vocabulary, leave_out=name)
    proposed = propose_roles(draft.book, draft.notes, known)
    text, where = draft_with_lines(draft.book, draft.notes, name, origin, draft.unused, vocabulary)
    file = f"data/raw/{name}/codebook.yaml"
    lines = warning_lines(draft.warnings, where, file)
    if proposed:
        lines.append(
            f"  {proposed} entries given a role of the paper's findings because their wording reads like one in a "
            "codebook here (each marked `guess: role`): confirm or delete each"
        )
    slots = empty_slots(draft.book)
    if slots:
        lines.append(
            f"  {slots} label slot(s) in en, ru or kk are empty (the export has one language): "
            f"make translations DATA={name} lists them"
        )
    return text, draft.book, lines


#: What `make new-dataset` says when NAME is not given: its own variable, not the DATA= of the other targets.
NAME_MISSING = (
    "NAME is empty: give the new dataset's folder name, e.g. make new-dataset NAME=ministry-2021 FROM=export.csv"
)


def new_dataset(name: str, source: str | None = None, form: str | None = None) -> str:
    if not str(name or "").strip():
        raise ValueError(NAME_MISSING)
    paths = dataset_paths(name)
    if paths.raw.exists():
        raise FileExistsError(f"{paths.relative(paths.raw)} already exists; choose another NAME (nothing was changed)")
    if source:
        source_path = Path(source).expanduser()
        if not source_path.is_file():
            raise FileNotFoundError(f"FROM={source}: no such file")
        form_path = Path(form).expanduser() if form else None
        if form_path is not None and not form_path.is_file():
            raise FileNotFoundError(f"FORM={form}: no such file")
        text, book, warnings = draft_from(
            source_path, name, form_path
        )  # before anything is written: a failure leaves nothing
        paths.raw.mkdir(parents=True)
        shutil.copyfile(source_path, paths.raw / source_path.name)
        if form_path is not None:
            shutil.copyfile(form_path, paths.raw / form_path.name)
        paths.codebook.write_text(text, encoding="utf-8")
        return DRAFTED.format(
            folder=paths.relative(paths.raw),
            export=source_path.name,
            name=name,
            n_statements=len(book["statements"]),
            n_questions=len(book["questions"]),
            n_profile=len(book["profile"]),
            n_stakeholders=len(book["stakeholders"]),
            bodies=f", {len(book['pilot_bodies'])} pilot bodies" if book.get("pilot_bodies") else "",
        ) + (("Look at (the draft is unsure):\n" + "\n".join(warnings) + "\n") if warnings else "")
    book = codebook_v2(n_pilot_bodies=4)
    book["dataset"] = {
        "title": f"TODO: title of the {name} survey",
        "source": "TODO: who collected it, when, how",
        "synthetic": False,
    }
    book["export"]["encoding"] = "auto"
    book["export"]["delimiter"] = "auto"
    paths.raw.mkdir(parents=True)
    (paths.codebook).write_text(
        "# Codebook of "
        + name
        + ": edit every TODO; format in data/raw/README.md\n"
        + yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=120),
        encoding="utf-8",
    )
    (paths.raw / book["export"]["file"]).write_text(
        ",".join(export_columns(Codebook("template", book))) + "\n", encoding="utf-8"
    )
    return NEXT_STEPS.format(folder=paths.relative(paths.raw), name=name)


if __name__ == "__main__":
    # `make new-dataset` passes NAME, FROM and FORM in the environment: a path is data, never shell text.
    arguments = (sys.argv[1:] or [os.environ.get(v, "") for v in ("NAME", "FROM", "FORM")]) + ["", "", ""]
    try:
        print(new_dataset(arguments[0], arguments[1] or None, arguments[2] or None))
    except (ValueError, FileExistsError, FileNotFoundError) as error:
        sys.exit(f"error: {error}")
