"""The blob service: moves files (blobs) between member devices on `/studycircle/blob/1.0.0`.

Ops carry a file's hash, name and size; the bytes follow on their own stream, one blob
per stream (`sync.wire.blob`): the asker sends a request naming a space and a blob,
the holder answers with the size (or a refusal and why), then the chunks in order.

- Served: only to a peer whose device is a current member of the space (the check the
  sync service makes before serving ops, `access.may_serve`), only for a blob that a
  live item of that space refers to *and* that this device holds in that space (added
  to it, or received from one of its members: `sync.blobs`), at most `max_serving`
  streams at once. Bytes held for another circle are not served: the asker is told
  this device does not have the file, as if the bytes were not here.
- Fetched: after ops arrive from a peer (the sync service's listener), when a peer
  connects, and on a timer, every blob a shared space's items refer to and that space
  does not hold is asked of the connected member devices, one at a time — only ever of
  a current member of that space (a request names the circle and the file). The bytes
  are checked against the blob's id and the 50 MiB bound before anything is stored; a
  peer that sends malformed messages or the wrong bytes is penalised and banned, like
  one that sends forged ops (its session then closes as misbehaving).
- Progress: while a file arrives, `on_progress` is told its bytes received of the total
  (`FileTransfer`): once when the holder has said the size, after each chunk, and then
  once more that it arrived (stored) or stopped (refused midway, lost, or wrong bytes).

Runs as trio tasks in the core's nursery; store calls go to the database worker.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import trio

from app.clock import Clock
from app.database import Database
from app.network.sync_service import SyncService
from app.personal import synced_spaces
from app.task_status import TaskStatus
from p2p.errors import P2PError
from p2p.events import PeerEventKind
from p2p.framing import FramedStream
from p2p.identity import PeerId, public_key_of, short
from p2p.interface import PeerHost
from sync import access, blobs
from sync.changes import Changes
from sync.errors import Reason, Rejected
from sync.ids import DeviceId, SpaceId
from sync.replica import Replica
from sync.wire.blob import (
    BlobAnswer,
    BlobChunk,
    BlobRequest,
    decode_answer,
    decode_chunk,
    decode_request,
    encode_answer,
    encode_chunk,
    encode_request,
)
from sync.wire.gossip import Hello

logger = logging.getLogger(__name__)

# Op kinds after which the space may refer to a file this device lacks.
_MAY_WANT_FILES = frozenset({"resource.add", "item.edit"})

BLOB_PROTOCOL = "/studycircle/blob/1.0.0"
MISBEHAVING_POINTS = 5.0  # as for malformed sync data


@dataclass(frozen=True, slots=True)
class BlobSettings:
    max_serving: int = 4  # blob streams served at once; more are told to come back later
    retry_interval: float = 10.0  # look again for files to fetch at least this often


@dataclass(frozen=True, slots=True)
class FetchReport:
    fetched: int = 0
    missing: int = 0  # still wanted: no connected member had them (or they were busy)


@dataclass(frozen=True, slots=True)
class FileTransfer:
    """How far a file of a space has come to this device (`received` of `total` bytes)."""

    space: SpaceId
    blob: bytes
    received: int
    total: int
    state: Literal["arriving", "arrived", "stopped"] = "arriving"


class BlobService:
    def __init__(
        self,
        *,
        database: Database,
        host: PeerHost,
        sync: SyncService,
        clock: Clock,
        settings: BlobSettings | None = None,
        on_progress: Callable[[FileTransfer], None] | None = None,
    ) -> None:
        self.database = database
        self.host = host
        self.sync = sync
        self.clock = clock
        self.settings = settings or BlobSettings()
        self.on_progress = on_progress or (lambda transfer: None)
        self._serving = trio.CapacityLimiter(self.settings.max_serving)
        self._locks: dict[bytes, trio.Lock] = {}
        self._wake_send, self._wake_receive = trio.open_memory_channel[None](1)
        self.fetched = trio.Event()  # set (and replaced) each time a blob is stored

    @property
    def replica(self) -> Replica:
        return self.database.replica

    async def run(self, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        events = self.host.peer_events()
        self.host.set_stream_handler(BLOB_PROTOCOL, self._serve)
        self.sync.add_listener(self._ops_arrived)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self._watch_peers, events)
            nursery.start_soon(self._fetch_loop)
            task_status.started()

    def wake(self) -> None:
        """Look for files to fetch now rather than at the next timer."""
        with contextlib.suppress(trio.WouldBlock):
            self._wake_send.send_nowait(None)

    def _ops_arrived(self, changes: Changes) -> None:
        # Only ops that can make a file wanted (or of kinds not reported, as after a
        # sync session): at 20 ops/s of chat and replies, a look per batch was two
        # database trips each for nothing.
        unknown = changes.added and not changes.kinds
        if unknown or changes.kinds & _MAY_WANT_FILES or changes.members or changes.rebuilt:
            self.wake()

    async def _watch_peers(self, events: trio.MemoryReceiveChannel) -> None:
        async for event in events:
            if event.kind is PeerEventKind.CONNECTED:
                self.wake()

    async def _fetch_loop(self) -> None:
        while True:
            with trio.move_on_after(self.settings.retry_interval):
                await self._wake_receive.receive()
            try:
                await self.fetch_all()
            except Exception:  # one failed round must never stop the service
                logger.exception("Fetching files failed unexpectedly")

    # -- fetching ----------------------------------------------------------------------
    async def fetch_all(self) -> FetchReport:
        """Every file the shared spaces lack, from any connected member device."""
        fetched = missing = 0
        for space in await self.database.run(synced_spaces, self.replica):
            report = await self.fetch_wanted(space)
            fetched += report.fetched
            missing += report.missing
        return FetchReport(fetched, missing)

    async def fetch_wanted(self, space: SpaceId, *, peers: list[PeerId] | None = None) -> FetchReport:
        """The files `space` lacks, from `peers` (default: the connected member devices)."""
        wanted = await self.database.run(blobs.wanted, self.replica.db, space)
        if not wanted:
            return FetchReport()
        if peers is None:
            peers = await self.sync.member_peers(space)
        fetched = 0
        for blob in wanted:
            for peer in peers:
                if await self.fetch(peer, space, blob):
                    fetched += 1
                    break
        return FetchReport(fetched, len(wanted) - fetched)

    async def fetch(self, peer: PeerId, space: SpaceId, blob: bytes) -> bool:
        """Ask `peer` for `blob` of `space` and keep it once checked. True if it is here now.

        A refusal or a lost stream is False; malformed messages or wrong bytes are
        `misbehaving`: the peer is penalised and banned, nothing is stored, and False.
        """
        lock = self._locks.setdefault(blob, trio.Lock())
        async with lock:
            try:
                if await self.database.run(blobs.held_in, self.replica.db, space, blob):
                    return True
                if not await self.database.run(self._is_member, peer, space):
                    # Asking names the circle and the file: a removed member or a
                    # stranger is told neither, and nothing it sends is taken.
                    logger.info("Not asking %s for a file: not a member of that circle", short(peer))
                    return False
                progress = _Progress(self.on_progress, space, blob)
                try:
                    chunks = await self._receive(peer, space, blob, progress)
                    if chunks is None:
                        return False
                    put = functools.partial(blobs.put_chunks, self.replica.store, blob, chunks, space=space)
                    await self.database.run(put)
                except Rejected as error:
                    try:
                        await self._misbehaving(peer, f"sent a bad file: {error}")
                    finally:
                        progress.stopped()
                    return False
                except (P2PError, trio.BrokenResourceError) as error:
                    progress.stopped()
                    logger.info("Fetching a file from %s stopped: %s", short(peer), error)
                    return False
                except BaseException:
                    progress.stopped()
                    raise
                progress.arrived()
            finally:
                if not lock.statistics().tasks_waiting:
                    self._locks.pop(blob, None)
        self.fetched.set()
        self.fetched = trio.Event()
        return True

    async def _receive(
        self, peer: PeerId, space: SpaceId, blob: bytes, progress: _Progress
    ) -> list[bytes] | None:
        """The blob's chunks as the peer sent them (checked for shape, not yet for hash),
        each one counted in `progress`."""
        stream = await self.host.open_stream(peer, BLOB_PROTOCOL)
        async with stream:
            await stream.send(encode_request(BlobRequest(space, blob)))
            answer = decode_answer(await stream.receive())
            if answer.size is None:
                logger.info("Peer %s would not send file %s: %s", short(peer), blob.hex()[:8], answer.reason)
                return None
            progress.started(answer.size)
            chunks = []
            for index in range(blobs.chunk_count(answer.size)):
                chunk = decode_chunk(await stream.receive())
                if chunk.index != index or len(chunk.data) != blobs.chunk_length(answer.size, index):
                    raise Rejected(Reason.MALFORMED, f"chunk {chunk.index} out of place")
                chunks.append(chunk.data)
                progress.received(len(chunk.data))
            return chunks

    async def _misbehaving(self, peer: PeerId, reason: str) -> None:
        # The ban reaches the sync service as a BANNED peer event: its session with the
        # peer closes as misbehaving, as for forged ops.
        self.host.penalise(peer, reason, points=MISBEHAVING_POINTS)
        if not self.host.is_banned(peer):
            with contextlib.suppress(P2PError):
                await self.host.ban(peer, reason)

    # -- serving -----------------------------------------------------------------------
    async def _serve(self, peer: PeerId, stream: FramedStream) -> None:
        try:
            request = decode_request(await stream.receive())
        except Rejected as error:
            await self._misbehaving(peer, f"sent a malformed file request: {error}")
            return
        except P2PError:
            return
        size, refusal = await self.database.run(self._judge, peer, request)
        try:
            if size is None:
                await stream.send(encode_answer(BlobAnswer(None, refusal)))
                return
            try:
                self._serving.acquire_nowait()
            except trio.WouldBlock:
                busy = "busy sending other files; ask again later"
                await stream.send(encode_answer(BlobAnswer(None, busy)))
                return
            try:
                await stream.send(encode_answer(BlobAnswer(size)))
                for index in range(blobs.chunk_count(size)):
                    data = await self.database.run(blobs.read_chunk, self.replica.db, request.blob, index)
                    await stream.send(encode_chunk(BlobChunk(index, data)))
            finally:
                self._serving.release()
        except P2PError as error:
            logger.info("Sending a file to %s stopped: %s", short(peer), error)

    def _judge(self, peer: PeerId, request: BlobRequest) -> tuple[int | None, str]:
        """(size, "") if `peer` may have the blob, else (None, why not). On the database worker."""
        device = _device_of(peer)
        if device is None:
            return None, "not a StudyCircle device key"
        self.replica.refresh()
        allowed, reason = access.may_serve(  # no invite: members only
            self.replica, Hello(request.space), device, now_ms=self.clock.now_ms()
        )
        if not allowed:
            return None, reason.replace("history", "files")
        if not blobs.referenced(self.replica.db, request.space, request.blob):
            return None, "no item of that circle refers to this file"
        size = blobs.size_of(self.replica.db, request.blob)
        if size is None or not blobs.held_in(self.replica.db, request.space, request.blob):
            # The same words whether the bytes are missing or held for another circle
            # only: the asker learns nothing about other circles.
            return None, "this device does not have that file yet"
        return size, ""

    def _is_member(self, peer: PeerId, space: SpaceId) -> bool:
        """Is `peer`'s device a current member of `space` here? On the database worker."""
        device = _device_of(peer)
        self.replica.refresh()
        if device is None or not self.replica.has_space(space):
            return False
        return access.is_member(self.replica, space, device)


class _Progress:
    """One fetch's reports to `on_progress`: nothing before the holder says the size, and
    at most one "arrived" or "stopped" after."""

    def __init__(self, report: Callable[[FileTransfer], None], space: SpaceId, blob: bytes) -> None:
        self._report = report
        self.space = space
        self.blob = blob
        self.total: int | None = None
        self.done = 0

    def _send(self, state: Literal["arriving", "arrived", "stopped"]) -> None:
        if self.total is None:
            return
        try:
            self._report(FileTransfer(self.space, self.blob, self.done, self.total, state))
        except Exception:  # an observer's bug must not stop a fetch
            logger.exception("Reporting a file's progress failed")

    def started(self, total: int) -> None:
        self.total = total
        self._send("arriving")

    def received(self, count: int) -> None:
        self.done += count
        self._send("arriving")

    def arrived(self) -> None:
        self._send("arrived")
        self.total = None

    def stopped(self) -> None:
        self._send("stopped")
        self.total = None


def _device_of(peer: PeerId) -> DeviceId | None:
    try:
        return DeviceId(public_key_of(peer))
    except P2PError:
        return None
