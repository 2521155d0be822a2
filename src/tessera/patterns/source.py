"""The records a hub user may see, in the shapes the pattern analyses read.

One audited read (``patterns.read``: analysts and coordinators) gives the records and, for a
reader who may view resolved entities, who is who. From them:

- ``transactions``: a table for ``payments.scan``, each transaction's payer and beneficiary
  named as the account itself (its IBAN, or country and number, as the network names it), so
  that one account reported by two agencies is one account;
- ``victim_accounts``: the accounts held by people recorded as victims, with their case, for
  the many-victims rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.cooperation import requests
from tessera.hub import access, entities, hits
from tessera.hub.access import Actor
from tessera.hub.models import Agency
from tessera.ingest.mapping import ReadError
from tessera.ingest.readers import read_rows
from tessera.ingest.validate import validate_rows
from tessera.linkage.features import person_rows
from tessera.linkage.model import link
from tessera.network.graph import identifier
from tessera.patterns import payments
from tessera.standard.countries import country_code
from tessera.standard.records import Account, Person, Record, Transaction

PURPOSE = "patterns"  # the reads' purpose in the audit log
PATTERN_TYPES = ("case", "person", "organization", "account", "transaction", "movement",
                 "recruitment", "exploitation")

Records = list[tuple[str, Record]]


def from_hub(session: Session, actor: Actor, asked: Mapping[str, Any] | None = None
             ) -> tuple[Records, dict[str, str]]:
    """(records, people) of what ``actor`` may see: the (agency, record) pairs of the types
    patterns read, and "AGENCY/ref" -> entity id for the person records among them (empty for
    a reader who may not view entities). Audited once as ``patterns.read`` with ``asked``."""
    return entities.viewable(session, actor, PATTERN_TYPES, action="patterns.read",
                             purpose=PURPOSE, detail={"asked": dict(asked)} if asked else None)


class SourceError(ValueError):
    """A records file that cannot be read as the standard: names the file, row and field."""


def audit_kept(session: Session, actor: Actor, entity_records: int,
               asked: Mapping[str, Any] | None = None) -> None:
    """Log a read of records kept from an earlier ``from_hub`` as ``from_hub`` logs one: the
    records (with what was ``asked``), and the entities for a reader who may view them."""
    access.authorize(session, actor, "patterns.read", f"records:{PURPOSE}",
                     {"types": list(PATTERN_TYPES), "kept": True,
                      **({"asked": dict(asked)} if asked else {})})
    if access.allowed(actor, "entity.read"):
        access.authorize(session, actor, "entity.read", f"entities:{PURPOSE}",
                         {"records": entity_records, "kept": True})


def follow_ups(session: Session, actor: Actor
               ) -> tuple[list[hits.HitView], list[requests.RequestView]]:
    """The hits of the actor's agency's records and its requests, sent and received (each
    read audited; none of a kind the actor may not read), for the gaps of cooperation."""
    found = hits.agency_hits(session, actor, PURPOSE) if access.allowed(
        actor, "hit.read") else []
    asked = requests.listing(session, actor, limit=1000) if access.allowed(
        actor, "request.read") else []
    return found, asked


def from_files(paths: Iterable[Path]) -> Records:
    """The standard records of agency files (CSV, JSON Lines, XLSX, as ``tessera ingest``
    reads them), each file's stem naming its agency ("agencies/UA-POL.csv" is UA-POL's; a
    code starting with a country's code, as UA- does, reads phone numbers written without a
    prefix as that country's, as the hub does with the agency's country). Raises SourceError
    at the first row that is not a valid record."""
    found: Records = []
    for path in paths:
        agency = path.stem
        country = file_country(agency)
        try:
            rows = read_rows(path, country=country)
            for result in validate_rows(rows, country=country):
                if isinstance(result, list):
                    bad = result[0]
                    raise SourceError(f"{bad.file}, row {bad.row}, field {bad.field or '-'}: "
                                      f"{bad.reason}")
                found.append((agency, result.record))
        except ReadError as err:
            raise SourceError(f"{path}: {err}") from None
    return found


def file_country(agency: str) -> str | None:
    """The country an agency code starts with ("UA-POL" -> "UA"), if it does."""
    prefix = agency.split("-", 1)[0]
    return prefix if len(prefix) == 2 and country_code(prefix) == prefix else None


def agency_countries(session: Session) -> dict[str, str]:
    """Every member agency's code -> its country (the hub's directory, not a record)."""
    return dict(session.execute(select(Agency.code, Agency.country)).all())


def resolve(records: Records) -> dict[str, str]:
    """Who is who among the person records of files: Tessera's linkage model (as ``tessera
    link run`` resolves the hub's) run over them; "AGENCY/ref" -> cluster id."""
    return dict(link(person_rows(records)).clusters)


def _accounts(records: Records) -> dict[str, str]:
    """"AGENCY/ref" of each account record -> the account's own name, as the network names
    it: its IBAN, or "COUNTRY:number" ("?:number" with no country); the record key when it
    has neither."""
    named = {}
    for agency, record in records:
        if isinstance(record, Account):
            found = identifier(record)
            key = f"{agency}/{record.ref}"
            named[key] = found[0].removeprefix("account:") if found else key
    return named


def _utc(moment: dt.datetime) -> dt.datetime:
    """A naive UTC time (one without an offset is taken as UTC already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def transactions(records: Records) -> pa.Table:
    """The transaction records as a table for ``payments.scan``: times in UTC (a payment at
    23:30 in Kyiv comes before one at 22:00 in London), ids "AGENCY/ref". One payment
    reported by several agencies (the same payer and beneficiary account, amount, currency
    and time) is one row, its id naming every report ("DE-FIU/T1=IT-FIU/T7"); the same
    agency's identical records are separate payments."""
    named = _accounts(records)
    reports: dict[tuple[Any, ...], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    channels: dict[tuple[Any, ...], str | None] = {}
    for agency, r in records:
        if not isinstance(r, Transaction):
            continue
        key = (named.get(f"{agency}/{r.payer_account_ref}", f"{agency}/{r.payer_account_ref}"),
               named.get(f"{agency}/{r.beneficiary_account_ref}",
                         f"{agency}/{r.beneficiary_account_ref}"),
               r.amount, str(r.currency), _utc(r.timestamp))
        reports[key][agency].append(f"{agency}/{r.ref}")
        channels.setdefault(key, str(r.channel) if r.channel else None)
    rows: list[tuple[tuple[Any, ...], str]] = []
    for key, by_agency in reports.items():
        # the n-th report of each agency is the same payment as the others' n-th
        for n in range(max(len(refs) for refs in by_agency.values())):
            rows.append((key, "=".join(refs[n] for refs in by_agency.values()
                                       if n < len(refs))))
    return payments.table(
        [key[0] for key, _ in rows], [key[1] for key, _ in rows],
        [float(key[2]) for key, _ in rows], [key[4] for key, _ in rows],
        ids=[ident for _, ident in rows], currency=[key[3] for key, _ in rows],
        channel=[channels[key] for key, _ in rows],
    )


def victim_accounts(records: Iterable[tuple[str, Record]]) -> dict[str, str]:
    """Accounts held by people recorded as victims -> "AGENCY/case" of the person record
    ("" when it names none)."""
    listed = list(records)
    victims = {f"{agency}/{r.ref}": f"{agency}/{r.case_ref}" if r.case_ref else ""
               for agency, r in listed if isinstance(r, Person) and r.is_victim}
    named = _accounts(listed)
    out: dict[str, str] = {}
    for agency, record in listed:
        if isinstance(record, Account) and record.owner_ref:
            case = victims.get(f"{agency}/{record.owner_ref}")
            if case is not None:
                out[named[f"{agency}/{record.ref}"]] = case
    return out
