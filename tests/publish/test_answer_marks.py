"""Respondents' own words marked in the report's tables: found in each cell's text from the data, never by
replacing strings inside the HTML, so no answer ('a', 'class', 'span', '<!--') can touch the page's markup,
and the cost stays linear in the text."""

import html
import time
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from helpers.publish.report.html import OwnWords, mark_answers

OPEN, CLOSE = '<span class="answer">', "</span>"
# Letters, the characters HTML and the cells give meaning to, and words of the page's own markup.
WORDS = st.one_of(
    st.text(alphabet="ab <>&\"'!-,/=;", min_size=1, max_size=8),
    st.sampled_from(["a", "class", "span", "answer", "<!--", "-->", "&amp;", "td", "Other", ", "]),
)


class Tags(HTMLParser):
    """Every start and end tag of a fragment, with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.opened, self.closed, self.comments = [], 0, 0

    def handle_starttag(self, tag, attrs):
        self.opened.append((tag, attrs))

    def handle_endtag(self, tag):
        assert tag == "span"
        self.closed += 1

    def handle_comment(self, data):
        self.comments += 1


@settings(max_examples=300, deadline=None)
@given(text=st.lists(WORDS, max_size=6).map("".join), answers=st.lists(WORDS, max_size=6))
def test_marking_adds_only_answer_spans_and_changes_no_character_of_the_text(text, answers):
    marked = str(mark_answers(text, OwnWords(answers)))
    assert marked.replace(OPEN, "").replace(CLOSE, "") == str(escape(text))
    tags = Tags()
    tags.feed(marked)
    tags.close()
    assert tags.opened == [("span", [("class", "answer")])] * tags.closed and tags.comments == 0
    # What each span holds is one of the answers, as written.
    for inner in marked.split(OPEN)[1:]:
        assert html.unescape(inner.split(CLOSE, 1)[0]) in answers


@settings(max_examples=200, deadline=None)
@given(
    options=st.lists(st.sampled_from(["Strategy", "Organization", "Resources", "class", "a"]), min_size=1, max_size=4),
    answer=st.text(alphabet="ab <>&\"'!/=;", min_size=1, max_size=10).filter(str.strip),
)
def test_an_other_text_in_a_table2_cell_is_marked_and_option_labels_are_not(options, answer):
    """Table 2's cell 'A) ..., E) Other-<text>': the text after 'Other-' is marked, an option label that happens to
    equal some respondent's answer elsewhere is not (it does not follow a '-')."""
    letters = "ABCD"
    cell = ", ".join(f"{letters[i]}) {label}" for i, label in enumerate(options)) + f", E) Other-{answer}"
    marked = str(mark_answers(cell, OwnWords([answer, *options])))
    assert marked.endswith(f"E) Other-{OPEN}{escape(answer)}{CLOSE}")
    assert marked.count(OPEN) == 1


def test_an_answer_is_marked_as_a_whole_cell_and_not_inside_a_word():
    words = OwnWords(["a", "span"])
    assert str(mark_answers("a", words)) == f"{OPEN}a{CLOSE}"
    assert str(mark_answers("Strategy", words)) == "Strategy"
    assert str(mark_answers("E) Other-span", words)) == f"E) Other-{OPEN}span{CLOSE}"


def test_marking_costs_time_linear_in_the_text():
    """200,000 distinct answers and cells ten times as many: the second takes about ten times the first, not a
    hundred (the old replacement searched the whole page once per answer)."""

    def cost(n):
        answers = [f"answer number {i} & <{i}>" for i in range(n)]
        words = OwnWords(answers)
        cells = [f"A) Strategy, E) Other-{a}" for a in answers]
        started = time.perf_counter()
        for cell in cells:
            mark_answers(cell, words)
        return time.perf_counter() - started

    small, large = min(cost(20_000) for _ in range(3)), min(cost(200_000) for _ in range(3))
    assert large / small < 30
