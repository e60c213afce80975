"""Peer coaching from the app's side (issue 18; docs/protocol.md, 8b): profiles and
finding a coach in a circle, proposing a pair (a new space offered, sealed, to the
invitee), offers to me, accepting, teacher suggestions, and the pair's cycles — goals,
agreement, observations, feedback, reflections, closing — and ending a pair.

Who may do what is the reducers' decision for every replica alike; here input is
checked first, so a refusal is one sentence and nothing is written.
"""

from __future__ import annotations

import secrets

from app.errors import CommandError
from app.services.commands import Commands
from app.services.items import Found, find_item, my_devices, names_in, when, write_content
from app.services.rows import (
    CoachCycle,
    CoachFeedback,
    CoachGoal,
    CoachObservation,
    CoachOffer,
    CoachProfile,
    CoachReflection,
    CoachSuggestion,
    PairSummary,
)
from app.services.tags import clean_tags
from sync import coaching_views as cv
from sync import offers, writer
from sync.changes import Changes
from sync.coaching import MAX_SENTENCE
from sync.ids import DeviceId, OpId, SpaceId
from sync.op import VerifiedOp
from sync.replica import Replica
from sync.state import items
from sync.state import members as state_members

OBSERVATION_PROMPT = (
    "Describe, do not grade: focus = what they asked you to look at; evidence = what you saw"
    " and heard (words, times, counts); questions = what you would ask them."
)


def _sentence(text: str, what: str) -> str:
    if len(text) > MAX_SENTENCE:
        raise CommandError(f"{what} may be at most {MAX_SENTENCE:,} characters; this one has {len(text):,}.")
    return text.strip()


# -- profiles and finding a coach ------------------------------------------------------
async def set_profile(
    commands: Commands,
    circle: SpaceId,
    *,
    can_help: list[str],
    can_help_text: str,
    wants: list[str],
    wants_text: str,
) -> OpId:
    fields = {
        "can_help": clean_tags(can_help),
        "can_help_text": _sentence(can_help_text, "What you can help with"),
        "wants": clean_tags(wants),
        "wants_text": _sentence(wants_text, "What you want to work on"),
    }
    return await write_content(commands, circle, "coach.profile", fields)


def _profiles(replica: Replica, circle: SpaceId, tag: str | None) -> list[CoachProfile]:
    replica.refresh()
    names = names_in(replica, circle)
    members = {row.device for row in state_members(replica.db, circle)}
    wanted = tag.strip().lower().lstrip("#") if tag else None
    rows = [
        CoachProfile(p.device, names.get(p.device, ""), p.can_help, p.can_help_text, p.wants, p.wants_text)
        for p in cv.profiles(replica.db, circle)
        if p.device in members and (wanted is None or wanted in p.can_help or wanted in p.wants)
    ]
    return sorted(rows, key=lambda r: (r.name.casefold(), r.device))


async def find(commands: Commands, circle: SpaceId, tag: str | None = None) -> list[CoachProfile]:
    """Current members' profiles, those with `tag` among what they can help with or want."""
    return await commands.database.run(_profiles, commands.replica, circle, tag)


# -- forming a pair ----------------------------------------------------------------------
async def propose(
    commands: Commands,
    circle: SpaceId,
    typed: str,
    *,
    purpose: str = "pair",
    topic: str = "",
    mode: str = "reciprocal",
    addresses: list[str] | None = None,
) -> tuple[SpaceId, OpId]:
    """Create the pair (or direct-message) space and offer it to the member, sealed. A
    pair is `mode` "reciprocal" (both coach each other) or "coach-me" (the proposer asks
    to be coached on `topic`, which it then needs); the invitee reads both before
    accepting."""
    if purpose == "pair" and mode not in cv.PAIR_MODES:
        raise CommandError("A pair is either reciprocal or coach-me.")
    if purpose == "pair" and mode == "coach-me" and not topic.strip():
        raise CommandError("Say what you would like to be coached on (a topic).")
    member = await commands.resolve_member(circle, typed)
    mine = await commands.database.run(my_devices, commands.replica, circle)
    if any(device in mine for device in member.all_devices):
        raise CommandError("You cannot pair with yourself: name another member of the circle.")
    topic = _sentence(topic, "A topic")
    made: list[SpaceId] = []
    me = commands.identity.name

    def job() -> tuple[VerifiedOp, Changes]:
        space, fields = offers.offer_fields(
            commands.replica,
            to=member.person or member.device,
            to_devices=member.all_devices,
            purpose=purpose,
            name=f"{'Coaching' if purpose == 'pair' else 'Messages'}: {me} & {member.name}",
            member_name=me,
            space_key=secrets.token_bytes(32),
            nonce=secrets.token_bytes(16),
            now_ms=commands.clock.now_ms(),
            settings={
                "space.circle": circle.hex(),
                **({"pair.mode": mode} if purpose == "pair" else {}),
                **({"pair.topic": topic} if topic else {}),
            },
            addresses=addresses or (),
        )
        made.append(space)
        return writer.write(commands.replica, circle, "coach.offer", fields, now_ms=commands.clock.now_ms())

    op, _ = await commands.write(job)
    return made[0], op.op_id


def _offers(replica: Replica, circle: SpaceId | None) -> list[CoachOffer]:
    replica.refresh()
    found = []
    for space in [circle] if circle else replica.spaces():
        mine = {DeviceId(d) for d in my_devices(replica, space)}
        names = names_in(replica, space)
        for row in cv.offers_to(replica.db, space, mine):
            invite = offers.open_box(replica.key, row.extra)
            if invite is None or (
                invite.token.space in replica.spaces() and writer.my_level(replica, invite.token.space)
            ):
                continue  # not for this device, or already joined
            found.append(
                CoachOffer(
                    row.item_id.hex(),
                    space.hex(),
                    names.get(row.author, ""),
                    row.extra["purpose"],
                    invite.code(),
                )
            )
    return found


async def offers_to_me(commands: Commands, circle: SpaceId | None = None) -> list[CoachOffer]:
    """Offers made to me that I have not joined or declined, each with the code to join."""
    return await commands.database.run(_offers, commands.replica, circle)


async def decline(commands: Commands, offer: Found) -> OpId:
    return await write_content(commands, offer.space, "coach.decline", {"offer": offer.item.item_id})


async def find_offer(commands: Commands, typed: str) -> Found:
    return await commands.database.run(
        lambda: find_item(commands.replica, typed, frozenset({"offer"}), noun="offer")
    )


async def accept(commands: Commands, pair: SpaceId) -> OpId:
    """Sign `pair.accept` in a pair space this device has joined (`circle join CODE`)."""
    status = await commands.database.run(_pair_status, commands.replica, pair)
    if status is None:
        raise CommandError("This is not a coaching pair.")
    mine = await commands.database.run(my_devices, commands.replica, pair)  # any device of my person
    if status.creator in mine:
        raise CommandError("You proposed this pair: the other person accepts it, not you.")
    if mine.intersection(status.accepted):
        raise CommandError("You have already accepted this pair.")
    if status.ended:
        raise CommandError("This pair has ended.")
    return await write_content(commands, pair, "pair.accept", {})


def _pair_status(replica: Replica, space: SpaceId) -> cv.Pair | None:
    replica.refresh()
    return cv.pair(replica.db, space) if cv.space_type(replica.db, space) == "pair" else None


async def suggest(commands: Commands, circle: SpaceId, first: str, second: str, text: str) -> OpId:
    a, b = await commands.resolve_member(circle, first), await commands.resolve_member(circle, second)
    if a.device == b.device:
        raise CommandError("A suggested pair names two different people.")
    fields = {"first": a.device, "second": b.device, "text": _sentence(text, "A suggestion")}
    return await write_content(commands, circle, "coach.suggest", fields)


def _same_person(replica: Replica, space: SpaceId, device: bytes) -> set[bytes]:
    context = replica.context(space)
    person = context.person_of(DeviceId(device))
    return {device, person, *context.devices_of(person)}


def _taken_up(replica: Replica, space: SpaceId, mine: frozenset[bytes]) -> set[bytes]:
    """Devices and persons I have a pair offer with in `space`, either way, not declined
    (proposed, formed or ended): a suggestion naming them has been taken up."""
    mine_and_person = set(mine) | {replica.context(space).person_of(replica.key.device_id)}
    declined = {bytes(target) for target in cv.declined(replica.db, space)}
    taken: set[bytes] = set()
    for row in items(replica.db, space, where="type = 'offer'"):
        to = bytes(row.extra.get("to", b""))
        if row.extra.get("purpose") != "pair" or row.item_id in declined:
            continue
        if row.author in mine:
            taken |= _same_person(replica, space, to)
        elif to in mine_and_person:
            taken |= _same_person(replica, space, row.author)
    return taken


def _suggestions(replica: Replica) -> list[CoachSuggestion]:
    replica.refresh()
    found = []
    for space in replica.spaces():
        if cv.space_type(replica.db, space) in ("pair", "direct") or not writer.my_level(replica, space):
            continue
        mine, names = my_devices(replica, space), names_in(replica, space)
        taken = _taken_up(replica, space, mine)
        for row in items(replica.db, space, where="type = 'suggestion'"):
            first, second = bytes(row.extra.get("first", b"")), bytes(row.extra.get("second", b""))
            other = second if first in mine else first if second in mine else None
            if other is not None and not _same_person(replica, space, other) & taken:
                found.append(
                    CoachSuggestion(
                        row.item_id.hex(),
                        space.hex(),
                        names.get(row.author, ""),
                        names.get(other, ""),
                        other.hex(),
                        row.text,
                    )
                )
    return found


async def suggestions_to_me(commands: Commands) -> list[CoachSuggestion]:
    """Teachers' suggestions, in any of my circles, that I pair with someone."""
    return await commands.database.run(_suggestions, commands.replica)


def _private(replica: Replica) -> set[SpaceId]:
    replica.refresh()
    return {space for space in replica.spaces() if cv.space_type(replica.db, space) in ("pair", "direct")}


async def private_spaces(commands: Commands) -> set[SpaceId]:
    """Pairs and direct conversations: spaces of two (or three), not circles to list."""
    return await commands.database.run(_private, commands.replica)


def _pairs(replica: Replica) -> list[PairSummary]:
    replica.refresh()
    rows = []
    for space in replica.spaces():
        if cv.space_type(replica.db, space) != "pair" or not writer.my_level(replica, space):
            continue
        status, names = cv.pair(replica.db, space), names_in(replica, space)
        cycles = cv.cycles(replica.db, space)
        circle = cv.pair_circle(replica.db, space)
        if circle is not None and circle not in replica.spaces():
            circle = None
        mode, topic = cv.pair_intent(replica.db, space)
        rows.append(
            PairSummary(
                space.hex(),
                replica.context(space).name,
                tuple(names.get(d, "") for d in status.participants),
                status.formed,
                status.ended,
                len(cycles),
                sum(1 for c in cycles if c.closed),
                names.get(status.ended_by, "") if status.ended_by else "",
                when(status.ended_hlc) if status.ended_by else "",
                status.end_text if isinstance(status.end_text, str) else "",
                circle.hex() if circle else "",
                replica.context(circle).name if circle else "",
                mode,
                topic,
            )
        )
    return rows


async def pairs(commands: Commands) -> list[PairSummary]:
    return await commands.database.run(_pairs, commands.replica)


async def pair_summary(commands: Commands, pair: SpaceId) -> PairSummary | None:
    return next((row for row in await pairs(commands) if row.pair == pair.hex()), None)


async def resolve_pair(commands: Commands, typed: str) -> SpaceId:
    from app.services.lookup import resolve_prefix

    rows = await pairs(commands)
    return resolve_prefix(
        typed, ((bytes.fromhex(r.pair), SpaceId(bytes.fromhex(r.pair))) for r in rows), noun="pair",
        hint="see `coach pairs`",
    )  # fmt: skip


# -- cycles ------------------------------------------------------------------------------
async def open_cycle(commands: Commands, pair: SpaceId, observed: str, title: str) -> OpId:
    if not title.strip():
        raise CommandError("A cycle needs a title: what it is about, in a few words.")
    member = await commands.resolve_member(pair, observed)
    return await write_content(
        commands, pair, "cycle.open", {"observed": member.device, "title": title.strip()}
    )


async def find_in_pair(commands: Commands, typed: str, type_: str) -> Found:
    noun = {"cycle": "cycle", "goal": "goal", "shareable": "item"}.get(type_, type_)
    types = (
        frozenset({"observation", "reflection", "feedback"})
        if type_ == "feedback-parent"
        else SHAREABLE
        if type_ == "shareable"
        else frozenset({type_})
    )
    return await commands.database.run(lambda: find_item(commands.replica, typed, types, noun=noun))


async def add_goal(commands: Commands, cycle: Found, goal: str, success: str) -> OpId:
    if not goal.strip():
        raise CommandError("A goal cannot be empty: say what to work on.")
    fields = {
        "cycle": cycle.item.item_id,
        "goal": _sentence(goal, "A goal"),
        "success": _sentence(success, "Success"),
    }
    return await write_content(commands, cycle.space, "cycle.goal", fields)


async def edit_goal(commands: Commands, goal: Found, text: str, success: str) -> OpId:
    if not text.strip():
        raise CommandError("A goal cannot be empty: say what to work on.")
    fields = {
        "goal_id": goal.item.item_id,
        "goal": _sentence(text, "A goal"),
        "success": _sentence(success, "Success"),
    }
    return await write_content(commands, goal.space, "cycle.goal.edit", fields)


async def agree(commands: Commands, goal: Found) -> OpId:
    """Agree to the goal as it reads now (a later edit by either asks both to agree again)."""
    version = await commands.database.run(cv.goal_version, commands.replica.db, goal.space, goal.item.item_id)
    return await write_content(
        commands, goal.space, "cycle.agree", {"goal_id": goal.item.item_id, "version": version}
    )


async def observe(commands: Commands, cycle: Found, focus: str, evidence: str, questions: str) -> OpId:
    if not focus.strip() or not evidence.strip():
        raise CommandError("An observation needs a focus and evidence. " + OBSERVATION_PROMPT)
    fields = {"cycle": cycle.item.item_id, "focus": _sentence(focus, "A focus"), "evidence": evidence,
              "questions": questions}  # fmt: skip
    return await write_content(commands, cycle.space, "cycle.observe", fields)


async def feedback(commands: Commands, parent: Found, text: str) -> OpId:
    if not text.strip():
        raise CommandError("Feedback cannot be empty.")
    return await write_content(
        commands, parent.space, "cycle.feedback", {"parent": parent.item.item_id, "text": text}
    )


async def reflect(commands: Commands, cycle: Found, text: str) -> OpId:
    if not text.strip():
        raise CommandError("A reflection cannot be empty.")
    return await write_content(
        commands, cycle.space, "cycle.reflect", {"cycle": cycle.item.item_id, "text": text}
    )


async def close_cycle(commands: Commands, cycle: Found, met: list[str], following: list[str]) -> OpId:
    def goals_of_cycle() -> list[bytes]:
        where, params = "type = 'goal' AND parent = ?", (cycle.item.item_id,)
        return [r.item_id for r in items(commands.replica.db, cycle.space, where=where, params=params)]

    goals = await commands.database.run(goals_of_cycle)
    chosen: list[bytes] = []
    for typed in met:
        matches = [g for g in goals if g.hex().startswith(typed.strip().lower())]
        if len(matches) != 1:
            raise CommandError(f"{typed!r} is not one goal of this cycle (see `coach show`).")
        chosen.append(matches[0])
    following = [_sentence(text, "A next goal") for text in following if text.strip()]
    fields = {"cycle": cycle.item.item_id, "met": list(dict.fromkeys(chosen)), "next": following}
    return await write_content(commands, cycle.space, "cycle.close", fields)


async def end(commands: Commands, pair: SpaceId, text: str = "") -> OpId:
    return await write_content(commands, pair, "pair.end", {"text": _sentence(text, "A closing word")})


def _show(replica: Replica, pair: SpaceId) -> list[CoachCycle]:
    replica.refresh()
    names = names_in(replica, pair)
    rows = []
    for cycle in cv.cycles(replica.db, pair):
        observations = tuple(
            CoachObservation(
                o.item_id.hex(),
                names.get(o.author, ""),
                o.title,
                o.text,
                str(o.extra.get("questions", "")),
                tuple(
                    CoachFeedback(
                        f.item_id.hex(), f.parent.hex() if f.parent else "", names.get(f.author, ""), f.text
                    )
                    for f in cv.feedback_under(replica.db, pair, o.item_id)
                ),
            )
            for o in cycle.observations
        )
        goals = tuple(
            CoachGoal(
                g.item.item_id.hex(),
                g.item.title,
                g.item.text,
                cv.goal_version(replica.db, pair, g.item.item_id).hex(),
                g.agreed,
                tuple(names.get(d, "") for d in g.agreed_by),
                names.get(g.item.author, ""),
            )
            for g in cycle.goals
        )
        rows.append(
            CoachCycle(
                cycle.item.item_id.hex(),
                cycle.item.title,
                names.get(cycle.observed, ""),
                goals,
                observations,
                tuple((names.get(r.author, ""), r.text) for r in cycle.reflections),
                cycle.closed is not None,
                tuple(m.hex() for m in cycle.closed.met) if cycle.closed else (),
                cycle.closed.next if cycle.closed else (),
                tuple(
                    CoachReflection(
                        r.item_id.hex(),
                        names.get(r.author, ""),
                        r.text,
                        tuple(
                            CoachFeedback(
                                f.item_id.hex(),
                                f.parent.hex() if f.parent else "",
                                names.get(f.author, ""),
                                f.text,
                            )
                            for f in cv.feedback_under(replica.db, pair, r.item_id)
                        ),
                    )
                    for r in cycle.reflections
                ),
            )
        )
    return rows


async def show(commands: Commands, pair: SpaceId) -> list[CoachCycle]:
    """The pair's cycles, oldest first, with goals, observations and their feedback."""
    return await commands.database.run(_show, commands.replica, pair)


def private_without(replica: Replica, space: SpaceId, peer: str) -> bool:
    """Whether `space` is a pair or a direct conversation that the libp2p peer `peer` (its
    device) is not a member of: `sync` with a circle's member skips it, not an error."""
    from p2p.errors import P2PError
    from p2p.identity import PeerId, public_key_of

    if cv.space_type(replica.db, space) not in ("pair", "direct"):
        return False
    try:
        device = public_key_of(PeerId(peer))
    except P2PError:
        return True
    replica.refresh()
    return device not in {row.device for row in state_members(replica.db, space)}


# -- sharing an item of the pair with a circle -------------------------------------------
SHARED_TITLE = "Shared from our coaching pair"
SHAREABLE = frozenset({"goal", "observation", "reflection", "feedback"})
_KIND = {
    "goal": "a goal",
    "observation": "an observation",
    "reflection": "a reflection",
    "feedback": "feedback",
}


def shared_body(item: Found) -> tuple[str, str]:
    """The title and text a pair item has as a circle thread (a copy, not a link)."""
    row = item.item
    title = f"{SHARED_TITLE}: {_KIND[row.type]}"
    if row.type == "goal":
        text = f"Goal: {row.title}\n\nSuccess looks like: {row.text}"
    elif row.type == "observation":
        questions = str(row.extra.get("questions", "")).strip()
        text = f"Focus: {row.title}\n\nEvidence: {row.text}"
        text += f"\n\nQuestions: {questions}" if questions else ""
    else:
        text = row.text
    return title, text


def _share_target(replica: Replica, item: Found, circle: SpaceId | None) -> SpaceId:
    replica.refresh()
    if item.item.type not in SHAREABLE or cv.space_type(replica.db, item.space) != "pair":
        raise CommandError(
            "Only a goal, an observation, a reflection or feedback in a coaching pair can be shared."
        )
    if item.item.author not in my_devices(replica, item.space):
        raise CommandError(
            "Only its author can share this: your partner's words stay in the pair unless they share them."
        )
    target = circle or cv.pair_circle(replica.db, item.space)
    if target is None or target not in replica.spaces():
        raise CommandError("This pair's circle is not on this device: name a circle with --circle.")
    if cv.space_type(replica.db, target) in ("pair", "direct"):
        raise CommandError("Share into a circle, not into a pair or a conversation.")
    if not writer.my_level(replica, target):
        raise CommandError("You are not a member of that circle.")
    return target


async def share_target(commands: Commands, item: Found, circle: SpaceId | None = None) -> SpaceId:
    """Where `share` would copy `item` (the pair's own circle unless `circle`), or why not."""
    return await commands.database.run(_share_target, commands.replica, item, circle)


async def share(commands: Commands, item: Found, circle: SpaceId | None = None) -> tuple[SpaceId, OpId]:
    """Copy my own item of a pair into a circle as a discussion thread, readable by all the
    circle's members (its teachers too). The partner's items are refused: only their author
    shares them. Later edits in the pair do not change the copy."""
    target = await share_target(commands, item, circle)
    title, text = shared_body(item)
    op = await write_content(commands, target, "item.put", {"title": title, "text": text, "tags": []})
    return target, op
