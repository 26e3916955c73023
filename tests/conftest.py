"""Test-suite settings shared by every area.

Hypothesis runs without per-example deadlines (CI machines are small and
shared; timing is for benchmarks, not tests). Under CI (``CI=true``) it is
also derandomized, so a run is reproducible from the commit alone.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
