"""`tessera demo`: a hub built end to end from a generated scenario, through the real paths.

It generates a scenario (``tessera.synth``: a simulated world of trafficking groups, victims
and money, and what each agency of eight countries sees of it), registers those agencies and
the convening organisation with their users, loads each agency's file as its submitter, shows
a rejected file's report, shows that each agency sees only what it may, resolves the people
the hub's analysts may see into entities, checks the audit chain, and serves the hub. Each
later capability adds itself here.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy import select

from tessera.cli.common import console, fail
from tessera.cli.web import run_server
from tessera.config import Settings
from tessera.cooperation import cases, kb, requests
from tessera.hub import access, admin, audit, exchanges, hits, records
from tessera.hub.db import Hub, upgrade
from tessera.hub.models import Agency, KbEntry, StoredRecord
from tessera.ingest.load import load_file
from tessera.ingest.report import render_table
from tessera.linkage.evaluate import agency_person_rows
from tessera.linkage.exchange import run_match, upload_file
from tessera.linkage.pprl import files
from tessera.linkage.pprl.encode import encode
from tessera.linkage.pprl.match import THRESHOLD
from tessera.linkage.pprl.schema import Schema, Secret
from tessera.linkage.run import link_hub
from tessera.network import disrupt, export, tables
from tessera.network.analyse import analyse
from tessera.network.source import from_hub
from tessera.patterns import payments, routes
from tessera.patterns import source as patterns_source
from tessera.publish import ledger, mse, public, release, synthetic
from tessera.publish import tables as publish_tables
from tessera.standard.countries import country_name
from tessera.synth import scenario as synth
from tessera.synth.world import Settings as WorldSettings

DEMO_PASSWORD = "tessera-demo"  # noqa: S105 - printed for the demo's users, demo mode only
DEMO_EXCHANGE = "demo"
DEMO_PURPOSE = "demo: which agencies hold records of the people our shelter supports"
CONVENER = ("IOM", "International Organization for Migration (convener)", "CH")
# How each kind of agency shares by default: police forces with every member, NGOs only with
# their country's police (they hold survivors' accounts), FIUs with the hub's analysts.
SCOPES = {
    "police": "members",
    "border": "members",
    "labour_inspectorate": "partners",
    "ngo": "partners",
    "fiu": "hub",
}
KIND_NAMES = {
    "police": "police, anti-trafficking unit",
    "fiu": "financial intelligence unit",
    "ngo": "shelter and victim support NGO",
    "labour_inspectorate": "labour inspectorate",
    "border": "border guard",
}


def _register(hub: Hub, manifest: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """Create the scenario's agencies, the convener and their users; returns the users."""
    users: list[tuple[str, str, list[str]]] = []
    agencies = manifest["agencies"]
    with hub.session() as s:
        for agency in agencies:
            same_country = [
                a["code"] for a in agencies
                if a["country"] == agency["country"] and a["code"] != agency["code"]
            ]
            police = [c for c in same_country if c.endswith("-POL")]
            admin.create_agency(
                s,
                "demo",
                code=agency["code"],
                name=f"{country_name(agency['country'])} {KIND_NAMES[agency['kind']]}",
                country=agency["country"],
                kind=agency["kind"],
                scope=SCOPES[agency["kind"]],
                partners=police if agency["kind"] == "ngo" else same_country,
            )
            users.append((agency["code"].lower(), agency["code"],
                          ["submitter", "analyst", "coordinator"]))
        code, name, country = CONVENER
        admin.create_agency(
            s, "demo", code=code, name=name, country=country, kind="international_organisation",
            scope="hub",
        )
        users += [
            ("iom.analyst", code, ["analyst"]),
            ("iom.coordinator", code, ["coordinator"]),
            ("auditor", code, ["auditor"]),
            ("admin", code, ["admin"]),
        ]
        for username, agency_code, roles in users:
            admin.create_user(
                s, "demo", username=username, agency_code=agency_code, roles=roles,
                password=DEMO_PASSWORD,
            )
    return users


def demo(
    data_dir: Annotated[Path, typer.Option(help="Where the demo hub is created (emptied).")] = Path(
        "tessera-demo"
    ),
    scale: Annotated[int, typer.Option(help="About how many records the agencies hold.")] = 20_000,
    seed: Annotated[int, typer.Option(help="The scenario's seed.")] = 0,
    serve: Annotated[
        bool, typer.Option(help="Serve the hub on 127.0.0.1 when it is built.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port of the served hub.")] = 8000,
) -> None:
    """Build a demo hub from a generated scenario through the real ingest path, and serve it."""
    if data_dir.exists():
        if not (data_dir / "hub.sqlite").exists():
            fail(f"{data_dir} exists and is not a demo hub; choose another --data-dir")
        shutil.rmtree(data_dir)
    cfg = Settings(data_dir=data_dir, demo=True)
    hub = Hub.open(cfg.url)
    upgrade(hub.engine)
    console.rule("[bold]Scenario")
    with console.status("simulating the world and what each agency sees…"):
        scenario = synth.generate(WorldSettings(seed=seed, scale=scale))
        manifest = synth.write(scenario, data_dir / "scenario")
    world = scenario.world
    console.print(
        f"{len(world.groups)} groups, {len(world.journeys):,} victims, "
        f"{len(world.transfers):,} transfers in {len(world.countries)} countries; "
        f"{manifest['records']:,} records in {len(manifest['agencies'])} agencies' files "
        f"(truth in {data_dir / 'scenario' / 'truth'})"
    )
    users = _register(hub, manifest)
    console.rule("[bold]Submissions")
    table = Table("agency", "file", "status", "records", "new")
    with Progress(
        TextColumn("loading"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("load", total=manifest["records"])
        for agency in manifest["agencies"]:
            path = data_dir / "scenario" / agency["file"]
            result = load_file(hub, path, username=agency["code"].lower())
            bar.advance(task, agency["rows"])
            table.add_row(
                agency["code"], path.name, result.status, f"{result.report.valid:,}",
                f"{result.created:,}",
            )
    console.print(table)
    bad = data_dir / "bad-submission.csv"
    bad.write_text(
        "record_type,ref,name,birth_date,number,owner_ref,gender\n"
        "person,B1,Ірина Мельник,31.02.1990,,,female\n"
        "phone,B2,,,not-a-number,B1,\n"
        "person,B3,Ion Rusu,1988,,,robot\n",
        encoding="utf-8",
    )
    first = manifest["agencies"][0]["code"].lower()
    result = load_file(hub, bad, username=first)
    console.print(f"{first} {bad.name}: {result.status}, nothing written")
    render_table(result.report, console)
    _show_visibility(hub, users)
    console.rule("[bold]Entity resolution")
    with console.status("linking the person records the hub's analysts may see…"):
        linked = link_hub(hub, "iom.analyst")
    console.print(
        f"{linked.records:,} person records resolved into {linked.entities:,} people, "
        f"{linked.linked:,} of them found in more than one agency's records "
        "(see a record's page for the same person elsewhere)"
    )
    _exchange(hub, cfg, scenario, data_dir)
    _network(hub, data_dir)
    _patterns(hub)
    _cooperation(hub)
    _publish(hub, scenario.settings)
    with hub.session() as s:
        check = audit.verify(s)
    console.rule("[bold]Audit")
    console.print(f"{check.entries} audit entries, chain intact: {check.ok}")
    console.rule("[bold]Logins")
    names = ", ".join(u for u, _, _ in users)
    console.print(f"Demo users (one per agency, named after it): {names}")
    console.print(f"Every demo user's password: [bold]{DEMO_PASSWORD}[/]")
    console.print(
        f"\nDemo hub: {cfg.url}\nTry: TESSERA_DATA_DIR={data_dir} tessera records list "
        f"--user {users[0][0]} --type person --limit 10"
    )
    if serve:
        run_server(cfg, hub, "127.0.0.1", port)


def _exchange(hub: Hub, cfg: Settings, scenario: synth.Scenario, data_dir: Path) -> None:
    """Hit/no-hit matching: the convener opens an exchange; the police forces and the NGOs
    encode their people with a secret the hub never sees and upload the encodings (as agencies
    that keep names to themselves would; here they submitted their files too); each NGO asks
    which agencies hold the people it supports."""
    console.rule("[bold]Hit/no-hit exchange")
    with hub.session() as s:
        exchanges.set_exchange(s, admin.actor(s, "admin"), DEMO_EXCHANGE, THRESHOLD)
    secret = Secret.new(DEMO_EXCHANGE)  # held by the agencies, beside the hub, never in it
    secret.save(data_dir / "exchange.key")
    sharing = [a for a in scenario.agencies if a.kind in ("police", "ngo")]
    with console.status("encoding and uploading the police forces' and NGOs' people…"):
        for agency in sharing:
            encoded = encode(agency.code, agency_person_rows(agency), Schema(), secret)
            path = data_dir / "scenario" / "agencies" / f"{agency.code}.encodings.jsonl"
            files.write(path, encoded)
            upload_file(hub, agency.code.lower(), DEMO_EXCHANGE, path)
    found = 0
    with console.status("each NGO asks which agencies hold the people it supports…"):
        for agency in sharing:
            if agency.kind == "ngo":
                run = run_match(hub, agency.code.lower(), DEMO_EXCHANGE, DEMO_PURPOSE,
                                per_day=cfg.match_requests_per_day)
                found += len(run.new)
    console.print(f"{len(sharing)} police forces and NGOs uploaded encodings to exchange "
                  f"{DEMO_EXCHANGE!r} (its secret in {data_dir / 'exchange.key'}, never in the "
                  f"hub); the NGOs' requests found {found} hits (see Hits, signed in as an NGO "
                  "or police user)")


def _network(hub: Hub, data_dir: Path) -> None:
    """The network as the hub's analysts see it: the key players and the disruption plan;
    the files for Gephi beside the hub."""
    console.rule("[bold]Network")
    with console.status("building and analysing the network the hub's analysts may see…"):
        with hub.session() as s:
            net = from_hub(s, admin.actor(s, "iom.analyst"))
        graph = tables.graph_of(net)
        simple = tables.simple(graph)
        found = analyse(simple)
        plan = disrupt.compare(simple, found, 5)[0]
        export.write(graph, "gexf", data_dir / "network.gexf")
    console.print(
        f"{len(net.nodes):,} nodes and {len(net.edges):,} ties; {len(found.communities):,} "
        f"communities; key players: {', '.join(p.label for p in found.ranking[:5])}; "
        f"removing {', '.join(plan.removed)} leaves a largest group of {plan.largest:,} "
        f"(see Network; the whole graph for Gephi in {data_dir / 'network.gexf'})")


def _cooperation(hub: Hub) -> None:
    """The convener loads the knowledge base's starter set; each police force of a
    destination opens a case and invites the police of an origin into a joint team; each NGO
    follows up its first hits with the agency holding the other record, which acknowledges,
    grants what consent allows and answers; the lead of each case asks its team mate for
    mutual legal assistance, citing the convention and the case."""
    console.rule("[bold]Cooperation")
    made = granted = teams = 0
    today = dt.date.today()
    with hub.session() as s:
        loaded = kb.import_entries(s, admin.actor(s, "iom.analyst"), kb.STARTER)
        mla = s.scalar(select(KbEntry.id).where(KbEntry.title.like("%Mutual Assistance%")))
        police = {a.country: a for a in s.scalars(select(Agency).where(Agency.kind == "police"))}
        destinations = {a.country for a in s.scalars(select(Agency).where(Agency.kind.in_(
            ("labour_inspectorate", "border"))))} & set(police)
        for country in sorted(destinations):
            lead = admin.actor(s, police[country].code.lower())
            origins = [p for c, p in sorted(police.items()) if c not in destinations]
            partner = origins[teams % len(origins)]
            people = s.scalars(select(StoredRecord).where(
                StoredRecord.agency_id == lead.agency_id, StoredRecord.is_current.is_(True),
                StoredRecord.record_type == "person"))
            suspects = [r.ref for r in people if "exploiter" in (r.data.get("roles") or [])][:3]
            case = cases.open_case(s, lead, title=f"Forced labour in {country_name(country)}",
                                   country=country, crime_types=["forced_labour"])
            cases.set_status(s, lead, case.code, "under_investigation")
            cases.add_member(s, lead, case.code, partner.code)
            for ref in suspects:
                cases.link(s, lead, case.code, "record", f"{lead.agency_code}/{ref}",
                           "suspected exploiter")
            cases.add_task(s, lead, case.code, "Interview the victims who returned home",
                           agency_code=partner.code, due=today + dt.timedelta(days=21))
            teams += 1
            asked = requests.create(
                s, lead, kind="mutual_legal_assistance", to_agency=partner.code,
                case=case.code, kb_entry=mla, deadline=today + dt.timedelta(days=60),
                purpose="Statements of the victims recruited in "
                        f"{country_name(partner.country)}, for case {case.code}",
                legal_basis="European Convention on Mutual Assistance in Criminal Matters "
                            "(1959)")
            requests.move(s, lead, asked.code, "sent")
            made += 1
        for ngo in s.scalars(select(Agency).where(Agency.kind == "ngo")):
            actor = admin.actor(s, ngo.code.lower())
            for hit in hits.hits_for(s, actor, limit=2):
                asked = requests.create(
                    s, actor, kind="hit_follow_up", hit=hit.id, priority="high",
                    purpose=f"Support of the victim {hit.ref} we assist: what is known of "
                            "them, to plan their protection",
                    legal_basis="Council of Europe Convention on Action against Trafficking "
                                "in Human Beings (2005), art. 10 and 12",
                    deadline=today + dt.timedelta(days=30))
                requests.move(s, actor, asked.code, "sent")
                other = admin.actor(s, asked.requested_agency.lower())
                requests.move(s, other, asked.code, "acknowledged")
                try:
                    requests.grant(s, other, asked.code)
                    granted += 1
                    requests.move(s, other, asked.code, "answered", "record granted")
                except requests.RequestError as refused:  # consent, or a record since gone
                    requests.move(s, other, asked.code, "refused", str(refused))
                made += 1
    console.print(f"{len(loaded.added)} knowledge-base entries (treaties, case law, "
                  f"playbooks); {teams} joint investigation teams; {made} requests opened "
                  f"({granted} hit follow-ups granted by the agency asked); see Cases, and "
                  "`tessera request list --user <agency>`")


def _patterns(hub: Hub) -> None:
    """The corridors and payment schemes in what the hub's analysts may see."""
    console.rule("[bold]Patterns")
    with console.status("reading routes and scanning payments as the hub's analysts see them…"):
        with hub.session() as s:
            records, people = patterns_source.from_hub(s, admin.actor(s, "iom.analyst"),
                                                       {"patterns": "demo"})
        found = routes.corridors(routes.journeys(records, people))
        alerts = payments.scan(patterns_source.transactions(records),
                               victims=patterns_source.victim_accounts(records))
    top = sorted(found.corridors, key=lambda c: -c.people)[:3]
    kinds = Counter(a.typology for a in alerts)
    console.print(
        f"{found.journeys:,} journeys in {len(found.corridors):,} corridors; busiest: "
        + ", ".join(f"{routes.route_label(c.route)} ({c.people})" for c in top)
        + f"; {len(alerts):,} payment alerts: "
        + ", ".join(f"{n} {k}" for k, n in kinds.most_common())
        + " (see Patterns)")


def _publish(hub: Hub, settings: WorldSettings) -> None:
    """The convener's coordinator sets the hub's privacy budget and publishes a k-anonymous
    table, a differentially private one, synthetic victims and an estimate of the victims no
    agency has seen, on the public statistics page."""
    console.rule("[bold]Published statistics")
    years = (settings.start.year, settings.start.year + settings.years)
    with console.status("releasing tables, synthetic victims and an estimate…"), \
            hub.session() as s:
        actor = admin.actor(s, "iom.coordinator")
        ledger.set_budget(s, actor, "hub", 10.0, 1e-6)
        records, people = publish_tables.from_hub(s, actor, {"publish": "demo"})
        victims = publish_tables.victim_journeys(records, people)
        kanon = release.release_kanon(publish_tables.count(victims, ["year", "origin"]))
        dp = release.release_dp(victims, ["exploitation_type", "gender"], epsilon=1.0)
        made = synthetic.make_synthetic(victims, epsilon=1.0, years=years, seed=0)
        ledger.spend(s, actor, "hub", release_id=dp.id, mechanism=release.DP_MECHANISM,
                     epsilon=dp.epsilon or 0.0, description="demo: exploitation by gender")
        ledger.spend(s, actor, "hub", release_id=made.id, mechanism=synthetic.MECHANISM,
                     epsilon=made.epsilon, delta=made.delta, description="demo: synthetic")
        shown = [(kanon.id, public.of_table(kanon, "Victims by year and country of origin")),
                 (dp.id, public.of_table(dp, "Victims by form of exploitation and gender")),
                 (made.id, public.of_synthetic(made))]
        kinds: dict[str, str] = dict(s.execute(select(Agency.code, Agency.kind)).all())
        try:
            estimate = mse.estimate(mse.from_lists(
                publish_tables.victim_lists(records, people, kinds)))
            estimate_id = release.new_id(dt.datetime.now(dt.UTC))
            shown.append((estimate_id, public.of_estimate(estimate, estimate_id)))
            low, high = estimate.interval
            said = (f"{estimate.observed:,} victims seen, about {estimate.total:,.0f} in all "
                    f"(95% interval {low:,.0f}–{high:,.0f})")
        except mse.EstimationError as refused:  # the convener sees too few agencies' victims
            said = f"no estimate: {refused}"
        for release_id, public_release in shown:
            public.publish(s, actor, release_id, public_release, "hub")
    console.print(f"{len(shown)} releases on /statistics (ε 2 of the hub's 10 spent); {said}")


def _show_visibility(hub: Hub, users: list[tuple[str, str, list[str]]]) -> None:
    console.rule("[bold]Who sees what")
    table = Table("user", "agency", "records visible", "of which own")
    with hub.session() as s:
        for username, agency, _ in users:
            actor = admin.actor(s, username)
            if not access.allowed(actor, "record.read"):
                table.add_row(username, agency, "(no read role)", "")
                continue
            cap = 10_000
            rows = records.list_records(s, actor, limit=cap, purpose="demo overview")
            own = sum(1 for r in rows if r.agency_id == actor.agency_id)
            more = "+" if len(rows) == cap else ""
            table.add_row(username, agency, f"{len(rows):,}{more}", f"{own:,}{more}")
    console.print(table)
