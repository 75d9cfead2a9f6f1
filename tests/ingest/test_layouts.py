"""Survey tools' extra header rows and heading codes read into one header per column (helpers.ingest.layouts).

The exports here are written as each tool writes them (tests/ingest/questionnaires.py renders whole
questionnaires the same way for the round trip); what is checked is the headers read, that the extra header rows
are no respondents, and that each respondent keeps the line of the file it is on.
"""

import io

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from helpers.ingest.layouts import one_header_row, tool_of
from helpers.ingest.load import read_records


def frame_of(text: str) -> pd.DataFrame:
    frame, problems = read_records(text, ",", "export.csv")
    assert problems == []
    return frame


QUALTRICS = (
    "StartDate,ResponseId,Q1,Q2_1,Q2_2,Q3,Q3_4_TEXT\n"
    "Start Date,Response ID,Категория,Согласны ли Вы? - Цели - важны,Согласны ли Вы? - Кадры,Что важнее?,"
    "Что важнее? - Другое - Text\n"
    '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}",'
    '"{""ImportId"":""QID2_1""}","{""ImportId"":""QID2_2""}","{""ImportId"":""QID3""}","{""ImportId"":""QID3_4_TEXT""}"\n'
    '2021-04-05 09:00:00,R_abc,Эксперт,Согласен,Не согласен,"Кадры,Другое",Лидерство\n'
)


def test_qualtrics_three_header_rows():
    frame, tool = one_header_row(frame_of(QUALTRICS))
    assert tool == "qualtrics"
    assert list(frame.columns) == [
        "Start Date",
        "Response ID",
        "Категория",
        "Согласны ли Вы? [Цели - важны]",  # a row's own ' - ' stays in the row
        "Согласны ли Вы? [Кадры]",
        "Что важнее?",
        "Что важнее? [Другое]",
    ]
    assert list(frame.index) == [4] and frame.iloc[0]["Response ID"] == "R_abc"  # line 4 of the file


SURVEYMONKEY = (
    "Respondent ID,Collector ID,Start Date,Категория,Что мешает?,,,Насколько согласны?,\n"
    ",,,Response,Кадры,Бюджет,Other (please specify),Цели важны,Кадры важны\n"
    "1140001,405,04/05/2021 09:00:00 AM,Эксперт,Кадры,,Лидерство,Согласен,Не согласен\n"
    "1140002,405,04/05/2021 09:40:00 AM,Маман,,Бюджет,,Не согласен,Согласен\n"
)


def test_surveymonkey_two_header_rows():
    frame, tool = one_header_row(frame_of(SURVEYMONKEY))
    assert tool == "surveymonkey"
    assert list(frame.columns) == [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "Категория",
        "Что мешает? [Кадры]",
        "Что мешает? [Бюджет]",
        "Что мешает? [Other (please specify)]",
        "Насколько согласны? [Цели важны]",
        "Насколько согласны? [Кадры важны]",
    ]
    assert list(frame.index) == [3, 4]


def test_limesurvey_codes_in_the_headings():
    text = (
        "id. Response ID,G01Q01. Категория,G02Q01[SQ001]. Что мешает? [Кадры],G02Q01[other]. Что мешает? [Другое],"
        "G03Q01[SQ001]. Согласны? [Цели]\n1,Эксперт,Да,Лидерство,Согласен\n"
    )
    frame, tool = one_header_row(frame_of(text))
    assert tool == "limesurvey"
    assert list(frame.columns) == [
        "Response ID",
        "Категория",
        "Что мешает? [Кадры]",
        "Что мешает? [Другое]",
        "Согласны? [Цели]",
    ]
    assert list(frame.index) == [2]


def test_two_columns_that_would_read_the_same_keep_the_tools_names():
    text = "G01Q01. Возраст,G01Q02. Возраст,G01Q03. Пол\n30,31,ж\n"
    frame, _ = one_header_row(frame_of(text))
    assert list(frame.columns) == ["G01Q01", "G01Q02", "Пол"]


plain_headers = st.lists(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
        lambda h: h.strip() and "." not in h and "{" not in h
    ),
    min_size=1,
    max_size=6,
    unique=True,
)


@given(headers=plain_headers, rows=st.integers(1, 4))
def test_an_export_no_tool_wrote_is_read_as_it_is(headers, rows):
    """One header row and answers (a Google Forms or hand-made export): nothing renamed, no row dropped."""
    frame = pd.DataFrame([[f"{r}{c}" for c in range(len(headers))] for r in range(rows)], columns=headers)
    frame.index = pd.Index(range(2, rows + 2), name="row")
    assert tool_of(frame) is None
    read, tool = one_header_row(frame)
    assert tool is None and read.equals(frame)


def test_an_export_with_codes_in_some_headings_only_is_no_limesurvey_export():
    frame = pd.read_csv(io.StringIO("Q1. Age,Name,Group\n3,a,b\n"), dtype=str)
    assert tool_of(frame) is None
