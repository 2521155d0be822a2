"""Loading an agency file into the hub: all or nothing, streamed, with a validation report.

The whole load is one database transaction. Rows are read, validated, prepared and written in
batches so memory stays flat; if any row is rejected (and ``accept_valid`` is off), or the
process dies, the transaction never commits and the hub is exactly as it was. A refused
submission is still audited, in a transaction of its own, with its counts.

On a machine with more than one core, a large file is read, validated and prepared by worker
processes, alternate batches each, while this process writes: validating and preparing a row
costs about twice what writing it does, so the load runs close to the speed of the single
writer. The workers never touch the database.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import multiprocessing as mp
import os
import queue
import resource
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing import forkserver
from pathlib import Path
from typing import Any

from tessera.hub import access, admin, audit
from tessera.hub.db import Hub
from tessera.hub.models import Submission, utcnow
from tessera.hub.records import (
    Defaults,
    Incoming,
    Statistics,
    apply_consent,
    bound_by_known_consent,
    prepare,
    write_prepared,
)
from tessera.ingest.mapping import Mapping
from tessera.ingest.readers import ReadError, ReadStats, read_rows
from tessera.ingest.report import ValidationReport
from tessera.ingest.validate import RefsSeen, Rejection, Valid, validate_row

# Files smaller than this load in one process: starting a worker costs more than it saves.
PARALLEL_MIN_BYTES = 4 << 20
# Reading processes at most: beyond two, on the machines Tessera targets, the single writer is
# the bottleneck and more readers only compete with it for cores.
MAX_WORKERS = 2
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
    worker_peak_kib: int = 0  # peak memory of a reading worker process (0: read in-process)


@dataclass(frozen=True)
class _Job:
    """Everything the reading half needs; picklable, so it can run in a worker process.

    The file's rows are cut into batches of ``batch_size``, numbered from 0; this job validates
    and prepares batches ``part``, ``part + parts``, ``part + 2 * parts``… and only reads the
    others, to see every ref (a ref used twice is refused wherever the two rows fall).
    """

    path: Path
    fmt: str | None
    record_type: str | None
    mapping: Mapping | None
    country: str
    defaults: Defaults
    user_id: int
    submission_id: int
    batch_size: int
    part: int = 0
    parts: int = 1

    def mine(self, batch: int) -> bool:
        return batch % self.parts == self.part


# Messages from a reading half: ("batch", rows, rejections, units read so far) for each of its
# batches, then ("end", stats, peak memory in KiB of the worker process or 0, units read); or
# ("error", message).
Message = tuple[Any, ...]


def _produce(job: _Job) -> Iterator[Message]:
    stats = ReadStats()
    now = utcnow()
    done = 0

    def progress(step: int) -> None:
        nonlocal done
        done += step

    refs = RefsSeen()
    rows: list[dict[str, Any]] = []
    rejected: list[list[Rejection]] = []
    n = 0
    try:
        source = read_rows(
            job.path,
            record_type=job.record_type,
            fmt=job.fmt,
            mapping=job.mapping,
            progress=progress,
            stats=stats,
            country=job.country,
        )
        for n, row in enumerate(source, start=1):
            if not job.mine((n - 1) // job.batch_size):
                refs.check(row)
                continue
            item = validate_row(row, country=job.country, refs=refs)
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
            if n % job.batch_size == 0:
                yield ("batch", rows, rejected, done)
                rows, rejected = [], []
        if n % job.batch_size and job.mine(n // job.batch_size):
            yield ("batch", rows, rejected, done)
        yield ("end", stats, 0, done)
    except ReadError as exc:
        yield ("error", str(exc))


def _default_workers(hub: Hub, path: Path) -> int:
    """0 for small files or one core; else one per core, at most ``MAX_WORKERS``, leaving a
    core to PostgreSQL, whose server does as much work per row as the worker that prepares it
    (measured on two cores: one worker loads faster than two there)."""
    cores = os.cpu_count() or 1
    if cores < 2 or path.stat().st_size < PARALLEL_MIN_BYTES:
        return 0
    if hub.engine.dialect.name == "postgresql":
        cores -= 1
    return max(1, min(cores, MAX_WORKERS))


_Context = mp.context.ForkContext | mp.context.ForkServerContext | mp.context.SpawnContext


def _context() -> _Context:
    """Where workers come from, fastest first.

    A fork of this process when it runs a single thread: the worker starts at once with the
    loader already imported, and never touches the database connections it inherits (it ends
    with ``os._exit``, so not even their finalizers run). With other threads alive (a web
    server's), forking could copy a lock some thread holds, so workers come from a fork server
    that has loaded the loader and cleaning's tables once (``tessera.ingest.preload``); where
    there is neither, they are spawned afresh.
    """
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" not in methods:
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["tessera.ingest.preload"])
    forkserver.ensure_running()  # returns at once; the server loads in the background
    return ctx


def _worker(job: _Job, out: mp.Queue[Message]) -> None:
    _relax_gc()
    parent = mp.parent_process()
    if parent is not None:
        # If the loader dies, end at once: a worker blocked writing into a pipe nobody reads
        # (or waiting for its queue's feeder thread as it exits) would otherwise live forever.
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    for message in _produce(job):
        if message[0] == "end":
            peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            message = (*message[:2], peak_kib, *message[3:])
        out.put(message)


def _exit_with(parent: mp.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def _messages(job: _Job, parts: int) -> Iterator[Message]:
    """The batches of ``job`` in file order, read by ``parts`` worker processes (0: in this one).

    Batch ``k`` comes from worker ``k % parts``; every worker reads the whole file, so the first
    worker that has no batch ``k`` to send says "end", and no later batch exists.
    """
    if parts < 1:
        yield from _produce(job)
        return
    ctx = _context()
    channels: list[mp.Queue[Message]] = [ctx.Queue(maxsize=3) for _ in range(parts)]  # bounded
    workers = [
        ctx.Process(
            target=_worker,
            args=(replace(job, part=k, parts=parts), channel),
            daemon=True,
        )
        for k, channel in enumerate(channels)
    ]
    for worker in workers:
        worker.start()
    try:
        for k in itertools.count():
            message = _receive(channels[k % parts], workers[k % parts])
            yield message
            if message[0] in ("end", "error"):
                return
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _receive(channel: mp.Queue[Message], worker: mp.process.BaseProcess) -> Message:
    """The worker's next message; a clear error if it died without sending one."""
    while True:
        alive = worker.is_alive()  # before waiting: what it sent before it ended still arrives
        try:
            return channel.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if not alive:
                raise LoadError("a reading process stopped unexpectedly") from None


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
    workers: int | None = None,
) -> LoadResult:
    """Validate ``path`` and write its records as ``username``'s agency's, in one transaction.

    ``workers``: how many processes read, validate and prepare rows while this one writes; 0
    does it all here. By default, see ``_default_workers``.
    """
    if not path.is_file():
        raise LoadError(f"no such file: {path}")
    if workers is None:
        workers = _default_workers(hub, path)
    if workers:
        _context()  # a fork server starts loading now, while this process sets the load up
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
            writer = _Writer(session, agency.id, path.name, report, result, Statistics(session))
            reported = 0  # progress units already passed on
            for message in _messages(job, workers):
                if message[0] == "error":
                    raise LoadError(message[1])
                if message[0] == "end":
                    stats: ReadStats = message[1]
                    result.worker_peak_kib = message[2]
                    report.warnings.extend(stats.warnings)
                    report.skipped.update(stats.skipped)
                else:
                    _, rows, rejected, _done = message
                    writer.write(rows, rejected)
                if progress is not None and message[-1] > reported:
                    progress(message[-1] - reported)
                    reported = message[-1]
            if report.rejected_rows and not accept_valid:
                raise _Abort
            apply_consent(session, agency.id, submission_id=submission.id)
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


@dataclass
class _Writer:
    """Writes batches of one load in its transaction and keeps its report and counts."""

    session: Any
    agency_id: int
    file_name: str
    report: ValidationReport
    result: LoadResult
    statistics: Statistics
    # consent bounds met so far: victims' own, and those records inherited (bound_by_known_consent)
    caps: dict[str, int | None] = field(default_factory=dict)

    def write(self, rows: list[dict[str, Any]], rejected: list[list[Rejection]]) -> None:
        report, result = self.report, self.result
        for rejections in rejected:
            report.add(rejections)
        if not rows:
            return
        bound_by_known_consent(rows, self.caps)
        counts = write_prepared(self.session, self.agency_id, rows)
        self.statistics.grew(counts.created + counts.updated)
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
                        row["source_file"] or self.file_name,
                        row["source_sheet"],
                        row["source_row"] or 0,
                        "ref",
                        row["ref"],
                        conflict.reason,
                    )
                ]
            )
