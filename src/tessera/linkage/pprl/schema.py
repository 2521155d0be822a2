"""The encoding schema and the exchange secret that agencies in one exchange share.

The schema says what goes into an encoding and how: the filter's length, the q of the name
q-grams, how many bits each kind of token sets, and the hardening. Its fingerprint travels in
every encodings file, so that files made under different schemas are refused, not compared.

The secret keys every hash. It stays with the agencies (the hub never receives it); its id, a
digest that reveals nothing of the key, travels with the files so that files encoded under an
old secret, after a rotation, are refused too.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCHEMA_VERSION = 1
# Part of the encoding protocol, not of the code's layout: changing them changes every key id
# and every bit, and files encoded before are refused.
LABEL = "tessera/pprl"
KEY_ID_LABEL = b"tessera/pprl/key-id"


class Hardening(BaseModel):
    """Defences against attacks on the filters, chosen by measurement (docs/pprl.md).

    ``salt``: hash name tokens together with the birth year, so a q-gram sets different bits
    in people born in different years and a bit's frequency no longer follows a q-gram's.
    ``flip``: the chance each bit is flipped at random (BLIP), deterministic per record.
    ``balance``: append the filter's complement, so every filter sets exactly half its bits.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    salt: Literal["birth_year", "birth_decade"] | None = "birth_year"
    flip: float = Field(0.0, ge=0.0, lt=0.5)
    balance: bool = False


class Schema(BaseModel):
    """What an encoding holds. Agencies in one exchange use one schema (and one secret)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = SCHEMA_VERSION
    bits: int = Field(1024, ge=128, le=8192, multiple_of=64)
    q: int = Field(2, ge=1, le=4)
    # bits set per token, by kind of token
    name_grams: int = Field(15, ge=0, le=64)
    name_keys: int = Field(20, ge=0, le=64)
    birth: int = Field(20, ge=0, le=64)
    gender: int = Field(4, ge=0, le=64)
    nationality: int = Field(4, ge=0, le=64)
    hardening: Hardening = Hardening()

    @property
    def words(self) -> int:
        """64-bit words in one filter, after hardening."""
        return self.bits * (2 if self.hardening.balance else 1) // 64

    def fingerprint(self) -> str:
        """A digest of the schema: equal for two files only if encoded alike."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class EncodingError(ValueError):
    """A secret, schema or encodings file that cannot be used, saying which and why."""


@dataclass(frozen=True)
class Secret:
    """An exchange's secret key. ``key_id`` names it without revealing it."""

    exchange: str
    key: bytes

    @property
    def key_id(self) -> str:
        return hmac.new(self.key, KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]

    def derive(self, schema: Schema, purpose: str) -> bytes:
        """The key for one use (one kind of token, the identifiers, the flips) under one
        schema: knowing one derived key tells nothing of another."""
        label = f"{LABEL}/{schema.fingerprint()}/{purpose}".encode()
        return hmac.new(self.key, label, hashlib.sha256).digest()

    @classmethod
    def new(cls, exchange: str) -> Secret:
        return cls(exchange, secrets.token_bytes(32))

    def save(self, path: Path) -> None:
        """Write the secret readable by its owner only; never over an existing file."""
        body = json.dumps({"exchange": self.exchange, "key": base64.b64encode(self.key).decode(),
                           "key_id": self.key_id, "created": dt.date.today().isoformat()})
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise EncodingError(f"{path}: already exists; a secret is never overwritten") from None
        with os.fdopen(fd, "w") as f:
            f.write(body + "\n")

    @classmethod
    def load(cls, path: Path) -> Secret:
        try:
            data = json.loads(path.read_text())
            key = base64.b64decode(data["key"], validate=True)
            exchange = str(data["exchange"])
        except FileNotFoundError:
            raise EncodingError(f"{path}: no such secret file") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise EncodingError(f"{path}: not a Tessera exchange secret ({exc})") from None
        if len(key) < 16:
            raise EncodingError(f"{path}: the key is {len(key)} bytes; at least 16 are needed")
        return cls(exchange, key)


def load_schema(path: Path | None) -> Schema:
    """The schema in a JSON file, or the default one."""
    if path is None:
        return Schema()
    try:
        return Schema.model_validate_json(path.read_text())
    except FileNotFoundError:
        raise EncodingError(f"{path}: no such schema file") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EncodingError(f"{path}: {where}: {first['msg']}") from None
