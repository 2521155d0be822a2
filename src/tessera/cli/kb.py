"""`tessera kb`: the knowledge base of case law, statutes, treaties, templates and playbooks."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from tessera.cli.common import console, errors_as_messages, fail, open_hub
from tessera.cli.hub import UserOpt
from tessera.cooperation import kb
from tessera.cooperation.kb import CRIME_TYPES, MARK, KbKind
from tessera.hub import admin

app = typer.Typer(help="The knowledge base: case law, statutes, treaties, request templates, "
                  "playbooks and lessons learned.", no_args_is_help=True)

KindOpt = Annotated[KbKind | None, typer.Option("--kind", help="Only entries of this kind.")]
CountryOpt = Annotated[str | None, typer.Option(help="Only entries tagged with this country.")]
CrimeOpt = Annotated[str | None, typer.Option(
    "--crime-type", help=f"Only entries of this crime type ({', '.join(CRIME_TYPES)}).")]
IssueOpt = Annotated[str | None, typer.Option("--legal-issue",
                                              help="Only entries of this legal issue.")]
TagOpt = Annotated[str | None, typer.Option(help="Only entries with this tag.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON Lines output.")]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _highlighted(snippet: str) -> str:
    """The snippet as Rich markup: the words found in bold, the rest as written."""
    start, stop = MARK
    out = escape(snippet)
    return out.replace(start, "[bold]").replace(stop, "[/bold]")


@app.command("add")
def add(
    user: UserOpt,
    kind: Annotated[KbKind, typer.Option(help="What the entry is.")],
    title: Annotated[str, typer.Option(help="Its title (unique within its kind).")],
    body: Annotated[str | None, typer.Option(help="Its text.")] = None,
    body_file: Annotated[Path | None, typer.Option(help="Read its text from this file "
                                                   "('-': standard input).")] = None,
    source: Annotated[str, typer.Option(help="Citation or address.")] = "",
    tag: Annotated[list[str] | None, typer.Option(help="A tag (repeat for several).")] = None,
    country: Annotated[list[str] | None, typer.Option(help="A country (repeat).")] = None,
    crime_type: Annotated[list[str] | None, typer.Option(help="A crime type (repeat).")] = None,
    legal_issue: Annotated[list[str] | None, typer.Option(help="A legal issue (repeat).")] = None,
) -> None:
    """Add an entry."""
    if (body is None) == (body_file is None):
        fail("give the entry's text with --body or --body-file (one of them)")
    with errors_as_messages():
        text = body if body is not None else (
            typer.get_text_stream("stdin").read() if str(body_file) == "-"
            else Path(str(body_file)).read_text(encoding="utf-8"))
        with open_hub().session() as s:
            entry = kb.add(s, admin.actor(s, user), {
                "kind": kind, "title": title, "body": text, "source": source,
                "tags": tag or [], "countries": country or [], "crime_types": crime_type or [],
                "legal_issues": legal_issue or []})
    console.print(f"entry {entry.id} added: {escape(entry.title)}", highlight=False)


@app.command("search")
def search(
    user: UserOpt,
    text: Annotated[str | None, typer.Argument(
        help="Words to find (\"quoted words\" together, `or` for either, -word to leave out); "
        "none: every entry the filters select.")] = None,
    kind: KindOpt = None,
    country: CountryOpt = None,
    crime_type: CrimeOpt = None,
    legal_issue: IssueOpt = None,
    tag: TagOpt = None,
    limit: Annotated[int, typer.Option(help="At most this many (1-100).")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Search the knowledge base, most relevant first."""
    with errors_as_messages(), open_hub().session() as s:
        hits = kb.search(s, admin.actor(s, user), text, kind=kind.value if kind else None,
                         country=country, crime_type=crime_type, legal_issue=legal_issue,
                         tag=tag, limit=limit)
    if as_json:
        for h in hits:
            typer.echo(_json({"id": h.entry.id, "kind": h.entry.kind, "title": h.entry.title,
                              "rank": h.rank, "snippet": h.snippet, "source": h.entry.source}))
        return
    if not hits:
        console.print("no entries found")
        return
    for h in hits:
        console.print(f"[bold]{h.entry.id}[/bold]  {h.entry.kind}  {escape(h.entry.title)}",
                      highlight=False)
        console.print(f"    {_highlighted(h.snippet)}", highlight=False)


@app.command("show")
def show(entry_id: int, user: UserOpt, as_json: JsonOpt = False) -> None:
    """Show one entry in full."""
    with errors_as_messages(), open_hub().session() as s:
        entry = kb.get(s, admin.actor(s, user), entry_id)
    if as_json:
        typer.echo(_json(asdict(entry)))
        return
    console.print(f"[bold]{escape(entry.title)}[/bold]  ({entry.kind}, entry {entry.id})",
                  highlight=False)
    for label, values in (("source", [entry.source] if entry.source else []),
                          ("tags", entry.tags), ("countries", entry.countries),
                          ("crime types", entry.crime_types),
                          ("legal issues", entry.legal_issues)):
        if values:
            console.print(f"{label}: {escape(', '.join(values))}", highlight=False)
    console.print(f"added by {entry.created_by} on {entry.created_at:%Y-%m-%d}, "
                  f"updated {entry.updated_at:%Y-%m-%d}", highlight=False)
    console.print()
    console.print(escape(entry.body), highlight=False)


@app.command("import")
def import_(
    user: UserOpt,
    path: Annotated[Path | None, typer.Argument(
        help="A YAML file (a list of entries) or JSON Lines (an entry a line).")] = None,
    starter: Annotated[bool, typer.Option(help="Import Tessera's starter set.")] = False,
) -> None:
    """Import entries from a file; one with the kind and title of an entry in the hub updates
    it. The whole file is checked first: on any problem nothing is written."""
    if (path is None) == (not starter):
        fail("give a file to import, or --starter (one of them)")
    source = kb.STARTER if starter else Path(str(path))
    with errors_as_messages(), open_hub().session() as s:
        done = kb.import_entries(s, admin.actor(s, user), source)
    console.print(f"{source.name}: {len(done.added)} added, {len(done.updated)} updated, "
                  f"{len(done.unchanged)} unchanged", highlight=False)
