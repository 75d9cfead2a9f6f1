"""Fixtures of the loader's tests: how many broken exports the property-based tests draw."""

import os

from hypothesis import settings

# Property-based tests (test_load_properties.py): `make test` draws 30 broken exports per property, each run new ones;
# HYPOTHESIS_PROFILE=thorough draws 300 (e.g. after a change to the loader: make test HYPOTHESIS_PROFILE=thorough).
settings.register_profile("quick", max_examples=30)
settings.register_profile("thorough", max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
