"""Text encodings of survey exports from Kazakhstan, and text that was decoded wrongly.

Exports arrive as UTF-8 (with or without a byte-order mark), Windows-1251
(Excel in a Russian locale) or kz1048 (Windows' Kazakh code page). kz1048 is
Windows-1251 with sixteen positions moved to Kazakh letters (Қ Һ Ұ Ә Ө Ғ Ү Ң
and their small forms), so a kz1048 file read as Windows-1251 raises no
error: the Kazakh letters silently become Ќ Ћ Ў Ј Ґ Є Ї Ѕ... Those sixteen
bytes decide between the two. A Latin-1 file (a French or German answer) decodes
as Windows-1251 without error too: its accented letters become Cyrillic ones
inside Latin words ('cafй'), which MOJIBAKE catches.
"""

from __future__ import annotations

import re

import pandas as pd

AUTO = "auto"
#: What `encoding: auto` tries, in order.
ENCODINGS_TRIED = ("utf-8", "utf-8-sig", "kz1048", "cp1251")
BOM = b"\xef\xbb\xbf"
# The bytes where kz1048 has a Kazakh letter and Windows-1251 a Serbian, Macedonian or Ukrainian one.
KZ1048_ONLY = frozenset(
    b for b in range(0x80, 0x100) if bytes([b]).decode("cp1251", "replace") != bytes([b]).decode("kz1048", "replace")
)

MOJIBAKE = re.compile(
    "|".join(
        [
            "\ufffd",  # a byte that could not be decoded
            "[ÐÑ][\u0080-\u00bf\u0152-\u2122]",  # UTF-8 Cyrillic read as Latin-1 / Windows-1252
            "[РС][ЂЃѓЉЊЌЋЏђљњќћџЎўЈҐЄЇґєјЅѕї°±µ¶·¤¦§©¬®‰‹›™•†‡€]",  # UTF-8 Cyrillic read as Windows-1251
            "[ЂђЉљЊњЋћЏџЈјЅѕЌќ]",  # kz1048 Kazakh letters read as Windows-1251
            # Latin-1 / Windows-1252 read as Windows-1251: an accented Latin letter becomes a Cyrillic one inside a
            # Latin word ('café' -> 'cafй', 'Müller' -> 'Mьller'). No word of either script mixes the two.
            "[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]",
        ]
    )
)


def detect_encoding(data: bytes) -> str:
    """The encoding of an export: 'utf-8-sig' (BOM), 'utf-8', 'kz1048' or 'cp1251'."""
    if data.startswith(BOM):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return "kz1048" if KZ1048_ONLY.intersection(data) else "cp1251"


def looks_like_mojibake(values: pd.Series) -> pd.Series:
    """True where a text cell looks wrongly decoded (see MOJIBAKE)."""
    return values.astype("string").str.contains(MOJIBAKE, regex=True).fillna(False).astype(bool)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV export from its header line: ';', tab or ','.

    Excel in a Russian locale writes ';' (the comma is the decimal separator there).
    """
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","
