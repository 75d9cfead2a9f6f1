"""`make dag` (helpers.tools.dag): every step of the Makefile is drawn with what it reads and writes, as make's own
database declares it; the drawing in docs/ is that of this Makefile; changing a step's prerequisites changes the
drawing, and only that step's box."""

import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.paths import REPO_ROOT
from helpers.tools import dag

SVG = "{http://www.w3.org/2000/svg}"
RULE = re.compile(r"^(?P<target>[^#\s:][^:=]*?):(?!=)(?P<prerequisites>[^|]*)")


@pytest.fixture(scope="module")
def drawn():
    steps, parameters = dag.pipeline_steps(REPO_ROOT)
    return steps, parameters, dag.draw(steps, parameters)


def database_rules() -> dict[str, list[str]]:
    """Every rule of the Makefile that has a recipe, read from make's database: target -> normal prerequisites."""
    db = dag.database(REPO_ROOT, {})
    rules, target = {}, None
    for row in db.splitlines():
        match = RULE.match(row)
        if match:
            # make names a file once among a target's prerequisites, in the order first given (as $^ does).
            target, prerequisites = match["target"], list(dict.fromkeys(match["prerequisites"].split()))
        elif target and row.startswith("#  recipe to execute (from 'Makefile'"):
            rules[target] = prerequisites
        elif not row:
            target = None
    return rules


def boxes(svg: str) -> dict[str, tuple[list[str], list[str]]]:
    """What each step's box shows, as paths again: target -> (reads, writes)."""
    shown = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        texts = [(t.get("class"), t.text) for t in group.iter(f"{SVG}text")]
        target = next(text for kind, text in texts if kind == "target")
        lists, current, folder = {"reads": [], "writes": []}, None, ""
        for kind, text in texts:
            if kind in lists:
                current = lists[kind]
            elif kind == "path":
                words = text.split()
                if text.startswith(" "):  # a wrapped line: more names in the folder of the line above
                    current += [folder + w for w in words]
                elif len(words) == 1:
                    current.append(words[0])
                else:
                    folder = words[0].removeprefix("./")
                    current += [folder + w for w in words[1:]]
        shown[target] = (lists["reads"], lists["writes"])
    return shown


def test_every_step_of_the_makefile_is_drawn_with_its_prerequisites_and_outputs(drawn):
    """The steps are the file rules with a recipe that the report needs (its parameter stamps, which only hold a
    value, are inputs), each with exactly its prerequisites; one language's pattern rules drawn with <lang>."""
    steps, parameters, svg = drawn
    rules = {
        target.replace("%", "<lang>"): [p.replace("%", "<lang>") for p in pre]
        for target, pre in database_rules().items()
    }
    data = parameters["DATA"]
    wanted, needed = [f"reports/{data}/<lang>/report.pdf"], set()
    while wanted:
        target = wanted.pop()
        if target in rules and target not in needed:
            needed.add(target)
            wanted += rules[target]
    needed = {t for t in needed if "/.parameters/" not in t}
    assert needed == {s.target for s in steps}
    assert {f"reports/{data}/notebooks/01_clean.ipynb", ".venv/.installed"} <= needed  # the rules without <lang>
    shown = boxes(svg)
    assert set(shown) == needed
    for step in steps:
        assert step.reads == rules[step.target], step.target
        # The box groups them by folder: the same paths, each once, in another order.
        assert [sorted(x) for x in shown[step.target]] == [sorted(step.reads), sorted(step.writes)], step.target
        assert step.writes[0] == step.target
    writes = {s.target.rsplit("/", 1)[-1]: s.writes[1:] for s in steps}
    assert writes["01_clean.ipynb"] == [f"data/processed/{data}/"]
    assert writes["02_tables.ipynb"] == writes["03_priorities.ipynb"] == [f"reports/{data}/<lang>/tables/"]
    assert writes["04_figures.ipynb"] == [f"reports/{data}/<lang>/figures/", f"reports/{data}/<lang>/tables/"]
    assert writes["05_report.ipynb"] == [f"reports/{data}/<lang>/report.html"]
    assert writes["report.pdf"] == []


def test_each_step_read_by_another_is_an_arrow_between_them(drawn):
    steps, _, svg = drawn
    made = {s.target for s in steps}
    expected = {(r, s.target) for s in steps for r in s.reads if r in made}
    arrows = {(p.get("data-from"), p.get("data-to")) for p in ET.fromstring(svg).iter(f"{SVG}path") if p.get("data-to")}
    assert arrows == expected
    data = dag.pipeline_steps(REPO_ROOT)[1]["DATA"]
    assert (
        f"reports/{data}/<lang>/notebooks/04_figures.ipynb",
        f"reports/{data}/<lang>/notebooks/05_report.ipynb",
    ) in arrows


def test_the_committed_drawing_is_this_makefiles(drawn):
    committed = (REPO_ROOT / "docs" / "pipeline.svg").read_text(encoding="utf-8")
    assert committed == drawn[2], "docs/pipeline.svg is not the drawing of this Makefile: run `make dag` and commit it"


def test_the_same_makefile_gives_the_same_bytes(drawn):
    assert dag.pipeline_svg(REPO_ROOT) == drawn[2]


def test_the_layers_follow_the_chain_of_prerequisites(drawn):
    steps = drawn[0]
    layer = dag.layers(steps)
    by_name = {s.target.rsplit("/", 1)[-1]: layer[s.target] for s in steps}
    assert by_name["01_clean.ipynb"] < by_name["02_tables.ipynb"] == by_name["04_figures.ipynb"]
    assert by_name["04_figures.ipynb"] < by_name["05_report.ipynb"] < by_name["report.pdf"]


def test_grouped_lines_keep_every_path():
    paths = ["a/b/one.py", "a/b/two.py", "top.txt", "a/c/", "a/b/three.py", "LICENSE"]
    assert dag.grouped(paths, width=18) == ["a/b/ one.py two.py", "    three.py", "./ top.txt LICENSE", "a/c/"]
    assert dag.grouped(["a/b/one.py"]) == ["a/b/one.py"]


@pytest.fixture(scope="module")
def scratch_root(tmp_path_factory):
    """The repository seen through links, with a Makefile of its own to edit (make's sub-make reads ./Makefile)."""
    root = tmp_path_factory.mktemp("dag-root")
    for entry in REPO_ROOT.iterdir():
        if entry.name not in ("Makefile", ".git", "reports"):
            (root / entry.name).symlink_to(entry)
    return root


TRACKED = sorted(
    subprocess.run(
        ["git", "ls-files", "src", "notebooks", "data/raw"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.split()
)


def words_of(prerequisites: str) -> list[str]:
    """The words of a rule's prerequisites, a `$(...)` with spaces inside it one word."""
    words, depth, word = [], 0, ""
    for character in prerequisites + " ":
        depth += character == "("
        depth -= character == ")"
        if character.isspace() and depth == 0:
            words += [word] if word else []
            word = ""
        else:
            word += character
    return words


def rule_line(rows: list[str], recipe_line: int) -> int:
    """The index of the rule above the recipe make's trace names by its line (the recipe's first line)."""
    at = recipe_line - 2
    while rows[at].startswith("\t"):
        at -= 1
    return at


def with_prerequisite(makefile: str, recipe_line: int, change) -> str:
    rows = makefile.split("\n")
    at = rule_line(rows, recipe_line)
    target, _, rest = rows[at].partition(": ")
    rows[at] = f"{target}: {change(rest)}"
    return "\n".join(rows)


@settings(max_examples=8, deadline=None)
@given(st.data())
def test_adding_or_removing_a_prerequisite_changes_that_steps_drawing_only(drawn, scratch_root, data):
    steps, parameters, svg = drawn
    step = data.draw(st.sampled_from(steps), label="step")
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    rows = makefile.split("\n")
    words = words_of(rows[rule_line(rows, step.line)].partition(": ")[2].split("|")[0])
    if data.draw(st.booleans(), label="add"):
        new = data.draw(st.sampled_from([f for f in TRACKED if f not in step.reads]), label="file")
        edited = with_prerequisite(makefile, step.line, lambda rest: f"{new} {rest}")
        check = lambda reads: reads == [new, *step.reads]  # noqa: E731
    else:
        # A word that names files (a `$(if ...)` that expands to nothing here would change nothing).
        gone = data.draw(st.sampled_from([w for w in words if not w.startswith("$(if ")]), label="word")
        edited = with_prerequisite(makefile, step.line, lambda rest: rest.replace(gone, "", 1))
        check = lambda reads: set(reads) < set(step.reads)  # noqa: E731
    (scratch_root / "Makefile").write_text(edited, encoding="utf-8")
    new_steps, _ = dag.pipeline_steps(scratch_root)
    changed = {s.target: s for s in new_steps}
    assert check(changed[step.target].reads)
    assert dag.draw(new_steps, parameters) != svg
    for other in steps:
        if other.target != step.target and other.target in changed:
            assert changed[other.target].reads == other.reads
