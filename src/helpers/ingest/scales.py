"""Answer scales a survey export may hold, recognised from their labels: agreement scales of 5 and 7 points
in English, Russian and Kazakh, numbers, and the answers that mean "no opinion".

Used when a codebook is inferred (helpers.ingest.infer, xlsform, spss): the labels found in an export are
matched to these, and the codebook gets each label as found plus its translations from here.
"""

from __future__ import annotations

import difflib
import re

LANGUAGES = ("en", "ru", "kk")

# Each point: the labels in each language; the first is the one written into a codebook, the others are
# variants met in forms. Keys are the scale values.
AGREEMENT_5 = {
    1: {
        "en": ["Strongly disagree", "Completely disagree"],
        "ru": ["Полностью не согласен", "Совершенно не согласен", "Категорически не согласен", "Полностью не согласна"],
        "kk": ["Мүлдем келіспеймін", "Толығымен келіспеймін", "Толық келіспеймін"],
    },
    2: {
        "en": ["Disagree", "Somewhat disagree", "Rather disagree"],
        "ru": ["Не согласен", "Скорее не согласен", "Не согласна"],
        "kk": ["Келіспеймін", "Біршама келіспеймін"],
    },
    3: {
        "en": ["Neutral", "Neither agree nor disagree", "Neither agree or disagree"],
        "ru": ["Нейтрально", "Ни согласен, ни не согласен", "Нейтрален", "Отчасти согласен"],
        "kk": ["Бейтарап", "Келісемін де, келіспеймін де"],
    },
    4: {
        "en": ["Agree", "Somewhat agree", "Rather agree"],
        "ru": ["Согласен", "Скорее согласен", "Согласна"],
        "kk": ["Келісемін", "Біршама келісемін"],
    },
    5: {
        "en": ["Strongly agree", "Completely agree"],
        "ru": ["Полностью согласен", "Совершенно согласен", "Полностью согласна"],
        "kk": ["Толықтай келісемін", "Толығымен келісемін", "Толық келісемін"],
    },
}
AGREEMENT_7 = {
    1: AGREEMENT_5[1],
    2: {"en": ["Disagree"], "ru": ["Не согласен", "Не согласна"], "kk": ["Келіспеймін"]},
    3: {
        "en": ["Somewhat disagree", "Rather disagree"],
        "ru": ["Скорее не согласен", "Скорее не согласна"],
        "kk": ["Біршама келіспеймін"],
    },
    4: AGREEMENT_5[3],
    5: {
        "en": ["Somewhat agree", "Rather agree"],
        "ru": ["Скорее согласен", "Скорее согласна"],
        "kk": ["Біршама келісемін"],
    },
    6: {"en": ["Agree"], "ru": ["Согласен", "Согласна"], "kk": ["Келісемін"]},
    7: AGREEMENT_5[5],
}
SCALES = {5: AGREEMENT_5, 7: AGREEMENT_7}
NO_OPINION = {
    "en": ["No opinion", "Don't know", "Hard to say", "Not applicable", "N/A"],
    "ru": ["Затрудняюсь ответить", "Нет мнения", "Не знаю", "Затрудняюсь"],
    "kk": ["Жауап беруге қиналамын", "Жауап беру қиын", "Білмеймін"],
}
_NUMBER = re.compile(r"^\s*(\d{1,2})(?:[.,]0+)?\s*$")
#: Codes survey tools and SPSS files use for "don't know / no answer" beside a numeric scale.
NO_ANSWER_CODES = {"77", "88", "98", "99", "999", "-1", "-9", "-99"}


def norm(text) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\u00a0", " ")).strip().casefold()


def is_no_opinion(answer: str) -> bool:
    """True for a "no opinion" label in en, ru or kk, or a numeric no-answer code such as 99."""
    if str(answer).strip() in NO_ANSWER_CODES:
        return True
    return norm(answer) in {norm(t) for texts in NO_OPINION.values() for t in texts}


def _variants(scale: dict) -> dict[str, tuple[int, str]]:
    """Every label of a scale, normalised -> (value, language)."""
    return {
        norm(text): (value, lang) for value, langs in scale.items() for lang, texts in langs.items() for text in texts
    }


def is_scale_answer(answer: str) -> bool:
    """True for a number 0-10, a label of a known agreement scale, or a "no opinion" answer or code."""
    if is_no_opinion(answer):
        return True
    match = _NUMBER.match(str(answer))
    if match:
        return int(match[1]) <= 10
    key = norm(answer)
    return is_no_opinion(answer) or any(key in _variants(s) for s in SCALES.values())


def recognise_scale(answers: list[str]) -> dict:
    """The scale that `answers` (distinct non-blank answers of the Likert columns) are written on.

    Returns {values, labels: {value: {lang: label}}, missing: [...], notes: {...}, unmatched: [...]}:
    labels as found in the export in their language, the other languages from the known scale; notes say
    for each value how it was recognised (every one is a guess for a person to confirm).
    """
    missing = sorted({a for a in answers if is_no_opinion(a)}, key=str)
    rest = [a for a in answers if a not in missing]
    numbers = sorted({int(m[1]) for a in rest if (m := _NUMBER.match(a))})
    texts = [a for a in rest if not _NUMBER.match(a)]
    if not texts:
        top = 7 if numbers and max(numbers) > 5 else 5
        top = max([top, *numbers])
        low = 0 if numbers and min(numbers) == 0 else 1
        return {
            "values": list(range(low, top + 1)),
            "labels": {},
            "missing": missing,
            "unmatched": [],
            "notes": {
                "values": f"guess: answers are numbers {numbers[0] if numbers else low}-{numbers[-1] if numbers else top}"
            },
        }
    best = None
    for points, scale in SCALES.items():  # the smallest scale every label fits
        variants = _variants(scale)
        found = {a: variants.get(norm(a)) for a in texts}
        fuzzy = {}
        for a, hit in found.items():
            if hit is None:
                close = difflib.get_close_matches(norm(a), list(variants), n=1, cutoff=0.75)
                if close:
                    fuzzy[a] = close[0]
                    found[a] = variants[close[0]]
        # Two different answers on one point in one language ("Agree" and "Somewhat agree") mean a longer scale.
        hits = [h for h in found.values() if h is not None]
        collisions = len(hits) - len(set(hits))
        score = (len(hits) - collisions, -len(fuzzy), -points)
        if best is None or score > best[0]:
            best = (score, points, scale, found, fuzzy)
    _, points, scale, found, fuzzy = best
    labels: dict[int, dict[str, str | None]] = {}
    notes: dict = {}
    unmatched = []
    for answer in sorted(texts, key=lambda a: (found[a][0] if found[a] else 99, a)):
        hit = found[answer]
        if hit is None:
            unmatched.append(answer)
            continue
        value, lang = hit
        slot = labels.setdefault(value, {})
        if slot.get(lang) is None:
            slot[lang] = answer.strip()
            how = f"closest to the known label {fuzzy[answer]!r}" if answer in fuzzy else "a known label"
            notes[value] = f"guess: {answer.strip()!r} found in the export, {how} for {value} of {points}"
    for value in scale:
        slot = labels.setdefault(value, {})
        for lang in LANGUAGES:
            if slot.get(lang) is None:
                slot[lang] = scale[value][lang][0]
        labels[value] = {lang: slot[lang] for lang in LANGUAGES}
        notes.setdefault(value, f"guess: not found in the export; the usual label for {value} of {points}")
    notes["values"] = f"guess: a {points}-point agreement scale, from the answer labels"
    return {
        "values": list(scale),
        "labels": dict(sorted(labels.items())),
        "missing": missing + unmatched,
        "unmatched": unmatched,
        "notes": notes,
    }
