"""Seeded synthetic survey data for questionnaire v2, for examples, tests and benchmarks.

Nothing here is real data. Questionnaire v2 is the paper's questionnaire
with the changes its conclusion recommends: a fifth factor, Leadership
(management styles and quality), added to the conceptual model; and no
"freezing of vacancies" answer (the paper does not print that option, so v2
simply has none). The wording of the Leadership statements and the Russian
and Kazakh labels are this project's own, written for the synthetic data.

Generation is vectorised (numpy), so 100,000 respondents take about a second.
"""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.ingest.load import export_columns
from helpers.codebook import Codebook, check_codebook
from helpers.paths import REPO_ROOT

PAPER_CODEBOOK = REPO_ROOT / "data" / "raw" / "amirova2020" / "codebook.yaml"

RU_STAKEHOLDERS = {
    "public_pm": "Руководитель проекта от государственного сектора",
    "private_pm": "Руководитель проекта от частного сектора",
    "central_gov": "Представитель центрального государственного органа",
    "local_gov": "Представитель местного исполнительного органа",
}
RU_PILOT_BODIES = {
    "agency_civil_service": "Агентство по делам государственной службы",
    "akimat_nur_sultan": "Акимат города Нур-Султан",
    "mangistau_region": "Мангистауская область",
    "ministry_of_justice": "Министерство юстиции",
}
EXTRA_STAKEHOLDERS = [
    {"code": "unit_head", "label": {"en": "Head of a structural unit", "ru": "Руководитель структурного подразделения"},
     "short": {"en": "Unit head"}},
    {"code": "specialist", "label": {"en": "Specialist", "ru": "Специалист"}, "short": {"en": "Specialist"}},
]
SCALE_LABELS = {
    1: {"en": "Strongly Disagree", "ru": "Полностью не согласен", "kk": "Мүлдем келіспеймін"},
    2: {"en": "Disagree", "ru": "Не согласен", "kk": "Келіспеймін"},
    3: {"en": "Neutral", "ru": "Нейтрально", "kk": "Бейтарап"},
    4: {"en": "Agree", "ru": "Согласен", "kk": "Келісемін"},
    5: {"en": "Strongly Agree", "ru": "Полностью согласен", "kk": "Толықтай келісемін"},
}
NO_OPINION = {"en": "No opinion", "ru": "Затрудняюсь ответить", "kk": "Жауап беру қиын"}
LEADERSHIP = {
    "id": "leadership",
    "label": {"en": "Leadership (management styles and quality)", "ru": "Лидерство (стиль и качество управления)"},
    "short": {"en": "Leadership", "ru": "Лидерство"},
    "statements": [
        {"id": "s16", "text": {"en": "The first head's support of initiatives is important for transformation",
                               "ru": "Для трансформации важна поддержка инициатив первым руководителем"}},
        {"id": "s17", "text": {"en": "It is important that management takes employees' views into account",
                               "ru": "Важно, чтобы руководство учитывало мнение сотрудников"}},
        {"id": "s18", "text": {"en": "It is important that tasks are distributed effectively between structural units",
                               "ru": "Важно эффективное распределение задач между структурными подразделениями"}},
    ],
}
EDUCATION = ["Bachelor", "Master", "PhD"]


def codebook_v2(n_pilot_bodies: int = 4, export_file: str = "survey.csv", encoding: str = "utf-8",
                delimiter: str = ",") -> dict:
    """The v2 codebook as a dict (write it with yaml.safe_dump)."""
    paper = yaml.safe_load(PAPER_CODEBOOK.read_text(encoding="utf-8"))
    book = copy.deepcopy(paper)
    book["dataset"] = {"title": f"Synthetic survey, questionnaire v2 ({n_pilot_bodies} pilot bodies)",
                       "source": "Synthetic data made by helpers.tools.synthetic (seeded); not real responses.",
                       "synthetic": True}
    book["export"] = {"file": export_file, "encoding": encoding, "delimiter": delimiter, "id_column": "respondent_id",
                      "stakeholder_column": "stakeholder", "pilot_body_column": "pilot_body"}
    for entry in book["stakeholders"]:
        entry["label"]["ru"] = RU_STAKEHOLDERS[entry["code"]]
    book["stakeholders"] += copy.deepcopy(EXTRA_STAKEHOLDERS)
    named = copy.deepcopy(paper["pilot_bodies"])
    for entry in named:
        entry["label"]["ru"] = RU_PILOT_BODIES[entry["code"]]
    book["pilot_bodies"] = named[:n_pilot_bodies] + [
        {"code": f"pilot_body_{i:03d}", "label": {"en": f"Pilot body {i:03d}", "ru": f"Пилотный орган {i:03d}"}}
        for i in range(len(named) + 1, n_pilot_bodies + 1)]
    # The v2 profile asks no occupation (it would identify a civil servant) and no footnotes.
    book["profile"] = [f for f in paper["profile"] if f["id"] not in ("occupation", "interview_note")]
    book["profile"][[f["id"] for f in book["profile"]].index("education")]["values"] = EDUCATION
    book.pop("footnotes", None)
    book["scale"] = {"values": [1, 2, 3, 4, 5], "labels": copy.deepcopy(SCALE_LABELS),
                     "missing": [NO_OPINION["ru"], NO_OPINION["en"], NO_OPINION["kk"]]}
    book["factors"].append(copy.deepcopy(LEADERSHIP))
    book["tables"]["table1"]["caption"] = {"en": "Profile of the respondents", "ru": "Профиль респондентов"}
    for table in ("table1", "table2", "table3"):
        book["tables"][table]["note"] = {"en": "Note: synthetic data, for demonstration only",
                                         "ru": "Примечание: синтетические данные, только для демонстрации"}
    problems = check_codebook(book, "codebook_v2")
    assert not problems, problems
    return book


def generate_export(book: dict, n_respondents: int, seed: int, score_language: str | None = None,
                    blank_share: float = 0.02, no_opinion_share: float = 0.03) -> pd.DataFrame:
    """A survey export for `book`: one row per respondent, every cell text, as a survey tool writes it.

    `score_language` None writes scores as numbers and codes as codes; a
    language ("ru") writes scale labels, stakeholder types, pilot bodies and
    durations in that language, as a survey form in that language would.
    """
    rng = np.random.default_rng(seed)
    codebook = Codebook("codebook_v2", book)
    n = n_respondents
    stakeholders = codebook.stakeholders()["code"].to_numpy()
    # Civil servants far outnumber project managers, as in a snowball sample of pilot bodies.
    weights = np.array([0.04, 0.02, 0.14, 0.2, 0.25, 0.35][: len(stakeholders)])
    group = rng.choice(len(stakeholders), size=n, p=weights / weights.sum())
    bodies = codebook.pilot_bodies()["code"].to_numpy()
    columns: dict[str, np.ndarray] = {
        "respondent_id": np.char.add("S", np.char.zfill(np.arange(1, n + 1).astype(str), 6)),
        "stakeholder": stakeholders[group],
        "pilot_body": bodies[rng.integers(0, len(bodies), size=n)],
    }
    dates = pd.Timestamp("2021-03-01") + pd.to_timedelta(rng.integers(0, 120, size=n), unit="D")
    columns["interview_date"] = dates.strftime("%d.%m.%Y").to_numpy()
    age = rng.integers(23, 63, size=n)
    columns["age"] = age.astype(str)
    total = np.minimum(rng.integers(6, 40 * 12, size=n), (age - 21) * 12)
    columns["total_experience"] = _durations(total, rng.random(n) < 0.05, score_language)
    columns["position_experience"] = _durations(np.minimum(rng.integers(1, 10 * 12, size=n), total), np.zeros(n, bool),
                                                score_language)
    columns["education"] = np.array(EDUCATION)[rng.choice(3, size=n, p=[0.55, 0.4, 0.05])]
    for question in book["questions"]:
        letters = np.array([str(o["letter"]) for o in question["options"]])
        ticked = rng.random((n, len(letters))) < 0.35
        ticked[np.arange(n), rng.integers(0, len(letters), size=n)] = True  # everyone answers
        columns[question["id"]] = np.array([" ".join(letters[row]) for row in ticked])
        if question.get("other_column"):
            other = {str(o["letter"]) for o in question["options"] if o.get("other")}
            has_other = np.array([any(letter in other for letter in letters[row]) for row in ticked])
            columns[question["other_column"]] = np.where(has_other, "Лидерство (стиль и качество управления)", "")
    statements = codebook.statements()["statement_id"].to_numpy()
    base = rng.uniform(2.6, 4.6, size=(len(stakeholders), len(statements)))
    scores = np.clip(np.rint(base[group] + rng.normal(0, 0.9, size=(n, len(statements)))), 1, 5).astype(int)
    labels = {v: (SCALE_LABELS[v][score_language] if score_language else str(v)) for v in range(1, 6)}
    as_text = np.vectorize(labels.get, otypes=[object])(scores)
    draw = rng.random((n, len(statements)))
    as_text[draw < blank_share] = ""
    as_text[(draw >= blank_share) & (draw < blank_share + no_opinion_share)] = NO_OPINION[score_language or "en"]
    for j, statement in enumerate(statements):
        columns[statement] = as_text[:, j]
    frame = pd.DataFrame(columns)
    if score_language:
        for column, entries in (("stakeholder", book["stakeholders"]), ("pilot_body", book["pilot_bodies"])):
            names = {e["code"]: (e["label"].get(score_language) or e["label"]["en"]) for e in entries}
            frame[column] = frame[column].map(names)
    return frame[export_columns(codebook)]


def _durations(months: np.ndarray, lower_bound: np.ndarray, language: str | None = None) -> np.ndarray:
    """Months -> '7 years 3 months' ('7 лет 3 мес.' in Russian); 'More than 10 years' where only a bound is given."""
    years, rest = np.divmod(months, 12)
    y, m = pd.Series(years.astype(str)), pd.Series(rest.astype(str))
    if language == "ru":
        text, bound = y + " лет " + m + " мес.", "более " + y + " лет"
    else:
        text, bound = y + " years " + m + " months", "More than " + y + " years"
    return np.where(lower_bound & (years > 0), bound, text).astype(object)


def write_synthetic_dataset(folder: Path, n_respondents: int, seed: int, n_pilot_bodies: int = 200,
                            encoding: str = "utf-8", delimiter: str = ",", score_language: str | None = None) -> Path:
    """Write codebook.yaml and survey.csv of a synthetic v2 dataset into `folder`; return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    book = codebook_v2(n_pilot_bodies, encoding=encoding, delimiter=delimiter)
    (folder / "codebook.yaml").write_text(
        "# Synthetic dataset, questionnaire v2: made by helpers.tools.synthetic, not real responses.\n"
        + yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    export = generate_export(book, n_respondents, seed, score_language)
    export.to_csv(folder / "survey.csv", index=False, sep=delimiter, encoding=encoding, lineterminator="\n")
    return folder


EXAMPLE = {"name": "example-v2", "n_respondents": 360, "seed": 2021, "n_pilot_bodies": 4,
           "encoding": "cp1251", "delimiter": ";", "score_language": "ru"}

EXAMPLE_README = """# example-v2: SYNTHETIC data (questionnaire v2)

**These are not real survey answers.** The folder was written by `python -m helpers.tools.synthetic example-v2`
(seed {seed}) to show and test the pipeline on data shaped like a real pilot-body export:

- questionnaire v2: the paper's questionnaire plus the fifth factor it recommends, Leadership (management styles
  and quality), whose three statements are this project's own wording; no "freezing of vacancies" answer;
- {n_respondents} respondents, {n_pilot_bodies} pilot bodies, 6 stakeholder types;
- `survey.csv` as Excel in a Russian locale saves it: Windows-1251, semicolon-separated, Likert answers as Russian
  labels ("Полностью согласен" = 5), "Затрудняюсь ответить" (no opinion) and some blank answers.

Run `make report DATA=example-v2`.
"""


def write_example(root=REPO_ROOT) -> Path:
    """(Re)write data/raw/example-v2 of the repository: a person runs this, never the pipeline."""
    folder = write_synthetic_dataset(Path(root) / "data" / "raw" / EXAMPLE["name"], EXAMPLE["n_respondents"], EXAMPLE["seed"],
                                     EXAMPLE["n_pilot_bodies"], EXAMPLE["encoding"], EXAMPLE["delimiter"],
                                     EXAMPLE["score_language"])
    (folder / "README.md").write_text(EXAMPLE_README.format(**EXAMPLE), encoding="utf-8")
    return folder


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["example-v2"]:
        sys.exit("usage: python -m helpers.tools.synthetic example-v2")
    print(write_example())
