"""Shared pytest configuration: the hypothesis profiles.

``HYPOTHESIS_PROFILE`` chooses how hard the property tests search (as pandera's suite does):

``dev`` (default)
    Quick and reproducible (derandomised), for every local run and for ``.ci/run``.
``ci``
    The same examples as ``dev``, with the failing example's reproduction blob printed.
``thorough``
    Many more random examples, for a nightly run:
    ``HYPOTHESIS_PROFILE=thorough python -m pytest -q tests/test_evaluation_properties.py``.

A test that needs fewer examples than the profile (each is a whole evaluation of a plan)
says so with ``@settings(max_examples=...)`` on top of the loaded profile.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None, derandomize=True, print_blob=False)
settings.register_profile("ci", parent=settings.get_profile("dev"), print_blob=True)
settings.register_profile("thorough", max_examples=1000, deadline=None, derandomize=False, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
