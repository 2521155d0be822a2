"""The encodings file: JSON Lines, a header line then one line per encoded record.

The header names the format, the agency, the schema (in full, and its fingerprint) and the id
of the secret; each record line holds the agency's own reference, the filter (base64), the
identifier hashes and the attributes shared. Nothing else leaves the agency.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from tessera.files import atomic
from tessera.linkage.pprl.encode import SHAREABLE, Encodings
from tessera.linkage.pprl.schema import EncodingError, Schema

FORMAT = "tessera-encodings"


def header(encodings: Encodings) -> dict[str, Any]:
    return {"format": FORMAT, "agency": encodings.agency, "count": len(encodings),
            "schema": encodings.schema.model_dump(mode="json"),
            "fingerprint": encodings.schema.fingerprint(), "key_id": encodings.key_id}


def write(path: Path, encodings: Encodings) -> None:
    """Write ``encodings`` to ``path`` whole or not at all (a temporary file, renamed)."""
    with atomic(path) as partial, partial.open("w", encoding="utf-8") as f:
        f.write(json.dumps(header(encodings)) + "\n")
        for n, ref in enumerate(encodings.refs):
            line: dict[str, Any] = {
                "ref": ref,
                "filter": base64.b64encode(encodings.filters[n].tobytes()).decode(),
            }
            if encodings.identifiers[n]:
                line["ids"] = list(encodings.identifiers[n])
            if encodings.shared and encodings.shared[n]:
                line["shared"] = encodings.shared[n]
            f.write(json.dumps(line) + "\n")


def parse(lines: list[str], source: str) -> Encodings:
    """Encodings from the lines of a file; ``source`` names it in errors."""
    if not lines:
        raise EncodingError(f"{source}: empty; an encodings file starts with its header")
    try:
        head = json.loads(lines[0])
    except ValueError:
        raise EncodingError(f"{source} line 1: not JSON") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise EncodingError(f"{source} line 1: not a Tessera encodings header")
    try:
        schema = Schema.model_validate(head["schema"])
        agency, key_id = str(head["agency"]), str(head["key_id"])
    except (KeyError, ValidationError) as exc:
        raise EncodingError(f"{source} line 1: bad header ({exc})") from None
    if head.get("fingerprint") != schema.fingerprint():
        raise EncodingError(f"{source} line 1: the fingerprint does not match the schema")
    size = schema.words * 8
    refs: list[str] = []
    raw = bytearray()
    identifiers: list[tuple[str, ...]] = []
    shared: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            ref = line["ref"]
            bits = base64.b64decode(line["filter"], validate=True)
            ids = tuple(str(i) for i in line.get("ids", ()))
            extra = dict(line.get("shared", {}))
        except (ValueError, KeyError, TypeError) as exc:
            raise EncodingError(f"{source} line {number}: not an encoded record ({exc})") from None
        if not isinstance(ref, str) or not ref:
            raise EncodingError(f"{source} line {number}: ref must be a non-empty string")
        if ref in seen:
            raise EncodingError(f"{source} line {number}: ref {ref!r} appears twice")
        if len(bits) != size:
            raise EncodingError(f"{source} line {number}: the filter is {len(bits)} bytes; "
                                f"the schema makes {size}")
        if any(k not in SHAREABLE for k in extra):
            raise EncodingError(f"{source} line {number}: only {', '.join(SHAREABLE)} may be "
                                "shared")
        seen.add(ref)
        refs.append(ref)
        raw += bits
        identifiers.append(ids)
        shared.append(extra)
    if head.get("count") not in (None, len(refs)):
        raise EncodingError(f"{source}: the header counts {head['count']} records, the file "
                            f"holds {len(refs)} (truncated?)")
    filters = np.frombuffer(bytes(raw), dtype=np.uint64).reshape(len(refs), schema.words)
    return Encodings(agency, schema, key_id, refs, filters.copy(), identifiers, shared)


def read(path: Path) -> Encodings:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EncodingError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise EncodingError(f"{path}: not UTF-8 text") from None
    return parse(text.splitlines(), str(path))
