"""Analysis: the processed tables -> the paper's tables and statistics (second step of the flow).

    tables  -- aggregations over stakeholder groups, the paper's Tables 1-3, factor summaries
    stats   -- agreement (Kendall's W, Krippendorff's and Cronbach's alpha), group differences
    claims  -- the paper's six findings re-checked against the data (+ paper_claims.yaml)

Reads the processed tables (helpers.processed); knows nothing of how an export was read or how
results are published.
"""
