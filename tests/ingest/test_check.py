"""`make check-codebook` (helpers.ingest.check): every mismatch between a codebook and its export, in the words a
person reads.

Each test works on a scratch copy of a shipped dataset (the paper's data, or example-v2) with one fault seeded:
unknown option letters without a far-fetched suggestion, ages out of range with what was expected, a stakeholder
type absent from the sample as a notice that is not an error, options a draft left without wording.
"""

from __future__ import annotations

import shutil

import pytest

from helpers.ingest import check
from helpers.ingest.infer import infer_codebook, read_any_export
from helpers.paths import ROOT_VARIABLE
from helpers.tools.scaffold import new_dataset

from dataset_copies import EXAMPLE, PAPER, paper_copy, survey, write_survey


def test_check_codebook_says_an_option_and_suggests_nothing_for_an_unknown_letter(tmp_path, monkeypatch):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[1, "q2"] = "G"
    write_survey(paths, frame)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (finding,) = [f for f in check.check_dataset("x") if f.kind == "unknown answer"]
    assert finding.message == (
        "'G' (1 row(s), first row 3) is not an option the codebook knows (its options: A B C D, or their texts)"
    )
    assert finding.suggestion is None


def test_a_suggestion_needs_a_resemblance():
    labels = ["social protection of public servants", "Нейтрально / нет мнения"]
    assert check._suggest("G", labels) is None
    assert check._suggest("Нейтрально", labels) == "Нейтрально / нет мнения"  # still found when it resembles


def test_check_codebook_gives_an_out_of_range_age_with_what_was_expected(tmp_path, monkeypatch):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[0, "age"] = "150"
    write_survey(paths, frame)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (finding,) = [f for f in check.check_dataset("x") if f.kind not in check.INFORMATION]
    assert str(finding).startswith("[cell] 'age': '150' (1 row(s), first row 2); expected an age from 14 to 100")


# --- absence is a notice ----------------------------------------------------------------------------
def test_a_stakeholder_type_absent_from_the_sample_is_a_notice_and_the_check_passes(tmp_path, monkeypatch, capsys):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    write_survey(paths, frame[frame["stakeholder"] != "private_pm"])
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    assert check.main(["x"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("x: the codebook and the export agree; nothing to fix.\n")
    assert "notice(s), for information only (not errors: nothing to fix):" in out
    assert "[never found] stakeholders 'Project manager from the private sector'" in out
    assert "absent from the sample, which is allowed" in out


def test_a_misspelled_stakeholder_label_still_fails_the_check(tmp_path, monkeypatch):
    paths = paper_copy(tmp_path)
    frame = survey(paths)
    frame.loc[1, "stakeholder"] = "Project manager from private sector"
    write_survey(paths, frame)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    assert check.main(["x"]) == 1


@pytest.mark.parametrize("source", [PAPER, EXAMPLE], ids=["amirova2020", "example-v2"])
def test_the_shipped_datasets_pass_the_check(tmp_path, monkeypatch, source):
    shutil.copytree(source, tmp_path / "data" / "raw" / "x")
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    assert [str(f) for f in check.check_dataset("x") if f.kind not in check.INFORMATION] == []


# --- options without wording in a draft -------------------------------------------------------------
#: The walk-through's Google Forms export (data/raw/README.md), with a question answered by option letters only.
LETTERS_EXPORT = """\
Отметка времени,Категория респондента,Возраст,Что изменить?,Согласны? [Цели понятны],Согласны? [Стратегия выполняется]
12.04.2021 10:01:12,Руководитель,41,A B,Полностью согласен,Согласен
12.04.2021 10:07:40,Специалист,29,A,Согласен,Нейтрально
12.04.2021 11:15:03,Специалист,33,C A,Нейтрально,Согласен
13.04.2021 09:02:51,Руководитель,52,B,Полностью согласен,Полностью согласен
13.04.2021 09:30:19,Специалист,26,A C,Не согласен,Нейтрально
13.04.2021 14:44:05,Руководитель,45,B C,Согласен,Согласен
"""


def test_a_draft_of_letter_answers_leaves_the_wording_to_write_and_the_check_says_so(tmp_path, monkeypatch):
    export = tmp_path / "answers.csv"
    export.write_text(LETTERS_EXPORT, encoding="utf-8")
    frame, info = read_any_export(export)
    (question,) = infer_codebook(frame, info, "x").book["questions"]
    assert question["options"] == [
        {"letter": "A", "text": None},
        {"letter": "B", "text": None},
        {"letter": "C", "text": None},
    ]
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (tmp_path / "data" / "raw").mkdir(parents=True)
    new_dataset("x", str(export))
    (finding,) = [f for f in check.check_dataset("x") if f.kind == "no wording"]
    assert finding.message.startswith("option(s) A, B, C have no text yet") and "paper" not in finding.message
