"""Roles proposed for a draft: an entry of a new export (a stakeholder type, a question, an option, a statement)
whose wording reads like one that plays a part in the paper's findings in a codebook of this repository gets
that entry's role, marked as a guess, so that the findings can be checked on the new data without a person
first learning the role vocabulary.

The wordings are compared by their stems (the first five letters of each word of four letters or more, after
Unicode normalisation and case folding, ё read as е): survey tools and translators change endings, word order and
punctuation, rarely the words. Resemblance is the Dice coefficient of two stem sets. A role is proposed only
where one codebook entry resembles the wording clearly best: entries without a role compete too (a wording that
reads as much like a statement with no role is given none), and where entries with different roles come within
TIE of the best, only the roles they share are proposed, or none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

#: The least resemblance a wording needs to a codebook entry to be given that entry's role. Measured with
#: tests/ingest/test_roles.py's cases: the 3,420 statements the questionnaire generator can write (pairs of the
#: paper's domain words in its sentence forms) reach at most 0.67 to a statement here; the paper's own wordings
#: with their words reordered, recased, repunctuated and short words dropped keep 1.0.
PROPOSE_FROM = 0.7
#: How close a second entry may come to the best before their roles must agree.
TIE = 0.1
#: The kinds of entry a role is proposed for, as the draft's book and a codebook name them.
KINDS = ("stakeholders", "questions", "options", "statements")

_WORD = re.compile(r"[^\W\d_]+")


def stems(text: str | None) -> frozenset[str]:
    """The stems of `text`'s words of four letters or more: their first five letters, case-folded."""
    if not text:
        return frozenset()
    folded = unicodedata.normalize("NFKC", str(text)).casefold().replace("ё", "е")
    return frozenset(word[:5] for word in _WORD.findall(folded) if len(word) >= 4)


def resemblance(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice's coefficient of two stem sets: 1 for the same stems, 0 for none shared (or an empty set)."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@dataclass(frozen=True)
class Known:
    """A codebook entry a draft's entry can read like: its kind, roles (empty: an entry with none, which
    competes all the same), its wordings' stems (one set per language), where it is, and for an option naming a
    factor, that factor's roles."""

    kind: str
    roles: frozenset[str]
    texts: tuple[frozenset[str], ...]
    where: str
    wording: str
    factor_roles: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Proposal:
    roles: tuple[str, ...]
    known: Known
    score: float
    factor_roles: frozenset[str] = field(default_factory=frozenset)


def _roles(entry: dict) -> frozenset[str]:
    role = entry.get("role")
    return frozenset(str(r) for r in (role if isinstance(role, list) else [role]) if r)


def _wordings(value) -> list[str]:
    """The wordings of a label or text: each language's, or the one string."""
    if isinstance(value, dict):
        return [str(v) for v in value.values() if isinstance(v, str) and v.strip()]
    return [str(value)] if isinstance(value, str) and value.strip() else []


def _known(kind: str, entry: dict, key: str, where: str, factor_roles: frozenset[str] = frozenset()) -> Known | None:
    wordings = _wordings(entry.get(key))
    texts = tuple(s for s in (stems(w) for w in wordings) if s)
    if not texts:
        return None
    return Known(kind, _roles(entry), texts, where, wordings[0], factor_roles)


def known_entries(raw: dict, dataset: str) -> list[Known]:
    """Every stakeholder type, question, option and statement of a codebook (its raw mapping) with a wording."""
    found: list[Known] = []
    factor_roles = {
        str(f.get("id")): _roles(f) for f in raw.get("factors") or [] if isinstance(f, dict) and f.get("id")
    }
    for i, entry in enumerate(raw.get("stakeholders") or []):
        if isinstance(entry, dict):
            found.append(_known("stakeholders", entry, "label", f"{dataset}: stakeholder type {entry.get('code')}"))
    for entry in raw.get("questions") or []:
        if not isinstance(entry, dict):
            continue
        qid = entry.get("id")
        found.append(_known("questions", entry, "text", f"{dataset}: question {qid}"))
        for option in entry.get("options") or []:
            if isinstance(option, dict):
                named = factor_roles.get(str(option.get("factor")), frozenset())
                where = f"{dataset}: question {qid}, option {option.get('letter')}"
                found.append(_known("options", option, "text", where, named))
    statements = list(raw.get("statements") or [])
    for factor in raw.get("factors") or []:
        if isinstance(factor, dict):
            statements += [s for s in factor.get("statements") or [] if isinstance(s, dict)]
    for entry in statements:
        if isinstance(entry, dict):
            found.append(_known("statements", entry, "text", f"{dataset}: statement {entry.get('id')}"))
    return [k for k in found if k is not None]


def known_in_repository(raw_root: Path, vocabulary: dict[str, str], leave_out: str = "") -> list[Known]:
    """The entries of every codebook under `raw_root` (data/raw/*/codebook.yaml, the dataset `leave_out` and
    links left aside, an unreadable one skipped: a draft is never stopped by another dataset), and each role's
    meaning from `vocabulary` (role -> meaning) as one more wording of the kind that role is given to."""
    found: list[Known] = []
    for path in sorted(Path(raw_root).glob("*/codebook.yaml")):
        if path.parent.name == leave_out or path.is_symlink() or path.parent.is_symlink():
            continue
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(raw, dict):
            found += known_entries(raw, path.parent.name)
    kinds = {role: k.kind for k in found for role in k.roles}
    for role, meaning in vocabulary.items():
        texts = (stems(meaning),)
        if role in kinds and texts[0]:
            found.append(Known(kinds[role], frozenset([role]), texts, f"the meaning of role {role}", meaning))
    return found


def best_match(text: str | None, kind: str, known: list[Known]) -> Proposal | None:
    """The role(s) `text` (a wording of an entry of `kind`) is given, or None: see the module's docstring."""
    mine = stems(text)
    if not mine:
        return None
    scored = sorted(
        ((max(resemblance(mine, t) for t in k.texts), i, k) for i, k in enumerate(known) if k.kind == kind),
        key=lambda s: (-s[0], s[1]),
    )
    if not scored or scored[0][0] < PROPOSE_FROM:
        return None
    best_score, _, best = scored[0]
    near = [k for score, _, k in scored if score >= best_score - TIE]
    if any(not k.roles for k in near):
        return None
    shared = frozenset.intersection(*(k.roles for k in near))
    if not shared:
        return None
    factors = frozenset.intersection(*(k.factor_roles for k in near)) if best.factor_roles else frozenset()
    return Proposal(tuple(sorted(shared)), best, best_score, factors)


def _entries(book: dict):
    """(kind, path in the book, entry, its wordings' key) for each entry a role may be proposed for."""
    for i, entry in enumerate(book.get("stakeholders") or []):
        yield "stakeholders", ("stakeholders", i), entry, "label"
    for i, question in enumerate(book.get("questions") or []):
        yield "questions", ("questions", i), question, "text"
        for j, option in enumerate(question.get("options") or []):
            yield "options", ("questions", i, "options", j), option, "text"
    for i, entry in enumerate(book.get("statements") or []):
        yield "statements", ("statements", i), entry, "text"


def propose_roles(book: dict, notes: dict, known: list[Known]) -> int:
    """Give each entry of the draft `book` that reads like a codebook entry with a role that role (`role:`), and
    mark it in `notes` as a guess naming the entry it reads like; an entry with a role keeps it. Returns how many
    entries were given one."""
    given = 0
    for kind, path, entry, key in _entries(book):
        if not isinstance(entry, dict) or entry.get("role"):
            continue
        proposals = [p for p in (best_match(w, kind, known) for w in _wordings(entry.get(key))) if p]
        if not proposals:
            continue
        proposal = max(proposals, key=lambda p: p.score)
        entry["role"] = list(proposal.roles) if len(proposal.roles) > 1 else proposal.roles[0]
        note = (
            f"guess: role {', '.join(proposal.roles)}: reads like {proposal.known.where} "
            f"({proposal.known.wording[:60]!r}, resemblance {proposal.score:.2f})"
        )
        if proposal.factor_roles:
            note += f"; there, its factor is the {', '.join(sorted(proposal.factor_roles))}"
        notes[(*path, "role")] = note
        given += 1
    return given
