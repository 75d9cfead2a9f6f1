"""Reading exports: raw survey file -> the processed tables (first step of the flow).

    encoding  -- which encoding and delimiter a CSV export was written in; mojibake
    load      -- reading an export file exactly as received (CSV or .xlsx), every cell as text
    shapes    -- Google Forms grids, KoboToolbox columns, labels in any language -> one canonical frame
    cells     -- cell-level readers shared by shapes, validate and clean (durations, codes, scores)
    validate  -- every cell checked against the codebook (a pandera schema built from it)
    clean     -- canonical frame -> tidy respondents, choices and likert tables; quarantine

Knows nothing of analysis or publishing.
"""
