"""The knowledge base: case law, statutes, model statutes, treaties, request templates, playbooks
and lessons learned, tagged by country, crime type and legal issue, and searched by full text.

Entries are the hub's shared know-how, not case data: every member may read them (``kb.read``),
analysts and coordinators write them (``kb.write``), and each read and write is audited.

Search ranks by relevance, title before tags before body: SQLite's FTS5 ``bm25()`` with column
weights 5, 2, 1; PostgreSQL's ``ts_rank_cd`` over a tsvector weighted A, B, C (the same 5 : 2 : 1
in its default weights 1.0, 0.4, 0.2). Ties are broken by entry id on both. The two rankings are
different formulas (bm25 discounts words most entries share and long entries; cover density
does not), so results agree exactly when the ranking is clear, and may trade places otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails
from sqlalchemy import ColumnElement, exists, func, literal, literal_column, select, table
from sqlalchemy import text as sql
from sqlalchemy import type_coerce as coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from tessera.cooperation.kb_query import QueryError, parse
from tessera.hub import access
from tessera.hub.access import Actor
from tessera.hub.models import KbEntry, as_utc, utcnow
from tessera.hub.records import NotFound
from tessera.standard.codes import ExploitationType
from tessera.standard.countries import country_code

STARTER = Path(__file__).with_name("kb_starter.yaml")
TITLE_MAX, SOURCE_MAX, BODY_MAX, LABEL_MAX = 300, 500, 100_000, 64
LIMIT_MAX = 100
SNIPPET_WORDS = 24
MARK = ("«", "»")  # around the words of a snippet that matched


class KbKind(StrEnum):
    case_law = "case_law"
    statute = "statute"
    model_statute = "model_statute"
    treaty = "treaty"
    request_template = "request_template"
    playbook = "playbook"
    lesson_learned = "lesson_learned"


# The standard's forms of exploitation, and the crimes that travel with trafficking.
CRIME_TYPES: tuple[str, ...] = (
    "trafficking_in_persons", "migrant_smuggling", "money_laundering", "organised_crime",
    "document_fraud", "corruption", *(e.value for e in ExploitationType if e.value != "other"),
)
_LABEL_SPLIT = re.compile(r"[\W_]+")


class KbError(ValueError):
    """A knowledge-base entry, file or search that cannot be taken as given, and why."""


def _label(value: str) -> str:
    """A tag or legal issue as stored: lower case, words joined by '-'."""
    label = "-".join(w for w in _LABEL_SPLIT.split(value.lower()) if w)
    if not label:
        raise ValueError(f"{value!r} has no letters or digits")
    if len(label) > LABEL_MAX:
        raise ValueError(f"{value!r} is longer than {LABEL_MAX} characters")
    return label


def _country(value: str) -> str:
    code = country_code(value)
    if code is None:
        raise ValueError(f"{value!r} is not a country (a name or an ISO 3166 code)")
    return code


def _crime_type(value: str) -> str:
    code = "_".join(w for w in _LABEL_SPLIT.split(value.lower()) if w)
    if code not in CRIME_TYPES:
        raise ValueError(f"{value!r} is not a crime type: one of {', '.join(CRIME_TYPES)}")
    return code


def _each(values: Iterable[str], clean: Callable[[str], str]) -> list[str]:
    """Each value cleaned, duplicates dropped; a bad one is named by its place in the list."""
    cleaned = []
    for n, value in enumerate(values, 1):
        try:
            cleaned.append(clean(value))
        except ValueError as exc:
            raise ValueError(f"item {n}: {exc}") from None
    return list(dict.fromkeys(cleaned))


class EntryIn(BaseModel):
    """An entry as written: checked, with its labels normalised (countries to ISO codes, tags and
    legal issues to lower-case words joined by '-', crime types to their codes)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: KbKind
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX)
    tags: list[str] = Field(default_factory=list, max_length=50)
    countries: list[str] = Field(default_factory=list, max_length=250,
                                 description="ISO 3166-1 alpha-2 codes (names are accepted)")
    crime_types: list[str] = Field(default_factory=list, max_length=len(CRIME_TYPES),
                                   description="One of: " + ", ".join(CRIME_TYPES))
    legal_issues: list[str] = Field(default_factory=list, max_length=50)
    source: str = Field("", max_length=SOURCE_MAX, description="Citation or address")

    @field_validator("title")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("tags", "legal_issues")
    @classmethod
    def _labels(cls, values: list[str]) -> list[str]:
        return _each(values, _label)

    @field_validator("countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        return _each(values, _country)

    @field_validator("crime_types")
    @classmethod
    def _crime_types(cls, values: list[str]) -> list[str]:
        return _each(values, _crime_type)


def _problem(error: ErrorDetails) -> str:
    loc = [str(p) for p in error["loc"]]
    where = f"field {loc[0]!r}" if loc else "entry"
    if len(loc) > 1 and loc[1].isdigit():
        where += f": item {int(loc[1]) + 1}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = f"unknown field (fields: {', '.join(EntryIn.model_fields)})"
    return f"{where}: {message}"


def _first_problem(exc: ValidationError) -> str:
    return _problem(exc.errors()[0])


def problems(data: Mapping[str, Any]) -> list[str]:
    """Every reason ``data`` is not an entry, each naming its field, as ``check`` words the
    first (a form shows them all at once); none when it is one."""
    try:
        EntryIn.model_validate(data)
    except ValidationError as exc:
        return [_problem(error) for error in exc.errors()]
    return []


def check(data: Mapping[str, Any] | EntryIn) -> EntryIn:
    """``data`` as an entry, or ``KbError`` naming the first field that is wrong."""
    if isinstance(data, EntryIn):
        return data
    try:
        return EntryIn.model_validate(data)
    except ValidationError as exc:
        raise KbError(_first_problem(exc)) from None


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    title: str
    body: str
    tags: list[str]
    countries: list[str]
    crime_types: list[str]
    legal_issues: list[str]
    source: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: KbEntry) -> Entry:
        return cls(id=row.id, kind=row.kind, title=row.title, body=row.body,
                   tags=list(row.tags), countries=list(row.countries),
                   crime_types=list(row.crime_types), legal_issues=list(row.legal_issues),
                   source=row.source, created_by=row.created_by,
                   created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at))


@dataclass(frozen=True)
class Hit:
    """An entry found, its relevance (higher is better; comparable within one search only) and
    a snippet of its body with the matching words between « and »."""

    entry: Entry
    rank: float
    snippet: str


def _refuse_unless(actor: Actor, action: str, resource: str) -> None:
    if not access.allowed(actor, action):
        raise access.Forbidden(actor, action, resource)


def _same_title(session: Session, entry: EntryIn, other_than: int | None = None) -> int | None:
    query = select(KbEntry.id).where(KbEntry.kind == entry.kind.value,
                                     func.lower(KbEntry.title) == entry.title.lower())
    if other_than is not None:
        query = query.where(KbEntry.id != other_than)
    return session.scalar(query.limit(1))


def _fill(row: KbEntry, entry: EntryIn) -> None:
    row.kind, row.title, row.body, row.source = (entry.kind.value, entry.title, entry.body,
                                                 entry.source)
    row.tags, row.countries = entry.tags, entry.countries
    row.crime_types, row.legal_issues = entry.crime_types, entry.legal_issues


def _as_written(entry: Entry) -> EntryIn:
    return check({f: getattr(entry, f) for f in EntryIn.model_fields})


def add(session: Session, actor: Actor, data: Mapping[str, Any] | EntryIn) -> Entry:
    """Add an entry. One of the same kind and title (ignoring case) is refused (update it
    instead), unless it is the very same entry: that one is returned as it is, so that a
    retried request adds nothing twice."""
    _refuse_unless(actor, "kb.write", "kb")
    entry = check(data)
    same = _same_title(session, entry)
    if same is not None:
        existing = Entry.of(session.get_one(KbEntry, same))
        if _as_written(existing).model_dump() != entry.model_dump():
            raise KbError(f"a {entry.kind.value} titled {entry.title!r} exists already "
                          f"(entry {same}): update it instead")
        access.authorize(session, actor, "kb.write", f"kb:{same}", {"existing": same})
        return existing
    now = utcnow()
    row = KbEntry(created_by=actor.username, created_at=now, updated_at=now)
    _fill(row, entry)
    session.add(row)
    session.flush()
    access.authorize(session, actor, "kb.write", f"kb:{row.id}",
                     {"added": row.id, "kind": row.kind, "title": row.title})
    return Entry.of(row)


def _row(session: Session, actor: Actor, action: str, entry_id: int) -> KbEntry:
    row = session.get(KbEntry, entry_id)
    if row is None:
        raise NotFound(actor, action, f"kb:{entry_id}", f"no knowledge-base entry {entry_id}")
    return row


def update(session: Session, actor: Actor, entry_id: int, changes: Mapping[str, Any]) -> Entry:
    """Change some fields of an entry (the others stay); the whole entry is checked again."""
    _refuse_unless(actor, "kb.write", f"kb:{entry_id}")
    row = _row(session, actor, "kb.write", entry_id)
    current = Entry.of(row)
    merged = {f: getattr(current, f) for f in EntryIn.model_fields} | dict(changes)
    entry = check(merged)
    same = _same_title(session, entry, other_than=row.id)
    if same is not None:
        raise KbError(f"a {entry.kind.value} titled {entry.title!r} exists already (entry "
                      f"{same})")
    _fill(row, entry)
    changed = sorted(f for f in EntryIn.model_fields
                     if getattr(Entry.of(row), f) != getattr(current, f))
    if changed:
        row.updated_at = utcnow()
    session.flush()
    access.authorize(session, actor, "kb.write", f"kb:{row.id}", {"changed": changed})
    return Entry.of(row)


def get(session: Session, actor: Actor, entry_id: int) -> Entry:
    """One entry; an absent one is refused as not found (and audited)."""
    _refuse_unless(actor, "kb.read", f"kb:{entry_id}")
    row = _row(session, actor, "kb.read", entry_id)
    access.authorize(session, actor, "kb.read", f"kb:{entry_id}")
    return Entry.of(row)


# --- search -------------------------------------------------------------------------------------


def _has(session: Session, column: Any, value: str) -> ColumnElement[bool]:
    """The JSON list ``column`` holds ``value``."""
    if session.get_bind().dialect.name == "postgresql":
        return coerce(column, JSONB).contains([value])
    each = func.json_each(column).table_valued("value")
    return exists(select(literal(1)).select_from(each).where(each.c.value == value))


def _filters(session: Session, *, kind: str | None, country: str | None,
             crime_type: str | None, legal_issue: str | None,
             tag: str | None) -> tuple[list[ColumnElement[bool]], dict[str, str]]:
    """The conditions, and the filters as normalised (for the audit), or ``KbError``."""
    wanted: dict[str, str] = {}
    if kind is not None:
        if kind not in KbKind.__members__:
            raise KbError(f"{kind!r} is not a kind: one of {', '.join(KbKind)}")
        wanted["kind"] = kind
    try:
        if country is not None:
            wanted["country"] = _country(country)
        if crime_type is not None:
            wanted["crime_type"] = _crime_type(crime_type)
        if legal_issue is not None:
            wanted["legal_issue"] = _label(legal_issue)
        if tag is not None:
            wanted["tag"] = _label(tag)
    except ValueError as exc:
        raise KbError(f"filter: {exc}") from None
    columns = {"country": KbEntry.countries, "crime_type": KbEntry.crime_types,
               "legal_issue": KbEntry.legal_issues, "tag": KbEntry.tags}
    conditions = [KbEntry.kind == wanted["kind"]] if "kind" in wanted else []
    conditions += [_has(session, columns[k], v) for k, v in wanted.items() if k in columns]
    return conditions, wanted


def _opening(body: str) -> str:
    words = body.split()
    return " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")


def _ranked(session: Session, query_text: str, conditions: list[ColumnElement[bool]],
            limit: int) -> list[tuple[int, float, str]]:
    """(id, rank, snippet) of the entries matching, best first."""
    try:
        query = parse(query_text)
    except QueryError as exc:
        raise KbError(str(exc)) from None
    if session.get_bind().dialect.name == "postgresql":
        config: ColumnElement[Any] = literal_column("'simple'::regconfig")
        tsquery = func.websearch_to_tsquery(config, query.websearch())
        search: ColumnElement[Any] = literal_column("kb_entries.search")
        rank = func.ts_rank_cd(search, tsquery)
        headline = func.ts_headline(
            config, KbEntry.body, tsquery,
            f"StartSel={MARK[0]}, StopSel={MARK[1]}, MaxWords={SNIPPET_WORDS}, MinWords=8, "
            'MaxFragments=2, FragmentDelimiter=" … "')
        pg = (select(KbEntry.id, rank, headline).where(search.op("@@")(tsquery), *conditions)
              .order_by(rank.desc(), KbEntry.id).limit(limit))
        return [(i, float(r), s) for i, r, s in session.execute(pg)]
    fts = table("kb_search")
    score: ColumnElement[Any] = literal_column("bm25(kb_search, 5.0, 2.0, 1.0)")
    snippet: ColumnElement[Any] = literal_column(
        f"snippet(kb_search, 2, '{MARK[0]}', '{MARK[1]}', ' … ', {SNIPPET_WORDS})")
    lite = (select(KbEntry.id, score, snippet).select_from(fts)
            .join(KbEntry, KbEntry.id == literal_column("kb_search.rowid"))
            .where(sql("kb_search MATCH :match").bindparams(match=query.fts5()), *conditions)
            .order_by(score, KbEntry.id).limit(limit))
    return [(i, -float(r), s) for i, r, s in session.execute(lite)]


def search(
    session: Session,
    actor: Actor,
    text: str | None,
    *,
    kind: str | None = None,
    country: str | None = None,
    crime_type: str | None = None,
    legal_issue: str | None = None,
    tag: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Entries matching ``text`` (see ``tessera.cooperation.kb_query`` for its syntax) and every
    filter given, most relevant first. With ``text`` None, every entry the filters select, by
    kind and title. Blank or punctuation-only text is a ``KbError``. The search is audited with
    what was asked and the entries found."""
    _refuse_unless(actor, "kb.read", "kb")
    if not 1 <= limit <= LIMIT_MAX:
        raise KbError(f"limit must be 1 to {LIMIT_MAX}, not {limit}")
    conditions, wanted = _filters(session, kind=kind, country=country, crime_type=crime_type,
                                  legal_issue=legal_issue, tag=tag)
    if text is None:
        rows = session.scalars(select(KbEntry).where(*conditions)
                               .order_by(KbEntry.kind, KbEntry.title, KbEntry.id)
                               .limit(limit)).all()
        hits = [Hit(Entry.of(r), 0.0, _opening(r.body)) for r in rows]
    else:
        ranked = _ranked(session, text, conditions, limit)
        found = {r.id: r for r in session.scalars(
            select(KbEntry).where(KbEntry.id.in_([i for i, _, _ in ranked])))}
        hits = [Hit(Entry.of(found[i]), round(rank, 6), " ".join(snip.split()))
                for i, rank, snip in ranked]
    access.authorize(session, actor, "kb.read", "kb",
                     {"q": text, **wanted, "ids": [h.entry.id for h in hits]})
    return hits


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    added: list[int]
    updated: list[int]  # entries of the same kind and title, replaced by the file's
    unchanged: list[int]


def _read(path: Path) -> list[tuple[str, Any]]:
    """(where, item) for each entry of a YAML file (a list, or ``entries:`` holding one) or a
    JSON Lines file (an object a line)."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise KbError(f"{path}: cannot read: {reason}") from None
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        items: list[tuple[str, Any]] = []
        for line_no, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((f"entry {len(items) + 1} (line {line_no})", json.loads(line)))
            except json.JSONDecodeError as exc:
                raise KbError(f"{path}: entry {len(items) + 1} (line {line_no}): not JSON: "
                              f"{exc.msg}") from None
        return items
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise KbError(f"{path}: not a knowledge-base file: YAML (.yaml, .yml) or JSON Lines "
                      "(.jsonl, .ndjson)")
    try:
        loaded = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise KbError(f"{path}: not valid YAML{where}: "
                      f"{getattr(exc, 'problem', None) or exc}") from None
    if isinstance(loaded, dict) and set(loaded) == {"entries"}:
        loaded = loaded["entries"]
    if not isinstance(loaded, list):
        raise KbError(f"{path}: expected a list of entries (or 'entries:' holding one)")
    return [(f"entry {n}", item) for n, item in enumerate(loaded, 1)]


def read_entries(path: Path) -> list[EntryIn]:
    """Every entry of the file, checked; the first problem raises ``KbError`` naming the file,
    the entry and the field."""
    items = _read(path)
    if not items:
        raise KbError(f"{path}: holds no entries")
    entries: list[EntryIn] = []
    seen: dict[tuple[str, str], str] = {}
    for where, item in items:
        if not isinstance(item, dict):
            raise KbError(f"{path}: {where}: expected a mapping of fields, not "
                          f"{type(item).__name__}")
        try:
            entry = check(item)
        except KbError as exc:
            raise KbError(f"{path}: {where}: {exc}") from None
        key = (entry.kind.value, entry.title.lower())
        if key in seen:
            raise KbError(f"{path}: {where}: field 'title': {entry.title!r} is also the title "
                          f"of {seen[key]}")
        seen[key] = where
        entries.append(entry)
    return entries


def import_entries(session: Session, actor: Actor, path: Path) -> Imported:
    """Add the file's entries; an entry with the kind and title of one in the hub replaces its
    fields. The whole file is checked first: on any problem nothing is written."""
    resource = f"kb-import:{path.name}"
    _refuse_unless(actor, "kb.write", resource)
    entries = read_entries(path)
    added: list[int] = []
    updated: list[int] = []
    unchanged: list[int] = []
    now = utcnow()
    for entry in entries:
        same = _same_title(session, entry)
        row = session.get(KbEntry, same) if same is not None else None
        if row is None:
            row = KbEntry(created_by=actor.username, created_at=now, updated_at=now)
            _fill(row, entry)
            session.add(row)
            session.flush()
            added.append(row.id)
            continue
        before = Entry.of(row)
        _fill(row, entry)
        if any(getattr(Entry.of(row), f) != getattr(before, f) for f in EntryIn.model_fields):
            row.updated_at = now
            updated.append(row.id)
        else:
            unchanged.append(row.id)
    session.flush()
    access.authorize(session, actor, "kb.write", resource,
                     {"added": added, "updated": updated, "unchanged": len(unchanged)})
    return Imported(added, updated, unchanged)
