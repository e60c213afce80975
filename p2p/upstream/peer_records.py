"""Signed peer records in pubsub RPCs: ours looked up once a while, theirs verified once.

Owns: `verify_peer_records_once()`, which puts memos in front of py-libp2p's
`env_to_send_in_RPC` and `maybe_consume_signed_record`. Sending: py-libp2p rebuilds
the host's address list (multiaddr parsing, ≈ 5 % of a gossiping peer's time) for every
RPC it sends, to see whether the cached record still matches; the memo asks at most
every `_OWN_RECORD_TTL` seconds (a changed address reaches peers that much later).
Receiving: py-libp2p 0.8.1 attaches the sender's signed peer record
to every pubsub RPC and checks it on every RPC received, twice for those carrying
control data (pubsub, then the gossipsub router): an Ed25519 verification and a
protobuf parse per RPC, ≈ 2 ms each on a loaded 2-core machine, for a record that
changes only when the sender's addresses do. The memo answers `True` for a
(connection peer, record bytes) pair already verified and stored; anything else,
including every new or changed record, goes to py-libp2p's own check. Runs on the
host's trio thread (no locking: pubsub calls it from there only).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

import libp2p.pubsub.gossipsub as gossipsub_module
import libp2p.pubsub.pubsub as pubsub_module
from libp2p.abc import IHost
from libp2p.peer.id import ID
from libp2p.pubsub.pb import rpc_pb2

_REMEMBERED = 4096  # (peer, record) pairs: a few per peer of a LAN's circles
_OWN_RECORD_TTL = 10.0  # seconds

Consume = Callable[[rpc_pb2.RPC, IHost, ID], bool]
RecordToSend = Callable[[IHost], tuple[bytes, bool]]


class _OwnRecord:
    def __init__(self, record_to_send: RecordToSend) -> None:
        self.record_to_send = record_to_send  # py-libp2p's own
        self.__wrapped__ = record_to_send  # what inspect.unwrap (the canary) finds
        # Per peer id (tests run several hosts in one process): a record is only ever
        # checked against the peer id it names.
        self._records: dict[bytes, tuple[float, bytes]] = {}

    def __call__(self, host: IHost) -> tuple[bytes, bool]:
        now = time.monotonic()
        peer = host.get_id().to_bytes()
        known = self._records.get(peer)
        if known is not None and now - known[0] < _OWN_RECORD_TTL:
            return known[1], False
        record, created = self.record_to_send(host)
        self._records[peer] = (now, record)
        return record, created


class _VerifiedOnce:
    def __init__(self, consume: Consume) -> None:
        self.consume = consume  # py-libp2p's own
        self.__wrapped__ = consume  # what inspect.unwrap (the canary) finds
        self._verified: OrderedDict[tuple[bytes, bytes], None] = OrderedDict()

    def __call__(self, rpc: rpc_pb2.RPC, host: IHost, peer_id: ID) -> bool:
        if not rpc.HasField("senderRecord"):
            return True  # what py-libp2p's check answers too
        key = (peer_id.to_bytes(), rpc.senderRecord)
        if key in self._verified:
            self._verified.move_to_end(key)
            return True
        if not self.consume(rpc, host, peer_id):
            return False
        self._verified[key] = None
        if len(self._verified) > _REMEMBERED:
            self._verified.popitem(last=False)
        return True


def verify_peer_records_once() -> None:
    """Install the memos where pubsub and its router use them (idempotent)."""
    # setattr/getattr: these are module globals py-libp2p imported, not its API.
    current = getattr(pubsub_module, "maybe_consume_signed_record")  # noqa: B009
    if isinstance(current, _VerifiedOnce):
        return
    verified = _VerifiedOnce(current)
    setattr(pubsub_module, "maybe_consume_signed_record", verified)  # noqa: B010
    setattr(gossipsub_module, "maybe_consume_signed_record", verified)  # noqa: B010
    own = _OwnRecord(getattr(pubsub_module, "env_to_send_in_RPC"))  # noqa: B009
    setattr(pubsub_module, "env_to_send_in_RPC", own)  # noqa: B010
    setattr(gossipsub_module, "env_to_send_in_RPC", own)  # noqa: B010
