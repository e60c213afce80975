"""`Changes`: the one typed value every write (local or remote) reports to observers,
and the op kinds each view of a circle shows (`Changes.touches`), so that a view re-reads
only when something it shows may have changed (a chat line does not re-read the help
desk). Every path that reports `Changes` fills `kinds` with the kinds of the ops added:
local writes (`sync.writer`), gossip and imports (`Replica.ingest`), and reconcile
sessions (`app.network.exchange.SessionReport`). `synced` marks what a reconcile session
brought (the status bar's "receiving N ops"), since kinds no longer tell it apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from sync.ids import OpId, SpaceId

# Ops that may change any item wherever it is shown: edits, deletions, moderation, reactions.
ANY_ITEM_KINDS = frozenset({
    "item.edit", "item.delete", "mod.hide", "mod.unhide", "mod.redact", "mod.lock", "mod.unlock",
    "react.set",
})  # fmt: skip
HELP_KINDS = ANY_ITEM_KINDS | {
    "help.ask", "help.answer", "help.claim", "help.escalate", "help.metoo", "help.progress",
    "help.reopen", "help.resolve",
}  # fmt: skip
DISCUSSION_KINDS = ANY_ITEM_KINDS | {"item.put", "item.reply"}
CHAT_KINDS = ANY_ITEM_KINDS | {"chat.say"}
RESOURCE_KINDS = ANY_ITEM_KINDS | {"resource.add"}
NOTE_KINDS = ANY_ITEM_KINDS | {"note.put"}
ASSIGN_KINDS = frozenset({
    "assign.create", "assign.edit", "assign.phase", "assign.enrol", "assign.submit", "assign.review",
    "assign.reviewer", "assign.rate", "assign.assess",
})  # fmt: skip
# sync.kinds.AUTH_KINDS and the circle's settings (named here: views import this module
# before the first paint, and sync.kinds brings the wire codecs).
MEMBER_KINDS = frozenset({"member.join", "member.role", "member.remove", "member.leave", "space.settings"})


@dataclass(frozen=True, slots=True)
class Changes:
    space: SpaceId
    added: tuple[OpId, ...] = ()
    kinds: frozenset[str] = frozenset()
    members: bool = False
    rebuilt: bool = False
    synced: bool = False  # brought by a sync session (reconcile), not gossip or a local write
    pending: int = 0
    rejected: tuple[str, ...] = field(default=())

    def touches(self, kinds: frozenset[str]) -> bool:
        """Whether a view showing ops of `kinds` may show something else now. A rebuild or
        a membership change touches every view (names, roles and what is hidden); ops
        added with no kinds named are treated as touching everything."""
        if self.rebuilt or self.members:
            return True
        return bool(self.kinds & kinds) if self.kinds else bool(self.added)

    @property
    def empty(self) -> bool:
        return not (self.added or self.members or self.rebuilt)
