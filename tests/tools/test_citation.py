"""CITATION.cff: valid Citation File Format 1.2.0 for the keys it uses, and true to the repository.

cffconvert, the format's own validator, cannot be installed beside this environment (it requires jsonschema < 4,
jupyter_events >= 4.18), so the keys this file uses are checked against the format's rules here, with jsonschema.
"""

import datetime as dt
import re
import shutil
import subprocess
import tomllib

import jsonschema
import pytest
import yaml

from helpers.paths import REPO_ROOT

CITATION = REPO_ROOT / "CITATION.cff"

# Citation File Format 1.2.0's rules for the keys CITATION.cff uses (its schema's definitions, restated).
DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
DOI = {"type": "string", "pattern": r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$"}
URL = {"type": "string", "pattern": r"^(https|http|ftp|sftp)://.+"}
PERSON = {
    "type": "object",
    "properties": {
        "family-names": {"type": "string", "minLength": 1},
        "given-names": {"type": "string", "minLength": 1},
        "affiliation": {"type": "string", "minLength": 1},
    },
    "required": ["family-names"],
    "additionalProperties": False,
}
ENTITY = {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}}, "required": ["name"]}
AUTHORS = {"type": "array", "minItems": 1, "items": {"anyOf": [PERSON, ENTITY]}}
NUMBER_OR_TEXT = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}]}
REFERENCE = {
    "type": "object",
    "properties": {
        "type": {"enum": ["article", "software"]},
        "title": {"type": "string", "minLength": 1},
        "authors": AUTHORS,
        "journal": {"type": "string", "minLength": 1},
        "issn": {"type": "string", "pattern": r"^\d{4}-\d{3}[\dxX]$"},
        "publisher": ENTITY,
        "year": {"type": "integer"},
        "issue": NUMBER_OR_TEXT,
        "start": NUMBER_OR_TEXT,
        "end": NUMBER_OR_TEXT,
        "doi": DOI,
        "url": URL,
    },
    "required": ["type", "title", "authors"],
    "additionalProperties": False,
}
SCHEMA = {
    "type": "object",
    "properties": {
        "cff-version": {"const": "1.2.0"},
        "message": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "type": {"enum": ["software", "dataset"]},
        "license": {"type": "string"},
        "version": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]},
        "date-released": DATE,
        "abstract": {"type": "string", "minLength": 1},
        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "authors": AUTHORS,
        "repository-code": URL,
        "references": {"type": "array", "items": REFERENCE},
        "preferred-citation": REFERENCE,
    },
    "required": ["cff-version", "message", "title", "authors"],
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def citation() -> dict:
    cff = yaml.safe_load(CITATION.read_text(encoding="utf-8"))
    if isinstance(cff.get("date-released"), dt.date):  # unquoted, YAML reads a date; the format's rule is its text
        cff["date-released"] = cff["date-released"].isoformat()
    return cff


def test_the_citation_holds_the_format_s_rules(citation):
    jsonschema.validate(citation, SCHEMA)


def test_a_wrong_value_is_refused_by_the_check(citation):
    """The check can fail: a date in another form, a DOI that is a URL, a key the format does not have."""
    for key, value in (("date-released", "3 Dec 2026"), ("authors", []), ("doi-typo", "x")):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**citation, key: value}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        bad = {**citation["preferred-citation"], "doi": "https://doi.org/10.32523/x"}
        jsonschema.validate({**citation, "preferred-citation": bad}, SCHEMA)


def test_version_and_release_date_are_the_package_s(citation):
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert citation["version"] == pyproject["project"]["version"]
    assert dt.date.fromisoformat(citation["date-released"]) <= dt.date.today()


def test_the_reproduced_article_is_cited_with_its_journal_and_the_doi_the_readme_gives(citation):
    article = citation["preferred-citation"]
    assert article in citation["references"]
    assert article["type"] == "article" and article["journal"] and article["year"] == 2020
    assert f"https://doi.org/{article['doi']}" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert article["issn"] in article["doi"]  # the journal is the one the DOI names


git = pytest.mark.skipif(not (REPO_ROOT / ".git").exists() or shutil.which("git") is None, reason="not a git checkout")


def run_git(*arguments: str) -> str:
    return subprocess.run(["git", "-C", str(REPO_ROOT), *arguments], capture_output=True, text=True).stdout.strip()


@git
def test_the_authors_are_those_of_the_repository_s_history(citation):
    committers = set(run_git("log", "--format=%an").splitlines())
    assert {author["name"] for author in citation["authors"]} <= committers, committers


@git
def test_repository_code_is_the_remote_s_or_absent_with_a_word_why(citation):
    remote = run_git("remote", "get-url", "origin")
    # A clone of a folder (origin a local path) has no public place to name; only a hosted remote does.
    if re.match(r"^(https?://|git@)", remote):
        web = re.sub(r"^git@([^:]+):", r"https://\1/", remote).removesuffix(".git")
        assert citation.get("repository-code") == web
    else:
        assert "repository-code" not in citation
        assert "add `repository-code:" in CITATION.read_text(encoding="utf-8")
