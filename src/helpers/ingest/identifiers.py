"""Direct identifiers in an export -- e-mail addresses, phone numbers, personal names, national ID numbers --
recognised, and kept out of every output.

Survey tools add them on their own (Google Forms' "Email Address" / "Адрес электронной почты" column when a form
collects addresses) and questionnaires ask for them ("ФИО", "Телефон", "ИИН"). A column is an identifier when its
header names one (English, Russian, Kazakh), when the codebook lists it under `privacy.identifiers`, or when most of
its filled cells look like one: an e-mail address, a phone number, a full name with a patronymic, a Kazakhstani
IIN (12 digits, a date of birth and a check digit that agrees).

What happens to them:
- the draft codebook (helpers.ingest.infer) lists them under `privacy.identifiers` and never takes one as the
  respondent id or a profile field;
- a codebook that reads one as a profile field or an "Other" text is a problem of the whole file (validation),
  unless its `privacy.identifiers` entry has `keep: <why>`: carried on purpose, as a documented key;
- a respondent id column that is one is replaced by a pseudonymous id (`pseudonymous_ids`), with a notice;
- rows set aside (rejected.csv) and the values quoted by problems (validation.csv, the terminal) show
  WITHHELD in their place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from helpers.errors import ERROR, NOTICE, Problem

#: The kinds of direct identifier, as the codebook names them (`kind:`), and how a message calls them.
KINDS = {  # the codebook's IDENTIFIER_KINDS, each with its words
    "email": "e-mail addresses",
    "phone": "phone numbers",
    "name": "personal names",
    "national_id": "national ID numbers (IIN)",
}
#: What stands in an output where an identifier was.
WITHHELD = "(withheld: direct identifier)"

# Header words, matched as whole words of the casefolded header (en, ru, kk).
_HEADER_WORDS = {
    "email": r"e-?mail|email address|электронн\w* почт\w*|эл\.? ?почт\w*|электрондық пошта|пошта|почта",
    "phone": r"phone( number)?|telephone|mobile( phone| number)|тел\.?|телефон\w*|ұялы телефон\w*|байланыс нөмірі",
    "name": (
        r"full name|your name|first name|last name|surname|given name|family name|name and surname|"
        r"respondent'?s? name|фио|ф\.? ?и\.? ?о\.?|фамилия|имя|отчество|имя и фамилия|фамилия,? имя( и)?( отчество)?|"
        r"аты-?жөні|аты жөні|атыңыз|тегі|есімі"
    ),
    "national_id": (
        r"iin|иин|жсн|national id\w*|personal (id|identification) (number|code)|passport (number|no\.?)|"
        r"номер паспорта|удостоверени\w* личности|жеке куәлік\w*"
    ),
}
# The alternatives grouped: each word bounded on both sides ("тел." in "руководителем" is no phone).
_HEADER = {kind: re.compile(rf"(?:^|[^\w])(?:{words})(?:$|[^\w])") for kind, words in _HEADER_WORDS.items()}
# "name" alone is a personal name only as the whole header or with a possessive: "Name of the pilot body" is not.
_NAME_ALONE = re.compile(r"^(?:your |full |respondent'?s? )?name\W*$")

_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]{2,}")
_PHONE = re.compile(r"\+?[\d\s\-().]{9,20}")
_PATRONYMIC = re.compile(r"(?:ович|евич|ьич|овна|евна|ична|инична|ұлы|қызы|uly|kyzy|ovich|evich|ovna|evna)$", re.I)
_NAME_WORD = re.compile(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі'\-]+")
#: The share of a column's filled cells that must look like an identifier for the column to be one.
SHARE = 0.5
#: How many distinct filled cells of a column are looked at (a column of names or addresses shows it at once).
SAMPLE = 500


def is_iin(text: str) -> bool:
    """A Kazakhstani individual identification number: 12 digits, YYMMDD of birth, a century/sex digit 1-6, and
    the check digit of the two-pass weighted sum modulo 11 that the standard defines."""
    if not re.fullmatch(r"\d{12}", text):
        return False
    digits = [int(c) for c in text]
    month, day = int(text[2:4]), int(text[4:6])
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1 <= digits[6] <= 6):
        return False
    check = sum(d * w for d, w in zip(digits[:11], range(1, 12))) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits[:11], [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
    return check != 10 and check == digits[11]


def is_phone(text: str) -> bool:
    """A phone number: 10-15 digits with at most + ( ) - . and spaces around them, never a date, an IIN or a
    plain decimal number; an international '+' or a separator, or 11 digits starting 7 or 8 (Kazakhstan)."""
    if not _PHONE.fullmatch(text) or is_iin(text):
        return False
    digits = re.sub(r"\D", "", text)
    if not 10 <= len(digits) <= 15 or re.fullmatch(r"\d+[.,]\d+", text):
        return False
    if re.search(r"\d{1,2}\.\d{1,2}\.\d{2,4}", text):  # 05.04.2021: a date
        return False
    separated = text.startswith("+") or bool(re.search(r"[\s\-()]", text.strip()))
    return separated or (len(digits) == 11 and digits[0] in "78")


def is_personal_name(text: str) -> bool:
    """A full name as people write it in Kazakhstan: two to four capitalised words, one of them a patronymic
    ('Иванов Иван Иванович', 'Сейтқали Асқар Ерланұлы')."""
    words = text.split()
    return (
        2 <= len(words) <= 4
        and all(_NAME_WORD.fullmatch(w) for w in words)
        and any(_PATRONYMIC.search(w) for w in words)
    )


_LOOKS = {
    "email": lambda t: bool(_EMAIL.fullmatch(t)),
    "national_id": is_iin,
    "phone": is_phone,
    "name": is_personal_name,
}


def kind_by_header(header: str) -> str | None:
    """The kind of identifier a header names, or None."""
    key = re.sub(r"\s+", " ", str(header).replace("\u00a0", " ")).strip().casefold()
    key = re.sub(r"\s*\([^)]*\)\s*$", "", key)  # "Телефон (мобильный)", "Email (optional)"
    for kind in ("email", "phone", "national_id"):
        if _HEADER[kind].search(key):
            return kind
    if _HEADER["name"].search(key) or _NAME_ALONE.match(key):
        return "name"
    return None


def kind_by_cells(cells: Iterable) -> str | None:
    """The kind of identifier most filled cells hold (SHARE of up to SAMPLE distinct ones), or None."""
    cells = cells if isinstance(cells, pd.Series) else pd.Series(list(cells), dtype=object)
    filled = cells.iloc[: 20 * SAMPLE].dropna().astype(str).str.strip()  # the first rows tell: no pass over all
    filled = filled.loc[filled.ne("")].drop_duplicates().head(SAMPLE)
    if filled.empty:
        return None
    for kind, looks in _LOOKS.items():
        if filled.map(looks).mean() >= SHARE:
            return kind
    return None


def identifier_kind(header: str, cells: Iterable = ()) -> str | None:
    """The kind of direct identifier a column holds, by its header first, else by its cells; None if none."""
    return kind_by_header(header) or kind_by_cells(cells)


def declared(codebook_raw: dict) -> dict[str, dict]:
    """The codebook's `privacy.identifiers`: export column -> its entry ({column, kind, keep?})."""
    entries = ((codebook_raw.get("privacy") or {}).get("identifiers")) or []
    return {str(e["column"]): e for e in entries if isinstance(e, dict) and e.get("column")}


def find_identifiers(frame: pd.DataFrame, codebook_raw: dict | None = None) -> dict[str, str]:
    """Every column of the export `frame` that holds direct identifiers -> its kind: the codebook's declared ones
    and the ones recognised by header or cells, those the codebook keeps on purpose (`keep:`) left out."""
    listed = declared(codebook_raw or {})
    found = {}
    for header in frame.columns:
        entry = listed.get(str(header))
        if entry is not None:
            if not entry.get("keep"):
                found[str(header)] = str(entry.get("kind") or "email")
            continue
        kind = identifier_kind(str(header), frame[header])
        if kind:
            found[str(header)] = kind
    return found


def pseudonymous_ids(rows: Iterable[int]) -> list[str]:
    """A respondent id that says nothing of the respondent: the line of the export the answers start on ('17'),
    as an export without ids is named (cells.ROW_ID, `id_column: "@row"`).

    Deterministic (the same export gives the same ids, so reruns write the same bytes) and unique (one record a
    line). Not a hash of the identifier: an unkeyed hash of an e-mail address is undone by hashing a list of
    addresses, and a keyed one needs a secret kept apart from the data, which a reproducible repository cannot
    keep. The export, under data/raw, keeps the link for whoever holds it.
    """
    return [str(int(row)) for row in rows]


def withhold(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """`frame` with every filled cell of `columns` (those it has) replaced by WITHHELD."""
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            text = out[column].astype(str).str.strip()
            out[column] = out[column].where(text.eq("") | out[column].isna(), WITHHELD)
    return out


def withhold_values(problems: list[Problem], columns: Iterable[str]) -> list[Problem]:
    """`problems` with the value quoted from an identifier column replaced by WITHHELD (column named either by
    its header or as 'header [id]')."""
    names = set(columns)

    def of(column) -> bool:
        return column in names or any(str(column).startswith(f"{n} [") for n in names)

    return [
        Problem(p.file, p.row, p.column, WITHHELD, p.expected, p.level) if p.value is not None and of(p.column) else p
        for p in problems
    ]


def identifier_problems(canonical: pd.DataFrame, codebook, source: str) -> list[Problem]:
    """A problem of the whole file for each codebook entry -- a profile field, an "Other" text -- that would carry
    a direct identifier into the outputs without the codebook saying so (`keep:`). The respondent id is not one:
    it is replaced by a pseudonymous id (`id_notice`)."""
    headers = canonical.attrs.get("headers", {})
    listed = declared(codebook.raw)
    carried = [f["id"] for f in codebook.profile() if f.get("type") != "weight"]
    carried += [q["other_column"] for q in codebook.raw["questions"] if q.get("other_column")]
    problems = []
    for key in carried:
        if key not in canonical.columns:
            continue
        header = str(headers.get(key, key))
        entry = listed.get(header) or listed.get(key)
        if entry is not None and entry.get("keep"):
            continue
        kind = str(entry.get("kind") or "email") if entry else identifier_kind(header, canonical[key])
        if kind:
            problems.append(
                Problem(
                    source,
                    None,
                    key,  # named as the export does by the caller (shapes.in_export_words)
                    None,
                    f"no direct identifier in a column the outputs show: this one holds {KINDS.get(kind, kind)}; "
                    f"remove it from the codebook's entries and list it under privacy.identifiers (kept out of every "
                    f"output), or give its privacy.identifiers entry keep: <why> to carry it on purpose",
                    ERROR,
                )
            )
    return problems


def id_is_identifier(canonical: pd.DataFrame, codebook) -> str | None:
    """The kind of identifier the respondent id column holds (and the codebook does not keep), or None."""
    key = codebook.export["id_column"]
    if key not in canonical.columns:
        return None
    header = str(canonical.attrs.get("headers", {}).get(key, key))
    entry = declared(codebook.raw).get(header) or declared(codebook.raw).get(key)
    if entry is not None:
        return None if entry.get("keep") else str(entry.get("kind") or "email")
    return identifier_kind(header, canonical[key])


def id_notice(header: str, kind: str, source: str) -> Problem:
    """The line validation.csv gives when the respondent ids were replaced by pseudonymous ones."""
    return Problem(
        source,
        None,
        header,
        None,
        f"the respondent id column holds {KINDS.get(kind, kind)} (a direct identifier): the processed tables and "
        "every output use a pseudonymous id instead, the line of the export ('2', '3' ...)",
        NOTICE,
    )


def withheld_notice(header: str, kind: str, source: str) -> Problem:
    """The line validation.csv gives for a column of direct identifiers read but kept out of every output."""
    return Problem(
        source,
        None,
        header,
        None,
        f"a column of {KINDS.get(kind, kind)} (a direct identifier): read, and kept out of the processed tables "
        "and every output",
        NOTICE,
    )
