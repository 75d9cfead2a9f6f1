"""A draft codebook written as YAML a person can read and confirm: each guess in a comment beside it, and
the one thing left to the person -- factors and roles -- as one clearly marked TODO block.

Block style for sections and entries, flow style for labels (`{en: …, ru: …, kk: …}`) so every language slot
is visible on one line. Strings are written as JSON strings, which are valid YAML double-quoted scalars.
"""

from __future__ import annotations

import json

from helpers.ingest.scales import LANGUAGES

TODO_BLOCK = """\
###########################################################################################################
# TODO -- the one step only you can take: which statement belongs to which factor.
#   1. Under `factors:` list your factors: `- {{id: strategy, label: {{en: "Strategy", ru: "…", kk: "…"}}}}`.
#   2. Give every statement below `factor: <one of those ids>` in place of `factor: TODO`.
#   3. Optional: the role a question, option, statement or stakeholder type plays in the paper's findings,
#      as `role: <name>` on that entry{roles}; and `factor: <id>` on an option that names a factor.
#      An entry whose wording reads like one with a role in a codebook here already has it, marked
#      `guess: role`: confirm or delete each.
# `make check-codebook DATA={name}` lists what is still TODO and every mismatch with the export.
###########################################################################################################"""


def scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _inline(value) -> bool:
    if isinstance(value, dict):
        return not value or (
            set(value) <= set(LANGUAGES) and all(not isinstance(v, (dict, list)) for v in value.values())
        )
    if isinstance(value, list):
        return all(not isinstance(v, (dict, list)) for v in value)
    return True


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    return scalar(value)


def _comment(note: str | None) -> str:
    return f"  # {note}" if note else ""


def _lines(node, path: tuple, notes: dict, indent: int, where: dict | None = None) -> list[str]:
    """The YAML lines of `node`; `where` gets, for each entry's path, its line's index among them."""
    pad = "  " * indent
    out: list[str] = []
    where = {} if where is None else where
    if isinstance(node, dict):
        for key, value in node.items():
            here = (*path, key)
            note = notes.get(here)
            if _inline(value):
                where[here] = len(out)
                out.append(f"{pad}{key}: {_flow(value)}{_comment(note)}")
            else:
                out += [f"{pad}# {line}" for line in (note or "").splitlines()]
                where[here] = len(out)
                out.append(f"{pad}{key}:")
                inner: dict = {}
                start = len(out)
                out += _lines(value, here, notes, indent + 1, inner)
                where.update({k: start + v for k, v in inner.items()})
    else:
        for i, item in enumerate(node):
            here = (*path, i)
            note = notes.get(here)
            if _inline(item) or (
                isinstance(item, dict) and all(not isinstance(v, (dict, list)) for v in item.values())
            ):
                # An entry on one line carries its keys' notes too (a proposed role's, say).
                keys = [notes.get((*here, k)) for k in item] if isinstance(item, dict) else []
                note = "; ".join(n for n in (note, *keys) if n) or None
                where[here] = len(out)
                out.append(f"{pad}- {_flow(item)}{_comment(note)}")
                continue
            out += [f"{pad}# {line}" for line in (note or "").splitlines()]
            where[here] = len(out)
            inner_where: dict = {}
            inner = _lines(item, here, notes, indent + 1, inner_where)
            inner[0] = f"{pad}- {inner[0][len(pad) + 2 :]}"
            where.update({k: where[here] + v for k, v in inner_where.items()})
            out += inner
    return out


def draft_yaml(
    book: dict, notes: dict, name: str, source: str, unused: dict | None = None, roles: dict | None = None
) -> str:
    """The draft codebook as YAML text: header, sections with their guesses, the TODO block before factors."""
    return draft_with_lines(book, notes, name, source, unused, roles)[0]


def draft_with_lines(
    book: dict, notes: dict, name: str, source: str, unused: dict | None = None, roles: dict | None = None
) -> tuple[str, dict]:
    """(the draft's YAML text, entry path -> its line number in that text, counted from 1)."""
    role_text = ""
    if roles:
        role_text = ", one of:\n" + "\n".join(f"#        {r}: {m}" for r, m in roles.items()) + "\n#     "
    lines = [
        f"# Draft codebook of {name}, inferred from {source} by `make new-dataset` (helpers.ingest.infer).",
        "# Every guess is marked `# guess:` -- confirm or correct it. Labels have a slot per language (en, ru, kk);",
        "# null where the export does not say it. The format: data/raw/README.md.",
    ]
    if unused:
        lines.append("# Export columns this draft does not use:")
        lines += [f"#   {header!r}: {why}" for header, why in unused.items()]
    lines.append("")
    where: dict = {}
    for key, value in book.items():
        if key == "factors":
            lines += ["", *TODO_BLOCK.format(roles=role_text, name=name).splitlines()]
        inner: dict = {}
        start = len(lines)
        lines += _lines({key: value}, (), notes, 0, inner)
        where.update({path: start + i + 1 for path, i in inner.items()})
    return "\n".join(lines) + "\n", where


def empty_slots(book: dict) -> int:
    """How many language slots (en, ru, kk) of the draft's labels and texts are empty: `make translations` lists them."""

    def count(node) -> int:
        if isinstance(node, dict):
            if node and set(node) <= set(LANGUAGES) and len(node) == len(LANGUAGES):
                return sum(v is None or v == "" for v in node.values())
            return sum(count(v) for v in node.values())
        if isinstance(node, list):
            return sum(count(v) for v in node)
        return 0

    return count(book)


def warning_lines(warnings: list, where: dict, file: str) -> list[str]:
    """Each of the draft's warnings as one line naming the line of codebook.yaml to look at."""
    out = []
    for path, message in warnings:
        line = where.get(tuple(path)) if path else None
        at = f"{file} line {line} ({'.'.join(map(str, path))})" if line else file
        out.append(f"  ! {at}: {message}")
    return out
