"""Ingest benchmark: a 100,000-record mixed-type CSV validated and committed, per backend.

    python bench/ingest.py [--rows 100000] [--repeat 3] [--postgres URL] [--stages]

Each load goes into a new, empty hub, in a fresh child process so that its peak memory (max
RSS) is its own. Prints the median records/s of the repeated loads and peak memory, for SQLite,
and for PostgreSQL when a URL is given (or TESSERA_TEST_POSTGRES_URL is set). The floor set by
the foundation issue is 20,000 records/s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FLOOR = 20_000


def child(url: str, path: Path) -> None:
    """Load ``path`` into a new hub at ``url`` and print timings as JSON."""
    from tessera.hub import admin
    from tessera.hub.db import Hub, upgrade
    from tessera.ingest.load import load_file

    hub = Hub.open(url)
    upgrade(hub.engine)
    with hub.session() as s:
        admin.create_agency(s, "bench", code="UA-POL", name="bench", country="UA", kind="police")
        admin.create_user(s, "bench", username="bench", agency_code="UA-POL", roles=["submitter"])
    start = time.perf_counter()
    result = load_file(hub, path, username="bench")
    seconds = time.perf_counter() - start
    # The loader's own peak, and that of a reading worker (which reports it as it ends).
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mib = result.worker_peak_kib / 1024
    print(
        json.dumps(
            {
                "status": result.status,
                "records": result.report.valid,
                "rejected": result.report.rejected_rows,
                "seconds": seconds,
                "peak_mib": peak_mib,
                "worker_mib": worker_mib,
            }
        )
    )


def stages(path: Path) -> None:
    """Time each stage of a load on one core, to show where the time goes."""
    import gc

    from tessera.hub import admin, records
    from tessera.hub.db import Hub, upgrade
    from tessera.hub.models import utcnow
    from tessera.ingest.readers import read_rows
    from tessera.ingest.validate import Valid, validate_rows

    gc.freeze()
    timings: list[tuple[str, float]] = []
    start = time.perf_counter()
    rows = list(read_rows(path))
    timings.append(("read", time.perf_counter() - start))
    start = time.perf_counter()
    valid = [v for v in validate_rows(rows, country="UA") if isinstance(v, Valid)]
    timings.append(("validate", time.perf_counter() - start))
    defaults = records.Defaults(1, "H2", "X", "4", 1, ";")
    now = utcnow()
    items = [records.Incoming(v.record, v.source.file, v.source.sheet, v.source.row) for v in valid]
    start = time.perf_counter()
    prepared = [
        records.prepare(defaults, i, user_id=None, submission_id=None, received_at=now)
        for i in items
    ]
    timings.append(("prepare", time.perf_counter() - start))
    with tempfile.TemporaryDirectory() as tmp:
        hub = Hub.open(f"sqlite:///{Path(tmp) / 'stages.sqlite'}")
        upgrade(hub.engine)
        with hub.session() as s:
            agency = admin.create_agency(
                s, "bench", code="UA", name="b", country="UA", kind="police"
            )
            for k in range(0, len(prepared), 5000):
                batch = [{**row, "agency_id": agency.id} for row in prepared[k : k + 5000]]
                if k == 0:
                    start = time.perf_counter()
                records.write_prepared(s, agency.id, batch)
            timings.append(("write (SQLite)", time.perf_counter() - start))
    for name, seconds in timings:
        print(f"{name:16} {seconds / len(rows) * 1e6:6.1f} µs per record")


@contextlib.contextmanager
def _postgres_schema(base: str) -> Iterator[str]:
    """A URL to a fresh schema of ``base``, dropped afterwards (a kept one would give
    autovacuum work that competes with the next run)."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        with contextlib.suppress(Exception):  # needs a superuser; quiets earlier writes
            conn.execute(text("CHECKPOINT"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _run(name: str, url: str, csv_path: Path, tmp: str, k: int) -> dict[str, Any]:
    """One load into a new, empty hub, in a child process; its figures."""
    if name == "sqlite":
        url = f"sqlite:///{Path(tmp) / f'hub{k}.sqlite'}"
    with _postgres_schema(url) if name == "postgresql" else contextlib.nullcontext(url) as target:
        out = subprocess.run(
            [sys.executable, __file__, "--child", target, str(csv_path)],
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("TESSERA_TEST_POSTGRES_URL"))
    parser.add_argument("--repeat", type=int, default=3, help="loads per backend (median)")
    parser.add_argument("--stages", action="store_true", help="also time each stage")
    args = parser.parse_args()

    from tessera.synth.flat import write_csv

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "mixed.csv"
        start = time.perf_counter()
        n = write_csv(csv_path, args.rows, seed=7)
        print(
            f"generated {n:,} rows ({csv_path.stat().st_size / 2**20:.1f} MiB) "
            f"in {time.perf_counter() - start:.1f} s"
        )
        targets = [("sqlite", "")]
        if not args.postgres:
            print("postgresql: skipped (no --postgres URL and TESSERA_TEST_POSTGRES_URL unset)")
        for name, url in targets + ([("postgresql", args.postgres)] if args.postgres else []):
            runs = [_run(name, url, csv_path, tmp, k) for k in range(args.repeat)]
            rates = sorted(r["records"] / r["seconds"] for r in runs)
            r = runs[0]
            median = statistics.median(rates)
            verdict = "meets" if median >= FLOOR else "BELOW"
            print(
                f"{name:10} {r['records']:>8,} records: median {median:>8,.0f} records/s over "
                f"{len(runs)} runs (range {rates[0]:,.0f}-{rates[-1]:,.0f}; {verdict} the "
                f"{FLOOR:,}/s floor), peak memory {max(x['peak_mib'] for x in runs):,.0f} MiB "
                f"(reading worker {max(x['worker_mib'] for x in runs):,.0f} MiB), "
                f"status {r['status']}"
            )
        if args.stages:  # after the loads: a big parent would inflate their children's RSS
            stages(csv_path)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
