"""The committed artefacts of the standard: where each lives, how to write it, when it is stale.

The JSON Schema, the CSV and XLSX templates and ``docs/standard.md`` are committed so that
agencies and reviewers can read them without running code; a test runs ``check_all`` so that
a change to the standard cannot be merged without regenerating them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from zipfile import BadZipFile

from tessera.standard.docs import docs_text
from tessera.standard.records import RECORD_TYPES
from tessera.standard.schema import schema_text
from tessera.standard.templates import csv_template
from tessera.standard.workbook import XLSX_NAME, fingerprint, xlsx_bytes

GENERATED = Path("src/tessera/standard/generated")
SCHEMA_PATH = GENERATED / "tessera.schema.json"
TEMPLATES_DIR = GENERATED / "templates"
XLSX_PATH = TEMPLATES_DIR / XLSX_NAME
DOCS_PATH = Path("docs/standard.md")


def _same_bytes(expected: bytes, actual: bytes) -> bool:
    return expected == actual


def _same_workbook(expected: bytes, actual: bytes) -> bool:
    try:
        return fingerprint(expected) == fingerprint(actual)
    except (BadZipFile, KeyError, ValueError, OSError):  # not a workbook any more: stale
        return False


@dataclass(frozen=True)
class Artefact:
    """One generated file: its path under the project root, its content, how to compare it."""

    path: Path
    build: Callable[[], bytes]
    same: Callable[[bytes, bytes], bool] = _same_bytes


def _text(make: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: make().encode("utf-8")


def artefacts() -> list[Artefact]:
    """Every committed artefact, in the order they are written."""
    out = [Artefact(SCHEMA_PATH, _text(schema_text))]
    out += [
        Artefact(TEMPLATES_DIR / f"{record_type}.csv", _text(partial(csv_template, record_type)))
        for record_type in RECORD_TYPES
    ]
    out += [Artefact(XLSX_PATH, xlsx_bytes, _same_workbook), Artefact(DOCS_PATH, _text(docs_text))]
    return out


def project_root() -> Path:
    """The source tree this package was loaded from (``src/tessera/standard`` is three down)."""
    root = Path(__file__).resolve().parents[3]
    if not (root / "pyproject.toml").is_file() or not (root / GENERATED).parent.is_dir():
        raise FileNotFoundError(f"{root} is not Tessera's source tree; pass the project root")
    return root


def _strays(root: Path, expected: list[Artefact]) -> list[Path]:
    """Templates left behind by a record type that no longer exists."""
    known = {a.path for a in expected}
    folder = root / TEMPLATES_DIR
    if not folder.is_dir():
        return []
    return sorted(
        TEMPLATES_DIR / p.name
        for p in folder.iterdir()
        if p.is_file() and TEMPLATES_DIR / p.name not in known
    )


def write_all(root: Path) -> list[Path]:
    """Write every artefact under ``root`` and remove stray templates; return what was written."""
    expected = artefacts()
    for stray in _strays(root, expected):
        (root / stray).unlink()
    written = []
    for artefact in expected:
        target = root / artefact.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(artefact.build())
        written.append(target)
    return written


def check_all(root: Path) -> list[str]:
    """Paths (relative to ``root``) of artefacts missing, out of date, or no longer generated."""
    expected = artefacts()
    stale = []
    for artefact in expected:
        target = root / artefact.path
        if not target.is_file() or not artefact.same(artefact.build(), target.read_bytes()):
            stale.append(artefact.path.as_posix())
    stale += [stray.as_posix() for stray in _strays(root, expected)]
    return stale
