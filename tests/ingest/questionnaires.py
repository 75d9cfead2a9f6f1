"""Questionnaires drawn at random, their answers, and the exports survey tools write of them: the round trip
that tests codebook inference (tests/ingest/test_round_trip.py, and `python tests/ingest/questionnaires.py`,
which measures the recovery rate per tool into docs/inference.md).

A `Questionnaire` is what a codebook should say: factors and statements (one grid), an agreement scale of 4, 5 or
7 points written in one of the styles tools and people use (words, compound words, numbered anchors, numbers
only) in ru, kk or en, a "no opinion" answer or code, stakeholder types, pilot bodies, profile fields (whole
years, decimal years written with a comma, durations, dates, categories) and single- and multi-choice
questions with or without "Other". `Answers` are drawn for it, every scale point used. Each `render_*` writes
the export a tool gives (Google Forms CSV in UTF-8 or Excel's Windows-1251 with ';', KoboToolbox XLSForm and its
CSV export, SPSS .sav with value labels and user-missing codes, Qualtrics' and SurveyMonkey's CSVs with their extra
header rows, LimeSurvey's coded headings, Microsoft Forms' Excel file). `recovered` compares a draft codebook with the
questionnaire item by item; nothing of the inference is used to build the expectation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from helpers.ingest.scales import USUAL

LANGS = ("ru", "kk", "en")
WORDS = {
    "ru": "цели стратегия кадры бюджет культура процессы руководство команда обучение карьера зарплата "
    "нагрузка технологии отчетность граждане услуги контроль решения инициатива доверие".split(),
    "kk": "мақсат стратегия кадрлар бюджет мәдениет үдерістер басшылық команда оқыту мансап жалақы "
    "жүктеме технология есептілік азаматтар қызметтер бақылау шешімдер бастама сенім".split(),
    "en": "goals strategy staff budget culture processes leadership team training career salary workload "
    "technology reporting citizens services control decisions initiative trust".split(),
}
STEMS = {
    "ru": ["Важно, чтобы {0} и {1} развивались", "Нужно улучшить {0} и {1}", "{0} определяет {1}"],
    "kk": ["{0} мен {1} дамуы маңызды", "{0} және {1} жақсарту керек", "{0} {1} анықтайды"],
    "en": ["It matters that {0} and {1} improve", "We must improve {0} and {1}", "{0} shapes {1}"],
}
GRID = {
    "ru": "Насколько Вы согласны со следующими утверждениями?",
    "kk": "Келесі тұжырымдармен қаншалықты келісесіз?",
    "en": "How much do you agree with the following statements?",
}
STAKEHOLDER_HEADER = {"ru": "Категория респондента", "kk": "Респондент санаты", "en": "Stakeholder type"}
BODY_HEADER = {"ru": "Пилотный государственный орган", "kk": "Пилоттық мемлекеттік орган", "en": "Pilot body"}
GROUPS = {
    "ru": ["Руководитель", "Специалист", "Консультант", "Эксперт", "Представитель бизнеса"],
    "kk": ["Басшы", "Маман", "Кеңесші", "Сарапшы", "Бизнес өкілі"],
    "en": ["Manager", "Specialist", "Consultant", "Expert", "Business representative"],
}
BODIES = {
    "ru": ["Минюст", "Акимат столицы", "Агентство госслужбы", "Минфин"],
    "kk": ["Әділет министрлігі", "Астана әкімдігі", "Мемлекеттік қызмет агенттігі", "Қаржы министрлігі"],
    "en": ["Ministry of Justice", "Capital akimat", "Civil service agency", "Ministry of Finance"],
}
OTHER = {"ru": "Другое", "kk": "Басқа", "en": "Other"}
OTHER_TEXTS = {
    "ru": ["Лидерство и стиль управления", "Цифровизация, автоматизация", "Прозрачность решений", "Обучение"],
    "kk": ["Көшбасшылық", "Цифрландыру, автоматтандыру", "Ашықтық", "Оқыту бағдарламасы"],
    "en": ["Leadership style", "Digital tools, automation", "Open decisions", "Training programmes"],
}
NO_OPINION = {"ru": "Затрудняюсь ответить", "kk": "Жауап беруге қиналамын", "en": "Don't know"}
# Label sets as tools and researchers write them: kind of point -> label, per language and style.
WORDED = {
    "ru": {
        (-1, 3): "Полностью не согласен",
        (-1, 2): "Не согласен",
        (-1, 1): "Скорее не согласен",
        (0, 0): "Ни да, ни нет",
        (1, 1): "Скорее согласен",
        (1, 2): "Согласен",
        (1, 3): "Полностью согласен",
    },
    "kk": {
        (-1, 3): "Мүлдем келіспеймін",
        (-1, 2): "Келіспеймін",
        (-1, 1): "Біршама келіспеймін",
        (0, 0): "Бейтарап",
        (1, 1): "Біршама келісемін",
        (1, 2): "Келісемін",
        (1, 3): "Толықтай келісемін",
    },
    "en": {k: v["en"] for k, v in USUAL.items()},
}
COMPOUND = {
    "ru": {
        (0, 0): "Нейтрально / нет мнения",
        (1, 1): "Скорее согласен (частично)",
        (-1, 3): "Категорически не согласен",
    },
    "kk": {(0, 0): "Бейтарап / пікірім жоқ", (1, 3): "Толық келісемін (әбден)"},
    "en": {(0, 0): "Neutral / no opinion", (1, 2): "Agree / yes", (-1, 2): "Disagree / no"},
}
KINDS = {
    4: [(-1, 3), (-1, 2), (1, 2), (1, 3)],
    5: [(-1, 3), (-1, 2), (0, 0), (1, 2), (1, 3)],
    7: [(-1, 3), (-1, 2), (-1, 1), (0, 0), (1, 1), (1, 2), (1, 3)],
}
PROFILE_KINDS = ("years", "decimal_years", "duration", "date", "category")
PROFILE_HEADER = {
    "years": {"ru": "Возраст (полных лет)", "kk": "Жасыңыз (толық жыл)", "en": "Age (years)"},
    "decimal_years": {"ru": "Стаж в должности, лет", "kk": "Лауазымдағы өтілі, жыл", "en": "Years in post"},
    "duration": {"ru": "Стаж государственной службы", "kk": "Мемлекеттік қызмет өтілі", "en": "Time in service"},
    "date": {"ru": "Дата заполнения анкеты", "kk": "Толтырылған күні", "en": "Date filled in"},
    "category": {"ru": "Образование", "kk": "Білімі", "en": "Education"},
}
PROFILE_SKIPPED = 0.05  # the share of profile cells left blank
EDUCATION = {"ru": ["Бакалавр", "Магистр", "Доктор PhD"], "kk": ["Бакалавр", "Магистр", "PhD докторы"]}
EDUCATION["en"] = ["Bachelor", "Master", "PhD"]


@dataclass
class Question:
    text: str
    options: list[str]
    multi: bool
    other: bool


@dataclass
class Questionnaire:
    lang: str
    factors: list[list[str]]  # statements of each factor
    points: int
    style: str  # words, compound, numbered, numbers
    no_opinion: str | None  # "label", "code" or None
    groups: list[str]
    bodies: list[str]
    profile: list[str]  # kinds, in order
    questions: list[Question]
    n: int
    seed: int

    @property
    def statements(self) -> list[str]:
        return [s for f in self.factors for s in f]

    def labels(self) -> dict[int, str]:
        """Scale value -> the label the export writes (the number itself for numbers only)."""
        out = {}
        for value, kind in enumerate(KINDS[self.points], start=1):
            text = (
                COMPOUND[self.lang].get(kind, WORDED[self.lang][kind])
                if self.style == "compound"
                else WORDED[self.lang][kind]
            )
            if self.style == "numbered":
                text = f"{value} — {text.lower()}" if value in (1, self.points) else str(value)
            if self.style == "numbers":
                text = str(value)
            out[value] = text
        return out

    def no_opinion_answer(self) -> str | None:
        if self.no_opinion == "label":
            return NO_OPINION[self.lang]
        return "99" if self.no_opinion == "code" else None


@st.composite
def questionnaires(draw, lang=None, max_n=60) -> Questionnaire:
    lang = lang or draw(st.sampled_from(LANGS))
    words = WORDS[lang]
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, 19), st.integers(0, 19), st.integers(0, 2)), min_size=2, max_size=14, unique=True
        )
    )
    texts = list(dict.fromkeys(STEMS[lang][k].format(words[a], words[b]).capitalize() for a, b, k in pairs if a != b))
    if len(texts) < 2:
        texts = [STEMS[lang][0].format(words[0], words[1]).capitalize(), STEMS[lang][1].format(words[2], words[3])]
    n_factors = draw(st.integers(1, min(4, len(texts))))
    factors = [texts[i::n_factors] for i in range(n_factors)]
    questions = []
    for k in range(draw(st.integers(1, 3))):
        size = draw(st.integers(3, 5))
        start = draw(st.integers(0, 14))
        options = [
            words[(start + i) % 20].capitalize() + (f", {words[(start + i + 7) % 20]}" if i == 0 else "")
            for i in range(size)
        ]
        questions.append(
            Question(
                f"{['Что важнее', 'Что мешает', 'Что помогает'][k]} ({lang}) {k + 1}?",
                options,
                draw(st.booleans()),
                draw(st.booleans()),
            )
        )
    return Questionnaire(
        lang=lang,
        factors=factors,
        points=draw(st.sampled_from([4, 5, 7])),
        style=draw(st.sampled_from(["words", "compound", "numbered", "numbers"])),
        no_opinion=draw(st.sampled_from(["label", "code", None])),
        groups=GROUPS[lang][: draw(st.integers(2, 5))],
        bodies=BODIES[lang][: draw(st.sampled_from([0, 2, 3, 4]))],
        profile=draw(st.lists(st.sampled_from(PROFILE_KINDS), min_size=1, max_size=4, unique=True)),
        questions=questions,
        n=draw(st.integers(30, max_n)),
        seed=draw(st.integers(0, 2**16)),
    )


@dataclass
class Answers:
    group: np.ndarray
    body: np.ndarray  # -1: none
    scores: np.ndarray  # float, NaN where blank or no opinion
    no_opinion: np.ndarray
    profile: dict = field(default_factory=dict)  # kind -> list of cell texts (as a CSV tool writes them)
    chosen: list = field(default_factory=list)  # per question: list of chosen option indexes per respondent
    other: list = field(default_factory=list)  # per question: free text per respondent ("" for none)


def answer(q: Questionnaire) -> Answers:
    rng = np.random.default_rng(q.seed)
    n, k = q.n, len(q.statements)
    group = np.arange(n) % len(q.groups)
    rng.shuffle(group)
    body = rng.integers(-1, len(q.bodies), size=n) if q.bodies else np.full(n, -1)
    if q.bodies:
        body[: len(q.bodies)] = np.arange(len(q.bodies))
    scores = rng.integers(1, q.points + 1, size=(n, k)).astype(float)
    for v in range(1, q.points + 1):  # every point used, in every statement: the scale is seen whole
        scores[v - 1, :] = v
    draw = rng.random((n, k))
    no_opinion = (draw < 0.06) if q.no_opinion else np.zeros((n, k), bool)
    no_opinion[: q.points, :] = False
    blank = (draw >= 0.06) & (draw < 0.09)
    blank[: q.points, :] = False
    scores[no_opinion | blank] = np.nan
    profile = {}
    for kind in q.profile:
        if kind == "years":
            profile[kind] = [str(v) for v in rng.integers(23, 63, size=n)]
        elif kind == "decimal_years":
            profile[kind] = [f"{v / 2:.1f}".replace(".", ",") for v in rng.integers(1, 50, size=n)]
        elif kind == "duration":
            unit = {"ru": ("лет", "месяцев"), "kk": ("жыл", "ай"), "en": ("years", "months")}[q.lang]
            profile[kind] = [
                f"{y} {unit[0]} {m} {unit[1]}" for y, m in zip(rng.integers(0, 30, n), rng.integers(1, 12, n))
            ]
        elif kind == "date":
            days = rng.integers(0, 300, size=n)
            profile[kind] = [(dt.date(2021, 1, 4) + dt.timedelta(days=int(d))).strftime("%d.%m.%Y") for d in days]
        else:
            profile[kind] = [EDUCATION[q.lang][i % 3] for i in rng.integers(0, 3, size=n)]
    chosen, other = [], []
    for question in q.questions:
        picks, texts = [], []
        pool = iter(OTHER_TEXTS[q.lang] * 3)
        for i in range(n):
            if question.multi:
                pick = sorted(set(rng.choice(len(question.options), size=rng.integers(1, 4)).tolist()))
            else:
                pick = [int(rng.integers(0, len(question.options)))]
            if i < 3 * len(question.options):  # every option chosen by three respondents at least
                o = i % len(question.options)
                pick = sorted(set(pick) | {o}) if question.multi else [o]
            text = next(pool) if question.other and i % 9 == 4 else ""
            if text and not question.multi:
                pick = []
            picks.append(pick)
            texts.append(text)
        chosen.append(picks)
        other.append(texts)
    # Some profile cells left blank (a field the respondent skipped), drawn apart so the other answers keep their
    # draws; never in the first rows, which show every field filled in.
    skipped = np.random.default_rng([q.seed, 1])
    for kind in q.profile:
        for i in np.flatnonzero(skipped.random(n) < PROFILE_SKIPPED):
            if i >= 6:
                profile[kind][i] = ""
    return Answers(group, body, scores, no_opinion, profile, chosen, other)


def score_cell(q: Questionnaire, a: Answers, i: int, j: int) -> str:
    if a.no_opinion[i, j]:
        return q.no_opinion_answer()
    value = a.scores[i, j]
    return "" if np.isnan(value) else q.labels()[int(value)]


def expected_means(q: Questionnaire, a: Answers) -> pd.DataFrame:
    """statement x group label -> mean score, from the answers themselves."""
    frame = pd.DataFrame(a.scores, columns=q.statements)
    frame["group"] = np.array(q.groups)[a.group]
    return frame.groupby("group").mean().T


# --- the exports ------------------------------------------------------------------------------------------------
def google_forms(q: Questionnaire, a: Answers) -> pd.DataFrame:
    """The responses sheet of Google Forms: a timestamp, one column per question, 'Grid [row]' per statement."""
    start = pd.Timestamp("2021-04-05 09:00:00")
    rows = []
    for i in range(q.n):
        row = {
            {"ru": "Отметка времени", "kk": "Уақыт белгісі", "en": "Timestamp"}[q.lang]: (
                start + pd.Timedelta(minutes=(i // 2) * 17)  # two respondents share each timestamp
            ).strftime("%d.%m.%Y %H:%M:%S"),
            STAKEHOLDER_HEADER[q.lang]: q.groups[a.group[i]],
        }
        if q.bodies:
            row[BODY_HEADER[q.lang]] = q.bodies[a.body[i]] if a.body[i] >= 0 else ""
        for kind in q.profile:
            row[PROFILE_HEADER[kind][q.lang]] = a.profile[kind][i]
        for k, question in enumerate(q.questions):
            parts = [question.options[o] for o in a.chosen[k][i]] + ([a.other[k][i]] if a.other[k][i] else [])
            row[question.text] = ", ".join(parts)
        for j, statement in enumerate(q.statements):
            row[f"{GRID[q.lang]} [{statement}]"] = score_cell(q, a, i, j)
        rows.append(row)
    return pd.DataFrame(rows)


def write_google_forms(q: Questionnaire, a: Answers, folder: Path, variant: str) -> Path:
    """variant: 'utf8' (as downloaded, ','), 'cp1251' (re-saved by Excel in a Russian locale, ';'), 'bom'."""
    frame = google_forms(q, a)
    path = Path(folder) / f"{GRID[q.lang][:12]} (ответы).csv"
    if variant == "cp1251":
        frame.to_csv(path, sep=";", encoding="cp1251", index=False, lineterminator="\r\n")
    elif variant == "bom":
        frame.to_csv(path, sep=",", encoding="utf-8-sig", index=False)
    else:
        frame.to_csv(path, sep=",", encoding="utf-8", index=False)
    return path


def xlsform(q: Questionnaire) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The XLSForm of the questionnaire: survey and choices sheets, labels in its language."""
    label = f"label::{ {'ru': 'Russian (ru)', 'kk': 'Kazakh (kk)', 'en': 'English (en)'}[q.lang] }"
    survey = [("start", "start", "", ""), ("end", "end", "", "")]
    survey += [("select_one role", "respondent_type", STAKEHOLDER_HEADER[q.lang], "")]
    if q.bodies:
        survey += [("select_one body", "pilot_body", BODY_HEADER[q.lang], "")]
    kinds = {
        "years": "integer",
        "decimal_years": "decimal",
        "duration": "text",
        "date": "date",
        "category": "select_one edu",
    }
    for kind in q.profile:
        survey += [(kinds[kind], f"p_{kind}", PROFILE_HEADER[kind][q.lang], "")]
    for k, question in enumerate(q.questions, start=1):
        survey += [(f"{'select_multiple' if question.multi else 'select_one'} q{k}list", f"q{k}", question.text, "")]
        if question.other:
            survey += [("text", f"q{k}_other", OTHER[q.lang], f"selected(${{q{k}}}, 'other')")]
    survey += [("begin_group", "grid", GRID[q.lang], "")]
    survey += [("select_one agree", f"s{j + 1:02d}", s, "") for j, s in enumerate(q.statements)]
    survey += [("end_group", "", "", "")]
    choices = [("role", f"g{k}", g) for k, g in enumerate(q.groups, start=1)]
    choices += [("body", f"b{k}", b) for k, b in enumerate(q.bodies, start=1)]
    choices += [("edu", f"e{k}", e) for k, e in enumerate(EDUCATION[q.lang], start=1)]
    for k, question in enumerate(q.questions, start=1):
        choices += [(f"q{k}list", f"o{i}", o) for i, o in enumerate(question.options, start=1)]
        if question.other:
            choices += [(f"q{k}list", "other", OTHER[q.lang])]
    choices += [("agree", str(v), t) for v, t in q.labels().items()]
    if q.no_opinion:
        choices += [("agree", "99", NO_OPINION[q.lang])]
    return (
        pd.DataFrame(survey, columns=["type", "name", label, "relevant"]),
        pd.DataFrame(choices, columns=["list_name", "name", label]),
    )


def kobo_export(q: Questionnaire, a: Answers) -> pd.DataFrame:
    """KoboToolbox's CSV export with XML values and headers: names, group paths, select_multiple split too."""
    rows = []
    for i in range(q.n):
        row = {
            "start": f"2021-05-{1 + i % 28:02d}T10:00:00.000+06:00",
            "end": f"2021-05-{1 + i % 28:02d}T10:20:00.000+06:00",
        }
        row["respondent_type"] = f"g{a.group[i] + 1}"
        if q.bodies:
            row["pilot_body"] = f"b{a.body[i] + 1}" if a.body[i] >= 0 else ""
        for kind in q.profile:
            value = a.profile[kind][i]
            if not value:
                pass
            elif kind == "decimal_years":
                value = value.replace(",", ".")
            elif kind == "date":
                value = dt.datetime.strptime(value, "%d.%m.%Y").date().isoformat()
            elif kind == "category":
                value = f"e{EDUCATION[q.lang].index(value) + 1}"
            row[f"p_{kind}"] = value
        for k, question in enumerate(q.questions, start=1):
            names = [f"o{o + 1}" for o in a.chosen[k - 1][i]] + (["other"] if a.other[k - 1][i] else [])
            row[f"q{k}"] = " ".join(names)
            if question.multi:
                for o in range(len(question.options)):
                    row[f"q{k}/o{o + 1}"] = "1" if f"o{o + 1}" in names else "0"
                if question.other:
                    row[f"q{k}/other"] = "1" if "other" in names else "0"
            if question.other:
                row[f"q{k}_other"] = a.other[k - 1][i]
        for j in range(len(q.statements)):
            value = a.scores[i, j]
            row[f"grid/s{j + 1:02d}"] = "99" if a.no_opinion[i, j] else "" if np.isnan(value) else str(int(value))
        row.update(
            {
                "_id": str(500000 + i),
                "_uuid": f"uuid-{i:05d}",
                "_submission_time": "2021-05-30T12:00:00",
                "_index": str(i + 1),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def write_kobo(q: Questionnaire, a: Answers, folder: Path) -> tuple[Path, Path]:
    survey, choices = xlsform(q)
    form = Path(folder) / "form.xlsx"
    with pd.ExcelWriter(form) as writer:
        survey.to_excel(writer, sheet_name="survey", index=False)
        choices.to_excel(writer, sheet_name="choices", index=False)
    export = Path(folder) / "kobo_export.csv"
    kobo_export(q, a).to_csv(export, sep=";", encoding="utf-8", index=False)
    return export, form


def write_sav(q: Questionnaire, a: Answers, folder: Path) -> Path:
    """An SPSS .sav file as LimeSurvey or Qualtrics give one: codes, variable and value labels, user-missing 9."""
    import pyreadstat

    data = {"id": np.arange(1, q.n + 1, dtype=float), "role": a.group + 1.0}
    labels = {"id": "ID", "role": STAKEHOLDER_HEADER[q.lang]}
    value_labels = {"role": {float(k): g for k, g in enumerate(q.groups, start=1)}}
    if q.bodies:
        data["body"] = np.where(a.body >= 0, a.body + 1.0, np.nan)
        labels["body"] = BODY_HEADER[q.lang]
        value_labels["body"] = {float(k): b for k, b in enumerate(q.bodies, start=1)}
    for kind in q.profile:
        cells = a.profile[kind]
        if kind == "years":
            data[kind] = np.array([float(c) if c else np.nan for c in cells])
        elif kind == "decimal_years":
            data[kind] = np.array([float(c.replace(",", ".")) if c else np.nan for c in cells])
        elif kind == "category":
            data[kind] = np.array([EDUCATION[q.lang].index(c) + 1.0 if c else np.nan for c in cells])
            value_labels[kind] = {float(k): e for k, e in enumerate(EDUCATION[q.lang], start=1)}
        else:
            data[kind] = np.array(cells, dtype=object)
        labels[kind] = f"{kind}. {PROFILE_HEADER[kind][q.lang]}"  # the tool's variable-name prefix
    for k, question in enumerate(q.questions, start=1):
        if question.multi:
            for o, option in enumerate(question.options, start=1):
                data[f"q{k}_{o}"] = np.array([1.0 if o - 1 in c else 0.0 for c in a.chosen[k - 1]])
                labels[f"q{k}_{o}"] = f"{question.text} [{option}]"
            if question.other and q.seed % 2:  # half the files tick "Other" too, as LimeSurvey's .sav does
                ticked = np.array([1.0 if t else 0.0 for t in a.other[k - 1]])
                ticked[np.flatnonzero(ticked)[:1]] = 0.0  # one respondent wrote words and left the tick blank
                data[f"q{k}_{len(question.options) + 1}"] = ticked
                labels[f"q{k}_{len(question.options) + 1}"] = f"{question.text} [{OTHER[q.lang]}]"
        else:
            data[f"q{k}"] = np.array([c[0] + 1.0 if c else 99.0 for c in a.chosen[k - 1]])
            labels[f"q{k}"] = f"q{k}: {question.text}"
            value_labels[f"q{k}"] = {float(o): t for o, t in enumerate(question.options, start=1)}
            if question.other:
                value_labels[f"q{k}"][99.0] = OTHER[q.lang]
        if question.other:
            data[f"q{k}_other"] = np.array(a.other[k - 1], dtype=object)
            labels[f"q{k}_other"] = f"{question.text} [{OTHER[q.lang]}]"
    scale = {float(v): t for v, t in q.labels().items()}
    if q.no_opinion:
        scale[9.0] = NO_OPINION[q.lang]
    for j, statement in enumerate(q.statements):
        data[f"s{j + 1}"] = np.where(a.no_opinion[:, j], 9.0, a.scores[:, j])
        labels[f"s{j + 1}"] = f"{GRID[q.lang]} [{statement}]"
        value_labels[f"s{j + 1}"] = scale
    path = Path(folder) / "survey.sav"
    pyreadstat.write_sav(
        pd.DataFrame(data),
        str(path),
        column_labels=labels,
        variable_value_labels=value_labels,
        missing_ranges={f"s{j + 1}": [9.0] for j in range(len(q.statements))} if q.no_opinion else None,
    )
    return path


def _rows_csv(rows: list[list[str]], path: Path, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    import csv

    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def _choice_texts(question: Question, picks: list[int], other: str, other_label: str | None) -> list[str]:
    """The chosen options' texts; the "Other" choice as `other_label` (a tool with a text column) or its text."""
    texts = [question.options[o] for o in picks]
    if other:
        texts.append(other_label if other_label is not None else other)
    return texts


def write_qualtrics(q: Questionnaire, a: Answers, folder: Path) -> Path:
    """Qualtrics' CSV download (choice text, UTF-8 with BOM): three header rows -- column names (Q1, Q5_3,
    Q4_6_TEXT), the question texts ('Question - Statement' for a matrix row), and each column's ImportId as
    JSON -- then one row per response. An anonymous link: no names, e-mails or IP addresses."""
    import json

    meta = [
        ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "Asia/Almaty"}),
        ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "Asia/Almaty"}),
        ("Status", "Response Type", {"ImportId": "status"}),
        ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
        ("Progress", "Progress", {"ImportId": "progress"}),
        ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
        ("Finished", "Finished", {"ImportId": "finished"}),
        ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "Asia/Almaty"}),
        ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
        ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
        ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
        ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
        ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
        ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
        ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
        ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
        ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
    ]
    columns = list(meta)
    qid = iter(range(1, 1000))
    columns.append((f"Q{next(qid)}", STAKEHOLDER_HEADER[q.lang], None))
    if q.bodies:
        columns.append((f"Q{next(qid)}", BODY_HEADER[q.lang], None))
    for kind in q.profile:
        columns.append((f"Q{next(qid)}", PROFILE_HEADER[kind][q.lang], None))
    for question in q.questions:
        number = next(qid)
        columns.append((f"Q{number}", question.text, None))
        if question.other:
            other_id = len(question.options) + 1
            columns.append((f"Q{number}_{other_id}_TEXT", f"{question.text} - {OTHER[q.lang]} - Text", None))
    grid = next(qid)
    for j, statement in enumerate(q.statements, start=1):
        columns.append((f"Q{grid}_{j}", f"{GRID[q.lang]} - {statement}", None))
    header = [c[0] for c in columns]
    texts = [c[1] for c in columns]
    import_ids = [
        json.dumps(c[2] if c[2] else {"ImportId": ("QID" + c[0][1:]) if c[0].startswith("Q") else c[0]})
        for c in columns
    ]
    rows = [header, texts, import_ids]
    start = dt.datetime(2021, 4, 5, 9, 0, 0)
    rng = np.random.default_rng(q.seed + 1)
    for i in range(q.n):
        began = start + dt.timedelta(minutes=37 * i)
        seconds = int(rng.integers(180, 1500))
        row = [
            began.strftime("%Y-%m-%d %H:%M:%S"),
            (began + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S"),
            "0",
            "",
            "100",
            str(seconds),
            "1",
            (began + dt.timedelta(seconds=seconds + 1)).strftime("%Y-%m-%d %H:%M:%S"),
            "R_" + "".join(rng.choice(list("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 15)),
            "",
            "",
            "",
            "",
            "",
            "",
            "anonymous",
            q.lang.upper(),
        ]
        row.append(q.groups[a.group[i]])
        if q.bodies:
            row.append(q.bodies[a.body[i]] if a.body[i] >= 0 else "")
        row += [a.profile[kind][i] for kind in q.profile]
        for k, question in enumerate(q.questions):
            other = a.other[k][i]
            label = OTHER[q.lang] if question.other else None
            row.append(",".join(_choice_texts(question, a.chosen[k][i], other, label)))
            if question.other:
                row.append(other)
        row += [score_cell(q, a, i, j) for j in range(len(q.statements))]
        rows.append(row)
    return _rows_csv(rows, Path(folder) / "Survey_April 5, 2021_09.00.csv", encoding="utf-8-sig")


def write_surveymonkey(q: Questionnaire, a: Answers, folder: Path) -> Path:
    """SurveyMonkey's CSV export ('original view', actual answer text): two header rows -- each question's text
    over its first column (blank over the rest of its columns), then 'Response', an option, a matrix row or
    'Other (please specify)' under each column -- then one row per respondent; a checkbox option's column holds
    the option's text when ticked. Its own respondent and collector ids and the contact columns come first."""
    first = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
    first += ["First Name", "Last Name", "Custom Data 1"]
    top, sub = list(first), [""] * len(first)

    def add(text: str, under: list[str]) -> None:
        top.extend([text] + [""] * (len(under) - 1))
        sub.extend(under)

    add(STAKEHOLDER_HEADER[q.lang], ["Response"])
    if q.bodies:
        add(BODY_HEADER[q.lang], ["Response"])
    for kind in q.profile:
        add(PROFILE_HEADER[kind][q.lang], ["Open-Ended Response"])
    for question in q.questions:
        under = list(question.options) if question.multi else ["Response"]
        add(question.text, under + (["Other (please specify)"] if question.other else []))
    add(GRID[q.lang], list(q.statements))
    rows = [top, sub]
    start = dt.datetime(2021, 4, 5, 9, 0, 0)
    for i in range(q.n):
        began = start + dt.timedelta(minutes=41 * i)
        row = [
            str(11_400_000_000 + 7919 * i),
            "405123456",
            began.strftime("%m/%d/%Y %I:%M:%S %p"),
            (began + dt.timedelta(minutes=12)).strftime("%m/%d/%Y %I:%M:%S %p"),
            "",
            "",
            "",
            "",
            "",
        ]
        row.append(q.groups[a.group[i]])
        if q.bodies:
            row.append(q.bodies[a.body[i]] if a.body[i] >= 0 else "")
        row += [a.profile[kind][i] for kind in q.profile]
        for k, question in enumerate(q.questions):
            picks, other = a.chosen[k][i], a.other[k][i]
            if question.multi:
                row += [option if o in picks else "" for o, option in enumerate(question.options)]
            else:
                row.append(question.options[picks[0]] if picks else "")
            if question.other:
                row.append(other)
        row += [score_cell(q, a, i, j) for j in range(len(q.statements))]
        rows.append(row)
    return _rows_csv(rows, Path(folder) / "Sheet_1.csv")


LIMESURVEY_YES = {"ru": "Да", "kk": "Иә", "en": "Yes"}


def write_limesurvey(q: Questionnaire, a: Answers, folder: Path) -> Path:
    """LimeSurvey's CSV export (full answers, headings 'question code & question text', UTF-8 with BOM): a
    column per question or subquestion, headed 'G01Q02[SQ001]. Question [Subquestion]'; a multiple-choice
    subquestion holds the word for yes when ticked; "Other" has a '[other]' column of its own."""
    header = ["id. Response ID", "submitdate. Date submitted", "lastpage. Last page"]
    header += ["startlanguage. Start language", "seed. Seed"]
    header.append(f"G01Q01. {STAKEHOLDER_HEADER[q.lang]}")
    if q.bodies:
        header.append(f"G01Q02. {BODY_HEADER[q.lang]}")
    for n, kind in enumerate(q.profile, start=3):
        header.append(f"G01Q{n:02d}. {PROFILE_HEADER[kind][q.lang]}")
    for k, question in enumerate(q.questions, start=1):
        code = f"G02Q{k:02d}"
        if question.multi:
            header += [f"{code}[SQ{o:03d}]. {question.text} [{option}]" for o, option in enumerate(question.options, 1)]
        else:
            header.append(f"{code}. {question.text}")
        if question.other:
            header.append(f"{code}[other]. {question.text} [{OTHER[q.lang]}]")
    header += [f"G03Q01[SQ{j:03d}]. {GRID[q.lang]} [{s}]" for j, s in enumerate(q.statements, start=1)]
    rows = [header]
    for i in range(q.n):
        row = [str(i + 1), f"2021-04-{5 + i % 20:02d} 10:{i % 60:02d}:00", "3", q.lang, str(1_000_000 + 37 * i)]
        row.append(q.groups[a.group[i]])
        if q.bodies:
            row.append(q.bodies[a.body[i]] if a.body[i] >= 0 else "")
        row += [a.profile[kind][i] for kind in q.profile]
        for k, question in enumerate(q.questions):
            picks, other = a.chosen[k][i], a.other[k][i]
            if question.multi:
                row += [LIMESURVEY_YES[q.lang] if o in picks else "" for o in range(len(question.options))]
            else:
                row.append(question.options[picks[0]] if picks else OTHER[q.lang] if other else "")
            if question.other:
                row.append(other)
        row += [score_cell(q, a, i, j) for j in range(len(q.statements))]
        rows.append(row)
    return _rows_csv(rows, Path(folder) / "results-survey123456.csv", encoding="utf-8-sig")


def write_microsoft_forms(q: Questionnaire, a: Answers, folder: Path) -> Path:
    """Microsoft Forms' Excel download: ID, start and completion times, e-mail ('anonymous') and name, then a
    column per question; a Likert question gives a column per statement, headed by the statement alone; a
    multiple-choice answer lists the options chosen, each followed by ';', an "Other" answer as its own text."""
    rows = []
    start = dt.datetime(2021, 4, 5, 9, 0, 0)
    for i in range(q.n):
        began = start + dt.timedelta(minutes=23 * i)
        row = {
            "ID": str(i + 1),
            "Start time": began.strftime("%-m/%-d/%y %-H:%M:%S"),
            "Completion time": (began + dt.timedelta(minutes=9)).strftime("%-m/%-d/%y %-H:%M:%S"),
            "Email": "anonymous",
            "Name": "",
            "Last modified time": "",
            STAKEHOLDER_HEADER[q.lang]: q.groups[a.group[i]],
        }
        if q.bodies:
            row[BODY_HEADER[q.lang]] = q.bodies[a.body[i]] if a.body[i] >= 0 else ""
        for kind in q.profile:
            row[PROFILE_HEADER[kind][q.lang]] = a.profile[kind][i]
        for k, question in enumerate(q.questions):
            texts = _choice_texts(question, a.chosen[k][i], a.other[k][i], None)
            row[question.text] = "".join(f"{t};" for t in texts) if question.multi else (texts[0] if texts else "")
        for j, statement in enumerate(q.statements):
            row[statement] = score_cell(q, a, i, j)
        rows.append(row)
    path = Path(folder) / "Survey(1-{}).xlsx".format(q.n)
    pd.DataFrame(rows).to_excel(path, index=False, sheet_name="Sheet1")
    return path


TOOLS = {
    "Google Forms (UTF-8, ',')": lambda q, a, d: (write_google_forms(q, a, d, "utf8"), None),
    "Google Forms re-saved by Excel (Windows-1251, ';')": lambda q, a, d: (write_google_forms(q, a, d, "cp1251"), None),
    "Google Forms (UTF-8 with BOM)": lambda q, a, d: (write_google_forms(q, a, d, "bom"), None),
    "KoboToolbox (XLSForm + CSV export)": write_kobo,
    "SPSS .sav (value labels, user-missing)": lambda q, a, d: (write_sav(q, a, d), None),
    "Qualtrics (CSV, three header rows)": lambda q, a, d: (write_qualtrics(q, a, d), None),
    "SurveyMonkey (CSV, two header rows)": lambda q, a, d: (write_surveymonkey(q, a, d), None),
    "LimeSurvey (CSV, codes and texts in the headings)": lambda q, a, d: (write_limesurvey(q, a, d), None),
    "Microsoft Forms (Excel)": lambda q, a, d: (write_microsoft_forms(q, a, d), None),
}


# --- the round trip ---------------------------------------------------------------------------------------------
def _texts(entry: dict, key: str = "text") -> set[str]:
    return {str(t).strip() for t in (entry.get(key) or {}).values() if t}


def profile_type_of(kind: str, tool: str) -> set[str]:
    """The codebook types that hold a profile field of `kind` as `tool` writes it."""
    if kind == "category":
        return {"category"} if not tool.startswith("KoboToolbox") else {"category"}
    return {kind}


def recovered(q: Questionnaire, book: dict, tool: str, a: Answers) -> dict[str, bool]:
    """Item -> whether the draft `book` says what the questionnaire `q` says (nothing from the inference used)."""
    out = {}
    statements = [s for s in book.get("statements") or []]
    found = [_texts(s) for s in statements]
    out["statements"] = len(found) == len(q.statements) and all(
        any(text in texts for texts in found) for text in q.statements
    )
    scale = book.get("scale") or {}
    out["scale values"] = [int(v) for v in scale.get("values") or []] == list(range(1, q.points + 1))
    labels = {int(v): {str(t) for t in (ls or {}).values() if t} for v, ls in (scale.get("labels") or {}).items()}
    if q.style == "numbers" or tool.startswith(("KoboToolbox", "SPSS")):
        worded = {v: t for v, t in q.labels().items() if not t.isdigit()}
        out["scale labels"] = all(t in labels.get(v, set()) for v, t in worded.items())
    else:
        out["scale labels"] = all(t in labels.get(v, set()) for v, t in q.labels().items() if not t.isdigit())
    missing = {str(m) for m in scale.get("missing") or []}
    expected_missing = {q.no_opinion_answer()}
    if tool.startswith("SPSS"):
        expected_missing = {"9"}
    elif tool.startswith("KoboToolbox"):
        expected_missing = {"99"}
    # What an export cannot show, a draft cannot know: a "no opinion" answer nobody gave (SPSS and XLSForm say it).
    given = q.no_opinion and (a.no_opinion.any() or tool.startswith(("SPSS", "KoboToolbox")))
    out["no-opinion answer"] = missing == (expected_missing if given else set())
    out["stakeholder types"] = sorted(t for s in book.get("stakeholders") or [] for t in _texts(s, "label")) == sorted(
        q.groups
    )
    bodies = sorted(t for b in book.get("pilot_bodies") or [] for t in _texts(b, "label"))
    out["pilot bodies"] = bodies == sorted(q.bodies)
    types = [p.get("type") for p in book.get("profile") or []]
    out["profile types"] = sorted(types) == sorted(t for k in q.profile for t in profile_type_of(k, tool))
    questions = book.get("questions") or []
    ok = len(questions) == len(q.questions)
    for question in q.questions if ok else []:
        match = next(
            (
                b
                for b in questions
                if question.text in _texts(b) or any(question.text in str(b.get(k, "")) for k in ("column", "id"))
            ),
            None,
        )
        options = [] if match is None else [o for o in match["options"] if not o.get("other")]
        texts = [t for o in options for t in _texts(o)]
        ok = ok and match is not None and sorted(texts) == sorted(question.options)
        ok = ok and bool(match and any(o.get("other") for o in match["options"])) == question.other
    out["questions, options and Other"] = ok
    id_column = (book.get("export") or {}).get("id_column", "")
    out["respondent id"] = id_column in {"@row", "_id", "_uuid", "id", "ID", "Response ID", "Respondent ID"}
    return out


def fill_factors(text: str, q: Questionnaire) -> str:
    """A person's one edit: list the factors, give each statement its factor (found by its text)."""
    import re

    import yaml

    book = yaml.safe_load(text)
    factor_of = {s: f"f{k + 1}" for k, texts in enumerate(q.factors) for s in texts}
    ids = []
    for statement in book["statements"]:
        texts = _texts(statement)
        ids.append(next((factor_of[t] for t in texts if t in factor_of), "f1"))
    listed = "factors:\n" + "".join(
        f'  - {{id: f{k + 1}, label: {{en: "Factor {k + 1}"}}}}\n' for k in range(len(q.factors))
    )
    text = text.replace("factors: []\n", listed, 1)
    for factor in ids:
        text = re.sub(r'^(\s+)factor: "TODO"', rf"\1factor: {factor}", text, count=1, flags=re.M)
    return text


def round_trip(q: Questionnaire, tool: str, scratch: Path) -> dict[str, bool]:
    """Render `q`'s answers as `tool` writes them, draft with `make new-dataset`'s code, fill only the factors;
    then: what the draft recovered, whether check-codebook finds nothing to fix, whether every answer reached
    step 01's tables (unaccounted) and whether the group means they give equal those of the answers."""
    import os

    from helpers.codebook import read_codebook
    from helpers.ingest import check
    from helpers.ingest.clean import clean_in_memory
    from helpers.paths import ROOT_VARIABLE, dataset_paths
    from helpers.tools.scaffold import new_dataset

    a = answer(q)
    downloads = Path(scratch) / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    export, form = TOOLS[tool](q, a, downloads)
    (Path(scratch) / "data" / "raw").mkdir(parents=True, exist_ok=True)
    previous = os.environ.get(ROOT_VARIABLE)
    os.environ[ROOT_VARIABLE] = str(scratch)
    try:
        import yaml

        new_dataset("d", str(export), str(form) if form else None)
        paths = dataset_paths("d")
        draft = paths.codebook.read_text(encoding="utf-8")
        result = recovered(q, yaml.safe_load(draft), tool, a)
        paths.codebook.write_text(fill_factors(draft, q), encoding="utf-8")
        to_fix = [f for f in check.check_dataset("d") if f.kind not in check.INFORMATION]
        result["check-codebook passes"] = not to_fix
        means_ok = False
        if not to_fix:
            codebook = read_codebook(paths.codebook)
            clean = clean_in_memory(paths.raw, codebook, paths.root)
            statements = codebook.statements()
            text_of = {
                sid: {t for t in (s.get("text") or {}).values() if t}
                for f in codebook.raw["factors"]
                for s in f["statements"]
                for sid in [s["id"]]
            }
            label_of = {
                s["code"]: {t for t in (s.get("label") or {}).values() if t} for s in codebook.raw["stakeholders"]
            }
            likert = clean.likert
            got = likert.groupby(["statement_id", "stakeholder"])["score"].mean()
            want = expected_means(q, a)
            means_ok = len(statements) == len(q.statements)
            for (sid, code), value in got.items():
                statement = next(t for t in text_of[sid] if t in want.index)
                group = next(t for t in label_of[code] if t in want.columns)
                expected = want.loc[statement, group]
                means_ok = means_ok and (
                    abs(float(value) - expected) < 1e-9 if not pd.isna(expected) else pd.isna(value)
                )
            no_opinion = int((likert["missing_reason"] == "no opinion").sum())
            means_ok = means_ok and no_opinion == int(a.no_opinion.sum())
            result["every answer accounted for"] = not unaccounted(q, a, clean, codebook)
        result["group means exact"] = means_ok
        return result
    finally:
        if previous is None:
            os.environ.pop(ROOT_VARIABLE, None)
        else:
            os.environ[ROOT_VARIABLE] = previous


def unaccounted(q: Questionnaire, a: Answers, clean, codebook) -> list[str]:
    """What of the answers `a` (as generated, before any tool wrote them) step 01's tables do not hold, counted
    from the answers, not from what the parser read: every respondent, every answer on the scale, every option
    chosen and every "Other" text, word for word (the questions matched by their text)."""
    missing = []
    if len(clean.respondents) != q.n or len(clean.rejected):
        missing.append(f"{len(clean.respondents)} respondents and {len(clean.rejected)} set aside, of {q.n}")
    scored, answered = int(clean.likert["score"].notna().sum()), int(np.isfinite(a.scores).sum())
    if scored != answered:
        missing.append(f"{scored} answers on the scale, of {answered}")
    ids = {
        text: question["id"]
        for question in codebook.raw["questions"]
        for text in (question.get("text") or {}).values()
        if text
    }
    missing += unaccounted_profile(q, a, clean.respondents.sort_values("source_row"), codebook)
    for question, picks, texts in zip(q.questions, a.chosen, a.other):
        rows = clean.choices.loc[clean.choices["question_id"].astype(str) == ids.get(question.text)]
        expected = sum(len(p) for p in picks) + sum(bool(t) for t in texts)
        # Where the tool writes options and "Other" words in one cell, words that are an option are that option:
        # once, if the respondent chose it as well ("Обучение, Карьера, Обучение").
        as_options = sum(
            len(set(p) | ({question.options.index(t)} if t in question.options else set()))
            + bool(t and t not in question.options)
            for p, t in zip(picks, texts)
        )
        if len(rows) not in (expected, as_options):
            missing.append(f"{question.text!r}: {len(rows)} options chosen, of {expected}")
        given, got = sorted(t for t in texts if t), sorted(rows["free_text"].dropna().astype(str))
        # A tool that writes the options chosen and the "Other" words in one cell (Google Forms, Microsoft Forms)
        # writes an "Other" answer that is word for word an option as that option: it is read as chosen.
        if got != given and got != [t for t in given if t not in question.options]:
            missing.append(f"{question.text!r}: 'Other' texts {got}, of {given}")
    return missing


def expected_profile(kind: str, cell: str):
    """What step 01 makes of a profile cell as generated ("" for blank: None), worked out from the generator's own
    forms, not the parser's: whole years, years with a decimal comma, "Y years M months", dd.mm.yyyy, a label."""
    if not cell:
        return None
    if kind == "years":
        return int(cell)
    if kind == "decimal_years":
        return float(cell.replace(",", "."))
    if kind == "duration":
        years, _, months, _ = cell.split()
        return 12 * int(years) + int(months)
    if kind == "date":
        return dt.datetime.strptime(cell, "%d.%m.%Y").date().isoformat()
    return cell


def unaccounted_profile(q: Questionnaire, a: Answers, respondents: pd.DataFrame, codebook) -> list[str]:
    """Each respondent's stakeholder type, pilot body and profile fields, respondent by respondent in the order
    written, against the answers as generated: every non-empty cell arrives as its value, every blank one as blank.
    The codebook's fields are matched by their texts; a category by its labels."""
    if len(respondents) != q.n:
        return []  # said by the count of respondents
    missing = []

    def labels(entry: dict, key: str = "label") -> set[str]:
        return {str(t).strip() for t in (entry.get(key) or {}).values() if t}

    def compare(what: str, got: list, want: list) -> None:
        wrong = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
        if wrong:
            i = wrong[0]
            missing.append(f"{what}: {len(wrong)} respondents differ, the first (row {i}) {got[i]!r} for {want[i]!r}")

    def named(cells, want: list, names: dict) -> list:
        """Each cell as the text wanted where the codebook names it so, else the cell itself."""
        return [
            None if pd.isna(c) else (w if w is not None and w in names.get(str(c), ()) else str(c))
            for c, w in zip(cells, want)
        ]

    want = [q.groups[g] for g in a.group]
    types = {s["code"]: labels(s) for s in codebook.raw["stakeholders"]}
    compare("stakeholder type", named(respondents["stakeholder"], want, types), want)
    want = [q.bodies[b] if b >= 0 else None for b in a.body]
    bodies = {b["code"]: labels(b) for b in codebook.raw.get("pilot_bodies") or []}
    compare("pilot body", named(respondents["pilot_body"], want, bodies), want)
    for kind in q.profile:
        header = PROFILE_HEADER[kind][q.lang]
        spec = next((p for p in codebook.profile() if any(header in t for t in labels(p))), None)
        if spec is None:
            missing.append(f"profile field {header!r}: not in the codebook")
            continue
        want = [expected_profile(kind, cell) for cell in a.profile[kind]]
        suffix = {"years": "_years", "decimal_years": "_years_decimal", "duration": "_months"}
        cells = respondents[spec["id"] + suffix.get(spec["type"], "")]
        if spec["type"] == "category":
            value_labels = spec.get("value_labels") or {}
            names = {
                str(v): {str(v)} | labels({"label": value_labels.get(v) or value_labels.get(str(v))})
                for v in spec.get("values") or []
            }
            got = named(cells, want, names)
        else:
            got = [None if pd.isna(c) else (c.item() if hasattr(c, "item") else c) for c in cells]
        compare(f"profile field {header!r}", got, want)
    return missing


def writable(q: Questionnaire, tool: str) -> bool:
    """Whether `tool` can write `q` at all: Windows-1251 has no Kazakh letters (Excel in a Kazakh locale writes
    kz1048, which the Russian variant does not stand for)."""
    return not (q.lang == "kk" and "1251" in tool)


def indistinguishable(q: Questionnaire, tool: str) -> bool:
    """Whether no draft can tell `q`'s statements from questions as `tool` writes them: Microsoft Forms heads a
    statement's column with the statement alone, and a scale of numbers only in one or two such columns reads as
    questions with numbered options (the draft warns for each such column instead)."""
    return tool.startswith("Microsoft Forms") and q.style == "numbers" and len(q.statements) < 3


def measure(n: int, seed: int = 2026) -> tuple[dict, list[str]]:
    """Tool -> item -> (recovered, tried) over `n` questionnaires drawn with `seed`; and the misses, one line each."""
    import tempfile

    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    drawn: list[Questionnaire] = []

    @with_seed(seed)
    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(questionnaires(max_n=60))
    def collect(q):
        drawn.append(q)

    collect()
    rates: dict = {}
    misses = []
    for q in drawn[:n]:
        for tool in TOOLS:
            if not writable(q, tool):
                continue
            with tempfile.TemporaryDirectory() as scratch:
                try:
                    result = round_trip(q, tool, Path(scratch))
                except Exception as error:  # a draft that fails is a miss of every item, said so
                    result = {"draft made": False}
                    misses.append(f"{tool}: {type(error).__name__}: {error}")
            result = {"draft made": True, **result} if "draft made" not in result else result
            for item, ok in result.items():
                got, tried = rates.setdefault(tool, {}).get(item, (0, 0))
                rates[tool][item] = (got + bool(ok), tried + 1)
            got, tried = rates[tool].get("every item", (0, 0))
            rates[tool]["every item"] = (got + all(result.values()), tried + 1)
            missed = [item for item, ok in result.items() if not ok]
            if missed:
                misses.append(
                    f"{tool}: {', '.join(missed)} (lang {q.lang}, {q.points} points, {q.style}, "
                    f"no opinion {q.no_opinion}, profile {q.profile})"
                )
    return rates, misses


def inference_report(n: int, seed: int = 2026) -> str:
    """docs/inference.md: the recovery rate of each tool, measured."""
    rates, misses = measure(n, seed)
    items = list(dict.fromkeys(item for tool in rates.values() for item in tool))
    lines = [
        "# Codebook inference: recovery rate per survey tool",
        "",
        "Measured by round trip, not by fixtures: questionnaires are drawn at random (tests/ingest/questionnaires.py:",
        "1-4 factors, 2-14 statements in one grid, 4-, 5- or 7-point agreement scales in ru, kk or en written as words,",
        'compound words ("Нейтрально / нет мнения"), numbered anchors ("1 — полностью не согласен") or numbers only, a',
        '"no opinion" label or code, 2-5 stakeholder types, 0-4 pilot bodies, profile fields of whole years, decimal',
        "years with a comma, durations, dates and categories (a twentieth of their cells blank), 1-3 single- or",
        'multi-choice questions with or without "Other", 30-60 respondents), written as each tool exports them,',
        "drafted by `make new-dataset`'s code, given",
        "their factors only (the one edit a person makes), then `make check-codebook` (step 01's own validation) and",
        "step 01's cleaning are run and each group mean is compared with the mean of the answers themselves; every",
        'respondent, answer on the scale, option chosen and "Other" text of the generated answers is looked for in',
        "step 01's tables, and each respondent's stakeholder type, pilot body and profile fields, blank or not, are",
        "compared one by one (counted from the answers, not from what the parser read: every answer accounted for).",
        "",
        f"Regenerate: `.venv/bin/python tests/ingest/questionnaires.py {n}` ({n} questionnaires, seed {seed}; each",
        "tool writes every questionnaire it can: Windows-1251 has no Kazakh letters).",
        "",
        "| tool | " + " | ".join(items) + " |",
        "|---|" + "---|" * len(items),
    ]
    for tool, counts in rates.items():
        cells = []
        for item in items:
            got, tried = counts.get(item, (0, 0))
            cells.append(f"{100 * got / tried:.0f} % ({got}/{tried})" if tried else "")
        lines.append(f"| {tool} | " + " | ".join(cells) + " |")
    lines += ["", "## Misses", ""]
    lines += [f"- {m}" for m in misses] or ["None in this run."]
    lines += [
        "",
        "## How each tool's export is written here",
        "",
        "Qualtrics: the CSV download with choice texts, three header rows (column names, question texts, ImportIds),",
        "matrix rows as 'Question - Statement', multiple choices joined by commas, \"Other\" words in a _TEXT column.",
        "SurveyMonkey: the CSV export, two header rows (question over its first column; 'Response', an option, a",
        "matrix row or 'Other (please specify)' under each), a ticked option's column holding its text. LimeSurvey:",
        "full answers, headings 'question code & question text' ('G03Q01[SQ002]. Question [Statement]'), yes-words",
        "for ticks, '[other]' columns. Microsoft Forms: the Excel download, a column per Likert statement headed by",
        "the statement alone, chosen options each followed by ';'. Their .sav files are what the SPSS row measures.",
        "A Microsoft Forms questionnaire whose scale is numbers only and whose grid has one or two statements cannot",
        "be told from questions with numbered options; the draft says so for each such column.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    target = Path(__file__).resolve().parents[2] / "docs" / "inference.md"
    target.write_text(inference_report(count), encoding="utf-8")
    print(f"wrote {target}")
