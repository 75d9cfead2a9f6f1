"""Every figure, drawn for realistic datasets, keeps every text inside the canvas and no two texts overlap.

The check reads what matplotlib actually drew: each Text records its window
extent from the renderer while the figure is drawn, so a label that is
clipped by the canvas edge or runs into its neighbour fails here, whatever
the code that placed it meant to do. The figures are laid out by the same
renderer without rasterising the glyphs (`Figure.draw_without_rendering`):
the extents are the same (a test below compares them with a full draw), in
a sixth of the time.

Datasets: the paper's (one respondent per group), example-v2 (6 groups, 360
respondents) in English and Russian, a 120-respondent Russian export with 5
groups and long labels, and 8 stakeholder groups.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager

import matplotlib.text
import pytest
import yaml
from matplotlib.transforms import Bbox

from helpers.analysis import tables
from helpers.codebook import read_codebook
from helpers.ingest.clean import clean_dataset, clean_export
from helpers.paths import REPO_ROOT, dataset_paths
from helpers.publish import figures
from helpers.tools.synthetic import codebook_v2, generate_export

TOLERANCE = 0.5  # pixels: anti-aliasing rounding, not a visible clip or overlap

LONG_RU = " — с учётом требований законодательства Республики Казахстан и лучшей международной практики"
LONG_GROUPS = {
    "public_pm": "Руководитель проектного офиса от государственного сектора (центральный аппарат)",
    "private_pm": "Руководитель проектного офиса от частного сектора и консалтинговых организаций",
    "central_gov": "Представитель центрального государственного органа Республики Казахстан",
    "local_gov": "Представитель местного исполнительного органа (акимата области или города)",
    "unit_head": "Руководитель структурного подразделения государственного органа",
}


@contextmanager
def drawn_texts():
    """Record (text, window extent) of every non-empty Text matplotlib draws while the block runs."""
    drawn, original = [], matplotlib.text.Text.draw

    def draw(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn.append((self.get_text(), self.get_window_extent(renderer)))

    matplotlib.text.Text.draw = draw
    try:
        yield drawn
    finally:
        matplotlib.text.Text.draw = original


def drawn_extents(fig, render: bool = False) -> list:
    """(text, window extent) of every text of `fig` as drawn: laid out by the figure's renderer, its pixels
    rasterised too when `render`."""
    with drawn_texts() as drawn:
        if render:
            fig.canvas.draw()
        else:
            fig.draw_without_rendering()
    return drawn


def layout_problems(fig) -> list[str]:
    """Texts outside the canvas and pairs of texts whose drawn boxes overlap."""
    drawn = drawn_extents(fig)
    width, height = fig.canvas.get_width_height()
    canvas = Bbox.from_bounds(0, 0, width, height).expanded(1, 1)
    problems = [
        f"outside the canvas: {text!r} at {box.bounds}"
        for text, box in drawn
        if not (
            box.x0 >= canvas.x0 - TOLERANCE
            and box.y0 >= canvas.y0 - TOLERANCE
            and box.x1 <= width + TOLERANCE
            and box.y1 <= height + TOLERANCE
        )
    ]
    for (a, box_a), (b, box_b) in itertools.combinations(drawn, 2):
        overlap_x = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        overlap_y = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if overlap_x > TOLERANCE and overlap_y > TOLERANCE:
            problems.append(f"overlap: {a!r} and {b!r}")
    return problems


def draw_every_figure(clean, codebook, lang: str) -> dict:
    """The figures notebook 04 draws for this data (the distribution only where a group has several respondents)."""
    groups = tables.group_sizes(clean.respondents, codebook, lang)
    drawn = {
        **figures.statement_heatmaps(tables.statement_summary(clean.likert, codebook, lang), groups, codebook, lang),
        "factor_priority": figures.factor_priority_chart(
            tables.factor_summary(clean.likert, codebook, lang),
            tables.factor_ranking(clean.likert, codebook, lang),
            groups,
            codebook,
            lang,
        ),
        **figures.choice_matrices(
            tables.option_counts(clean.choices, clean.respondents, codebook, lang), groups, codebook, lang
        ),
    }
    if (groups["n"] > 1).any():
        distribution = figures.likert_distribution(clean.likert, codebook)
        drawn.update(figures.distribution_charts(distribution, groups, codebook, lang))
    return drawn


def write_dataset(root, name: str, book: dict, export) -> tuple:
    folder = root / "data" / "raw" / name
    folder.mkdir(parents=True)
    (folder / "codebook.yaml").write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    export.to_csv(folder / book["export"]["file"], index=False, encoding="utf-8")
    paths = dataset_paths(name, root=root)
    codebook = read_codebook(paths.codebook)
    return clean_export(paths, codebook), codebook


def long_russian_dataset(root):
    """120 respondents, 5 groups, every statement, factor, option and group label long, in Russian."""
    book = codebook_v2()
    book["stakeholders"] = [s for s in book["stakeholders"] if s["code"] in LONG_GROUPS]
    for entry in book["stakeholders"]:
        entry["label"]["ru"] = LONG_GROUPS[entry["code"]]
        entry.setdefault("short", {})["ru"] = LONG_GROUPS[entry["code"]].split(" (")[0]
    for factor in book["factors"]:
        factor["label"]["ru"] = (
            factor["label"].get("ru") or factor["label"]["en"]
        ) + " и связанные с ним условия работы"
        for statement in factor["statements"]:
            statement["text"]["ru"] = (statement["text"].get("ru") or statement["text"]["en"]) + LONG_RU
    for question in book["questions"]:
        question["text"]["ru"] = "Как Вы считаете, " + question["text"]["en"] + LONG_RU
        for option in question["options"]:
            if option.get("text"):
                option["text"]["ru"] = option["text"]["en"] + " (по мнению большинства опрошенных сотрудников)"
    return write_dataset(root, "long-ru", book, generate_export(book, 120, seed=11))


def eight_groups_dataset(root):
    """example-v2's questionnaire with two more stakeholder types: 8 groups of 300 respondents."""
    book = codebook_v2()
    book["stakeholders"] += [
        {
            "code": "hr_officer",
            "label": {"en": "Human resources officer", "ru": "Сотрудник кадровой службы"},
            "short": {"en": "HR officer"},
        },
        {
            "code": "ngo",
            "label": {
                "en": "Representative of a non-governmental organisation",
                "ru": "Представитель неправительственной организации",
            },
            "short": {"en": "NGO"},
        },
    ]
    export = generate_export(codebook_v2(), 300, seed=8)
    export.loc[export.index % 8 == 6, "stakeholder"] = "hr_officer"
    export.loc[export.index % 8 == 7, "stakeholder"] = "ngo"
    return write_dataset(root, "eight", book, export)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory, codebook):
    from helpers.ingest.load import read_export

    root = tmp_path_factory.mktemp("figures")
    raw, _ = read_export(REPO_ROOT / "data" / "raw" / "amirova2020", codebook)
    example = dataset_paths("example-v2", root=REPO_ROOT)
    example_book = read_codebook(example.codebook)
    example_clean = _clean_example(example, example_book, root)
    return {
        "paper-en": (clean_dataset(raw, codebook, "survey.csv"), codebook, "en"),
        "example-v2-en": (example_clean, example_book, "en"),
        "example-v2-ru": (example_clean, example_book, "ru"),
        "long-ru": (*long_russian_dataset(root), "ru"),
        "eight-groups-en": (*eight_groups_dataset(root), "en"),
    }


def _clean_example(example, book, root):
    """example-v2 cleaned into a scratch copy, so the repository's data/processed is left alone."""
    import shutil

    target = root / "data" / "raw" / "example-v2"
    shutil.copytree(example.raw, target)
    return clean_export(dataset_paths("example-v2", root=root), book)


CASES = ["paper-en", "example-v2-en", "example-v2-ru", "long-ru", "eight-groups-en"]


@pytest.mark.parametrize("case", CASES)
def test_every_text_is_inside_the_canvas_and_no_two_overlap(datasets, case):
    clean, codebook, lang = datasets[case]
    problems = {}
    for name, fig in draw_every_figure(clean, codebook, lang).items():
        found = layout_problems(fig)
        if found:
            problems[name] = found[:8] + ([f"... and {len(found) - 8} more"] if len(found) > 8 else [])
        figures.plt.close(fig)
    assert not problems, yaml.safe_dump(problems, allow_unicode=True, width=200)


def test_the_check_sees_a_clipped_legend_and_overlapping_labels():
    """The check itself: a legend pushed past the right edge and two labels on one spot are both found."""
    fig, axis = figures.plt.subplots(figsize=(3, 2))
    axis.plot([0, 1], label="a long legend entry that cannot fit")
    axis.legend(loc="center left", bbox_to_anchor=(0.9, 0.5))
    axis.text(0.2, 0.5, "first label", transform=axis.transAxes)
    axis.text(0.25, 0.5, "second label", transform=axis.transAxes)
    problems = layout_problems(fig)
    assert any(p.startswith("outside the canvas: 'a long legend entry") for p in problems)
    assert "overlap: 'first label' and 'second label'" in problems
    figures.plt.close(fig)


def test_the_layout_without_pixels_places_every_text_where_the_full_draw_does(datasets):
    """The shortcut of layout_problems: each text's extent equals the one a full draw (pixels and all) gives."""
    clean, codebook, lang = datasets["paper-en"]  # one figure of each kind but the distribution
    first = draw_every_figure(clean, codebook, lang)
    second = draw_every_figure(clean, codebook, lang)
    for name, fig in first.items():
        laid_out = [(text, tuple(box.bounds)) for text, box in drawn_extents(fig)]
        rendered = [(text, tuple(box.bounds)) for text, box in drawn_extents(second[name], render=True)]
        assert len(laid_out) > 3 and laid_out == rendered, name
        figures.plt.close(fig)
        figures.plt.close(second[name])
