"""The knowledge base on SQLite and PostgreSQL: ranking, filters, user text that is not syntax,
imports that write all or nothing, permissions and their audit, and the starter set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tessera.cooperation import kb
from tessera.cooperation.kb import KbError
from tessera.hub import admin
from tessera.hub.access import Forbidden
from tessera.hub.models import AuditEntry, KbEntry
from tessera.hub.records import NotFound
from tests.conftest import World

# Bodies of one length, so that bm25's length discount does not outweigh the column weights.
FILLER = "general notes on cooperation between agencies across borders in practice"


def _entry(title: str, body: str = FILLER, **fields: Any) -> dict[str, Any]:
    return {"kind": "playbook", "title": title, "body": body, **fields}


def _add(world: World, username: str, data: dict[str, Any]) -> kb.Entry:
    with world.hub.session() as s:
        return kb.add(s, admin.actor(s, username), data)


def _search(world: World, text: str | None, username: str = "md_an",
            **filters: Any) -> list[kb.Hit]:
    with world.hub.session() as s:
        return kb.search(s, admin.actor(s, username), text, **filters)


def _titles(hits: list[kb.Hit]) -> list[str]:
    return [h.entry.title for h in hits]


@pytest.fixture
def corpus(world: World) -> World:
    """Eight entries: "debt bondage" in the title of one, the tags of another, the body of a
    third, so that it is rare enough for bm25 to weigh it; "peonage" once in one body and
    twice in another's."""
    entries = [
        _entry("Debt bondage indicators for inspectors", tags=["labour"], countries=["UA"],
               crime_types=["forced_labour"]),
        _entry("Recruitment agencies checklist", tags=["debt-bondage"], countries=["Moldova"],
               crime_types=["forced labour"], legal_issues=["Victim identification"]),
        _entry("Interviewing workers", body="workers in debt bondage rarely name it as such "
               "when asked about peonage by agencies", countries=["UA", "MD"]),
        _entry("Seasonal agriculture", body="peonage grows with recruitment fees, and peonage "
               "ties seasonal workers to one employer across borders"),
        {**_entry("Rantsev v. Cyprus and Russia"), "kind": "case_law", "countries": ["CY"]},
        _entry("Shelters and safe houses"),
        _entry("Financial investigation basics", crime_types=["money_laundering"]),
        _entry("Document fraud at the border", body="forged e-mail offers, and victims' rights "
               "under Directive 2011/36/EU at the border"),
    ]
    for data in entries:
        _add(world, "ua_sub", data)
    return world


def test_title_outranks_tags_outranks_body_on_both_backends(corpus: World) -> None:
    hits = _search(corpus, "debt bondage")
    assert _titles(hits) == [
        "Debt bondage indicators for inspectors",
        "Recruitment agencies checklist",
        "Interviewing workers",
    ]
    assert [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)
    assert hits[-1].rank > 0


def test_more_mentions_rank_higher(corpus: World) -> None:
    assert _titles(_search(corpus, "peonage")) == ["Seasonal agriculture", "Interviewing workers"]


def test_a_snippet_marks_the_words_found_in_the_body(corpus: World) -> None:
    [hit] = _search(corpus, "rarely")
    assert hit.entry.title == "Interviewing workers"
    assert "«rarely»" in hit.snippet
    assert "\n" not in hit.snippet


def test_phrases_alternatives_and_exclusions(corpus: World) -> None:
    assert _titles(_search(corpus, '"bondage debt"')) == []
    assert _titles(_search(corpus, '"debt bondage" -peonage -inspectors')) == [
        "Recruitment agencies checklist"]
    assert set(_titles(_search(corpus, "shelters or rantsev"))) == {
        "Shelters and safe houses", "Rantsev v. Cyprus and Russia"}


@pytest.mark.parametrize("text", [
    "debt:* & !bondage", "(debt", '"debt bondage', "bondage^", "debt <-> bondage",
    "debt|bondage", "debt\\ bondage", "'debt' \"bondage\"", "debt*", "+debt ~bondage",
])
def test_search_syntax_in_user_text_is_plain_text(corpus: World, text: str) -> None:
    assert _titles(_search(corpus, text)) == [
        "Debt bondage indicators for inspectors", "Recruitment agencies checklist",
        "Interviewing workers"]


@pytest.mark.parametrize("text", ["NEAR(debt bondage)", "debt AND", "title:debt",
                                  "{title} : debt", "debt NOT bondage"])
def test_operators_in_user_text_are_words_to_find(corpus: World, text: str) -> None:
    assert _search(corpus, text) == []  # near, and, title, not: in no entry


def test_operator_words_are_searched_as_words(world: World) -> None:
    _add(world, "ua_sub", _entry("Near misses and what not to do", body="and or not near"))
    _add(world, "ua_sub", _entry("Something else"))
    for text in ("NEAR", "NOT", "AND", '"OR"'):
        assert _titles(_search(world, text)) == ["Near misses and what not to do"], text


def test_a_reference_finds_the_entries_that_cite_it(corpus: World) -> None:
    assert _titles(_search(corpus, "2011/36/EU")) == ["Document fraud at the border"]
    assert _titles(_search(corpus, "e-mail")) == ["Document fraud at the border"]


@pytest.mark.parametrize("text", ["", "   ", "!!! ...", "-", "or", "* ^ :"])
def test_an_empty_or_punctuation_only_search_is_a_clear_error(corpus: World, text: str) -> None:
    with pytest.raises(KbError, match=r"no word to look for|empty"):
        _search(corpus, text)


def test_only_exclusions_is_a_clear_error(corpus: World) -> None:
    with pytest.raises(KbError, match="add a word to look for"):
        _search(corpus, "-debt")


def test_filters_select_by_kind_country_crime_type_legal_issue_and_tag(corpus: World) -> None:
    assert _titles(_search(corpus, "debt bondage", country="Ukraine")) == [
        "Debt bondage indicators for inspectors", "Interviewing workers"]
    assert _titles(_search(corpus, "debt bondage", country="MD")) == [
        "Recruitment agencies checklist", "Interviewing workers"]
    assert _titles(_search(corpus, "debt", crime_type="forced-labour")) == [
        "Debt bondage indicators for inspectors", "Recruitment agencies checklist"]
    assert _titles(_search(corpus, "debt", legal_issue="victim identification")) == [
        "Recruitment agencies checklist"]
    assert _titles(_search(corpus, "debt", tag="Debt Bondage")) == [
        "Recruitment agencies checklist"]
    assert _titles(_search(corpus, None, kind="case_law")) == ["Rantsev v. Cyprus and Russia"]
    assert _titles(_search(corpus, None, crime_type="money_laundering")) == [
        "Financial investigation basics"]
    assert _search(corpus, "debt", kind="treaty") == []


@pytest.mark.parametrize(("filters", "message"), [
    ({"country": "Atlantis"}, "not a country"),
    ({"kind": "novel"}, "not a kind"),
    ({"crime_type": "jaywalking"}, "not a crime type"),
    ({"tag": "!!"}, "no letters or digits"),
    ({"limit": 0}, "limit must be 1 to 100"),
])
def test_bad_filters_are_clear_errors(corpus: World, filters: dict[str, Any],
                                      message: str) -> None:
    with pytest.raises(KbError, match=message):
        _search(corpus, "debt", **filters)


def test_labels_are_normalised_when_written(world: World) -> None:
    entry = _add(world, "ua_sub", _entry(
        "  Labels   as written ", tags=["Debt Bondage", "debt_bondage"],
        countries=["Moldova", "md", "UKR"], crime_types=["Forced labour"],
        legal_issues=["Non-punishment"]))
    assert (entry.title, entry.tags, entry.countries, entry.crime_types, entry.legal_issues) == (
        "Labels as written", ["debt-bondage"], ["MD", "UA"], ["forced_labour"],
        ["non-punishment"])


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "novel", "title": "x", "body": "y"}, "field 'kind'"),
    ({"kind": "playbook", "title": "", "body": "y"}, "field 'title'"),
    ({"kind": "playbook", "title": "x", "body": "y", "countries": ["UA", "Atlantis"]},
     "field 'countries': item 2: 'Atlantis' is not a country"),
    ({"kind": "playbook", "title": "x", "body": "y", "colour": "red"},
     "field 'colour': unknown field"),
])
def test_a_bad_entry_names_its_field(world: World, data: dict[str, Any], message: str) -> None:
    with pytest.raises(KbError, match=message):
        _add(world, "ua_sub", data)


def test_update_changes_only_what_is_given_and_keeps_titles_unique(world: World) -> None:
    first = _add(world, "ua_sub", _entry("First", tags=["a"]))
    _add(world, "ua_sub", _entry("Second"))
    with world.hub.session() as s:
        changed = kb.update(s, admin.actor(s, "md_an"), first.id, {"body": "a new body"})
    assert (changed.title, changed.body, changed.tags) == ("First", "a new body", ["a"])
    assert changed.updated_at >= first.updated_at
    assert _titles(_search(world, "new body")) == ["First"]  # the index follows the update
    with pytest.raises(KbError, match=r"titled 'second' exists already \(entry 2\)"), \
            world.hub.session() as s:
        kb.update(s, admin.actor(s, "md_an"), first.id, {"title": "second"})
    with pytest.raises(KbError, match="exists already"):
        _add(world, "ua_sub", _entry("FIRST"))


def test_adding_the_same_entry_again_returns_it_unchanged(world: World) -> None:
    first = _add(world, "ua_sub", _entry("Once", tags=["Debt Bondage"]))
    again = _add(world, "md_an", _entry("Once", tags=["debt-bondage"]))
    assert again == first
    assert _count(world) == 1


def test_writing_needs_kb_write_and_a_refusal_is_audited(world: World) -> None:
    with pytest.raises(Forbidden, match=r"ua_aud may not kb\.write"):
        _add(world, "ua_aud", _entry("Not allowed"))
    with world.hub.session() as s:
        assert s.scalar(select(func.count()).select_from(KbEntry)) == 0
        refused = s.scalars(select(AuditEntry).where(AuditEntry.username == "ua_aud")).one()
        assert (refused.action, refused.outcome) == ("kb.write", "refused")


def test_reads_and_writes_are_audited(world: World) -> None:
    entry = _add(world, "ua_sub", _entry("Debt bondage"))
    _search(world, "debt", username="ua_aud", country="UA")
    with world.hub.session() as s:
        assert kb.get(s, admin.actor(s, "root"), entry.id).title == "Debt bondage"
    with pytest.raises(NotFound, match="no knowledge-base entry 99"), world.hub.session() as s:
        kb.get(s, admin.actor(s, "root"), 99)
    with world.hub.session() as s:
        log = [(e.username, e.action, e.resource, e.outcome, json.loads(e.detail))
               for e in s.scalars(select(AuditEntry).where(AuditEntry.action.like("kb.%"))
                                  .order_by(AuditEntry.id))]
    assert log[0][:4] == ("ua_sub", "kb.write", f"kb:{entry.id}", "ok")
    assert log[1] == ("ua_aud", "kb.read", "kb", "ok",
                      {"q": "debt", "country": "UA", "ids": []})
    assert log[2][:4] == ("root", "kb.read", f"kb:{entry.id}", "ok")
    assert log[3][:4] == ("root", "kb.read", "kb:99", "not_found")


# --- import -------------------------------------------------------------------------------------


def _count(world: World) -> int:
    with world.hub.session() as s:
        return int(s.scalar(select(func.count()).select_from(KbEntry)) or 0)


def _import(world: World, path: Path, username: str = "md_an") -> kb.Imported:
    with world.hub.session() as s:
        return kb.import_entries(s, admin.actor(s, username), path)


GOOD_YAML = """
- kind: treaty
  title: A treaty
  body: Its text.
  countries: [UA]
"""


@pytest.mark.parametrize(("name", "content", "message"), [
    ("kb.yaml", GOOD_YAML + "- kind: treaty\n  title: Two\n  body: x\n  countries: [Atlantis]\n",
     r"kb\.yaml: entry 2: field 'countries': item 1: 'Atlantis' is not a country"),
    ("kb.yaml", GOOD_YAML + "- kind: treaty\n  body: x\n", r"kb\.yaml: entry 2: field 'title'"),
    ("kb.yaml", GOOD_YAML + "- just a string\n", r"kb\.yaml: entry 2: expected a mapping"),
    ("kb.yaml", GOOD_YAML + "- kind: treaty\n  title: a TREATY\n  body: x\n",
     r"kb\.yaml: entry 2: field 'title': 'a TREATY' is also the title of entry 1"),
    ("kb.yaml", "- kind: [unclosed\n", r"kb\.yaml: not valid YAML at line \d"),
    ("kb.yaml", "kind: treaty\n", r"kb\.yaml: expected a list of entries"),
    ("kb.yaml", "[]\n", r"kb\.yaml: holds no entries"),
    ("kb.jsonl", '{"kind": "treaty", "title": "A", "body": "x"}\n\n{"kind": "treaty", '
     '"title": "B", "body": "x", "tags": "not-a-list"}\n',
     r"kb\.jsonl: entry 2 \(line 3\): field 'tags'"),
    ("kb.jsonl", '{"kind": "treaty", "title": "A", "body": "x"}\n{oops\n',
     r"kb\.jsonl: entry 2 \(line 2\): not JSON"),
    ("kb.csv", "kind,title\n", r"kb\.csv: not a knowledge-base file"),
])
def test_a_bad_file_names_file_entry_and_field_and_writes_nothing(
        world: World, tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KbError, match=message):
        _import(world, path)
    assert _count(world) == 0


def test_a_missing_file_is_a_clear_error(world: World, tmp_path: Path) -> None:
    with pytest.raises(KbError, match=r"absent\.yaml: cannot read: No such file"):
        _import(world, tmp_path / "absent.yaml")


def test_import_adds_then_updates_by_kind_and_title(world: World, tmp_path: Path) -> None:
    path = tmp_path / "kb.jsonl"
    path.write_text(json.dumps({"kind": "treaty", "title": "A treaty", "body": "old"}) + "\n")
    assert _import(world, path).added == [1]
    path.write_text(json.dumps({"kind": "treaty", "title": "A treaty", "body": "new"}) + "\n"
                    + json.dumps({"kind": "statute", "title": "A treaty", "body": "x"}) + "\n")
    done = _import(world, path)
    assert (done.added, done.updated, done.unchanged) == ([2], [1], [])
    assert _titles(_search(world, "new")) == ["A treaty"]
    assert _import(world, path).unchanged == [1, 2]


def test_import_needs_kb_write(world: World, tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(GOOD_YAML)
    with pytest.raises(Forbidden):
        _import(world, path, username="root")
    assert _count(world) == 0


def test_the_starter_set_loads_and_is_found(world: World) -> None:
    done = _import(world, kb.STARTER)
    assert len(done.added) == len(kb.read_entries(kb.STARTER)) >= 15
    assert _titles(_search(world, "Rantsev")) == ["Rantsev v. Cyprus and Russia (ECtHR, 2010)"]
    assert _titles(_search(world, "Siliadin", country="France", crime_type="servitude")) == [
        "Siliadin v. France (ECtHR, 2005)"]
    found = _titles(_search(world, "European Investigation Order"))
    assert found[0].startswith("Directive 2014/41/EU")
    assert {e.kind for e in kb.read_entries(kb.STARTER)} >= {
        "treaty", "statute", "model_statute", "case_law", "playbook", "request_template"}
    assert all(e.source for e in kb.read_entries(kb.STARTER))
    again = _import(world, kb.STARTER)
    assert (again.added, again.updated) == ([], [])


@pytest.mark.parametrize("text", ["a\x00b", "trafficking\x07"])
def test_a_control_character_in_a_search_is_a_clear_error(corpus: World, text: str) -> None:
    with pytest.raises(KbError, match="control character at position"):
        _search(corpus, text)
