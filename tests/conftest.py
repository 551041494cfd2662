"""Hypothesis profiles for the whole suite.

- ``ci``: derandomized (the same examples on every run, so CI is reproducible and never flaky),
  no deadline (a shared 2-core runner has noisy timings), and few enough examples that the
  property tests over the op table stay well under two minutes.
- ``dev`` (default locally): random examples, a moderate count, the example database on.
- ``thorough``: many more examples, for a long local run before a release.

``HYPOTHESIS_PROFILE`` picks one; without it, ``CI=true`` (set by CI services) picks ``ci``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=12,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "thorough",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _profile() -> str:
    chosen = os.environ.get("HYPOTHESIS_PROFILE")
    if chosen:
        return chosen
    return "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"


settings.load_profile(_profile())
