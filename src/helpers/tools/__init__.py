"""Tools for people, not steps of the pipeline; they may use every stage.

    synthetic  -- seeded synthetic survey data (data/raw/example-v2, national-scale benchmarks)
    scaffold   -- `make new-dataset`: a new dataset folder with a template codebook
    bench      -- `make bench`: the pipeline timed against its floor
    imports    -- the import graph of src/helpers, for the tests of the layout and the Makefile
    translations -- `make translations`: every string missing in en, ru or kk
"""
