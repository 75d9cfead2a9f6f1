"""`make new-dataset`: the name it asks for, and the folders and files it refuses."""

import pytest

from helpers.paths import ROOT_VARIABLE
from helpers.tools.scaffold import new_dataset


# --- new-dataset names its own variable -------------------------------------------------------------
@pytest.mark.parametrize("name", ["", "  "])
def test_new_dataset_without_a_name_asks_for_name_not_data(tmp_path, monkeypatch, name):
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    with pytest.raises(ValueError) as caught:
        new_dataset(name)
    assert "NAME=" in str(caught.value) and "DATA=" not in str(caught.value)


def test_new_dataset_refuses_an_existing_folder_and_a_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    (tmp_path / "data" / "raw" / "x").mkdir(parents=True)
    with pytest.raises(FileExistsError):
        new_dataset("x", str(tmp_path / "nothing.csv"))
    with pytest.raises(FileNotFoundError):
        new_dataset("y", str(tmp_path / "nothing.csv"))
    assert not (tmp_path / "data" / "raw" / "y").exists()
