"""A hub loaded from a generated scenario, for linkage over the hub."""

from __future__ import annotations

from pathlib import Path

from tessera.cli.demo import _register
from tessera.hub.db import Hub
from tessera.ingest.load import load_file
from tessera.synth import scenario as synth
from tessera.synth.world import Settings


def load_scenario(hub: Hub, folder: Path, scale: int, seed: int) -> dict[str, str]:
    """A scenario's agencies and users registered and their files loaded; the person truth."""
    generated = synth.generate(Settings(seed=seed, scale=scale))
    manifest = synth.write(generated, folder)
    _register(hub, manifest)
    for agency in manifest["agencies"]:
        load_file(hub, folder / agency["file"], username=agency["code"].lower(), workers=0)
    return {f"{a.code}/{ref}": true for a in generated.agencies
            for ref, kind, true in a.truth if kind == "person"}
