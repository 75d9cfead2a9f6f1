"""Codebook inference tested by round trip: questionnaires drawn at random (tests/ingest/questionnaires.py) are
written as each survey tool exports them, drafted by `make new-dataset`'s code, given only their factors, and
then must be recovered item by item, pass `make check-codebook` (which runs step 01's own validation) and give
group means equal to those of the answers themselves, "no opinion" counted as often as it was answered.

`python tests/ingest/questionnaires.py` measures the recovery rate of each tool into docs/inference.md.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

import questionnaires as qq


@pytest.mark.parametrize("tool", list(qq.TOOLS))
# No shrinking: each example is a whole export drafted and checked, and the first failing one says enough.
@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=qq.questionnaires(max_n=40))
def test_every_item_is_recovered_and_the_means_are_exact(tool, q):
    if not qq.writable(q, tool) or qq.indistinguishable(q, tool):
        return  # the second: see test_statements_no_draft_can_tell_from_questions_are_warned_of
    with tempfile.TemporaryDirectory() as scratch:
        result = qq.round_trip(q, tool, Path(scratch))
    assert [item for item, ok in result.items() if not ok] == []


def test_a_kazakh_google_forms_export_and_its_scale():
    """The Kazakh form of the unseen exports: UTF-8, Kazakh labels (some without a Kazakh letter: 'Бейтарап')."""
    q = qq.Questionnaire(
        lang="kk",
        factors=[
            ["Мақсат пен стратегия дамуы маңызды", "Кадрлар және бюджет жақсарту керек"],
            ["Басшылық сенім анықтайды"],
        ],
        points=5,
        style="words",
        no_opinion="label",
        groups=qq.GROUPS["kk"][:4],
        bodies=qq.BODIES["kk"][:3],
        profile=["years", "decimal_years", "category"],
        questions=[qq.Question("Не маңызды?", ["Мақсат, стратегия", "Кадрлар", "Бюджет", "Мәдениет"], True, True)],
        n=45,
        seed=11,
    )
    with tempfile.TemporaryDirectory() as scratch:
        result = qq.round_trip(q, "Google Forms (UTF-8, ',')", Path(scratch))
    assert [item for item, ok in result.items() if not ok] == []


def test_statements_no_draft_can_tell_from_questions_are_warned_of():
    """Microsoft Forms, two statements rated 1-5 in numbers only: drafted as questions, each named in a warning."""
    q = qq.Questionnaire(
        lang="ru",
        factors=[["Важно, чтобы кадры и бюджет развивались", "Нужно улучшить цели и культура"]],
        points=5,
        style="numbers",
        no_opinion=None,
        groups=qq.GROUPS["ru"][:3],
        bodies=[],
        profile=["years"],
        questions=[qq.Question("Что важнее?", ["Кадры", "Бюджет", "Культура"], False, False)],
        n=40,
        seed=5,
    )
    assert qq.indistinguishable(q, "Microsoft Forms (Excel)")
    from helpers.tools.scaffold import draft_from

    with tempfile.TemporaryDirectory() as scratch:
        export, _ = qq.TOOLS["Microsoft Forms (Excel)"](q, qq.answer(q), Path(scratch))
        _, book, lines = draft_from(export, "d")
    assert book["statements"] == []
    for statement in q.statements:
        assert any(statement in line and "Likert statement" in line for line in lines), (statement, lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lengths=st.lists(st.integers(10, 400), min_size=3, max_size=6),
    cyrillic=st.booleans(),
)
def test_a_statement_whose_label_the_sav_cut_is_warned_of_and_no_other(lengths, cyrillic):
    """A .sav keeps 256 bytes of a variable label (about 130 Cyrillic letters): a statement written longer arrives
    cut, and the draft says so for that statement, with the line to look at; shorter ones draw no such warning."""
    word = "согласие " if cyrillic else "agreement "
    texts = [(f"{i} " + word * 60)[:length].strip() for i, length in enumerate(lengths)]
    label_bytes = [len(f"{qq.GRID['ru' if cyrillic else 'en']} [{t}]".encode("utf-8")) for t in texts]
    # A label written within a letter of the limit is not cut, yet fills it as a cut one does: either may be said.
    assume(all(not 252 < b <= 256 for b in label_bytes))
    q = qq.Questionnaire(
        lang="ru" if cyrillic else "en",
        factors=[texts],
        points=5,
        style="words",
        no_opinion="code",
        groups=qq.GROUPS["ru" if cyrillic else "en"][:2],
        bodies=[],
        profile=[],
        questions=[],
        n=12,
        seed=1,
    )
    from helpers.tools.scaffold import draft_from

    with tempfile.TemporaryDirectory() as scratch:
        export = qq.write_sav(q, qq.answer(q), Path(scratch))
        _, book, lines = draft_from(export, "d")
    cut_lines = [line for line in lines if "fills the 256 bytes" in line]
    assert len(cut_lines) == sum(b > 256 for b in label_bytes), (label_bytes, cut_lines)
    for j, b in enumerate(label_bytes):
        assert any(f"'s{j + 1}'" in line for line in cut_lines) == (b > 256)
