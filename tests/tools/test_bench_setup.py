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


def test_the_set_up_section_is_replaced_and_the_pipeline_section_kept(tmp_path):
    from helpers.tools.bench import write_markdown
    from helpers.tools.bench_setup import setup_section, with_setup_section

    times = {"make env": {"uv": [4.0], "pip": [60.0]}, "make test": {"uv": [80.0], "pip": []}}
    path = tmp_path / "benchmarks.md"
    write_markdown(path, ["run 1: pipeline 1.00 s"], ["ratio pipeline/floor: 0.50"])
    path.write_text(with_setup_section(path.read_text(encoding="utf-8"), page(times, 1, (1.0, 1.0))), encoding="utf-8")
    assert "ratio pipeline/floor: 0.50" in path.read_text(encoding="utf-8")
    # The pipeline's part written anew keeps the set-up section; a new set-up section replaces the old one.
    write_markdown(path, ["run 1: pipeline 2.00 s"], ["ratio pipeline/floor: 0.60"])
    text = path.read_text(encoding="utf-8")
    assert "ratio pipeline/floor: 0.60" in text and "0.50" not in text and "| make env | 4.0 s |" in text
    times["make env"]["uv"] = [5.0]
    text = with_setup_section(text, page(times, 1, (1.0, 1.0)))
    assert text.count("## Set-up on a fresh clone") == 1 and "| make env | 5.0 s |" in text
    assert setup_section(text).startswith("<!-- set-up section") and text.index("0.60") < text.index("## Set-up")
