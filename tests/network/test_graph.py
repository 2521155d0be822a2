"""The network built from standard records: shared identifiers, resolved people, the ties the
records state, their provenance, and what the build leaves out."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from tessera.network import graph
from tessera.standard.records import ANY_RECORD, Record

UA, MD = "UA-POL", "MD-NGO"


def recorded(agency: str, *rows: dict[str, Any]) -> list[tuple[str, Record]]:
    """``rows`` as the standard records of ``agency``."""
    return [(agency, ANY_RECORD.validate_python(row, context={"country": "XX"}))
            for row in rows]


def person(ref: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"record_type": "person", "ref": ref, "name": name, **fields}


def ties(net: graph.Network) -> set[tuple[str, str, str]]:
    return set(net.edges)


# Identifiers and people


def test_one_phone_in_two_agencies_records_is_one_node_joining_two_people() -> None:
    net = graph.build([
        *recorded(UA, person("P1", "Ivan Bondar"),
                  {"record_type": "phone", "ref": "T1", "owner_ref": "P1",
                   "number": "+380 50 123 4567"}),
        *recorded(MD, person("P9", "Ion Rusu"),
                  {"record_type": "phone", "ref": "T7", "owner_ref": "P9",
                   "number": "+380-501-234-567"}),
    ])
    phone = "phone:+380501234567"
    assert [n for n in net.nodes if n.startswith("phone:")] == [phone]
    assert net.nodes[phone].label == "+380501234567"
    assert net.nodes[phone].provenance.agencies == {UA, MD}
    assert net.nodes[phone].provenance.records == {f"{UA}/T1", f"{MD}/T7"}
    assert ties(net) == {(f"person:{UA}/P1", phone, "uses"), (f"person:{MD}/P9", phone, "uses")}


def test_each_kind_of_identifier_is_one_node_tied_to_its_holder_by_what_they_do_with_it(
) -> None:
    net = graph.build(recorded(
        UA, person("P1", "Ivan Bondar"),
        {"record_type": "email", "ref": "E1", "owner_ref": "P1", "address": "ivan@example.org"},
        {"record_type": "account", "ref": "A1", "owner_ref": "P1",
         "iban": "DE89 3704 0044 0532 0130 00"},
        {"record_type": "vehicle", "ref": "V1", "owner_ref": "P1", "plate": "AA-1234-BB",
         "country": "UA"},
        {"record_type": "identity_document", "ref": "D1", "owner_ref": "P1",
         "kind": "passport", "number": "FE123456", "issuing_country": "UA"},
        {"record_type": "social_handle", "ref": "H1", "owner_ref": "P1",
         "platform": "telegram", "handle": "@Ivan_B"},
    ))
    ivan = f"person:{UA}/P1"
    assert net.kinds() == {"account": 1, "document": 1, "email": 1, "handle": 1,
                           "person": 1, "vehicle": 1}
    assert ties(net) == {
        (ivan, "email:ivan@example.org", "uses"),
        (ivan, "account:DE89370400440532013000", "holds"),
        (ivan, "vehicle:UA:AA1234BB", "owns"),
        (ivan, "document:UA:FE123456", "holds"),
        (ivan, "handle:telegram:ivan_b", "uses"),
    }


def test_an_entity_map_merges_person_records_and_unmapped_persons_stay_apart() -> None:
    net = graph.build([
        *recorded(UA, person("P1", "Ivan Bondar", roles="recruiter", nationalities="UA")),
        *recorded(MD, person("P9", "Ivan Bondari", roles="organiser", residence_country="MD"),
                  person("P10", "Ion Rusu")),
    ], {f"{UA}/P1": "E000000001", f"{MD}/P9": "E000000001"})
    assert net.kinds() == {"person": 2}
    merged = net.nodes["E000000001"]
    assert merged.provenance.records == {f"{UA}/P1", f"{MD}/P9"}
    assert merged.provenance.agencies == {UA, MD}
    assert merged.provenance.countries == {"UA", "MD"}
    assert merged.roles == {"recruiter", "organiser"}
    assert net.nodes[f"person:{MD}/P10"].provenance.records == {f"{MD}/P10"}


def test_two_agencies_statements_of_one_tie_between_one_entitys_records_are_one_edge() -> None:
    people = {f"{UA}/P1": "E1", f"{MD}/P9": "E1", f"{UA}/P2": "E2", f"{MD}/P8": "E2"}
    net = graph.build([
        *recorded(UA, person("P1", "Ivan Bondar"), person("P2", "Olena Koval"),
                  {"record_type": "relation", "ref": "R1", "kind": "controlled",
                   "source_ref": "P1", "target_ref": "P2", "started": "2021-03"}),
        *recorded(MD, person("P9", "Ivan Bondar"), person("P8", "Olena Koval"),
                  {"record_type": "relation", "ref": "R5", "kind": "controlled",
                   "source_ref": "P9", "target_ref": "P8", "ended": "2022-06-15"}),
    ], people)
    assert ties(net) == {("E1", "E2", "controlled")}
    edge = net.edges["E1", "E2", "controlled"]
    assert edge.count == 2
    assert edge.provenance.records == {f"{UA}/R1", f"{MD}/R5"}
    assert edge.provenance.agencies == {UA, MD}
    assert (edge.provenance.first, edge.provenance.last) == (dt.date(2021, 3, 1),
                                                            dt.date(2022, 6, 15))


# Ties


def test_each_kind_of_tie_runs_from_who_acted_to_whom_it_was_done() -> None:
    net = graph.build(recorded(
        UA,
        person("V", "Olena Koval", roles="victim"), person("C", "Controller"),
        person("R", "Recruiter"), person("X", "Exploiter"), person("T", "Transporter"),
        {"record_type": "organization", "ref": "O", "name": "Sunrise Farm", "country": "PL",
         "registration_number": "0000123"},
        {"record_type": "vehicle", "ref": "VH", "owner_ref": "T", "plate": "BC 1234 AA"},
        {"record_type": "account", "ref": "A1", "owner_ref": "X", "account_number": "111",
         "country": "PL"},
        {"record_type": "account", "ref": "A2", "owner_ref": "T", "account_number": "222",
         "country": "PL"},
        {"record_type": "relation", "ref": "REL", "kind": "controlled", "source_ref": "C",
         "target_ref": "V"},
        {"record_type": "recruitment", "ref": "REC", "person_ref": "V", "recruiter_ref": "R"},
        {"record_type": "exploitation", "ref": "EXP", "person_ref": "V", "types": "forced_labour",
         "exploiter_ref": "X", "site_ref": "O"},
        {"record_type": "movement", "ref": "MOV", "person_ref": "V", "from_country": "UA",
         "to_country": "PL", "transporter_ref": "T", "vehicle_ref": "VH"},
        {"record_type": "transaction", "ref": "TX", "payer_account_ref": "A1",
         "beneficiary_account_ref": "A2", "amount": "300", "currency": "PLN",
         "timestamp": "2023-04-01"},
    ))
    v, c, r, x, t = (f"person:{UA}/{ref}" for ref in "VCRXT")
    farm, van = "organization:PL:0000123", "vehicle:?:BC1234AA"
    a1, a2 = "account:PL:111", "account:PL:222"
    assert ties(net) == {
        (c, v, "controlled"), (r, v, "recruited"), (x, v, "exploited"),
        (v, farm, "exploited_at"), (t, v, "transported"), (v, van, "travelled_in"),
        (a1, a2, "paid"), (t, van, "owns"), (x, a1, "holds"), (t, a2, "holds"),
    }
    assert net.dangling == 0


def test_payments_between_one_pair_of_accounts_add_up_per_currency() -> None:
    def paid(ref: str, payer: str, payee: str, amount: str, currency: str, day: str
             ) -> dict[str, Any]:
        return {"record_type": "transaction", "ref": ref, "payer_account_ref": payer,
                "beneficiary_account_ref": payee, "amount": amount, "currency": currency,
                "timestamp": day}

    net = graph.build(recorded(
        UA,
        {"record_type": "account", "ref": "A1", "account_number": "111", "country": "UA"},
        {"record_type": "account", "ref": "A2", "account_number": "222", "country": "MD"},
        paid("TX1", "A1", "A2", "100.00", "EUR", "2023-04-01"),
        paid("TX2", "A1", "A2", "50.50", "EUR", "2023-02-10"),
        paid("TX3", "A1", "A2", "20.00", "USD", "2023-05-20"),
        paid("TX4", "A2", "A1", "7.00", "EUR", "2023-06-01"),
    ))
    a1, a2 = "account:UA:111", "account:MD:222"
    forth, back = net.edges[a1, a2, "paid"], net.edges[a2, a1, "paid"]
    assert forth.count == 3
    assert forth.amounts == {"EUR": Decimal("150.50"), "USD": Decimal("20.00")}
    assert forth.amount == 170.5
    assert forth.provenance.records == {f"{UA}/TX1", f"{UA}/TX2", f"{UA}/TX3"}
    assert forth.provenance.countries == {"UA", "MD"}  # where the two accounts are
    assert (forth.provenance.first, forth.provenance.last) == (dt.date(2023, 2, 10),
                                                              dt.date(2023, 5, 20))
    assert back.count == 1 and back.amounts == {"EUR": Decimal("7.00")}


def test_outcomes_are_kept_on_the_person_they_concern() -> None:
    net = graph.build(recorded(
        UA, person("P1", "Ivan Bondar"),
        {"record_type": "outcome", "ref": "OUT1", "kind": "arrest", "person_ref": "P1"},
        {"record_type": "outcome", "ref": "OUT2", "kind": "conviction", "person_ref": "P1"},
    ))
    assert net.nodes[f"person:{UA}/P1"].outcomes == {"arrest", "conviction"}


# Provenance


def test_a_tie_keeps_its_records_agency_case_countries_and_time_span() -> None:
    net = graph.build(recorded(
        UA,
        {"record_type": "case", "ref": "C1", "country": "UA"},
        person("P1", "Ivan Bondar"), person("P2", "Olena Koval", case_ref="C1"),
        {"record_type": "recruitment", "ref": "REC", "case_ref": "C1", "person_ref": "P2",
         "recruiter_ref": "P1", "country": "MD", "date": "2021-07"},
    ))
    ivan, olena = f"person:{UA}/P1", f"person:{UA}/P2"
    tie = net.edges[ivan, olena, "recruited"].provenance
    assert tie.records == {f"{UA}/REC"}
    assert tie.agencies == {UA}
    assert tie.cases == {f"{UA}/C1"}
    assert tie.countries == {"MD", "UA"}  # where it happened, where the case is
    assert tie.first == tie.last == dt.date(2021, 7, 1)  # a month's earliest day
    # a node is seen whenever its ties are; its own record gives no date
    assert (net.nodes[ivan].provenance.first, net.nodes[ivan].provenance.last) == (
        dt.date(2021, 7, 1), dt.date(2021, 7, 1))
    assert net.nodes[olena].provenance.cases == {f"{UA}/C1"}


# What is not drawn


def test_a_reference_to_a_record_not_given_is_dangling_and_draws_nothing() -> None:
    net = graph.build(recorded(
        UA, person("P1", "Ivan Bondar"),
        {"record_type": "relation", "ref": "R1", "kind": "associate", "source_ref": "P1",
         "target_ref": "P-elsewhere"},
        {"record_type": "phone", "ref": "T1", "owner_ref": "P-elsewhere",
         "number": "+380501234567"},
    ))
    assert net.dangling == 2
    assert net.edges == {}
    assert set(net.nodes) == {f"person:{UA}/P1", "phone:+380501234567"}


def test_a_reference_to_another_agencys_ref_is_not_resolved_in_its_own() -> None:
    net = graph.build([
        *recorded(UA, person("P1", "Ivan Bondar")),
        *recorded(MD, {"record_type": "phone", "ref": "T1", "owner_ref": "P1",
                       "number": "+380501234567"}),
    ])
    assert net.edges == {} and net.dangling == 1


def test_people_named_in_one_case_are_tied_by_it() -> None:
    net = graph.build(recorded(
        UA, {"record_type": "case", "ref": "C1", "country": "UA"},
        *(person(f"P{i}", f"Person {i}", case_ref="C1") for i in range(3)),
        person("P-other", "Not in it"),
    ))
    named = sorted(f"person:{UA}/P{i}" for i in range(3))
    assert ties(net) == {(a, b, graph.SAME_CASE) for a, b in itertools.combinations(named, 2)}
    edge = net.edges[named[0], named[1], graph.SAME_CASE]
    assert edge.count == 1
    assert edge.provenance.records == {f"{UA}/P0", f"{UA}/P1", f"{UA}/C1"}
    assert edge.provenance.cases == {f"{UA}/C1"} and edge.provenance.countries == {"UA"}
    assert net.big_cases == 0


def test_a_case_not_given_is_not_named_as_a_source_of_its_ties() -> None:
    net = graph.build(recorded(
        UA, person("P1", "Ivan Bondar", case_ref="C9"), person("P2", "Olena Koval",
                                                               case_ref="C9")))
    edge = net.edges[f"person:{UA}/P1", f"person:{UA}/P2", graph.SAME_CASE]
    assert edge.provenance.records == {f"{UA}/P1", f"{UA}/P2"}  # they name the case
    assert edge.provenance.cases == {f"{UA}/C9"} and edge.provenance.countries == set()


def test_a_case_of_exactly_the_limit_still_draws_its_ties() -> None:
    limit = graph.CASE_CLIQUE_LIMIT
    net = graph.build(recorded(
        UA, *(person(f"P{i}", f"Person {i}", case_ref="C1") for i in range(limit))))
    assert len(net.edges) == limit * (limit - 1) // 2
    assert net.big_cases == 0


def test_a_case_naming_more_people_than_the_limit_draws_no_same_case_ties() -> None:
    limit = graph.CASE_CLIQUE_LIMIT
    net = graph.build(recorded(
        UA,
        *(person(f"B{i}", f"Swept {i}", case_ref="SWEEP") for i in range(limit + 1)),
        person("S1", "Small One", case_ref="SMALL"), person("S2", "Small Two", case_ref="SMALL"),
    ))
    assert ties(net) == {(f"person:{UA}/S1", f"person:{UA}/S2", graph.SAME_CASE)}
    assert net.big_cases == 1


def test_people_on_one_crossing_on_one_day_travelled_together() -> None:
    def crossed(ref: str, who: str, day: str, point: str = "Palanca") -> dict[str, Any]:
        return {"record_type": "movement", "ref": ref, "person_ref": who,
                "from_country": "MD", "to_country": "UA", "departed": day,
                "border_crossing": point}

    net = graph.build(recorded(
        MD, *(person(p, p) for p in ("P1", "P2", "P3", "P4", "P5")),
        crossed("M1", "P1", "2023-03-04"), crossed("M2", "P2", "2023-03-04"),
        crossed("M3", "P3", "2023-03-05"),  # a day later
        crossed("M4", "P4", "2023-03"),  # no day: cannot say they were together
        crossed("M5", "P5", "2023-03-04", "Otaci"),  # elsewhere on the border
    ))
    p1, p2 = f"person:{MD}/P1", f"person:{MD}/P2"
    assert ties(net) == {(p1, p2, graph.TRAVELLED_TOGETHER)}
    together = net.edges[p1, p2, graph.TRAVELLED_TOGETHER].provenance
    assert together.records == {f"{MD}/M1", f"{MD}/M2"}
    assert together.countries == {"MD", "UA"}
    assert together.first == together.last == dt.date(2023, 3, 4)


def test_a_location_without_a_street_is_not_a_node_and_one_address_is_shared() -> None:
    net = graph.build(recorded(
        UA, person("P1", "Ivan Bondar"), person("P2", "Olena Koval"),
        {"record_type": "location", "ref": "L0", "owner_ref": "P1", "city": "Odesa",
         "country": "UA"},
        {"record_type": "location", "ref": "L1", "owner_ref": "P1",
         "street": "Deribasivska 5", "city": "Odesa", "country": "UA"},
        {"record_type": "location", "ref": "L2", "owner_ref": "P2",
         "street": " DERIBASIVSKA 5", "city": "odesa", "country": "UA"},
    ))
    (address,) = [n for n in net.nodes.values() if n.kind == "address"]
    assert address.provenance.records == {f"{UA}/L1", f"{UA}/L2"}
    assert ties(net) == {(f"person:{UA}/P1", address.id, "lives_at"),
                         (f"person:{UA}/P2", address.id, "lives_at")}


def test_an_exploitation_site_without_a_street_draws_nothing_and_is_not_dangling() -> None:
    net = graph.build(recorded(
        UA, person("V", "Olena Koval"),
        {"record_type": "location", "ref": "L0", "city": "Odesa", "country": "UA"},
        {"record_type": "exploitation", "ref": "EXP", "person_ref": "V",
         "types": "sexual_exploitation", "site_ref": "L0"},
    ))
    assert net.edges == {}
    assert net.dangling == 0  # the site was given: it is a place, not a missing record
