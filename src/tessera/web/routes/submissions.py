"""Submissions: upload a file through the real ingest path and get its validation report."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse

from tessera.hub import submissions
from tessera.hub.access import Actor
from tessera.ingest.load import LoadResult, load_file
from tessera.ingest.readers import FORMATS
from tessera.web.deps import ActorDep, HubDep, StateDep, WebState
from tessera.web.schemas import (
    MAX_ID,
    RECORD_TYPE_PATTERN,
    Malformed,
    Problem,
    SubmissionPublic,
    SubmissionResult,
    problems,
)

router = APIRouter(
    prefix="/submissions", tags=["submissions"], responses=problems(400, 401, 403, 404, 413)
)

_UNSAFE = re.compile(r"[^\w.\- ]+")
_CHUNK = 1 << 20


def safe_name(name: str | None) -> str:
    """The uploaded file's own name, without any folder, kept for provenance and the format."""
    base = _UNSAFE.sub("_", Path((name or "").replace("\\", "/")).name).strip(" .")
    return base[:200] or "upload"


def receive(state: WebState, actor: Actor, upload: UploadFile, *, accept_valid: bool,
            record_type: str | None = None, fmt: str | None = None) -> LoadResult:
    """Copy the upload to a private folder, under its own name (the format is read from it),
    and load it as the actor; the copy is removed afterwards, whatever happens. Its size was
    bounded as it arrived (``tessera.web.app.BodyLimit``)."""
    with tempfile.TemporaryDirectory(prefix="tessera-upload-") as folder:
        path = Path(folder) / safe_name(upload.filename)
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out, _CHUNK)
        return load_file(state.hub, path, username=actor.username, accept_valid=accept_valid,
                         record_type=record_type, fmt=fmt)


@router.post(
    "",
    response_model=SubmissionResult,
    status_code=201,
    operation_id="submit_file",
    responses={
        400: {"model": Problem, "description": "The file cannot be read (format, encoding), "
              "or the request holds a value the hub cannot store"},
        422: {
            "model": SubmissionResult | Malformed,
            "description": "The file was rejected (its report), or the request was malformed",
        },
    },
)
def submit_file(
    file: UploadFile,
    actor: ActorDep,
    state: StateDep,
    accept_valid: Annotated[bool, Form(description="Load the valid rows of a file with errors")]
    = False,
    record_type: Annotated[
        str | None,
        Form(description="Type of every row, for files without a record_type column",
             pattern=RECORD_TYPE_PATTERN),
    ] = None,
    file_format: Annotated[
        str | None,
        Form(alias="format", description="The file's format, when its extension does not tell",
             pattern="^(" + "|".join(FORMATS) + ")$"),
    ] = None,
) -> SubmissionResult | JSONResponse:
    """Submit a file (CSV, XLSX, JSON Lines, FollowTheMoney) as your agency's records.

    A file with any invalid row writes nothing unless ``accept_valid`` is set; the report
    names each rejected row, field, value and reason."""
    result = SubmissionResult.of(
        receive(state, actor, file, accept_valid=accept_valid, record_type=record_type,
                fmt=file_format)
    )
    if result.status == "rejected":
        return JSONResponse(result.model_dump(mode="json"), status_code=422)
    return result


@router.get("", response_model=list[SubmissionPublic], operation_id="list_submissions")
def list_submissions(
    actor: ActorDep,
    hub: HubDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[SubmissionPublic]:
    """Your agency's submissions, newest first (every agency's, for the hub's admins)."""
    with hub.session() as session:
        rows = submissions.list_submissions(session, actor, limit=limit, offset=offset)
        return [SubmissionPublic.of(r) for r in rows]


@router.get("/{submission_id}", response_model=SubmissionPublic, operation_id="get_submission")
def get_submission(
    submission_id: Annotated[int, PathParam(ge=1, le=MAX_ID)], actor: ActorDep, hub: HubDep
) -> SubmissionPublic:
    """One submission: who sent which file when, and what it added."""
    with hub.session() as session:
        return SubmissionPublic.of(submissions.get_submission(session, actor, submission_id))
