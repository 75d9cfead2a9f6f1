"""Publishing: tables and statistics -> figures, documents and the report (last step of the flow).

    figures  -- factor priorities by stakeholder type, heatmaps, answer distributions (PNG, SVG)
    export   -- Tables 1-3 as .xlsx, .docx and LaTeX
    report   -- the self-contained HTML report (+ templates/)
    browser  -- headless Chromium: report.pdf and the check that the report renders
    codebook_page -- `make codebook`: the questionnaire as a page with answer distributions, schema.org Dataset
"""
