"""`make translations`: every string missing in a language, for the shipped datasets and the report's own texts."""

from helpers import i18n


def test_coverage_is_empty_for_both_datasets_and_names_a_missing_key(codebook, monkeypatch):
    from helpers.paths import ROOT_VARIABLE
    from helpers.tools.translations import coverage_rows

    monkeypatch.delenv(ROOT_VARIABLE, raising=False)  # this repository's datasets, not a test's scratch copy
    assert coverage_rows(["amirova2020", "example-v2"]) == []
    texts = i18n._all()
    monkeypatch.setitem(texts, "en", {**texts["en"], "new_sentence": "A sentence another branch added"})
    rows = coverage_rows(["amirova2020"])
    assert {(r["language"], r["key"], r["shown_in"]) for r in rows} == {
        ("ru", "new_sentence", "en"),
        ("kk", "new_sentence", "en"),
    }
    raw = {
        **codebook.raw,
        "factors": [
            {**codebook.raw["factors"][0], "label": {"en": "Strategy", "ru": "Стратегия"}},
            *codebook.raw["factors"][1:],
        ],
    }
    assert i18n.missing_codebook_labels(raw, "kk") == [("factors[strategy].label", "ru")]
