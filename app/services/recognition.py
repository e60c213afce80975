"""A person's page of what they did, across the circles I share with them: answers given,
answers accepted, thanks received, reviews written and how helpful their authors found
them. A record to encourage, never a ranking: nobody is compared with anybody.

Visible to the person themselves and to teachers: a circle counts on the page only if
the page is mine or I teach there. Reviews are counted only where the link from a
pseudonym to the person can be made on this device — my own pseudonym, or a teacher
opening the enrolments sealed to them (`sync.pseudonym.enrolled`). Runs on the database
worker.
"""

from __future__ import annotations

from app.errors import CommandError
from app.services.commands import Commands
from app.services.items import names_in
from app.services.rows import RecognitionCircle, RecognitionPage
from sync import assignments, joining, reads, views, writer
from sync.ids import SpaceId
from sync.policy import Level
from sync.pseudonym import enrolled, pseudonym_key
from sync.reducers.assess import person_of
from sync.replica import Replica
from sync.state import MemberRow, members


def _reviews(replica: Replica, space: SpaceId, person: bytes, mine: bool) -> tuple[int, list[int]]:
    """(reviews written by `person` in the circle, the helpfulness ratings they got)."""
    db = replica.db
    written, ratings = 0, list[int]()
    for task in assignments.assignments(db, space):
        keys: set[bytes]
        if mine:
            keys = {pseudonym_key(replica.key, space, task.assignment).device_id}
        else:
            keys = {
                e.pseudonym
                for e in enrolled(db, space, task.assignment, replica.key)
                if person_of(db, space, e.device) == person
            }
        for review in assignments.reviews(db, space, task.assignment):
            if review.pseudonym in keys:
                written += 1
                ratings.extend(h for h, _, _ in review.ratings.values())
    return written, ratings


def _page(replica: Replica, device_hex: str | None) -> RecognitionPage:
    replica.refresh()
    db, me = replica.db, replica.key.device_id
    try:
        target = bytes.fromhex(device_hex) if device_hex else me
    except ValueError:
        raise CommandError(f"{device_hex!r} is not a device id (hex).") from None
    circles, name, shared = [], "", False
    current = reads.spaces_with_member(db, me) - joining.joining_spaces(replica)
    for space in sorted(current, key=lambda s: replica.context(s).name.casefold()):
        person = person_of(db, space, target)
        if not any((m.person or m.device) == person for m in _members(replica, space)):
            continue
        shared = True
        mine = person == person_of(db, space, me)
        if not mine and writer.my_level(replica, space) < Level.TEACHER:
            continue
        names = names_in(replica, space)
        name = name or names.get(target, "")
        answers = accepted = thanks = 0
        for row in views.recognition(db, space, names):
            if person_of(db, space, row.device) == person:
                answers, accepted, thanks = (
                    answers + row.answers,
                    accepted + row.accepted,
                    thanks + row.thanks,
                )
        written, ratings = _reviews(replica, space, person, mine)
        helpful = round(sum(ratings) / len(ratings), 1) if ratings else None
        circles.append(
            RecognitionCircle(
                space.hex(), replica.context(space).name, answers, accepted, thanks, written, helpful
            )
        )
    if not circles:
        if shared:
            raise CommandError("A person's contributions are shown to them and to their teachers only.")
        raise CommandError("You share no circle with that person.")
    return RecognitionPage(target.hex(), name, target == me, tuple(circles))


def _members(replica: Replica, space: SpaceId) -> list[MemberRow]:

    return members(replica.db, space)


async def page(commands: Commands, device_hex: str | None = None) -> RecognitionPage:
    """The page of the person with this device (default: me)."""
    return await commands.database.run(_page, commands.replica, device_hex)
