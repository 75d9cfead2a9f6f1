"""Seeded synthetic survey data for questionnaire v2, for examples, tests and benchmarks.

Nothing here is real data. Questionnaire v2 is the paper's questionnaire
with the changes its conclusion recommends: a fifth factor, Leadership
(management styles and quality), added to the conceptual model; and no
"freezing of vacancies" answer (the paper does not print that option, so v2
simply has none). The wording of the Leadership statements and the Russian
and Kazakh labels are this project's own, written for the synthetic data.

Answers come from a latent model (factor levels per respondent, group shifts, item
noise), described in the example's README (EXAMPLE_README below).
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
KK_STAKEHOLDERS = {
    "public_pm": "Мемлекеттік сектордан жоба жетекшісі",
    "private_pm": "Жеке сектордан жоба жетекшісі",
    "central_gov": "Орталық мемлекеттік орган өкілі",
    "local_gov": "Жергілікті атқарушы орган өкілі",
}
KK_PILOT_BODIES = {
    "agency_civil_service": "Мемлекеттік қызмет істері агенттігі",
    "akimat_nur_sultan": "Нұр-Сұлтан қаласының әкімдігі",
    "mangistau_region": "Маңғыстау облысы",
    "ministry_of_justice": "Әділет министрлігі",
}
RU_PILOT_BODIES = {
    "agency_civil_service": "Агентство по делам государственной службы",
    "akimat_nur_sultan": "Акимат города Нур-Султан",
    "mangistau_region": "Мангистауская область",
    "ministry_of_justice": "Министерство юстиции",
}
EXTRA_STAKEHOLDERS = [
    {
        "code": "unit_head",
        "role": "civil_servant",
        "label": {
            "en": "Head of a structural unit",
            "ru": "Руководитель структурного подразделения",
            "kk": "Құрылымдық бөлімше басшысы",
        },
        "short": {"en": "Unit head", "ru": "Рук. подразделения", "kk": "Бөлімше басшысы"},
    },
    {
        "code": "specialist",
        "role": "civil_servant",
        "label": {"en": "Specialist", "ru": "Специалист", "kk": "Маман"},
        "short": {"en": "Specialist", "ru": "Специалист", "kk": "Маман"},
    },
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
    "role": "leadership_factor",
    "label": {
        "en": "Leadership (management styles and quality)",
        "ru": "Лидерство (стиль и качество управления)",
        "kk": "Көшбасшылық (басқару стилі мен сапасы)",
    },
    "short": {"en": "Leadership", "ru": "Лидерство", "kk": "Көшбасшылық"},
    "statements": [
        {
            "id": "s16",
            "text": {
                "en": "The first head's support of initiatives is important for transformation",
                "ru": "Для трансформации важна поддержка инициатив первым руководителем",
                "kk": "Трансформация үшін бастамаларды бірінші басшының қолдауы маңызды",
            },
        },
        {
            "id": "s17",
            "text": {
                "en": "It is important that management takes employees' views into account",
                "ru": "Важно, чтобы руководство учитывало мнение сотрудников",
                "kk": "Басшылықтың қызметкерлер пікірін ескеруі маңызды",
            },
            "role": "views_considered_statement",
        },
        {
            "id": "s18",
            "text": {
                "en": "It is important that tasks are distributed effectively between structural units",
                "ru": "Важно эффективное распределение задач между структурными подразделениями",
                "kk": "Міндеттерді құрылымдық бөлімшелер арасында тиімді бөлу маңызды",
            },
            "role": "tasks_distribution_statement",
        },
    ],
}
EDUCATION = ["Bachelor", "Master", "PhD"]
EDUCATION_LABELS = {
    "Bachelor": {"en": "Bachelor", "ru": "Бакалавр", "kk": "Бакалавр"},
    "Master": {"en": "Master", "ru": "Магистр", "kk": "Магистр"},
    "PhD": {"en": "PhD", "ru": "Доктор философии", "kk": "Философия докторы"},
}
#: v2 lists Leadership among the factors of the first question; "Other" moves to the last letter.
LEADERSHIP_OPTION = {
    "letter": "E",
    "text": {
        "en": "Leadership (management styles and quality)",
        "ru": "Лидерство (стиль и качество управления)",
        "kk": "Көшбасшылық (басқару стилі мен сапасы)",
    },
    "factor": "leadership",
    "role": "leadership_option",
}

# The latent model (documented for readers in MODEL_README). Levels are on the scale's units.
GROUP_SHIFT_SD = 0.3  # how far a stakeholder type's level on a factor lies from the others'
PERSON_SD = 0.75  # spread of respondents' own levels within a type
FACTOR_CORRELATION = 0.4  # respondents who value one factor tend to value the others
ITEM_NOISE_SD = 0.6  # a statement's own noise: with PERSON_SD, Cronbach's alpha of 0.7-0.9
STATEMENT_BASELINE = (3.3, 4.2)  # a statement's mean answer before the group and personal parts
NO_OPINION_RATE = (0.01, 0.06)  # share of "no opinion" answers, per statement
FACTOR_OPTION_RATE = (0.35, 0.65)  # how often an option naming a factor is ticked at an average level
CHOICE_SLOPE = 1.2  # log-odds of ticking it per unit of that factor's level
PLAIN_OPTION_RATE = (0.15, 0.45)
GROUP_CHOICE_SHIFT_SD = 0.5  # stakeholder types differ in the options they tick (log-odds)
UNKNOWN_OPTION_RATE = 0.1
OTHER_RATE = 0.08
BLANK_SHARE = 0.01  # answers left blank
BREAK_OFF_SHARE = 0.03  # respondents who stop part-way through the statements
#: What respondents write under "Other" (several propose leadership, in their own words; some leave it blank).
OTHER_TEXTS = [
    "Лидерство (стиль и качество управления)",
    "Лидерство руководителя",
    "Стиль управления",
    "Цифровизация",
    "Оплата труда",
    "Обучение сотрудников",
    "Меритократия",
    "Leadership",
    "",
]
OTHER_TEXT_WEIGHTS = [0.22, 0.12, 0.08, 0.14, 0.14, 0.1, 0.06, 0.04, 0.1]


def codebook_v2(
    n_pilot_bodies: int = 4, export_file: str = "survey.csv", encoding: str = "utf-8", delimiter: str = ","
) -> dict:
    """The v2 codebook as a dict (write it with yaml.safe_dump)."""
    paper = yaml.safe_load(PAPER_CODEBOOK.read_text(encoding="utf-8"))
    book = copy.deepcopy(paper)
    book["dataset"] = {
        "title": {
            "en": f"Synthetic survey, questionnaire v2 ({n_pilot_bodies} pilot bodies)",
            "ru": f"Синтетический опрос, анкета v2 (пилотных органов: {n_pilot_bodies})",
            "kk": f"Синтетикалық сауалнама, v2 сауалнамасы (пилоттық органдар: {n_pilot_bodies})",
        },
        "source": "Synthetic data made by helpers.tools.synthetic (seeded); not real responses.",
        "synthetic": True,
        "translated": ["ru", "kk"],
    }
    book["export"] = {
        "file": export_file,
        "encoding": encoding,
        "delimiter": delimiter,
        "id_column": "respondent_id",
        "stakeholder_column": "stakeholder",
        "pilot_body_column": "pilot_body",
    }
    for entry in book["stakeholders"]:
        entry["label"]["ru"] = RU_STAKEHOLDERS[entry["code"]]
        entry["label"]["kk"] = KK_STAKEHOLDERS[entry["code"]]
    book["stakeholders"] += copy.deepcopy(EXTRA_STAKEHOLDERS)
    named = copy.deepcopy(paper["pilot_bodies"])
    for entry in named:
        entry["label"]["ru"] = RU_PILOT_BODIES[entry["code"]]
        entry["label"]["kk"] = KK_PILOT_BODIES[entry["code"]]
    book["pilot_bodies"] = named[:n_pilot_bodies] + [
        {
            "code": f"pilot_body_{i:03d}",
            "label": {"en": f"Pilot body {i:03d}", "ru": f"Пилотный орган {i:03d}", "kk": f"Пилоттық орган {i:03d}"},
        }
        for i in range(len(named) + 1, n_pilot_bodies + 1)
    ]
    # The v2 profile asks no occupation (it would identify a civil servant) and no footnotes.
    book["profile"] = [f for f in paper["profile"] if f["id"] not in ("occupation", "interview_note")]
    education = book["profile"][[f["id"] for f in book["profile"]].index("education")]
    education["values"], education["value_labels"] = EDUCATION, copy.deepcopy(EDUCATION_LABELS)
    book.pop("footnotes", None)
    # The paper's threshold of 1 rests on its interviewees' consent; the synthetic staff survey stands for one
    # without it, so the default disclosure threshold applies.
    book.pop("privacy", None)
    book["scale"] = {
        "values": [1, 2, 3, 4, 5],
        "labels": copy.deepcopy(SCALE_LABELS),
        "missing": [NO_OPINION["ru"], NO_OPINION["en"], NO_OPINION["kk"]],
    }
    book["factors"].append(copy.deepcopy(LEADERSHIP))
    efficiency = next(q for q in book["questions"] if "efficiency_factors_question" in _as_list(q.get("role")))
    other = next(o for o in efficiency["options"] if o.get("other"))
    other["letter"] = chr(ord(LEADERSHIP_OPTION["letter"]) + 1)
    efficiency["options"].insert(efficiency["options"].index(other), copy.deepcopy(LEADERSHIP_OPTION))
    book["tables"]["table1"]["caption"] = {
        "en": "Profile of the respondents",
        "ru": "Профиль респондентов",
        "kk": "Респонденттердің профилі",
    }
    for table in ("table1", "table2", "table3"):
        book["tables"][table]["note"] = {
            "en": "Note: synthetic data, for demonstration only",
            "ru": "Примечание: синтетические данные, только для демонстрации",
            "kk": "Ескерту: синтетикалық деректер, тек көрсету үшін",
        }
    problems = check_codebook(book, "codebook_v2")
    assert not problems, problems
    return book


def _as_list(value) -> list:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def generate_export(
    book: dict,
    n_respondents: int,
    seed: int,
    score_language: str | None = None,
    blank_share: float | None = None,
    break_off_share: float | None = None,
) -> pd.DataFrame:
    """A survey export for `book`: one row per respondent, every cell text, as a survey tool writes it.

    Answers come from a latent model (see MODEL_README): each respondent has a level on every
    factor (their group's shift plus a personal part, correlated across factors); a statement's
    answer is its own baseline plus the level of its factor plus noise, rounded onto the scale;
    an option linked to a factor is chosen more often the higher that level. No-opinion answers
    vary by statement, a few answers are blank, and a few respondents stop part-way.

    `score_language` None writes scores as numbers and codes as codes; a
    language ("ru") writes scale labels, stakeholder types, pilot bodies and
    durations in that language, as a survey form in that language would.
    """
    rng = np.random.default_rng(seed)
    blank_share = BLANK_SHARE if blank_share is None else blank_share
    break_off_share = BREAK_OFF_SHARE if break_off_share is None else break_off_share
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
    columns["position_experience"] = _durations(
        np.minimum(rng.integers(1, 10 * 12, size=n), total), np.zeros(n, bool), score_language
    )
    # The book's own education values (names in v2, numeric codes in the census's book), in the same shares.
    education = next(f for f in book["profile"] if f["id"] == "education")["values"]
    columns["education"] = np.array([str(v) for v in education])[rng.choice(3, size=n, p=[0.55, 0.4, 0.05])]

    factors = codebook.factors()["factor_id"].tolist()
    level = _factor_levels(rng, group, len(stakeholders), len(factors))
    for question in book["questions"]:
        columns.update(_question_answers(rng, question, level, group, factors))
    statements = codebook.statements()
    factor_of = statements["factor_id"].map({f: i for i, f in enumerate(factors)}).to_numpy()
    baseline = rng.uniform(*STATEMENT_BASELINE, size=len(statements))
    noise = rng.normal(0, ITEM_NOISE_SD, size=(n, len(statements)))
    scores = np.clip(np.rint(baseline + level[:, factor_of] + noise), 1, 5).astype(int)
    labels = {v: (SCALE_LABELS[v][score_language] if score_language else str(v)) for v in range(1, 6)}
    as_text = np.vectorize(labels.get, otypes=[object])(scores)
    # "No opinion" is likelier on some statements than others, and likelier for respondents unsure of the factor.
    no_opinion_rate = rng.uniform(*NO_OPINION_RATE, size=len(statements))
    unsure = np.abs(level[:, factor_of]) < 0.15
    no_opinion = rng.random((n, len(statements))) < no_opinion_rate * np.where(unsure, 2.0, 0.8)
    as_text[no_opinion] = NO_OPINION[score_language or "en"]
    blank = rng.random((n, len(statements))) < blank_share
    stops = rng.random(n) < break_off_share
    first_skipped = rng.integers(len(statements) // 2, len(statements), size=n)
    blank |= stops[:, None] & (np.arange(len(statements))[None, :] >= first_skipped[:, None])
    as_text[blank] = ""
    for j, statement in enumerate(statements["statement_id"]):
        columns[statement] = as_text[:, j]
    frame = pd.DataFrame(columns)
    if score_language:
        for column, entries in (("stakeholder", book["stakeholders"]), ("pilot_body", book["pilot_bodies"])):
            names = {e["code"]: (e["label"].get(score_language) or e["label"]["en"]) for e in entries}
            frame[column] = frame[column].map(names)
    return frame[export_columns(codebook)]


def _factor_levels(rng: np.random.Generator, group: np.ndarray, n_groups: int, n_factors: int) -> np.ndarray:
    """Respondents x factors: the group's shift plus a personal level, correlated across factors."""
    shifts = rng.normal(0, GROUP_SHIFT_SD, size=(n_groups, n_factors))
    # Equicorrelated normals as a shared part plus a factor's own part: sqrt(r) z0 + sqrt(1 - r) z_f has
    # correlation r. Elementwise arithmetic only: multivariate_normal factorises the matrix with LAPACK, whose
    # last bits differ between CPUs, and a rounded answer then changes from one machine to the next.
    shared = rng.normal(0, 1, size=(len(group), 1))
    own = rng.normal(0, 1, size=(len(group), n_factors))
    personal = PERSON_SD * (np.sqrt(FACTOR_CORRELATION) * shared + np.sqrt(1 - FACTOR_CORRELATION) * own)
    return shifts[group] + personal


def _question_answers(rng, question: dict, level: np.ndarray, group: np.ndarray, factors: list[str]) -> dict:
    """The ticked letters of one multiple-choice question (and the free text of its 'Other' option)."""
    n = len(group)
    options = question["options"]
    letters = np.array([str(o["letter"]) for o in options])
    logits = np.empty((n, len(options)))
    n_groups = int(group.max()) + 1
    for j, option in enumerate(options):
        if option.get("factor") in factors:  # chosen more often by those who rate that factor higher
            base = rng.uniform(*FACTOR_OPTION_RATE)
            logits[:, j] = _logit(base) + CHOICE_SLOPE * level[:, factors.index(option["factor"])]
        else:
            base = (
                OTHER_RATE
                if option.get("other")
                else UNKNOWN_OPTION_RATE
                if option.get("known") is False
                else rng.uniform(*PLAIN_OPTION_RATE)
            )
            logits[:, j] = _logit(base) + rng.normal(0, GROUP_CHOICE_SHIFT_SD, size=n_groups)[group]
    ticked = rng.random((n, len(options))) < 1 / (1 + np.exp(-logits))
    # Everyone answers: who ticked nothing picks the option they lean to most.
    nothing = ~ticked.any(axis=1)
    ticked[
        np.flatnonzero(nothing),
        np.argmax(logits[nothing] + rng.gumbel(size=(int(nothing.sum()), len(options))), axis=1),
    ] = True
    answers = {question["id"]: np.array([" ".join(letters[row]) for row in ticked])}
    if question.get("other_column"):
        other = np.array([bool(o.get("other")) for o in options])
        has_other = (ticked & other).any(axis=1)
        texts = np.array(OTHER_TEXTS, dtype=object)
        picked = texts[rng.choice(len(texts), size=n, p=OTHER_TEXT_WEIGHTS)]
        answers[question["other_column"]] = np.where(has_other, picked, "")
    return answers


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _durations(months: np.ndarray, lower_bound: np.ndarray, language: str | None = None) -> np.ndarray:
    """Months -> '7 years 3 months' ('7 лет 3 мес.' in Russian); 'More than 10 years' where only a bound is given."""
    years, rest = np.divmod(months, 12)
    y, m = pd.Series(years.astype(str)), pd.Series(rest.astype(str))
    if language == "ru":
        text, bound = y + " лет " + m + " мес.", "более " + y + " лет"
    else:
        text, bound = y + " years " + m + " months", "More than " + y + " years"
    return np.where(lower_bound & (years > 0), bound, text).astype(object)


#: The synthetic survey is a census of the pilot bodies' staff: each stakeholder type answered at a rate of its
#: own, drawn from this range, a little higher or lower in each body (times a factor drawn from BODY_RATE_FACTOR);
#: the frame is the respondents over that rate, so weighting to it moves the means as it does in a staff survey.
RESPONSE_RATE = (0.25, 0.85)
BODY_RATE_FACTOR = (0.85, 1.1)


def census_design(book: dict, export: pd.DataFrame, seed: int, score_language: str | None = None) -> dict:
    """The `design:` block of a synthetic census: every member of staff invited, the frame (staff by pilot body and
    by stakeholder type) made from the respondents of each type and body over a seeded response rate of their
    own. Its own random stream: the export's answers do not change with it."""
    rng = np.random.default_rng([seed, 1])
    codes = {}
    for column, entries in (("stakeholder", book["stakeholders"]), ("pilot_body", book["pilot_bodies"])):
        names = {
            (e["label"].get(score_language) or e["label"]["en"]) if score_language else e["code"]: e["code"]
            for e in entries
        }
        codes[column] = export[column].map(names)
    cells = pd.crosstab(codes["pilot_body"], codes["stakeholder"])
    by_type = rng.uniform(*RESPONSE_RATE, size=cells.shape[1])
    by_body = rng.uniform(*BODY_RATE_FACTOR, size=cells.shape[0])
    rates = np.minimum(by_body[:, None] * by_type[None, :], 0.95)
    staff = np.ceil(cells.to_numpy() / rates).astype(int)
    staff = pd.DataFrame(staff, index=cells.index, columns=cells.columns)
    order = {
        column: [e["code"] for e in entries]
        for column, entries in (("stakeholder", book["stakeholders"]), ("pilot_body", book["pilot_bodies"]))
    }
    by_body = staff.sum(axis=1)
    by_type = staff.sum(axis=0)
    return {
        "selection": "census",
        "description": {
            "en": "Synthetic: every member of staff of the pilot bodies invited; each type of staff in each body "
            "answered at a rate of its own.",
            "ru": "Синтетические данные: приглашены все сотрудники пилотных органов; каждая категория сотрудников "
            "в каждом органе отвечала со своей частотой.",
            "kk": "Синтетикалық деректер: пилоттық органдардың барлық қызметкерлері шақырылды; әр органдағы "
            "қызметкерлердің әр санаты өз жиілігімен жауап берді.",
        },
        "invited": int(staff.to_numpy().sum()),
        "frame": {
            "pilot_body": {code: int(by_body[code]) for code in order["pilot_body"] if code in by_body},
            "stakeholder": {code: int(by_type[code]) for code in order["stakeholder"] if code in by_type},
        },
    }


def write_synthetic_dataset(
    folder: Path,
    n_respondents: int,
    seed: int,
    n_pilot_bodies: int = 200,
    encoding: str = "utf-8",
    delimiter: str = ",",
    score_language: str | None = None,
) -> Path:
    """Write codebook.yaml and survey.csv of a synthetic v2 dataset into `folder`; return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    book = codebook_v2(n_pilot_bodies, encoding=encoding, delimiter=delimiter)
    export = generate_export(book, n_respondents, seed, score_language)
    book["design"] = census_design(book, export, seed, score_language)
    (folder / "codebook.yaml").write_text(
        "# Synthetic dataset, questionnaire v2: made by helpers.tools.synthetic, not real responses.\n"
        + yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=120),
        encoding="utf-8",
    )
    export.to_csv(folder / "survey.csv", index=False, sep=delimiter, encoding=encoding, lineterminator="\n")
    return folder


EXAMPLE = {
    "name": "example-v2",
    "n_respondents": 360,
    "seed": 2021,
    "n_pilot_bodies": 4,
    "encoding": "cp1251",
    "delimiter": ";",
    "score_language": "ru",
}

EXAMPLE_README = """# example-v2: SYNTHETIC data (questionnaire v2)

**These are not real survey answers.** The folder was written by `make example-data`
(`python -m helpers.tools.synthetic example-v2`, seed {seed}) to show and test the pipeline on data shaped like a
real pilot-body export; rerunning it writes the same bytes.

- questionnaire v2: the paper's questionnaire plus the fifth factor it recommends, Leadership (management styles
  and quality), whose three statements are this project's own wording, and Leadership listed as option E of the
  first question ("Other" moves to F); no "freezing of vacancies" answer;
- {n_respondents} respondents, {n_pilot_bodies} pilot bodies, 6 stakeholder types;
- `survey.csv` as Excel in a Russian locale saves it: Windows-1251, semicolon-separated, Likert answers as Russian
  labels ("Полностью согласен" = 5), "Затрудняюсь ответить" (no opinion) and some blank answers.

## How the answers are made (a latent model)

Each respondent belongs to a stakeholder type (civil servants far outnumber project managers) and has a *level* on
each factor of the model: the type's shift (normal, sd {group_shift}) plus a personal part (normal, sd {person_sd}),
the personal parts of the factors correlated {factor_correlation} with each other.

- **Statements.** An answer is the statement's own baseline (uniform {baseline[0]}-{baseline[1]}) plus the
  respondent's level on the statement's factor plus noise (normal, sd {noise}), rounded to the nearest point and
  kept within 1-5. Statements of one factor therefore go together: Cronbach's alpha lies between 0.7 and 0.9.
- **Choices.** An option naming a factor is ticked with a probability of {factor_rate[0]}-{factor_rate[1]} at an
  average level, rising with the respondent's level on that factor (logistic, slope {slope}); other options
  {plain_rate[0]}-{plain_rate[1]}, each stakeholder type leaning its own way; options whose wording is unknown
  {unknown_rate}, "Other" {other_rate}. Whoever ticks nothing picks the option they lean to most. Under "Other"
  respondents write a few short texts (leadership in their own words, digitalisation, pay, training), some nothing.
- **Missing answers.** "No opinion" at a rate drawn per statement ({no_opinion[0]}-{no_opinion[1]}), more often where
  the respondent's level is near the middle; about {blank:.0%} of answers blank; about {break_off:.0%} of
  respondents stop part-way through the statements (the rest of their answers blank).

The verdicts the report gives on this dataset are those of this model, not of any real survey.

Run `make report DATA=example-v2`.
"""


def example_readme() -> str:
    """The README of data/raw/example-v2: what the folder is and the model that made it, numbers from the code."""
    return EXAMPLE_README.format(
        **EXAMPLE,
        group_shift=GROUP_SHIFT_SD,
        person_sd=PERSON_SD,
        factor_correlation=FACTOR_CORRELATION,
        baseline=STATEMENT_BASELINE,
        noise=ITEM_NOISE_SD,
        factor_rate=FACTOR_OPTION_RATE,
        slope=CHOICE_SLOPE,
        plain_rate=PLAIN_OPTION_RATE,
        unknown_rate=UNKNOWN_OPTION_RATE,
        other_rate=OTHER_RATE,
        no_opinion=NO_OPINION_RATE,
        blank=BLANK_SHARE,
        break_off=BREAK_OFF_SHARE,
    )


def write_example(root=REPO_ROOT) -> Path:
    """(Re)write data/raw/example-v2 of the repository: a person runs this, never the pipeline."""
    folder = write_synthetic_dataset(
        Path(root) / "data" / "raw" / EXAMPLE["name"],
        EXAMPLE["n_respondents"],
        EXAMPLE["seed"],
        EXAMPLE["n_pilot_bodies"],
        EXAMPLE["encoding"],
        EXAMPLE["delimiter"],
        EXAMPLE["score_language"],
    )
    (folder / "README.md").write_text(example_readme(), encoding="utf-8")
    return folder


# --- a census of a whole civil service: the export an agency's survey tool writes -----------------------------------
#: The census's shape: respondents, factors and statements as a staff survey like the FEVS has them, 300 bodies.
CENSUS = {
    "name": "census",
    "n_respondents": 500_000,
    "seed": 2026,
    "n_pilot_bodies": 300,
    "n_factors": 16,
    "n_statements": 80,
}
#: The code the tool writes for "no opinion", declared user-missing in the .sav (as SPSS users do).
CENSUS_NO_OPINION_CODE = 9
#: The creation date and time written into survey.sav's header, fixed: 1 March 2021, the synthetic survey's start.
SAV_CREATED = b"01 Mar 2100:00:00"
#: The census's further factors (after v2's five): the themes of staff surveys, each with a few statements.
CENSUS_FACTORS = [
    ("pay", "Pay and conditions", "Оплата и условия труда", "Еңбекақы және еңбек жағдайы"),
    ("training", "Training and development", "Обучение и развитие", "Оқыту және дамыту"),
    ("digital_tools", "Digital tools", "Цифровые инструменты", "Цифрлық құралдар"),
    ("workload", "Workload", "Рабочая нагрузка", "Жұмыс жүктемесі"),
    ("recognition", "Recognition", "Признание", "Мойындау"),
    ("integrity", "Ethics and integrity", "Этика и добросовестность", "Әдеп және адалдық"),
    ("career", "Career progression", "Карьерный рост", "Мансаптық өсу"),
    ("balance", "Work-life balance", "Баланс работы и личной жизни", "Жұмыс пен жеке өмір теңгерімі"),
    ("communication", "Internal communication", "Внутренняя коммуникация", "Ішкі коммуникация"),
    ("inclusion", "Inclusion", "Инклюзивность", "Инклюзивтілік"),
    ("motivation", "Public service motivation", "Мотивация к госслужбе", "Мемлекеттік қызметке уәждеме"),
]


def census_codebook(n_pilot_bodies: int = 300, n_factors: int = 16, n_statements: int = 80) -> dict:
    """The census's codebook: v2's questionnaire grown to `n_factors` factors and `n_statements` statements (the
    further ones synthetic, named as such), with the numeric codes of an agency's survey tool: stakeholder types,
    bodies and education as 1, 2, 3 ... with their labels, the scale 1-5 and 9 for "no opinion"."""
    extra = n_factors - 5
    if not 0 <= extra <= len(CENSUS_FACTORS):
        raise ValueError(f"a census has 5 to {5 + len(CENSUS_FACTORS)} factors, not {n_factors}")
    book = codebook_v2(n_pilot_bodies)
    statements = sum(len(f["statements"]) for f in book["factors"])
    if n_statements < statements + extra:
        raise ValueError(f"{n_factors} factors need at least {statements + extra} statements, not {n_statements}")
    book["dataset"]["title"] = {
        "en": f"Synthetic census of a civil service ({n_pilot_bodies} bodies, {n_statements} statements)",
        "ru": f"Синтетическая перепись госслужбы (органов: {n_pilot_bodies}, утверждений: {n_statements})",
        "kk": f"Мемлекеттік қызметтің синтетикалық санағы (органдар: {n_pilot_bodies}, тұжырымдар: {n_statements})",
    }
    per_factor = np.diff(np.linspace(0, n_statements - statements, extra + 1).round().astype(int))
    number = statements
    for (factor_id, en, ru, kk), count in zip(CENSUS_FACTORS[:extra], per_factor):
        entries = []
        for k in range(1, count + 1):
            number += 1
            entries.append(
                {
                    "id": f"s{number:02d}",
                    "text": {
                        "en": f"{en}: synthetic statement {k}",
                        "ru": f"{ru}: синтетическое утверждение {k}",
                        "kk": f"{kk}: синтетикалық тұжырым {k}",
                    },
                }
            )
        book["factors"].append(
            {
                "id": factor_id,
                "label": {"en": en, "ru": ru, "kk": kk},
                "short": {"en": en, "ru": ru, "kk": kk},
                "statements": entries,
            }
        )
    # Numeric codes, each with its labels, as the tool exports them.
    for key in ("stakeholders", "pilot_bodies"):
        for code, entry in enumerate(book[key], start=1):
            entry["code"] = str(code)
    education = next(f for f in book["profile"] if f["id"] == "education")
    labels = education["value_labels"]
    education["value_labels"] = {str(code): labels[name] for code, name in enumerate(education["values"], start=1)}
    education["values"] = [str(code) for code in range(1, len(labels) + 1)]
    book["scale"]["missing"] = [str(CENSUS_NO_OPINION_CODE)]
    book["export"].update({"file": "survey.csv", "encoding": "utf-8", "delimiter": ","})
    problems = check_codebook(book, "census_codebook")
    assert not problems, problems
    return book


def census_export(book: dict, n_respondents: int, seed: int) -> pd.DataFrame:
    """The census's export as text, codes and all: generate_export's answers, "no opinion" as its code."""
    export = generate_export(book, n_respondents, seed)
    statements = Codebook("census_codebook", book).statements()["statement_id"].tolist()
    export[statements] = export[statements].replace(NO_OPINION["en"], str(CENSUS_NO_OPINION_CODE))
    return export


def write_census_sav(book: dict, export: pd.DataFrame, path: Path) -> Path:
    """The export as SPSS writes it: coded variables numeric with value labels (English), "no opinion" declared
    user-missing, the rest text; each variable labelled with its question or statement."""
    import pyreadstat

    codebook = Codebook("census_codebook", book)
    statements = codebook.statements()
    scale = {float(v): SCALE_LABELS[v]["en"] for v in range(1, 6)} | {float(CENSUS_NO_OPINION_CODE): NO_OPINION["en"]}
    coded = {
        "stakeholder": {float(e["code"]): e["label"]["en"] for e in book["stakeholders"]},
        "pilot_body": {float(e["code"]): e["label"]["en"] for e in book["pilot_bodies"]},
        "education": {
            float(c): v["en"]
            for c, v in next(f for f in book["profile"] if f["id"] == "education")["value_labels"].items()
        },
    } | {s: scale for s in statements["statement_id"]}
    frame = export.copy()
    for column in coded:
        frame[column] = pd.to_numeric(frame[column].replace("", np.nan))
    labels = dict(zip(statements["statement_id"], statements["statement"]))
    labels |= {"respondent_id": "Respondent", "stakeholder": "Stakeholder type", "pilot_body": "Pilot body"}
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[labels.get(c, c) for c in frame.columns],
        variable_value_labels=coded,
        missing_ranges={s: [float(CENSUS_NO_OPINION_CODE)] for s in statements["statement_id"]},
    )
    # The header's creation date and time (bytes 92-108: 'dd mmm yy', 'hh:mm:ss') are the moment of writing; the
    # seed's date instead, so that the same call writes the same bytes.
    data = bytearray(Path(path).read_bytes())
    assert data[:4] == b"$FL2", "pyreadstat no longer writes an SPSS system file header"
    data[92:109] = SAV_CREATED
    Path(path).write_bytes(bytes(data))
    return Path(path)


def write_census_dataset(folder: Path, n_respondents: int | None = None, seed: int | None = None) -> Path:
    """codebook.yaml, survey.csv and survey.sav of the census (CENSUS's shape; fewer respondents for a quick look):
    the same answers in both files, seeded, so the same call writes the same bytes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    n = CENSUS["n_respondents"] if n_respondents is None else n_respondents
    seed = CENSUS["seed"] if seed is None else seed
    book = census_codebook(CENSUS["n_pilot_bodies"], CENSUS["n_factors"], CENSUS["n_statements"])
    export = census_export(book, n, seed)
    book["design"] = census_design(book, export, seed)
    (folder / "codebook.yaml").write_text(
        f"# Synthetic census of {n:,} respondents: made by helpers.tools.synthetic (seed {seed}), not real responses.\n"
        "# survey.sav holds the same answers as survey.csv; set export.file to read it instead.\n"
        + yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=120),
        encoding="utf-8",
    )
    export.to_csv(folder / "survey.csv", index=False, encoding="utf-8", lineterminator="\n")
    write_census_sav(book, export, folder / "survey.sav")
    return folder


if __name__ == "__main__":
    import sys

    arguments = sys.argv[1:]
    if arguments == ["example-v2"]:
        print(write_example())
    elif arguments[:1] == ["census"] and len(arguments) in (2, 3) and (len(arguments) == 2 or arguments[2].isdigit()):
        print(write_census_dataset(Path(arguments[1]), int(arguments[2]) if len(arguments) == 3 else None))
    else:
        sys.exit("usage: python -m helpers.tools.synthetic example-v2 | census FOLDER [RESPONDENTS]")
