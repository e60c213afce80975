"""`Changes`: the one typed value every write (local or remote) reports to observers."""

from __future__ import annotations

from dataclasses import dataclass, field

from sync.ids import OpId, SpaceId


@dataclass(frozen=True, slots=True)
class Changes:
    space: SpaceId
    added: tuple[OpId, ...] = ()
    kinds: frozenset[str] = frozenset()
    members: bool = False
    rebuilt: bool = False
    pending: int = 0
    rejected: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.added or self.members or self.rebuilt)
