"""Roles, levels and the policy table a space's genesis fixes.

A level is a number so that "outranks" is a comparison. An actor may only change the
role of, or remove, a member it strictly outranks, so two members can never revoke
each other; owners outrank everyone and cannot be removed or demoted.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Level(enum.IntEnum):
    NONE = 0
    MEMBER = 1
    MENTOR = 2
    TEACHER = 3
    OWNER = 4


ROLE_BY_NAME: dict[str, Level] = {
    "member": Level.MEMBER,
    "mentor": Level.MENTOR,
    "teacher": Level.TEACHER,
    "owner": Level.OWNER,
}
GRANTABLE = (Level.MEMBER, Level.MENTOR, Level.TEACHER)

#: action -> lowest level allowed to do it. A genesis may override any entry.
DEFAULT_POLICY: dict[str, int] = {
    "invite.member": Level.MEMBER,
    "invite.mentor": Level.TEACHER,
    "invite.teacher": Level.OWNER,
    "role.member": Level.TEACHER,
    "role.mentor": Level.TEACHER,
    "role.teacher": Level.OWNER,
    "member.remove": Level.TEACHER,
    "settings.set": Level.TEACHER,
    "mod.hide": Level.TEACHER,
    "mod.unhide": Level.TEACHER,
    "mod.lock": Level.TEACHER,
    "mod.redact": Level.TEACHER,
    "item.post": Level.MEMBER,
    "chat.say": Level.MEMBER,
    "resource.add": Level.MEMBER,
    "help.ask": Level.MEMBER,
    "help.claim": Level.MEMBER,
    "help.answer": Level.MEMBER,
    "react": Level.MEMBER,
    "note.put": Level.MEMBER,
    # Assignments and peer assessment (docs/protocol.md, "Assignments"): teachers set,
    # phase, reallocate and grade; members enrol, submit and rate the reviews they got.
    # Reviews themselves are signed by pseudonyms the review-opening op certified.
    "assign.manage": Level.TEACHER,
    "assign.submit": Level.MEMBER,
    "assign.rate": Level.MEMBER,
}

# --- Peer coaching and surveys (issue 18; docs/protocol.md, section 8b) -------------
#: `coach.pair` gates the pair-space kinds (pair.*, cycle.*): owners only in a circle,
#: where they mean nothing; a pair space's genesis lowers it to member.
COACHING_POLICY: dict[str, int] = {
    "coach.profile": Level.MEMBER,
    "coach.offer": Level.MEMBER,
    "coach.suggest": Level.TEACHER,
    "coach.pair": Level.OWNER,
    "survey.run": Level.MEMBER,
    "survey.answer": Level.MEMBER,
}
DEFAULT_POLICY.update(COACHING_POLICY)
#: The genesis policy of a pair space: both may write the pair kinds; only the creator
#: may invite (a third person).
PAIR_POLICY: dict[str, int] = {"coach.pair": Level.MEMBER, "invite.member": Level.OWNER}
# --- end of peer coaching ------------------------------------------------------------

#: Moderators: they see hidden items (marked as such) and are not held by locks.
MODERATOR = Level.TEACHER


def role_name(level: int) -> str:
    return Level(level).name.lower()


def effective_policy(overrides: Mapping[str, int]) -> dict[str, int]:
    """The default table with a genesis's overrides; unknown actions are refused."""
    policy = dict(DEFAULT_POLICY)
    for action, level in overrides.items():
        if action not in DEFAULT_POLICY:
            raise ValueError(f"unknown action {action!r} in policy")
        if not Level.MEMBER <= level <= Level.OWNER:
            raise ValueError(f"level {level!r} for {action!r} out of range")
        policy[action] = int(level)
    return policy


def may(policy: Mapping[str, int], level: int, action: str) -> bool:
    return level >= policy.get(action, Level.OWNER + 1)
