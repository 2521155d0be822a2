"""Screening: people checked against the records you may see, with explained candidates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError

from tessera.linkage.screen import screen
from tessera.standard.records import ANY_RECORD, Record
from tessera.web.deps import ActorDep, StateDep
from tessera.web.schemas import CandidatePublic, ScreenedPerson, Screening, problems

router = APIRouter(tags=["screening"], responses=problems(400, 401, 403))


class ScreeningError(ValueError):
    """A screened person whose values the standard refuses; the message names which."""


def _records(n: int, person: ScreenedPerson) -> list[Record]:
    ref = person.ref or f"#{n}"
    rows: list[dict[str, Any]] = [{
        "record_type": "person", "ref": ref, "name": person.name,
        "birth_date": person.birth_date, "gender": person.gender,
        "nationalities": person.nationality,
    }]
    rows += [{"record_type": "phone", "ref": f"{ref}:phone{k}", "owner_ref": ref, "number": p}
             for k, p in enumerate(person.phones)]
    rows += [{"record_type": "identity_document", "ref": f"{ref}:doc{k}", "owner_ref": ref,
              "kind": "passport", "number": d, "issuing_country": person.nationality}
             for k, d in enumerate(person.passports)]
    context = {"country": person.nationality} if person.nationality else None
    try:
        return [ANY_RECORD.validate_python({k: v for k, v in r.items() if v is not None},
                                           context=context) for r in rows]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"][1:])
        raise ScreeningError(f"person {ref}: {where}: {first['msg']}") from None


@router.post("/screening", response_model=list[CandidatePublic], operation_id="screen_people")
def screen_people(body: Screening, actor: ActorDep, state: StateDep) -> list[CandidatePublic]:
    """Candidates among the person records you may see for each person listed, best first,
    with the reasons; the read is audited as a screening."""
    refs = [p.ref for p in body.people if p.ref]
    if len(refs) != len(set(refs)):
        raise ScreeningError("each screened person needs a ref of their own")
    people = [r for n, p in enumerate(body.people, start=1) for r in _records(n, p)]
    found = screen(state.hub, actor.username, people, threshold=body.threshold)
    return [CandidatePublic(query=c.query, record=c.record, title=c.title,
                            probability=c.probability, explanation=c.explanation)
            for c in found]
