"""Publishing: tables and statistics -> figures, documents and the report (last step of the flow).

figures/ -- factor priorities by stakeholder type, heatmaps, answer distributions (PNG, SVG, PDF), a package
export   -- Tables 1-3 as .xlsx, .docx and LaTeX
report/  -- the self-contained HTML report (+ templates/), a package: its context, the words of each section, the HTML
browser  -- headless Chromium: report.pdf and the check that the report renders
codebook_page -- `make codebook`: the questionnaire as a page with answer distributions, schema.org Dataset
site     -- `make site`: the report, the executed notebooks, codebook, pipeline and benchmarks as a static site
bodies   -- `make bodies` (`make report PILOT_BODY=each`): every pilot body's report from one pass, and an index
"""

# The answer distribution is drawn as one figure per factor: answer_distribution_<factor id>.png/.svg/.pdf.
DISTRIBUTION_FIGURE = "answer_distribution"


def distribution_stem(factor_id: str) -> str:
    return f"{DISTRIBUTION_FIGURE}_{factor_id}"
