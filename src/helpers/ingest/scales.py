"""Answer scales a survey export may hold, recognised from their labels: agreement scales of 4, 5 and 7 points
in English, Russian and Kazakh, as survey tools and researchers write them, numbers, and the answers that mean
"no opinion".

A label is read for what it says, not looked up whole: its direction (agree, disagree, neither), its strength
("полностью", "скорее", "somewhat", "толық", "біршама") and an anchor number ("1 — полностью не согласен",
"Strongly agree (5)"). So compound labels ("Нейтрально / нет мнения", "Согласен (скорее да)"), gendered forms
("Согласна") and a tool's own wording ("Ни да, ни нет", "Келісемін") are placed too; a label that names both a
scale point and "no opinion" is read as the point and said to be uncertain.

Used when a codebook is inferred (helpers.ingest.infer, xlsform, spss): the labels found in an export are
placed on a scale, and the codebook gets each label as found plus, for the other languages, the usual label of
that point (a guess, marked).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

LANGUAGES = ("en", "ru", "kk")

# The usual label of each kind of point, per language: (direction, strength) -> {lang: label}.
# Direction -1 disagree, 0 neither, +1 agree; strength 1 "somewhat", 2 plain, 3 "strongly".
USUAL = {
    (-1, 3): {"en": "Strongly disagree", "ru": "Полностью не согласен", "kk": "Мүлдем келіспеймін"},
    (-1, 2): {"en": "Disagree", "ru": "Не согласен", "kk": "Келіспеймін"},
    (-1, 1): {"en": "Somewhat disagree", "ru": "Скорее не согласен", "kk": "Біршама келіспеймін"},
    (0, 0): {"en": "Neutral", "ru": "Нейтрально", "kk": "Бейтарап"},
    (1, 1): {"en": "Somewhat agree", "ru": "Скорее согласен", "kk": "Біршама келісемін"},
    (1, 2): {"en": "Agree", "ru": "Согласен", "kk": "Келісемін"},
    (1, 3): {"en": "Strongly agree", "ru": "Полностью согласен", "kk": "Толықтай келісемін"},
}
#: The kinds of point of each scale, in order: what a point not found in an export is assumed to be.
POINTS = {
    4: [(-1, 3), (-1, 2), (1, 2), (1, 3)],
    5: [(-1, 3), (-1, 2), (0, 0), (1, 2), (1, 3)],
    6: [(-1, 3), (-1, 2), (-1, 1), (1, 1), (1, 2), (1, 3)],
    7: [(-1, 3), (-1, 2), (-1, 1), (0, 0), (1, 1), (1, 2), (1, 3)],
}
NO_OPINION = {
    "en": ["No opinion", "Don't know", "Hard to say", "Not applicable", "N/A", "Prefer not to say"],
    "ru": ["Затрудняюсь ответить", "Нет мнения", "Не знаю", "Затрудняюсь", "Трудно сказать"],
    "kk": ["Жауап беруге қиналамын", "Жауап беру қиын", "Білмеймін", "Пікірім жоқ"],
}
# Phrases whose words would mislead the reading below, placed by hand.
PHRASES = {
    "отчасти согласен": (0, 0),
    "отчасти согласна": (0, 0),
    "отчасти согласен, отчасти нет": (0, 0),
    "и да, и нет": (0, 0),
    "ни да, ни нет": (0, 0),
    "иә де, жоқ та": (0, 0),
}
_NUMBER = re.compile(r"^\s*(-?\d{1,3})(?:[.,]0+)?\s*$")
# "1 — полностью не согласен", "1. Strongly disagree", "(1) ...", "1=..."; "Strongly agree (5)", "... - 5".
_LEADING = re.compile(r"^\s*\(?(\d{1,2})\)?\s*(?:[.)\-–—:=]+\s*|\s+)(?=\D)(?P<text>.+)$")
_TRAILING = re.compile(r"^(?P<text>.*\D)\s*(?:[\-–—:=]\s*|\(\s*)(\d{1,2})\s*\)?\s*$")
#: Codes survey tools and SPSS files use for "don't know / no answer" beside a numeric scale.
NO_ANSWER_CODES = {"77", "88", "98", "99", "999", "-1", "-9", "-99"}

_NEUTRAL = re.compile(
    r"нейтрал|\bни\b.*\bни\b|neither|neutral|undecided|бейтарап|келісемін де|келіспеймін де|"
    r"и согласен,? и не|\bни согласен|ни не согласен|agree nor|agree or disagree"
)
_NO_OPINION = re.compile(
    r"затрудня|не знаю|нет мнения|нет ответа|трудно сказать|не могу сказать|no opinion|don'?t know|do not know|"
    r"hard to say|not sure|can'?t say|not applicable|^n/?a$|prefer not|жауап бер|білмеймін|қиналамын|пікірім жоқ|"
    r"не применимо|отказ"
)
_AGREE = re.compile(r"соглас|agree|келіс")
_NEGATIVE = re.compile(r"\bне\s*соглас|несоглас|disagree|do not agree|don'?t agree|not agree|келіспе")
_STRONG = re.compile(
    r"полностью|совершенно|абсолютно|категорически|целиком|совсем|strongly|completely|totally|fully|absolutely|"
    r"entirely|толық|мүлдем|әбден|толығымен|толықтай|мүлде"
)
_WEAK = re.compile(
    r"скорее|отчасти|частично|в некоторой степени|пожалуй|somewhat|rather|slightly|mostly|partly|tend to|"
    r"біршама|ішінара|көбінесе"
)


def norm(text) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\u00a0", " ").replace("ё", "е").replace("Ё", "Е")).strip().casefold()


@dataclass(frozen=True)
class Reading:
    """What one answer label says: an anchor number, a kind of point, "no opinion", and a doubt if any."""

    number: int | None = None
    point: tuple[int, int] | None = None
    no_opinion: bool = False
    doubt: str | None = None

    @property
    def placed(self) -> bool:
        return self.number is not None or self.point is not None or self.no_opinion


def read_words(text: str) -> tuple[tuple[int, int] | None, bool]:
    """(the kind of point the words name, whether they also say "no opinion") of a label without its number."""
    key = norm(text)
    if not key:
        return None, False
    no_opinion = bool(_NO_OPINION.search(key))
    phrase = PHRASES.get(key.rstrip(". "))
    if phrase:
        return phrase, False
    if _NEUTRAL.search(key):
        return (0, 0), no_opinion
    if _AGREE.search(key):
        sign = -1 if _NEGATIVE.search(key) else 1
        strength = 3 if _STRONG.search(key) else 1 if _WEAK.search(key) else 2
        return (sign, strength), no_opinion
    return None, no_opinion


def read_label(answer) -> Reading:
    """What an answer label says (see Reading); nothing placed for text that is no scale answer."""
    text = str(answer).strip()
    match = _NUMBER.match(text)
    if match:
        number = int(match[1])
        if text in NO_ANSWER_CODES:
            return Reading(number=None, no_opinion=True)
        return Reading(number=number) if 0 <= number <= 10 else Reading()
    number = None
    for pattern, group in ((_LEADING, 1), (_TRAILING, 2)):
        anchored = pattern.match(text)
        if anchored and read_words(anchored["text"])[0] is not None or (anchored and _only_no_opinion(anchored)):
            number, text = int(anchored[group]), anchored["text"]
            break
    point, no_opinion = read_words(text)
    if point is None and not no_opinion:
        # A misspelt label: the closest usual label of any point, when close.
        usual = {norm(label): kind for kind, labels in USUAL.items() for label in labels.values()}
        close = difflib.get_close_matches(norm(text), list(usual), n=1, cutoff=0.8)
        if close:
            return Reading(number, usual[close[0]], doubt=f"closest to the usual label {close[0]!r}")
        return Reading(number) if number is not None else Reading()
    if point is None:
        return Reading(number, None, no_opinion=True)
    doubt = None
    if no_opinion:
        doubt = 'it also says "no opinion": if it means that, move it under scale.missing'
    return Reading(number, point, doubt=doubt)


def _only_no_opinion(anchored) -> bool:
    return read_words(anchored["text"])[1]


def is_no_opinion(answer: str) -> bool:
    """True for a "no opinion" label in en, ru or kk (and not a scale point), or a numeric no-answer code (99)."""
    reading = read_label(answer)
    return reading.no_opinion and reading.point is None


def is_scale_answer(answer: str) -> bool:
    """True for a number 0-10, a label of an agreement scale, or a "no opinion" answer or code."""
    return read_label(answer).placed


def recognise_scale(answers: list[str]) -> dict:
    """The scale that `answers` (distinct non-blank answers of the Likert columns) are written on.

    Returns {values, labels: {value: {lang: label}}, missing: [...], notes: {...}, unmatched: [...], doubts: [...]}:
    labels as found in the export in their language, the other languages the usual label of that point; notes say
    for each value how it was recognised (every one is a guess for a person to confirm); doubts, what a person
    should look at (a label read two ways, two labels on one point, a scale length guessed).
    """
    readings = {a: read_label(a) for a in dict.fromkeys(str(a).strip() for a in answers if str(a).strip())}
    missing = [a for a, r in readings.items() if r.no_opinion and r.point is None and r.number is None]
    unmatched = [a for a, r in readings.items() if not r.placed]
    on_scale = {a: r for a, r in readings.items() if a not in missing and a not in unmatched}
    doubts = [f"{a!r}: {r.doubt}" for a, r in on_scale.items() if r.doubt]
    numbers = sorted({r.number for r in on_scale.values() if r.number is not None})
    # A number far above the others beside a short scale ("1".."5" and "9"): a "don't know" code.
    while len(numbers) >= 4 and numbers[-1] - numbers[-2] >= 2 and numbers[-1] > 5:
        code = numbers.pop()
        found = [a for a, r in on_scale.items() if r.number == code]
        missing += found
        doubts.append(f'{found[0]!r}: read as a "no opinion" code, far above the other numbers')
        on_scale = {a: r for a, r in on_scale.items() if r.number != code}
    labels: dict[int, dict[str, str | None]] = {}
    notes: dict = {}
    # One language for a scale's Cyrillic labels: Kazakh when any of them has a Kazakh letter ("Бейтарап" has none).
    kazakh = any(language_of_label(a) == "kk" for a in on_scale)
    lang_of = {a: ("kk" if kazakh and language_of_label(a) == "ru" else language_of_label(a)) for a in on_scale}
    if on_scale and all(r.number is not None for r in on_scale.values()):
        low = 0 if numbers[0] == 0 else 1
        top = numbers[-1]
        tops = [r.point for r in on_scale.values() if r.number == top and r.point]
        if top < 4:
            doubts.append(f"the highest answer is {top}: a 5-point scale assumed, check scale.values")
            top = 5
        elif not tops and not any(r.point for r in on_scale.values()):
            doubts.append(
                f"answers are the numbers {numbers[0]}-{top} only: a {top}-point scale assumed (if yours has more "
                "points, nobody chose the others: extend scale.values)"
            )
        values = list(range(low, top + 1))
        for answer, reading in sorted(on_scale.items(), key=lambda p: p[1].number):
            if reading.point is None:
                continue  # a bare number: read as itself, no label needed
            _put(
                labels,
                notes,
                reading.number,
                answer,
                lang_of[answer],
                f"{answer!r} found in the export, anchored to {reading.number}",
            )
        for value in labels:
            reading = next(r for r in on_scale.values() if r.number == value and r.point)
            _fill(labels[value], reading.point)
        notes["values"] = f"guess: answers are numbers {numbers[0]}-{numbers[-1]}" + (" with labels" if labels else "")
    elif on_scale:
        points = {r.point for r in on_scale.values() if r.point}
        values, place, why = _scale_of(points)
        notes["values"] = why
        if any(r.number is not None and r.point is None for r in on_scale.values()):
            doubts.append("some answers are numbers and others words: the words were placed, check the numbers")
        for answer, reading in on_scale.items():
            if reading.point is None:
                continue
            value = place[reading.point]
            if reading.number is not None and reading.number != value:
                doubts.append(f"{answer!r}: its number says {reading.number}, its words {value}")
            lang = lang_of[answer]
            if labels.get(value, {}).get(lang):
                doubts.append(
                    f"{answer!r} and {labels[value][lang]!r} are both read as {value}: a codebook has one label per "
                    "language, so one of them will be an unknown answer"
                )
                continue
            how = "closest to a usual label" if reading.doubt and "closest" in reading.doubt else "its words"
            _put(
                labels,
                notes,
                value,
                answer,
                lang,
                f"{answer!r} found in the export, placed by {how} at {value} of {len(values)}",
            )
        kinds = POINTS[len(values)]
        for value, kind in zip(values, kinds):
            labels.setdefault(value, {})
            _fill(labels[value], next((k for k, v in place.items() if v == value), kind))
            notes.setdefault(value, f"guess: not found in the export; the usual label for {value} of {len(values)}")
    else:
        values = [1, 2, 3, 4, 5]
        notes["values"] = "guess: no answer on a scale was found; a 5-point scale assumed"
    labels = {v: {lang: labels[v].get(lang) for lang in LANGUAGES} for v in sorted(labels)}
    if unmatched:
        doubts += [f"{a!r}: on no scale this knows, counted as missing for now" for a in unmatched]
    return {
        "values": values,
        "labels": labels,
        "missing": missing + unmatched,
        "unmatched": unmatched,
        "notes": notes,
        "doubts": doubts,
    }


def _put(labels: dict, notes: dict, value: int, answer: str, lang: str, how: str) -> None:
    slot = labels.setdefault(value, {})
    if slot.get(lang) is None:
        slot[lang] = answer.strip()
        notes[value] = f"guess: {how}"


def _fill(slot: dict, kind: tuple[int, int]) -> None:
    """The languages a point has no label in yet get the usual label of its kind (a guess)."""
    for lang in LANGUAGES:
        if slot.get(lang) is None:
            slot[lang] = USUAL[kind][lang]


def _scale_of(points: set[tuple[int, int]]) -> tuple[list[int], dict, str]:
    """(values, kind of point -> value, why) for the kinds of point found in an export's answers."""
    strengths = sorted({s for d, s in points if d})
    per_side = max(2, len(strengths))
    if per_side == 2 and len(strengths) < 2:
        strengths = sorted(set(strengths) | ({3} if 3 not in strengths else {2}))
    neutral = (0, 0) in points
    n = 2 * per_side + (1 if neutral else 0)
    place = {}
    for rank, strength in enumerate(sorted(strengths, reverse=True)):
        place[(-1, strength)] = 1 + rank
        place[(1, strength)] = n - rank
    if neutral:
        place[(0, 0)] = per_side + 1
    why = f"guess: a {n}-point agreement scale, from the answer labels"
    if not neutral:
        why += " (no middle answer such as 'Нейтрально' was found, so none is assumed: with one, use 1-" + f"{n + 1})"
    return list(range(1, n + 1)), place, why


def language_of_label(text: str) -> str:
    """'kk' for text with Kazakh letters, 'ru' for other Cyrillic, else 'en'."""
    if re.search("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]", text):
        return "kk"
    return "ru" if re.search("[А-Яа-яЁё]", text) else "en"
