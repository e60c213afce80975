"""Device links without the network: the link exchange (a room code's SPAKE2 under other
identities), its sealed messages' golden bytes, decoders that refuse damage, and the new
device's consents."""

from __future__ import annotations

import os
import random

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.device_link import LINK, NO_SUCH_LINK, PendingLink, new_link_code, sign_statements
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey
from sync.ids import SpaceId
from sync.link import statement_ok
from sync.room_code import MAX_FAILURES, ROOM, JoinerExchange, MemberExchange, OfferState, RoomCode
from sync.wire import device_link as wire
from sync.wire.room_code import Answer, Confirm, Refusal, Sealed
from tests.sync.test_decoders import mutate
from tests.sync.test_wire_golden import golden

NOW = 1_800_000_000_000
CODE = RoomCode(12, ("otter", "violin"))
LINKER = DeviceKey(bytes(range(32)))
NEW = DeviceKey(bytes(range(1, 33)))
CIRCLE = SpaceId(bytes([7]) * 32)
NOTES = SpaceId(bytes([9]) * 32)
OFFER = wire.LinkOffer(LINKER.device_id, "Ana", ((CIRCLE, "Calculus I"), (NOTES, "My notes")))


def pending(minutes: int = 5) -> PendingLink:
    return PendingLink(CODE, wire.encode(OFFER), expires_ms=NOW + minutes * 60_000)


def run(
    link: PendingLink, typed: RoomCode, *, joiner_roles: object = LINK
) -> tuple[MemberExchange, JoinerExchange]:
    """Ask, answer, confirm and finish; the two sides, confirmed."""
    joiner = JoinerExchange(typed, os.urandom, joiner_roles)  # type: ignore[arg-type]
    member = MemberExchange(link, os.urandom, LINK)
    answer = member.answer(joiner.ask(), now_ms=NOW)
    if isinstance(answer, Refusal):
        raise Rejected(Reason.BAD_INVITE, answer.sentence)
    assert isinstance(answer, Answer)
    last = member.finish(joiner.confirm(answer), now_ms=NOW)
    if isinstance(last, Refusal):
        raise Rejected(Reason.BAD_INVITE, last.sentence)
    assert isinstance(last, Sealed)
    assert wire.decode(joiner.open_bytes(last.box)) == OFFER
    return member, joiner


def test_the_whole_link_exchange_both_ways() -> None:
    link = pending()
    member, joiner = run(link, CODE)
    statements = sign_statements(NEW, OFFER, name="Ana's lab PC")
    received = wire.decode(member.open(joiner.seal(wire.encode(statements))))
    assert received == statements
    assert isinstance(received, wire.Statements)
    for space, signature in received.signatures:
        assert statement_ok(space=space, linker=LINKER.device_id, device=NEW.device_id, signature=signature)
    keys = wire.Keys(((CIRCLE, ((CIRCLE, bytes(32)),)),), ((NOTES, "why not"),))
    assert wire.decode(joiner.open_bytes(member.seal(wire.encode(keys)))) == keys
    assert link.state(NOW) is OfferState.USED_UP and link.failures == 0 and link.joined == 1


def test_wrong_words_spend_a_try_and_three_lock_the_code() -> None:
    link = pending()
    for n in range(MAX_FAILURES):
        with pytest.raises(Rejected, match="wrong link code"):
            run(link, RoomCode(12, ("otter", ("acorn", "actor", "adobe")[n])))
    assert link.state(NOW) is OfferState.LOCKED
    with pytest.raises(Rejected, match="locked after 3 wrong tries"):
        run(link, CODE)


def test_a_room_code_exchange_never_passes_for_a_link() -> None:
    """The same words, but the joiner runs a room code's exchange: the keys differ."""
    with pytest.raises(Rejected, match="wrong room code"):
        run(pending(), CODE, joiner_roles=ROOM)


def test_nothing_is_sealed_or_opened_before_the_confirmation() -> None:
    member = MemberExchange(pending(), os.urandom, LINK)
    joiner = JoinerExchange(CODE, os.urandom, LINK)
    answer = member.answer(joiner.ask(), now_ms=NOW)
    assert isinstance(answer, Answer)
    with pytest.raises(Rejected, match="out of order"):
        member.seal(b"keys")
    with pytest.raises(Rejected, match="out of order"):
        joiner.seal(b"consent")
    assert member.finish(Confirm(os.urandom(32)), now_ms=NOW) == Refusal("wrong link code")
    with pytest.raises(Rejected, match="out of order"):
        member.seal(b"keys")


def test_an_expired_link_code_is_refused() -> None:
    link = pending(minutes=5)
    member = MemberExchange(link, os.urandom, LINK)
    late = member.answer(JoinerExchange(CODE, os.urandom, LINK).ask(), now_ms=NOW + 5 * 60_000 + 1)
    assert isinstance(late, Refusal) and "expired" in late.sentence
    assert link.failures == 0


def test_a_device_does_not_link_itself_and_codes_are_well_formed() -> None:
    with pytest.raises(Rejected, match="cannot link itself"):
        sign_statements(LINKER, OFFER, name="Ana")
    code = new_link_code(randbelow=lambda n: n - 1)
    assert code.channel == 99 and code.text() == "99-zipper-zipper"
    assert NO_SUCH_LINK != "no device here has that room code open"


def test_device_link_messages_golden_bytes() -> None:
    statements = wire.Statements(NEW.device_id, "Lab PC", ((CIRCLE, bytes([5]) * 64),))
    keys = wire.Keys(
        ((CIRCLE, ((CIRCLE, bytes([1]) * 32), (NOTES, bytes([2]) * 32))),), ((NOTES, "refused"),)
    )
    committed = golden(
        {
            "device_link_offer.hex": wire.encode(OFFER),
            "device_link_statements.hex": wire.encode(statements),
            "device_link_keys.hex": wire.encode(keys),
            "device_link_done.hex": wire.encode(wire.Done()),
        }
    )
    assert wire.decode(committed["device_link_offer.hex"]) == OFFER
    assert wire.decode(committed["device_link_statements.hex"]) == statements
    assert wire.decode(committed["device_link_keys.hex"]) == keys
    assert wire.decode(committed["device_link_done.hex"]) == wire.Done()


@pytest.mark.parametrize(
    "value",
    [
        [],
        [9],
        [1, bytes(31), "Ana", []],  # a short id
        [1, bytes(32), "A" * 201, []],  # a name too long
        [1, bytes(32), "Ana", [[bytes(32), "x"], [bytes(32), "y"]]],  # a space twice
        [2, bytes(32), "Lab", [[bytes(32), bytes(63)]]],  # a short signature
        [3, [[bytes(32), [[bytes(32)]]]], []],  # a key ring entry that is no pair
        [3, [[bytes(32), []]], [[bytes(32), "also refused"]]],  # linked and refused
        [4, 0],
        [5, [bytes(32)]],  # the sibling-keys request of a first version: gone
        "offer",
    ],
)
def test_damaged_messages_are_refused(value: object) -> None:
    with pytest.raises(Rejected) as refused:
        wire.decode(msgpack.packb(value, use_bin_type=True))
    assert refused.value.reason is Reason.MALFORMED


def test_an_oversized_message_is_refused_before_decoding() -> None:
    with pytest.raises(Rejected) as refused:
        wire.decode(b"\x00" * (wire.MAX_MESSAGE + 1))
    assert refused.value.reason is Reason.OVERSIZE


# -- hostile bytes ----------------------------------------------------------------------------
SEEDS = (
    wire.encode(OFFER),
    wire.encode(wire.Statements(NEW.device_id, "Lab PC", ((CIRCLE, bytes([5]) * 64),))),
    wire.encode(wire.Keys(((CIRCLE, ((CIRCLE, bytes(32)),)),), ((NOTES, "why"),))),
    wire.encode(wire.Done()),
)


def decoded_or_refused(data: bytes) -> None:
    """A value that re-encodes to exactly `data`, or `Rejected` with a reason; nothing else."""
    try:
        message = wire.decode(data)
    except Rejected as error:
        assert isinstance(error.reason, Reason)
        return
    assert wire.encode(message) == data


@settings(max_examples=500)
@given(payload=st.binary(max_size=400))
def test_arbitrary_bytes_decode_or_are_refused(payload: bytes) -> None:
    decoded_or_refused(payload)


@settings(max_examples=800)
@given(rng=st.randoms(use_true_random=True), pick=st.integers(min_value=0, max_value=len(SEEDS) - 1))
def test_mutated_messages_decode_or_are_refused(rng: random.Random, pick: int) -> None:
    decoded_or_refused(mutate(rng, SEEDS[pick]))
