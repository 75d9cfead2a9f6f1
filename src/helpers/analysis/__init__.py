"""Analysis: the processed tables -> the paper's tables and statistics (second step of the flow).

    tables  -- aggregations over stakeholder groups, the paper's Tables 1-3, factor summaries; what every step
               analyses (one pilot body, the types below the disclosure threshold left out)
    disclosure -- the disclosure threshold: types below it withheld, small pilot bodies' rows and small counts
                  suppressed, with what would give them away in any report
    stats   -- agreement (Kendall's W, Krippendorff's alpha); every statistic below is imported by its name
    scores  -- respondents' and groups' factor scores, the factor order under both weightings, the seed
    reliability -- scale checks: Cronbach's alpha with its interval, item statistics, the factor structure
    differences -- Kruskal-Wallis across stakeholder groups with epsilon-squared, Dunn's pairs
    pvalues -- p-values adjusted across tests (Holm, Benjamini-Hochberg) and written for display
    intervals -- group means with bootstrap or (small groups) t CIs, shares agreeing with Wilson or exact
                 intervals, factor differences
    polychoric -- polychoric correlations of the statements (pairwise, two-step)
    structure -- the factor structure: polychoric correlations, parallel analysis, oblique loadings, the
                 codebook's model confirmed (fit indices), McDonald's omega
    missingness -- missing answers by statement and group, the minimum-items rule, "no opinion" as the midpoint
    design  -- how respondents were selected: outcome rates, weights to the frame, weighted means, clustering
    claims  -- the paper's findings re-checked against the data (+ paper_claims.yaml)
    checks  -- the check of each kind of finding, and the rule from its parts' states to its verdict
    roles   -- the roles a codebook gives its factors, statements, questions, options and stakeholder types
    stability -- each finding's verdict under the other readings the analysis admits

Reads the processed tables (helpers.processed); knows nothing of how an export was read or how
results are published.
"""
