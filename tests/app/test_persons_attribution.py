"""One person, two devices, as the app shows them: one member, one line of recognition.

Real cores over SQLite files (`people`), ops moved between them by real reconciliation
sessions (`tests.cli.helpers.sync_in_process`). Ben answers Sue's requests from his
laptop and from the lab PC he linked; Sue thanks both answers and accepts one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.errors import CommandError
from app.services import discussion, glance, helpdesk, unread
from app.services.commands import Commands
from sync import reads, writer
from sync.ids import SpaceId
from sync.link import sign_statement
from tests.app.conftest import People
from tests.cli.helpers import join_in_process, open_replica, sync_in_process


def home_of(commands: Commands) -> Path:
    return commands.replica.store.path.parent


def link_in_process(existing: Path, new: Path, space: SpaceId, *, now_ms: int) -> None:
    """What linking a device does (the other device's link channel aside), in-process:
    the new device's consent, the `member.link`, the keys handed over, the history."""
    linker, linked = open_replica(existing), open_replica(new)
    try:
        statement = sign_statement(linked.key, space=space, linker=linker.key.device_id)
        writer.link_device(linker, space, statement, now_ms=now_ms)
        writer.take_space_keys(
            linked, space, writer.space_keys(linker, space, for_device=linked.key.device_id)
        )
    finally:
        linker.store.close()
        linked.store.close()
    sync_in_process(existing, new, space)


@dataclass
class Room:
    teacher: Commands
    ben: Commands
    lab: Commands  # Ben's second device
    sue: Commands
    space: SpaceId

    def sync(self) -> None:
        """Everyone meets the teacher, twice round."""
        for _ in range(2):
            for other in (self.ben, self.lab, self.sue):
                sync_in_process(home_of(self.teacher), home_of(other), self.space)


@pytest.fixture
async def room(people: People) -> Room:
    teacher, ben, lab, sue = people("tess"), people("ben"), people("ben-lab"), people("sue")
    space = await teacher.create_circle("Physics")
    for member in (ben, sue):
        code = await teacher.invite(space, role="member", uses=1, expires_hours=1, addresses=[])
        join_in_process(home_of(teacher), home_of(member), code, now_ms=teacher.clock.now_ms())
    link_in_process(home_of(ben), home_of(lab), space, now_ms=ben.clock.now_ms())
    room = Room(teacher, ben, lab, sue, space)
    room.sync()
    return room


async def test_two_devices_of_one_person_are_one_member_with_two_devices(room: Room) -> None:
    for viewer in (room.teacher, room.sue, room.lab):
        members = await viewer.members(room.space)
        assert [m.name for m in members] == ["Tess", "Ben", "Sue"]  # owner first, then by name
        ben = members[1]
        assert set(ben.all_devices) == {room.ben.identity.key.device_id, room.lab.identity.key.device_id}
        assert ben.to_json()["devices"] == 2
        assert ben.to_json()["person_id"] == room.ben.identity.key.device_id.hex()
        assert ben.to_json()["device_id"] in ben.to_json()["device_ids"]  # still there, as before
    # Either of Ben's devices finds itself in that one entry.
    for device in (room.ben, room.lab):
        mine = [m for m in await device.members(room.space) if m.has_device(device.identity.key.device_id)]
        assert [m.name for m in mine] == ["Ben"]


async def test_answers_thanks_and_acceptance_from_two_devices_add_up_to_one_line(room: Room) -> None:
    first = await helpdesk.ask(room.sue, room.space, "Snell's law", "", [])
    second = await helpdesk.ask(room.sue, room.space, "Total internal reflection", "", [])
    room.sync()
    await helpdesk.answer(room.ben, await helpdesk.find_request(room.ben, first.hex()), "n1 sin a = n2 sin b")
    await helpdesk.answer(
        room.lab, await helpdesk.find_request(room.lab, second.hex()), "past the critical angle"
    )
    room.sync()
    for request in (first, second):
        found = await helpdesk.find_request(room.sue, request.hex())
        answer = (await helpdesk.detail(room.sue, found)).answers[0]
        await discussion.thank(room.sue, await discussion.find(room.sue, answer.id))
        if request == first:
            await helpdesk.resolve(room.sue, found, answer.id)
    room.sync()
    for viewer in (room.teacher, room.sue, room.ben, room.lab):
        helpers = await discussion.helpers(viewer, room.space)
        assert [(h.name, h.answers, h.accepted, h.thanks) for h in helpers] == [("Ben", 2, 1, 2)]
        assert helpers[0].device_id == room.ben.identity.key.device_id.hex()


async def test_a_person_thanking_from_both_devices_counts_once(room: Room) -> None:
    request = await helpdesk.ask(room.ben, room.space, "Lenses", "", [])
    room.sync()
    await helpdesk.answer(room.sue, await helpdesk.find_request(room.sue, request.hex()), "1/f = 1/u + 1/v")
    room.sync()
    answer = (await helpdesk.detail(room.ben, await helpdesk.find_request(room.ben, request.hex()))).answers[
        0
    ]
    for device in (room.ben, room.lab):
        await discussion.thank(device, await discussion.find(device, answer.id))
    room.sync()
    helpers = await discussion.helpers(room.teacher, room.space)
    assert [(h.name, h.thanks) for h in helpers] == [("Sue", 1)]


async def test_my_requests_include_those_asked_from_my_other_device(room: Room) -> None:
    from_laptop = await helpdesk.ask(room.ben, room.space, "From the laptop", "", [])
    from_lab = await helpdesk.ask(room.lab, room.space, "From the lab", "", [])
    await helpdesk.ask(room.sue, room.space, "Sue's own", "", [])
    room.sync()
    for device in (room.ben, room.lab):
        mine = await helpdesk.listing(device, room.space, mine=True)
        assert {row.id for row in mine} == {from_laptop.hex(), from_lab.hex()}
    assert {row.title for row in await helpdesk.listing(room.sue, room.space, mine=True)} == {"Sue's own"}


async def test_what_i_wrote_on_my_other_device_is_not_unread_here(room: Room) -> None:
    mark, _ = await unread.counts(room.lab, {})
    await discussion.new_thread(room.ben, room.space, "Written on the laptop", "", [])
    await discussion.new_thread(room.sue, room.space, "Written by Sue", "", [])
    room.sync()
    assert (await unread.counts(room.lab, {room.space: mark}))[1] == {room.space: 1}  # Sue's only
    seen = glance.read(home_of(room.lab), marks={room.space: mark})  # the desktop's first paint
    assert seen is not None and seen.unread == {room.space: 1}
    assert glance.NOT_MY_OTHER_DEVICES == reads.NOT_MY_OTHER_DEVICES


async def test_a_request_asked_on_the_laptop_is_resolved_from_the_lab_pc(room: Room) -> None:
    """The asker is the person: the lab PC reports progress, edits, and resolves with the
    answer that helped; Sue (another person) may not resolve it."""
    asked = await helpdesk.ask(room.ben, room.space, "Refraction", "why does it bend?", [])
    room.sync()
    await helpdesk.answer(room.sue, await helpdesk.find_request(room.sue, asked.hex()), "speed changes")
    room.sync()
    on_lab = await helpdesk.find_request(room.lab, asked.hex())
    await discussion.reply(room.lab, on_lab, "read the chapter, nearly there")  # progress, not an answer
    await discussion.edit(room.lab, await discussion.find(room.lab, asked.hex()), "why does light bend?")
    with pytest.raises(CommandError):
        await helpdesk.resolve(room.sue, await helpdesk.find_request(room.sue, asked.hex()), None)
    answer = (await helpdesk.detail(room.lab, on_lab)).answers[0]
    await helpdesk.resolve(room.lab, await helpdesk.find_request(room.lab, asked.hex()), answer.id)
    room.sync()
    for viewer in (room.teacher, room.sue, room.ben, room.lab):
        shown = await helpdesk.detail(viewer, await helpdesk.find_request(viewer, asked.hex()))
        assert shown.status == "resolved"
        assert [a.accepted for a in shown.answers] == [True]
        assert [p.text for p in shown.progress] == ["read the chapter, nearly there"]
        assert shown.text == "why does light bend?"
