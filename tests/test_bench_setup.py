"""The set-up benchmark's page: medians, ratios and the targets, in a table that renders."""

from helpers.tools.bench_setup import page


def test_the_page_gives_medians_ratios_and_targets_in_a_well_formed_table():
    times = {
        "make env": {"uv": [4.0, 3.0, 9.0], "pip": [60.0, 50.0, 70.0]},
        "fresh clone -> report.html": {"uv": [40.0, 70.0, 65.0], "pip": [100.0, 90.0, 95.0]},
        "make test": {"uv": [80.0, 85.0, 95.0], "pip": []},
    }
    table = [line for line in page(times, 3, (1.0, 2.0)).splitlines() if line.startswith("|")]
    assert len({line.count("|") for line in table}) == 1  # every row has the header's columns
    assert "| make env | 4.0 s | 60.0 s | 15.0 | ≤ 20 s | yes |" in table[2]
    assert "| fresh clone -> report.html | 65.0 s | 95.0 s | 1.5 | ≤ 60 s | no |" in table[3]
    assert "| make test | 85.0 s | — | — | ≤ 90 s | yes |" in table[4]
