"""Survey exports as three tools write them, made here for the tests of `make new-dataset FROM=`.

One seeded set of answers (`Answers`) is written as
- a Google Forms export of questionnaire v2 in Russian, saved by Excel in a Russian locale (Windows-1251,
  ';'): a timestamp, the respondent's e-mail address and no respondent id, checkbox answers joined by commas (option texts that hold a comma
  themselves, "Other" answers as the respondent's own words), two Likert grids `Question [Row]`, decimal
  years written "3,0". Its wording is this test's own, not example-v2's;
- a KoboToolbox XLSForm (survey and choices sheets, labels in English and Russian) with its CSV export;
- an SPSS .sav file with variable and value labels (pyreadstat).
The expected means are computed from `Answers` directly, never through the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

GROUPS = [
    "Руководитель проекта (госсектор)",
    "Консультант частной компании",
    "Сотрудник центрального аппарата",
    "Сотрудник акимата",
    "Начальник отдела",
]
BODIES = ["Агентство госслужбы", "Акимат столицы", "Мангистауский акимат", "Минюст"]
FACTORS = {  # factor id -> statements (this test's own wording)
    "strategy": [
        "Цели ведомства должны быть понятны каждому",
        "Стратегию нужно выполнять последовательно",
        "За стратегию отвечает весь коллектив",
    ],
    "people": [
        "Квалификация сотрудников решает многое",
        "Назначать нужно по компетенциям",
        "Нагрузку следует распределять разумно",
        "Вакансии нужно заполнять вовремя",
        "Текучесть кадров разрушает память организации",
    ],
    "organization": [
        "Структура ведомства должна быть эффективной",
        "Работодатель должен быть привлекательным",
        "Организационная культура важна",
    ],
    "resources": [
        "Бюджет должен быть достаточным",
        "Нужна современная оргтехника",
        "Нужны просторные помещения",
        "Обеспечивающие функции лучше централизовать",
    ],
    "leadership": [
        "Первый руководитель должен поддерживать инициативы",
        "Руководство должно слушать сотрудников",
        "Задачи между отделами нужно делить эффективно",
    ],
}
STATEMENTS = [s for texts in FACTORS.values() for s in texts]
SCALE = {
    1: "Совершенно не согласен",
    2: "Скорее не согласен",
    3: "Ни согласен, ни не согласен",
    4: "Скорее согласен",
    5: "Совершенно согласен",
}
NO_OPINION = "Затрудняюсь ответить"
Q1 = "Какие факторы, на Ваш взгляд, повышают эффективность госаппарата?"
Q1_OPTIONS = [
    "Стратегия, миссия и цели органа",
    "Люди и их квалификация",
    "Оргструктура, культура и процессы",
    "Материальные ресурсы",
]
Q2 = "Что Вас удерживает на государственной службе?"
Q2_OPTIONS = ["Социальный пакет, льготы и гарантии", "Цели и задачи органа", "Карьерный рост", "Самореализация"]
Q3 = "Что главное для трансформации госуправления?"
Q3_OPTIONS = ["Политическая воля", "Поддержка первого руководителя", "Инициатива сотрудников", "Запросы общества"]
EDUCATION = ["Бакалавр", "Магистр", "Доктор PhD"]
GRID_1 = "Насколько Вы согласны со следующими утверждениями? Часть 1"
GRID_2 = "Насколько Вы согласны со следующими утверждениями? Часть 2"


@dataclass
class Answers:
    """What the respondents answered: one row each, scores NaN where blank or "no opinion"."""

    group: np.ndarray  # index into GROUPS
    body: np.ndarray  # index into BODIES, -1 for none
    age: np.ndarray
    service_years: np.ndarray  # decimal years, one decimal
    scores: np.ndarray  # respondents x statements, float with NaN
    no_opinion: np.ndarray  # respondents x statements, bool
    q1: list  # chosen option indexes per respondent
    q1_other: list  # free text or ""
    q2: list
    q3: np.ndarray

    def expected_means(self) -> pd.DataFrame:
        """statement text x group label -> mean score, computed here, not by the pipeline."""
        frame = pd.DataFrame(self.scores, columns=STATEMENTS)
        frame["group"] = np.array(GROUPS)[self.group]
        return frame.groupby("group").mean().T


def make_answers(n: int = 120, seed: int = 7) -> Answers:
    rng = np.random.default_rng(seed)
    group = np.arange(n) % len(GROUPS)
    rng.shuffle(group)
    body = np.where(group == 1, -1, rng.integers(0, len(BODIES), size=n))  # consultants belong to no pilot body
    base = rng.uniform(2.2, 4.8, size=(len(GROUPS), len(STATEMENTS)))
    scores = np.clip(np.rint(base[group] + rng.normal(0, 0.8, size=(n, len(STATEMENTS)))), 1, 5)
    draw = rng.random(scores.shape)
    no_opinion = draw < 0.04
    blank = (draw >= 0.04) & (draw < 0.06)
    scores[no_opinion | blank] = np.nan
    q1, q1_other, q2 = [], [], []
    others = iter(
        [
            "Лидерство и стиль управления",
            "Цифровизация, автоматизация процессов",
            "Прозрачность решений",
            "Обучение кадров",
        ]
    )
    for i in range(n):
        q1.append(sorted(set(rng.choice(len(Q1_OPTIONS), size=rng.integers(1, 4)).tolist())))
        q1_other.append(next(others, "") if i % 25 == 3 else "")
        q2.append(sorted(set(rng.choice(len(Q2_OPTIONS), size=rng.integers(1, 3)).tolist())))
    return Answers(
        group=group,
        body=body,
        age=rng.integers(24, 62, size=n),
        service_years=np.round(rng.uniform(0.5, 25, size=n) * 2) / 2,
        scores=scores,
        no_opinion=no_opinion,
        q1=q1,
        q1_other=q1_other,
        q2=q2,
        q3=rng.integers(0, len(Q3_OPTIONS), size=n),
    )


def _score_text(answers: Answers, i: int, j: int, labels: dict) -> str:
    if answers.no_opinion[i, j]:
        return NO_OPINION
    value = answers.scores[i, j]
    return "" if np.isnan(value) else labels[int(value)]


EMAIL = "Адрес электронной почты"


def address(i: int) -> str:
    """The e-mail address respondent `i` gave (Google Forms' "collect e-mail addresses")."""
    return f"respondent.{i:03d}@pilot-agency.kz"


def google_forms_export(answers: Answers) -> pd.DataFrame:
    """The export as Google Forms writes it (to be saved by Excel: Windows-1251, ';')."""
    n = len(answers.group)
    start = pd.Timestamp("2021-04-05 09:00:00")
    rows = []
    for i in range(n):
        row = {
            "Отметка времени": (start + pd.Timedelta(minutes=37 * i, seconds=i % 60)).strftime("%d.%m.%Y %H:%M:%S"),
            # A form that collects addresses: Google Forms puts them second. No output may show one.
            EMAIL: address(i),
            "Категория респондента": GROUPS[answers.group[i]],
            "Пилотный государственный орган": BODIES[answers.body[i]] if answers.body[i] >= 0 else "",
            "Возраст (полных лет)": str(answers.age[i]),
            "Стаж государственной службы, лет": f"{answers.service_years[i]:.1f}".replace(".", ","),
            "Образование": EDUCATION[i % 3 if i % 7 else 0],
            Q1: ", ".join(
                [Q1_OPTIONS[k] for k in answers.q1[i]] + ([answers.q1_other[i]] if answers.q1_other[i] else [])
            ),
            Q2: ", ".join(Q2_OPTIONS[k] for k in answers.q2[i]),
            Q3: Q3_OPTIONS[answers.q3[i]],
        }
        for j, statement in enumerate(STATEMENTS):
            grid = GRID_1 if j < 9 else GRID_2
            row[f"{grid} [{statement}]"] = _score_text(answers, i, j, SCALE)
        rows.append(row)
    return pd.DataFrame(rows)


# --- KoboToolbox ---------------------------------------------------------------------------------------
EN_STATEMENT = {s: f"Statement {k:02d} in English" for k, s in enumerate(STATEMENTS, start=1)}


def xlsform() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The form: survey and choices sheets, labels in English and Russian."""
    survey = [
        ("start", "start", "", "", ""),
        ("end", "end", "", "", ""),
        ("begin_group", "about", "About you", "О себе", ""),
        ("select_one role", "respondent_type", "Type of stakeholder", "Категория респондента", ""),
        ("select_one body", "pilot_body", "Pilot body", "Пилотный орган", ""),
        ("integer", "age", "Age", "Возраст", ""),
        ("decimal", "service_years", "Years in public service", "Стаж госслужбы, лет", ""),
        ("end_group", "", "", "", ""),
        ("select_multiple factors", "factors", "Factors of effectiveness", Q1, ""),
        ("text", "factors_other", "Other factor", "Другой фактор", "selected(${factors}, 'other')"),
        ("select_one change", "change", "Main driver of change", Q3, ""),
        ("begin_group", "agreement", "Agreement", "Согласие", ""),
    ]
    survey += [("select_one agree", f"st{k:02d}", EN_STATEMENT[s], s, "") for k, s in enumerate(STATEMENTS, start=1)]
    survey += [("end_group", "", "", "", "")]
    choices = [("role", f"g{k}", f"Group {k}", g) for k, g in enumerate(GROUPS, start=1)]
    choices += [("body", f"b{k}", f"Body {k}", b) for k, b in enumerate(BODIES, start=1)]
    choices += [("factors", f"f{k}", f"Factor {k}", o) for k, o in enumerate(Q1_OPTIONS, start=1)]
    choices += [("factors", "other", "Other", "Другое")]
    choices += [("change", f"c{k}", f"Driver {k}", o) for k, o in enumerate(Q3_OPTIONS, start=1)]
    en = {1: "Strongly disagree", 2: "Disagree", 3: "Neutral", 4: "Agree", 5: "Strongly agree"}
    choices += [("agree", str(v), en[v], SCALE[v]) for v in range(1, 6)] + [("agree", "99", "No opinion", NO_OPINION)]
    survey_sheet = pd.DataFrame(
        survey, columns=["type", "name", "label::English (en)", "label::Russian (ru)", "relevant"]
    )
    choices_sheet = pd.DataFrame(choices, columns=["list_name", "name", "label::English (en)", "label::Russian (ru)"])
    return survey_sheet, choices_sheet


def kobo_export(answers: Answers) -> pd.DataFrame:
    """The CSV export KoboToolbox writes for the form: XML names, group paths, select_multiple split too."""
    rows = []
    for i in range(len(answers.group)):
        chosen = [f"f{k + 1}" for k in answers.q1[i]] + (["other"] if answers.q1_other[i] else [])
        row = {
            "start": f"2021-05-{1 + i % 28:02d}T10:00:00.000+06:00",
            "end": f"2021-05-{1 + i % 28:02d}T10:20:00.000+06:00",
            "about/respondent_type": f"g{answers.group[i] + 1}",
            "about/pilot_body": f"b{answers.body[i] + 1}" if answers.body[i] >= 0 else "",
            "about/age": str(answers.age[i]),
            "about/service_years": f"{answers.service_years[i]:g}",
            "factors": " ".join(chosen),
        }
        for k in range(len(Q1_OPTIONS)):
            row[f"factors/f{k + 1}"] = "1" if f"f{k + 1}" in chosen else "0"
        row["factors/other"] = "1" if "other" in chosen else "0"
        row["factors_other"] = answers.q1_other[i]
        row["change"] = f"c{answers.q3[i] + 1}"
        for j, _ in enumerate(STATEMENTS):
            value = (
                "99"
                if answers.no_opinion[i, j]
                else ("" if np.isnan(answers.scores[i, j]) else str(int(answers.scores[i, j])))
            )
            row[f"agreement/st{j + 1:02d}"] = value
        row.update(
            {
                "_id": str(400000 + i),
                "_uuid": f"uuid-{i:05d}",
                "_submission_time": "2021-05-30T12:00:00",
                "_index": str(i + 1),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


# --- SPSS ------------------------------------------------------------------------------------------------
def spss_frame(answers: Answers) -> tuple[pd.DataFrame, dict, dict]:
    """(data, variable labels, value labels) of the .sav file, as LimeSurvey would write it."""
    n = len(answers.group)
    data = {
        "id": np.arange(1, n + 1, dtype=float),
        "stakeholder": answers.group + 1.0,
        "pilot": np.where(answers.body >= 0, answers.body + 1.0, np.nan),
        "age": answers.age.astype(float),
        "service": answers.service_years,
    }
    labels = {
        "id": "ID респондента",
        "stakeholder": "Категория респондента",
        "pilot": "Пилотный орган",
        "age": "Возраст",
        "service": "Стаж госслужбы, лет",
    }
    for k, option in enumerate(Q1_OPTIONS, start=1):
        data[f"q1_{k}"] = np.array([1.0 if k - 1 in chosen else 0.0 for chosen in answers.q1])
        labels[f"q1_{k}"] = f"{Q1} [{option}]"
    data["q3"] = answers.q3 + 1.0
    labels["q3"] = Q3
    for j, statement in enumerate(STATEMENTS):
        column = np.where(answers.no_opinion[:, j], 9.0, answers.scores[:, j])
        data[f"s{j + 1:02d}"] = column
        labels[f"s{j + 1:02d}"] = f"Насколько Вы согласны? [{statement}]"
    scale = {float(v): t for v, t in SCALE.items()} | {9.0: NO_OPINION}
    value_labels = {
        "stakeholder": {float(k): g for k, g in enumerate(GROUPS, start=1)},
        "pilot": {float(k): b for k, b in enumerate(BODIES, start=1)},
        "q3": {float(k): o for k, o in enumerate(Q3_OPTIONS, start=1)},
    }
    value_labels |= {f"s{j + 1:02d}": scale for j in range(len(STATEMENTS))}
    return pd.DataFrame(data), labels, value_labels
