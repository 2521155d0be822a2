"""Indicator rules and risk scores: the ILO forced-labour indicators and the financial red flags
of trafficking, declared as data and checked against the standard, evaluated over records.

A rule (``indicators.yaml`` beside this module, or an analyst's own file in the same format)
names a predicate over one record type's fields — "an exploitation record whose control
methods include withholds_documents" — or, for accounts, over simple aggregates of the
transactions the records hold — "at least 5 distinct payers whose purpose mentions rent".
Nothing in a rules file is run as code: the predicates are a small fixed vocabulary, and the
loader refuses a rule that names a record type, field, code or operator the standard does not
have, naming the file, the rule and the key.

``assess`` says, for every resolved entity (person, organisation, account) and every case,
which indicators fired, the records that evidence each ("AGENCY/ref") and a risk score: the
noisy-OR ``1 - prod(1 - w)`` of the fired indicators' weights, each indicator group counted
once (see ``Risk.score``). Entities are the network's nodes (``tessera.network.graph``): a
person is their resolved entity when ``people`` maps their record, else their own record.
"""

from __future__ import annotations

import math
import types
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml

from tessera.network import graph
from tessera.standard import codes as c
from tessera.standard.fields import FieldSpec, field_specs
from tessera.standard.records import (
    RECORD_TYPES,
    Account,
    Organization,
    Person,
    Record,
    Transaction,
)
from tessera.standard.values import AgeRange, Country

SHIPPED = "indicators.yaml"
KINDS = ("person", "organization", "account", "case")
# Operators of a condition on one field, and what each needs of the field.
OPERATORS = ("any_of", "contains_any", "below", "at_least", "is", "present")
# Aggregates of an account's transactions: the direction they read and what they count.
AGGREGATES = {
    "payments_in": "in", "payments_out": "out",  # how many payments (that match ``where``)
    "payers": "in", "beneficiaries": "out",  # how many distinct counterparties
    "share_in": "in", "share_out": "out",  # the share of payments that match ``where``
    "out_over_in": "out",  # amount paid out over amount paid in (pass-through)
}
# A share or ratio over fewer payments than this says nothing (1 of 1 is 100 %).
MIN_PAYMENTS = 5
_RULE_KEYS = {"id", "title", "source", "weight", "applies_to", "doc", "when", "via", "group"}


class RuleError(ValueError):
    """A rules file that cannot be used: names the file, the rule and the key."""


# --- rules ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    """One field of a record compared by one operator."""

    field: str
    op: str
    value: tuple[str, ...] | float | bool

    def match(self, record: Record) -> str | None:
        """What of the record satisfies the condition, in words; ``None`` when nothing does."""
        raw = getattr(record, self.field, None)
        name = self.field.replace("_", " ")
        if self.op == "present":
            given = raw not in (None, "", ())
            if given is not self.value:
                return None
            return f"{name} given" if given else f"no {name}"
        if raw is None or raw == ():
            return None
        if self.op == "is":
            return f"{name} {'yes' if raw else 'no'}" if bool(raw) is self.value else None
        if self.op in ("below", "at_least"):
            number = _number(raw, self.op)
            if number is None:
                return None
            limit = float(self.value)  # type: ignore[arg-type]
            ok = number < limit if self.op == "below" else number >= limit
            words = "below" if self.op == "below" else "at least"
            return f"{name} {raw} ({words} {_plain(limit)})" if ok else None
        values = raw if isinstance(raw, tuple) else (raw,)
        wanted = self.value
        assert isinstance(wanted, tuple)
        if self.op == "any_of":
            found = [v for v in (_comparable(x) for x in values) if v in wanted]
        else:  # contains_any: text, case-insensitive
            found = [str(x) for x in values if any(w in str(x).casefold() for w in wanted)]
        return f"{name}: {', '.join(dict.fromkeys(found))}" if found else None


@dataclass(frozen=True, slots=True)
class Aggregate:
    """A threshold on an aggregate of an account's transactions (those matching ``where``)."""

    name: str
    where: tuple[Condition, ...] = ()
    at_least: float | None = None
    below: float | None = None
    min_payments: int = MIN_PAYMENTS


@dataclass(frozen=True, slots=True)
class Indicator:
    """One rule: what it is, where it comes from, how much it weighs, and when it fires."""

    id: str
    title: str
    source: str
    weight: float
    applies_to: tuple[str, ...]
    doc: str
    record: str | None = None  # the record type a record rule reads
    conditions: tuple[Condition, ...] = ()  # all must hold
    via: str | None = None  # the ref field naming the subject; None: the record itself
    aggregate: Aggregate | None = None
    group: str = ""  # rules evidencing one indicator share a group, counted once in a score

    def __post_init__(self) -> None:
        if not self.group:
            object.__setattr__(self, "group", self.id)

    def match(self, record: Record) -> str | None:
        details = []
        for condition in self.conditions:
            found = condition.match(record)
            if found is None:
                return None
            details.append(found)
        return "; ".join(details)


def load(path: Path | str | None = None) -> tuple[Indicator, ...]:
    """The rules of ``path`` (the shipped ``indicators.yaml`` when None), checked against the
    standard; raises ``RuleError`` naming the file, the rule and the key of any mistake."""
    if path is None:
        where = SHIPPED
        text = resources.files(__package__ or "tessera.patterns").joinpath(SHIPPED).read_text(
            encoding="utf-8")
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleError(f"{where}: cannot read the rules file ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"{where}: not YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise RuleError(f"{where}: expected a mapping with a list under 'indicators'")
    rules: list[Indicator] = []
    seen: set[str] = set()
    for number, raw in enumerate(data["indicators"], start=1):
        rule = _Reader(where, number, raw).rule()
        if rule.id in seen:
            raise RuleError(f"{where}: rule {rule.id!r}: id: given twice")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


class _Reader:
    """Reads one rule of a file, raising errors that say where."""

    def __init__(self, where: str, number: int, raw: Any) -> None:
        self.where, self.raw = where, raw
        self.name = f"rule {number}"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            self.name = f"rule {raw['id']!r}"

    def fail(self, key: str, problem: str) -> RuleError:
        return RuleError(f"{self.where}: {self.name}: {key}: {problem}")

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "required text is missing")
        return " ".join(value.split())

    def rule(self) -> Indicator:
        if not isinstance(self.raw, dict):
            raise RuleError(f"{self.where}: {self.name}: expected a mapping of keys")
        unknown = sorted(set(self.raw) - _RULE_KEYS)
        if unknown:
            raise self.fail(unknown[0], f"unknown key (known: {', '.join(sorted(_RULE_KEYS))})")
        weight = self.raw.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int | float) \
                or not 0 < weight < 1:
            raise self.fail("weight", f"must be a number above 0 and below 1, not {weight!r}")
        applies = self.raw.get("applies_to")
        applies_to = tuple(applies) if isinstance(applies, list) else (applies,)
        bad = [k for k in applies_to if k not in KINDS]
        if bad or not applies_to:
            raise self.fail("applies_to", f"{bad[0] if bad else applies!r} is not one of "
                                          f"{', '.join(KINDS)}")
        when = self.raw.get("when")
        if not isinstance(when, dict):
            raise self.fail("when", "expected a mapping: record and conditions, or aggregate")
        group = self.raw.get("group", "")
        if not isinstance(group, str):
            raise self.fail("group", "must be text")
        rule = Indicator(id=self.text("id"), title=self.text("title"),
                         source=self.text("source"), weight=float(weight),
                         applies_to=applies_to, doc=self.text("doc"), group=group)
        if "aggregate" in when:
            if applies_to != ("account",):
                raise self.fail("applies_to", "an aggregate rule applies to account")
            if "via" in self.raw:
                raise self.fail("via", "an aggregate rule is about the account itself")
            return replace(rule, aggregate=self.aggregate(when))
        record = when.get("record")
        if record not in RECORD_TYPES:
            raise self.fail("when.record", f"unknown record type {record!r} (known: "
                                           f"{', '.join(RECORD_TYPES)})")
        specs = {s.name: s for s in field_specs(record)}
        conditions = self.conditions(when, specs, "when", record,
                                     allowed={"record", "all", "field", *OPERATORS})
        return replace(rule, record=record, conditions=conditions,
                       via=self.via(record, applies_to, specs))

    def conditions(self, when: Mapping[str, Any], specs: Mapping[str, FieldSpec], key: str,
                   record: str, allowed: set[str]) -> tuple[Condition, ...]:
        unknown = sorted(set(when) - allowed)
        if unknown:
            raise self.fail(f"{key}.{unknown[0]}", "unknown key")
        if "all" in when:
            if "field" in when or not isinstance(when["all"], list) or not when["all"]:
                raise self.fail(f"{key}.all", "expected a list of conditions (and no 'field')")
            return tuple(self.condition(item, specs, f"{key}.all[{i}]", record)
                         for i, item in enumerate(when["all"]))
        return (self.condition({k: v for k, v in when.items() if k in ("field", *OPERATORS)},
                               specs, key, record),)

    def condition(self, raw: Any, specs: Mapping[str, FieldSpec], key: str,
                  record: str) -> Condition:
        if not isinstance(raw, dict):
            raise self.fail(key, "expected a mapping with field and one operator")
        name = raw.get("field")
        spec = specs.get(name) if isinstance(name, str) else None
        if spec is None:
            raise self.fail(f"{key}.field", f"{record} has no field {name!r} (fields: "
                                            f"{', '.join(specs)})")
        ops = [k for k in raw if k in OPERATORS]
        unknown = sorted(set(raw) - {"field", *OPERATORS})
        if unknown or len(ops) != 1:
            raise self.fail(key, f"expected one operator of {', '.join(OPERATORS)}; got "
                                 f"{', '.join(map(str, ops + unknown)) or 'none'}")
        op = ops[0]
        return Condition(str(name), op, self.operand(spec, op, raw[op], f"{key}.{op}", record))

    def operand(self, spec: FieldSpec, op: str, value: Any, key: str,
                record: str) -> tuple[str, ...] | float | bool:
        base = _base(RECORD_TYPES[record], spec.name)
        where = f"{record}.{spec.name}"
        if op in ("is", "present"):
            if not isinstance(value, bool) or (op == "is" and base is not bool):
                raise self.fail(key, f"expects true or false on a yes/no field ({where} is "
                                     f"{spec.kind})" if op == "is" else "expects true or false")
            return value
        if op in ("below", "at_least"):
            if base not in (int, float, Decimal, AgeRange):
                raise self.fail(key, f"compares numbers; {where} is {spec.kind}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.fail(key, f"expects a number, not {value!r}")
            return float(value)
        if not isinstance(value, list) or not value or not all(isinstance(v, str | int)
                                                               for v in value):
            raise self.fail(key, "expects a non-empty list of values")
        items = [str(v) for v in value]
        if op == "contains_any":
            if base is not str:
                raise self.fail(key, f"searches text; {where} is {spec.kind}")
            return tuple(v.casefold() for v in items)
        if spec.enum is not None:
            known = {m.value for m in spec.enum}
            bad = [v for v in items if c.parse_code(spec.enum, v) not in known]
            if bad:
                raise self.fail(key, f"unknown code {bad[0]!r} for {where} (codes: "
                                     f"{', '.join(sorted(known))})")
            return tuple(str(c.parse_code(spec.enum, v)) for v in items)
        if base is Country:
            try:
                return tuple(Country.parse(v).code for v in items)
            except ValueError as exc:
                raise self.fail(key, f"not a country: {exc}") from None
        if base is str:
            return tuple(v.casefold() for v in items)
        raise self.fail(key, f"any_of compares codes, countries or text; {where} is {spec.kind}")

    def via(self, record: str, applies_to: tuple[str, ...],
            specs: Mapping[str, FieldSpec]) -> str | None:
        via = self.raw.get("via")
        if via is None:
            if record in applies_to:  # a person, organisation, account or case itself
                return None
            for default in ("person_ref", "owner_ref"):
                if default in specs and set(specs[default].targets) & set(applies_to):
                    return default
            if applies_to == ("case",):
                return "case_ref"
            raise self.fail("via", f"say which ref field of {record} names the "
                                   f"{'/'.join(applies_to)}")
        spec = specs.get(via) if isinstance(via, str) else None
        if spec is None or not spec.targets:
            refs = [s.name for s in specs.values() if s.targets]
            raise self.fail("via", f"{record} has no ref field {via!r} (refs: {', '.join(refs)})")
        if not set(spec.targets) & set(applies_to):
            raise self.fail("via", f"{record}.{via} names a {' or '.join(spec.targets)}, not a "
                                   f"{' or '.join(applies_to)}")
        return str(via)

    def aggregate(self, when: Mapping[str, Any]) -> Aggregate:
        unknown = sorted(set(when) - {"aggregate", "where", "at_least", "below",
                                      "min_payments"})
        if unknown:
            raise self.fail(f"when.{unknown[0]}", "unknown key")
        name = when["aggregate"]
        if name not in AGGREGATES:
            raise self.fail("when.aggregate", f"unknown aggregate {name!r} (known: "
                                              f"{', '.join(AGGREGATES)})")
        raw_where = when.get("where", [])
        items = raw_where if isinstance(raw_where, list) else [raw_where]
        specs = {s.name: s for s in field_specs("transaction")}
        where = tuple(self.condition(item, specs, f"when.where[{i}]", "transaction")
                      for i, item in enumerate(items))
        if name.startswith("share") and not where:
            raise self.fail("when.where", f"{name} needs the condition whose share it takes")
        if name == "out_over_in" and where:
            raise self.fail("when.where", "out_over_in reads every payment")
        limits = {k: when.get(k) for k in ("at_least", "below") if k in when}
        if not limits or any(isinstance(v, bool) or not isinstance(v, int | float)
                             for v in limits.values()):
            raise self.fail("when", "an aggregate needs a number at_least and/or below")
        minimum = when.get("min_payments", MIN_PAYMENTS)
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
            raise self.fail("when.min_payments", f"must be a whole number >= 1, not {minimum!r}")
        return Aggregate(name, where, _float(limits.get("at_least")),
                         _float(limits.get("below")), minimum)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _base(model: type[Record], name: str) -> Any:
    """The type of one value of a field, under Optional, Annotated and tuple."""
    annotation = model.model_fields[name].annotation
    while True:
        origin = get_origin(annotation)
        if origin is Annotated or origin is tuple:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _comparable(value: Any) -> str:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Country):
        return value.code
    return str(value).casefold()


def _number(value: Any, op: str) -> float | None:
    if isinstance(value, AgeRange):  # a band is below 18 only if all of it is
        if op == "below":
            return None if value.high is None else float(value.high)
        return float(value.low)
    return float(value)


def _plain(number: float) -> str:
    return str(int(number)) if number.is_integer() else f"{number:g}"


# --- evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """One indicator fired for one subject, with the records that evidence it."""

    indicator: Indicator
    evidence: tuple[str, ...]  # "AGENCY/ref", sorted
    details: tuple[str, ...]  # what was seen, in words, one per distinct observation

    @property
    def reason(self) -> str:
        shown = ", ".join(self.evidence[:5]) + (
            f" and {len(self.evidence) - 5} more" if len(self.evidence) > 5 else "")
        return (f"{self.indicator.title} (weight {self.indicator.weight:g}; "
                f"{self.indicator.source}): {'; '.join(self.details[:3])} — {shown}")


@dataclass(frozen=True, slots=True)
class Risk:
    """A subject's risk: the indicators that fired and the score they make."""

    subject: str  # an entity's node id, or a case "AGENCY/case-ref"
    kind: str  # person, organization, account or case
    findings: tuple[Finding, ...]

    @property
    def score(self) -> float:
        """``1 - prod(1 - w)`` over the fired indicator groups, each at its highest weight.

        A noisy-OR: the chance that at least one indicator is a true sign, were each an
        independent sign with probability ``w``. It stays in [0, 1), grows with every
        further indicator but by less each time (no count of weak signs outweighs a strong
        one by much), does not depend on order, and counts an indicator once however many
        records repeat it — many agencies writing down one fact is not many facts."""
        best: dict[str, float] = {}
        for f in self.findings:
            group = f.indicator.group
            best[group] = max(best.get(group, 0.0), f.indicator.weight)
        return 1.0 - math.prod(1.0 - w for w in best.values())

    @property
    def evidence(self) -> tuple[str, ...]:
        return tuple(sorted({e for f in self.findings for e in f.evidence}))

    def reasons(self) -> list[str]:
        """Each indicator that fired, heaviest first, in words an analyst reads."""
        return [f.reason for f in self.findings]


@dataclass(frozen=True, slots=True)
class Assessment:
    """Every subject with at least one indicator, highest score first."""

    entities: tuple[Risk, ...]
    cases: tuple[Risk, ...]
    unresolved: int = 0  # refs naming a subject that could not be told (kind unknown)

    def of(self, subject: str) -> Risk | None:
        return next((r for r in (*self.entities, *self.cases) if r.subject == subject), None)


@dataclass(slots=True)
class _Hits:
    evidence: set[str] = field(default_factory=set)
    details: dict[str, None] = field(default_factory=dict)


class _Subjects:
    """Resolves records and refs to the network's node ids, as ``graph.build`` does."""

    def __init__(self, listed: Sequence[tuple[str, Record]], people: Mapping[str, str]) -> None:
        entities = [(a, r) for a, r in listed if isinstance(r, Person | Organization | Account)]
        net = graph.build(entities, people)
        self.located = net.located
        self.kind = {node_id: node.kind for node_id, node in net.nodes.items()}
        self.given = {f"{a}/{r.ref}" for a, r in listed}
        self.people = people
        self.unresolved = 0

    def ref(self, agency: str, value: str | None, targets: tuple[str, ...]
            ) -> tuple[str, str] | None:
        if not value:
            return None
        key = f"{agency}/{value}"
        node = self.located.get(key)
        if node is not None:
            return node, self.kind[node]
        if key in self.given:  # a record that is no entity (a place without a street)
            return None
        if targets == ("person",):  # a person not in the map is their own record
            return self.people.get(key) or f"person:{key}", "person"
        if targets == ("account",):
            return f"account:{key}", "account"
        if targets == ("case",):
            return key, "case"
        self.unresolved += 1
        return None

    def of(self, agency: str, record: Record, rule: Indicator) -> tuple[str, str] | None:
        if rule.via is not None:
            return self.ref(agency, getattr(record, rule.via, None),
                            type(record).REFS.get(rule.via, ()))
        key = f"{agency}/{record.ref}"
        if record.record_type == "case":
            return key, "case"
        node = self.located.get(key)
        return (node, self.kind[node]) if node is not None else None


@dataclass(slots=True)
class _Payment:
    key: str
    case: str | None
    payer: str
    beneficiary: str
    amount: float
    record: Record


def assess(records: Iterable[tuple[str, Record]], people: Mapping[str, str] | None = None,
           rules: Sequence[Indicator] | None = None) -> Assessment:
    """The indicators and risk of every entity and case in ``(agency, record)`` pairs.

    ``people`` maps person record keys ("AGENCY/ref") to resolved entity ids, as for
    ``graph.build``; ``rules`` defaults to the shipped ones. A finding on a record of a case
    counts for the case too."""
    listed = list(records)
    rules = load() if rules is None else rules
    subjects = _Subjects(listed, people or {})
    hits: dict[tuple[str, str], dict[str, _Hits]] = defaultdict(lambda: defaultdict(_Hits))

    def note(subject: tuple[str, str], rule: Indicator, key: str, case: str | None,
             detail: str) -> None:
        for target in (subject, (case, "case")):
            if target[0] is not None and (target is subject or subject[1] != "case"):
                found = hits[(str(target[0]), target[1])][rule.id]
                found.evidence.add(key)
                found.details[detail] = None

    by_type: dict[str, list[Indicator]] = defaultdict(list)
    for rule in rules:
        if rule.record is not None:
            by_type[rule.record].append(rule)
    payments: list[_Payment] = []
    for agency, record in listed:
        key = f"{agency}/{record.ref}"
        case = f"{agency}/{record.case_ref}" if record.case_ref else None
        for rule in by_type.get(record.record_type, ()):
            detail = rule.match(record)
            if detail is None:
                continue
            subject = subjects.of(agency, record, rule)
            if subject is not None and subject[1] in rule.applies_to:
                note(subject, rule, key, case, detail)
        if isinstance(record, Transaction):
            payer = subjects.ref(agency, record.payer_account_ref, ("account",))
            payee = subjects.ref(agency, record.beneficiary_account_ref, ("account",))
            if payer and payee and payer != payee:
                payments.append(_Payment(key, case, payer[0], payee[0], float(record.amount),
                                         record))
    for rule in rules:
        if rule.aggregate is not None:
            for account, detail, evidence in _aggregates(rule.aggregate, payments):
                for key, case in evidence:
                    note((account, "account"), rule, key, case, detail)
    by_id = {rule.id: rule for rule in rules}
    out: dict[str, list[Risk]] = {"entity": [], "case": []}
    for (about, kind), fired in hits.items():
        findings = sorted(
            (Finding(by_id[rid], tuple(sorted(h.evidence)), tuple(sorted(h.details)))
             for rid, h in fired.items()),
            key=lambda f: (-f.indicator.weight, f.indicator.id))
        out["case" if kind == "case" else "entity"].append(Risk(about, kind, tuple(findings)))
    return Assessment(tuple(sorted(out["entity"], key=_rank)),
                      tuple(sorted(out["case"], key=_rank)), subjects.unresolved)


def _rank(risk: Risk) -> tuple[float, int, int, str]:
    """Highest score first; at one score, more indicators, then more evidence."""
    return (-risk.score, -len(risk.findings), -len(risk.evidence), risk.subject)


def _aggregates(spec: Aggregate, payments: Sequence[_Payment]
                ) -> Iterable[tuple[str, str, list[tuple[str, str | None]]]]:
    """(account, what was seen, evidence records) for every account the aggregate fires on."""
    direction = AGGREGATES[spec.name]
    mine: dict[str, list[_Payment]] = defaultdict(list)
    received: dict[str, float] = defaultdict(float)
    for p in payments:
        mine[p.beneficiary if direction == "in" else p.payer].append(p)
        received[p.beneficiary] += p.amount
    for account in sorted(mine):
        own = mine[account]
        chosen = [p for p in own if all(cond.match(p.record) for cond in spec.where)]
        if spec.name in ("payments_in", "payments_out"):
            value, words = float(len(chosen)), "payments"
        elif spec.name in ("payers", "beneficiaries"):
            ends = {p.payer if direction == "in" else p.beneficiary for p in chosen}
            value, words = float(len(ends)), f"distinct {spec.name}"
        elif len(own) < spec.min_payments:
            continue
        elif spec.name == "out_over_in":
            if received[account] <= 0:
                continue
            value = sum(p.amount for p in own) / received[account]
            words, chosen = "paid out per unit received", own
        else:
            value, words = len(chosen) / len(own), f"of {len(own)} payments"
        if not chosen:
            continue
        if (spec.at_least is not None and value < spec.at_least) or (
                spec.below is not None and value >= spec.below):
            continue
        limit = " and ".join(f"{name.replace('_', ' ')} {_plain(v)}" for name, v in
                             (("at_least", spec.at_least), ("below", spec.below))
                             if v is not None)
        which = f" with {' and '.join(_describe(w) for w in spec.where)}" if spec.where else ""
        shown = f"{value:.0%}" if spec.name.startswith("share") else _plain(round(value, 2))
        yield account, f"{shown} {words}{which} ({limit})", [(p.key, p.case) for p in chosen]


def _describe(condition: Condition) -> str:
    value = condition.value
    shown = ", ".join(value) if isinstance(value, tuple) else _plain(float(value))
    words = {"any_of": "in", "contains_any": "mentioning", "below": "below",
             "at_least": "at least", "is": "is", "present": "given"}[condition.op]
    return f"{condition.field.replace('_', ' ')} {words} {shown}"
