"""The status bar tells the truth about sync between two cores: "up to date" once they
are level, "1 peer is behind" while a connected peer's digest shows it lacks ops we
hold (Ben's data worker is kept busy, as on a slow disk, so no session can bring him
level), and "up to date" again once a session with him has run."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from app.services import discussion
from sync import access
from sync.wire.gossip import encode_digest
from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from ui.status import QtSyncStatus


def test_a_peer_that_lacks_our_ops_is_said_to_be_behind_until_it_catches_up(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    status = QtSyncStatus(ana)
    qtbot.addWidget(status)
    qtbot.waitUntil(lambda: "1 peer(s) connected  ·  up to date" in status.text(), timeout=WAIT_MS)

    # Ben's digest of what he holds now, to arrive after Ana wrote on (as a delayed gossip
    # hop would); until then his database worker is busy, so no session can bring him level.
    core = ben.core
    replica = core.database.replica
    sealed = desk.call(
        lambda: core.database.run(
            lambda: access.seal(replica, space, encode_digest(access.digest_of(replica, space)))
        )
    )
    held, release = threading.Event(), threading.Event()

    def busy() -> None:
        held.set()
        release.wait(WAIT_MS / 1000)

    try:
        ben.run(lambda: core.database.run(busy))
        qtbot.waitUntil(held.is_set, timeout=WAIT_MS)
        for title in ("Exam on Friday", "Bring a calculator"):
            desk.call(lambda title=title: discussion.new_thread(ana.commands, space, title, "", []))
        desk.call(lambda: core.host.publish(sealed.topic, sealed.data))
        qtbot.waitUntil(lambda: "1 peer is behind" in status.text(), timeout=WAIT_MS)
        assert "up to date" not in status.text()
    finally:
        release.set()

    qtbot.waitUntil(lambda: "1 peer(s) connected  ·  up to date" in status.text(), timeout=WAIT_MS)
    assert "behind" not in status.text()
    caught_up = page(qtbot, ben, space, members=2)
    qtbot.waitUntil(lambda: caught_up.discussion.threads.count() == 2, timeout=WAIT_MS)
