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
    qtbot.waitUntil(lambda: "1 peer connected  ·  up to date" in status.text(), timeout=WAIT_MS)

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

    qtbot.waitUntil(lambda: "1 peer connected  ·  up to date" in status.text(), timeout=WAIT_MS)
    assert "behind" not in status.text()
    caught_up = page(qtbot, ben, space, members=2)
    qtbot.waitUntil(lambda: caught_up.discussion.threads.count() == 2, timeout=WAIT_MS)


def test_ops_a_sync_session_brings_are_counted_as_being_received(qtbot: QtBot, desk: Desk) -> None:
    """The status bar's "receiving N ops" counts what reconcile sessions bring
    (`Changes.synced`; such changes name their op kinds since views filter on them).
    Cat's data worker is held busy before Ben connects to her, so Ben's session with her
    stays running (and she can start none) while sessions with Ana bring Ana's new
    threads; gossip is dropped, so only sessions bring them."""
    ana, ben, cat = desk.open("ana"), desk.open("ben"), desk.open("cat")
    space = circle_of(desk, ana, [ben, cat], name="Algebra")  # each joins through Ana
    cat_core, ben_core = cat.core, ben.core
    assert cat_core is not None and ben_core is not None
    status = QtSyncStatus(ben)
    qtbot.addWidget(status)
    qtbot.waitUntil(lambda: "1 peer connected  ·  up to date" in status.text(), timeout=WAIT_MS)
    desk.hub.gossip_drop_rate = 1.0
    held, release = threading.Event(), threading.Event()

    def busy() -> None:
        held.set()
        release.wait(WAIT_MS / 1000)

    def sessions_with_cat() -> int:  # a plain int, read across threads
        link = ben_core.sync.sessions.link(cat_core.host.peer_id)
        return link.running if link is not None else 0

    try:
        cat.run(lambda: cat_core.database.run(busy))
        qtbot.waitUntil(held.is_set, timeout=WAIT_MS)

        async def sync_with_cat() -> None:
            await ben_core.sync.connect(cat_core.host.listen_addrs()[0])
            ben_core.sync.schedule(cat_core.host.peer_id, space)

        desk.call(sync_with_cat)
        qtbot.waitUntil(lambda: sessions_with_cat() > 0, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "2 peers connected" in status.text(), timeout=WAIT_MS)
        before = status.receiving  # a session may have brought something already
        for title in ("Exam on Friday", "Bring a calculator"):
            desk.call(lambda title=title: discussion.new_thread(ana.commands, space, title, "", []))
        circle = page(qtbot, ben, space, members=3)
        qtbot.waitUntil(lambda: circle.discussion.threads.count() == 2, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: status.receiving >= before + 2, timeout=WAIT_MS)
        assert f"receiving {status.receiving} updates" in status.text()
    finally:
        release.set()

    qtbot.waitUntil(lambda: "2 peers connected  ·  up to date" in status.text(), timeout=WAIT_MS)
    assert status.receiving == 0
