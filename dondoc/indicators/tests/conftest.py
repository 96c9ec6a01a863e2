"""Fixtures of the indicator tests (see ``collection_world`` for the collection's)."""

from dondoc.indicators.tests.collection_world import *  # noqa: F403
