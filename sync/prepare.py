"""Per-op work that needs no replica state, done in chunks wherever the caller likes.

Decoding, the cheap checks, the signature and — when the chunk is given the key of the
op's claimed epoch — decryption and the canonical body decode are pure functions of the
envelope. `prepare_chunk` runs them on plain bytes and returns plain tuples, so the app
can run it in a process pool while the replica's own thread only admits ops. Its output
is a hint: admission still decides the epoch and key from the op's causal past and
redoes the decryption whenever the hinted key is not the one it requires.
"""

from __future__ import annotations

from typing import Any

from sync.crypto import decrypt_body
from sync.errors import Reason, Rejected
from sync.ids import SpaceId
from sync.kinds import AUTH_KINDS
from sync.op import GENESIS_KIND, UnverifiedOp, check_cheap
from sync.wire.body import decode_body

#: (space, {epoch: key}, envelopes)
PrepareJob = tuple[bytes, dict[int, bytes], list[bytes]]
REFUSED, PREPARED = 0, 1


def prepare_chunk(job: PrepareJob) -> list[tuple[Any, ...]]:
    """For each envelope either (REFUSED, reason value, detail) or (PREPARED, op_id,
    header fields, signature ok, hinted epoch or None, plaintext or None, decoded body
    fields or None). Results stay small (no envelope bytes: the caller has them), since
    they cross a process boundary; the plaintext is returned only for membership ops,
    which keep it."""
    space, keys, envelopes = job
    results: list[tuple[Any, ...]] = []
    for envelope in envelopes:
        try:
            op = UnverifiedOp.from_wire(envelope)
            check_cheap(op, space=SpaceId(space))
        except Rejected as error:
            results.append((REFUSED, error.reason.value, error.detail))
            continue
        header = op.header
        signature_ok = op.signature_ok()
        key = keys.get(header.epoch) if signature_ok and op.body is not None else None
        epoch = plaintext = fields = None
        if key is not None:
            try:
                plaintext = decrypt_body(key, op.associated_data(), op.body or b"")
                fields = decode_body(plaintext)
                epoch = header.epoch
            except Rejected:
                plaintext = fields = None  # admission redoes it and records why
            if header.kind not in AUTH_KINDS and header.kind != GENESIS_KIND:
                plaintext = None
        results.append(
            (
                PREPARED,
                op.op_id,
                (
                    header.space,
                    header.author,
                    header.seq,
                    header.prev,
                    header.deps,
                    header.kind,
                    header.epoch,
                    header.body_hash,
                    header.body_len,
                    header.hlc,
                ),
                signature_ok,
                epoch,
                plaintext,
                fields,
            )
        )
    return results


def refused(result: tuple[Any, ...]) -> Rejected:
    return Rejected(Reason(result[1]), result[2])
