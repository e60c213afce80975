"""The roles table for content, at the op level: every permission allowed for its role
and refused for the role just below, judged by another replica (the owner's) after the
op travelled — a hostile client signs whatever it likes (allow_invalid).

Also the structural rules that are not a level: only the asker reports progress,
resolves and reopens; helpers are not the asker; authors own their edits; a lock holds
back everyone below teacher; no thanking yourself.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sync import state, writer
from sync.errors import Reason
from sync.policy import DEFAULT_POLICY, Level
from tests.sync.helpers import Circle, Clock, reconcile

VALID = (0, None)
REFUSED = (2, Reason.NOT_PERMITTED.value)

#: who holds each level in the fixture's circle (NONE: a member who has left)
HOLDER = {Level.NONE: "Lou", Level.MEMBER: "Sam", Level.MENTOR: "Mo", Level.TEACHER: "Tess"}


@pytest.fixture(scope="module")
def base() -> Circle:
    circle = Circle.create(Clock())
    circle.add("Tess", Level.TEACHER)
    circle.add("Mo", Level.MENTOR)
    for name in ("Sam", "Sue", "Lou"):
        circle.add(name)
    circle.sync_all()
    writer.write(circle.members["Lou"], circle.space, "member.leave", {}, now_ms=circle.clock())
    circle.sync_all()
    return circle


@pytest.fixture
def circle(base: Circle) -> Circle:
    """A fresh copy of the module's circle (building one takes a while)."""
    from tests.sync.test_properties import clone

    copy = Circle(base.clock, clone(base.owner), base.space)
    copy.members = {name: clone(replica) for name, replica in base.members.items()}
    return copy


def write(circle: Circle, name: str, kind: str, fields: dict[str, object]) -> bytes:
    actor = circle.owner if name == "owner" else circle.members[name]
    op, _ = writer.write(actor, circle.space, kind, fields, now_ms=circle.clock(), allow_invalid=True)
    return op.op_id


def verdict(circle: Circle, name: str, kind: str, fields: dict[str, object]) -> tuple[int, str | None]:
    """Sign as `name`, deliver to the owner, and return the owner's verdict on the op."""
    op_id = write(circle, name, kind, fields)
    actor = circle.owner if name == "owner" else circle.members[name]
    reconcile(actor, circle.owner, circle.space)
    return circle.owner.db.execute("SELECT status, reason FROM ops WHERE op_id = ?", (op_id,)).fetchone()


def shared(circle: Circle, name: str, kind: str, fields: dict[str, object]) -> bytes:
    """Write a valid op as `name` and let everyone have it."""
    op_id = write(circle, name, kind, fields)
    circle.sync_all()
    return op_id


def thread(circle: Circle) -> bytes:
    return shared(circle, "Sue", "item.put", {"title": "Limits", "text": "ε-δ?"})


def request(circle: Circle) -> bytes:
    return shared(circle, "Sue", "help.ask", {"title": "Stuck on 3b", "text": "why two roots?"})


Fields = Callable[[Circle], dict[str, object]]

#: kind -> (policy action, fields for an attempt)
BY_POLICY: dict[str, tuple[str, Fields]] = {
    "item.put": ("item.post", lambda c: {"title": "T", "text": ""}),
    "item.reply": ("item.post", lambda c: {"parent": thread(c), "text": "me"}),
    "chat.say": ("chat.say", lambda c: {"text": "hi"}),
    "resource.add": ("resource.add", lambda c: {"title": "R", "text": "", "url": "https://example.org"}),
    "help.ask": ("help.ask", lambda c: {"title": "Q", "text": ""}),
    "help.answer": ("help.answer", lambda c: {"request": request(c), "text": "try this"}),
    "help.claim": ("help.claim", lambda c: {"request": request(c)}),
    "react.set": ("react", lambda c: {"item": thread(c), "reaction": "thanks", "on": True}),
    "note.put": ("note.put", lambda c: {"title": "N", "text": "[[x]]"}),
    "mod.hide": ("mod.hide", lambda c: {"item": thread(c)}),
    "mod.unhide": ("mod.unhide", lambda c: {"item": thread(c)}),
    "mod.lock": ("mod.lock", lambda c: {"item": thread(c)}),
    "mod.unlock": ("mod.lock", lambda c: {"item": thread(c)}),
    "mod.redact": ("mod.redact", lambda c: {"item": thread(c)}),
    "space.settings": ("settings.set", lambda c: {"key": "topic", "value": "calculus"}),
    # Peer coaching and surveys in a circle (issue 18). The pair kinds (`coach.pair`) are
    # gated by a pair space's own genesis policy: tests/sync/test_coaching.py.
    "coach.profile": ("coach.profile", lambda c: {"can_help": ["x"], "can_help_text": "", "wants": []}),
    "coach.offer": (
        "coach.offer",
        lambda c: {"to": c.members["Sue"].key.device_id, "purpose": "pair", "boxes": [[bytes(32), b"x"]]},
    ),
    "coach.suggest": (
        "coach.suggest",
        lambda c: {"first": c.members["Sue"].key.device_id, "second": c.owner.key.device_id, "text": ""},
    ),
    "survey.open": (
        "survey.run",
        lambda c: {"title": "S", "anonymous": False, "questions": [["text", "?", []]]},
    ),
    "survey.answer": (
        "survey.answer",
        lambda c: {
            "survey": shared(
                c, "Sue", "survey.open", {"title": "S", "anonymous": False, "questions": [["text", "?", []]]}
            ),
            "answers": ["fine"],
        },
    ),
}


def test_every_content_action_in_the_policy_is_covered() -> None:
    covered = {action for action, _ in BY_POLICY.values()}
    # The assignment actions have their own table: tests/sync/test_assess_permissions.py
    content = {
        a for a in DEFAULT_POLICY if not a.startswith(("invite.", "role.", "member.", "assign."))
    } - {"coach.pair"}
    assert content <= covered


@pytest.mark.parametrize("kind", sorted(BY_POLICY))
def test_allowed_for_its_role(circle: Circle, kind: str) -> None:
    action, fields = BY_POLICY[kind]
    level = Level(DEFAULT_POLICY[action])
    assert verdict(circle, HOLDER[level], kind, fields(circle)) == VALID


@pytest.mark.parametrize("kind", sorted(BY_POLICY))
def test_refused_for_the_role_below(circle: Circle, kind: str) -> None:
    action, fields = BY_POLICY[kind]
    below = Level(DEFAULT_POLICY[action] - 1)
    assert verdict(circle, HOLDER[below], kind, fields(circle)) == REFUSED


# -- help requests: the asker and the helpers --------------------------------------------
@pytest.mark.parametrize("kind", ["help.progress", "help.reopen", "help.resolve"])
def test_only_the_asker_reports_progress_resolves_and_reopens(circle: Circle, kind: str) -> None:
    ask = request(circle)
    fields: dict[str, object] = {"request": ask}
    if kind == "help.progress":
        fields["text"] = "tried the hint"
    assert verdict(circle, "Tess", kind, fields) == REFUSED  # not even a teacher
    assert verdict(circle, "Sue", kind, fields) == VALID


@pytest.mark.parametrize("kind", ["help.answer", "help.claim", "help.metoo"])
def test_the_asker_does_not_answer_claim_or_me_too_their_own_request(circle: Circle, kind: str) -> None:
    ask = request(circle)
    fields: dict[str, object] = {"request": ask, **({"text": "self"} if kind == "help.answer" else {})}
    assert verdict(circle, "Sue", kind, fields) == REFUSED
    assert verdict(circle, "Sam", kind, fields) == VALID


@pytest.mark.parametrize(("name", "expected"), [("Sue", VALID), ("Mo", VALID), ("Sam", REFUSED)])
def test_escalation_by_the_asker_or_a_mentor(circle: Circle, name: str, expected: tuple) -> None:
    assert verdict(circle, name, "help.escalate", {"request": request(circle)}) == expected


def test_a_peer_who_claimed_may_escalate(circle: Circle) -> None:
    ask = request(circle)
    shared(circle, "Sam", "help.claim", {"request": ask})
    assert verdict(circle, "Sam", "help.escalate", {"request": ask}) == VALID


def test_the_accepted_answer_must_answer_this_request(circle: Circle) -> None:
    ask, other = request(circle), request(circle)
    wrong = shared(circle, "Mo", "help.answer", {"request": other, "text": "elsewhere"})
    right = shared(circle, "Mo", "help.answer", {"request": ask, "text": "here"})
    bad_content = (2, Reason.BAD_CONTENT.value)
    assert verdict(circle, "Sue", "help.resolve", {"request": ask, "accept": wrong}) == bad_content
    assert verdict(circle, "Sue", "help.resolve", {"request": ask, "accept": right}) == VALID
    status = state.help_status(circle.owner.db, circle.space, ask)
    assert (status.status, status.accepted) == ("resolved", right)


# -- authorship, locks, thanks -------------------------------------------------------------
@pytest.mark.parametrize("kind", ["item.edit", "item.delete"])
def test_only_the_author_edits_or_deletes(circle: Circle, kind: str) -> None:
    post = thread(circle)
    fields: dict[str, object] = {"item": post}
    if kind == "item.edit":
        fields |= {"title": "Limits, again", "text": "edited"}
    assert verdict(circle, "Tess", kind, fields) == REFUSED  # teachers hide; they don't rewrite
    assert verdict(circle, "Sue", kind, fields) == VALID


def test_a_lock_holds_back_everyone_below_teacher(circle: Circle) -> None:
    post, ask = thread(circle), request(circle)
    shared(circle, "Tess", "mod.lock", {"item": post})
    shared(circle, "Tess", "mod.lock", {"item": ask})
    assert verdict(circle, "Mo", "item.reply", {"parent": post, "text": "late"}) == REFUSED
    assert verdict(circle, "Mo", "help.answer", {"request": ask, "text": "late"}) == REFUSED
    assert verdict(circle, "Tess", "item.reply", {"parent": post, "text": "closing note"}) == VALID
    assert verdict(circle, "Sue", "help.resolve", {"request": ask}) == VALID  # the asker may close it
    locked = {i.item_id for i in state.items(circle.owner.db, circle.space) if i.locked}
    assert {post, ask} <= locked


def test_unlocking_lets_replies_in_again(circle: Circle) -> None:
    post = thread(circle)
    shared(circle, "Tess", "mod.lock", {"item": post})
    shared(circle, "Tess", "mod.unlock", {"item": post})
    assert verdict(circle, "Sam", "item.reply", {"parent": post, "text": "back"}) == VALID


def test_no_thanking_yourself(circle: Circle) -> None:
    post = thread(circle)
    thanks = {"item": post, "reaction": "thanks", "on": True}
    assert verdict(circle, "Sue", "react.set", thanks) == REFUSED
    assert verdict(circle, "Sam", "react.set", thanks) == VALID


def test_a_reference_outside_the_causal_past_is_bad_content(circle: Circle) -> None:
    unseen = write(circle, "Sue", "item.put", {"title": "not yet shared", "text": ""})
    assert verdict(circle, "Sam", "item.reply", {"parent": unseen, "text": "?"}) == (
        2,
        Reason.BAD_CONTENT.value,
    )


def test_redaction_blanks_the_body_for_everyone(circle: Circle) -> None:
    post = thread(circle)
    shared(circle, "Tess", "mod.redact", {"item": post})
    for replica in circle.replicas():
        row = next(i for i in state.items(replica.db, circle.space) if i.item_id == post)
        assert row.redacted and row.shown_text == "" and row.title == "Limits"


def test_the_policy_table_is_the_roles_table_of_the_domain() -> None:
    """DOMAIN.md's roles: members take part, teachers moderate and appoint mentors,
    owners make teachers. A change to this table is a change to the product."""
    expected = {
        Level.MEMBER: {"item.post", "chat.say", "resource.add", "help.ask", "help.claim", "help.answer"}
        | {"react", "note.put", "invite.member", "assign.submit", "assign.rate"},
        Level.TEACHER: {"mod.hide", "mod.unhide", "mod.lock", "mod.redact", "settings.set"}
        | {"role.member", "role.mentor", "member.remove", "invite.mentor", "assign.manage"},
        Level.OWNER: {"role.teacher", "invite.teacher"},
    }
    # Peer coaching and surveys (issue 18): members coach and survey each other; teachers
    # may only suggest pairs; the pair kinds are dead in a circle (a pair's genesis opens them).
    expected[Level.MEMBER] |= {"coach.profile", "coach.offer", "survey.run", "survey.answer"}
    expected[Level.TEACHER] |= {"coach.suggest"}
    expected[Level.OWNER] |= {"coach.pair"}
    assert {action: Level(level) for action, level in DEFAULT_POLICY.items()} == {
        action: level for level, actions in expected.items() for action in actions
    }
