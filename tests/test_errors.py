"""The problems printed in the terminal: summarised per column with counts, values cut, the full list named."""

from helpers.errors import Problem, printable, summary


def test_terminal_output_is_summarised_with_counts_and_the_full_list():
    problems = [Problem("f.csv", row, "s01", "x" * 500, "a score") for row in range(2, 9401)]
    text = summary(problems, "data/processed/x/validation.csv")
    assert len(text) < 2000 and "9399 problem(s)" in text and "'s01': 9399" in text
    assert text.endswith("The full list: data/processed/x/validation.csv")
    assert printable("y" * 500).endswith("…") and len(printable("y" * 500)) < 70
