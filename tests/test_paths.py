"""Paths derive from the project root and the dataset name; dataset names cannot reach outside data/raw."""

import pytest

from helpers.paths import check_dataset_name, dataset_paths


@pytest.mark.parametrize("name", ["", " ", "../x", "/tmp/x", "a/b", "..", "."])
def test_dataset_names_outside_data_raw_are_refused(name):
    with pytest.raises(ValueError):
        check_dataset_name(name)


def test_paths_derive_from_root_and_name(tmp_path):
    paths = dataset_paths("example-v2", root=tmp_path)
    assert paths.raw == tmp_path / "data" / "raw" / "example-v2"
    assert paths.processed == tmp_path / "data" / "processed" / "example-v2"
    assert paths.report_html == tmp_path / "reports" / "example-v2" / "en" / "report.html"
    assert paths.relative(paths.tables / "table1.csv") == "reports/example-v2/en/tables/table1.csv"
    assert paths.for_language("kk").figures == tmp_path / "reports" / "example-v2" / "kk" / "figures"
