"""Roles proposed for a draft: wordings compared by their stems, a role given only where one codebook entry with a
role reads clearly best, marked as a guess; the questionnaire generator's wordings get none, the paper's own
wordings reworded get theirs, and a new export of example-v2's questionnaire is drafted with example-v2's roles."""

from __future__ import annotations

import itertools
import random
import shutil

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.codebook import read_codebook
from helpers.ingest.roles import (
    PROPOSE_FROM,
    Known,
    best_match,
    known_entries,
    known_in_repository,
    propose_roles,
    resemblance,
    stems,
)
from helpers.paths import REPO_ROOT, ROOT_VARIABLE
from helpers.tools.scaffold import paper_roles

from questionnaires import GROUPS, STEMS, WORDS

RAW = REPO_ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def known():
    return known_in_repository(RAW, paper_roles())


# --- the comparison -------------------------------------------------------------------------------------------
words = st.text(st.characters(categories=("L",)), min_size=4, max_size=9)


@settings(max_examples=150, deadline=None)
@given(st.lists(words, min_size=1, max_size=8), st.lists(words, min_size=1, max_size=8), st.randoms())
def test_resemblance_is_symmetric_bounded_and_blind_to_case_order_and_punctuation(a, b, rnd):
    sa, sb = stems(" ".join(a)), stems(" ".join(b))
    assert resemblance(sa, sb) == resemblance(sb, sa)
    assert 0 <= resemblance(sa, sb) <= 1
    if sa:
        assert resemblance(sa, sa) == 1
    shuffled = a[:]
    rnd.shuffle(shuffled)
    assert stems(", ".join(shuffled) + ".") == sa
    assert stems(" ".join(a).casefold()) == sa


def test_stems_read_russian_endings_and_yo_as_one_word():
    assert stems("Эффективная организационная структура") == stems("эффективной организационной структуры")
    assert stems("учёт мнения") == stems("учет мнения")
    assert stems("и в на по") == frozenset()  # short words carry no meaning here


# --- what is proposed -----------------------------------------------------------------------------------------
def test_the_generators_wordings_are_given_no_role(known):
    """Every statement the questionnaire generator can write (each pair of its words in each of its sentence
    forms, in ru, kk and en) and each of its stakeholder labels: none reads like an entry with a role here,
    except a label a codebook here uses itself (example-v2's "Специалист" is a civil servant)."""
    used = {
        text.casefold()
        for name in ("amirova2020", "example-v2")
        for entry in read_codebook(RAW / name / "codebook.yaml").raw["stakeholders"]
        for text in entry["label"].values()
    }
    statements = [
        form.format(a, b) for lang in WORDS for a, b in itertools.permutations(WORDS[lang], 2) for form in STEMS[lang]
    ]
    assert len(statements) > 3000
    best = max(
        max(resemblance(stems(t), s) for k in known if k.kind == "statements" for s in k.texts) for t in statements
    )
    assert best < PROPOSE_FROM, best
    assert [t for t in statements if best_match(t, "statements", known)] == []
    labels = [g for lang in GROUPS for g in GROUPS[lang] if g.casefold() not in used]
    assert [g for g in labels if best_match(g, "stakeholders", known)] == []


def _reworded(text: str, rnd: random.Random) -> str:
    """A translator's or a survey tool's habits: words in another order, another case, punctuation changed,
    a short word dropped."""
    parts = [w.strip(",.;:()/") for w in text.split()]
    parts = [w for w in parts if w and (len(w) >= 4 or rnd.random() < 0.5)]
    rnd.shuffle(parts)
    return " ".join(p.lower() if rnd.random() < 0.5 else p.upper() for p in parts)


def test_the_papers_wordings_reworded_keep_their_roles(known):
    raw = yaml.safe_load((RAW / "amirova2020" / "codebook.yaml").read_text(encoding="utf-8"))
    with_roles = [k for k in known_entries(raw, "amirova2020") if k.roles]
    assert len(with_roles) >= 10
    rnd = random.Random(2020)
    others = [k for k in known if k.where.startswith("amirova2020") is False]
    checked, lowest = 0, 1.0
    for entry in with_roles:
        for wording in yaml.safe_load(yaml.safe_dump([entry.wording])):
            text = _reworded(wording, rnd)
            proposal = best_match(text, entry.kind, [k for k in others] + [entry])
            assert proposal is not None and set(proposal.roles) <= set(entry.roles), (text, entry.where)
            lowest = min(lowest, proposal.score)
            checked += 1
    assert checked == len(with_roles) and lowest >= 0.8


def test_near_ties_give_only_the_roles_they_share():
    def entry(roles, text, where):
        return Known("statements", frozenset(roles), (stems(text),), where, text)

    text = "effective distribution of tasks between structural units"
    agree = [entry({"a", "b"}, text, "one"), entry({"a"}, text + " matters", "two")]
    assert best_match(text, "statements", agree).roles == ("a",)
    differ = [entry({"a"}, text, "one"), entry({"b"}, text, "two")]
    assert best_match(text, "statements", differ) is None
    roleless = [entry({"a"}, text, "one"), entry(set(), text, "two")]  # as like a statement with no role: none
    assert best_match(text, "statements", roleless) is None
    assert best_match("salary of the citizens", "statements", agree) is None


def test_a_role_given_is_kept_and_a_proposal_is_marked(known):
    paper = read_codebook(RAW / "amirova2020" / "codebook.yaml")
    turnover = paper.statements().set_index("statement_id").loc["s08", "statement"]
    book = {
        "statements": [
            {"id": "x1", "factor": "TODO", "text": {"en": turnover}},
            {"id": "x2", "factor": "TODO", "text": {"en": turnover}, "role": "views_considered_statement"},
        ]
    }
    notes: dict = {}
    assert propose_roles(book, notes, known) == 1
    assert book["statements"][0]["role"] == "turnover_statement"
    assert book["statements"][1]["role"] == "views_considered_statement"
    assert notes[("statements", 0, "role")].startswith("guess: role turnover_statement: reads like amirova2020")


def test_the_dataset_being_drafted_and_links_are_left_out(tmp_path):
    shutil.copytree(RAW / "amirova2020", tmp_path / "paper")
    (tmp_path / "linked").symlink_to(RAW / "example-v2")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "codebook.yaml").write_text("a: [", encoding="utf-8")
    found = known_in_repository(tmp_path, {"turnover_statement": "avoiding high staff turnover"})
    assert {k.where.split(":")[0] for k in found} == {"paper", "the meaning of role turnover_statement"}
    assert known_in_repository(tmp_path, {}, leave_out="paper") == []


# --- a whole draft ----------------------------------------------------------------------------------------------
def test_a_new_export_of_example_v2s_questionnaire_is_drafted_with_its_roles(tmp_path, monkeypatch):
    """example-v2's export drafted as a new dataset: its stakeholder types' labels read like example-v2's own, so
    the draft gives each type example-v2's roles, each marked in the YAML as a guess, and make new-dataset says so."""
    from helpers.tools.scaffold import new_dataset

    root = tmp_path / "project"
    for name in ("amirova2020", "example-v2"):
        shutil.copytree(RAW / name, root / "data" / "raw" / name)
    monkeypatch.setenv(ROOT_VARIABLE, str(root))
    message = new_dataset("ministry", str(RAW / "example-v2" / "survey.csv"))
    assert "given a role of the paper's findings" in message
    text = (root / "data" / "raw" / "ministry" / "codebook.yaml").read_text(encoding="utf-8")
    book = yaml.safe_load(text)
    example = read_codebook(RAW / "example-v2" / "codebook.yaml")
    expected = {r.label: r.role for r in _labelled_roles(example, "ru")}
    as_set = lambda role: set(role if isinstance(role, list) else [role] if role else [])  # noqa: E731
    drafted = {s["label"]["ru"]: as_set(s.get("role")) for s in book["stakeholders"]}
    assert len(drafted) == 6 and drafted == {label: as_set(expected[label]) for label in drafted}
    for line in text.splitlines():
        if line.strip().startswith("role:"):
            assert "# guess: role" in line, line


def _labelled_roles(codebook, lang):
    from types import SimpleNamespace

    return [SimpleNamespace(label=s["label"][lang], role=s.get("role")) for s in codebook.raw["stakeholders"]]
