"""The report: one self-contained HTML file built from the tables and figures the pipeline wrote.

The HTML is rendered with Jinja2 with autoescaping on, so respondents' free
text is shown as text, never run as markup. Figures are embedded as data URIs
and the stylesheet is inline: the file opens offline and requests nothing.

    context      -- the context the template reads (report_context): every value the report shows
    summary      -- the summary at the top and the factor priorities in words
    methods      -- 'Data and methods' and 'Limitations', each line from the data
    design       -- how the respondents were selected, weights, clusters, missing answers, verdict stability
    statistics   -- agreement, scale checks and group differences in words
    findings     -- the paper's findings: verdicts in the report's words, the quotes translated
    reproduction -- Tables 1-3 compared cell for cell with the published tables
    cleaning     -- the rows set aside by the cleaning step, and why
    answers      -- respondents' own words: free-text answers, the 'Other' answers
    figure_text  -- the figures in report order, with their captions and alt text
    tables       -- the tables read back from the steps' CSVs; the group means with their intervals
    numbers      -- numbers and p-values as the report's language writes them
    fallbacks    -- what is shown in a fallback language, and fallbacks.csv
    provenance   -- parameters, checksums of what the steps read, versions, the git commit
    html         -- the template rendered (../templates/), table shape, fallback and answer marks

Every name is importable from here, as `from helpers.publish.report import report_context`.
"""

from helpers.publish.report.context import (
    report_context,
    _processed_answers as _processed_answers,
)
from helpers.publish.report.summary import (
    indistinguishable_neighbours,
    neighbours_without_interval,
    priority_summary,
    scale_status,
    summary_lines,
    _has_interval as _has_interval,
    _neighbour_differences as _neighbour_differences,
)
from helpers.publish.report.methods import (
    limitation_lines,
    methods_paragraphs,
    _answer_counts as _answer_counts,
    _complete_respondents as _complete_respondents,
)
from helpers.publish.report.statistics import (
    agreement_sentences,
    difference_sentences,
    scale_sentences,
    scale_verdict_text,
    _differences_note as _differences_note,
)
from helpers.publish.report.findings import (
    localised_claims,
    VERDICT_KEYS,
)
from helpers.publish.report.reproduction import (
    published_tables,
    reproduction_status,
    _reproduction as _reproduction,
)
from helpers.publish.report.cleaning import (
    cleaning_summary,
    MESSAGE_LANGUAGE,
    problem_counts,
    set_aside_reasons,
)
from helpers.publish.report.answers import (
    free_text_answers,
    other_answers,
)
from helpers.publish.report.figure_text import (
    figure_alt_text,
    FIGURES,
    report_figures,
)
from helpers.publish.report.tables import (
    group_means_table,
    PAPER_TABLES,
    read_table,
    scores_read_back,
)
from helpers.publish.report.numbers import (
    local_number,
    p_method_text,
    p_text,
    _int as _int,
    _is_number as _is_number,
    _number as _number,
)
from helpers.publish.report.fallbacks import (
    fallback_labels,
    message_fallbacks,
    words_language,
    write_fallbacks,
)
from helpers.publish.report.provenance import (
    files_read,
    git_commit,
    RUNNERS,
    computing_packages,
    provenance,
    sha256,
)
from helpers.publish.report.html import (
    embed_png,
    html_table,
    mark_answers,
    mark_fallback,
    render_report,
    TEMPLATES,
    write_report,
)

__all__ = [
    "report_context",
    "indistinguishable_neighbours",
    "neighbours_without_interval",
    "priority_summary",
    "scale_status",
    "summary_lines",
    "limitation_lines",
    "methods_paragraphs",
    "agreement_sentences",
    "difference_sentences",
    "scale_sentences",
    "scale_verdict_text",
    "localised_claims",
    "VERDICT_KEYS",
    "published_tables",
    "reproduction_status",
    "cleaning_summary",
    "MESSAGE_LANGUAGE",
    "problem_counts",
    "set_aside_reasons",
    "free_text_answers",
    "other_answers",
    "figure_alt_text",
    "FIGURES",
    "report_figures",
    "group_means_table",
    "PAPER_TABLES",
    "read_table",
    "scores_read_back",
    "local_number",
    "p_method_text",
    "p_text",
    "fallback_labels",
    "message_fallbacks",
    "words_language",
    "write_fallbacks",
    "files_read",
    "git_commit",
    "RUNNERS",
    "computing_packages",
    "provenance",
    "sha256",
    "embed_png",
    "html_table",
    "mark_answers",
    "mark_fallback",
    "render_report",
    "TEMPLATES",
    "write_report",
]
