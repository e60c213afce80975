"""One reconciliation session over a framed stream: hello, then turns of messages.

The initiator sends a hello (space, and an invite token when it is not yet a member);
the responder answers yes or no. Then the two take turns: a turn is every message the
local `Reconciler` has to say, followed by an empty frame. A side stops once it has
sent an empty turn and received one. Replica calls run on the database worker.
Runs on the trio task that owns the stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import trio

from app.database import Database
from p2p.framing import FramedStream
from sync.errors import Reason, Rejected
from sync.ids import DeviceId
from sync.reconcile import Reconciler
from sync.wire.gossip import Answer, Hello, decode_answer, encode_answer, encode_hello

END_OF_TURN = b""
MAX_TURNS = 10_000


class SessionRefused(Exception):
    """The peer would not serve us this space; the message says why."""


@dataclass(slots=True)
class SessionReport:
    messages_sent: int = 0
    messages_received: int = 0
    ops_accepted: int = 0
    faults: int = 0
    join_confirmed: bool = False  # the peer, a member, holds this device's join (sync.joining)
    added: list[bytes] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # the op kinds among `added`
    members: bool = False  # it changed who is a member or their roles
    rebuilt: bool = False  # a space was rebuilt (a fork, a late removal)
    keys_taken: int = 0  # epoch keys this device had missed, handed over (sync.missed_keys)


async def _send_turn(database: Database, stream: FramedStream, reconciler: Reconciler) -> int:
    """Send every message we have, reading the next from the store while one is in flight."""
    sent = 0
    message = await database.run(reconciler.generate_message)
    while message is not None:
        following: list[bytes | None] = []
        failures: list[BaseException] = []
        async with trio.open_nursery() as nursery:
            nursery.start_soon(_deliver, stream, message, failures)
            following.append(await database.run(reconciler.generate_message))
        if failures:  # the stream failed: its own error, not a nursery's group of one
            raise failures[0]
        sent += 1
        message = following[0]
    await stream.send(END_OF_TURN)
    return sent


async def _deliver(stream: FramedStream, message: bytes, failures: list[BaseException]) -> None:
    try:
        await stream.send(message)
    except Exception as error:  # surfaced by the caller, unwrapped, once the next is read
        failures.append(error)


async def _fetch_into(stream: FramedStream, arrived: list[bytes], failures: list[BaseException]) -> None:
    try:
        arrived.append(await stream.receive())
    except Exception as error:  # surfaced by the caller, unwrapped, after its ingest
        failures.append(error)


async def _receive_turn(database: Database, stream: FramedStream, reconciler: Reconciler) -> int:
    """Take the peer's messages, receiving the next while the current one is ingested."""
    received = 0
    frame = await stream.receive()
    while frame != END_OF_TURN:
        received += 1
        arrived: list[bytes] = []
        failures: list[BaseException] = []
        async with trio.open_nursery() as nursery:
            nursery.start_soon(_fetch_into, stream, arrived, failures)
            try:
                await database.run(reconciler.receive_message, frame)
            except Rejected as error:
                failures.insert(0, error)
                nursery.cancel_scope.cancel()
            else:
                if reconciler.stats.faults:  # forged or malformed ops: stop at once
                    failures.insert(
                        0, Rejected(Reason.BAD_SIGNATURE, "the peer sent forged or malformed ops")
                    )
                    nursery.cancel_scope.cancel()
        if failures:
            raise failures[0]
        frame = arrived[0]
    return received


async def _turns(
    database: Database, stream: FramedStream, reconciler: Reconciler, *, first: bool
) -> SessionReport:
    report = SessionReport()
    sent_empty = received_empty = False
    my_turn = first
    for _ in range(MAX_TURNS):
        if my_turn:
            sent = await _send_turn(database, stream, reconciler)
            report.messages_sent += sent
            sent_empty = sent == 0
            if sent_empty and received_empty:
                break
        else:
            received = await _receive_turn(database, stream, reconciler)
            report.messages_received += received
            received_empty = received == 0
            if sent_empty and received_empty:
                break
        my_turn = not my_turn
    report.ops_accepted = reconciler.stats.ops_accepted
    report.faults = reconciler.stats.faults
    report.join_confirmed = reconciler.stats.join_confirmed
    report.keys_taken = reconciler.stats.keys_taken
    report.rebuilt |= report.keys_taken > 0  # ops held locked were judged again
    report.added = [op_id for result in reconciler.stats.results for op_id in result.changes.added]
    for result in reconciler.stats.results:
        report.kinds |= result.changes.kinds
        report.members |= result.changes.members
        report.rebuilt |= result.changes.rebuilt
    return report


async def initiate(
    database: Database,
    stream: FramedStream,
    hello: Hello,
    *,
    on_accepted: Callable[[], None] = lambda: None,
    peer: DeviceId | None = None,
) -> SessionReport:
    """`peer`: the responder's device, if known (it can then confirm our join)."""
    await stream.send(encode_hello(hello))
    answer = decode_answer(await stream.receive())
    if not answer.accepted:
        raise SessionRefused(answer.reason)
    on_accepted()
    reconciler = Reconciler(database.replica, hello.space, peer=peer)
    return await _turns(database, stream, reconciler, first=True)


async def respond(
    database: Database,
    stream: FramedStream,
    hello: Hello,
    verdict: tuple[bool, str],
    *,
    peer: DeviceId | None = None,
) -> SessionReport:
    """`peer`: the initiator's device, if known (it can then confirm our join)."""
    accepted, reason = verdict
    await stream.send(encode_answer(Answer(accepted, reason)))
    if not accepted:
        return SessionReport()
    reconciler = Reconciler(database.replica, hello.space, peer=peer)
    return await _turns(database, stream, reconciler, first=False)


__all__ = ["SessionRefused", "SessionReport", "initiate", "respond"]
