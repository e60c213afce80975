"""Test helpers for peer coaching: a circle with a teacher and three members, and a pair
formed the way the protocol says (sealed offer in the circle, the invitee's own join and
`pair.accept`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync import offers, writer
from sync.ids import OpId, SpaceId
from sync.replica import Replica
from sync.state import items
from tests.sync.helpers import Circle, Clock, new_replica, reconcile, seed


@dataclass
class Pair:
    circle: Circle
    space: SpaceId
    proposer: Replica
    invitee: Replica
    offer: OpId

    def write(self, replica: Replica, kind: str, fields: dict[str, Any], **kw: Any) -> OpId:
        op, _ = writer.write(replica, self.space, kind, fields, now_ms=self.circle.clock(), **kw)
        return op.op_id

    def sync(self) -> None:
        reconcile(self.proposer, self.invitee, self.space)


def coaching_circle() -> Circle:
    circle = Circle.create(Clock())
    for name in ("Ana", "Ben", "Cal"):
        circle.add(name)
    circle.sync_all()
    return circle


def propose(circle: Circle, proposer: Replica, invitee: Replica, label: str = "pair") -> tuple[SpaceId, OpId]:
    """The proposer creates the pair space and posts the sealed offer in the circle."""
    space, fields = offers.offer_fields(
        proposer,
        to=invitee.key.device_id,
        to_devices=[invitee.key.device_id],
        purpose="pair",
        name=f"Coaching {label}",
        member_name="proposer",
        space_key=seed(f"pair-key-{label}"),
        nonce=seed(f"pair-nonce-{label}")[:16],
        now_ms=circle.clock(),
    )
    op, _ = writer.write(proposer, circle.space, "coach.offer", fields, now_ms=circle.clock())
    return space, op.op_id


def accept(circle: Circle, proposer: Replica, invitee: Replica, offer: OpId) -> SpaceId:
    """The invitee opens the offer's box, joins the pair space and signs `pair.accept`."""
    reconcile(proposer, invitee, circle.space)
    row = next(r for r in items(invitee.db, circle.space, where="type = 'offer'") if r.item_id == offer)
    invite = offers.open_box(invitee.key, row.extra)
    assert invite is not None
    writer.accept_invite(invitee, invite)
    reconcile(proposer, invitee, invite.token.space)
    writer.join(invitee, invite, member_name="invitee", now_ms=circle.clock())
    writer.write(invitee, invite.token.space, "pair.accept", {}, now_ms=circle.clock())
    reconcile(proposer, invitee, invite.token.space)
    return invite.token.space


def formed_pair(circle: Circle | None = None, a: str = "Ana", b: str = "Ben") -> Pair:
    circle = circle or coaching_circle()
    proposer, invitee = circle.members[a], circle.members[b]
    space, offer = propose(circle, proposer, invitee)
    assert accept(circle, proposer, invitee, offer) == space
    return Pair(circle, space, proposer, invitee, offer)


def outsider(label: str) -> Replica:
    return new_replica(label)


def example_bodies(a: bytes, b: bytes, ref: bytes) -> list[tuple[str, dict[str, Any]]]:
    """One well-formed body of every coaching and survey kind (for the decoder corpus)."""
    from sync.blind_token import MODULUS_LEN, derive_signer

    token_key = derive_signer(b"decoder corpus").public
    value = bytes([7]) * MODULUS_LEN
    return [
        ("coach.profile", {"can_help": ["questioning"], "can_help_text": "wait time", "wants": ["feedback"]}),
        ("coach.offer", {"to": b, "purpose": "pair", "boxes": [[b, bytes(120)]]}),
        ("coach.decline", {"offer": ref}),
        ("coach.suggest", {"first": a, "second": b, "text": "both year 7"}),
        ("pair.accept", {}),
        ("pair.end", {"text": "thank you"}),
        ("cycle.open", {"observed": b, "title": "questioning"}),
        ("cycle.goal", {"cycle": ref, "goal": "wait 3 s", "success": "more hands up"}),
        ("cycle.goal.edit", {"goal_id": ref, "goal": "wait 5 s", "success": ""}),
        ("cycle.agree", {"goal_id": ref, "version": ref}),
        ("cycle.observe", {"cycle": ref, "focus": "wait", "evidence": "1 s", "questions": "why?"}),
        ("cycle.feedback", {"parent": ref, "text": "I felt rushed"}),
        ("cycle.reflect", {"cycle": ref, "text": "slow down"}),
        ("cycle.close", {"cycle": ref, "met": [ref], "next": ["wait 5 s"]}),
        (
            "survey.open",
            {
                "title": "Start of term",
                "anonymous": True,
                "questions": [
                    ["choice", "Useful?", ["yes", "no"]],
                    ["scale", "How", [1, 5]],
                    ["text", "Why", []],
                ],
                "token_key": token_key,
                "key_nonce": bytes(16),
            },
        ),
        ("survey.answer", {"survey": ref, "answers": [0, 3, "because"]}),
        ("survey.close", {"survey": ref}),
        ("survey.enrol", {"survey": ref, "key": ref, "blinded": value}),
        ("survey.admit", {"survey": ref, "grants": [[ref, value]]}),
        ("survey.rekey", {"survey": ref, "token_key": token_key, "key_nonce": bytes(16)}),
        ("survey.respond", {"survey": ref, "answers": [1, 2, ""], "key": ref, "token": value}),
    ]
