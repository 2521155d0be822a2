"""A small generated scenario's victims, shared by the publishing tests (read only)."""

from __future__ import annotations

import pytest

from tessera.patterns.routes import Journey
from tessera.publish.tables import victim_journeys
from tessera.synth.scenario import generate
from tessera.synth.world import Settings


@pytest.fixture(scope="session")
def victims() -> list[Journey]:
    """About 500 victims, resolved with the true person map."""
    scenario = generate(Settings(seed=7, scale=10_000))
    return victim_journeys(scenario.standard(), scenario.true_people())
