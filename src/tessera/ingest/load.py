"""Loading an agency file into the hub: all or nothing, streamed, with a validation report.

The whole load is one database transaction. Rows are read, validated, prepared and written in
batches so memory stays flat; if any row is rejected (and ``accept_valid`` is off), or the
process dies, the transaction never commits and the hub is exactly as it was. A refused
submission is still audited, in a transaction of its own, with its counts.

On a machine with more than one core, a large file is read, validated and prepared in a worker
process while this process writes the previous batch: the two halves cost about the same, so
the load runs close to twice as fast. The worker never touches the database.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing as mp
import os
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tessera.hub import access, admin, audit
from tessera.hub.db import Hub
from tessera.hub.models import Submission, utcnow
from tessera.hub.records import Defaults, Incoming, apply_consent, prepare, write_prepared
from tessera.ingest.mapping import Mapping
from tessera.ingest.readers import ReadError, ReadStats, read_rows
from tessera.ingest.report import ValidationReport
from tessera.ingest.validate import Rejection, Valid, validate_rows

# Files smaller than this load in one process: starting a worker costs more than it saves.
PARALLEL_MIN_BYTES = 4 << 20
_POLL_SECONDS = 1.0


class LoadError(ValueError):
    """The load cannot start (unknown user, wrong agency, unreadable file)."""


@dataclass
class LoadResult:
    status: str  # "committed", "partial" (valid rows only) or "rejected" (nothing written)
    report: ValidationReport
    submission_id: int | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    counts_by_type: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Job:
    """Everything the reading half needs; picklable, so it can run in a worker process."""

    path: Path
    fmt: str | None
    record_type: str | None
    mapping: Mapping | None
    country: str
    defaults: Defaults
    user_id: int
    submission_id: int
    batch_size: int


# Messages from the reading half: ("batch", rows, rejections, progress) then ("end", stats),
# or ("error", message).
Message = tuple[Any, ...]


def _produce(job: _Job) -> Iterator[Message]:
    stats = ReadStats()
    now = utcnow()
    advanced = 0

    def progress(step: int) -> None:
        nonlocal advanced
        advanced += step

    try:
        rows: list[dict[str, Any]] = []
        rejected: list[list[Rejection]] = []
        source = read_rows(
            job.path,
            record_type=job.record_type,
            fmt=job.fmt,
            mapping=job.mapping,
            progress=progress,
            stats=stats,
            country=job.country,
        )
        for item in validate_rows(source, country=job.country):
            if isinstance(item, Valid):
                incoming = Incoming(
                    item.record, item.source.file, item.source.sheet, item.source.row
                )
                rows.append(
                    prepare(
                        job.defaults,
                        incoming,
                        user_id=job.user_id,
                        submission_id=job.submission_id,
                        received_at=now,
                    )
                )
            else:
                rejected.append(item)
            if len(rows) + len(rejected) >= job.batch_size:
                yield ("batch", rows, rejected, advanced)
                rows, rejected, advanced = [], [], 0
        yield ("batch", rows, rejected, advanced)
        yield ("end", stats)
    except ReadError as exc:
        yield ("error", str(exc))


def _worker(job: _Job, out: mp.Queue[Message]) -> None:
    _relax_gc()
    for message in _produce(job):
        out.put(message)


def _messages(job: _Job, parallel: bool) -> Iterator[Message]:
    if not parallel:
        yield from _produce(job)
        return
    ctx = mp.get_context("spawn")
    channel: mp.Queue[Message] = ctx.Queue(maxsize=4)  # bounded: memory stays flat
    worker = ctx.Process(target=_worker, args=(job, channel), daemon=True)
    worker.start()
    try:
        while True:
            try:
                message = channel.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not worker.is_alive():
                    raise LoadError("the reading process stopped unexpectedly") from None
                continue
            yield message
            if message[0] in ("end", "error"):
                return
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _relax_gc() -> None:
    """Collect cycles less often: a load makes millions of short-lived objects but few cycles,
    and each full collection walks every object alive (about a tenth of the load's time)."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


class _Abort(Exception):
    """Raised inside the transaction to roll it back when a row was rejected."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_file(
    hub: Hub,
    path: Path,
    *,
    username: str,
    agency_code: str | None = None,
    fmt: str | None = None,
    record_type: str | None = None,
    mapping: Mapping | None = None,
    accept_valid: bool = False,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    parallel: bool | None = None,
) -> LoadResult:
    """Validate ``path`` and write its records as ``username``'s agency's, in one transaction.

    ``parallel``: read in a worker process (default: for large files on multi-core machines).
    """
    if not path.is_file():
        raise LoadError(f"no such file: {path}")
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1 and path.stat().st_size >= PARALLEL_MIN_BYTES
    sha = file_sha256(path)
    report = ValidationReport(file=path.name)
    thresholds = gc.get_threshold()
    _relax_gc()
    result = LoadResult(status="rejected", report=report)
    try:
        with hub.session() as session:
            actor = admin.actor(session, username)
            agency = admin.get_agency(session, agency_code or actor.agency_code)
            if agency.id != actor.agency_id:
                raise LoadError(f"{username} belongs to {actor.agency_code}, not {agency.code}")
            submission = Submission(
                agency_id=agency.id,
                user_id=actor.user_id,
                file_name=path.name,
                file_sha256=sha,
                status="committed",
            )
            session.add(submission)
            session.flush()
            access.authorize(
                session,
                actor,
                "record.submit",
                f"submission:{submission.id}",
                {"file": path.name, "sha256": sha},
            )
            job = _Job(
                path,
                fmt,
                record_type,
                mapping,
                agency.country,
                Defaults.of(agency),
                actor.user_id,
                submission.id,
                batch_size,
            )
            for message in _messages(job, parallel):
                if message[0] == "error":
                    raise LoadError(message[1])
                if message[0] == "end":
                    stats: ReadStats = message[1]
                    report.warnings.extend(stats.warnings)
                    report.skipped.update(stats.skipped)
                    continue
                _, rows, rejected, advanced = message
                _write(session, agency.id, rows, rejected, report, result, path.name)
                if progress is not None and advanced:
                    progress(advanced)
            if report.rejected_rows and not accept_valid:
                raise _Abort
            apply_consent(session, agency.id)
            submission.status = "partial" if report.rejected_rows else "committed"
            submission.rows_read = report.rows_read
            submission.created, submission.updated = result.created, result.updated
            submission.unchanged, submission.rejected = result.unchanged, report.rejected_rows
            result.status, result.submission_id = submission.status, submission.id
    except _Abort:
        with hub.session() as session:
            actor = admin.actor(session, username)
            audit.append(
                session,
                username=username,
                agency_code=actor.agency_code,
                action="record.submit",
                resource=f"file:{path.name}",
                outcome="rejected",
                detail={
                    "sha256": sha,
                    "rows": report.rows_read,
                    "rejected_rows": report.rejected_rows,
                },
            )
    except admin.AdminError as exc:
        raise LoadError(str(exc)) from None
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
    return result


def _write(
    session: Any,
    agency_id: int,
    rows: list[dict[str, Any]],
    rejected: list[list[Rejection]],
    report: ValidationReport,
    result: LoadResult,
    file_name: str,
) -> None:
    for rejections in rejected:
        report.add(rejections)
    if not rows:
        return
    counts = write_prepared(session, agency_id, rows)
    result.created += counts.created
    result.updated += counts.updated
    result.unchanged += counts.unchanged
    report.rows_read += len(rows)
    report.valid += len(rows) - len(counts.conflicts)
    for row in rows:
        t = row["record_type"]
        result.counts_by_type[t] = result.counts_by_type.get(t, 0) + 1
    for conflict in counts.conflicts:
        row = conflict.row
        result.counts_by_type[row["record_type"]] -= 1
        report.rows_read -= 1  # counted again below, as rejected
        report.add(
            [
                Rejection(
                    row["source_file"] or file_name,
                    row["source_sheet"],
                    row["source_row"] or 0,
                    "ref",
                    row["ref"],
                    conflict.reason,
                )
            ]
        )
