"""`make check-codebook` and step 01 are one validation; SPSS user-missing codes are "no opinion", not blanks.

The check runs step 01's own computation (helpers.ingest.clean.clean_in_memory), so a fault that would stop step 01
is found by the check too; a check that raises (a fault of the code) is said to be one, never shown as a problem
of a cell. An SPSS file's declared user-missing code (9 = "Затрудняюсь ответить", or a code with no label at all)
is read as written and counted as "no opinion", the same count as the CSV form of the same answers gives.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers.codebook import read_codebook
from helpers.ingest import check, clean, validate
from helpers.ingest.clean import clean_export
from helpers.paths import ROOT_VARIABLE, dataset_paths
from helpers.tools.scaffold import new_dataset

from dataset_copies import paper_copy

STATEMENTS = ["Цели понятны", "Стратегия выполняется", "Руководство слушает", "Кадры растут"]
LABELS = {1: "Полностью не согласен", 2: "Не согласен", 3: "Нейтрально", 4: "Согласен", 5: "Полностью согласен"}
GROUPS = ["Руководитель", "Специалист", "Консультант"]
EDUCATION = {1.0: "Бакалавр", 2.0: "Магистр", 3.0: "Доктор"}


def answers(n: int = 40, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(group index, scores with NaN for blank, "no opinion" mask) of n respondents: every point used."""
    rng = np.random.default_rng(seed)
    group = np.arange(n) % len(GROUPS)
    scores = rng.integers(1, 6, size=(n, len(STATEMENTS))).astype(float)
    scores[:5, :] = np.arange(1, 6)[:, None]
    draw = rng.random(scores.shape)
    no_opinion = draw < 0.1
    scores[no_opinion | ((draw >= 0.1) & (draw < 0.15))] = np.nan
    return group, scores, no_opinion


def write_sav(path, group, scores, no_opinion, code: int, label: str | None) -> None:
    import pyreadstat

    data = {"id": np.arange(1, len(group) + 1, dtype=float), "role": group + 1.0, "age": 25.0 + np.arange(len(group))}
    data["edu"] = np.arange(len(group)) % 3 + 1.0
    for j in range(len(STATEMENTS)):
        data[f"s{j + 1}"] = np.where(no_opinion[:, j], float(code), scores[:, j])
    scale = {float(v): t for v, t in LABELS.items()} | ({float(code): label} if label else {})
    pyreadstat.write_sav(
        pd.DataFrame(data),
        str(path),
        column_labels={"id": "ID", "role": "Категория респондента", "age": "Возраст", "edu": "Какое у Вас образование?"}
        | {f"s{j + 1}": f"Согласны ли Вы? [{s}]" for j, s in enumerate(STATEMENTS)},
        variable_value_labels={"role": {float(k): g for k, g in enumerate(GROUPS, start=1)}, "edu": EDUCATION}
        | {f"s{j + 1}": scale for j in range(len(STATEMENTS))},
        missing_ranges={f"s{j + 1}": [float(code)] for j in range(len(STATEMENTS))},
    )


def write_csv(path, group, scores, no_opinion) -> None:
    rows = []
    for i in range(len(group)):
        row = {"№": str(i + 1), "Категория респондента": GROUPS[group[i]], "Возраст": str(25 + i)}
        for j, s in enumerate(STATEMENTS):
            value = scores[i, j]
            row[f"Согласны ли Вы? [{s}]"] = (
                "Затрудняюсь ответить" if no_opinion[i, j] else "" if np.isnan(value) else LABELS[int(value)]
            )
        row["Какое у Вас образование?"] = EDUCATION[float(i % 3 + 1)]
        rows.append(row)
    pd.DataFrame(rows).to_csv(path, sep=";", index=False, encoding="cp1251")


def with_one_factor(paths) -> None:
    text = paths.codebook.read_text(encoding="utf-8")
    text = text.replace("factors: []\n", 'factors:\n  - {id: all, label: {en: "All"}}\n', 1)
    paths.codebook.write_text(re.sub(r'factor: "TODO"', "factor: all", text), encoding="utf-8")


@pytest.mark.parametrize("label", ["Затрудняюсь ответить", None], ids=["labelled", "unlabelled"])
def test_spss_user_missing_codes_are_no_opinion_as_in_the_csv(tmp_path, monkeypatch, label):
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (tmp_path / "data" / "raw").mkdir(parents=True)
    group, scores, no_opinion = answers()
    write_sav(tmp_path / "survey.sav", group, scores, no_opinion, 9, label)
    write_csv(tmp_path / "survey.csv", group, scores, no_opinion)
    counts = {}
    for name, source in (("from-sav", "survey.sav"), ("from-csv", "survey.csv")):
        new_dataset(name, str(tmp_path / source))
        paths = dataset_paths(name)
        with_one_factor(paths)
        assert [f for f in check.check_dataset(name) if f.kind not in check.INFORMATION] == []
        likert = clean_export(paths, read_codebook(paths.codebook)).likert
        counts[name] = likert["missing_reason"].value_counts().to_dict()
        assert likert["score"].sum() == np.nansum(scores)
    assert (
        counts["from-sav"]
        == counts["from-csv"]
        == {
            "no opinion": int(no_opinion.sum()),
            "blank": int(np.isnan(scores).sum() - no_opinion.sum()),
        }
    )


def test_a_check_that_raises_is_a_fault_of_the_code_not_a_cell(tmp_path, monkeypatch):
    paper_copy(tmp_path)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))

    def broken(values):
        raise AttributeError("'DataFrame' object has no attribute 'str'")

    monkeypatch.setattr(validate, "looks_like_mojibake", broken)
    findings = check.check_dataset("x")
    assert [f.kind for f in findings if f.kind not in check.INFORMATION] == [check.INTERNAL]
    assert "not in the data" in findings[-1].message or "not in your data" in findings[-1].message
    paths = dataset_paths("x", tmp_path)
    with pytest.raises(validate.CheckFailed):  # step 01 stops on it as a fault, never as a problem of the data
        clean_export(paths, read_codebook(paths.codebook))
    assert not (paths.diagnostics / "validation.csv").exists()


def test_what_would_stop_step_01_makes_the_check_fail(tmp_path, monkeypatch):
    """The check runs step 01's computation: a fault found only while cleaning is found by the check too."""
    paper_copy(tmp_path)
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    assert [f for f in check.check_dataset("x") if f.kind not in check.INFORMATION] == []

    def fails(*args, **kwargs):
        raise KeyError("q1_other")

    monkeypatch.setattr(clean, "clean_choices", fails)
    findings = [f for f in check.check_dataset("x") if f.kind not in check.INFORMATION]
    assert [f.kind for f in findings] == [check.INTERNAL] and "KeyError" in findings[0].message
    assert check.main(["x"]) == 3
