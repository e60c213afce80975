"""Room codes: reading what a person typed, the SPAKE2 exchange, and a guesser's limits."""

from __future__ import annotations

import os
import secrets

import pytest

from sync.errors import Reason, Rejected
from sync.room_code import (
    MAX_CHANNEL,
    MAX_FAILURES,
    WORDS,
    JoinerExchange,
    MemberExchange,
    OfferState,
    RoomCode,
    RoomOffer,
    looks_like_room_code,
    new_room_code,
    parse_room_code,
)
from sync.wire.room_code import Answer, Ask, Confirm, Refusal, Sealed, decode, encode

NOW = 1_800_000_000_000
INVITE = "sc2.the-long-invite-code"
CODE = RoomCode(7, ("guitar", "harbor"))


def offer(uses: int = 3, minutes: int = 10) -> RoomOffer:
    return RoomOffer(CODE, INVITE, "Calculus I", expires_ms=NOW + minutes * 60_000, uses_left=uses)


def exchange(room: RoomOffer, typed: RoomCode, *, now_ms: int = NOW) -> str:
    """One whole exchange as two devices run it, through the wire encoding."""
    joiner = JoinerExchange(typed, os.urandom)
    member = MemberExchange(room, os.urandom)
    reply = decode(encode(member.answer(decode(encode(joiner.ask())), now_ms=now_ms)))  # type: ignore[arg-type]
    if isinstance(reply, Refusal):
        raise Rejected(Reason.BAD_INVITE, reply.sentence)
    assert isinstance(reply, Answer)
    confirm = decode(encode(joiner.confirm(reply)))
    assert isinstance(confirm, Confirm)
    last = decode(encode(member.finish(confirm, now_ms=now_ms)))
    if isinstance(last, Refusal):
        raise Rejected(Reason.BAD_INVITE, last.sentence)
    assert isinstance(last, Sealed)
    return joiner.open(last)


# -- what a person types ---------------------------------------------------------------
def test_words_are_256_distinct_lowercase_words() -> None:
    assert len(WORDS) == len(set(WORDS)) == 256
    assert all(word.isalpha() and word.islower() and 3 <= len(word) <= 8 for word in WORDS)


@pytest.mark.parametrize(
    "typed", ["7-guitar-harbor", " 7 Guitar Harbor ", "7-GUITAR-harbor", "07-guitar-harbor"]
)
def test_a_code_is_read_in_any_case_with_spaces_or_dashes(typed: str) -> None:
    assert parse_room_code(typed) == CODE
    assert looks_like_room_code(typed)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("guitar-harbor", "a number and two words"),
        ("7-guitar", "a number and two words"),
        ("sc2.abc", "a number and two words"),
        ("0-guitar-harbor", "from 1 to 99"),
        ("100-guitar-harbor", "from 1 to 99"),
        ("7-guitr-harbor", "“guitr” is not one of the room-code words"),
    ],
)
def test_a_mistyped_code_says_what_is_wrong(typed: str, says: str) -> None:
    with pytest.raises(Rejected, match=says):
        parse_room_code(typed)


def test_new_codes_avoid_channels_in_use_and_run_out_cleanly() -> None:
    taken = set(range(1, MAX_CHANNEL))  # all but the last
    assert new_room_code(taken, randbelow=secrets.randbelow).channel == MAX_CHANNEL
    with pytest.raises(Rejected, match="already has 99 room codes open"):
        new_room_code(set(range(1, MAX_CHANNEL + 1)), randbelow=secrets.randbelow)
    code = new_room_code(set(), randbelow=secrets.randbelow)
    assert parse_room_code(code.text()) == code


# -- the exchange ----------------------------------------------------------------------
def test_the_right_code_hands_over_the_invite_once_per_use() -> None:
    room = offer(uses=2)
    assert exchange(room, CODE) == INVITE
    assert exchange(room, CODE) == INVITE
    assert (room.uses_left, room.failures, room.joined) == (0, 0, 2)
    with pytest.raises(Rejected, match="used as many times as it allows"):
        exchange(room, CODE)  # one use more than it allows


def test_wrong_words_are_refused_and_lock_the_code_after_three_tries() -> None:
    room = offer()
    for attempt in range(MAX_FAILURES):
        wrong = RoomCode(7, ("guitar", WORDS[attempt]))
        with pytest.raises(Rejected, match="wrong room code"):
            exchange(room, wrong)
    assert room.state(NOW) is OfferState.LOCKED
    with pytest.raises(Rejected, match="locked after 3 wrong tries"):
        exchange(room, CODE)  # even the right words, now
    assert room.uses_left == 3


def test_a_guesser_who_walks_away_after_the_answer_still_spends_a_try() -> None:
    """The answer lets a joiner test one guess; not sending the confirmation must not
    make that guess free."""
    room = offer()
    for _ in range(MAX_FAILURES):
        guesser = JoinerExchange(RoomCode(7, ("apple", "apple")), os.urandom)
        reply = MemberExchange(room, os.urandom).answer(guesser.ask(), now_ms=NOW)
        assert isinstance(reply, Answer)
        with pytest.raises(Rejected, match="wrong room code"):
            guesser.confirm(reply)
    assert room.state(NOW) is OfferState.LOCKED


def test_a_recorded_exchange_cannot_check_a_guess_offline() -> None:
    """An eavesdropper holds ask, answer and the sealed invite. Even the right words do not
    reproduce the member's confirmation from them: checking a guess needs a live exchange."""
    room = offer()
    joiner = JoinerExchange(CODE, os.urandom)
    member = MemberExchange(room, os.urandom)
    ask = joiner.ask()
    answer = member.answer(ask, now_ms=NOW)
    assert isinstance(answer, Answer)
    sealed = member.finish(joiner.confirm(answer), now_ms=NOW)
    assert isinstance(sealed, Sealed)
    eavesdropper = JoinerExchange(CODE, os.urandom)  # knows the right words, lacks the joiner's secret
    eavesdropper.ask()
    with pytest.raises(Rejected, match="wrong room code"):
        eavesdropper.confirm(answer)
    with pytest.raises(Rejected):
        eavesdropper.open(sealed)


def test_a_forged_or_replayed_confirmation_gets_nothing() -> None:
    room = offer()
    honest = JoinerExchange(CODE, os.urandom)
    first = MemberExchange(room, os.urandom)
    answer = first.answer(honest.ask(), now_ms=NOW)
    assert isinstance(answer, Answer)
    recorded = honest.confirm(answer)
    # A forged confirmation on a fresh exchange.
    forger = MemberExchange(room, os.urandom)
    assert isinstance(forger.answer(JoinerExchange(CODE, os.urandom).ask(), now_ms=NOW), Answer)
    assert forger.finish(Confirm(os.urandom(32)), now_ms=NOW) == Refusal("wrong room code")
    # The honest confirmation replayed into another exchange.
    replayed = MemberExchange(room, os.urandom)
    assert isinstance(replayed.answer(JoinerExchange(CODE, os.urandom).ask(), now_ms=NOW), Answer)
    assert replayed.finish(recorded, now_ms=NOW) == Refusal("wrong room code")
    # The original still completes, once.
    assert isinstance(first.finish(recorded, now_ms=NOW), Sealed)
    assert first.finish(recorded, now_ms=NOW) == Refusal("the room-code exchange is out of order")
    assert room.failures == 2 and room.joined == 1


def test_an_expired_code_is_refused_without_spending_a_try() -> None:
    room = offer(minutes=5)
    later = NOW + 5 * 60_000 + 1
    with pytest.raises(Rejected, match="expired"):
        exchange(room, CODE, now_ms=later)
    assert room.failures == 0


def test_a_point_that_is_not_on_the_curve_is_malformed_and_spends_nothing() -> None:
    room = offer()
    with pytest.raises(Rejected) as refused:
        MemberExchange(room, os.urandom).answer(Ask(7, b"\x00" * 33), now_ms=NOW)
    assert refused.value.reason is Reason.MALFORMED
    assert room.failures == 0


# -- the wire --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "message",
    [Ask(7, bytes(33)), Answer(bytes(33), bytes(32)), Confirm(bytes(32)), Sealed(b"box"), Refusal("no")],
)
def test_messages_round_trip(message: object) -> None:
    assert decode(encode(message)) == message  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x90",  # []
        b"\x92\x01\x07",  # ask without its point
        encode(Ask(7, bytes(32))),  # short point
        encode(Ask(1000, bytes(33))),
        encode(Answer(bytes(33), bytes(31))),
        encode(Confirm(bytes(33))),
        encode(Refusal("x" * 301)),
        b"\x92\x09\x01",  # unknown tag
        b"\x00" * 20_001,
    ],
)
def test_malformed_messages_are_refused(data: bytes) -> None:
    with pytest.raises(Rejected):
        decode(data)


def test_spake2_is_not_imported_until_an_exchange_runs() -> None:
    """It costs 45 ms at import: the desktop's start must not pay it (bench/startup.py)."""
    import subprocess
    import sys

    probe = "import sys, sync.room_code, app.core; print('spake2' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
