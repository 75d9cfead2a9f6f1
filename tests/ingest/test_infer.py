"""The pieces of codebook inference, each on small hand-made input."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import yaml

from helpers.codebook import check_codebook, label
from helpers.ingest.draft import draft_yaml
from helpers.ingest.infer import detect_shape, infer_codebook, labelled, language_of, profile_type, slug, split_choices
from helpers.ingest.scales import is_scale_answer, recognise_scale


def test_options_holding_a_comma_are_kept_whole_and_other_text_is_found():
    cells = [
        "Strategy, mission and goals, People",
        "People",
        "Strategy, mission and goals",
        "People, Money",
        "Strategy, mission and goals, Money, Leadership of the head",
        "Money, Digital tools, automation",
        "Money",
    ]
    options, free = split_choices(cells)
    assert options == ["Strategy, mission and goals", "People", "Money"]
    assert free == ["Digital tools, automation", "Leadership of the head"]


def test_an_option_that_only_ever_follows_another_is_not_merged_when_it_also_comes_first():
    options, free = split_choices(["A text, B text", "B text", "A text, B text", "C text, A text"] * 2)
    assert sorted(options) == ["A text", "B text", "C text"] and free == []


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(100, 400),
    share=st.floats(0.02, 0.08),
    texts=st.lists(
        st.sampled_from(["Коллектив", "Семейная традиция", "Престиж", "Стабильность"]),
        min_size=2,
        max_size=4,
        unique=True,
    ),
    seed=st.integers(0, 2**16),
)
def test_other_words_written_by_many_respondents_are_still_other_words(n, share, texts, seed):
    """Google Forms writes the options chosen in the form's order and a respondent's "Other" words last. Words
    many respondents wrote ("Коллектив", 9 of 134) are no option: options are chosen far more often. Here each
    option is chosen by about a third, the words by up to 8 % in all. (Words a tenth wrote beside an option a
    quarter chose are not told apart by counts: such a draft is a guess a person corrects.)"""
    import numpy as np

    options = ["Карьера", "Зарплата, льготы", "Служение обществу", "Обучение", "Стабильность работы"]
    rng = np.random.default_rng(seed)
    cells = []
    for i in range(n):
        chosen = [o for o in options if rng.random() < 0.35] or [options[i % len(options)]]
        if rng.random() < share or i < len(texts):
            chosen.append(texts[i % len(texts)])
        cells.append(", ".join(chosen))
    found, free = split_choices(cells)
    assert found == options
    assert free == sorted(texts)


@pytest.mark.parametrize(
    "file, title",
    [
        ("Инновационная госслужба 2021 (Ответы) - Ответы на форму (1).csv", "Инновационная госслужба 2021"),
        ("Civil service survey (Responses) - Form Responses 1.csv", "Civil service survey"),
        ("Анкета (ответы).csv", "Анкета"),
        ("Анкета (ответы) (2).csv", "Анкета"),
        ("survey.csv", None),
    ],
)
def test_the_title_is_read_from_the_file_name_google_sheets_gives_a_download(file, title):
    from helpers.ingest.infer import title_of_file

    assert title_of_file(file) == title


@pytest.mark.parametrize(
    "answers, points, label_of_3",
    [
        (["Полностью согласен", "Согласен", "Нейтрально", "Не согласен", "Затрудняюсь ответить"], 5, "Нейтрально"),
        (["Толықтай келісемін", "Келісемін", "Бейтарап", "Жауап беруге қиналамын"], 5, "Бейтарап"),
        (
            ["Strongly agree", "Somewhat agree", "Somewhat disagree", "Neither agree nor disagree", "Agree"],
            7,
            "Somewhat disagree",
        ),
    ],
)
def test_agreement_scales_are_recognised_in_each_language(answers, points, label_of_3):
    scale = recognise_scale(answers)
    assert scale["values"] == list(range(1, points + 1))
    assert label_of_3 in scale["labels"][3].values()
    assert set(scale["labels"][1]) == {"en", "ru", "kk"} and all(scale["labels"][1].values())
    assert all(
        not is_scale_answer(a)
        or a in sum(([t for t in v.values()] for v in scale["labels"].values()), [])
        or a in scale["missing"]
        for a in answers
    )


def test_numbers_and_a_no_answer_code():
    scale = recognise_scale(["1", "2", "3", "4", "5", "99"])
    assert scale["values"] == [1, 2, 3, 4, 5] and scale["missing"] == ["99"]


@pytest.mark.parametrize(
    "cells, kind",
    [
        (["12.03.2021", "01.04.2021"], "date"),
        (["41", "29", "33"], "years"),
        (["3,0", "2.5", "12"], "decimal_years"),
        (["5 лет 3 месяца", "4 months", "More than 10 years"], "duration"),
        (["Master", "Bachelor", "Master", "Master"], "category"),
    ],
)
def test_profile_types(cells, kind):
    assert profile_type(pd.Series(cells))[0]["type"] == kind


def test_languages_slugs_and_shapes():
    assert [language_of(t) for t in ("Age", "Возраст", "Жасы қанша")] == ["en", "ru", "kk"]
    taken = set()
    assert slug("Стаж работы", taken) == "stazh_raboty" and slug("Стаж работы", taken) == "stazh_raboty_2"
    assert detect_shape(["_id", "_uuid", "q1"]) == "kobotoolbox"
    assert detect_shape(["Отметка времени", "Q [a]"]) == "google_forms" and detect_shape(["id", "q1"]) == "plain"


def test_a_label_in_russian_only_is_shown_in_every_language():
    assert label({"en": None, "ru": "Возраст", "kk": None}, "en") == "Возраст"


def test_the_draft_is_valid_yaml_with_one_todo_and_checks_clean_once_factors_are_given():
    frame = pd.DataFrame(
        {
            "Timestamp": [f"2021-04-0{i} 10:00:00" for i in range(1, 7)],
            "Stakeholder group": ["Manager", "Specialist"] * 3,
            "Age": ["41", "29", "33", "52", "26", "45"],
            "What motivates you?": [
                "Pay, benefits",
                "Goals",
                "Pay, benefits, Goals",
                "Career",
                "Goals, Career",
                "Pay, benefits",
            ],
            "Agree? [Goals are clear]": ["Agree", "Strongly agree", "Neutral", "Disagree", "No opinion", "Agree"],
            "Agree? [Strategy is followed]": ["Neutral", "Agree", "", "Strongly disagree", "Agree", "Strongly agree"],
        }
    )
    frame.index = pd.RangeIndex(2, 8)
    draft = infer_codebook(frame, {"file": "answers.csv", "encoding": "utf-8", "delimiter": ","}, "demo")
    text = draft_yaml(draft.book, draft.notes, "demo", "answers.csv", draft.unused)
    book = yaml.safe_load(text)
    assert text.count("TODO --") == 1 and "# guess:" in text
    # A timestamp is never the id (two answers may share a second): respondents are named by their line.
    assert book["export"]["id_column"] == "@row" and book["export"]["stakeholder_column"] == "Stakeholder group"
    assert [s["text"]["en"] for s in book["statements"]] == ["Goals are clear", "Strategy is followed"]
    assert book["scale"]["missing"] == ["No opinion"]
    assert [o["text"]["en"] for o in book["questions"][0]["options"]] == ["Pay, benefits", "Goals", "Career"]
    book["factors"] = [{"id": "f", "label": {"en": "F"}}]
    for statement in book["statements"]:
        statement["factor"] = "f"
    from helpers.codebook import nest_statements

    assert nest_statements(book, "x") == [] and check_codebook(book, "x") == []


def _draft(columns: dict, file: str = "answers.csv"):
    frame = pd.DataFrame(columns)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return infer_codebook(frame, {"file": file, "encoding": "utf-8", "delimiter": ","})


GROUPS_20 = ["Руководитель", "Специалист"] * 10


def test_a_decimal_comma_column_is_a_number_not_a_checkbox_question():
    draft = _draft(
        {
            "Категория респондента": GROUPS_20,
            "Стаж в должности, лет": ["3,0", "1,5", "10,0", "2,5", "0,5"] * 4,
            "Согласны? [Цели понятны]": ["Согласен", "Не согласен", "Нейтрально", "Полностью согласен"] * 5,
            "Согласны? [Кадры растут]": ["Не согласен", "Нейтрально", "Согласен", "Полностью не согласен"] * 5,
        }
    )
    (field,) = [f for f in draft.book["profile"] if f["column"] == "Стаж в должности, лет"]
    assert field["type"] == "decimal_years" and draft.book["questions"] == []


def test_repeated_other_texts_are_not_options_and_an_other_option_is_drafted():
    options = ["Цели, задачи", "Карьера", "Зарплата"]
    cells = [", ".join(options[: 1 + i % 3]) for i in range(40)]
    for i, text in zip((4, 13, 22, 31), ["Обучение", "Лидерство", "Обучение", "Лидерство"]):
        cells[i] += f", {text}"
    draft = _draft({"Категория респондента": GROUPS_20 * 2, "Что важно?": cells})
    (question,) = draft.book["questions"]
    texts = [o["text"]["ru"] for o in question["options"]]
    assert texts == [*options, "Другое"] and question["options"][-1]["other"] is True


def test_the_title_is_the_forms_own_or_marked_todo():
    grid = {"Категория респондента": GROUPS_20, "Q [a]": ["Согласен", "Не согласен", "Нейтрально", "Согласен"] * 5}
    grid["Q [b]"] = ["Нейтрально", "Согласен", "Не согласен", "Не согласен"] * 5
    assert _draft(grid, "Анкета госслужащих (ответы).csv").book["dataset"]["title"]["ru"] == "Анкета госслужащих"
    untitled = _draft(grid, "export_2021.csv").book["dataset"]
    assert untitled["title"]["en"].startswith("TODO") and "export_2021" not in str(untitled)
    assert "respondents" not in untitled["source"]  # no count that goes stale when the export is replaced


def test_a_grid_not_read_as_statements_is_said_with_the_line_to_look_at():
    from helpers.ingest.draft import draft_with_lines, warning_lines

    levels = ["Очень важно", "Важно", "Скорее неважно", "Совсем неважно"]
    draft = _draft(
        {
            "Категория респондента": GROUPS_20,
            "Насколько важно? [Цели]": levels * 5,
            "Насколько важно? [Кадры]": levels[::-1] * 5,
            "Насколько важно? [Бюджет]": levels[1:] * 6 + levels[:2],
        }
    )
    assert draft.book["statements"] == []
    text, where = draft_with_lines(draft.book, draft.notes, "x", "answers.csv", draft.unused)
    (line,) = [w for w in warning_lines(draft.warnings, where, "codebook.yaml") if "grid" in w]
    number = int(line.split(" line ")[1].split()[0])
    assert "3 columns of the grid 'Насколько важно?'" in line and "'Важно'" in line
    assert "Насколько важно? [Цели]" in text.splitlines()[number - 1] or "Насколько важно? [Цели]" in "".join(
        text.splitlines()[number - 1 : number + 2]
    )


def test_a_compound_neutral_label_makes_a_grid_and_its_doubt_is_said():
    labels = ["Полностью не согласен", "Не согласен", "Нейтрально / нет мнения", "Согласен", "Полностью согласен"]
    draft = _draft({"Категория респондента": GROUPS_20, "Q [a]": labels * 4, "Q [b]": labels[::-1] * 4})
    assert len(draft.book["statements"]) == 2 and draft.book["scale"]["labels"][3]["ru"] == "Нейтрально / нет мнения"
    assert any("Нейтрально / нет мнения" in message and "scale.missing" in message for _, message in draft.warnings)


def test_an_id_column_that_repeats_is_named_with_its_lines():
    draft = _draft(
        {
            "ID": [str(i) for i in range(19)] + ["7"],
            "Категория респондента": GROUPS_20,
            "Q [a]": ["Согласен", "Не согласен", "Нейтрально", "Согласен"] * 5,
            "Q [b]": ["Нейтрально", "Согласен", "Не согласен", "Не согласен"] * 5,
        }
    )
    (message,) = [m for path, m in draft.warnings if path == ("export", "id_column")]
    assert "'7' on lines 9, 21" in message


def test_a_kazakh_exports_labels_without_a_kazakh_letter_are_kazakh_and_a_russian_exports_stay_russian():
    """ "Маман" and "Бейтарап" have no letter only Kazakh writes; in a Kazakh export they are Kazakh, not Russian
    (a kk report would show them as Russian fallbacks); in a Russian export a body named in Kazakh stays Kazakh."""
    from helpers.ingest.infer import in_one_language

    kazakh = {
        "stakeholders": [{"code": "a", "label": labelled("Маман")}, {"code": "b", "label": labelled("Басшы")}],
        "scale": {"labels": {1: labelled("Келіспеймін"), 3: labelled("Бейтарап"), 5: labelled("Толық келісемін")}},
        "dataset": {"title": labelled("TODO: the survey's title", "en")},
    }
    assert in_one_language(kazakh) == 3
    assert kazakh["stakeholders"][0]["label"] == {"en": None, "ru": None, "kk": "Маман"}
    assert kazakh["dataset"]["title"]["en"].startswith("TODO")
    russian = {"pilot_bodies": [{"label": labelled("Қазақстан Республикасы Әділет министрлігі")}]}
    russian["stakeholders"] = [{"label": labelled("Специалист")}, {"label": labelled("Руководитель")}]
    assert in_one_language(russian) == 0 and russian["stakeholders"][0]["label"]["ru"] == "Специалист"
