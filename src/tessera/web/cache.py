"""Work kept per user while the hub is unchanged: analysed networks, found patterns.

Building either takes seconds on a hub of tens of thousands of records, and an analyst's
page and its API calls ask for it again and again. An entry is one user's and is given to
that user only, with the roles and agency it was built for (each user sees different
records), and only while the hub's state (``tessera.network.source.state``) is the one it
was built from. At most ``users`` entries are kept, the least recently read dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, Protocol, TypeVar

from tessera.hub.access import Actor

CACHED_USERS = 32
Fingerprint = tuple[Any, ...]


class Kept(Protocol):
    @property
    def actor(self) -> Actor: ...

    @property
    def fingerprint(self) -> Fingerprint: ...


E = TypeVar("E", bound=Kept)


class PerUser(Generic[E]):
    """Each user's entry, kept while the hub's state is the one it was built from."""

    def __init__(self, users: int = CACHED_USERS) -> None:
        self.users = users
        self._entries: OrderedDict[int, E] = OrderedDict()
        self._turns: dict[int, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, actor: Actor, found: Fingerprint) -> E | None:
        with self._lock:
            entry = self._entries.get(actor.user_id)
            if entry is None or entry.actor != actor or entry.fingerprint != found:
                return None
            self._entries.move_to_end(actor.user_id)
            return entry

    def put(self, entry: E) -> None:
        with self._lock:
            self._entries[entry.actor.user_id] = entry
            self._entries.move_to_end(entry.actor.user_id)
            while len(self._entries) > self.users:
                self._entries.popitem(last=False)

    @contextmanager
    def turn(self, actor: Actor) -> Iterator[None]:
        """One build at a time per user: a page and its API calls arriving together build
        once, the others then find it kept."""
        with self._lock:
            lock = self._turns.setdefault(actor.user_id, threading.Lock())
        with lock:
            yield
