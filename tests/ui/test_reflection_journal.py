"""The reflection journal in My notes (issue 18): "New reflection" starts a note tagged
`reflection` from the prompts, "Reflections only" shows just those, and the Share menu
shares the open reflection into a coaching pair, where the partner reads it as a
reflection of their cycle and can comment on it. Two real sessions over the in-memory
network; the pair is formed through the real commands (sealed offer, join, accept)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services import coaching, notes
from sync.ids import SpaceId
from tests.ui.circles import arrived, circle_of, named
from tests.ui.conftest import WAIT_MS, Desk
from ui.notes_view import QtNotes


def _pair(qtbot: QtBot, desk: Desk, ana, ben, circle: SpaceId) -> SpaceId:  # type: ignore[no-untyped-def]
    pair, offer = desk.call(lambda: coaching.propose(ana.commands, circle, "Ben", topic="questioning"))
    arrived(qtbot, desk, ben, offer.hex())
    (code,) = [o.code for o in desk.call(lambda: coaching.offers_to_me(ben.commands, circle))]
    desk.call(lambda: ben.core.join(code))
    desk.call(lambda: coaching.accept(ben.commands, pair))
    cycle = desk.call(lambda: coaching.open_cycle(ana.commands, pair, "Ben", "wait time"))
    arrived(qtbot, desk, ben, cycle.hex())
    return pair


def test_a_new_reflection_is_filtered_and_shared_into_the_pair(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    circle = circle_of(desk, ana, [ben], name="Year 7")
    pair = _pair(qtbot, desk, ana, ben, circle)
    view = QtNotes(ben)
    qtbot.addWidget(view)
    view.show()

    # A plain note, then a reflection from the prompts.
    view.new_item()
    view.title.setText("Shopping")
    view.editor.setPlainText("milk")
    view.save()
    qtbot.waitUntil(lambda: view.note is not None and view.note.title == "Shopping", timeout=WAIT_MS)
    qtbot.mouseClick(view.new_reflection_button, Qt.MouseButton.LeftButton)
    assert view.note is None and view.title.text().startswith("Reflection ")
    assert view.tags.text() == "reflection"
    assert view.editor.toPlainText().startswith("## What happened?")
    assert "## What did I notice?" in view.editor.toPlainText()
    assert "## What will I try next?" in view.editor.toPlainText()
    assert not view.unsaved  # the prompts alone are not saved
    view.title.setText("Wait time, week 2")
    qtbot.keyClicks(view.editor, "I waited three seconds.")
    view.save()
    qtbot.waitUntil(lambda: view.note is not None and view.note.title == "Wait time, week 2", timeout=WAIT_MS)
    assert "reflection" in view.note.tags and "I waited three seconds." in view.note.text

    # The filter.
    qtbot.waitUntil(lambda: len(view.list.texts()) == 2, timeout=WAIT_MS)
    view.reflections_only.setChecked(True)
    qtbot.waitUntil(lambda: view.list.texts() == ["Wait time, week 2  #reflection"], timeout=WAIT_MS)
    view.reflections_only.setChecked(False)
    qtbot.waitUntil(lambda: len(view.list.texts()) == 2, timeout=WAIT_MS)

    # Share into the pair, from the Share menu.
    view._fill_share_menu()  # what opening the menu does
    qtbot.waitUntil(lambda: len(view.pairs) == 1, timeout=WAIT_MS)
    view._fill_share_menu()
    (action,) = [a for a in view.share_menu.actions() if a.objectName() == "share-pair"]
    assert "Ana" in action.text() and "Ben" in action.text()
    action.trigger()

    def ana_reads_it() -> bool:
        cycles = desk.call(lambda: coaching.show(ana.commands, pair))
        return bool(cycles and cycles[0].reflection_threads)

    qtbot.waitUntil(ana_reads_it, timeout=WAIT_MS)
    (reflection,) = desk.call(lambda: coaching.show(ana.commands, pair))[0].reflection_threads
    assert reflection.author_name == "Ben" and "I waited three seconds." in reflection.text
    assert reflection.text.startswith("**Wait time, week 2**")
    found = desk.call(lambda: coaching.find_in_pair(ana.commands, reflection.id, "feedback-parent"))
    desk.call(lambda: coaching.feedback(ana.commands, found, "Did the hands go up?"))

    def ben_reads_the_comment() -> bool:
        cycles = desk.call(lambda: coaching.show(ben.commands, pair))
        threads = cycles[0].reflection_threads if cycles else ()
        return bool(threads and threads[0].feedback)

    qtbot.waitUntil(ben_reads_the_comment, timeout=WAIT_MS)
    assert view.share_error is None
    # The journal entry itself stays in Ben's notes, unchanged.
    assert [r.title for r in desk.call(lambda: notes.listing(ben.commands, "reflection"))] == [
        "Wait time, week 2"
    ]


def test_sharing_into_a_pair_without_a_cycle_says_what_to_do(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    circle = circle_of(desk, ana, [ben], name="Year 7")
    pair, offer = desk.call(lambda: coaching.propose(ana.commands, circle, "Ben"))
    arrived(qtbot, desk, ben, offer.hex())
    (code,) = [o.code for o in desk.call(lambda: coaching.offers_to_me(ben.commands, circle))]
    desk.call(lambda: ben.core.join(code))
    desk.call(lambda: coaching.accept(ben.commands, pair))
    view = QtNotes(ben)
    qtbot.addWidget(view)
    view.new_reflection()
    qtbot.keyClicks(view.editor, "Something happened.")
    view.save()
    qtbot.waitUntil(lambda: view.note is not None, timeout=WAIT_MS)
    view.share_into_pair(pair)
    qtbot.waitUntil(lambda: view.share_error is not None, timeout=WAIT_MS)
    assert "no cycle yet" in view.share_error
