"""Tools for people, not steps of the pipeline; they may use every stage.

synthetic  -- seeded synthetic survey data (data/raw/example-v2, national-scale benchmarks)
scaffold   -- `make new-dataset`: a new dataset folder with a template codebook
bench      -- `make bench`: the pipeline timed against its floor
imports    -- the import graph of src/helpers, for the tests of the layout and the Makefile
translations -- `make translations`: every string missing in en, ru or kk
env_check  -- the Makefile's checks of a Python and an environment against requirements.lock
python_check -- the supported Python versions, and the one sentence refusing another (runs on any Python)
lab_kernel -- `make lab`: the named kernel, which runs each notebook in its own copy's environment
notebook_guard -- one line when a notebook no longer holds the nbval reference (pytest plugin, hook)
bench_setup -- `make bench`: set-up timings (make env, fresh clone to report, make test), uv beside pip
dag        -- `make dag`: the steps as the Makefile declares them, what each reads and writes (docs/pipeline.svg)
"""
