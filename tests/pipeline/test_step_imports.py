"""Each step loads only what it uses: the statistics of the paper's data need no plotting stack, no pingouin,
no scikit-learn; tables and the report draw nothing. Checked in a fresh interpreter, after the work is done."""

import json
import subprocess
import sys

from helpers.paths import REPO_ROOT

STATISTICS_OF_THE_PAPERS_DATA = """
import json, sys
from helpers.analysis import claims, stats, tables
from helpers.codebook import read_codebook
from helpers.ingest.clean import clean_export
from helpers.paths import dataset_paths

paths = dataset_paths("amirova2020")
codebook = read_codebook(paths.codebook)
clean = clean_export(paths, codebook)  # valid data: nothing is written
likert = clean.likert
stats.kendalls_w(likert, codebook)
stats.ordinal_agreement(likert, codebook)
stats.factor_reliability(likert, codebook)
stats.item_statistics(likert, codebook)
stats.factor_structure(likert, codebook)
stats.group_mean_intervals(likert, codebook)
stats.group_differences(likert, codebook)
stats.pairwise_differences(likert, codebook)
differences = stats.factor_differences(likert, codebook)
claims.check_claims(likert, clean.choices, clean.respondents, codebook, factor_differences=differences)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""

MODULES_OF = {
    "02_tables": "import helpers.notebook, helpers.analysis.tables, helpers.i18n, helpers.processed, helpers.publish.export",
    "05_report": "import helpers.notebook, helpers.publish.report",
}
PLOTTING = {"matplotlib", "seaborn", "PIL"}


def loaded(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_statistics_of_the_papers_data_load_no_plotting_no_pingouin_no_scikit_learn():
    modules = loaded(STATISTICS_OF_THE_PAPERS_DATA)
    assert "scipy" in modules  # the probe did run the statistics
    assert not modules & (PLOTTING | {"pingouin", "sklearn", "scikit_posthocs", "xarray"})


def test_tables_and_report_modules_load_no_plotting_stack():
    for step, imports in MODULES_OF.items():
        modules = loaded(
            f"{imports}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
        )
        assert not modules & PLOTTING, step
