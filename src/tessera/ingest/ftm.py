"""FollowTheMoney entities as the standard's records.

Investigators and FIUs exchange data as FtM entity streams (JSON lines of
``{"id", "schema", "properties"}``). Each entity becomes one standard record whose ``ref`` is
the entity id, so relations between entities survive as references:

==========================================  ==================================================
FtM schema                                  standard record
==========================================  ==================================================
Person                                      person (+ one phone / email record per number and
                                            address, ``<id>-phone-<n>`` / ``<id>-email-<n>``)
Company, Organization, LegalEntity          organization (+ phones and e-mails, as above)
Passport, Identification                    identity_document
BankAccount, CryptoWallet                   account
Payment                                     transaction between accounts; a relation ``paid``
                                            when only payer and beneficiary are known
Address                                     location
Ownership, Directorship, Employment,        relation ``owns``, ``directs``, ``employed``,
Family, Associate, UnknownLink              ``family``, ``associate``, ``associate``
==========================================  ==================================================

Entities of other schemata (sanctions, vessels, documents…) have no record in the standard:
they are skipped and counted by schema in the reader's ``ReadStats.skipped``, not rejected, so
a mixed FtM export still loads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from tessera.ingest.mapping import READ_ERROR
from tessera.standard import codes as c

First = Callable[..., str | None]
Get = Callable[[str], list[str]]

# schema -> (relation kind, property of the source, property of the target)
EDGES: dict[str, tuple[str, str, str]] = {
    "Ownership": ("owns", "owner", "asset"),
    "Directorship": ("directs", "director", "organization"),
    "Employment": ("employed", "employer", "employee"),
    "Family": ("family", "person", "relative"),
    "Associate": ("associate", "person", "associate"),
    "UnknownLink": ("associate", "subject", "object"),
}
_GENDER = {"other": "non_conforming"}


def records(entity: dict[str, Any], skipped: Counter[str]) -> list[dict[str, Any]]:
    """The standard records for one FtM entity (as parsed JSON); [] when skipped."""
    from followthemoney import model  # imported here: it takes half a second, and most loads
    # (and every reading worker process) never see an FtM file

    schema = model.get(str(entity.get("schema") or ""))
    if schema is None:
        skipped[str(entity.get("schema") or "(no schema)")] += 1
        return []
    ref = str(entity.get("id") or "").strip()
    if not ref:
        return [{READ_ERROR: f"{schema.name} entity without an id"}]
    props = entity.get("properties") or {}

    def get(name: str) -> list[str]:
        values = props.get(name) or []
        return [str(v).strip() for v in values if str(v).strip()]

    def first(*names: str) -> str | None:
        for name in names:
            if found := get(name):
                return found[0]
        return None

    def fields(**pairs: str | None) -> dict[str, Any]:
        return {k: v for k, v in pairs.items() if v is not None}

    base = {"ref": ref}
    if schema.name in EDGES:
        kind, source, target = EDGES[schema.name]
        return [{"record_type": "relation", **base, "kind": kind, **fields(
            source_ref=first(source), target_ref=first(target), started=first("startDate"),
            ended=first("endDate"), details=first("summary", "description", "relationship",
                                                  "role"))}]
    if schema.is_a("Person"):
        names = get("name")
        gender = first("gender")
        person = {"record_type": "person", **base, **fields(
            name=names[0] if names else None, given_name=first("firstName"),
            family_name=first("lastName"), birth_date=first("birthDate"),
            gender=_GENDER.get(gender, gender) if gender else None,
            birth_place=first("birthPlace"), notes=first("notes", "summary"))}
        _add_list(person, "aliases", names[1:] + get("alias"))
        _add_list(person, "nationalities", get("nationality") + get("citizenship"))
        return [person, *_contacts(ref, get)]
    if schema.is_a("LegalEntity"):
        kind = ("company" if schema.is_a("Company") else
                "government" if schema.is_a("PublicBody") else "other")
        org = {"record_type": "organization", **base, "kind": kind, **fields(
            name=first("name"), registration_number=first("registrationNumber", "taxNumber"),
            country=first("jurisdiction", "country"), website=first("website"))}
        return [org, *_contacts(ref, get)]
    if schema.is_a("Identification"):
        return [{"record_type": "identity_document", **base, **fields(
            kind="passport" if schema.is_a("Passport") else _document_kind(first("type")),
            owner_ref=first("holder"), number=first("number", "passportNumber"),
            issuing_country=first("country"), issued=first("startDate"),
            expires=first("endDate"))}]
    if schema.name == "BankAccount":
        return [{"record_type": "account", **base, "kind": "bank", **fields(
            iban=first("iban"), account_number=first("accountNumber"),
            bank_name=first("bankName"), bic=first("bic"), currency=first("currency"),
            country=first("country"))}]
    if schema.name == "CryptoWallet":
        return [{"record_type": "account", **base, "kind": "crypto_wallet", **fields(
            owner_ref=first("holder"), wallet_address=first("publicKey", "name"))}]
    if schema.name == "Address":
        return [{"record_type": "location", **base, **fields(
            street=first("street", "full"), city=first("city"),
            region=first("region", "state"), postal_code=first("postalCode"),
            country=first("country"), latitude=first("latitude"),
            longitude=first("longitude"))}]
    if schema.name == "Payment":
        return [_payment(base, first)]
    skipped[schema.name] += 1
    return []


def _payment(base: dict[str, str], first: First) -> dict[str, Any]:
    """Account-to-account payments are transactions; entity-to-entity ones are ties."""
    payer, beneficiary = first("payerAccount"), first("beneficiaryAccount")
    when = first("date", "startDate")
    if payer is None and beneficiary is None and first("payer") and first("beneficiary"):
        amount = " ".join(p for p in (first("amount"), first("currency")) if p)
        details = "; ".join(p for p in (amount, first("purpose", "summary")) if p)
        tie = {"record_type": "relation", **base, "kind": "paid",
               "source_ref": first("payer"), "target_ref": first("beneficiary")}
        return {**tie, **({"started": when} if when else {}),
                **({"details": details} if details else {})}
    out = {"record_type": "transaction", **base, "payer_account_ref": payer,
           "beneficiary_account_ref": beneficiary, "amount": first("amount"),
           "currency": first("currency"), "timestamp": when,
           "purpose": first("purpose", "summary", "description")}
    return {k: v for k, v in out.items() if v is not None}


def _document_kind(value: str | None) -> str:
    """An FtM identification type read as a document kind; free text becomes 'other'."""
    found = c.parse_code(c.DocumentKind, value or "other")
    return str(found) if found in set(c.DocumentKind) else "other"


def _contacts(owner: str, get: Get) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for kind, prop, field in (("phone", "phone", "number"), ("email", "email", "address")):
        for n, value in enumerate(get(prop), start=1):
            out.append({"record_type": kind, "ref": f"{owner}-{kind}-{n}", "owner_ref": owner,
                        field: value})
    return out


def _add_list(record: dict[str, Any], field: str, values: list[str]) -> None:
    if values:
        record[field] = tuple(dict.fromkeys(values))
