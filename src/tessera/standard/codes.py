"""Code lists of the reporting standard, aligned with IOM's HTCDS v2.0.

Each list is a ``StrEnum`` whose values are Tessera's codes (snake_case). Where HTCDS has
a picklist for the same idea, every member names the HTCDS value it maps to in ``HTCDS``;
input may use the Tessera code, the HTCDS value name or the English label, in any case,
so that HTCDS workbooks load without a mapping file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from functools import lru_cache
from typing import Any


class Gender(StrEnum):
    female = "female"
    male = "male"
    transgender_female = "transgender_female"
    transgender_male = "transgender_male"
    non_conforming = "non_conforming"
    unknown = "unknown"


class Role(StrEnum):
    """A person's role in the case (HTCDS RoleInProcess, plus victim and witness)."""

    victim = "victim"
    suspect = "suspect"
    recruiter = "recruiter"
    transporter = "transporter"
    broker = "broker"
    exploiter = "exploiter"
    employer = "employer"
    buyer = "buyer"
    witness = "witness"
    organiser = "organiser"
    document_forger = "document_forger"
    money_handler = "money_handler"
    smuggler = "smuggler"
    travelling_partner = "travelling_partner"
    kidnapper = "kidnapper"
    abuser = "abuser"
    transferrer = "transferrer"
    harbourer = "harbourer"
    seller = "seller"
    receiver = "receiver"
    controller = "controller"
    other = "other"


class TraffickingStatus(StrEnum):
    possible_victim = "possible_victim"
    actual_victim = "actual_victim"
    not_a_victim = "not_a_victim"


class CaseStatus(StrEnum):
    """Case status: HTCDS's four values plus the law-enforcement lifecycle."""

    reported = "reported"
    under_investigation = "under_investigation"
    prosecution = "prosecution"
    adjudicated = "adjudicated"
    active = "active"
    follow_up = "follow_up"
    closed = "closed"
    closed_referred = "closed_referred"


class ExploitationType(StrEnum):
    forced_labour = "forced_labour"
    sexual_exploitation = "sexual_exploitation"
    child_labour = "child_labour"
    forced_marriage = "forced_marriage"
    servitude = "servitude"
    forced_military = "forced_military"
    organ_removal = "organ_removal"
    forced_begging = "forced_begging"
    forced_criminality = "forced_criminality"
    forced_adoption = "forced_adoption"
    surrogacy = "surrogacy"
    other = "other"


class Industry(StrEnum):
    """ISIC rev. 4 sections, as HTCDS's forced-labour industry (tier 1)."""

    agriculture = "agriculture"
    mining = "mining"
    manufacturing = "manufacturing"
    utilities = "utilities"
    water_waste = "water_waste"
    construction = "construction"
    trade_repair = "trade_repair"
    transport_storage = "transport_storage"
    hospitality = "hospitality"
    information = "information"
    finance = "finance"
    real_estate = "real_estate"
    professional = "professional"
    administrative_support = "administrative_support"
    public_administration = "public_administration"
    education = "education"
    health_social = "health_social"
    arts_entertainment = "arts_entertainment"
    other_services = "other_services"
    domestic_work = "domestic_work"
    extraterritorial = "extraterritorial"
    sex_industry = "sex_industry"


class ControlMethod(StrEnum):
    physical_threats = "physical_threats"
    threats_law_enforcement = "threats_law_enforcement"
    threatens_family = "threatens_family"
    debt_bondage = "debt_bondage"
    false_promises = "false_promises"
    physical_abuse = "physical_abuse"
    sexual_abuse = "sexual_abuse"
    takes_earnings = "takes_earnings"
    restricts_financial_access = "restricts_financial_access"
    restricts_medical_care = "restricts_medical_care"
    withholds_necessities = "withholds_necessities"
    psychological_abuse = "psychological_abuse"
    psychoactive_substances = "psychoactive_substances"
    excessive_working_hours = "excessive_working_hours"
    withholds_documents = "withholds_documents"
    restricts_movement = "restricts_movement"
    isolation = "isolation"
    other = "other"


class RecruitmentMethod(StrEnum):
    """How a victim was recruited: HTCDS's place/medium list plus the recognised tactics."""

    deceptive_job_offer = "deceptive_job_offer"
    romance = "romance"
    family_or_acquaintance = "family_or_acquaintance"
    debt = "debt"
    abduction = "abduction"
    place_of_business = "place_of_business"
    educational_institution = "educational_institution"
    at_work = "at_work"
    online_social_network = "online_social_network"
    online_advertisement = "online_advertisement"
    television_advert = "television_advert"
    newspaper_advert = "newspaper_advert"
    family_events = "family_events"
    friends_or_social_events = "friends_or_social_events"
    other = "other"


class Channel(StrEnum):
    """Websites and apps used in recruitment or exploitation (HTCDS list, extended)."""

    facebook = "facebook"
    instagram = "instagram"
    whatsapp = "whatsapp"
    telegram = "telegram"
    facebook_messenger = "facebook_messenger"
    viber = "viber"
    snapchat = "snapchat"
    line = "line"
    four_sale = "four_sale"
    wechat = "wechat"
    qq = "qq"
    qzone = "qzone"
    tiktok = "tiktok"
    twitter = "twitter"
    vkontakte = "vkontakte"
    job_website = "job_website"
    in_person = "in_person"
    other = "other"


class RelationshipToTrafficker(StrEnum):
    familial = "familial"
    acquainted = "acquainted"
    unacquainted = "unacquainted"


class OrganizationKind(StrEnum):
    company = "company"
    recruitment_agency = "recruitment_agency"
    employer = "employer"
    travel_agency = "travel_agency"
    transport_company = "transport_company"
    ngo = "ngo"
    law_enforcement = "law_enforcement"
    government = "government"
    local_government = "local_government"
    immigration_service = "immigration_service"
    health_service = "health_service"
    legal_service = "legal_service"
    school = "school"
    other = "other"


class DocumentKind(StrEnum):
    passport = "passport"
    national_id = "national_id"
    residence_permit = "residence_permit"
    visa = "visa"
    work_permit = "work_permit"
    driving_licence = "driving_licence"
    other = "other"


class AccountKind(StrEnum):
    bank = "bank"
    card = "card"
    mobile_money = "mobile_money"
    money_transfer = "money_transfer"
    crypto_wallet = "crypto_wallet"
    other = "other"


class TravelMode(StrEnum):
    air = "air"
    road = "road"
    bus = "bus"
    car = "car"
    rail = "rail"
    sea = "sea"
    on_foot = "on_foot"
    other = "other"


class RelationKind(StrEnum):
    recruited = "recruited"
    transported = "transported"
    controlled = "controlled"
    employed = "employed"
    owns = "owns"
    directs = "directs"
    paid = "paid"
    called = "called"
    family = "family"
    associate = "associate"


class OutcomeKind(StrEnum):
    arrest = "arrest"
    charge = "charge"
    conviction = "conviction"
    acquittal = "acquittal"
    sentence = "sentence"
    victim_identified = "victim_identified"
    victim_assisted = "victim_assisted"
    victim_referred = "victim_referred"
    assets_frozen = "assets_frozen"
    assets_confiscated = "assets_confiscated"


class TransactionChannel(StrEnum):
    bank_transfer = "bank_transfer"
    cash_deposit = "cash_deposit"
    cash_withdrawal = "cash_withdrawal"
    money_transfer_service = "money_transfer_service"
    mobile_money = "mobile_money"
    card = "card"
    crypto = "crypto"
    hawala = "hawala"
    other = "other"


class SocialPlatform(StrEnum):
    facebook = "facebook"
    instagram = "instagram"
    telegram = "telegram"
    whatsapp = "whatsapp"
    viber = "viber"
    tiktok = "tiktok"
    twitter = "twitter"
    vkontakte = "vkontakte"
    wechat = "wechat"
    snapchat = "snapchat"
    other = "other"


class HandlingCode(StrEnum):
    """Europol-style handling codes carried by every record."""

    H0 = "H0"
    H1 = "H1"
    H2 = "H2"
    H3 = "H3"


class SourceReliability(StrEnum):
    """Evaluation of the source (A completely reliable … X cannot be assessed)."""

    A = "A"
    B = "B"
    C = "C"
    X = "X"


class InformationCredibility(StrEnum):
    """Evaluation of the information (1 known true … 4 not known)."""

    one = "1"
    two = "2"
    three = "3"
    four = "4"


class SharingScope(StrEnum):
    """How far a record may be seen; each scope includes the ones before it."""

    owner = "owner"
    partners = "partners"
    hub = "hub"
    members = "members"


SCOPE_ORDER: tuple[SharingScope, ...] = tuple(SharingScope)


class Consent(StrEnum):
    """A victim's recorded consent to sharing (HTCDS con_Consent)."""

    given = "given"
    refused = "refused"
    unknown = "unknown"


HANDLING_CODE_MEANING: dict[HandlingCode, str] = {
    HandlingCode.H0: "law-enforcement use only",
    HandlingCode.H1: "not for use in court without permission of the owner",
    HandlingCode.H2: "no onward sharing without permission of the owner",
    HandlingCode.H3: "other restrictions, stated with the record",
}

# How each code maps to HTCDS v2.0 picklist values (field -> {tessera code: HTCDS value}).
# Codes absent from a field's table have no HTCDS equivalent.
HTCDS: dict[type[StrEnum], tuple[str, dict[str, str]]] = {
    Gender: (
        "prs_Gender",
        {
            "female": "Feminine",
            "male": "Masculine",
            "transgender_female": "TransgenderFeminine",
            "transgender_male": "TransgenderMasculine",
            "non_conforming": "NonConforming",
            "unknown": "NonSpecifiedUnknown",
        },
    ),
    Role: (
        "per_RoleInProcess",
        {
            "recruiter": "RecruiterOrIntermediary",
            "transporter": "Transporter",
            "broker": "BrokerTravelAgent",
            "exploiter": "Exploiter",
            "buyer": "BoughtIndividual",
            "smuggler": "Smuggler",
            "travelling_partner": "TravellingPartner",
            "kidnapper": "Kidnapper",
            "abuser": "Abuser",
            "transferrer": "TransferredIndividual",
            "harbourer": "HarbouredIndividual",
            "seller": "SoldIndividual",
            "receiver": "ReceivedIndividual",
            "controller": "ControlledIndividual",
            "other": "Other",
        },
    ),
    TraffickingStatus: (
        "vic_TraffickingStatus",
        {
            "possible_victim": "PossibleVictimOfTrafficking",
            "actual_victim": "ActualVictimOfTrafficking",
            "not_a_victim": "NotAVictimOfTrafficking",
        },
    ),
    CaseStatus: (
        "cas_Status",
        {
            "active": "Active",
            "follow_up": "FollowUp",
            "closed": "Closed",
            "closed_referred": "ClosedReferred",
        },
    ),
    ExploitationType: (
        "vic_TypeOfExploitation",
        {
            "forced_labour": "ForcedLabour",
            "sexual_exploitation": "SexualExploitation",
            "child_labour": "ChildLabour",
            "forced_marriage": "ForcedMarriage",
            "servitude": "Servitude",
            "forced_military": "ForcedMilitaryByNonStateActors",
            "organ_removal": "OrganRemoval",
            "forced_begging": "ForcedBegging",
            "forced_adoption": "ForcedAdoption",
            "surrogacy": "Surrogacy",
            "other": "Other",
        },
    ),
    Industry: (
        "vic_ForcedLabourIndustry",
        {
            "agriculture": "A_AgricultureForestryAndFishing",
            "mining": "B_MiningAndQuarrying",
            "manufacturing": "C_Manufacturing",
            "utilities": "D_ElectricityGasSteamAndAirConditioningSupply",
            "water_waste": "E_WaterSupplySewerageWasteManagement",
            "construction": "F_Construction",
            "trade_repair": "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
            "transport_storage": "H_TransportationAndStorage",
            "hospitality": "I_AccommodationAndFoodServiceActivities",
            "information": "J_InformationAndCommunication",
            "finance": "K_FinancialAndInsuranceActivities",
            "real_estate": "L_RealEstateActivities",
            "professional": "M_ProfessionalScientificAndTechnicalActivities",
            "administrative_support": "N_AdministrativeAndSupportServiceActivities",
            "public_administration": "O_PublicAdministrationAndDefence",
            "education": "P_Education",
            "health_social": "Q_HumanHealthAndSocialWorkActivities",
            "arts_entertainment": "R_ArtsEntertainmentAndRecreation",
            "other_services": "S_OtherServiceActivities",
            "domestic_work": "T_ActivitiesOfHouseholdsAsEmployers",
            "extraterritorial": "U_ActivitiesOfExtraterritorialOrganizations",
        },
    ),
    ControlMethod: (
        "vic_MethodsOfControl",
        {
            "physical_threats": "PhysicalThreats",
            "threats_law_enforcement": "ThreatsLawEnforcement",
            "threatens_family": "ThreatensChildrenFamily",
            "debt_bondage": "DebtBondage",
            "false_promises": "FalsePromises",
            "physical_abuse": "PhysicalAbuse",
            "sexual_abuse": "SexualAbuse",
            "takes_earnings": "TakesEarnings",
            "restricts_financial_access": "RestrictsFinancialAccess",
            "restricts_medical_care": "RestrictsMedicalCare",
            "withholds_necessities": "WithholdsNecessities",
            "psychological_abuse": "PsychologicalAbuse",
            "psychoactive_substances": "PsychoactiveSubstance",
            "excessive_working_hours": "ExcessiveWorkingHours",
            "withholds_documents": "WithholdsDocuments",
            "other": "Other",
        },
    ),
    RecruitmentMethod: (
        "vic_MethodOfRecruitment",
        {
            "place_of_business": "AtAPlaceOfBusiness",
            "educational_institution": "AtAnEducationalInstitution",
            "at_work": "AtWork",
            "online_social_network": "ThroughOnlineSocialNetworks",
            "online_advertisement": "ThroughAnOnlineAdvertisement",
            "television_advert": "ThroughATelevisionAdvert",
            "newspaper_advert": "ThroughANewspaperAdvert",
            "family_events": "ThroughFamilyOrFamilyEvents",
            "friends_or_social_events": "ThroughFriendsOrSocialEvents",
            "other": "Other",
        },
    ),
    Channel: (
        "vic_RecruitmentWebsitesAndApps",
        {
            "facebook": "Facebook",
            "instagram": "Instagram",
            "whatsapp": "WhatsApp",
            "telegram": "Telegram",
            "facebook_messenger": "FacebookMessenger",
            "viber": "Viber",
            "snapchat": "SnapChat",
            "line": "Line",
            "four_sale": "4Sale",
            "wechat": "WeChat",
            "qq": "QQ",
            "qzone": "QZone",
            "tiktok": "TikTok",
            "twitter": "Twitter",
            "other": "Other",
        },
    ),
    RelationshipToTrafficker: (
        "vic_RelationshipToTrafficker",
        {"familial": "Familial", "acquainted": "Acquainted", "unacquainted": "Unaquainted"},
    ),
    OrganizationKind: (
        "org_Type",
        {
            "ngo": "NGO",
            "law_enforcement": "LawEnforcement",
            "government": "CentralGovernmentOrganisation",
            "local_government": "LocalGovernmentOrganisation",
            "immigration_service": "ImmigrationService",
            "health_service": "HealthServiceOrganisation",
            "legal_service": "LegalService",
            "school": "SchoolOrCollege",
            "company": "CorporateBusiness",
        },
    ),
    Consent: ("con_Consent", {"given": "TRUE", "refused": "FALSE"}),
}

# Every code list of the standard, by the name used in docs, templates and the API.
CODE_LISTS: dict[str, type[StrEnum]] = {
    "gender": Gender,
    "role": Role,
    "trafficking_status": TraffickingStatus,
    "case_status": CaseStatus,
    "exploitation_type": ExploitationType,
    "industry": Industry,
    "control_method": ControlMethod,
    "recruitment_method": RecruitmentMethod,
    "channel": Channel,
    "relationship_to_trafficker": RelationshipToTrafficker,
    "organization_kind": OrganizationKind,
    "document_kind": DocumentKind,
    "account_kind": AccountKind,
    "travel_mode": TravelMode,
    "relation_kind": RelationKind,
    "outcome_kind": OutcomeKind,
    "transaction_channel": TransactionChannel,
    "social_platform": SocialPlatform,
    "handling_code": HandlingCode,
    "source_reliability": SourceReliability,
    "information_credibility": InformationCredibility,
    "sharing_scope": SharingScope,
    "consent": Consent,
}

# Common synonyms agencies write, beyond codes, labels and HTCDS names.
_SYNONYMS: dict[type[StrEnum], dict[str, str]] = {
    Gender: {"f": "female", "m": "male", "w": "female", "woman": "female", "man": "male",
             "u": "unknown", "x": "non_conforming"},
    Role: {"intermediary": "recruiter", "travel_agent": "broker",
           "trafficker": "suspect", "offender": "suspect", "perpetrator": "suspect"},
    Consent: {"yes": "given", "true": "given", "1": "given", "y": "given",
              "no": "refused", "false": "refused", "0": "refused", "n": "refused"},
    TravelMode: {"plane": "air", "flight": "air", "train": "rail", "boat": "sea",
                 "ferry": "sea", "walk": "on_foot", "foot": "on_foot", "truck": "road",
                 "van": "road"},
}


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _aliases(enum: type[StrEnum]) -> dict[str, str]:
    table: dict[str, str] = {}
    for member in enum:
        table[_key(member.value)] = member.value
        table[_key(member.name)] = member.value
    if enum in HTCDS:
        for code, htcds_value in HTCDS[enum][1].items():
            table.setdefault(_key(htcds_value), code)
    for alias, code in _SYNONYMS.get(enum, {}).items():
        table.setdefault(_key(alias), code)
    return table


_ALIAS_CACHE: dict[type[StrEnum], dict[str, str]] = {}


def parse_code(enum: type[StrEnum], value: Any) -> Any:
    """Map a code, an HTCDS value name or a common synonym to the Tessera code.

    Unknown values are returned unchanged so that validation names them in its error.
    """
    if isinstance(value, enum) or not isinstance(value, str):
        return value
    return _lookup(enum, value)


def code_parser(enum: type[StrEnum]) -> Callable[[Any], Any]:
    """``parse_code`` for one code list, answering the codes themselves with one lookup."""
    exact = {member.value: member for member in enum if parse_code(enum, member.value) == member}

    def parse(value: Any) -> Any:
        if type(value) is str:
            member = exact.get(value)
            if member is not None:
                return member
        return parse_code(enum, value)

    return parse


@lru_cache(maxsize=8192)
def _lookup(enum: type[StrEnum], value: str) -> str:
    aliases = _ALIAS_CACHE.get(enum)
    if aliases is None:
        aliases = _ALIAS_CACHE[enum] = _aliases(enum)
    return aliases.get(_key(value), value)


def to_htcds(enum: type[StrEnum], code: str) -> str | None:
    """The HTCDS value name for a Tessera code, or None where HTCDS has none."""
    entry = HTCDS.get(enum)
    return entry[1].get(code) if entry else None
