"""Files between real cores on 127.0.0.1 (`/studycircle/blob/1.0.0`).

A member's device ends up with a shared file's exact bytes with no command of its own;
a non-member asking for it gets a refusal and no bytes; a peer that sends the wrong
bytes is banned and nothing of them is stored; a blob no item of the circle refers to
is not served, even to a member; `sync --connect` brings the files before it exits.
Files are scoped to their circle: naming another circle's file gets nothing, a file
added to two circles is served in both, and a removed member neither gets a file nor
is asked for one.
"""

from __future__ import annotations

import argparse
import json
import random
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
import trio

from app.cli.network import cmd_sync
from app.core import Core
from app.network.blob_service import BLOB_PROTOCOL
from app.services import resources
from app.services.commands import Member
from app.services.items import write_content
from app.services.rows import FileProgress, ResourceFile
from p2p.errors import StreamClosed
from p2p.events import PeerEventKind
from p2p.framing import FramedStream
from p2p.host import Libp2pNetwork
from p2p.identity import PeerId, public_key_of
from p2p.interface import Network
from sync import blobs
from sync.access import is_member
from sync.ids import DeviceId
from sync.wire.blob import (
    BlobAnswer,
    BlobChunk,
    BlobRequest,
    decode_answer,
    decode_request,
    encode_answer,
    encode_chunk,
    encode_request,
)
from tests.app.conftest import DEADLINE, Changed, core_for


def a_file(tmp_path: Path, name: str, size: int, seed: int = 7) -> tuple[Path, bytes]:
    data = random.Random(seed).randbytes(size)
    path = tmp_path / name
    path.write_bytes(data)
    return path, data


def stored(core: Core, blob: bytes) -> bytes | None:
    db = core.database.replica.db
    return b"".join(blobs.read(db, blob)) if blobs.has(db, blob) else None


def count(core: Core, table: str) -> int:
    return int(core.database.replica.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


async def until_fetched(core: Core, blob: bytes) -> None:
    with trio.fail_after(DEADLINE):
        while not await core.database.run(blobs.has, core.database.replica.db, blob):
            with trio.move_on_after(0.5):  # re-check on the service's timer too
                await core.blobs.fetched.wait()


async def ask(asker: Core, holder: Core, space: bytes, blob: bytes) -> tuple[BlobAnswer, FramedStream]:
    peer = await asker.host.connect(holder.host.listen_addrs()[0])
    stream = await asker.host.open_stream(peer, BLOB_PROTOCOL)
    await stream.send(encode_request(BlobRequest(space, blob)))  # type: ignore[arg-type]
    return decode_answer(await stream.receive()), stream


async def circle_of(stack: AsyncExitStack, network: Network, homes, changed: Changed, *names: str):
    owner = await stack.enter_async_context(core_for(network, homes("owner"), changed))
    space = await owner.create_circle("Physics")
    members = []
    for name in names:
        code = await owner.invite(space)
        member = await stack.enter_async_context(core_for(network, homes(name), changed))
        await member.join(code)
        members.append(member)
    return space, owner, members


async def test_a_members_device_gets_a_shared_file_with_no_command_of_its_own(
    network: Network, homes, changed: Changed, tmp_path: Path
) -> None:
    path, data = a_file(tmp_path, "lecture.pdf", 3_000_000)
    async with AsyncExitStack() as stack:
        space, owner, (ben,) = await circle_of(stack, network, homes, changed, "ben")
        item = await resources.add(owner.commands, space, title="Week 3 slides", files=[path])
        blob = blobs.blob_id(data)
        await until_fetched(ben, blob)
        assert await ben.database.run(stored, ben, blob) == data
        listed = await resources.listing(ben.commands, space)
        assert [(row.id, row.files) for row in listed] == [
            (item.hex(), (ResourceFile(blob.hex(), "lecture.pdf", len(data), downloaded=True),))
        ]


async def test_a_non_member_asking_for_a_file_gets_nothing(homes, changed: Changed, tmp_path: Path) -> None:
    network = Libp2pNetwork()
    path, data = a_file(tmp_path, "answers.pdf", 200_000)
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(network, homes("owner"), changed))
        space = await owner.create_circle("Private")
        await resources.add(owner.commands, space, title="Answers", files=[path])
        stranger = await stack.enter_async_context(core_for(network, homes("stranger"), changed))
        answer, stream = await ask(stranger, owner, space, blobs.blob_id(data))
        assert answer.size is None and "members" in answer.reason
        with pytest.raises(StreamClosed):
            await stream.receive()  # and nothing after the refusal
        assert count(stranger, "blobs") == count(stranger, "blob_chunks") == 0
        assert not owner.host.is_banned(stranger.host.peer_id)  # asking is no offence


async def test_a_blob_no_item_refers_to_is_not_served_even_to_a_member(
    homes, changed: Changed, tmp_path: Path
) -> None:
    network = Libp2pNetwork()
    async with AsyncExitStack() as stack:
        space, owner, (ben,) = await circle_of(stack, network, homes, changed, "ben")
        loose = await owner.database.run(blobs.put, owner.database.replica.store, b"private draft")
        answer, stream = await ask(ben, owner, space, loose)
        assert answer.size is None and "refers" in answer.reason
        async with stream:
            pass
        # The same bytes once a resource names them: served.
        path = tmp_path / "draft.txt"
        path.write_bytes(b"private draft")
        await resources.add(owner.commands, space, title="Draft", files=[path])
        answer, stream = await ask(ben, owner, space, loose)
        assert answer.size == len(b"private draft")
        async with stream:
            pass


def corrupting_server(core: Core):
    """A blob handler that answers honestly about the size and then flips one byte."""

    async def serve(peer: PeerId, stream: FramedStream) -> None:
        request = decode_request(await stream.receive())
        data = bytearray(await core.database.run(stored, core, request.blob))
        data[-1] ^= 0xFF
        await stream.send(encode_answer(BlobAnswer(len(data))))
        for index, chunk in enumerate(blobs.split(bytes(data))):
            await stream.send(encode_chunk(BlobChunk(index, bytes(chunk))))

    return serve


async def test_a_peer_sending_the_wrong_bytes_is_banned_and_nothing_is_stored(
    homes, changed: Changed, tmp_path: Path
) -> None:
    network = Libp2pNetwork()
    path, data = a_file(tmp_path, "notes.pdf", 1_500_000)
    blob = blobs.blob_id(data)
    async with AsyncExitStack() as stack:
        space, _, (rogue, ben) = await circle_of(stack, network, homes, changed, "rogue", "ben")
        rogue.host.set_stream_handler(BLOB_PROTOCOL, corrupting_server(rogue))
        await ben.host.connect(rogue.host.listen_addrs()[0])  # each joined through the owner
        events = ben.host.peer_events()
        await resources.add(rogue.commands, space, title="Notes", files=[path])
        reasons = []
        with trio.fail_after(DEADLINE):
            while not ben.host.is_banned(rogue.host.peer_id):
                event = await events.receive()
                if event.peer_id == rogue.host.peer_id and event.kind is PeerEventKind.MISBEHAVED:
                    reasons.append(event.reason)
        assert any("bad file" in reason for reason in reasons), reasons
        assert await ben.database.run(stored, ben, blob) is None
        assert await ben.database.run(count, ben, "blobs") == 0
        assert await ben.database.run(count, ben, "blob_chunks") == 0
        assert rogue.host.peer_id not in ben.host.connected_peers()
        # Ben still has the resource; its file is simply not here.
        listed = await resources.listing(ben.commands, space)
        assert [file.downloaded for row in listed for file in row.files] == [False]


async def test_sync_connect_brings_the_files_before_it_exits(
    homes, changed: Changed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    network = Libp2pNetwork()
    path, data = a_file(tmp_path, "week4.pdf", 2_500_000)
    async with core_for(network, homes("owner"), changed) as owner:
        space = await owner.create_circle("Optics")
        code = await owner.invite(space)
        async with core_for(network, homes("ben"), changed) as ben:
            await ben.join(code)
        await resources.add(owner.commands, space, title="Week 4", files=[path])  # Ben is offline
        async with core_for(network, homes("ben"), changed) as ben:
            capsys.readouterr()
            args = argparse.Namespace(connect=owner.host.listen_addrs()[0], timeout=DEADLINE, json=True)
            await cmd_sync(args, ben)
            assert json.loads(capsys.readouterr().out)["files_received"] == 1
            assert await ben.database.run(stored, ben, blobs.blob_id(data)) == data


# -- files are scoped to their circle ----------------------------------------------------------
def held(core: Core, space: bytes, blob: bytes) -> bool:
    return blobs.held_in(core.database.replica.db, space, blob)  # type: ignore[arg-type]


def referenced(core: Core, space: bytes, blob: bytes) -> bool:
    core.database.replica.refresh()
    return blobs.referenced(core.database.replica.db, space, blob)  # type: ignore[arg-type]


async def test_naming_another_circles_file_gets_nothing(homes, changed: Changed, tmp_path: Path) -> None:
    """The cross-circle hash trick: Mal, a member of Chess only, names a file of Physics in
    Chess; neither the owner (who added it to Physics) nor Ben (who received it there) sends
    it, though both are in both circles and hold the bytes."""
    network = Libp2pNetwork()
    path, data = a_file(tmp_path, "exam-answers.pdf", 1_200_000)
    blob = blobs.blob_id(data)
    async with AsyncExitStack() as stack:
        physics, owner, (ben,) = await circle_of(stack, network, homes, changed, "ben")
        await resources.add(owner.commands, physics, title="Exam answers", files=[path])
        await until_fetched(ben, blob)
        chess = await owner.create_circle("Chess")
        await ben.join(await owner.invite(chess))
        mal = await stack.enter_async_context(core_for(network, homes("mal"), changed))
        await mal.join(await owner.invite(chess))
        # Mal knows the hash (from a circle it was removed from, a redacted resource, …).
        fields = {"title": "Nice", "text": "", "tags": [], "files": [[blob, "x.pdf", len(data)]]}
        await write_content(mal.commands, chess, "resource.add", fields)
        await changed.until(lambda: owner.database.run(referenced, owner, chess, blob))
        await changed.until(lambda: ben.database.run(referenced, ben, chess, blob))
        for holder in (owner, ben):
            answer, stream = await ask(mal, holder, chess, blob)
            assert answer.size is None and answer.reason == "this device does not have that file yet"
            async with stream:
                pass
        report = await mal.blobs.fetch_wanted(chess)
        assert (report.fetched, report.missing) == (0, 1)
        assert await mal.database.run(count, mal, "blobs") == 0
        # In Chess the file is wanted, not downloaded, on the devices that hold it for Physics.
        listed = await resources.listing(ben.commands, chess)
        assert [file.downloaded for row in listed for file in row.files] == [False]
        assert await ben.database.run(held, ben, physics, blob)
        assert not await ben.database.run(held, ben, chess, blob)


async def test_a_file_added_to_two_circles_is_served_in_both(homes, changed: Changed, tmp_path: Path) -> None:
    """The legitimate case: the owner adds the same file to both circles. Ben, who received
    it in Physics, fetches it again in Chess (from a member of Chess) and then serves it
    there to Carol, a member of Chess only."""
    network = Libp2pNetwork()
    path, data = a_file(tmp_path, "syllabus.pdf", 300_000)
    blob = blobs.blob_id(data)
    async with AsyncExitStack() as stack:
        physics, owner, (ben,) = await circle_of(stack, network, homes, changed, "ben")
        chess = await owner.create_circle("Chess")
        await ben.join(await owner.invite(chess))
        carol = await stack.enter_async_context(core_for(network, homes("carol"), changed))
        await carol.join(await owner.invite(chess))
        await resources.add(owner.commands, physics, title="Syllabus", files=[path])
        await until_fetched(ben, blob)
        await resources.add(owner.commands, chess, title="Syllabus", files=[path])
        await changed.until(lambda: ben.database.run(held, ben, chess, blob))
        await changed.until(lambda: carol.database.run(held, carol, chess, blob))
        assert await carol.database.run(stored, carol, blob) == data
        for holder in (owner, ben):
            answer, stream = await ask(carol, holder, chess, blob)
            assert answer.size == len(data)
            async with stream:
                pass


async def test_a_removed_member_asking_for_a_file_gets_nothing(
    homes, changed: Changed, tmp_path: Path
) -> None:
    network = Libp2pNetwork()
    path, data = a_file(tmp_path, "week5.pdf", 100_000)
    blob = blobs.blob_id(data)
    async with AsyncExitStack() as stack:
        space, owner, (ben,) = await circle_of(stack, network, homes, changed, "ben")
        await resources.add(owner.commands, space, title="Week 5", files=[path])
        await until_fetched(ben, blob)
        ben_device = DeviceId(public_key_of(ben.host.peer_id))
        await owner.commands.remove(space, Member(ben_device, "ben", "member"))
        answer, stream = await ask(ben, owner, space, blob)
        assert answer.size is None and "removed from the circle" in answer.reason
        with pytest.raises(StreamClosed):
            await stream.receive()


def removed_from(core: Core, space: bytes, device: DeviceId) -> bool:
    core.database.replica.refresh()
    return not is_member(core.database.replica, space, device)  # type: ignore[arg-type]


def recording_server(core: Core, asked: list[tuple[bytes, bytes]], serving: list[PeerId | None]):
    """A blob handler that, to the peer `serving[0]` only (nobody while None), writes down
    every request and sends what it has; everyone else is told it is busy."""

    async def serve(peer: PeerId, stream: FramedStream) -> None:
        request = decode_request(await stream.receive())
        if peer != serving[0]:
            await stream.send(encode_answer(BlobAnswer(None, "busy")))
            return
        asked.append((request.space, request.blob))
        data = await core.database.run(stored, core, request.blob)
        if data is None:
            await stream.send(encode_answer(BlobAnswer(None, "no")))
            return
        await stream.send(encode_answer(BlobAnswer(len(data))))
        for index, chunk in enumerate(blobs.split(data)):
            await stream.send(encode_chunk(BlobChunk(index, bytes(chunk))))

    return serve


async def test_a_removed_member_is_not_asked_for_a_file(homes, changed: Changed, tmp_path: Path) -> None:
    """The asker checks the holder too: Rex added a file, was removed before anyone got
    it, and then offers it. Ben (as `sync --connect` to Rex does) asks it of Rex only: Rex
    hears neither the circle nor the file, and nothing is taken from it."""
    network = Libp2pNetwork()
    path, data = a_file(tmp_path, "rex-notes.pdf", 150_000)
    blob = blobs.blob_id(data)
    asked: list[tuple[bytes, bytes]] = []
    serving: list[PeerId | None] = [None]
    async with AsyncExitStack() as stack:
        space, owner, (rex, ben) = await circle_of(stack, network, homes, changed, "rex", "ben")
        rex.host.set_stream_handler(BLOB_PROTOCOL, recording_server(rex, asked, serving))
        await resources.add(rex.commands, space, title="Rex's notes", files=[path])
        await changed.until(lambda: ben.database.run(referenced, ben, space, blob))
        rex_device = DeviceId(public_key_of(rex.host.peer_id))
        await owner.commands.remove(space, Member(rex_device, "rex", "member"))
        await changed.until(lambda: ben.database.run(removed_from, ben, space, rex_device))
        # Only Ben is served: a request the owner sent while Rex was still a member may
        # arrive now, and would bring Ben the file through the owner.
        serving[0] = ben.host.peer_id
        rex_peer = await ben.host.connect(rex.host.listen_addrs()[0])
        report = await ben.blobs.fetch_wanted(space, peers=[rex_peer])
        assert (report.fetched, report.missing) == (0, 1)
        assert asked == []
        assert await ben.database.run(count, ben, "blobs") == 0


# -- progress while a file arrives -------------------------------------------------------------
class Reports(list[FileProgress]):
    """What `on_file_progress` was told, and an event set once a file is done (arrived or stopped)."""

    def __init__(self) -> None:
        super().__init__()
        self.done = trio.Event()

    def __call__(self, report: FileProgress) -> None:
        self.append(report)
        if report.state != "arriving":
            self.done.set()


async def test_a_file_arriving_reports_its_bytes_of_the_total_then_that_it_arrived(
    network: Network, homes, changed: Changed, tmp_path: Path
) -> None:
    path, data = a_file(tmp_path, "lecture.mp4", 3 * 1024 * 1024 + 12_345)
    blob = blobs.blob_id(data)
    reports = Reports()
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(network, homes("owner"), changed))
        space = await owner.create_circle("Physics")
        code = await owner.invite(space)
        ben = await stack.enter_async_context(
            core_for(network, homes("ben"), changed, on_file_progress=reports)
        )
        await ben.join(code)
        await resources.add(owner.commands, space, title="Lecture 1", files=[path])
        with trio.fail_after(DEADLINE):
            await reports.done.wait()
        assert await ben.database.run(stored, ben, blob) == data
    mine = [report for report in reports if report.blob == blob.hex()]
    assert mine == reports and {report.space for report in reports} == {space.hex()}
    assert {report.total for report in reports} == {len(data)}
    chunk = 1024 * 1024
    assert [(r.received, r.state) for r in reports] == [
        (0, "arriving"), (chunk, "arriving"), (2 * chunk, "arriving"), (3 * chunk, "arriving"),
        (len(data), "arriving"), (len(data), "arrived"),
    ]  # fmt: skip
    assert [r.percent for r in reports] == [0, 33, 66, 99, 100, 100]
    assert reports[-1].to_json()["state"] == "arrived"


async def test_a_file_that_stops_arriving_says_so_and_never_that_it_arrived(
    homes, changed: Changed, tmp_path: Path
) -> None:
    network = Libp2pNetwork()
    path, data = a_file(tmp_path, "notes.pdf", 1_500_000)
    reports = Reports()
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(network, homes("owner"), changed))
        space = await owner.create_circle("Physics")
        rogue = await stack.enter_async_context(core_for(network, homes("rogue"), changed))
        await rogue.join(await owner.invite(space))
        ben = await stack.enter_async_context(
            core_for(network, homes("ben"), changed, on_file_progress=reports)
        )
        await ben.join(await owner.invite(space))
        rogue.host.set_stream_handler(BLOB_PROTOCOL, corrupting_server(rogue))
        await ben.host.connect(rogue.host.listen_addrs()[0])
        await resources.add(rogue.commands, space, title="Notes", files=[path])
        with trio.fail_after(DEADLINE):
            await reports.done.wait()
        assert ben.host.is_banned(rogue.host.peer_id)
        assert await ben.database.run(stored, ben, blobs.blob_id(data)) is None
    states = [report.state for report in reports]
    assert states and states[-1] == "stopped" and "arrived" not in states, states
    assert reports[-2].received == len(data)  # every byte came; the wrong ones were not kept
