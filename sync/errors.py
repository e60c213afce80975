"""Typed reasons an op or message is refused, so callers can penalise or explain."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Reason(enum.Enum):
    """Why something was rejected. Values up to SIGNATURE count against the sender."""

    OVERSIZE = "oversize"
    MALFORMED = "malformed"
    NON_CANONICAL = "non-canonical"
    WRONG_SPACE = "wrong-space"
    BAD_SIGNATURE = "bad-signature"
    BAD_BODY = "bad-body-hash"
    # Below here the op is authentic but not valid: kept for causality, never shown.
    BAD_CHAIN = "bad-chain"
    BAD_CLOCK = "bad-clock"
    NOT_PERMITTED = "not-permitted"
    WRONG_EPOCH = "wrong-epoch"
    UNDECRYPTABLE = "undecryptable"
    BAD_CONTENT = "bad-content"
    QUARANTINED = "quarantined"
    BAD_INVITE = "bad-invite"
    # Not about the op's validity: admission policy of the receiver (see sync.hlc).
    CLOCK_AHEAD = "clock-ahead"


#: Rejections that prove the transport peer sent garbage or forgeries.
PEER_FAULTS = frozenset(
    {
        Reason.OVERSIZE,
        Reason.MALFORMED,
        Reason.NON_CANONICAL,
        Reason.WRONG_SPACE,
        Reason.BAD_SIGNATURE,
        Reason.BAD_BODY,
    }
)


class Rejected(Exception):
    """Raised by decoders and validators; `reason` is machine-readable, str() is for people."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Refusal:
    """A reducer's refusal with the sentence a person hears: why, and what to do.

    Reducers whose rules have more than one way to fail (the assessment kinds) return
    this instead of a bare `Reason`; the replica records the sentence so that a refused
    local write is explained exactly (`sync.writer`)."""

    reason: Reason
    sentence: str
