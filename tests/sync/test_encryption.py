"""Epoch keys: a removed member cannot read what comes after; bodies are bound to headers."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from sync import state, writer
from sync.crypto import NONCE_LEN, decrypt_body, encrypt_body, subkeys
from sync.errors import Reason, Rejected
from sync.frontier import all_envelopes
from sync.op import UnverifiedOp
from tests.sync.helpers import Circle, Clock, device, reconcile, seed


def test_removed_member_cannot_read_anything_written_after_removal() -> None:
    circle = Circle.create(Clock())
    sam, sue = circle.add("Sam"), circle.add("Sue")
    circle.post(circle.owner, "Before removal")
    circle.sync_all()
    writer.remove_member(
        circle.owner, circle.space, device(sue), new_key=seed("epoch-1"), now_ms=circle.clock()
    )
    secret = circle.post(circle.owner, "After removal")
    reconcile(circle.owner, sam, circle.space)

    # Sue's old key ring is all she has; even handed every op, the new one stays closed.
    sue.ingest(circle.space, all_envelopes(circle.owner, circle.space))
    titles = {item.title for item in state.items(sue.db, circle.space)}
    assert "Before removal" in titles
    assert "After removal" not in titles
    row = sue.db.execute("SELECT status, reason FROM ops WHERE op_id = ?", (secret,)).fetchone()
    assert row == (3, Reason.UNDECRYPTABLE.value)
    # Sue cannot decrypt the body with any key she holds.
    op = UnverifiedOp.from_wire(
        next(
            e for e in all_envelopes(circle.owner, circle.space) if UnverifiedOp.from_wire(e).op_id == secret
        )
    )
    for (key,) in sue.db.execute("SELECT key FROM keyring WHERE space = ?", (circle.space,)):
        with pytest.raises(Rejected):
            decrypt_body(key, op.header.associated_data(), op.body or b"")
    # Sam, who stayed, reads it.
    assert "After removal" in {item.title for item in state.items(sam.db, circle.space)}


def test_remaining_members_keep_writing_in_the_new_epoch_and_converge() -> None:
    circle = Circle.create(Clock())
    sam, sue = circle.add("Sam"), circle.add("Sue")
    writer.remove_member(
        circle.owner, circle.space, device(sue), new_key=seed("epoch-1"), now_ms=circle.clock()
    )
    reconcile(circle.owner, sam, circle.space)
    circle.post(sam, "Sam after rotation")
    reconcile(circle.owner, sam, circle.space)
    assert state.state_hash(sam.db, circle.space) == state.state_hash(circle.owner.db, circle.space)
    assert "Sam after rotation" in {item.title for item in state.items(circle.owner.db, circle.space)}
    assert device(sue) not in {member.device for member in state.members(circle.owner.db, circle.space)}


FIELDS = ["version", "space", "author", "seq", "prev", "deps", "kind", "epoch", "hlc"]


@pytest.mark.parametrize("field", FIELDS)
def test_changing_any_associated_data_field_makes_decryption_fail(field: str) -> None:
    circle = Circle.create(Clock())
    sam = circle.add("Sam")
    circle.post(sam, "first")
    item = circle.post(sam, "second")
    op = next(
        UnverifiedOp.from_wire(e)
        for e in all_envelopes(sam, circle.space)
        if UnverifiedOp.from_wire(e).op_id == item
    )
    header = op.header
    key = seed("space-key")
    plaintext = decrypt_body(key, header.associated_data(), op.body or b"")
    assert plaintext  # the untouched header decrypts
    changed = {
        "version": header.version + 1,
        "space": bytes(32),
        "author": device(circle.owner),
        "seq": header.seq + 1,
        "prev": bytes(32),
        "deps": (bytes(32),),
        "kind": "item.edit",
        "epoch": header.epoch + 1,
        "hlc": header.hlc + 1,
    }[field]
    tampered = dataclasses.replace(header, **{field: changed})
    with pytest.raises(Rejected) as error:
        decrypt_body(key, tampered.associated_data(), op.body or b"")
    assert error.value.reason is Reason.UNDECRYPTABLE


def test_encryption_is_deterministic_and_message_bound() -> None:
    key, associated = seed("k"), b"header"
    assert encrypt_body(key, associated, b"one") == encrypt_body(key, associated, b"one")
    assert encrypt_body(key, associated, b"one")[:12] != encrypt_body(key, associated, b"two")[:12]
    with pytest.raises(Rejected):
        decrypt_body(seed("other"), associated, encrypt_body(key, associated, b"one"))


def test_the_nonce_and_the_cipher_never_share_a_key() -> None:
    """The SIV halves are keyed apart: neither subkey is the epoch key nor the other, the
    nonce is not the keyed BLAKE2b of the epoch key (op version 1's), and the body does
    not open under ChaCha20-Poly1305 keyed with the epoch key itself."""
    key, associated, plaintext = seed("space-key"), b"header fields", b"a body"
    keys = subkeys(key)
    assert len({key, keys.nonce_key, keys.aead_key}) == 3
    assert all(len(subkey) == len(key) for subkey in (keys.nonce_key, keys.aead_key))
    body = encrypt_body(key, associated, plaintext)
    nonce, sealed = body[:NONCE_LEN], body[NONCE_LEN:]
    reused = hashlib.blake2b(digest_size=NONCE_LEN, key=key, person=b"sc-body-nonce")
    reused.update(len(associated).to_bytes(4, "big") + associated + plaintext)
    assert nonce != reused.digest()
    with pytest.raises(InvalidTag):
        ChaCha20Poly1305(key).decrypt(nonce, sealed, associated)
    assert ChaCha20Poly1305(keys.aead_key).decrypt(nonce, sealed, associated) == plaintext
    mac = hashlib.blake2b(digest_size=NONCE_LEN, key=keys.nonce_key, person=b"sc-body-nonce")
    mac.update(len(associated).to_bytes(4, "big") + associated + plaintext)
    assert nonce == mac.digest()  # the documented construction, exactly
