"""Indicator rules: the shipped file against the standard, each kind of predicate firing and
not firing, people resolved across agencies, cases, scores, and the loader's errors."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from tessera.patterns import indicators
from tessera.patterns.indicators import Indicator, RuleError, assess, load
from tessera.standard.records import ANY_RECORD, Record
from tessera.synth.scenario import generate
from tessera.synth.world import Settings

UA, MD = "UA-POL", "MD-NGO"


def recorded(agency: str, *rows: dict[str, Any]) -> list[tuple[str, Record]]:
    return [(agency, ANY_RECORD.validate_python(row, context={"country": "XX"}))
            for row in rows]


def person(ref: str, **fields: Any) -> dict[str, Any]:
    return {"record_type": "person", "ref": ref, "name": f"Person {ref}", **fields}


def exploitation(ref: str, person_ref: str, control: str, **fields: Any) -> dict[str, Any]:
    return {"record_type": "exploitation", "ref": ref, "person_ref": person_ref,
            "types": "forced_labour", "control_methods": control, **fields}


def account(ref: str, number: str) -> dict[str, Any]:
    return {"record_type": "account", "ref": ref, "account_number": number, "country": "DE"}


def paid(ref: str, payer: str, payee: str, amount: str = "100.00", **fields: Any
         ) -> dict[str, Any]:
    return {"record_type": "transaction", "ref": ref, "payer_account_ref": payer,
            "beneficiary_account_ref": payee, "amount": amount, "currency": "EUR",
            "timestamp": "2023-05-01", **fields}


def rules_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text("indicators:\n" + textwrap.indent(textwrap.dedent(body), "  "),
                    encoding="utf-8")
    return path


def rule(tmp_path: Path, when: str, applies_to: str = "person", **extra: str) -> Indicator:
    """The one rule of a file saying ``when``, plus any ``extra`` keys."""
    keys = {"id": "test.rule", "title": "Test rule", "source": "a test", "weight": "0.5",
            "applies_to": applies_to, "doc": "Fires in tests.", "when": when, **extra}
    body = "\n".join(f"{'- ' if n == 0 else '  '}{k}: {v}" for n, (k, v) in
                     enumerate(keys.items()))
    (found,) = load(rules_file(tmp_path, body + "\n"))
    return found


def fired(records: list[tuple[str, Record]], rules: list[Indicator] | tuple[Indicator, ...],
          people: dict[str, str] | None = None) -> dict[str, set[str]]:
    found = assess(records, people, rules)
    return {r.subject: {f.indicator.id for f in r.findings}
            for r in (*found.entities, *found.cases)}


# The shipped rules


def test_the_shipped_rules_load_against_the_standard_and_cover_the_eleven_ilo_indicators(
) -> None:
    rules = load()
    assert len({r.id for r in rules}) == len(rules)
    sources = " ".join(r.source for r in rules)
    for number in range(1, 12):
        assert f"Forced Labour (2012), {number} " in sources, number
    assert {"person", "organization", "account", "case"} <= {k for r in rules
                                                             for k in r.applies_to}
    assert all(0 < r.weight < 1 and r.doc and r.title for r in rules)


def test_a_users_own_file_loads_like_the_shipped_one(tmp_path: Path) -> None:
    shipped = Path(indicators.__file__).with_name(indicators.SHIPPED)
    copy = tmp_path / "copy.yaml"
    copy.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    assert load(copy) == load()


def test_on_a_generated_scenario_victims_score_and_are_explained_by_their_records() -> None:
    scenario = generate(Settings(seed=3, scale=1500))
    records = [(a.code, ANY_RECORD.validate_python(row, context={"country": a.country}))
               for a in scenario.agencies for row in a.rows]
    truth = {f"{a.code}/{ref}": true for a in scenario.agencies for ref, kind, true in a.truth
             if kind == "person"}
    found = assess(records, truth)
    people = [r for r in found.entities if r.kind == "person"]
    assert people and people[0].score > 0.5
    victims = {p.id for p in scenario.world.people.values() if "victim" in p.roles}
    top = people[: max(1, len(people) // 4)]
    assert sum(r.subject in victims for r in top) / len(top) >= 0.8
    assert all(e.partition("/")[0] in {a.code for a in scenario.agencies}
               for r in top for e in r.evidence)
    assert found.cases and all(r.kind == "case" for r in found.cases)


# Each kind of predicate


def test_any_of_fires_on_a_listed_code_among_several_and_not_on_others(tmp_path: Path) -> None:
    debt = rule(tmp_path, "{record: exploitation, field: control_methods, any_of: "
                          "[DebtBondage]}")
    assert debt.conditions[0].value == ("debt_bondage",)  # HTCDS names read as codes
    records = recorded(UA, person("V1"), person("V2"),
                       exploitation("E1", "V1", "isolation;debt_bondage"),
                       exploitation("E2", "V2", "isolation;excessive_working_hours"))
    found = assess(records, rules=[debt])
    assert [r.subject for r in found.entities] == [f"person:{UA}/V1"]
    (finding,) = found.entities[0].findings
    assert finding.evidence == (f"{UA}/E1",)
    assert finding.details == ("control methods: debt_bondage",)


def test_below_reads_an_age_band_by_its_upper_bound(tmp_path: Path) -> None:
    minor = rule(tmp_path, "{record: person, field: age, below: 18}")
    records = recorded(UA, person("A", age="15"), person("B", age="16-19"),
                       person("C", age="17"), person("D", age="60+"), person("E"))
    assert fired(records, [minor]) == {f"person:{UA}/A": {"test.rule"},
                                       f"person:{UA}/C": {"test.rule"}}


def test_at_least_reads_an_age_band_by_its_lower_bound(tmp_path: Path) -> None:
    old = rule(tmp_path, "{record: person, field: age, at_least: 60}")
    records = recorded(UA, person("A", age="60+"), person("B", age="55-65"))
    assert set(fired(records, [old])) == {f"person:{UA}/A"}


def test_is_fires_on_a_yes_no_field_through_the_owner_ref(tmp_path: Path) -> None:
    forged = rule(tmp_path, "{record: identity_document, field: suspected_forged, is: true}")
    assert forged.via == "owner_ref"
    records = recorded(UA, person("P1"), person("P2"),
                       {"record_type": "identity_document", "ref": "D1", "owner_ref": "P1",
                        "kind": "passport", "number": "FE123456", "suspected_forged": "true"},
                       {"record_type": "identity_document", "ref": "D2", "owner_ref": "P2",
                        "kind": "passport", "number": "FE654321", "suspected_forged": "false"})
    assert set(fired(records, [forged])) == {f"person:{UA}/P1"}


def test_all_conditions_of_a_rule_must_hold_on_one_record(tmp_path: Path) -> None:
    both = rule(tmp_path, "{record: person, all: [{field: age, below: 18}, "
                          "{field: gender, any_of: [female]}]}")
    records = recorded(UA, person("A", age="15", gender="female"),
                       person("B", age="15", gender="male"),
                       person("C", age="30", gender="female"))
    assert set(fired(records, [both])) == {f"person:{UA}/A"}


def test_present_fires_on_a_given_value_only(tmp_path: Path) -> None:
    promised = rule(tmp_path, "{record: recruitment, field: promised_job, present: true}")
    records = recorded(UA, person("V1"), person("V2"),
                       {"record_type": "recruitment", "ref": "R1", "person_ref": "V1",
                        "promised_job": "fruit picking"},
                       {"record_type": "recruitment", "ref": "R2", "person_ref": "V2"})
    assert set(fired(records, [promised])) == {f"person:{UA}/V1"}


def test_via_names_the_organisation_that_exploited(tmp_path: Path) -> None:
    exploiter = rule(tmp_path, "{record: exploitation, field: control_methods, any_of: "
                               "[withholds_documents]}",
                     applies_to="[person, organization]", via="exploiter_ref")
    records = recorded(UA, person("V1"),
                       {"record_type": "organization", "ref": "O1", "name": "Sunrise Farm",
                        "country": "PL", "registration_number": "0000123"},
                       exploitation("E1", "V1", "withholds_documents", exploiter_ref="O1"))
    assert fired(records, [exploiter]) == {"organization:PL:0000123": {"test.rule"}}


def test_a_case_rule_reads_the_case_record(tmp_path: Path) -> None:
    child = rule(tmp_path, "{record: case, field: exploitation_types, any_of: [child_labour]}",
                 applies_to="case")
    records = recorded(UA, {"record_type": "case", "ref": "C1", "country": "UA",
                            "exploitation_types": "child_labour;forced_begging"},
                       {"record_type": "case", "ref": "C2", "country": "UA",
                        "exploitation_types": "forced_labour"})
    found = assess(records, rules=[child])
    assert [r.subject for r in found.cases] == [f"{UA}/C1"]
    assert not found.entities


# Account aggregates


def funnel(payers: int, **fields: Any) -> list[tuple[str, Record]]:
    rows = [account("HUB", "DE-HUB")]
    for n in range(payers):
        rows += [account(f"A{n}", f"DE-{n}"), paid(f"T{n}", f"A{n}", "HUB", **fields)]
    return recorded("DE-FIU", *rows)


def test_distinct_payers_with_a_purpose_count_accounts_not_payments(tmp_path: Path) -> None:
    rent = rule(tmp_path, "{aggregate: payers, where: [{field: purpose, contains_any: [rent]}],"
                          " at_least: 3}", applies_to="account")
    found = assess(funnel(3, purpose="Rent May"), rules=[rent])
    (risk,) = found.entities
    assert risk.subject == "account:DE:DE-HUB" and risk.kind == "account"
    assert risk.findings[0].details == (
        "3 distinct payers with purpose mentioning rent (at least 3)",)
    assert len(risk.findings[0].evidence) == 3
    assert not assess(funnel(2, purpose="rent"), rules=[rent]).entities
    assert not assess(funnel(5, purpose="groceries"), rules=[rent]).entities
    one_payer = recorded("DE-FIU", account("HUB", "H"), account("A", "A"),
                         *(paid(f"T{n}", "A", "HUB", purpose="rent") for n in range(5)))
    assert not assess(one_payer, rules=[rent]).entities


def test_a_share_needs_enough_payments_to_say_anything(tmp_path: Path) -> None:
    cash = rule(tmp_path, "{aggregate: share_in, where: {field: channel, any_of: "
                          "[cash_deposit]}, at_least: 0.5}", applies_to="account")
    assert fired(funnel(5, channel="cash_deposit"), [cash]) == {
        "account:DE:DE-HUB": {"test.rule"}}
    assert not fired(funnel(4, channel="cash_deposit"), [cash])  # under MIN_PAYMENTS
    assert not fired(funnel(6, channel="bank_transfer"), [cash])


def test_pass_through_compares_what_leaves_with_what_arrived(tmp_path: Path) -> None:
    through = rule(tmp_path, "{aggregate: out_over_in, at_least: 0.9}", applies_to="account")

    def mule(out_amount: str) -> list[tuple[str, Record]]:
        rows = [account("M", "MULE"), account("S", "SRC"), account("D", "DST")]
        rows += [paid(f"I{n}", "S", "M", "1000.00") for n in range(3)]
        rows += [paid(f"O{n}", "M", "D", out_amount) for n in range(5)]
        return recorded("DE-FIU", *rows)

    assert fired(mule("580.00"), [through]) == {"account:DE:MULE": {"test.rule"}}  # 2900/3000
    assert not fired(mule("300.00"), [through])


def test_amount_bounds_find_payments_just_under_a_threshold(tmp_path: Path) -> None:
    structuring = rule(tmp_path, "{aggregate: payments_in, where: [{field: amount, at_least: "
                                 "9000}, {field: amount, below: 10000}], at_least: 3}",
                       applies_to="account")
    assert fired(funnel(3, amount="9500.00"), [structuring])
    assert not fired(funnel(3, amount="10000.00"), [structuring])
    assert not fired(funnel(2, amount="9999.99"), [structuring])


# Resolution, cases and scores


def test_one_persons_records_in_two_agencies_are_one_entity_with_both_evidences() -> None:
    records = [*recorded(UA, person("P1", case_ref="C1"),
                         exploitation("E1", "P1", "withholds_documents", case_ref="C1")),
               *recorded(MD, person("P9"), exploitation("E9", "P9", "debt_bondage")),
               *recorded(MD, person("P10"), exploitation("E10", "P10", "debt_bondage"))]
    found = assess(records, {f"{UA}/P1": "E000001", f"{MD}/P9": "E000001"})
    merged = found.of("E000001")
    assert merged is not None and merged.kind == "person"
    assert {f.indicator.id: f.evidence for f in merged.findings} == {
        "ilo.retention_of_identity_documents": (f"{UA}/E1",),
        "ilo.debt_bondage": (f"{MD}/E9",),
    }
    assert merged.score == pytest.approx(1 - 0.5 * 0.5)
    alone = found.of(f"person:{MD}/P10")  # not in the map: their own record
    assert alone is not None and alone.score == pytest.approx(0.5)
    assert [r.subject for r in found.entities] == ["E000001", f"person:{MD}/P10"]


def test_a_ref_to_a_person_not_given_is_that_agencys_record() -> None:
    found = assess(recorded(UA, exploitation("E1", "P404", "debt_bondage")))
    assert [r.subject for r in found.entities] == [f"person:{UA}/P404"]


def test_a_cases_findings_gather_every_record_of_the_case_with_its_evidence() -> None:
    records = recorded(
        UA, {"record_type": "case", "ref": "C1", "country": "UA"},
        person("V1", case_ref="C1"), person("V2", case_ref="C1"), person("V3", case_ref="C2"),
        exploitation("E1", "V1", "debt_bondage", case_ref="C1"),
        exploitation("E2", "V2", "debt_bondage;isolation", case_ref="C1"),
        exploitation("E3", "V3", "excessive_working_hours", case_ref="C2"))
    found = assess(records)
    case = found.of(f"{UA}/C1")
    assert case is not None and case.kind == "case"
    assert {f.indicator.id: f.evidence for f in case.findings} == {
        "ilo.debt_bondage": (f"{UA}/E1", f"{UA}/E2"), "ilo.isolation": (f"{UA}/E2",)}
    assert [r.subject for r in found.cases] == [f"{UA}/C1", f"{UA}/C2"]


def test_scores_rank_more_and_stronger_indicators_first_and_count_a_group_once() -> None:
    records = recorded(
        UA, person("A"), person("B"), person("C"), person("D"),
        exploitation("EA", "A", "debt_bondage;withholds_documents;physical_abuse"),
        exploitation("EB", "B", "debt_bondage"),
        exploitation("EC", "C", "excessive_working_hours"),
        exploitation("ED", "D", "debt_bondage"),
        {"record_type": "recruitment", "ref": "RD", "person_ref": "D", "methods": "debt"})
    found = assess(records)
    scores = {r.subject.rpartition("/")[2]: r.score for r in found.entities}
    assert [r.subject.rpartition("/")[2] for r in found.entities] == ["A", "D", "B", "C"]
    assert scores["A"] == pytest.approx(1 - 0.5 ** 3)
    # debt bondage from the recruitment and the exploitation is one indicator, counted once
    assert scores["D"] == pytest.approx(scores["B"]) == pytest.approx(0.5)
    assert len(found.entities[1].findings) == 2
    reasons = found.entities[0].reasons()
    assert reasons[0].startswith("Debt bondage (weight 0.5; ILO")
    assert f"{UA}/EA" in reasons[0]


# Loader errors


@pytest.mark.parametrize(("when", "key", "says"), [
    ("{record: exploitation, field: control_metods, any_of: [debt_bondage]}",
     "when.field", "exploitation has no field 'control_metods'"),
    ("{record: exploitation, field: control_methods, any_of: [debt_bondge]}",
     "when.any_of", "unknown code 'debt_bondge' for exploitation.control_methods"),
    ("{record: exploitaton, field: control_methods, any_of: [debt_bondage]}",
     "when.record", "unknown record type 'exploitaton'"),
    ("{record: person, field: name, below: 18}", "when.below", "compares numbers"),
    ("{record: person, field: age, below: 18, any_of: [x]}", "when",
     "expected one operator"),
    ("{record: person, field: age, matches: 18}", "when.matches", "unknown key"),
    ("{aggregate: payers, where: [{field: purpose_text, contains_any: [rent]}], at_least: 3}",
     "when.where[0].field", "transaction has no field 'purpose_text'"),
    ("{aggregate: distinct_payers, at_least: 3}", "when.aggregate",
     "unknown aggregate 'distinct_payers'"),
    ("{aggregate: share_in, at_least: 0.5}", "when.where", "needs the condition"),
])
def test_a_rule_naming_what_the_standard_lacks_is_an_error_naming_file_rule_and_key(
        tmp_path: Path, when: str, key: str, says: str) -> None:
    applies = "account" if "aggregate" in when else "person"
    with pytest.raises(RuleError) as error:
        rule(tmp_path, when, applies_to=applies)
    message = str(error.value)
    assert message.startswith(f"{tmp_path / 'mine.yaml'}: rule 'test.rule': {key}: "), message
    assert says in message


@pytest.mark.parametrize(("change", "key"), [
    ("weight: 0.5", "weight: 1.5"),
    ("applies_to: person", "applies_to: victim"),
    ("title: Test rule", "titel: Test rule"),
    ("doc: Fires in tests.", "doc: ''"),
])
def test_a_malformed_rule_is_an_error_naming_its_key(tmp_path: Path, change: str,
                                                     key: str) -> None:
    body = textwrap.dedent("""\
        - id: test.rule
          title: Test rule
          source: a test
          weight: 0.5
          applies_to: person
          doc: Fires in tests.
          when: {record: person, field: age, below: 18}
        """).replace(change, key)
    with pytest.raises(RuleError, match=rf"rule 'test.rule': {key.split(':')[0]}: "):
        load(rules_file(tmp_path, body))


def test_a_via_that_cannot_name_the_subject_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"via: exploitation.site_ref names a organization or "
                                        r"location, not a person"):
        rule(tmp_path, "{record: exploitation, field: types, any_of: [forced_labour]}",
             via="site_ref")
    with pytest.raises(RuleError, match=r"via: say which ref field of movement names"):
        rule(tmp_path, "{record: movement, field: mode, any_of: [bus]}",
             applies_to="organization")


def test_duplicate_ids_a_missing_file_and_bad_yaml_are_errors(tmp_path: Path) -> None:
    one = """\
        - id: same
          title: T
          source: S
          weight: 0.2
          applies_to: person
          doc: D.
          when: {record: person, field: age, below: 18}
        """
    with pytest.raises(RuleError, match="rule 'same': id: given twice"):
        load(rules_file(tmp_path, textwrap.dedent(one) * 2))
    with pytest.raises(RuleError, match="cannot read the rules file"):
        load(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("indicators: [\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"bad\.yaml: not YAML"):
        load(bad)
    bad.write_text("rules: []\n", encoding="utf-8")
    with pytest.raises(RuleError, match="a list under 'indicators'"):
        load(bad)
