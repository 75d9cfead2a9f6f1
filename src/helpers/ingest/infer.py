"""A draft codebook inferred from a survey export: what the export itself tells, each guess said why.

Read from the export: its shape (plain, Google Forms, KoboToolbox, or Qualtrics, SurveyMonkey and LimeSurvey by
their header rows: helpers.ingest.layouts), encoding and delimiter; the respondent
id, stakeholder and pilot-body columns (few distinct values, header words in English, Russian and Kazakh)
with their labels as found; each Likert grid's statements from `Question [Row]` headers; the scale from
the answer labels (helpers.ingest.scales); checkbox questions and their options (option texts may hold a
comma; Google Forms' "Other" leaves the respondent's own words in the cell); single-choice questions; profile
fields and their types (dates, whole years, decimal years such as "3,0", durations).

What only a person can know -- which statement belongs to which factor, and the role a question plays in
the paper's findings -- is left as one TODO (`factor: TODO`, an empty `factors:`). The draft is a `Draft`:
the codebook as a dict, a note per guessed entry (written as YAML comments by helpers.ingest.draft), and the
export columns it leaves unused.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.codebook import DISCLOSURE_THRESHOLD, INVISIBLE, Codebook
from helpers.ingest.cells import ROW_ID, parse_duration
from helpers.ingest.encoding import detect_encoding, sniff_delimiter
from helpers.ingest.identifiers import KINDS, find_identifiers, kind_by_header
from helpers.ingest.load import read_export
from helpers.ingest.shapes import TICKED, UNTICKED
from helpers.ingest.scales import LANGUAGES, is_no_opinion, is_scale_answer, recognise_scale

TODO = "TODO"
GOOGLE_TIMESTAMP = {"timestamp", "отметка времени", "временная метка", "уақыт белгісі"}
KOBO_META = {
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
    "_validation_status",
    "__version__",
    "_status",
    "_submitted_by",
    "_notes",
    "_tags",
    "_parent_index",
    "_parent_table_name",
    "start",
    "end",
    "today",
    "deviceid",
    "meta/instanceid",
    "formhub/uuid",
    "_version_",
    "_attachments",
    "_geolocation",
}
#: Survey tools' own id of a submission (KoboToolbox, Qualtrics, SurveyMonkey, LimeSurvey, Microsoft Forms).
#: The columns survey tools add of their own, read as their headers are after helpers.ingest.layouts: Qualtrics,
#: SurveyMonkey, LimeSurvey and Microsoft Forms (contact columns among them are checked as identifiers first).
TOOL_META = {
    "start date",
    "end date",
    "response type",
    "ip address",
    "progress",
    "duration (in seconds)",
    "finished",
    "recorded date",
    "recipient last name",
    "recipient first name",
    "recipient email",
    "external data reference",
    "location latitude",
    "location longitude",
    "distribution channel",
    "user language",
    "collector id",
    "email address",
    "first name",
    "last name",
    "custom data 1",
    "date submitted",
    "last page",
    "start language",
    "seed",
    "date started",
    "date last action",
    "start time",
    "completion time",
    "last modified time",
    "email",
    "name",
    "response id",
    "respondent id",
}
TOOL_IDS = {"_id", "_uuid", "_index", "responseid", "respondent id", "response id", "id"}
ID_HEADER = re.compile(
    r"^(_?id|respondent[ _]?id|id[ _]?респондента|№|no\.?|номер( респондента| анкеты)?|код( респондента)?|"
    r"нөмір|респондент( id)?)$"
)
STAKEHOLDER_WORDS = (
    "stakeholder",
    "role",
    "respondent type",
    "respondent_type",
    "type of respondent",
    "category",
    "group",
    "категори",
    "стейкхолдер",
    "заинтересованн",
    "тип респондента",
    "группа респондент",
    "роль",
    "вы являетесь",
    "санат",
    "мүдделі",
    "рөл",
    "респондент түрі",
)
PILOT_BODY_WORDS = (
    "pilot",
    "body",
    "organisation",
    "organization",
    "agency",
    "ministry",
    "пилот",
    "орган",
    "организаци",
    "ведомств",
    "учреждени",
    "пилоттық",
    "мекеме",
    "ұйым",
)
OTHER_LABEL = {"en": "Other", "ru": "Другое", "kk": "Басқа"}
DATE_FORMATS = (
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f%z",
)
_NUMERIC = re.compile(r"\s*-?\d+(?:[.,]\d+)?\s*")
_GRID = re.compile(r"^(?P<question>.*\S)\s*\[(?P<row>[^\]]+)\]\s*$")
_KAZAKH = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
_CYRILLIC = re.compile("[А-Яа-яЁё]")
_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya a g q n o u u h i".split(),
    )
)


@dataclass
class Draft:
    """A draft codebook: `book` as it will be written, `notes` (path -> comment) and unused export columns."""

    book: dict
    notes: dict = field(default_factory=dict)
    unused: dict = field(default_factory=dict)  # header -> why it is not used
    #: What the draft is unsure of, for a person to look at: (path of the codebook entry, or None; the reason).
    #: `make new-dataset` prints each with the line of codebook.yaml it concerns (helpers.ingest.draft).
    warnings: list = field(default_factory=list)


# --- small readers ------------------------------------------------------------------------------------
def language_of(text: str) -> str:
    """'kk' for text with Kazakh letters, 'ru' for other Cyrillic, else 'en'."""
    text = str(text)
    if _KAZAKH.search(text):
        return "kk"
    return "ru" if _CYRILLIC.search(text) else "en"


def labelled(text: str, lang: str | None = None) -> dict:
    """{en, ru, kk} with `text` in its language's slot and the others empty (null) for a person to fill."""
    lang = lang or language_of(text)
    return {slot: (str(text).strip() if slot == lang else None) for slot in LANGUAGES}


def _label_slots(node) -> list[dict]:
    """Every {en, ru, kk} label of a draft, anywhere in it."""
    if isinstance(node, dict):
        if set(node) == set(LANGUAGES):
            return [node]
        return [slot for value in node.values() for slot in _label_slots(value)]
    if isinstance(node, list):
        return [slot for value in node for slot in _label_slots(value)]
    return []


def in_one_language(book: dict) -> int:
    """Put the labels of a Kazakh export that have no Kazakh letter ("Маман", "Бейтарап") in the kk slot, in
    place, where language_of alone files them as Russian; returns how many moved. An export is Kazakh when at least
    a third of its labels show a Kazakh letter (Kazakh writes every Russian letter too: a word without ә, ғ, қ, ң,
    ө, ұ, ү, һ, і may be either, and short ones often are); a Russian export with a body named in Kazakh is not."""
    labels = _label_slots(book)
    filled = Counter(next(slot for slot in LANGUAGES if label[slot]) for label in labels if any(label.values()))
    if filled["kk"] < max(2, filled["ru"] / 2):
        return 0
    moved = 0
    for label in labels:
        if label["ru"] and not label["kk"] and not label["en"]:
            label["kk"], label["ru"] = label["ru"], None
            moved += 1
    return moved


def slug(text: str, taken: set[str], fallback: str = "field", limit: int = 30) -> str:
    """A short ASCII id from a header or label ('Стаж работы' -> 'stazh_raboty'), unique among `taken`."""
    latin = "".join(_TRANSLIT.get(c, c) for c in str(text).casefold())
    words = [w for w in re.split(r"[^a-z0-9]+", latin) if w]
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > limit and base:
            break
        base = f"{base}_{word}" if base else word
    base = base or fallback
    if base[0].isdigit():
        base = f"{fallback}_{base}"
    candidate, k = base, 2
    while candidate in taken:
        candidate, k = f"{base}_{k}", k + 1
    taken.add(candidate)
    return candidate


def _filled(series: pd.Series) -> pd.Series:
    """The filled cells as a person sees them: invisible characters (codebook.INVISIBLE) out, so that 'Manager' and
    'Manager\u200b' are one label, never two look-alike stakeholder types."""
    return series.astype(str).str.replace(INVISIBLE, "", regex=True).str.strip().loc[lambda s: s.ne("")]


def read_any_export(path: Path) -> tuple[pd.DataFrame, dict]:
    """The export as text cells (index = file line) and what was detected: shape-independent file facts."""
    path = Path(path)
    info = {"file": path.name, "encoding": None, "delimiter": None}
    if path.suffix.lower() == ".csv" or path.suffix.lower() in (".txt", ".tsv"):
        data = path.read_bytes()
        info["encoding"] = detect_encoding(data)
        text = data.decode(info["encoding"]).removeprefix("\ufeff")
        info["delimiter"] = sniff_delimiter(text.split("\n", 1)[0])
    export = {"file": path.name, "encoding": info["encoding"] or "auto", "delimiter": info["delimiter"] or "auto"}
    frame, _ = read_export(path.parent, Codebook("draft", {"export": export}))
    return frame, info


def detect_shape(columns: list[str]) -> str:
    """'kobotoolbox', 'google_forms' or 'plain', from the headers."""
    keys = {str(c).strip().casefold() for c in columns}
    if len(keys & {"_id", "_uuid", "_submission_time", "_index", "__version__"}) >= 2:
        return "kobotoolbox"
    if keys & GOOGLE_TIMESTAMP or sum(bool(_GRID.match(str(c))) for c in columns) >= 2:
        return "google_forms"
    return "plain"


# --- checkbox answers -----------------------------------------------------------------------------------
def split_choices(cells: list[str], separator: str = ",") -> tuple[list[str], list[str]]:
    """(options in the form's order, free texts) of a select-many column written as texts joined by commas.

    A piece that always follows the same piece, which is always followed by it, is the rest of an option
    whose text holds a comma ("Strategy, mission and goals"). A piece that is always last in its cell and met
    at most twice (and in at most 2% of answers) is the respondent's own words of Google Forms' "Other".
    """
    cells = [[p.strip() for p in c.split(separator) if p.strip()] for c in cells if str(c).strip()]
    changed = True
    while changed:
        changed = False
        pieces = Counter(p for c in cells for p in c)
        before: dict[str, set] = {}
        after: dict[str, set] = {}
        for c in cells:
            for i, p in enumerate(c):
                before.setdefault(p, set()).add(c[i - 1] if i else None)
                after.setdefault(p, set()).add(c[i + 1] if i + 1 < len(c) else None)
        limit = max(2, int(0.05 * len(cells)))
        for piece in sorted(pieces, key=str):
            (prev,) = before[piece] if len(before[piece]) == 1 else (None,)
            # The first part of an option is followed by the rest wherever it is not a respondent's own words under
            # "Other" that happen to read the same ("Обучение" beside the option "Обучение, услуги"): a few, last.
            alone = sum(1 for c in cells if c and c[-1] == prev)
            other_words = after.get(prev) == {piece, None} and alone <= limit < pieces[piece]
            if prev is not None and (after[prev] == {piece} or other_words) and prev != piece:
                joined = f"{prev}{separator} {piece}"
                cells = [_join_pair(c, prev, piece, joined) for c in cells]
                changed = True
                break
    counts = Counter(p for c in cells for p in c)
    always_last = {p for p in counts if all(c[-1] == p for c in cells if p in c)}
    # Respondents' own words recur a little ("Обучение" three times in 100 answers); options recur more.
    limit = max(2, int(0.05 * len(cells)))
    # Only the form's last option is always last in a cell, and only while no "Other" words follow it: of the texts
    # always last, those chosen at most a third as often as the rarest option that is not always last are the
    # respondents' words as well ("Коллектив", 9 of 134 answers, beside options chosen 40 times). A form whose every
    # answer is one option has none that is not always last: there, only the rare ones are words.
    placed = [counts[p] for p in counts if p not in always_last]
    rarest = min(placed) if placed else 0
    free = sorted((p for p in always_last if counts[p] <= limit or 3 * counts[p] <= rarest), key=str)
    # A lone rarely chosen last option looks the same as one person's words: "Other" needs two such texts.
    if len(free) < 2:
        free = []
    options = [p for p in counts if p not in free]
    return _form_order(options, cells), free


def _join_pair(cell: list[str], first: str, second: str, joined: str) -> list[str]:
    out, i = [], 0
    while i < len(cell):
        if cell[i] == first and i + 1 < len(cell) and cell[i + 1] == second:
            out.append(joined)
            i += 2
        else:
            out.append(cell[i])
            i += 1
    return out


def _form_order(options: list[str], cells: list[list[str]]) -> list[str]:
    """Options in the order the form lists them: survey tools write chosen options in that order."""
    first_seen = {}
    precedes = Counter()
    for c in cells:
        chosen = [p for p in c if p in options]
        for i, p in enumerate(chosen):
            first_seen.setdefault(p, len(first_seen))
            for q in chosen[i + 1 :]:
                precedes[p, q] += 1
    wins = {p: sum(precedes[p, q] > precedes[q, p] for q in options if q != p) for p in options}
    return sorted(options, key=lambda p: (-wins[p], first_seen.get(p, 0)))


def _is_checkbox(series: pd.Series) -> tuple[list[str], list[str]] | None:
    cells = _filled(series).tolist()
    tokens = [re.split(r"[\s,;]+", c) for c in cells]
    if cells and all(re.fullmatch(r"[A-Z]", t) for c in tokens for t in c) and any(len(c) > 1 for c in tokens):
        return sorted({t for c in tokens for t in c}), []  # option letters, as a plain export writes them
    # Microsoft Forms ends each chosen option with ';' ("Кадры;Бюджет;"); Google Forms joins them with ', '.
    separator = ";" if cells and sum(c.rstrip().endswith(";") for c in cells) >= 0.8 * len(cells) else ","
    if not cells or not any(separator in c for c in cells):
        return None
    if all(_NUMERIC.fullmatch(c) for c in cells):
        return None  # "3,0" years written where the comma is the decimal separator: a number, not two options
    options, free = split_choices(cells, separator)
    in_cells = Counter(p for c in cells for p in _pieces(c, options, separator))
    several = sum(1 for c in cells if len(_pieces(c, options, separator)) > 1)
    if separator == ";":
        several = len(cells)  # the trailing ';' marks a checkbox answer, one option ticked or several
    if len(options) > 25 or several == 0 or any(in_cells[o] == 0 for o in options):
        return None
    # Options must recur: a free-text column split at its commas gives mostly one-off pieces.
    if sum(1 for o in options if in_cells[o] >= 2) < 0.8 * len(options):
        return None
    return options, free


def _has_option(cell: str, entry: dict) -> bool:
    if entry.get("text") is None:
        return entry["letter"] in re.split(r"[\s,;]+", cell)
    return bool(_pieces(cell, [t for t in entry["text"].values() if t]))


def _pieces(cell: str, options: list[str], separator: str = ",") -> list[str]:
    found, rest = [], cell
    sep = re.escape(separator)
    for option in sorted(options, key=len, reverse=True):
        pattern = re.compile(rf"(?:^|(?<={sep}))\s*" + re.escape(option) + rf"\s*(?={sep}|$)")
        if pattern.search(rest):
            rest = pattern.sub("", rest, count=1)
            found.append(option)
    return found


def _looks_like_codes(series: pd.Series) -> bool:
    """Cells written like ids ("R12", "S000123"): letters then digits; never numbers alone (ages, counts), dates,
    addresses or sentences."""
    cells = _filled(series)
    return bool(len(cells)) and bool(cells.str.fullmatch(r"[A-Za-zА-Яа-я]{1,4}[-_]?\d{1,9}").all())


def _repeats(series: pd.Series) -> str:
    """The first repeated value of a column and the lines it is on: "'17' on lines 5 and 9"."""
    cells = series.astype(str).str.strip()
    repeated = cells[cells.duplicated(keep=False) | cells.eq("")]
    if repeated.empty:
        return "no repeat"
    value = repeated.iloc[0]
    lines = [str(i) for i in cells.index[cells.eq(value)][:5]]
    return f"{value!r} on lines {', '.join(lines)}" if value else f"blank on lines {', '.join(lines)}"


def _single_choice(cells: pd.Series) -> tuple[list[str], list[str]]:
    """(options in order of first appearance, free texts) of a single-choice column: with two or more answers far
    rarer than every other ("Other" texts), those are the respondents' own words."""
    counts = cells.value_counts(sort=False)
    limit = 1 if len(cells) < 40 else max(2, int(0.04 * len(cells)))
    rare = [v for v, k in counts.items() if k <= limit]
    common = [v for v, k in counts.items() if k > limit]
    if len(rare) >= 2 and len(common) >= 2 and 2 * max(counts[v] for v in rare) <= min(counts[v] for v in common):
        return [v for v in dict.fromkeys(cells) if v in common], sorted(rare, key=str)
    return list(dict.fromkeys(cells)), []


# --- profile fields ---------------------------------------------------------------------------------------
def profile_type(series: pd.Series) -> tuple[dict, str]:
    """({type, format?}, why) of a profile column, from its filled cells."""
    cells = _filled(series)
    if cells.empty:
        return {"type": "text"}, "guess: text (every cell is blank)"
    for fmt in DATE_FORMATS:
        if pd.to_datetime(cells, format=fmt, errors="coerce").notna().all():
            return {"type": "date", "format": fmt}, f"guess: dates written {fmt}"
    if cells.str.fullmatch(r"\d{1,3}").all():
        return {"type": "years"}, "guess: whole numbers (years)"
    if cells.str.fullmatch(r"\d{1,3}(?:[.,]\d+)?").all():
        return {"type": "decimal_years"}, "guess: decimal numbers such as '3,0' or '2.5' (years)"
    if cells.map(lambda t: parse_duration(t) is not None).all():
        return {"type": "duration"}, "guess: durations such as '5 years 5 months'"
    distinct = cells.unique()
    if len(distinct) <= 12 and len(distinct) <= max(2, len(cells) / 3):
        return {
            "type": "category",
            "values": sorted(distinct.tolist(), key=str),
        }, f"guess: one of {len(distinct)} answers (category)"
    return {"type": "text"}, "guess: free text"


# --- the whole export -------------------------------------------------------------------------------------
def privacy_block(identifiers: dict[str, str], notes: dict) -> dict:
    """The draft's `privacy:`: the disclosure threshold staff surveys use, and the columns holding direct
    identifiers (header -> kind), each kept out of every output; its notes go into `notes`."""
    notes[("privacy", "disclosure_threshold")] = (
        "stakeholder types and pilot bodies with fewer respondents are suppressed (10 is usual in staff surveys)"
    )
    if identifiers:
        notes[("privacy", "identifiers")] = (
            "guess: columns holding direct identifiers, read but kept out of every output (respondent ids are\n"
            "pseudonymous); to carry one on purpose, give its entry keep: <why>"
        )
    for i, (column, kind) in enumerate(identifiers.items()):
        how = "its header" if kind_by_header(column) == kind else "its cells"
        notes[("privacy", "identifiers", i)] = f"guess: {KINDS[kind]}, by {how}"
    return {
        "disclosure_threshold": DISCLOSURE_THRESHOLD,
        "identifiers": [{"column": c, "kind": k} for c, k in identifiers.items()],
    }


def _low_cardinality(series: pd.Series) -> bool:
    distinct = _filled(series).nunique()
    return 2 <= distinct <= 20 and distinct <= max(2, len(series) / 3)


def _word_score(header: str, words) -> int:
    key = str(header).casefold()
    return sum(word in key for word in words)


def _entries(series: pd.Series, taken: set[str]) -> list[dict]:
    """Codes and labels (as found) of a stakeholder or pilot-body column, in order of first appearance."""
    return [{"code": slug(value, taken, "group"), "label": labelled(value)} for value in dict.fromkeys(_filled(series))]


#: The "Other" choice as tools name its text column: "Other (please specify)", "Другое (укажите)", "Басқа".
_OTHER_WORDS = re.compile(r"^\s*(other|другое|другой|иное|басқа)\b", re.I)


def _ticks(cells: pd.Series, option: str) -> bool:
    """Whether a column holds only ticks of `option` (1/0, yes/no, x, or the option's own text) and blanks."""
    values = _filled(cells).str.casefold()
    allowed = TICKED | UNTICKED | {option.strip().casefold()}
    return bool(len(values)) and values.isin(allowed).all()


def option_column_groups(frame: pd.DataFrame, candidates: list[str]) -> dict[str, dict]:
    """Checkbox questions written one column per option, 'Question [Option]' (SurveyMonkey, LimeSurvey): the
    question's text -> its option columns (header -> option text) and the column of its "Other" words, if any.
    Two option columns at least, each holding ticks or the option's text only."""
    groups: dict[str, dict] = {}
    for header in candidates:
        match = _GRID.match(header)
        if not match:
            continue
        group = groups.setdefault(match["question"], {"options": {}, "other": None})
        if _OTHER_WORDS.match(match["row"]) and not _ticks(frame[header], match["row"]):
            group["other"] = header
        elif _ticks(frame[header], match["row"]):
            group["options"][header] = match["row"]
        else:
            group["options"][header] = None  # a column of the group that is no tick: not a checkbox question
    return {q: g for q, g in groups.items() if len(g["options"]) >= 2 and None not in g["options"].values()}


def infer_codebook(frame: pd.DataFrame, info: dict, title: str | None = None) -> Draft:
    """A draft codebook for the export `frame` (text cells, as helpers.ingest.load reads them)."""
    columns = [str(c) for c in frame.columns]
    # The tool helpers.ingest.layouts recognised by its header rows (Qualtrics, SurveyMonkey, LimeSurvey), else
    # what the headers look like.
    shape = {"qualtrics": "Qualtrics", "surveymonkey": "SurveyMonkey", "limesurvey": "LimeSurvey"}.get(
        frame.attrs.get("tool") or "", detect_shape(columns)
    )
    notes: dict = {}
    unused: dict = {}
    used: set[str] = set()
    warnings: list = []
    language = Counter(language_of(c) for c in columns).most_common(1)[0][0]

    # Likert statements: columns whose every answer is on a scale (Google Forms grids: 'Question [Row]').
    # KoboToolbox writes each select_multiple twice: names joined by spaces in `q`, and 0/1 in `q/<name>`.
    option_columns: dict[str, list[str]] = {}
    for header in columns:
        prefix, _, name = header.rpartition("/")
        if prefix in columns and name and set(_filled(frame[header])) <= {"0", "1"}:
            option_columns.setdefault(prefix, []).append(header)
    companions = {c for names in option_columns.values() for c in names}
    statements, numeric, scale_answers = [], [], set()
    for header in columns:
        cells = _filled(frame[header])
        if header in companions or cells.empty or cells.nunique() > 12 or not cells.map(is_scale_answer).all():
            continue
        if cells[~cells.map(is_no_opinion)].nunique() < 3:
            continue  # a scale's answers differ; 0/1 or yes/no columns are not Likert items
        (numeric if cells.str.fullmatch(r"\d+").all() and not _GRID.match(header) else statements).append(header)
    # Small numbers outside a grid are scores only where several columns hold them (else ages, counts).
    # So are they where statements already found answer with the same numbers (a statement nobody answered
    # "no opinion" to, beside those somebody did).
    on_scale = {a for c in statements for a in _filled(frame[c]).unique()}
    if len(numeric) >= 3 or (on_scale and all(set(_filled(frame[c]).unique()) <= on_scale for c in numeric)):
        statements = [c for c in columns if c in statements or c in numeric]
        numeric = []
    for header in statements:
        scale_answers.update(_filled(frame[header]).unique())
    used.update(statements)

    used.update(companions)
    # Direct identifiers (e-mail, phone, names, IIN): listed under privacy, never an id, a field or a question.
    identifiers = {c: k for c, k in find_identifiers(frame[[c for c in columns if c not in used]]).items()}
    used.update(identifiers)
    meta = [c for c in columns if c.strip().casefold() in KOBO_META | GOOGLE_TIMESTAMP | TOOL_META]
    candidates = [c for c in columns if c not in used and c not in meta]

    # Respondent id: unique and never blank; by its header first, else Google Forms' timestamp.
    def unique(c):
        cells = frame[c].astype(str).str.strip()
        return cells.ne("").all() and cells.is_unique

    # A timestamp is never an id (two respondents may send in the same second), nor is a free text.
    named = [c for c in columns if ID_HEADER.match(c.strip().casefold()) and c not in statements]
    by_header = [c for c in named if unique(c)]
    tool_ids = [c for c in meta if c.strip().casefold() in TOOL_IDS and unique(c)]
    coded = [c for c in candidates if unique(c) and _looks_like_codes(frame[c])]
    id_column = (by_header or tool_ids or coded or [ROW_ID])[0]
    if not by_header and named:
        repeated = _repeats(frame[named[0]])
        warnings.append(
            (
                ("export", "id_column"),
                f"the column {named[0]!r} names a respondent id but is not one per respondent ({repeated}); "
                "the draft names respondents otherwise: give each respondent one id in the export, or keep this",
            )
        )
    why_id = (
        "its header names an id"
        if id_column in by_header
        else "the survey tool's own id of each submission"
        if id_column in tool_ids
        else "the first column of codes unique per respondent"
        if id_column in coded
        else "the export has no respondent id (a timestamp is none: two answers may share one), so each "
        "respondent is named by the line of the export its answers are on"
    )
    notes[("export", "id_column")] = f"guess: {why_id}"
    used.add(id_column)
    for c in meta:
        if c not in used:
            unused[c] = f"{shape} metadata"
    candidates = [c for c in candidates if c != id_column]

    few = [c for c in candidates if _low_cardinality(frame[c])]
    pilot = max(few, key=lambda c: (_word_score(c, PILOT_BODY_WORDS), -columns.index(c)), default=None)
    if pilot is not None and _word_score(pilot, PILOT_BODY_WORDS) == 0:
        pilot = None
    stake_pool = [c for c in few if c != pilot]
    stakeholder = max(stake_pool, key=lambda c: (_word_score(c, STAKEHOLDER_WORDS), -columns.index(c)), default=None)
    if stakeholder is None:
        raise ValueError("no column with a few distinct values to hold the stakeholder type")
    notes[("export", "stakeholder_column")] = f"guess: {_filled(frame[stakeholder]).nunique()} distinct answers" + (
        ", header names a stakeholder type"
        if _word_score(stakeholder, STAKEHOLDER_WORDS)
        else "; no header named a stakeholder type: the first column with few distinct answers"
    )
    used.add(stakeholder)
    taken: set[str] = set()
    stakeholders = _entries(frame[stakeholder], taken)
    notes[("stakeholders",)] = (
        "guess: the answers found in the stakeholder column, in order of first appearance; "
        "reorder them as the tables should show them, fill en/kk"
    )
    export = {
        "file": info["file"],
        "encoding": info.get("encoding") or "auto",
        "delimiter": info.get("delimiter") or "auto",
        "id_column": id_column,
        "stakeholder_column": stakeholder,
    }
    notes[("export", "file")] = f"guess: a {shape.replace('_', ' ')} export" + (
        f", {len(frame)} respondents" if len(frame) else ""
    )
    if info.get("encoding"):
        notes[("export", "encoding")] = "guess: detected from the file's bytes"
        notes[("export", "delimiter")] = "guess: the most frequent separator in the header line"
    book: dict = {"dataset": {}, "export": export, "stakeholders": stakeholders}
    book["privacy"] = privacy_block(identifiers, notes)
    if pilot is not None:
        export["pilot_body_column"] = pilot
        notes[("export", "pilot_body_column")] = "guess: header names a pilot body; a blank cell means none"
        used.add(pilot)
        book["pilot_bodies"] = _entries(frame[pilot], set())
        notes[("pilot_bodies",)] = "guess: the answers found in the pilot-body column"

    # Everything left: before the first question, profile fields; checkbox columns and, after them,
    # columns of few answers, questions.
    profile, questions = [], []
    profile_ids: set[str] = set(taken)
    first_question = min((columns.index(c) for c in statements), default=len(columns))
    checkboxes = {}
    for header in candidates:
        if header in used:
            continue
        found = _is_checkbox(frame[header])
        if header in option_columns:  # KoboToolbox select_multiple: its options are the 0/1 columns' names
            found = ([c.rpartition("/")[2] for c in option_columns[header]], [])
        if found:
            checkboxes[header] = found
            first_question = min(first_question, columns.index(header))
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    wide = option_column_groups(frame, [c for c in candidates if c not in used])
    wide_first = {next(iter(g["options"])): q for q, g in wide.items()}
    for group in wide.values():
        first_question = min(first_question, *(columns.index(c) for c in group["options"]))
    in_wide = {c for g in wide.values() for c in [*g["options"], g["other"]] if c}
    for header in candidates:
        if header in used:
            continue
        if header in wide_first:
            text = wide_first[header]
            group = wide[text]
            i = len(questions)
            entries = [{"letter": letters[j], "text": labelled(o)} for j, o in enumerate(group["options"].values())]
            question = {"id": f"q{i + 1}", "text": labelled(text), "options": entries}
            if group["other"]:
                lang = language_of(text)
                entries.append(
                    {"letter": letters[len(entries)], "text": labelled(OTHER_LABEL[lang], lang), "other": True}
                )
                question["other_column"] = group["other"]
                notes[("questions", i, "other_column")] = 'guess: the words of "Other", in a column of their own'
            notes[("questions", i)] = (
                f"guess: checkbox question, one column per option ({len(group['options'])}: "
                f"'{text} [option]', ticked or blank)"
            )
            questions.append(question)
            used.update(c for c in in_wide if _GRID.match(c) and _GRID.match(c)["question"] == text)
            continue
        if header in in_wide:
            continue
        cells = _filled(frame[header])
        few_answers = 2 <= cells.nunique() <= 12 and cells.nunique() <= max(2, len(frame) / 3)
        # A header that asks ("…?") is a question wherever it stands; other columns of few answers are questions
        # after the first question, profile fields (education, position) before it.
        asks = header.rstrip().endswith("?") and profile_type(frame[header])[0]["type"] == "category"
        if header in checkboxes or (few_answers and (columns.index(header) > first_question or asks)):
            options, free = checkboxes.get(header) or _single_choice(cells)
            qid = f"q{len(questions) + 1}"
            i = len(questions)
            if header in option_columns:
                entries = [
                    {
                        "letter": letters[j],
                        "name": o,
                        "text": labelled(o, "en"),
                        **({"other": True} if o.casefold() == "other" else {}),
                    }
                    for j, o in enumerate(options)
                ]
                notes[("questions", i, "options")] = (
                    "guess: KoboToolbox option names, from the 0/1 columns "
                    f"{header}/<name>; give each option's text (or use FORM=)"
                )
            elif all(re.fullmatch(r"[A-Z]", o) for o in options):
                # No `known: false`: that marks wording a source does not give (the paper's unprinted options);
                # here it is only not written yet, and `make check-codebook` says so until it is.
                entries = [{"letter": o, "text": None} for o in options]
                notes[("questions", i, "options")] = (
                    "guess: the export holds option letters only; give each option's text"
                )
            else:
                entries = [{"letter": letters[j], "text": labelled(o)} for j, o in enumerate(options)]
            other_text = next(
                (
                    c
                    for c in candidates
                    if c not in used
                    and (
                        c.casefold() in {f"{header}_other".casefold(), f"{header} [other]".casefold()}
                        or (
                            (m := _GRID.match(c)) is not None
                            and m["question"] == header
                            and _OTHER_WORDS.match(m["row"]) is not None
                        )
                    )
                ),
                None,
            )
            if other_text is not None and any(e.get("other") for e in entries):
                used.add(other_text)  # KoboToolbox's own "other" option, named so
                notes[("questions", i, "other_column")] = "guess: free text of the option named other"
            elif other_text is not None:
                chosen = frame.loc[frame[other_text].astype(str).str.strip().ne(""), header].astype(str)
                always = [e for e in entries if chosen.map(lambda c, e=e: _has_option(c, e)).all()]
                if always:
                    always[-1]["other"] = True
                    used.add(other_text)
                    notes[("questions", i, "other_column")] = (
                        "guess: free text, given only with the option marked other"
                    )
                elif chosen.str.strip().eq("").all() and header not in checkboxes:
                    # SurveyMonkey: the answer is left blank where the respondent wrote words under "Other".
                    lang = language_of(" ".join(options)) if options else language
                    entries.append(
                        {"letter": letters[len(entries)], "text": labelled(OTHER_LABEL[lang], lang), "other": True}
                    )
                    used.add(other_text)
                    notes[("questions", i, "other_column")] = (
                        'guess: the words of "Other", in a column of their own; the answer is blank where they are'
                    )
            if free:
                lang = language_of(" ".join(options)) if options else language
                entries.append(
                    {"letter": letters[len(entries)], "text": labelled(OTHER_LABEL[lang], lang), "other": True}
                )
                notes[("questions", i, "options", len(entries) - 1)] = (
                    f"guess: Google Forms' \"Other\": {len(free)} different texts are respondents' own words, e.g. "
                    f"{free[0]!r}; an option among them belongs above"
                )
            kind = "checkbox" if header in checkboxes else "single choice"
            notes[("questions", i)] = f"guess: {kind} question, {len(options)} options" + (
                " (option texts split at commas only where they never occur apart)"
                if header in checkboxes
                else ", in order of first appearance"
            )
            question = {"id": qid, "column": header, "text": labelled(header), "options": entries}
            if other_text is not None and any(e.get("other") for e in entries):
                question["other_column"] = other_text
            questions.append(question)
        else:
            spec, why = profile_type(frame[header])
            i = len(profile)
            profile.append(
                {
                    "id": slug(header, profile_ids),
                    "column": header,
                    "type": spec["type"],
                    **{k: v for k, v in spec.items() if k != "type"},
                    "label": labelled(header),
                }
            )
            notes[("profile", i, "type")] = why
        used.add(header)
    book["profile"] = profile
    book["questions"] = questions

    scale = recognise_scale(sorted(scale_answers, key=str))
    book["scale"] = {"values": scale["values"], "labels": scale["labels"], "missing": scale["missing"]}
    notes[("scale", "values")] = scale["notes"]["values"]
    for value in scale["labels"]:
        notes[("scale", "labels", value)] = scale["notes"][value]
    if scale["missing"]:
        notes[("scale", "missing")] = 'guess: "no opinion" answers, counted as missing' + (
            "; not on any known scale: " + ", ".join(map(repr, scale["unmatched"])) if scale["unmatched"] else ""
        )
    if statements:
        warnings += [(("scale", "values"), doubt) for doubt in scale["doubts"]]
    warnings += _grids_not_read(frame, [*statements, *in_wide], book)
    # A column or two of small numbers outside a grid, as a Likert statement with numbers for labels would be, and
    # as a question whose options are numbers is: drafted as a question (see above), and said so.
    for header in numeric:
        warnings.append(
            (
                _entry_of(book, header),
                f"the column {header!r} holds only the numbers {', '.join(sorted(_filled(frame[header]).unique(), key=int))}"
                " and no grid names it: drafted as a question; if it is a Likert statement, move it under "
                "`statements:` (three or more such columns are read as statements)",
            )
        )

    book["factors"] = []
    grid_questions = []
    book["statements"] = []
    for k, header in enumerate(statements, start=1):
        match = _GRID.match(header)
        text = match["row"] if match else header
        if match and match["question"] not in grid_questions:
            grid_questions.append(match["question"])
        book["statements"].append({"id": f"s{k:02d}", "factor": TODO, "column": header, "text": labelled(text)})
        notes[("statements", k - 1)] = "guess: a Likert row" + (f" of the grid {match['question']!r}" if match else "")
    book["dataset"], notes[("dataset", "title")] = dataset_entry(title or title_of_file(info["file"]), shape)
    unused.update({c: "not recognised" for c in columns if c not in used and c not in unused})
    return Draft(book=book, notes=notes, unused=unused, warnings=warnings)


#: What a title the export does not give is, in the draft: shown as it is until a person writes one.
TITLE_TODO = "TODO: the survey's title"
#: How Google Forms and Microsoft Forms name a download: "<form title> (Responses).csv".
# Google Sheets names a download "<title> (Ответы) - Ответы на форму (1).csv": the sheet's name after " - ".
_RESPONSES_FILE = re.compile(
    r"^(?P<title>.+?)\s*\((?:responses|ответы|жауаптар|answers)\)(?:\s+-\s+.+?)?(?:\s*\(\d+\))?$", re.I
)


def title_of_file(file: str) -> str | None:
    """The form's title where the export's file name holds it (Google Forms: 'Анкета (ответы).csv'), else None."""
    match = _RESPONSES_FILE.match(Path(file).stem)
    return match["title"].strip() if match else None


def dataset_entry(title: str | None, tool: str) -> tuple[dict, str]:
    """(the draft's `dataset:` entry, the note on its title). The source says what the export is, never its file
    name or its count, which change when the export is replaced."""
    entry = {
        "title": labelled(title) if title else {"en": TITLE_TODO, "ru": None, "kk": None},
        "source": f"{tool.replace('_', ' ')} export; TODO: who collected it, when and how",
        "synthetic": False,
    }
    note = (
        "guess: the title the export gives; add it in the other languages"
        if title
        else "TODO: the export gives no title: write the survey's title (the report shows it)"
    )
    return entry, note


def _grids_not_read(frame: pd.DataFrame, statements: list[str], book: dict) -> list:
    """A warning for each grid ('Question [Row]' headers, two or more) whose rows were not read as statements:
    the answers that are on no scale this knows, and the entry the columns became instead."""
    grids: dict[str, list[str]] = {}
    for header in frame.columns:
        match = _GRID.match(str(header))
        if match and header not in statements:  # statements, and a checkbox question's option columns
            grids.setdefault(match["question"], []).append(str(header))
    found = []
    for question, headers in grids.items():
        if len(headers) < 2:
            continue
        answers = sorted({a for h in headers for a in _filled(frame[h]).unique()}, key=str)
        unplaced = [a for a in answers if not is_scale_answer(a)]
        entry = _entry_of(book, headers[0])
        reason = (
            f"answers on no agreement scale this knows: {', '.join(map(repr, unplaced[:4]))}"
            if unplaced
            else "fewer than three different answers on a scale"
        )
        found.append(
            (
                entry,
                f"{len(headers)} columns of the grid {question!r} were not read as statements ({reason}); if they are "
                "Likert statements, list them under `statements:` and their answers under `scale:`",
            )
        )
    return found


def _entry_of(book: dict, header: str):
    for section in ("questions", "profile"):
        for i, entry in enumerate(book.get(section) or []):
            if entry.get("column") == header:
                return (section, i)
    return None
