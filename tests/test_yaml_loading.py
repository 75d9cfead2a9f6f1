"""helpers.codebook.load_yaml: libyaml's speed, yaml.safe_load's objects and errors."""

from pathlib import Path

import pytest
import yaml

from helpers.codebook import load_yaml
from helpers.paths import REPO_ROOT

YAML_FILES = sorted([*REPO_ROOT.glob("data/raw/*/codebook.yaml"), *REPO_ROOT.glob("src/helpers/**/*.yaml")], key=str)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_load_yaml_gives_what_safe_load_gives(path: Path):
    text = path.read_text(encoding="utf-8")
    ours, theirs = load_yaml(text), yaml.safe_load(text)
    assert ours == theirs and repr(ours) == repr(theirs)  # same values, types and key order


def test_a_broken_document_raises_safe_loads_error_word_for_word():
    broken = "export:\n  file: a.csv\n  bad: [1, 2\nscale: {"
    with pytest.raises(yaml.YAMLError) as theirs:
        yaml.safe_load(broken)
    with pytest.raises(yaml.YAMLError) as ours:
        load_yaml(broken)
    assert str(ours.value) == str(theirs.value)


def test_tags_that_safe_load_refuses_are_refused():
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")
