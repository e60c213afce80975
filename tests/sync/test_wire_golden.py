"""Golden wire bytes: every message family's encoding is pinned to committed fixtures.

A change to any of these bytes is a protocol change (old peers would refuse or
mis-read the new bytes, and signatures and op ids would change), so it must be
deliberate: regenerate with `REGEN_GOLDEN=1` (see tests/fixtures/wire/README.md),
which rewrites the fixtures and fails, so a regeneration can never pass silently.

Each test builds a value deterministically, checks its encoding against the fixture,
and decodes the fixture back to the value. Nothing here is random: keys come from
fixed seeds, time from a fake clock, Ed25519 is deterministic and the body nonce is
synthetic, which `test_writer_is_deterministic` checks independently of the fixtures.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sync import writer
from sync.content import ItemEdit, ItemPut
from sync.crypto import decrypt_body
from sync.frontier import all_envelopes
from sync.identity import DeviceKey
from sync.ids import DeviceId, OpId, SpaceId, digest
from sync.invite import Invite, InviteToken, make_invite, parse_code, parse_token
from sync.kinds import Genesis, Join, Link, Setting, Unlink, parse_body
from sync.link import sign_statement, statement_bytes
from sync.op import SIGNING_DOMAIN, UnverifiedOp, verify
from sync.policy import DEFAULT_POLICY, Level
from sync.reconcile import Reconciler
from sync.state import state_hash
from sync.wire.body import decode_body, encode_body
from sync.wire.op import Header, decode_envelope, decode_header, encode_envelope, encode_header
from sync.wire.reconcile import FrontierMessage, OpsMessage, decode, encode
from tests.sync.helpers import Circle, Clock, device, hash_of, new_replica, seed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
REGENERATE = os.environ.get("REGEN_GOLDEN") == "1"


def golden(encodings: dict[str, bytes]) -> dict[str, bytes]:
    """The committed bytes of each named fixture, after checking each encoding against them.

    With REGEN_GOLDEN=1, writes every encoding as its new fixture, then fails.
    """
    if REGENERATE:
        FIXTURES.mkdir(parents=True, exist_ok=True)
        for name, encoded in encodings.items():
            _write(FIXTURES / name, encoded)
        pytest.fail(f"REGEN_GOLDEN=1: regenerated {sorted(encodings)} in {FIXTURES}; review the diff")
    committed = {name: _read(FIXTURES / name) for name in encodings}
    changed = [_describe(name, encodings[name], committed[name]) for name in encodings]
    changed = [change for change in changed if change]
    if changed:
        pytest.fail(
            "\n".join(changed)
            + "\nIf the wire format is meant to change, regenerate (tests/fixtures/wire/README.md)."
        )
    return committed


def _write(path: Path, encoded: bytes) -> None:
    if path.suffix == ".hex":
        text = encoded.hex()
        path.write_text("".join(text[i : i + 64] + "\n" for i in range(0, len(text), 64)) or "\n")
    else:
        path.write_bytes(encoded)


def _read(path: Path) -> bytes:
    if not path.exists():
        pytest.fail(f"missing fixture {path}; see tests/fixtures/wire/README.md")
    raw = path.read_bytes()
    return bytes.fromhex("".join(raw.decode("ascii").split())) if path.suffix == ".hex" else raw


def _describe(name: str, encoded: bytes, committed: bytes) -> str:
    """ "" if equal, else where and how the bytes differ."""
    if encoded == committed:
        return ""
    at = next(
        (i for i, (a, b) in enumerate(zip(encoded, committed, strict=False)) if a != b),
        min(len(encoded), len(committed)),
    )
    return (
        f"{name}: encoding changed at byte {at} (now {len(encoded)} bytes, fixture {len(committed)})\n"
        f"  now:     {encoded[at : at + 24].hex()}\n  fixture: {committed[at : at + 24].hex()}"
    )


# -- fixed values ----------------------------------------------------------------------
AUTHOR_KEY = DeviceKey(seed("golden-author"))
AUTHOR = AUTHOR_KEY.device_id
OTHER = DeviceKey(seed("golden-other")).device_id
SPACE = SpaceId(digest(b"golden-space"))
PREV = OpId(digest(b"golden-prev"))
DEP_A, DEP_B = sorted(OpId(digest(label)) for label in (b"golden-dep-a", b"golden-dep-b"))
HLC = (1_700_000_000_000 << 16) | 5
BODY = bytes(range(40))

HEADER = Header(
    space=SPACE,
    author=AUTHOR,
    seq=3,
    prev=PREV,
    deps=(DEP_A, DEP_B),
    kind="item.put",
    epoch=1,
    body_hash=digest(BODY),
    body_len=len(BODY),
    hlc=HLC,
)
FIRST_HEADER = Header(
    space=SpaceId(bytes(32)),
    author=AUTHOR,
    seq=1,
    prev=None,
    deps=(),
    kind="space.genesis",
    epoch=0,
    body_hash=digest(b""),
    body_len=0,
    hlc=0,
)


def test_op_header() -> None:
    committed = golden(
        {"op_header.hex": encode_header(HEADER), "op_header_first.hex": encode_header(FIRST_HEADER)}
    )
    assert decode_header(committed["op_header.hex"]) == HEADER
    assert decode_header(committed["op_header_first.hex"]) == FIRST_HEADER


def test_op_envelope() -> None:
    header_bytes = encode_header(HEADER)
    signature = AUTHOR_KEY.sign(SIGNING_DOMAIN + header_bytes)
    committed = golden(
        {
            "op_envelope.hex": encode_envelope(header_bytes, signature, BODY),
            "op_envelope_redacted.hex": encode_envelope(header_bytes, signature, None),
        }
    )
    assert decode_envelope(committed["op_envelope.hex"]) == (header_bytes, signature, BODY)
    op = UnverifiedOp.from_wire(committed["op_envelope.hex"])
    assert (op.header, op.header_bytes, op.signature, op.body) == (HEADER, header_bytes, signature, BODY)
    assert op.signature_ok()
    assert op.op_id == digest(header_bytes + signature)

    redacted = committed["op_envelope_redacted.hex"]
    assert decode_envelope(redacted) == (header_bytes, signature, None)
    assert UnverifiedOp.from_wire(redacted).op_id == op.op_id  # redaction keeps the op id


def test_body_plaintext() -> None:
    fields = {"title": "Quadratic equations", "text": "Why does b² − 4ac decide how many roots?"}
    mixed = {
        "z_list": [0, 1, -1, 127, 128, -33, 2**32, -(2**63), 2**64 - 1],
        "nested": {"b": None, "a": [True, False]},
        "raw": b"\x00\xff" * 3,
        "empty": {},
        "text": "é" * 40,
    }
    committed = golden({"body_item_put.hex": encode_body(fields), "body_mixed.hex": encode_body(mixed)})
    assert decode_body(committed["body_item_put.hex"]) == fields
    assert parse_body("item.put", committed["body_item_put.hex"]) == ItemPut(fields["title"], fields["text"])

    # Every value type a body may hold, keys given out of order: the encoding sorts them.
    decoded = decode_body(committed["body_mixed.hex"])
    assert decoded == mixed
    assert list(decoded) == sorted(mixed) and list(decoded["nested"]) == ["a", "b"]


INVITE_TOKEN = InviteToken(
    space=SPACE,
    inviter=AUTHOR,
    at=PREV,
    at_seq=3,
    at_hlc=HLC,
    role=Level.MENTOR,
    uses=5,
    expires_ms=1_700_086_400_000,
    nonce=seed("golden-nonce")[:16],
    addresses=("/ip4/192.0.2.7/tcp/4001", "/ip6/2001:db8::7/tcp/4001"),
)
KEYRING = [(bytes(SPACE), seed("golden-space-key")), (bytes(DEP_A), seed("golden-epoch-key"))]


def test_invite_token_and_code() -> None:
    invite = make_invite(AUTHOR_KEY, INVITE_TOKEN, KEYRING)
    committed = golden(
        {"invite_token.hex": invite.token_bytes, "invite_code.bin": invite.code().encode("ascii")}
    )
    token_bytes = committed["invite_token.hex"]
    assert parse_token(token_bytes, invite.signature) == INVITE_TOKEN

    code = committed["invite_code.bin"].decode("ascii")
    assert code.startswith("sc2.")
    parsed = parse_code(code)
    assert parsed == Invite(INVITE_TOKEN, token_bytes, invite.signature, tuple(KEYRING))
    # What a person pastes may be wrapped over lines; it is the same invite.
    assert parse_code("\n".join(code[i : i + 30] for i in range(0, len(code), 30))) == parsed
    # A code of the first format (no check characters), made before they existed, still reads.
    legacy = (FIXTURES / "invite_code_sc1.bin").read_bytes().decode("ascii")
    assert legacy.startswith("sc1.") and parse_code(legacy) == parsed


def test_an_invite_code_carries_the_circle_name_outside_the_signature() -> None:
    invite = make_invite(AUTHOR_KEY, INVITE_TOKEN, KEYRING, circle_name="Calculus I — Tuesday")
    committed = golden({"invite_code_named.bin": invite.code().encode("ascii")})
    parsed = parse_code(committed["invite_code_named.bin"].decode("ascii"))
    assert parsed.circle_name == "Calculus I — Tuesday"
    signed = (INVITE_TOKEN, invite.signature, tuple(KEYRING))
    assert (parsed.token, parsed.signature, parsed.keyring) == signed


def test_reconcile_frontier_message() -> None:
    heads = ((OTHER, 4, DEP_B), (AUTHOR, 7, DEP_A), (AUTHOR, 6, PREV))
    needs = (DEP_B, PREV, DEP_A)
    canonical = FrontierMessage(SPACE, tuple(sorted(heads)), tuple(sorted(needs)))
    empty = FrontierMessage(SPACE, (), ())
    committed = golden(
        {"reconcile_frontier.hex": encode(canonical), "reconcile_frontier_empty.hex": encode(empty)}
    )
    assert decode(committed["reconcile_frontier.hex"]) == canonical
    assert decode(committed["reconcile_frontier_empty.hex"]) == empty
    # The encoder sorts: any order of the same heads and needs gives the same bytes.
    assert encode(FrontierMessage(SPACE, heads, needs)) == committed["reconcile_frontier.hex"]


def test_reconcile_ops_message() -> None:
    header_bytes = encode_header(HEADER)
    signature = AUTHOR_KEY.sign(SIGNING_DOMAIN + header_bytes)
    envelopes = (
        encode_envelope(header_bytes, signature, BODY),
        encode_envelope(header_bytes, signature, None),
    )
    message = OpsMessage(SPACE, envelopes)
    committed = golden({"reconcile_ops.hex": encode(message)})
    assert decode(committed["reconcile_ops.hex"]) == message


# -- ops produced by sync.writer -------------------------------------------------------
SPACE_KEY = seed("space-key")  # what Circle.create uses


def build_circle() -> tuple[Circle, list[bytes]]:
    """A circle whose every op is a function of fixed seeds and a fake clock.

    Owner creates it; alice joins by invite; she posts; the owner edits a setting and
    alice edits her post. Returns the circle and the owner's envelopes in causal order.
    """
    circle = Circle.create(Clock())
    alice = circle.add("alice")
    item = circle.post(alice, "Quadratic equations")
    writer.write(
        circle.owner,
        circle.space,
        "space.settings",
        {"key": "topic", "value": "algebra"},
        now_ms=circle.clock(),
    )
    writer.write(
        alice,
        circle.space,
        "item.edit",
        {"item": item, "title": "Quadratic equations", "text": "b² − 4ac"},
        now_ms=circle.clock(),
    )
    circle.sync_all()
    return circle, all_envelopes(circle.owner, circle.space)


# In the owner's causal (rowid) order: its setting was stored before alice's post arrived.
WRITER_OPS = ["genesis", "member_join", "space_settings", "item_put", "item_edit"]


def check_join(join: object, circle: Circle) -> None:
    """The join carries a member invite token signed by the owner for this circle."""
    assert isinstance(join, Join) and join.member_name == "alice"
    token = parse_token(join.token, join.token_signature)
    assert (token.space, token.inviter, token.role, token.uses) == (
        circle.space,
        device(circle.owner),
        Level.MEMBER,
        1,
    )


def _associated_and_body(envelope: bytes) -> tuple[bytes, bytes]:
    op = UnverifiedOp.from_wire(envelope)
    assert op.body is not None
    return op.header.associated_data(), op.body


def test_writer_ops() -> None:
    circle, envelopes = build_circle()
    assert len(envelopes) == len(WRITER_OPS)
    names = [f"writer_op{index}_{name}.hex" for index, name in enumerate(WRITER_OPS, start=1)]
    fixtures = golden(
        {
            **dict(zip(names, envelopes, strict=True)),
            "writer_state_hash.hex": hash_of(circle.owner, circle.space),
        }
    )
    committed = [fixtures[name] for name in names]
    bodies = [
        Genesis(name="Algebra", policy=dict(DEFAULT_POLICY), member_name="Teacher"),
        None,  # the join: checked by check_join
        Setting("topic", "algebra"),
        ItemPut("Quadratic equations", ""),
        ItemEdit(UnverifiedOp.from_wire(committed[3]).op_id, "Quadratic equations", "b² − 4ac"),
    ]
    for envelope, body in zip(committed, bodies, strict=True):
        op = verify(UnverifiedOp.from_wire(envelope), space=circle.space)
        assert op.to_wire() == envelope
        parsed = parse_body(op.header.kind, decrypt_body(SPACE_KEY, *_associated_and_body(envelope)))
        if body is None:
            check_join(parsed, circle)
        else:
            assert parsed == body
    assert [UnverifiedOp.from_wire(e).header.kind for e in committed] == [
        "space.genesis",
        "member.join",
        "space.settings",
        "item.put",
        "item.edit",
    ]
    assert UnverifiedOp.from_wire(committed[0]).op_id == circle.space  # the genesis names the space

    # The committed bytes alone rebuild the circle's state on a device that holds its key.
    carol = new_replica("carol")
    writer.accept_invite(carol, circle.invite(circle.owner))
    result = carol.ingest(circle.space, committed)
    assert (result.accepted, result.rejected) == (len(committed), [])
    assert hash_of(carol, circle.space) == hash_of(circle.owner, circle.space)
    assert state_hash(carol.db, circle.space) == fixtures["writer_state_hash.hex"]
    assert hash_of(circle.members["alice"], circle.space) == fixtures["writer_state_hash.hex"]


def test_writer_frontier_message() -> None:
    circle, envelopes = build_circle()
    message = Reconciler(circle.owner, circle.space).generate_message()
    assert message is not None
    decoded = decode(golden({"writer_frontier.hex": message})["writer_frontier.hex"])
    assert isinstance(decoded, FrontierMessage)
    heads = {op.header.author: (op.header.seq, op.op_id) for op in map(UnverifiedOp.from_wire, envelopes)}
    assert decoded == FrontierMessage(
        circle.space, tuple(sorted((DeviceId(a), s, h) for a, (s, h) in heads.items())), ()
    )


def test_writer_is_deterministic() -> None:
    """Two runs from the same seeds and clock produce byte-identical ops and state."""
    first, first_envelopes = build_circle()
    second, second_envelopes = build_circle()
    assert first_envelopes == second_envelopes
    assert first.space == second.space
    assert hash_of(first.owner, first.space) == hash_of(second.owner, second.space)


def test_remove_member_is_deterministic() -> None:
    def removal() -> bytes:
        circle = Circle.create(Clock())
        alice = circle.add("alice")
        circle.add("bob")
        op, _ = writer.remove_member(
            circle.owner, circle.space, device(alice), new_key=seed("epoch-2"), now_ms=circle.clock()
        )
        return op.to_wire()

    assert removal() == removal()


# -- one person, several devices ---------------------------------------------------------
def build_linked_circle() -> tuple[Circle, list[bytes]]:
    """alice links a second device (its signed consent in her `member.link`), then unlinks
    it from her first device (`member.unlink`, rotating the key). Returns the two ops."""
    circle = Circle.create(Clock())
    alice = circle.add("alice")
    second = new_replica("alice-second")
    statement = sign_statement(second.key, space=circle.space, linker=device(alice))
    link, _ = writer.link_device(alice, circle.space, statement, now_ms=circle.clock())
    unlink, _ = writer.unlink_device(
        alice, circle.space, device(second), new_key=seed("epoch-after-unlink"), now_ms=circle.clock()
    )
    return circle, [link.to_wire(), unlink.to_wire()]


def test_link_statement_and_ops() -> None:
    circle, envelopes = build_linked_circle()
    second = new_replica("alice-second")
    statement = sign_statement(second.key, space=circle.space, linker=device(circle.members["alice"]))
    fixtures = golden(
        {
            "link_statement.hex": statement_bytes(statement.space, statement.linker, statement.device)
            + statement.signature,
            "writer_member_link.hex": envelopes[0],
            "writer_member_unlink.hex": envelopes[1],
        }
    )
    assert fixtures["link_statement.hex"].startswith(b"studycircle/link/v1\x00" + circle.space)
    link = verify(UnverifiedOp.from_wire(fixtures["writer_member_link.hex"]), space=circle.space)
    body = parse_body(link.header.kind, decrypt_body(SPACE_KEY, *_associated_and_body(link.to_wire())))
    assert body == Link(device(second), statement.signature)
    unlink = verify(UnverifiedOp.from_wire(fixtures["writer_member_unlink.hex"]), space=circle.space)
    assert (unlink.header.kind, unlink.header.epoch) == ("member.unlink", 0)
    parsed = parse_body(unlink.header.kind, decrypt_body(SPACE_KEY, *_associated_and_body(unlink.to_wire())))
    assert isinstance(parsed, Unlink) and parsed.member == device(second) and parsed.epoch == 1
    assert [entry[0] for entry in parsed.sealed_keys] == sorted(
        [device(circle.owner), device(circle.members["alice"])]
    )
