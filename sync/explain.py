"""Why an op of this device's own would be refused, in words for the person writing it.

The reducers answer with a `Reason`; what that reason means depends on the kind of op,
so a person who tries to resolve someone else's request hears exactly that.
"""

from __future__ import annotations

from sync.coaching import REFUSALS as COACHING_REFUSALS
from sync.errors import Reason

GENERAL = {
    Reason.NOT_PERMITTED: "your role in this circle does not allow that",
    Reason.BAD_CONTENT: "that refers to something that does not exist here or is malformed",
    Reason.WRONG_EPOCH: "this device does not hold the circle's current key",
    Reason.UNDECRYPTABLE: "this device does not hold the circle's current key",
    Reason.BAD_INVITE: "the invite is not valid (expired, used up, or not allowed)",
    Reason.QUARANTINED: "this device's history is forked; it can no longer write here",
}

BY_KIND = {
    ("help.progress", Reason.NOT_PERMITTED): "only the person who asked can report progress on a request",
    ("help.resolve", Reason.NOT_PERMITTED): "only the person who asked can resolve a request",
    ("help.resolve", Reason.BAD_CONTENT): "the accepted answer must be an answer to this request",
    ("help.reopen", Reason.NOT_PERMITTED): "only the person who asked can reopen a request",
    ("help.answer", Reason.NOT_PERMITTED): (
        "you cannot answer your own request (report progress instead), and a locked request takes no answers"
    ),
    (
        "help.claim",
        Reason.NOT_PERMITTED,
    ): "you cannot claim your own request, and a locked request cannot be claimed",
    ("help.metoo", Reason.NOT_PERMITTED): "this is your own request",
    ("help.escalate", Reason.NOT_PERMITTED): (
        "only the person who asked, someone who claimed the request, or a mentor can escalate it"
    ),
    ("item.edit", Reason.NOT_PERMITTED): "only the author can edit this",
    ("item.delete", Reason.NOT_PERMITTED): "only the author can delete this",
    ("item.reply", Reason.NOT_PERMITTED): "this thread is locked",
    ("item.reply", Reason.BAD_CONTENT): "replies go under a thread or a resource",
    ("react.set", Reason.NOT_PERMITTED): "you cannot thank yourself",
    ("mod.hide", Reason.NOT_PERMITTED): "only teachers can hide posts",
    ("mod.unhide", Reason.NOT_PERMITTED): "only teachers can unhide posts",
    ("mod.lock", Reason.NOT_PERMITTED): "only teachers can lock threads",
    ("mod.unlock", Reason.NOT_PERMITTED): "only teachers can unlock threads",
    ("mod.redact", Reason.NOT_PERMITTED): "only teachers can redact posts",
    ("member.remove", Reason.NOT_PERMITTED): "only a teacher can remove members, and only those below them",
    ("member.role", Reason.NOT_PERMITTED): "your role does not allow giving that role to this member",
}

BY_KIND.update(COACHING_REFUSALS)  # peer coaching and surveys (issue 18)


def explain(kind: str, reason: Reason) -> str:
    return BY_KIND.get((kind, reason)) or GENERAL.get(reason, reason.value)
