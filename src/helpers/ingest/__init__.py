"""Reading exports: raw survey file -> the processed tables (first step of the flow).

    encoding  -- which encoding and delimiter a CSV export was written in; mojibake
    load      -- reading an export file exactly as received (CSV, .xlsx or .sav), every cell as text
    layouts   -- survey tools' extra header rows and heading codes (Qualtrics, SurveyMonkey, LimeSurvey) read
                 into one header per column
    shapes    -- Google Forms grids, KoboToolbox columns, labels in any language -> one canonical frame
    cells     -- cell-level readers shared by shapes, validate and clean (durations, codes, scores)
    identifiers -- direct identifiers (e-mail, phone, names, IIN) found, kept out of outputs; pseudonymous ids
    validate  -- every cell checked against the codebook (a pandera schema built from it)
    clean     -- canonical frame -> tidy respondents, choices and likert tables; quarantine
    infer     -- a draft codebook from an export: shape, id, stakeholder and pilot-body columns, grids, options
    scales    -- agreement scales (4, 5, 7 points; en, ru, kk) and "no opinion" answers, read from what labels say
    xlsform   -- a draft codebook from an XLSForm (survey + choices sheets) and its KoboToolbox export
    spss      -- a draft codebook from an SPSS .sav file's variable and value labels
    draft     -- the draft codebook as YAML: each guess in a comment, factors and roles one TODO
    roles     -- roles of the paper's findings proposed where a wording reads like a codebook entry's here
    check     -- `make check-codebook`: step 01's own validation, every mismatch in the export's words

Knows nothing of analysis or publishing.
"""
