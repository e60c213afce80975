"""Epoch keys a member device missed, asked of any member it syncs with.

A rotation (a removal or an unlink) seals the next key to the member devices its
author knows of. A device whose join or link was concurrent with it is left out, and
so is everything encrypted after it: every later op, later rotations included (their
sealed keys travel inside bodies under the key it lacks). The person's other device can
hand the key over (`writer.space_keys`), but it may have none left that holds it (its
linker unlinked since, its siblings linked concurrently too). So a reconciliation
session also carries keys:

- the device lists the rotations whose keys it lacks to open the ops it holds *locked*
  (`wanted`), and asks its peer;
- the peer hands over (`offer`) the keys of those rotations that it holds as *accepted*
  rotations, each sealed to the asking device, only if that device is a current member
  in its view — as `writer.space_keys` does for one person, for any member: a current
  member is entitled to every epoch key (an invite code carries them all);
- the device keeps (`take`) only a key that opens an op it holds locked (an AEAD tag
  proves the key), so a peer cannot plant a wrong key, then re-judges the space.

A device that has not heard of an unlink holds no key past it (every later rotation
is encrypted under the unlink's key, which it cannot read), so it cannot relay one to
the device unlinked. Functions of the replica; its thread only.
"""

from __future__ import annotations

from collections.abc import Iterable

from sync.crypto import decrypt_body, merge_epoch_keys
from sync.errors import Rejected
from sync.identity import seal
from sync.ids import DeviceId, OpId, SpaceId
from sync.policy import Level
from sync.replica import LOCKED, Replica
from sync.space import SpaceContext
from sync.wire.clock import decode_clock
from sync.wire.op import associated_data_of, decode_header
from sync.wire.reconcile import MAX_KEYS


def _locked(replica: Replica, space: SpaceId) -> list[tuple[OpId, bytes, bytes, list[OpId]]]:
    """Each op held locked: its id, body, what the body is bound to, its epoch's refs."""
    context = replica.context(space)
    found = []
    for op_id, header_bytes, body, clock in replica.db.execute(
        "SELECT op_id, header, body, clock FROM ops WHERE space = ? AND status = ?", (space, LOCKED)
    ):
        if body is None:
            continue
        _, refs = context.auth.epoch_at(decode_clock(clock), exclude=OpId(op_id))
        associated = associated_data_of(header_bytes, decode_header(header_bytes))
        found.append((OpId(op_id), body, associated, refs))
    return found


def wanted(replica: Replica, space: SpaceId) -> list[OpId]:
    """The rotations whose keys this replica lacks to open the ops it holds locked."""
    context = replica.context(space)
    missing = {ref for *_, refs in _locked(replica, space) for ref in refs if ref not in context.keyring}
    return sorted(missing)[:MAX_KEYS]


def offer(
    replica: Replica, space: SpaceId, device: DeviceId, refs: Iterable[bytes]
) -> list[tuple[OpId, bytes]]:
    """The keys of `refs` this replica may hand `device`, each sealed to it: none unless
    `device` is a current member here; only keys of rotations held as accepted ops."""
    if not replica.has_space(space):
        return []
    context = replica.context(space)
    if not _is_current_member(context, device):
        return []
    accepted = {rotation.op_id for rotation in context.auth.rotations}
    return [
        (OpId(ref), seal(device, context.keyring[OpId(ref)]))
        for ref in sorted(set(refs))[:MAX_KEYS]
        if ref in accepted and ref in context.keyring
    ]


def _is_current_member(context: SpaceContext, device: bytes) -> bool:
    index = context.authors.get(device)
    return index is not None and context.auth.current_level(index) > Level.NONE


def take(replica: Replica, space: SpaceId, sealed: Iterable[tuple[bytes, bytes]]) -> int:
    """Keep the offered keys that open an op held locked here; re-judge the space.
    Returns how many were kept (0: nothing changed)."""
    offered: dict[OpId, bytes] = {}
    for ref, box in sealed:
        try:
            offered[OpId(ref)] = replica.key.unseal(box)
        except Rejected:
            continue  # not sealed to this device: ignored
    kept = 0
    while offered:
        proven = _proven(replica, space, offered)
        if not proven:
            break
        with replica.store.transaction():
            replica.db.executemany(
                "INSERT OR IGNORE INTO keyring (space, ref, key) VALUES (?, ?, ?)",
                [(space, ref, key) for ref, key in proven.items()],
            )
            replica.forget(space)
            replica._rebuild(space)
        replica.forget(space)
        kept += len(proven)
        for ref in proven:
            del offered[ref]
    return kept


def _proven(replica: Replica, space: SpaceId, offered: dict[OpId, bytes]) -> dict[OpId, bytes]:
    """The offered keys that, with the keys held, decrypt some op held locked."""
    context = replica.context(space)
    proven: dict[OpId, bytes] = {}
    for _, body, associated, refs in _locked(replica, space):
        fresh = [ref for ref in refs if ref not in context.keyring and ref not in proven]
        if not fresh or any(ref not in offered for ref in fresh):
            continue
        keys = [context.keyring.get(ref) or proven.get(ref) or offered[ref] for ref in refs]
        try:
            decrypt_body(merge_epoch_keys(keys), associated, body)
        except Rejected:
            continue
        proven.update({ref: offered[ref] for ref in fresh})
    return proven
