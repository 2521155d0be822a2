"""The records of the reporting standard, declared once.

Every record has a ``record_type``, the agency's own ``ref`` (unique within the agency across all
record types, so relations can point at any record), optional sharing metadata that overrides the
agency's defaults, and typed fields. Fields that point at other records end in ``_ref``;
``REFS`` says which record types they may point at. Field metadata (``htcds``, ``ftm``) feeds the
HTCDS mapping table, the templates and the docs, which are all generated from these classes.

Multi-valued fields are tuples; in a CSV or XLSX cell their values are separated by ``;``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    JsonValue,
    TypeAdapter,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from tessera.standard import codes as c
from tessera.standard.values import (
    AgeRange,
    Country,
    DocumentNumber,
    Email,
    Iban,
    PartialDate,
    PersonName,
    Phone,
)

LIST_SEPARATOR = ";"


def split_list(value: Any) -> Any:
    """Split a ``;``-separated cell into values; lists pass through; blanks become empty."""
    if value is None:
        return ()
    if isinstance(value, str):
        if LIST_SEPARATOR not in value:  # the usual cell: one value
            value = value.strip()
            return (value,) if value else ()
        return tuple(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())
    return value


def _code(enum: type[StrEnum]) -> Any:
    return Annotated[enum, BeforeValidator(c.code_parser(enum))]


def _codes(enum: type[StrEnum]) -> Any:
    # a type built at run time, which mypy cannot read as a type expression
    return Annotated[tuple[_code(enum), ...], BeforeValidator(split_list)]  # type: ignore[misc]


_REF = re.compile(r"^[^\s;][^;]{0,127}$")
_REF_MESSAGE = "a reference is 1-128 characters, without ';' or leading spaces"


def _check_ref(value: str) -> str:
    value = value.strip()
    if not _REF.match(value):
        raise ValueError(_REF_MESSAGE)
    return value


class _RefCheck:
    """``_check_ref`` run by pydantic-core: same value, same error, no Python call per value.

    The check runs in Rust for every reference that needs no more than pydantic's own stripping;
    anything else (a refused reference, or one ending in the ASCII separators U+001C-U+001F,
    which Python's ``strip`` removes and Rust's does not) goes to ``_check_ref`` itself.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        fast = core_schema.str_schema(
            strip_whitespace=True,
            max_length=128,
            pattern=r"^[^\s;\x1c-\x1f](?:[^;]*[^;\s\x1c-\x1f])?$",
        )
        checked = core_schema.no_info_after_validator_function(
            _check_ref, core_schema.str_schema(strip_whitespace=True)
        )
        return core_schema.chain_schema(
            [
                # a plain string's type check, and its error, as before
                core_schema.str_schema(strip_whitespace=False),
                core_schema.union_schema(
                    [fast, checked],
                    mode="left_to_right",
                    # the one error _check_ref raises, for the value as written; the context
                    # holds the exception, as for a raised one (typed str | int, takes any)
                    custom_error_type="value_error",
                    custom_error_context={"error": ValueError(_REF_MESSAGE)},  # type: ignore[dict-item]
                ),
            ]
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # described as the function it replaces, so schema generators see the same node
        return handler(core_schema.no_info_after_validator_function(_check_ref,
                                                                    core_schema.str_schema()))


def _check_currency(value: str) -> str:
    code = value.strip().upper()
    # the set answers for every real code; pycountry's own (case-folding) lookup for the rest
    if code not in _CURRENCIES and pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"unknown currency {value!r} (use an ISO 4217 code such as EUR)")
    return code


_CURRENCIES = frozenset(currency.alpha_3.upper() for currency in pycountry.currencies)

Ref = Annotated[str, _RefCheck()]
Refs = Annotated[tuple[Ref, ...], BeforeValidator(split_list)]
Currency = Annotated[str, AfterValidator(_check_currency)]
Countries = Annotated[tuple[Country, ...], BeforeValidator(split_list)]
Names = Annotated[tuple[PersonName, ...], BeforeValidator(split_list)]
Text = Annotated[str, Field(max_length=10_000)]


def meta(description: str, *, htcds: str | None = None, ftm: str | None = None, **kw: Any) -> Any:
    """A field with its description and its HTCDS column and FtM property, where they exist."""
    extra: dict[str, JsonValue] = {k: v for k, v in (("htcds", htcds), ("ftm", ftm)) if v}
    return Field(description=description, json_schema_extra=extra or None, **kw)


class Record(BaseModel):
    """Fields every record has."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, use_enum_values=False
    )

    record_type: str
    ref: Ref = meta("The agency's own reference for this record, unique within the agency.")
    case_ref: Ref | None = meta("The case this record belongs to.", default=None)
    handling_code: _code(c.HandlingCode) | None = meta(  # type: ignore[valid-type]
        "H0-H3; the agency's default when blank.", default=None
    )
    source_reliability: _code(c.SourceReliability) | None = meta(  # type: ignore[valid-type]
        "Evaluation of the source, A-C or X; the agency's default when blank.", default=None
    )
    information_credibility: _code(c.InformationCredibility) | None = meta(  # type: ignore[valid-type]
        "Evaluation of the information, 1-4; the agency's default when blank.", default=None
    )
    sharing_scope: _code(c.SharingScope) | None = meta(  # type: ignore[valid-type]
        "owner, partners, hub or members; the agency's default when blank.", default=None
    )
    share_with: Refs = meta(
        "Codes of partner agencies that may see the record under the 'partners' scope.",
        default=(),
    )

    # Which record types each *_ref field may point at.
    REFS: ClassVar[dict[str, tuple[str, ...]]] = {"case_ref": ("case",)}
    # Whose consent bounds how far this record may be shared (at most two): the people it is
    # about, or the records about them it links (a transaction's accounts, which follow their
    # holders').
    SUBJECTS: ClassVar[tuple[str, ...]] = ()
    # What an analyst sees as the record's title.
    TITLE: ClassVar[tuple[str, ...]] = ("ref",)

    def title(self) -> str:
        """A short human label for lists."""
        for name in self.TITLE:
            value = getattr(self, name, None)
            if value:
                return str(getattr(value, "latin", value))
        return self.ref

    def references(self) -> dict[str, tuple[str, ...]]:
        """Every reference this record makes, by field."""
        out: dict[str, tuple[str, ...]] = {}
        for name in self.REFS:
            value = getattr(self, name, None)
            if value:
                out[name] = tuple(value) if isinstance(value, tuple) else (value,)
        return out


_OWNER = ("person", "organization")


class Case(Record):
    """A case as the agency opened it."""

    record_type: Literal["case"] = "case"
    country: Country = meta("Country where the case is handled.", ftm="country")
    title_text: str | None = meta("Short title of the case.", default=None)
    opened: PartialDate | None = meta(
        "Date the case was opened.", htcds="cas_IncomingReferralDate", default=None
    )
    closed: PartialDate | None = meta("Date the case was closed.", default=None)
    status: _code(c.CaseStatus) | None = meta(  # type: ignore[valid-type]
        "Lifecycle status.", htcds="cas_Status", default=None
    )
    exploitation_types: _codes(c.ExploitationType) = meta(  # type: ignore[valid-type]
        "Types of exploitation in the case.", htcds="vic_TypeOfExploitation", default=()
    )
    industries: _codes(c.Industry) = meta(  # type: ignore[valid-type]
        "Sectors or industries involved.", htcds="vic_ForcedLabourIndustry", default=()
    )
    indicators: Refs = meta("Codes of trafficking indicators observed.", default=())
    summary: Text | None = meta(
        "What happened, in a few sentences. Do not name victims: a case is not bounded by "
        "their consent.", ftm="summary", default=None
    )
    closure_reason: Text | None = meta(
        "Why the case was closed.", htcds="cas_ReasonForCaseClosure", default=None
    )
    TITLE = ("title_text", "ref")


class Person(Record):
    """A person: victim, suspect, witness or other role."""

    record_type: Literal["person"] = "person"
    name: PersonName | None = meta(
        "Full name as written, in any script.", ftm="name", default=None
    )
    given_name: str | None = meta(
        "Given name(s), when recorded apart.", htcds="prs_FirstName", ftm="firstName", default=None
    )
    family_name: str | None = meta(
        "Family name, when recorded apart.", htcds="prs_SecondName", ftm="lastName", default=None
    )
    aliases: Names = meta("Other names and nicknames used.", ftm="alias", default=())
    birth_date: PartialDate | None = meta(
        "Date of birth; year or year-month when only that is known.",
        htcds="prs_Birthdate",
        ftm="birthDate",
        default=None,
    )
    age: AgeRange | None = meta(
        "Age or age band when trafficked.", htcds="vic_AgeWhenTrafficked", default=None
    )
    gender: _code(c.Gender) | None = meta(  # type: ignore[valid-type]
        "Gender.", htcds="prs_Gender", ftm="gender", default=None
    )
    nationalities: Countries = meta(
        "Citizenships.", htcds="prs_Citizenship", ftm="nationality", default=()
    )
    residence_country: Country | None = meta(
        "Country of residence.", htcds="prs_MailingCountry", ftm="country", default=None
    )
    birth_place: str | None = meta("Place of birth.", ftm="birthPlace", default=None)
    roles: _codes(c.Role) = meta(  # type: ignore[valid-type]
        "Roles in the case.", htcds="per_RoleInProcess", default=()
    )
    trafficking_status: _code(c.TraffickingStatus) | None = meta(  # type: ignore[valid-type]
        "For victims: possible, actual or not a victim.",
        htcds="vic_TraffickingStatus",
        default=None,
    )
    relationship_to_trafficker: _code(c.RelationshipToTrafficker) | None = meta(  # type: ignore[valid-type]
        "For victims: familial, acquainted or unacquainted.",
        htcds="vic_RelationshipToTrafficker",
        default=None,
    )
    consent: _code(c.Consent) = meta(  # type: ignore[valid-type]
        "For victims: consent to sharing; 'refused' keeps the person's records with the owner, "
        "'unknown' limits them to named partners.",
        htcds="con_Consent",
        default=c.Consent.unknown,
    )
    notes: Text | None = meta("Free-text notes.", ftm="notes", default=None)

    SUBJECTS = ("ref",)
    TITLE = ("name", "ref")

    @model_validator(mode="before")
    @classmethod
    def _name_from_parts(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("name"):
            given, family = data.get("given_name"), data.get("family_name")
            if given or family:
                raw = " ".join(str(p) for p in (given, family) if p)
                data = {**data, "name": PersonName.from_parts(raw, given=given, family=family)}
        return data

    @property
    def is_victim(self) -> bool:
        return c.Role.victim in self.roles or self.trafficking_status in (
            c.TraffickingStatus.actual_victim,
            c.TraffickingStatus.possible_victim,
        )


class Organization(Record):
    """A company, recruitment agency, employer or other organisation."""

    record_type: Literal["organization"] = "organization"
    name: str = meta("Name as registered or as known.", htcds="org_Name", ftm="name")
    kind: _code(c.OrganizationKind) = meta(  # type: ignore[valid-type]
        "What kind of organisation.", htcds="org_Type", default=c.OrganizationKind.company
    )
    registration_number: str | None = meta(
        "Company registration number.", ftm="registrationNumber", default=None
    )
    country: Country | None = meta(
        "Country of registration.", htcds="org_ShippingCountry", ftm="jurisdiction", default=None
    )
    city: str | None = meta("City.", htcds="org_ShippingCity", default=None)
    industry: _code(c.Industry) | None = meta(  # type: ignore[valid-type]
        "Main industry.", ftm="sector", default=None
    )
    website: str | None = meta("Website.", ftm="website", default=None)
    TITLE = ("name", "ref")


class IdentityDocument(Record):
    """A passport, national identity card, permit or visa."""

    record_type: Literal["identity_document"] = "identity_document"
    owner_ref: Ref | None = meta("The person holding the document.", ftm="holder", default=None)
    kind: _code(c.DocumentKind) = meta("Kind of document.", ftm="type")  # type: ignore[valid-type]
    number: DocumentNumber = meta(
        "Document number.", htcds="prs_IdentityNumber", ftm="number"
    )
    issuing_country: Country | None = meta("Issuing country.", ftm="country", default=None)
    issued: PartialDate | None = meta("Date of issue.", ftm="startDate", default=None)
    expires: PartialDate | None = meta("Date of expiry.", ftm="endDate", default=None)
    suspected_forged: bool | None = meta("Suspected to be forged.", default=None)
    REFS = {**Record.REFS, "owner_ref": ("person",)}
    SUBJECTS = ("owner_ref",)
    TITLE = ("number",)


class PhoneNumber(Record):
    """A phone number used by a person or organisation."""

    record_type: Literal["phone"] = "phone"
    owner_ref: Ref | None = meta("Who uses the phone.", default=None)
    number: Phone = meta("The number as written; cleaned to E.164.", htcds="prs_MobilePhone",
                         ftm="phone")
    REFS = {**Record.REFS, "owner_ref": _OWNER}
    SUBJECTS = ("owner_ref",)
    TITLE = ("number",)


class EmailAddress(Record):
    """An e-mail address used by a person or organisation."""

    record_type: Literal["email"] = "email"
    owner_ref: Ref | None = meta("Who uses the address.", default=None)
    address: Email = meta("The address.", htcds="prs_Email", ftm="email")
    REFS = {**Record.REFS, "owner_ref": _OWNER}
    SUBJECTS = ("owner_ref",)
    TITLE = ("address",)


def _clean_handle(value: str) -> str:
    handle = value.strip().lstrip("@").casefold()
    if not handle:
        raise ValueError("empty handle")
    return handle


class SocialHandle(Record):
    """An account on a social network or messaging app."""

    record_type: Literal["social_handle"] = "social_handle"
    owner_ref: Ref | None = meta("Who uses the account.", default=None)
    platform: _code(c.SocialPlatform) = meta("Platform.", htcds="vic_RecruitmentWebsitesAndApps")  # type: ignore[valid-type]
    handle: Annotated[str, AfterValidator(_clean_handle)] = meta(
        "User name or handle, without '@'.", ftm="username"
    )
    REFS = {**Record.REFS, "owner_ref": _OWNER}
    SUBJECTS = ("owner_ref",)
    TITLE = ("handle",)


class Account(Record):
    """A bank account, card, mobile-money account or crypto wallet."""

    record_type: Literal["account"] = "account"
    owner_ref: Ref | None = meta("Holder of the account.", ftm="holder", default=None)
    kind: _code(c.AccountKind) = meta("Kind of account.", default=c.AccountKind.bank)  # type: ignore[valid-type]
    iban: Iban | None = meta("IBAN, checked.", ftm="iban", default=None)
    account_number: str | None = meta("Account number when there is no IBAN.",
                                      ftm="accountNumber", default=None)
    wallet_address: str | None = meta("Crypto wallet address.", default=None)
    bank_name: str | None = meta("Bank or provider.", ftm="bankName", default=None)
    bic: str | None = meta("BIC/SWIFT code of the bank.", ftm="bic", default=None)
    currency: Currency | None = meta("Currency of the account.", ftm="currency", default=None)
    country: Country | None = meta("Country of the account.", ftm="country", default=None)
    REFS = {**Record.REFS, "owner_ref": _OWNER}
    SUBJECTS = ("owner_ref",)
    TITLE = ("iban", "account_number", "wallet_address", "ref")

    @model_validator(mode="after")
    def _has_identifier(self) -> Account:
        if not (self.iban or self.account_number or self.wallet_address):
            raise ValueError("an account needs an iban, account_number or wallet_address")
        return self


def _latitude(value: float) -> float:
    if not -90 <= value <= 90:
        raise ValueError("latitude must be between -90 and 90")
    return value


def _longitude(value: float) -> float:
    if not -180 <= value <= 180:
        raise ValueError("longitude must be between -180 and 180")
    return value


class Location(Record):
    """An address or place: a residence, a workplace, a site of exploitation, a border point."""

    record_type: Literal["location"] = "location"
    owner_ref: Ref | None = meta("Person or organisation at this address.", default=None)
    kind: str | None = meta("What the place is (residence, workplace, hotel, …).", default=None)
    street: str | None = meta("Street and number.", htcds="prs_MailingStreet", ftm="street",
                              default=None)
    city: str | None = meta("City or town.", htcds="prs_MailingCity", ftm="city", default=None)
    region: str | None = meta("State or region.", htcds="prs_MailingState", ftm="region",
                              default=None)
    postal_code: str | None = meta("Postal code.", htcds="prs_MailingPostalCode",
                                   ftm="postalCode", default=None)
    country: Country = meta("Country.", htcds="prs_MailingCountry", ftm="country")
    latitude: Annotated[float, AfterValidator(_latitude)] | None = meta(
        "Latitude (WGS84).", htcds="prs_MailingLatitude", ftm="latitude", default=None
    )
    longitude: Annotated[float, AfterValidator(_longitude)] | None = meta(
        "Longitude (WGS84).", htcds="prs_MailingLongitude", ftm="longitude", default=None
    )
    REFS = {**Record.REFS, "owner_ref": _OWNER}
    SUBJECTS = ("owner_ref",)
    TITLE = ("city", "country")


def _clean_plate(value: str) -> str:
    plate = re.sub(r"[^0-9A-Z]", "", value.upper())
    if not plate:
        raise ValueError("empty registration plate")
    return plate


class Vehicle(Record):
    """A vehicle used to move or house victims."""

    record_type: Literal["vehicle"] = "vehicle"
    owner_ref: Ref | None = meta("Owner or main user.", ftm="owner", default=None)
    plate: Annotated[str, AfterValidator(_clean_plate)] = meta(
        "Registration plate; spaces and dashes removed.", ftm="registrationNumber"
    )
    country: Country | None = meta("Country of registration.", ftm="country", default=None)
    make: str | None = meta("Make.", ftm="make", default=None)
    model: str | None = meta("Model.", ftm="model", default=None)
    colour: str | None = meta("Colour.", default=None)
    REFS = {**Record.REFS, "owner_ref": _OWNER}
    SUBJECTS = ("owner_ref",)
    TITLE = ("plate",)


class Movement(Record):
    """One leg of a journey: from a place to another, on a date, by a mode."""

    record_type: Literal["movement"] = "movement"
    person_ref: Ref = meta("Who travelled.")
    from_country: Country = meta("Country of departure.", htcds="hte_Country")
    from_city: str | None = meta("City of departure.", htcds="hte_City", default=None)
    to_country: Country = meta("Country of arrival.")
    to_city: str | None = meta("City of arrival.", default=None)
    departed: PartialDate | None = meta("Date of departure.", htcds="hte_Date", default=None)
    arrived: PartialDate | None = meta("Date of arrival.", default=None)
    mode: _code(c.TravelMode) | None = meta("Means of transport.", default=None)  # type: ignore[valid-type]
    border_crossing: str | None = meta("Border crossing point used.", default=None)
    documents_used: _codes(c.DocumentKind) = meta(  # type: ignore[valid-type]
        "Kinds of document used.", default=()
    )
    document_refs: Refs = meta("The identity documents used.", default=())
    transporter_ref: Ref | None = meta("Who organised or drove the leg.", default=None)
    vehicle_ref: Ref | None = meta("Vehicle used.", default=None)
    REFS = {
        **Record.REFS,
        "person_ref": ("person",),
        "document_refs": ("identity_document",),
        "transporter_ref": _OWNER,
        "vehicle_ref": ("vehicle",),
    }
    SUBJECTS = ("person_ref",)
    TITLE = ("ref",)


class Recruitment(Record):
    """How, where and by whom a victim was recruited."""

    record_type: Literal["recruitment"] = "recruitment"
    person_ref: Ref = meta("The person recruited.")
    recruiter_ref: Ref | None = meta("Who recruited (person or organisation).", default=None)
    date: PartialDate | None = meta("When.", htcds="hte_Date", default=None)
    methods: _codes(c.RecruitmentMethod) = meta(  # type: ignore[valid-type]
        "Methods or tactics.", htcds="vic_MethodOfRecruitment", default=()
    )
    channels: _codes(c.Channel) = meta(  # type: ignore[valid-type]
        "Websites and apps used.", htcds="vic_RecruitmentWebsitesAndApps", default=()
    )
    country: Country | None = meta("Country of recruitment.", htcds="vic_LocationOfRecruitment",
                                   default=None)
    city: str | None = meta("City of recruitment.", default=None)
    promised_job: str | None = meta("The job or opportunity promised.", default=None)
    promised_industry: _code(c.Industry) | None = meta(  # type: ignore[valid-type]
        "Industry of the job promised.", default=None
    )
    REFS = {**Record.REFS, "person_ref": ("person",), "recruiter_ref": _OWNER}
    SUBJECTS = ("person_ref",)


class Exploitation(Record):
    """Where, how and by whom a victim was exploited."""

    record_type: Literal["exploitation"] = "exploitation"
    person_ref: Ref = meta("The person exploited.")
    types: _codes(c.ExploitationType) = meta(  # type: ignore[valid-type]
        "Types of exploitation.", htcds="vic_TypeOfExploitation", min_length=1
    )
    industry: _code(c.Industry) | None = meta(  # type: ignore[valid-type]
        "Industry.", htcds="vic_ForcedLabourIndustry", default=None
    )
    country: Country | None = meta("Country of exploitation.", htcds="vic_LocationOfExploitation",
                                   default=None)
    city: str | None = meta("City of exploitation.", default=None)
    started: PartialDate | None = meta("When it started.", default=None)
    ended: PartialDate | None = meta("When it ended.", default=None)
    control_methods: _codes(c.ControlMethod) = meta(  # type: ignore[valid-type]
        "Methods of control.", htcds="vic_MethodsOfControl", default=()
    )
    channels: _codes(c.Channel) = meta(  # type: ignore[valid-type]
        "Websites and apps used to exploit.", htcds="vic_ExploitationWebsitesAndApps", default=()
    )
    exploiter_ref: Ref | None = meta("Who exploited (person or organisation).", default=None)
    site_ref: Ref | None = meta("Where (organisation or location).", default=None)
    REFS = {
        **Record.REFS,
        "person_ref": ("person",),
        "exploiter_ref": _OWNER,
        "site_ref": ("organization", "location"),
    }
    SUBJECTS = ("person_ref",)


class Transaction(Record):
    """A payment from one account to another."""

    record_type: Literal["transaction"] = "transaction"
    payer_account_ref: Ref = meta("Account the money left.", ftm="payer")
    beneficiary_account_ref: Ref = meta("Account the money reached.", ftm="beneficiary")
    amount: Decimal = meta("Amount, in the currency given.", ftm="amount", gt=0,
                           max_digits=18, decimal_places=2)
    currency: Currency = meta("ISO 4217 currency code.", ftm="currency")
    timestamp: dt.datetime = meta("When (date, or date and time).", ftm="date")
    channel: _code(c.TransactionChannel) | None = meta(  # type: ignore[valid-type]
        "How the money moved.", default=None
    )
    purpose: str | None = meta("Stated purpose or reference.", ftm="purpose", default=None)
    REFS = {
        **Record.REFS,
        "payer_account_ref": ("account",),
        "beneficiary_account_ref": ("account",),
    }
    SUBJECTS = ("payer_account_ref", "beneficiary_account_ref")
    TITLE = ("ref",)

    @model_validator(mode="before")
    @classmethod
    def _date_only(cls, data: Any) -> Any:
        if isinstance(data, dict):
            ts = data.get("timestamp")
            if isinstance(ts, dt.date) and not isinstance(ts, dt.datetime):
                data = {**data, "timestamp": dt.datetime.combine(ts, dt.time())}
        return data


class Relation(Record):
    """A tie between two records: recruited, transported, controlled, owns, paid, family, …"""

    record_type: Literal["relation"] = "relation"
    kind: _code(c.RelationKind) = meta("Kind of tie.")  # type: ignore[valid-type]
    source_ref: Ref = meta("Who or what the tie goes from (e.g. the recruiter).")
    target_ref: Ref = meta("Who or what the tie goes to (e.g. the person recruited).")
    started: PartialDate | None = meta("Since when.", ftm="startDate", default=None)
    ended: PartialDate | None = meta("Until when.", ftm="endDate", default=None)
    details: Text | None = meta("What is known of the tie.", ftm="summary", default=None)
    REFS = {
        **Record.REFS,
        "source_ref": ("person", "organization", "account", "phone", "vehicle"),
        "target_ref": ("person", "organization", "account", "phone", "vehicle"),
    }
    SUBJECTS = ("source_ref", "target_ref")

    @model_validator(mode="after")
    def _not_self(self) -> Relation:
        if self.source_ref == self.target_ref:
            raise ValueError("a relation needs two different records")
        return self


class Outcome(Record):
    """What came of a case: an arrest, a charge, a conviction, assistance, assets seized."""

    record_type: Literal["outcome"] = "outcome"
    kind: _code(c.OutcomeKind) = meta("What happened.")  # type: ignore[valid-type]
    person_ref: Ref | None = meta("The person concerned.", default=None)
    date: PartialDate | None = meta("When.", default=None)
    offence: str | None = meta("Offence charged or convicted of.", default=None)
    sentence_months: Annotated[int, Field(ge=0, le=1200)] | None = meta(
        "Custodial sentence in months.", default=None
    )
    amount: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)] | None = meta(
        "Amount of assets frozen or confiscated.", default=None
    )
    currency: Currency | None = meta("Currency of the amount.", default=None)
    details: Text | None = meta("Details.", default=None)
    REFS = {**Record.REFS, "person_ref": ("person",)}
    SUBJECTS = ("person_ref",)

    @model_validator(mode="after")
    def _amount_has_currency(self) -> Outcome:
        if self.amount is not None and self.currency is None:
            raise ValueError("an amount needs its currency")
        return self


RECORD_TYPES: dict[str, type[Record]] = {
    model.model_fields["record_type"].default: model
    for model in (
        Case,
        Person,
        Organization,
        IdentityDocument,
        PhoneNumber,
        EmailAddress,
        SocialHandle,
        Account,
        Location,
        Vehicle,
        Movement,
        Recruitment,
        Exploitation,
        Transaction,
        Relation,
        Outcome,
    )
}

AnyRecord = Annotated[
    Case
    | Person
    | Organization
    | IdentityDocument
    | PhoneNumber
    | EmailAddress
    | SocialHandle
    | Account
    | Location
    | Vehicle
    | Movement
    | Recruitment
    | Exploitation
    | Transaction
    | Relation
    | Outcome,
    Field(discriminator="record_type"),
]

ANY_RECORD: TypeAdapter[AnyRecord] = TypeAdapter(AnyRecord)

# Fields of the common envelope, as opposed to the record's own content.
ENVELOPE_FIELDS: tuple[str, ...] = tuple(Record.model_fields)
