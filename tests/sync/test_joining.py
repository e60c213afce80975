"""A join in progress (`sync.joining`): recorded with the invite's keys, confirmed only
by a member that holds the join, and meanwhile the joiner admits no one."""

from __future__ import annotations

from sync import joining, writer
from sync.access import is_member, may_serve
from sync.wire.gossip import Hello
from tests.sync.helpers import Circle, Clock, device, new_replica, reconcile


def test_a_joiner_is_joining_until_a_member_holds_its_join() -> None:
    circle = Circle.create(Clock())
    invite = circle.invite(circle.owner, uses=2)
    tom = new_replica("tom")
    writer.accept_invite(tom, invite)
    assert joining.pending(tom, circle.space) is not None  # with the keys, in one transaction
    reconcile(circle.owner, tom, circle.space)
    writer.join(tom, invite, member_name="Tom", now_ms=circle.clock())
    assert is_member(tom, circle.space, device(tom))  # in its own view only
    assert joining.pending(tom, circle.space) is not None

    # Sue, another joiner with the same invite, holds Tom's join: she is no member.
    sue = new_replica("sue")
    writer.accept_invite(sue, invite)
    reconcile(circle.owner, sue, circle.space)
    reconcile(tom, sue, circle.space)
    assert joining.pending(tom, circle.space) is not None

    # Tom serves the circle to no one but members while no member holds his join.
    hello = Hello(circle.space, invite.token_bytes, invite.signature)
    verdict = may_serve(tom, hello, device(sue), now_ms=circle.clock())
    assert verdict == (False, "this peer has not finished joining that circle")

    reconcile(circle.owner, tom, circle.space)  # the owner takes the join and shows it holds it
    assert joining.pending(tom, circle.space) is None
    assert may_serve(tom, hello, device(sue), now_ms=circle.clock()) == (True, "")


def test_a_refused_join_leaves_no_record() -> None:
    circle = Circle.create(Clock())
    tom = new_replica("tom")
    writer.accept_invite(tom, circle.invite(circle.owner))
    assert writer.abandon_invite(tom, circle.space)
    assert joining.pending(tom, circle.space) is None and joining.joining_spaces(tom) == set()
