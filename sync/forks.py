"""Equivocation: which ops of a forked author still count.

Two chain-valid ops at one (author, seq) prove the author forked its log. That is
evidence against the author only (docs/security.md, "Removal is final"):
- the author's ops at or past the fork seq are quarantined (not shown, no authority),
- **except** those *witnessed*: named, directly or through the author's own chain, by a
  permitted op of another member. Other members acted on them in good faith; dropping
  them would retroactively expel the author's invitees, undo a removal of the author
  (whose causal past holds the author's join) and the key rotation it carried.

A forged twin signed after the fact is named by no one and stays quarantined, so a
removed member cannot fork its way back in. "Permitted" is judged against the authority
the witnessed ops give, settled round by round (`witnessed`); a throwaway key, never a
member, witnesses nothing, and a forked author cannot witness its own ops.

Pure; runs on the replica's thread inside its rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sync.auth import AuthState
from sync.policy import Level

#: Rounds of "keep what the members of the last round name"; it settles in two or three.
MAX_ROUNDS = 16


@dataclass(frozen=True, slots=True)
class LoggedOp:
    """What witnessing needs of one stored, chain-valid op."""

    op_id: bytes
    author: int
    seq: int
    clock: Mapping[int, int]
    parents: tuple[bytes, ...]  # prev first (if any), then deps


def is_past_fork(forks: Mapping[int, int], author: int, seq: int) -> bool:
    fork = forks.get(author)
    return fork is not None and seq >= fork


def witnessed(
    ops: Iterable[LoggedOp], *, forks: Mapping[int, int], resolve: Callable[[set[bytes]], AuthState]
) -> set[bytes]:
    """The ops past a fork that a permitted op of another member names (and their chain).

    `resolve(counted)` gives the authority counting those ops. The first round counts
    every op past the fork, so a forked author's invitees are members and keep the
    history they built on; each round keeps only what the members of the previous one
    name, until nothing changes (or a bound). A function of the op set alone.
    """
    ops = list(ops)
    past_fork = {op.op_id: op for op in ops if is_past_fork(forks, op.author, op.seq)}
    if not past_fork:
        return set()
    counted = set(past_fork)
    for _round in range(MAX_ROUNDS):
        found = _named_by_members(ops, past_fork, resolve(counted))
        if found == counted:
            break
        counted = found
    return counted


def _named_by_members(ops: list[LoggedOp], past_fork: dict[bytes, LoggedOp], auth: AuthState) -> set[bytes]:
    named: list[bytes] = []
    for op in ops:
        if op.op_id in past_fork:
            continue
        hits = [p for p in op.parents if p in past_fork and past_fork[p].author != op.author]
        if hits and auth.level_at(op.author, op.clock, op.seq) >= Level.MEMBER:
            named += hits
    seen: set[bytes] = set()
    while named:
        op_id = named.pop()
        if op_id in seen:
            continue
        seen.add(op_id)
        author = past_fork[op_id].author
        named += [p for p in past_fork[op_id].parents if p in past_fork and past_fork[p].author == author]
    return seen
