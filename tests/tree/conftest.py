"""The reports' standing data (May 2026 in two communes, clock on 20 June 2026) for the tree tests."""

from tests.reports.conftest import D, data, frozen_clock, hold  # noqa: F401  (fixtures and helpers)
