"""The pieces of codebook inference, each on small hand-made input."""

import pandas as pd
import pytest
import yaml

from helpers.codebook import check_codebook, label
from helpers.ingest.draft import draft_yaml
from helpers.ingest.infer import detect_shape, infer_codebook, language_of, profile_type, slug, split_choices
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
    assert book["export"]["id_column"] == "Timestamp" and book["export"]["stakeholder_column"] == "Stakeholder group"
    assert [s["text"]["en"] for s in book["statements"]] == ["Goals are clear", "Strategy is followed"]
    assert book["scale"]["missing"] == ["No opinion"]
    assert [o["text"]["en"] for o in book["questions"][0]["options"]] == ["Pay, benefits", "Goals", "Career"]
    book["factors"] = [{"id": "f", "label": {"en": "F"}}]
    for statement in book["statements"]:
        statement["factor"] = "f"
    from helpers.codebook import nest_statements

    assert nest_statements(book, "x") == [] and check_codebook(book, "x") == []
