"""Problems name a column as the export heads it, with the codebook id in brackets."""

from helpers.errors import Problem
from helpers.ingest.shapes import column_in_export, in_export_words


def test_columns_are_named_as_the_export_heads_them_with_the_id_in_brackets():
    headers = {"age": "Возраст", "s01": "s01"}
    assert column_in_export("age", headers) == "Возраст [age]"
    assert column_in_export("s01", headers) == "s01"  # the header is the id: nothing to add
    problems = [Problem("f.csv", 2, "age", "old", "a number"), Problem("f.csv", 1, "q9", None, "a column")]
    assert [p.column for p in in_export_words(problems, headers)] == ["Возраст [age]", "q9"]
