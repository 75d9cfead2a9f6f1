"""Analysis: the processed tables -> the paper's tables and statistics (second step of the flow).

    tables  -- aggregations over stakeholder groups, the paper's Tables 1-3, factor summaries
    stats   -- agreement (Kendall's W, Krippendorff's alpha); every statistic below is imported by its name
    scores  -- respondents' and groups' factor scores, the factor order under both weightings, the seed
    reliability -- scale checks: Cronbach's alpha with its interval, item statistics, the factor structure
    differences -- Kruskal-Wallis across stakeholder groups with epsilon-squared, Dunn's pairs
    pvalues -- p-values adjusted across tests (Holm, Benjamini-Hochberg) and written for display
    intervals -- group means with bootstrap CIs, shares agreeing with Wilson intervals, factor differences
    claims  -- the paper's six findings re-checked against the data (+ paper_claims.yaml)

Reads the processed tables (helpers.processed); knows nothing of how an export was read or how
results are published.
"""
