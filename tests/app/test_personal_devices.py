"""My notes on every device of one person, on real SQLite files: a personal space counts
as mine on each device linked into it (and is synced between them), and never hides a
space that has anyone else in it — whoever sets the mark.

`app.personal` (the core's rule) and `app.services.glance` (the first paint's raw read)
must agree, so each case checks both.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from app.personal import PERSONAL, personal_spaces, shared_spaces, synced_spaces
from app.services.glance import _is_my_personal
from sync import writer
from sync.ids import SpaceId
from sync.link import sign_statement
from sync.policy import Level
from sync.replica import Replica
from tests.sync.helpers import Circle, Clock, device, new_replica, reconcile


@pytest.fixture
def files(tmp_path: Path) -> Path:
    return tmp_path


def replica(files: Path, label: str) -> Replica:
    return new_replica(label, files / f"{label}.sqlite")


def my_notes(owner: Replica, clock: Clock) -> SpaceId:
    return writer.create_space(
        owner,
        name="My notes",
        member_name="Ana",
        space_key=secrets.token_bytes(32),
        now_ms=clock(),
        settings={PERSONAL: True},
    )


def link(space: SpaceId, existing: Replica, new: Replica, clock: Clock) -> None:
    statement = sign_statement(new.key, space=space, linker=device(existing))
    writer.link_device(existing, space, statement, now_ms=clock())
    writer.take_space_keys(new, space, writer.space_keys(existing, space, for_device=device(new)))
    reconcile(existing, new, space)


def personal_on(replica: Replica) -> list[SpaceId]:
    replica.refresh()
    by_core = personal_spaces(replica)
    by_glance = [s for s in replica.spaces() if _is_my_personal(replica.db, s, device(replica))]
    assert by_core == by_glance
    return by_core


def test_my_notes_is_mine_on_every_linked_device_and_synced_only_once_linked(files: Path) -> None:
    clock = Clock()
    laptop, lab = replica(files, "laptop"), replica(files, "lab")
    notes = my_notes(laptop, clock)
    assert personal_on(laptop) == [notes]
    assert synced_spaces(laptop) == []  # nobody else holds it yet: no topic, no sessions
    link(notes, laptop, lab, clock)
    laptop.refresh()
    assert personal_on(laptop) == personal_on(lab) == [notes]
    assert synced_spaces(laptop) == synced_spaces(lab) == [notes]
    assert shared_spaces(lab) == []  # never listed as a circle
    # The lab PC, linked, may itself link a third device: still the same person's notes.
    phone = replica(files, "phone")
    link(notes, lab, phone, clock)
    assert personal_on(phone) == [notes]
    # The laptop (the device that made it) is lost and unlinked: still the person's notes.
    writer.unlink_device(lab, notes, device(laptop), new_key=secrets.token_bytes(32), now_ms=clock())
    reconcile(lab, phone, notes)
    assert personal_on(lab) == personal_on(phone) == [notes]
    assert personal_on(laptop) == [notes]  # its own copy still thinks so until it hears of the unlink
    reconcile(lab, laptop, notes)
    assert personal_on(laptop) == []  # no longer a member device of it


def test_a_personal_space_with_anyone_else_in_it_is_nobodys(files: Path) -> None:
    """Someone else let into a personal-marked space (by an invite) makes it an ordinary
    circle on every device, the maker's included: the mark cannot hide people."""
    clock = Clock()
    laptop, lab = replica(files, "laptop"), replica(files, "lab")
    notes = my_notes(laptop, clock)
    link(notes, laptop, lab, clock)
    circle = Circle(clock, laptop, notes)
    ben = circle.add("Ben", replica=replica(files, "ben"))
    reconcile(laptop, lab, notes)
    assert personal_on(laptop) == personal_on(lab) == personal_on(ben) == []
    assert notes in shared_spaces(laptop) and notes in shared_spaces(lab) and notes in shared_spaces(ben)


def test_a_teacher_marking_a_circle_personal_hides_it_from_nobody(files: Path) -> None:
    """Even when the only other member is one person with two devices."""
    clock = Clock()
    circle = Circle.create(clock, owner=replica(files, "teacher"))
    ana = circle.add("Ana", replica=replica(files, "ana"))
    ana_lab = replica(files, "ana-lab")
    link(circle.space, ana, ana_lab, clock)
    writer.write(
        circle.owner, circle.space, "space.settings", {"key": PERSONAL, "value": True}, now_ms=clock()
    )
    circle.sync_all([circle.owner, ana, ana_lab])
    assert writer.my_level(ana_lab, circle.space) == Level.MEMBER
    for each in (circle.owner, ana, ana_lab):
        assert personal_on(each) == []
        assert circle.space in shared_spaces(each)
