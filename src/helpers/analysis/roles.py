"""The roles a codebook gives its entries (`role: <name>` on a factor, statement, question, option or stakeholder
type), looked up for the paper's findings: a finding names what it is about by role, never by an id, so a
questionnaire that numbers or names its entries otherwise (a factor `people` for `human_capital`) is checked all
the same. The vocabulary of roles is under `roles:` in paper_claims.yaml (helpers.analysis.claims)."""

from __future__ import annotations

from helpers.codebook import Codebook


def entry_roles(entry: dict) -> set[str]:
    """The roles of one codebook entry: `role:` as one name or a list; none when absent."""
    role = entry.get("role") if isinstance(entry, dict) else None
    return set() if role is None else {role} if isinstance(role, str) else set(role)


def factors_with_role(codebook: Codebook, role: str) -> list[str]:
    """The ids of the factors carrying `role`, in the codebook's order."""
    return [f["id"] for f in codebook.raw["factors"] if role in entry_roles(f)]


def factor_of_role(codebook: Codebook, role: str) -> str | None:
    """The one factor id of `role` (the first when several carry it); None when no factor does."""
    found = factors_with_role(codebook, role)
    return found[0] if found else None


def stakeholders_with_role(codebook: Codebook, role: str) -> list[str]:
    return [s["code"] for s in codebook.raw["stakeholders"] if role in entry_roles(s)]


def statements_with_role(codebook: Codebook, role: str) -> list[str]:
    return [s["id"] for f in codebook.raw["factors"] for s in f["statements"] if role in entry_roles(s)]


def questions_with_role(codebook: Codebook, role: str) -> list[dict]:
    return [q for q in codebook.raw["questions"] if role in entry_roles(q)]


def options_with_role(codebook: Codebook, role: str, question: dict | None = None) -> list[tuple[str, str]]:
    """(question id, letter) of every option carrying `role` (in `question` only, when given)."""
    questions = [question] if question else codebook.raw["questions"]
    return [(q["id"], str(o["letter"])) for q in questions for o in q["options"] if role in entry_roles(o)]


def role_entries(codebook: Codebook) -> list[tuple[str, dict]]:
    """(where, entry) for every entry of the codebook that may carry a role."""
    return (
        [(f"factor {f['id']}", f) for f in codebook.raw["factors"]]
        + [(f"stakeholder {s['code']}", s) for s in codebook.raw["stakeholders"]]
        + [(f"question {q['id']}", q) for q in codebook.raw["questions"]]
        + [(f"option {q['id']} {o['letter']}", o) for q in codebook.raw["questions"] for o in q["options"]]
        + [(f"statement {s['id']}", s) for f in codebook.raw["factors"] for s in f["statements"]]
    )
