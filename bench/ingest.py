"""Ingest benchmark: a 100,000-record mixed-type CSV validated and committed, per backend.

    python bench/ingest.py [--rows 100000] [--postgres URL]

Each load runs in a fresh child process so that its peak memory (max RSS) is its own. Prints
records/s and peak memory for SQLite, and for PostgreSQL when a URL is given (or
TESSERA_TEST_POSTGRES_URL is set). The floor set by the foundation issue is 20,000 records/s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

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
    # The loader's own peak, and its reading worker's (a child process, ended by now).
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
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


def _postgres_schema_url(base: str) -> str:
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(base, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("TESSERA_TEST_POSTGRES_URL"))
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
        targets = [("sqlite", f"sqlite:///{Path(tmp) / 'hub.sqlite'}")]
        if args.postgres:
            targets.append(("postgresql", _postgres_schema_url(args.postgres)))
        else:
            print("postgresql: skipped (no --postgres URL and TESSERA_TEST_POSTGRES_URL unset)")
        for name, url in targets:
            out = subprocess.run(
                [sys.executable, __file__, "--child", url, str(csv_path)],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rate = r["records"] / r["seconds"]
            verdict = "meets" if rate >= FLOOR else "BELOW"
            print(
                f"{name:10} {r['records']:>8,} records in {r['seconds']:6.2f} s = "
                f"{rate:>8,.0f} records/s ({verdict} the {FLOOR:,}/s floor), "
                f"peak memory {r['peak_mib']:,.0f} MiB (reading worker "
                f"{r['worker_mib']:,.0f} MiB), status {r['status']}"
            )
        if args.stages:  # after the loads: a big parent would inflate their children's RSS
            stages(csv_path)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
