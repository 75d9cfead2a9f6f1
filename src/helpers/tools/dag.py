"""`make dag`: the pipeline drawn as the Makefile declares it, each step with what it reads and writes (an SVG).

Nothing here is typed in: make itself says what `make report` would do. `make -nB --trace report` (a dry run that
takes every target as out of date, so every step shows) prints, for each target it would update, the Makefile
line of its rule, its prerequisites ("due to: ...") and its recipe, expanded. A step is a file target that the
report depends on and whose recipe runs something (a parameter stamp's recipe expands to nothing: it is an input);
what it reads are its prerequisites, what it writes its target and the outputs its recipe stages with
`--writes` (the runner's kinds, placed by helpers.paths). Phony targets (`report`, `check-parameters`) come from
make's database (`make -pnq`). Steps of one language stand for every language: the language folder is drawn as
`<lang>`, the stem of the Makefile's pattern rules.

The drawing is written here rather than by graphviz: `dot` is a system program that `make test` does not install,
and the layout needed is simple (steps in layers by their longest chain of prerequisites, in the Makefile's order
within a layer; one edge per step target read by another step). Same Makefile, same bytes.

    python -m helpers.tools.dag --output docs/pipeline.svg   # what `make dag` runs: the Makefile's defaults
    python -m helpers.tools.dag --data example-v2 --output x.svg
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from helpers.files import replace_atomically
from helpers.paths import OUTPUTS, REPO_ROOT, DatasetPaths

# make's --trace lines: `Makefile:131: update target 'T' due to: A B C`, or, for a target with no
# prerequisite that does not exist yet, `Makefile:124: target 'T' does not exist`.
TRACE = re.compile(
    r"^(?P<file>[^:\s]+):(?P<line>\d+): (?:update target '(?P<target>[^']+)' due to: (?P<due>.*)|"
    r"target '(?P<missing>[^']+)' does not exist)$"
)
PHONY_NOTE = "#  Phony target (prerequisite of .PHONY)."
# The parameters a drawing depends on; the Makefile's defaults unless given. Every other parameter the Makefile
# reads from the environment is removed too, so that `make dag` run with, say, DATA=x still draws the defaults.
MAKE_PARAMETERS = ("DATA", "REPORT_LANG", "ON_INVALID", "PILOT_BODY", "NAME", "FROM", "FORM", "PAPER", "JOBS")
# The runner's kinds of output (helpers.paths.OUTPUTS), each where helpers.paths puts it.
OUTPUT_PLACES = {"processed": "processed", "tables": "tables", "figures": "figures", "report": "report_html"}


@dataclass
class Step:
    """One step: its target, the Makefile line of its recipe, what it reads and writes (paths relative to the root)."""

    target: str
    line: int
    reads: list[str]
    writes: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)


def make_environment() -> dict[str, str]:
    """The environment make runs in: no parameter, MAKEFLAGS or MAKELEVEL of a make that started this one."""
    env = {k: v for k, v in os.environ.items() if k not in MAKE_PARAMETERS and not k.startswith(("MAKE", "MFLAGS"))}
    env.pop("VIRTUAL_ENV", None)
    env.pop("CONDA_PREFIX", None)
    return env


def _make(root: Path, arguments: list[str], variables: dict[str, str]) -> str:
    # USE_ENV=venv: the environment stamp is .venv's, whichever environment is active. PY=true: the dry run
    # executes the report recipe's line that holds $(MAKE) (as make -n always does, to show the sub-make), and
    # its `|| { $(PY) -m helpers.pipeline forget-report; ... }` must not be able to run; no recipe's module is
    # read from PY, and with it the check whether .venv is stale (a FORCE prerequisite) cannot fire either.
    command = ["make", "--no-print-directory", *arguments, "USE_ENV=venv", "PY=true"]
    command += [f"{name}={value}" for name, value in sorted(variables.items())]
    done = subprocess.run(
        command, cwd=root, env=make_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"`{' '.join(command)}` in {root} failed: {done.stdout.strip().splitlines()[-1:]}")
    return done.stdout


def database(root: Path, variables: dict[str, str]) -> str:
    """make's database of the Makefile in `root` (make -pnq): rules, variables, which targets are phony."""
    command = ["make", "--no-print-directory", "-pnq", "USE_ENV=venv", "PY=true", "help"]
    command += [f"{name}={value}" for name, value in sorted(variables.items())]
    # -q exits 1 when `help` is out of date (always, it is phony): the database is printed all the same.
    done = subprocess.run(command, cwd=root, env=make_environment(), capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"`{' '.join(command)}` in {root} failed: {done.stderr.strip()}")
    return done.stdout


def phony_targets(db: str) -> set[str]:
    """The targets make's database marks as phony."""
    phony, last_target = set(), None
    for row in db.splitlines():
        if row and not row.startswith(("#", "\t", " ")) and ":" in row and "=" not in row.split(":", 1)[0]:
            last_target = row.split(":", 1)[0]
        elif row == PHONY_NOTE and last_target is not None:
            phony.add(last_target)
    return phony


def variable(db: str, name: str) -> str:
    """A variable's value as make's database prints it (`NAME = value` or `NAME := value`)."""
    match = re.search(rf"^{re.escape(name)} :?= ?(.*)$", db, flags=re.MULTILINE)
    if match is None:
        raise KeyError(f"the Makefile defines no variable {name}")
    return match.group(1).strip()


def traced_targets(trace: str) -> list[Step]:
    """Every target of a `make -nB --trace` run, in the order make would update it, with its expanded recipe."""
    steps: dict[str, Step] = {}
    current = None
    for row in trace.splitlines():
        match = TRACE.match(row)
        if match:
            target = match["target"] or match["missing"]
            reads = match["due"].split() if match["target"] else []
            # A target shows once per make that updates it (the report's sub-make updates some of them again).
            current = steps.setdefault(target, Step(target, int(match["line"]), reads))
            current.commands = []
        elif current is not None and row.strip():
            current.commands.append(row)
    return list(steps.values())


SHELL_OPERATORS = {"||", "&&", ";", "|", "&"}


def sub_make_goals(commands: list[str]) -> list[str]:
    """The goals of the make a recipe starts (`make --jobs=2 CHECKED=1 a b || ...` -> [a, b])."""
    goals = []
    for command in commands:
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        if not words or Path(words[0]).name != "make":
            continue
        for word in words[1:]:
            if word in SHELL_OPERATORS or word.startswith(tuple(SHELL_OPERATORS)):
                break
            if not word.startswith("-") and "=" not in word:
                goals.append(word)
    return goals


def _writes_of(commands: list[str]) -> tuple[list[str], str | None]:
    """The kinds of output a recipe stages (`--writes tables figures`) and its language (`-p lang en`)."""
    kinds, lang = [], None
    for command in commands:
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        for at, word in enumerate(words):
            if word == "--writes":
                kinds += [w for w in words[at + 1 :] if not w.startswith("-")][: len(OUTPUTS)]
                kinds = [k for k in kinds if k in OUTPUTS]
            if word in ("-p", "--parameter") and words[at + 1 : at + 2] == ["lang"] and at + 2 < len(words):
                lang = words[at + 2]
    return kinds, lang


def pipeline_steps(root: Path = REPO_ROOT, variables: dict[str, str] | None = None) -> tuple[list[Step], dict]:
    """The steps `make report` would run in `root`, with what each reads and writes, and the parameters drawn."""
    root = Path(root)
    variables = dict(variables or {})
    db = database(root, variables)
    phony = phony_targets(db)
    dataset, languages = variable(db, "DATA"), variable(db, "REPORT_LANG").split()
    traced = {s.target: s for s in traced_targets(_make(root, ["-nB", "--trace", "report"], variables))}
    # The steps: file targets the report depends on (through normal prerequisites, or as the goals of the make it
    # starts) whose recipe runs something.
    report = traced["report"]
    wanted, seen, order = [*report.reads, *sub_make_goals(report.commands)], set(), []
    while wanted:
        target = wanted.pop(0)
        if target in seen or target not in traced:
            continue
        seen.add(target)
        step = traced[target]
        wanted += step.reads
        if target not in phony and step.commands:
            order.append(step)
    steps = []
    for step in order:
        kinds, lang = _writes_of(step.commands)
        paths = DatasetPaths(dataset, root).for_language(lang or languages[0])
        places = [Path(getattr(paths, OUTPUT_PLACES[kind])).relative_to(root).as_posix() for kind in kinds]
        writes = [step.target] + [p + ("" if p.endswith(".html") else "/") for p in places]
        steps.append(Step(step.target, step.line, step.reads, writes, step.commands))
    steps = [_language_as_stem(s, dataset, languages) for s in steps]
    unique = {}
    for step in sorted(steps, key=lambda s: (s.line, s.target)):
        unique.setdefault(step.target, step)
    return list(unique.values()), {"DATA": dataset, "REPORT_LANG": " ".join(languages)}


def _language_as_stem(step: Step, dataset: str, languages: list[str]) -> Step:
    """reports/<dataset>/en/... -> reports/<dataset>/<lang>/...: one language's steps stand for every language."""
    pattern = re.compile(rf"^(reports/{re.escape(dataset)}/)(?:{'|'.join(map(re.escape, languages))})(/|$)")

    def stem(path: str) -> str:
        return pattern.sub(r"\1<lang>\2", path)

    return Step(
        stem(step.target), step.line, [stem(p) for p in step.reads], [stem(p) for p in step.writes], step.commands
    )


# --- the drawing ------------------------------------------------------------------------------------------------
FONT_SIZE = 12
CHAR_WIDTH = 7.3  # DejaVu Sans Mono's advance at 12 px is 7.22 px; a little over so no line leaves its box
LINE_HEIGHT = 16
PAD = 10
WRAP = 64  # characters per line of a step's list
GAP_X, GAP_Y, MARGIN = 28, 64, 16
INK, FRAME, FILL, HEAD = "#1a1a1a", "#4a4a4a", "#f7f7f2", "#dde7f0"


def grouped(paths: list[str], width: int = WRAP) -> list[str]:
    """Paths as lines: one per folder, `folder/ name name ...` (in the order given; the root's `./`), wrapped at
    `width`; a folder holding one of them as the whole path."""
    folders: dict[str, list[str]] = {}
    for path in paths:
        folder, _, name = path.rstrip("/").rpartition("/")
        name += "/" if path.endswith("/") else ""
        folders.setdefault(folder + "/" if folder else "./", []).append(name)
    lines = []
    for folder, names in folders.items():
        if len(names) == 1:
            lines.append(folder.removeprefix("./") + names[0])
            continue
        line = folder
        for name in names:
            if line.strip() and len(line) + 1 + len(name) > width:
                lines.append(line)
                line = "    "
            line = f"{line} {name}" if line.strip() else line + name
        lines.append(line)
    return lines


def layers(steps: list[Step]) -> dict[str, int]:
    """Each step's layer: the length of its longest chain of steps whose targets it reads."""
    made_by = {s.target: s for s in steps}
    layer: dict[str, int] = {}

    def depth(step: Step, seen: frozenset = frozenset()) -> int:
        if step.target not in layer:
            before = [made_by[r] for r in step.reads if r in made_by and r not in seen]
            layer[step.target] = 1 + max((depth(b, seen | {step.target}) for b in before), default=-1)
        return layer[step.target]

    for step in steps:
        depth(step)
    return layer


def _text(x: float, y: float, content: str, **attributes) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{v}"' for k, v in attributes.items())
    return f'<text x="{x:.0f}" y="{y:.0f}"{extra}>{html.escape(content, quote=False)}</text>'


def draw(steps: list[Step], parameters: dict[str, str]) -> str:
    """The steps as an SVG: one box per step (its target, what it reads, what it writes), an arrow per step read."""
    layer = layers(steps)
    boxes = {}
    for step in steps:
        lines = [("title", step.target), ("head", "reads")]
        lines += [("item", line) for line in grouped(step.reads)]
        lines += [("head", "writes")] + [("item", line) for line in grouped(step.writes)]
        width = PAD * 2 + CHAR_WIDTH * max(len(text) + (2 if kind == "item" else 0) for kind, text in lines)
        boxes[step.target] = {"lines": lines, "w": round(width), "h": PAD * 2 + LINE_HEIGHT * len(lines)}
    rows = [[s for s in steps if layer[s.target] == n] for n in range(max(layer.values(), default=-1) + 1)]
    row_widths = [sum(boxes[s.target]["w"] for s in row) + GAP_X * (len(row) - 1) for row in rows]
    canvas_width = max(row_widths, default=0) + 2 * MARGIN
    title = (
        f"The pipeline as the Makefile declares it (make report, DATA={parameters['DATA']}; "
        f"steps 02-05 once per language of REPORT_LANG, drawn as <lang>)"
    )
    y = MARGIN + LINE_HEIGHT * 2
    for row, row_width in zip(rows, row_widths):
        x = (canvas_width - row_width) / 2
        for step in row:
            box = boxes[step.target]
            box["x"], box["y"] = round(x), round(y)
            x += box["w"] + GAP_X
        y += max(boxes[s.target]["h"] for s in row) + GAP_Y
    canvas_height = round(y - GAP_Y + MARGIN)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{canvas_width:.0f}" height="{canvas_height}" '
        f'viewBox="0 0 {canvas_width:.0f} {canvas_height}" role="img" aria-labelledby="dag-title dag-desc" '
        f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT_SIZE}">',
        f'<title id="dag-title">{html.escape(title, quote=False)}</title>',
        '<desc id="dag-desc">'
        + html.escape(
            " ".join(f"Step {s.target} reads {', '.join(s.reads)}; writes {', '.join(s.writes)}." for s in steps),
            quote=False,
        )
        + "</desc>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{FRAME}"/></marker></defs>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        _text(MARGIN, MARGIN + LINE_HEIGHT, title, fill=INK, font_weight="bold"),
    ]
    out += _edges(steps, boxes)
    for step in steps:
        box = boxes[step.target]
        out.append(f'<g class="step" id="step-{_id(step.target)}">')
        out.append(
            f'<rect x="{box["x"]}" y="{box["y"]}" width="{box["w"]}" height="{box["h"]}" rx="6" '
            f'fill="{FILL}" stroke="{FRAME}"/>'
        )
        out.append(
            f'<rect x="{box["x"]}" y="{box["y"]}" width="{box["w"]}" height="{PAD + LINE_HEIGHT + 4}" rx="6" '
            f'fill="{HEAD}" stroke="{FRAME}"/>'
        )
        for n, (kind, text) in enumerate(box["lines"]):
            ty = box["y"] + PAD + LINE_HEIGHT * (n + 1) - 4
            if kind == "title":
                out.append(_text(box["x"] + PAD, ty, text, fill=INK, font_weight="bold", class_="target"))
            elif kind == "head":
                out.append(_text(box["x"] + PAD, ty, text, fill=INK, font_style="italic", class_=text))
            else:
                out.append(_text(box["x"] + PAD + 2 * CHAR_WIDTH, ty, text, fill=INK, class_="path"))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _id(target: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", target).strip("-")


def _edges(steps: list[Step], boxes: dict) -> list[str]:
    """One arrow from each step to each step that reads its target, leaving and arriving spread over the boxes."""
    made_by = {s.target: s for s in steps}
    pairs = [(made_by[r], s) for s in steps for r in s.reads if r in made_by]

    def centre(step: Step) -> float:
        return boxes[step.target]["x"] + boxes[step.target]["w"] / 2

    # Each box's arrows in the order of the boxes at their other ends, left to right: no two of them cross there.
    leaving = {s.target: sorted((p for p in pairs if p[0] is s), key=lambda p: centre(p[1])) for s in steps}
    arriving = {s.target: sorted((p for p in pairs if p[1] is s), key=lambda p: centre(p[0])) for s in steps}

    def spread(box: dict, at: int, of: int) -> float:
        return box["x"] + box["w"] * (at + 1) / (of + 1)

    out = []
    for source, sink in pairs:
        a, b = boxes[source.target], boxes[sink.target]
        x1 = spread(a, leaving[source.target].index((source, sink)), len(leaving[source.target]))
        x2 = spread(b, arriving[sink.target].index((source, sink)), len(arriving[sink.target]))
        y1, y2 = a["y"] + a["h"], b["y"]
        middle = (y1 + y2) / 2
        out.append(
            f'<path class="edge" data-from="{html.escape(source.target)}" data-to="{html.escape(sink.target)}" '
            f'd="M {x1:.0f} {y1} C {x1:.0f} {middle:.0f} {x2:.0f} {middle:.0f} {x2:.0f} {y2}" fill="none" '
            f'stroke="{FRAME}" stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
    return out


def pipeline_svg(root: Path = REPO_ROOT, variables: dict[str, str] | None = None) -> str:
    """The drawing of the Makefile in `root` (the Makefile's defaults, or `variables` given on make's command line)."""
    steps, parameters = pipeline_steps(root, variables)
    return draw(steps, parameters)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.tools.dag", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--data", help="the dataset drawn (default: the Makefile's DATA)")
    args = parser.parse_args(argv)
    svg = pipeline_svg(REPO_ROOT, {"DATA": args.data} if args.data else None)
    replace_atomically(args.output, lambda temporary: temporary.write_bytes(svg.encode("utf-8")))
    print(f"{args.output}: the pipeline as the Makefile declares it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
