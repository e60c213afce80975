"""Decoders refuse hostile input with a typed reason, and refusals never half-apply.

Every decoder that takes bytes from a peer (or text from a person) must either return
a value or raise `Rejected` carrying a `Reason`, never anything else. Inputs are
arbitrary bytes and mutations of real encodings taken from a small circle:

- byte-level: bit flips, byte changes, truncation, extension, insertions, deletions,
  duplicated slices;
- msgpack-level: swapped, replaced, deleted and inserted fields, nested encodings (a
  header inside an envelope, envelopes inside a message, a token inside a code)
  mutated in place;
- non-canonical re-encodings of the same value: ints and lengths wider than needed,
  float32, str/bin confusion, unsorted and duplicate map keys, trailing data.

What a decoder accepts must re-encode to exactly its input (one value, one encoding).
Replicas and reconcilers fed mutated envelopes and messages must not raise, and must
leave their state exactly as it was whenever they refuse. Ops that a member really
signs after mutating them (a hostile author, not a forger) reach the deeper checks;
whatever a replica makes of one, a fresh replica given the same ops must agree.

Bugs these tests found in `sync/` stay pinned by the regression tests at the end of each section.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import functools
import random
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import assessment, coaching, content, writer
from sync.crypto import decrypt_body
from sync.errors import Reason, Rejected
from sync.frontier import all_envelopes
from sync.identity import DeviceKey
from sync.ids import DeviceId, OpId, SpaceId, digest
from sync.invite import INVITE_DOMAIN, Invite, parse_code
from sync.kinds import (
    PARSERS,
    Genesis,
    Join,
    Leave,
    Link,
    Removal,
    RoleChange,
    Setting,
    Unlink,
    parse_body,
)
from sync.op import SIGNING_DOMAIN, UnverifiedOp, sign
from sync.policy import Level
from sync.reconcile import Reconciler
from sync.replica import Replica
from sync.store import Store
from sync.wire.body import decode_body, encode_body
from sync.wire.invite import CHECK_LEN, CODE_PREFIX, code_check, decode_code, encode_code, encode_token
from sync.wire.op import decode_envelope, decode_header, encode_envelope, encode_header
from sync.wire.reconcile import FRONTIER, FrontierMessage, OpsMessage, decode, encode
from tests.sync.coaching_helpers import example_bodies
from tests.sync.helpers import Circle, Clock, device, hash_of, new_replica, seed

SPACE_KEY = seed("space-key")  # what Circle.create uses

#: Examples per Hypothesis test: 17 tests, 20,500 examples, about 35 s on one core.
ARBITRARY = settings(max_examples=1000)
MUTATED = settings(max_examples=1500)
STATEFUL = settings(max_examples=1000)
#: Mutations are driven by a Random that Hypothesis seeds: one draw per example keeps
#: thousands of examples cheap; a failure still replays from the printed seed.
RNG = st.randoms(use_true_random=True)
PICK = st.integers(min_value=0, max_value=2**16)  # which valid encoding to start from


# -- a real circle to take valid encodings from ------------------------------------------
@dataclass(frozen=True)
class Corpus:
    space: SpaceId
    inviter: DeviceKey
    envelopes: tuple[bytes, ...]
    headers: tuple[bytes, ...]
    bodies: tuple[tuple[str, bytes], ...]  # (kind, plaintext)
    messages: tuple[bytes, ...]
    codes: tuple[str, ...]
    op_ids: frozenset[bytes]
    keys: dict[bytes, DeviceKey]  # every member's signing key, to play a hostile author


@functools.cache
def corpus() -> Corpus:
    """A circle with an op of every kind; built once, deterministic."""
    clock = Clock()
    circle = Circle.create(clock)
    space = circle.space
    alice = circle.add("alice")
    bob = circle.add("bob", Level.TEACHER)
    dan = circle.add("dan")

    def write(replica: Replica, kind: str, fields: dict[str, Any]) -> bytes:
        op, _ = writer.write(replica, space, kind, fields, now_ms=clock())
        circle.sync_all()
        return op.op_id

    item = write(alice, "item.put", {"title": "Quadratic equations", "text": "Why b² − 4ac?"})
    write(alice, "item.edit", {"item": item, "title": "Quadratics", "text": "b² − 4ac decides"})
    write(bob, "mod.hide", {"item": item})
    write(bob, "mod.unhide", {"item": item})
    write(circle.owner, "space.settings", {"key": "topic", "value": "algebra"})
    write(circle.owner, "member.role", {"member": device(alice), "level": int(Level.MENTOR)})
    write(dan, "member.leave", {})
    second = write(alice, "item.put", {"title": "Second", "text": ""})
    write(alice, "item.delete", {"item": second})
    write(bob, "item.reply", {"parent": item, "text": "Think of the discriminant."})
    write(alice, "chat.say", {"text": "Anyone in the library?"})
    write(bob, "resource.add", {"title": "Notes", "text": "", "url": "https://example.org/q", "tags": ["x"]})
    ask = {"title": "Stuck on 3b", "text": "Why two roots?", "tags": ["algebra"]}
    request = write(alice, "help.ask", ask)
    write(bob, "help.claim", {"request": request})
    answer = write(bob, "help.answer", {"request": request, "text": "Draw the parabola."})
    write(alice, "help.progress", {"request": request, "text": "Drew it; still unsure."})
    write(alice, "help.escalate", {"request": request})
    write(alice, "help.resolve", {"request": request, "accept": answer})
    write(alice, "help.reopen", {"request": request})
    write(circle.owner, "help.metoo", {"request": request})
    write(alice, "react.set", {"item": answer, "reaction": "thanks", "on": True})
    write(bob, "mod.lock", {"item": item})
    write(bob, "mod.unlock", {"item": item})
    write(bob, "mod.redact", {"item": answer})
    write(alice, "note.put", {"title": "Roots", "text": "See [[Parabola]].", "tags": ["math"]})

    envelopes = tuple(all_envelopes(circle.owner, space))
    ops = [UnverifiedOp.from_wire(envelope) for envelope in envelopes]
    bodies = [
        (op.header.kind, decrypt_body(SPACE_KEY, op.header.associated_data(), op.body))
        for op in ops
        if op.body is not None
    ]
    removal = {"member": device(dan), "epoch": 1, "keys": [[device(alice), bytes(80)], [device(bob), b"x"]]}
    bodies.append(("member.remove", encode_body(removal)))
    bodies.append(("member.unlink", encode_body(removal)))
    bodies.append(("member.link", encode_body({"device": device(dan), "device_sig": bytes(64)})))
    bodies += [(kind, encode_body(fields)) for kind, fields in assignment_bodies(item, answer)]
    # Peer coaching and surveys (issue 18): one well-formed body of each kind.
    bodies += [
        (kind, encode_body(fields)) for kind, fields in example_bodies(device(alice), device(bob), item)
    ]

    # A replica missing one early op holds the rest as pending and asks for it (needs).
    lagging = new_replica("lagging")
    writer.accept_invite(lagging, circle.invite(circle.owner))
    lagging.ingest(space, envelopes[:2] + envelopes[3:])
    frontiers = [Reconciler(replica, space).generate_message() for replica in (circle.owner, lagging)]
    messages = [message for message in frontiers if message is not None]
    messages += [
        encode(OpsMessage(space, envelopes[:4])),
        encode(OpsMessage(space, envelopes[-2:])),
        encode(OpsMessage(space, ())),
    ]
    codes = (
        circle.invite(circle.owner).code(),
        writer.invite(
            circle.owner,
            space,
            role=Level.TEACHER,
            uses=3,
            expires_ms=clock.now + 1000,
            nonce=seed("code-nonce")[:16],
            addresses=("/ip4/192.0.2.1/tcp/4001",),
        ).code(),
    )
    return Corpus(
        space=space,
        inviter=circle.owner.key,
        envelopes=envelopes,
        headers=tuple(op.header_bytes for op in ops),
        bodies=tuple(bodies),
        messages=tuple(messages),
        codes=codes,
        op_ids=frozenset(op.op_id for op in ops),
        keys={replica.key.device_id: replica.key for replica in circle.replicas()},
    )


def test_corpus_covers_every_family() -> None:
    """The mutations start from real encodings of every kind and message shape."""
    world = corpus()
    assert {kind for kind, _ in world.bodies} == set(PARSERS)
    shapes = [decode(message) for message in world.messages]
    assert any(isinstance(m, FrontierMessage) and m.needs for m in shapes)
    assert any(isinstance(m, OpsMessage) and m.envelopes for m in shapes)
    assert all(isinstance(parse_code(code), Invite) for code in world.codes)


# -- a msgpack encoder that can also encode non-canonically ------------------------------
def _int_encodings(value: int) -> list[bytes]:
    """Every msgpack encoding of `value`, the canonical (shortest) one first."""
    forms = [
        (0xCC, ">B", 0, 2**8 - 1),
        (0xCD, ">H", 0, 2**16 - 1),
        (0xCE, ">I", 0, 2**32 - 1),
        (0xCF, ">Q", 0, 2**64 - 1),
        (0xD0, ">b", -(2**7), 2**7 - 1),
        (0xD1, ">h", -(2**15), 2**15 - 1),
        (0xD2, ">i", -(2**31), 2**31 - 1),
        (0xD3, ">q", -(2**63), 2**63 - 1),
    ]
    canonical = msgpack.packb(value)
    others = [
        bytes([code]) + struct.pack(fmt, value) for code, fmt, low, high in forms if low <= value <= high
    ]
    if -32 <= value < 128:
        others.append(struct.pack(">b", value))
    return [canonical] + [form for form in others if form != canonical]


def _length_headers(length: int, fix: tuple[int, int] | None, wide: tuple[int, ...]) -> list[bytes]:
    """Length headers for a str/bin/array/map, the canonical one first.

    `fix` is (base, limit) for the fix-size form; `wide` the 8/16/32-bit type bytes.
    """
    headers = []
    if fix is not None and length < fix[1]:
        headers.append(bytes([fix[0] | length]))
    for code, size in zip(wide, (1, 2, 4)[-len(wide) :], strict=True):
        if length < 1 << (8 * size):
            headers.append(bytes([code]) + length.to_bytes(size, "big"))
    return headers


STR_HEADERS = ((0xA0, 32), (0xD9, 0xDA, 0xDB))
BIN_HEADERS = (None, (0xC4, 0xC5, 0xC6))
ARRAY_HEADERS = ((0x90, 16), (0xDC, 0xDD))
MAP_HEADERS = ((0x80, 16), (0xDE, 0xDF))


def loose_pack(value: Any, deviations: dict[int, int] | None = None) -> bytes:
    """msgpack-encode `value`; canonical (maps sorted) except at the pre-order node
    indexes in `deviations`, where the variant number picks a non-canonical form."""
    deviations = deviations or {}
    out = bytearray()
    counter = 0

    def pick(options: list[bytes], variant: int | None) -> bytes:
        if variant is None or len(options) == 1:
            return options[0]
        return options[1 + variant % (len(options) - 1)]

    def put(node: Any) -> None:
        nonlocal counter
        variant = deviations.get(counter)
        counter += 1
        if isinstance(node, bool) or node is None:
            out.extend(msgpack.packb(node))
        elif isinstance(node, int):
            out.extend(pick(_int_encodings(node), variant))
        elif isinstance(node, float):
            out.extend(b"\xca" + struct.pack(">f", node) if variant is not None else msgpack.packb(node))
        elif isinstance(node, str):
            data = node.encode("utf-8", "surrogatepass")
            if variant is not None and variant % 3 == 1:  # the text as bin
                out.extend(pick(_length_headers(len(data), *BIN_HEADERS), None) + data)
            else:
                out.extend(pick(_length_headers(len(data), *STR_HEADERS), variant) + data)
        elif isinstance(node, bytes):
            if variant is not None and variant % 2 == 1 and _is_utf8(node):  # the bin as str
                out.extend(pick(_length_headers(len(node), *STR_HEADERS), None) + node)
            else:
                out.extend(pick(_length_headers(len(node), *BIN_HEADERS), variant) + node)
        elif isinstance(node, list):
            out.extend(pick(_length_headers(len(node), *ARRAY_HEADERS), variant))
            for element in node:
                put(element)
        elif isinstance(node, dict):
            keys = list(node)
            if all(isinstance(key, str) for key in keys):
                keys.sort()
            entries = [(key, node[key]) for key in keys]
            style = None if variant is None else variant % 4
            if style == 1:
                entries.reverse()
            elif style == 2 and entries:
                entries.append(entries[0])  # a duplicate key
            elif style == 3 and entries:
                entries = entries[1:] + entries[:1]
            header_variant = variant if style == 0 else None
            out.extend(pick(_length_headers(len(entries), *MAP_HEADERS), header_variant))
            for key, element in entries:
                put(key)
                put(element)
        else:  # ext types and timestamps, from mutated input decoded leniently
            out.extend(msgpack.packb(node, use_bin_type=True))

    put(value)
    return bytes(out)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def unpack_loose(data: bytes) -> Any:
    """Decode without any strictness, or raise ValueError (for mutation, not checking)."""
    try:
        return msgpack.unpackb(data, raw=False, strict_map_key=False, use_list=True)
    except Exception as error:
        raise ValueError(str(error)) from None


def node_count(value: Any) -> int:
    if isinstance(value, list):
        return 1 + sum(node_count(element) for element in value)
    if isinstance(value, dict):
        return 1 + sum(node_count(key) + node_count(element) for key, element in value.items())
    return 1


def test_loose_pack_is_canonical_without_deviations() -> None:
    world = corpus()
    for raw in (*world.envelopes, *world.headers, *world.messages, *(body for _, body in world.bodies)):
        assert loose_pack(unpack_loose(raw)) == raw


# -- mutations ---------------------------------------------------------------------------
def _deep(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


INTERESTING: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2,
    127,
    128,
    255,
    256,
    65536,
    2**32,
    2**63 - 1,
    2**63,
    2**64 - 1,
    -(2**63),
    1.5,
    "",
    "a",
    "é",
    "space.genesis",
    "member.join",
    "item.put",
    "x" * 41,
    b"",
    bytes(16),
    bytes(31),
    bytes(32),
    bytes(33),
    bytes(64),
    [],
    {},
    {"a": 1},
    _deep(20),
]
MSGPACK_TYPE_BYTES = [0x00, 0x7F, 0x80, 0x90, 0xA0, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xCA, 0xCB, 0xCC, 0xCF]
MSGPACK_TYPE_BYTES += [0xD3, 0xD4, 0xD9, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xFF]


def mutate_raw(rng: random.Random, raw: bytes) -> bytes:
    """One to four byte-level edits."""
    buffer = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        edit = rng.choice(["flip", "set", "type", "truncate", "extend", "insert", "delete", "duplicate"])
        size = len(buffer)
        at = rng.randint(0, size)
        if edit == "flip" and size:
            buffer[at % size] ^= 1 << rng.randint(0, 7)
        elif edit == "set" and size:
            buffer[at % size] = rng.randint(0, 255)
        elif edit == "type" and size:
            buffer[at % size] = rng.choice(MSGPACK_TYPE_BYTES)
        elif edit == "truncate":
            del buffer[at:]
        elif edit == "extend":
            buffer += rng.randbytes(rng.randint(1, 16))
        elif edit == "insert":
            buffer[at:at] = rng.randbytes(rng.randint(1, 8))
        elif edit == "delete":
            del buffer[at : at + rng.randint(1, 16)]
        elif edit == "duplicate" and size:
            start = rng.randint(0, size - 1)
            buffer[at:at] = buffer[start : start + rng.randint(1, 32)]
    return bytes(buffer)


TreePath = tuple[Any, ...]


def _paths(value: Any, prefix: TreePath = ()) -> list[TreePath]:
    paths = [prefix]
    if isinstance(value, list):
        for index, element in enumerate(value):
            paths += _paths(element, (*prefix, index))
    elif isinstance(value, dict):
        for key, element in value.items():
            paths += _paths(element, (*prefix, key))
    return paths


def _get(value: Any, path: TreePath) -> Any:
    for step in path:
        value = value[step]
    return value


def _set(root: Any, path: TreePath, new: Any) -> Any:
    if not path:
        return new
    _get(root, path[:-1])[path[-1]] = new
    return root


def mutate_tree(rng: random.Random, value: Any, depth: int) -> Any:
    """One msgpack-level edit of a decoded value (which is modified and returned)."""
    paths = _paths(value)
    path = rng.choice(paths)
    node = _get(value, path)
    edit = rng.choice(["replace", "copy", "swap", "delete", "insert", "tweak", "nested", "nested"])
    if edit == "replace":
        return _set(value, path, copy.deepcopy(rng.choice(INTERESTING)))
    if edit == "copy":  # another field's value in this place
        return _set(value, path, copy.deepcopy(_get(value, rng.choice(paths))))
    if edit == "swap":  # two fields trade places
        other = rng.choice(paths)
        if path[: len(other)] == other or other[: len(path)] == path:
            return value
        first, second = copy.deepcopy(_get(value, path)), copy.deepcopy(_get(value, other))
        value = _set(value, path, second)
        return _set(value, other, first)
    if edit == "delete" and path:
        parent = _get(value, path[:-1])
        del parent[path[-1]]
        return value
    if edit == "insert" and isinstance(node, list):
        node.insert(rng.randint(0, len(node)), copy.deepcopy(rng.choice(INTERESTING)))
        return value
    if edit == "insert" and isinstance(node, dict):
        key = rng.choice(["", "a", "zz", "title", "épée", *map(str, node)])
        node[key + rng.choice(["", "x"])] = copy.deepcopy(rng.choice(INTERESTING))
        return value
    if edit == "tweak":
        return _set(value, path, _tweak(rng, node))
    if edit == "nested" and isinstance(node, bytes) and depth < 2:
        return _set(value, path, mutate(rng, node, depth=depth + 1))
    return value


def _tweak(rng: random.Random, node: Any) -> Any:
    if isinstance(node, bool) or node is None:
        return not node
    if isinstance(node, int):
        tweaked = rng.choice([node + 1, node - 1, -node, node * 2, node << 16])
        return min(max(tweaked, -(2**63)), 2**64 - 1)  # msgpack ints are at most 64 bits
    if isinstance(node, bytes):
        return rng.choice([node[:-1], node + b"\x00", node[::-1], bytes(len(node))])
    if isinstance(node, str):
        return rng.choice([node[:-1], node + "x", node.upper(), node + "\x00", node + "é"])
    return node


def mutate(rng: random.Random, raw: bytes, *, depth: int = 0) -> bytes:
    """A mutation of a valid encoding: byte edits, field edits, or a non-canonical re-encoding."""
    style = rng.choice(["raw", "tree", "tree", "reencode"])
    if style == "raw":
        return mutate_raw(rng, raw)
    try:
        value = unpack_loose(raw)
    except ValueError:
        return mutate_raw(rng, raw)
    if style == "tree":
        for _ in range(rng.randint(1, 3)):
            value = mutate_tree(rng, value, depth)
    nodes = node_count(value)
    minimum = 1 if style == "reencode" else 0
    deviations = {rng.randint(0, nodes - 1): rng.randint(0, 11) for _ in range(rng.randint(minimum, 2))}
    encoded = loose_pack(value, deviations)
    if rng.randint(0, 9) == 0:
        encoded += rng.randbytes(rng.randint(1, 4))
    return encoded


# -- the contract ------------------------------------------------------------------------
def decoded_or_refused(decode_fn: Callable[..., Any], *args: Any) -> Any:
    """The decoded value, or None if refused with a typed reason. Anything else raises."""
    try:
        return decode_fn(*args)
    except Rejected as error:
        assert isinstance(error.reason, Reason), repr(error)
        assert str(error), "a refusal says why"
        return None


def check_op(payload: bytes) -> None:
    op = decoded_or_refused(UnverifiedOp.from_wire, payload)
    if op is not None:
        assert encode_envelope(op.header_bytes, op.signature, op.body) == payload
        assert encode_header(op.header) == op.header_bytes


def check_header(payload: bytes) -> None:
    header = decoded_or_refused(decode_header, payload)
    if header is not None:
        assert encode_header(header) == payload


def check_envelope(payload: bytes) -> None:
    fields = decoded_or_refused(decode_envelope, payload)
    if fields is not None:
        assert encode_envelope(*fields) == payload


def check_message(payload: bytes) -> None:
    message = decoded_or_refused(decode, payload)
    if message is not None:
        assert encode(message) == payload


def check_plaintext(payload: bytes) -> None:
    fields = decoded_or_refused(decode_body, payload)
    if fields is not None:
        assert encode_body(fields) == payload


def check_code(code: str) -> None:
    invite = decoded_or_refused(parse_code, code)
    if invite is not None:
        assert encode_token(invite.token.fields()) == invite.token_bytes
        assert parse_code(invite.code()) == invite


def assignment_bodies(assignment: bytes, other: bytes) -> list[tuple[str, dict[str, Any]]]:
    """One body of each assignment kind (sync.assessment), as the clients write them."""
    rubric = [
        {"name": "clarity", "description": "", "max": 4, "weight": 2},
        {"name": "method", "levels": ["no", "partly", "yes"], "weight": 1},
    ]
    task = {"title": "Essay", "brief": "Write", "criteria": rubric, "reviewers": 3, "rounds": 2}
    keys = sorted([seed("p1"), seed("p2")])
    submission = seed("submission")
    return [
        ("assign.create", task),
        ("assign.edit", {"assignment": assignment, **task, "due": [["review", 1_700_000_000_000]]}),
        (
            "assign.phase",
            {"assignment": assignment, "phase": "review", "round": 1, "seed": seed("s"), "pseudonyms": keys},
        ),
        ("assign.enrol", {"assignment": assignment, "sealed": [[keys[0], bytes(120)]]}),
        ("assign.submit", {"assignment": assignment, "text": "My essay", "note": "fixed 2"}),
        (
            "assign.review",
            {
                "opener": other,
                "submission": submission,
                "version": 1,
                "scores": [["clarity", 3], ["method", 2]],
                "comment": "Good",
                "notes": [["clarity", "clear"]],
            },
        ),
        ("assign.reviewer", {"opener": other, "submission": submission, "pseudonym": keys[1], "add": True}),
        ("assign.rate", {"review": other, "helpful": 4, "comment": "useful", "flag": False}),
        (
            "assign.assess",
            {"assignment": assignment, "submission": submission, "sealed": [[keys[0], bytes(90)]]},
        ),
    ]


BODY_TYPES: dict[str, type] = {
    "assign.create": assessment.TaskSettings,
    "assign.edit": assessment.TaskEdit,
    "assign.phase": assessment.PhaseSwitch,
    "assign.enrol": assessment.Enrolment,
    "assign.submit": assessment.SubmissionVersion,
    "assign.review": assessment.Review,
    "assign.reviewer": assessment.Reallocation,
    "assign.rate": assessment.Rating,
    "assign.assess": assessment.Assessment,
    "space.genesis": Genesis,
    "member.join": Join,
    "member.role": RoleChange,
    "member.remove": Removal,
    "member.leave": Leave,
    "member.link": Link,
    "member.unlink": Unlink,
    "space.settings": Setting,
    "item.put": content.ItemPut,
    "item.reply": content.Reply,
    "item.edit": content.ItemEdit,
    "item.delete": content.ItemRef,
    "chat.say": content.ChatLine,
    "resource.add": content.Resource,
    "help.ask": content.HelpAsk,
    "help.answer": content.HelpText,
    "help.progress": content.HelpText,
    **{kind: content.HelpStep for kind in content.HELP_STEPS},
    "help.resolve": content.HelpResolve,
    "react.set": content.Reaction,
    **{kind: content.ItemRef for kind in content.MODERATION},
    "note.put": content.NotePut,
    # Peer coaching and surveys (issue 18)
    "coach.profile": coaching.Profile,
    "coach.offer": coaching.Offer,
    "coach.decline": coaching.OfferRef,
    "coach.suggest": coaching.Suggestion,
    "pair.accept": coaching.PairAccept,
    "pair.end": coaching.PairEnd,
    "cycle.open": coaching.CycleOpen,
    "cycle.goal": coaching.Goal,
    "cycle.goal.edit": coaching.GoalEdit,
    "cycle.agree": coaching.Agree,
    "cycle.observe": coaching.Observation,
    "cycle.feedback": coaching.Feedback,
    "cycle.reflect": coaching.Reflection,
    "cycle.close": coaching.CycleClose,
    "survey.open": coaching.SurveyOpen,
    "survey.answer": coaching.SurveyAnswer,
    "survey.close": coaching.SurveyRef,
    "survey.enrol": coaching.SurveyEnrol,
    "survey.admit": coaching.SurveyAdmit,
    "survey.rekey": coaching.SurveyRekey,
    "survey.respond": coaching.SurveyResponse,
}


def check_parsed_body(kind: str, plaintext: bytes) -> None:
    body = decoded_or_refused(parse_body, kind, plaintext)
    if body is not None:
        assert isinstance(body, BODY_TYPES[kind])


def test_every_kind_has_a_body_type() -> None:
    assert set(BODY_TYPES) == set(PARSERS)


# -- arbitrary bytes -----------------------------------------------------------------------
BYTE_DECODERS = {
    "UnverifiedOp.from_wire": check_op,
    "decode_header": check_header,
    "decode_envelope": check_envelope,
    "reconcile.decode": check_message,
    "decode_body": check_plaintext,
}


@pytest.mark.parametrize("check", BYTE_DECODERS.values(), ids=BYTE_DECODERS.keys())
@ARBITRARY
@given(payload=st.binary(max_size=600))
def test_arbitrary_bytes(check: Callable[[bytes], None], payload: bytes) -> None:
    check(payload)


def _payload(code: str) -> bytes:
    raw = code.removeprefix(CODE_PREFIX)
    return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))[:-CHECK_LEN]


def _code(payload: bytes) -> str:
    """A code around `payload` with correct check bytes, so the mutation reaches the decoder."""
    framed = payload + code_check(payload)
    return CODE_PREFIX + base64.urlsafe_b64encode(framed).decode("ascii").rstrip("=")


@ARBITRARY
@given(
    code=st.one_of(
        st.text(max_size=300),
        st.text(alphabet="sc1.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n"),
        st.binary(max_size=400).map(lambda raw: "sc1." + base64.urlsafe_b64encode(raw).decode().rstrip("=")),
        st.binary(max_size=400).map(_code),
    )
)
def test_arbitrary_invite_codes(code: str) -> None:
    check_code(code)


@ARBITRARY
@given(kind=st.sampled_from([*PARSERS, "", "unknown", "item.put\x00"]), plaintext=st.binary(max_size=400))
def test_arbitrary_bodies_of_every_kind(kind: str, plaintext: bytes) -> None:
    decoded_or_refused(parse_body, kind, plaintext)


# -- mutations of valid encodings --------------------------------------------------------
SEEDS: dict[str, Callable[[Corpus], tuple[bytes, ...]]] = {
    "UnverifiedOp.from_wire": lambda world: world.envelopes,
    "decode_header": lambda world: world.headers,
    "decode_envelope": lambda world: world.envelopes,
    "reconcile.decode": lambda world: world.messages,
    "decode_body": lambda world: tuple(body for _, body in world.bodies),
}


@pytest.mark.parametrize("name", BYTE_DECODERS)
@MUTATED
@given(rng=RNG, pick=PICK)
def test_mutated_encodings(name: str, rng: random.Random, pick: int) -> None:
    seeds = SEEDS[name](corpus())
    BYTE_DECODERS[name](mutate(rng, seeds[pick % len(seeds)]))


@MUTATED
@given(rng=RNG, pick=PICK)
def test_mutated_bodies_of_every_kind(rng: random.Random, pick: int) -> None:
    bodies = corpus().bodies
    kind, plaintext = bodies[pick % len(bodies)]
    if rng.randint(0, 4) == 0:  # a body under another kind
        kind = rng.choice(sorted(PARSERS))
    check_parsed_body(kind, mutate(rng, plaintext))


@MUTATED
@given(rng=RNG, pick=PICK, layer=st.sampled_from(["text", "payload", "signed token"]))
def test_mutated_invite_codes(rng: random.Random, pick: int, layer: str) -> None:
    world = corpus()
    code = world.codes[pick % len(world.codes)]
    if layer == "text":  # what a person might do to it when copying
        chars = list(code)
        for _ in range(rng.randint(1, 3)):
            at = rng.randint(0, len(chars))
            edit = rng.choice(["replace", "insert", "delete", "truncate", "case"])
            new = rng.choice([*"A_-+/=.é\n \x00", chr(0x1F600)])
            if edit == "replace" and at < len(chars):
                chars[at] = new
            elif edit == "insert":
                chars.insert(at, new)
            elif edit == "delete" and at < len(chars):
                del chars[at]
            elif edit == "truncate":
                del chars[at:]
            elif edit == "case":
                chars = list("".join(chars).swapcase())
        check_code("".join(chars))
    elif layer == "payload":  # the msgpack inside, including the token bytes nested in it
        check_code(_code(mutate(rng, _payload(code))))
    else:  # a token edited and re-signed by the inviter: its fields are checked for real
        token, _signature, keyring, _name = decode_code(code)
        token = mutate(rng, token)
        signature = world.inviter.sign(INVITE_DOMAIN + token)
        check_code(encode_code(token, signature, keyring))


# -- every single non-canonical re-encoding is refused -------------------------------------
def _single_deviations(raw: bytes) -> list[bytes]:
    """Every re-encoding of `raw`'s value that differs from it at exactly one node."""
    value = unpack_loose(raw)
    variants = set()
    for node in range(node_count(value)):
        for variant in range(12):
            encoded = loose_pack(value, {node: variant})
            if encoded != raw and unpack_loose(encoded) == value:  # same value, other bytes
                variants.add(encoded)
    variants.add(raw + b"\xc0")  # trailing data
    return sorted(variants)


def _refused(decode_fn: Callable[..., Any], *args: Any) -> Reason | None:
    try:
        decode_fn(*args)
    except Rejected as error:
        return error.reason
    return None


@pytest.mark.parametrize("name", BYTE_DECODERS)
def test_every_non_canonical_re_encoding_is_refused(name: str) -> None:
    decode_fn = {
        "UnverifiedOp.from_wire": UnverifiedOp.from_wire,
        "decode_header": decode_header,
        "decode_envelope": decode_envelope,
        "reconcile.decode": decode,
        "decode_body": decode_body,
    }[name]
    checked = 0
    for raw in SEEDS[name](corpus())[:12]:
        for encoded in _single_deviations(raw):
            assert _refused(decode_fn, encoded) is not None, (
                f"accepted {encoded.hex()} (canonical {raw.hex()})"
            )
            checked += 1
    assert checked > 30


def test_every_non_canonical_invite_code_is_refused() -> None:
    world = corpus()
    checked = 0
    for code in world.codes:
        token, _signature, keyring, _name = decode_code(code)
        for encoded in _single_deviations(_payload(code)):
            assert _refused(parse_code, _code(encoded)) is not None
            checked += 1
        for encoded in _single_deviations(token):  # re-signed, so only canonicity can refuse it
            resigned = encode_code(encoded, world.inviter.sign(INVITE_DOMAIN + encoded), keyring)
            assert _refused(parse_code, resigned) is not None
            checked += 1
    assert checked > 30


def test_specific_non_canonical_forms_are_refused() -> None:
    """The forms named in DESIGN §3, one by one, with the reason given."""
    world = corpus()
    header = unpack_loose(world.headers[1])
    seq_at = 4  # pre-order nodes: the array, version, space, author, then seq
    assert _refused(decode_header, loose_pack(header, {seq_at: 2})) is Reason.NON_CANONICAL  # wide int
    body = {"text": "t", "title": "T"}
    assert _refused(decode_body, loose_pack(body, {0: 1})) is Reason.NON_CANONICAL  # unsorted keys
    assert _refused(decode_body, loose_pack(body, {0: 2})) is Reason.NON_CANONICAL  # duplicate key
    assert _refused(decode_body, encode_body(body) + b"\x00") is Reason.MALFORMED  # trailing data
    assert _refused(decode_body, msgpack.packb({b"text": "t"})) is Reason.NON_CANONICAL  # bin key
    assert _refused(decode_body, msgpack.packb({"n": 1.0})) is Reason.MALFORMED  # float
    version_true = loose_pack([True, *header[1:]])
    assert _refused(decode_header, version_true) is Reason.MALFORMED


def test_message_tag_must_be_an_integer() -> None:
    """`true == 1` in Python: a tag checked with `in (FRONTIER, OPS)` alone would let it pass."""
    space = corpus().space
    assert _refused(decode, loose_pack([True, space, [], []])) is Reason.MALFORMED


def test_role_level_must_be_an_integer() -> None:
    """`true == Level.MEMBER` in Python; the body schema must still refuse it."""
    member = DeviceKey(seed("someone")).device_id
    assert parse_body("member.role", encode_body({"member": member, "level": 1})) == RoleChange(
        member, Level.MEMBER
    )
    assert (
        _refused(parse_body, "member.role", encode_body({"member": member, "level": True}))
        is Reason.BAD_CONTENT
    )


# -- known gaps, each a bug to fix in sync/ -----------------------------------------------------
def test_frontier_needs_must_be_sorted() -> None:
    world = corpus()
    message = next(m for m in map(decode, world.messages) if isinstance(m, FrontierMessage))
    needs = [OpId(op_id) for op_id in sorted(world.op_ids)[:2]]
    sorted_needs = loose_pack([FRONTIER, message.space, [list(head) for head in message.heads], needs])
    assert decode(sorted_needs) == FrontierMessage(message.space, message.heads, tuple(needs))
    unsorted = loose_pack([FRONTIER, message.space, [list(head) for head in message.heads], needs[::-1]])
    assert _refused(decode, unsorted) is Reason.NON_CANONICAL


# -- replicas: a refused envelope never half-applies --------------------------------------------
HELD_BACK = 4  # the template replica lacks the circle's last ops, so mutated ones can be fresh


@dataclass(frozen=True)
class Snapshot:
    state: bytes
    ops: tuple[tuple[Any, ...], ...]
    pending: tuple[bytes, ...]


def snapshot(replica: Replica, space: SpaceId) -> Snapshot:
    db = replica.db
    return Snapshot(
        hash_of(replica, space),
        tuple(
            db.execute("SELECT op_id, status, reason, body FROM ops WHERE space = ? ORDER BY op_id", (space,))
        ),
        tuple(
            row[0] for row in db.execute("SELECT op_id FROM pending WHERE space = ? ORDER BY op_id", (space,))
        ),
    )


class Replicas:
    """Copies of one known replica state, restored whenever an example changed it."""

    def __init__(self, template: Replica, space: SpaceId) -> None:
        self.template = template
        self.space = space
        self.known = snapshot(template, space)
        self.current = self.copy()

    def copy(self) -> Replica:
        store = Store(":memory:")
        self.template.store.connection.backup(store.connection)
        return Replica(store, self.template.key)

    def fresh(self) -> Replica:
        if snapshot(self.current, self.space) != self.known:
            self.current = self.copy()
        return self.current


@functools.cache
def partial_replicas() -> Replicas:
    world = corpus()
    template = new_replica("carol")
    writer.accept_invite(template, parse_code(world.codes[0]))
    result = template.ingest(world.space, world.envelopes[:-HELD_BACK])
    assert result.rejected == [] and result.accepted == len(world.envelopes) - HELD_BACK
    return Replicas(template, world.space)


@functools.cache
def full_replicas() -> Replicas:
    world = corpus()
    template = new_replica("erin")
    writer.accept_invite(template, parse_code(world.codes[0]))
    assert template.ingest(world.space, world.envelopes).accepted == len(world.envelopes)
    return Replicas(template, world.space)


@STATEFUL
@given(rng=RNG, pick=PICK)
def test_ingest_of_mutated_envelopes_never_half_applies(rng: random.Random, pick: int) -> None:
    world = corpus()
    replica = partial_replicas().fresh()
    mutated = mutate(rng, world.envelopes[pick % len(world.envelopes)])
    before = snapshot(replica, world.space)

    result = replica.ingest(world.space, [mutated])  # bad input never raises

    assert all(isinstance(error.reason, Reason) for error in result.rejected)
    assert len(result.rejected) + result.duplicates <= 1
    if result.rejected or result.duplicates:
        assert result.accepted == 0
        assert snapshot(replica, world.space) == before
    else:
        # Admitted: then it is authentic, which only an author can make. It must be one
        # of the circle's own ops (the same header and signature), never a new one.
        op_id = UnverifiedOp.from_wire(mutated).op_id
        assert op_id in world.op_ids
        assert _stored(replica, op_id) == 1


def re_signed(rng: random.Random, world: Corpus, envelope: bytes) -> bytes:
    """A mutated op that a member really signed: a hostile author, not a forger.

    Half the time the body hash and length are fixed up to match the body, so the op
    passes the authenticity checks and meets chain, clock, epoch and authority checks.
    """
    op = UnverifiedOp.from_wire(envelope)
    body = op.body if rng.randint(0, 3) else mutate_raw(rng, op.body or b"")
    header = mutate(rng, op.header_bytes)
    try:
        fields = unpack_loose(header)
    except ValueError:
        fields = None
    author = op.header.author
    if isinstance(fields, list) and len(fields) == 11:
        if body is not None and rng.randint(0, 1):
            fields[8], fields[9] = digest(body), len(body)
            header = loose_pack(fields)
        if isinstance(fields[2], bytes) and fields[2] in world.keys:
            author = DeviceId(fields[2])
    key = world.keys[author]
    return encode_envelope(header, key.sign(SIGNING_DOMAIN + header), body)


def _stored(replica: Replica, op_id: bytes) -> int:
    return sum(
        replica.db.execute(f"SELECT COUNT(*) FROM {table} WHERE op_id = ?", (op_id,)).fetchone()[0]
        for table in ("ops", "pending")
    )


@STATEFUL
@given(rng=RNG, pick=PICK)
def test_ingest_of_ops_signed_by_a_hostile_author_never_half_applies(rng: random.Random, pick: int) -> None:
    world = corpus()
    replicas = partial_replicas()
    replica = replicas.fresh()
    hostile = re_signed(rng, world, world.envelopes[pick % len(world.envelopes)])
    before = snapshot(replica, world.space)

    result = replica.ingest(world.space, [hostile])  # authentic but invalid input never raises

    assert all(isinstance(error.reason, Reason) for error in result.rejected)
    if result.rejected or result.duplicates:
        assert result.accepted == 0
        assert snapshot(replica, world.space) == before
        return
    # Admitted whole: stored once (as valid, invalid or pending), and the replica is in
    # the state a fresh replica reaches from the same ops in one batch.
    op = UnverifiedOp.from_wire(hostile)
    assert _stored(replica, op.op_id) == 1
    scratch = new_replica("scratch")
    writer.accept_invite(scratch, parse_code(world.codes[0]))
    scratch.ingest(world.space, [*world.envelopes[:-HELD_BACK], hostile])
    assert snapshot(scratch, world.space) == snapshot(replica, world.space)


@STATEFUL
@given(rng=RNG, pick=PICK)
def test_reconciler_refuses_mutated_messages_without_changing_state(rng: random.Random, pick: int) -> None:
    world = corpus()
    replica = full_replicas().fresh()
    before = snapshot(replica, world.space)
    reconciler = Reconciler(replica, world.space)
    mutated = mutate(rng, world.messages[pick % len(world.messages)])

    try:
        reconciler.receive_message(mutated)
    except Rejected as error:
        assert isinstance(error.reason, Reason)
        assert reconciler.stats.faults >= 1
    # Whatever a hostile frontier asked for, the replies are well-formed messages.
    for _ in range(3):
        reply = reconciler.generate_message()
        if reply is None:
            break
        assert decode(reply).space == world.space

    assert snapshot(replica, world.space) == before  # it already held every op


def test_rejected_envelopes_in_a_real_batch_leave_the_rest_intact() -> None:
    """Garbage mixed into a batch is refused item by item; the good ops all land."""
    world = corpus()
    replica = partial_replicas().copy()
    tail = list(world.envelopes[-HELD_BACK:])
    garbage = [
        b"",
        b"\xc1",
        tail[0][:-1],
        tail[1] + b"\x00",
        bytes(70),
        encode_envelope(b"", bytes(64), None),
    ]
    result = replica.ingest(world.space, garbage + tail)
    assert len(result.rejected) == len(garbage)
    assert all(
        error.reason is Reason.MALFORMED or error.reason is Reason.OVERSIZE for error in result.rejected
    )
    assert result.accepted == HELD_BACK
    assert hash_of(replica, world.space) == hash_of(full_replicas().template, world.space)


def test_a_relay_cannot_strip_a_body() -> None:
    world = corpus()
    replica = partial_replicas().copy()
    stripped = []
    for envelope in world.envelopes[-HELD_BACK:]:
        op = UnverifiedOp.from_wire(envelope)
        stripped.append(encode_envelope(op.header_bytes, op.signature, None))
    replica.ingest(world.space, stripped)
    replica.ingest(world.space, world.envelopes[-HELD_BACK:])  # the real copies arrive later
    assert hash_of(replica, world.space) == hash_of(full_replicas().template, world.space)


def test_a_corrupt_copy_does_not_shadow_the_intact_op() -> None:
    world = corpus()
    replica = partial_replicas().copy()
    intact = world.envelopes[-HELD_BACK]
    op = UnverifiedOp.from_wire(intact)
    assert op.body is not None
    corrupt = encode_envelope(op.header_bytes, op.signature, op.body[:-1] + bytes([op.body[-1] ^ 1]))
    result = replica.ingest(world.space, [corrupt, intact])
    assert [error.reason for error in result.rejected] == [Reason.BAD_BODY]
    assert result.accepted == 1


def test_a_broken_chain_is_judged_the_same_in_any_arrival_order() -> None:
    world = corpus()
    ops = [UnverifiedOp.from_wire(envelope) for envelope in world.envelopes]
    post = next(op for op in ops if op.header.kind == "item.put")  # alice's seq 2
    author = post.header.author
    join_at = next(i for i, op in enumerate(ops) if op.header.author == author and op.header.seq == 1)
    # Alice signs a copy of her post that claims seq 10 but still points at her seq 1.
    jumped = sign(world.keys[author], dataclasses.replace(post.header, seq=post.header.seq + 8), post.body)
    hostile = jumped.to_wire()

    def replica_receiving(*batches: list[bytes]) -> Replica:
        replica = new_replica("observer")
        writer.accept_invite(replica, parse_code(world.codes[0]))
        for batch in batches:
            replica.ingest(world.space, batch)
        return replica

    early = replica_receiving(list(world.envelopes[: join_at + 1]), [hostile], list(world.envelopes))
    late = replica_receiving(list(world.envelopes), [hostile])
    assert _stored(early, jumped.op_id) == _stored(late, jumped.op_id) == 1
    assert {row[0] for row in snapshot(early, world.space).ops} == {
        row[0] for row in snapshot(late, world.space).ops
    }
    assert snapshot(early, world.space) == snapshot(late, world.space)
