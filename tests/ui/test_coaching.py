"""Issue 18, done-when 4: the Coaching page and a circle's Surveys tab driven through
their widgets, over two real cores (SQLite files, real signing) on one in-memory
network. Sue says she can help with questioning; Sam finds her by the tag and asks
"coach me on questioning"; Sue accepts the offer; they open a cycle, set and agree a
goal, Sue records an observation under the descriptive prompt, Sam responds, both
reflect, Sam closes it with the goal met and a next goal; Sue ends the pair after
confirming. Then a survey: created (anonymous, three kinds of question), answered by
both (the form says it is anonymous first), results as bars.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QTabBar
from pytestqt.qtbot import QtBot

from app.services import coaching, discussion
from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from ui.coach_dialogs import EndPairDialog
from ui.coaching_view import QtCoaching
from ui.main_window import MainWindow
from ui.menus import shortcut_lines
from ui.pairs_view import STEP_WORDS, QtPairs
from ui.session import Session


def ok(dialog: Any) -> None:
    """Press the dialog's OK button, as a person would."""
    box = dialog.findChild(QDialogButtonBox)
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None and dialog.isVisible()
    button.click()


def coaching_page(qtbot: QtBot, session: Session) -> QtCoaching:
    coaching = QtCoaching(session)
    qtbot.addWidget(coaching)
    coaching.resize(1000, 700)
    coaching.show()
    return coaching


def step(qtbot: QtBot, pairs: QtPairs, key: str) -> None:
    """Wait until the pair's next step is `key`, then press its button."""
    qtbot.waitUntil(lambda: pairs.step == key and pairs.next_button.isEnabled(), timeout=WAIT_MS)
    assert pairs.next_button.text() == STEP_WORDS[key]
    pairs.next_button.click()


def logged(messages: Any) -> list[str]:
    return [messages.log.item(i).text() for i in range(messages.log.count())]


def current(pairs: QtPairs) -> Any:
    return pairs.cycles[-1] if pairs.cycles else None


def test_find_a_coach_offer_accept_and_a_full_cycle_through_the_widgets(qtbot: QtBot, desk: Desk) -> None:
    sam, sue = named(desk, "sam", "Sam"), named(desk, "sue", "Sue")
    space = circle_of(desk, sam, [sue], name="Year 7 teachers")
    mine, hers = coaching_page(qtbot, sam), coaching_page(qtbot, sue)

    # Sue's profile, saved from the form; Sam finds her by the tag.
    finder = hers.finder
    qtbot.waitUntil(lambda: finder.circle is not None, timeout=WAIT_MS)
    finder.can_help.setText("questioning, wait-time")
    finder.can_help_text.setText("I have worked on questioning for two years")
    finder.wants.setText("feedback")
    finder.save.click()
    qtbot.waitUntil(lambda: "Profile saved" in finder.said.text(), timeout=WAIT_MS)
    seeker = mine.finder
    qtbot.waitUntil(lambda: seeker.circle is not None, timeout=WAIT_MS)
    seeker.tag.setText("questioning")
    members = seeker.members
    qtbot.waitUntil(lambda: members.topLevelItemCount() == 1, timeout=WAIT_MS)
    sue_row = [members.topLevelItem(0).text(c) for c in range(3)]
    assert sue_row == ["Sue", "questioning, wait-time", "feedback"]
    seeker.tag.setText("geometry")  # nobody: the list empties
    qtbot.waitUntil(lambda: members.topLevelItemCount() == 0, timeout=WAIT_MS)
    seeker.tag.setText("questioning")
    qtbot.waitUntil(lambda: members.topLevelItemCount() == 1, timeout=WAIT_MS)

    # "Coach me on…" asks the topic (the tag browsed, by default) and offers the pair.
    seeker.coach_me.click()
    assert seeker.dialog.line.text() == "questioning"
    ok(seeker.dialog)
    qtbot.waitUntil(lambda: "Offered to Sue" in seeker.said.text(), timeout=WAIT_MS)
    assert seeker.problem.isHidden()
    qtbot.waitUntil(lambda: finder.offer_table.topLevelItemCount() == 1, timeout=WAIT_MS)
    offer = finder.offer_table.topLevelItem(0)
    assert (offer.text(0), offer.text(1)) == ("Sam", "a coaching pair")
    assert mine.finder.offer_table.topLevelItemCount() == 0  # the offer is Sue's alone
    finder.accept.click()
    qtbot.waitUntil(lambda: hers.tabs.currentWidget() is hers.pairs, timeout=WAIT_MS)
    assert finder.problem.isHidden(), finder.problem.text()
    qtbot.waitUntil(lambda: finder.offer_table.topLevelItemCount() == 0, timeout=WAIT_MS)

    sams, sues = mine.pairs, hers.pairs
    for pairs in (sams, sues):
        qtbot.waitUntil(lambda pairs=pairs: bool(pairs.summary and pairs.summary.formed), timeout=WAIT_MS)
        assert sorted(pairs.summary.people) == ["Sam", "Sue"]
        assert "Sam asked to be coached on “questioning”" in pairs.heading.text()
    both = dataclasses.replace(sams.summary, mode="reciprocal", topic="")
    assert sams.intent_words(both) == "Reciprocal: you coach each other"
    assert sams.intent_words(dataclasses.replace(both, topic="feedback")).endswith("on “feedback”")

    # Sam opens a cycle where he is observed, and sets a goal.
    step(qtbot, sams, "open")
    sams.dialog.observed.setCurrentText("Sam")
    sams.dialog.title.setText("Wait time")
    ok(sams.dialog)
    step(qtbot, sams, "goal")
    sams.dialog.goal.setText("   ")  # bad input: said in one line, nothing written
    ok(sams.dialog)
    qtbot.waitUntil(lambda: not sams.problem.isHidden(), timeout=WAIT_MS)
    assert sams.problem.text() == "⚠ A goal cannot be empty: say what to work on."
    assert sams.goals.topLevelItemCount() == 0 and sams.step == "goal"
    sams.next_button.click()
    sams.dialog.goal.setText("Wait 3 s after a question")
    sams.dialog.success.setText("More hands up")
    ok(sams.dialog)
    qtbot.waitUntil(lambda: sams.goals.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert sams.goals.topLevelItem(0).text(2) == "nobody yet"

    # Both agree: the agreement shows both names.
    step(qtbot, sams, "agree")
    qtbot.waitUntil(lambda: sams.step == "wait-agree", timeout=WAIT_MS)
    assert not sams.next_button.isEnabled()
    step(qtbot, sues, "agree")
    for pairs in (sams, sues):
        qtbot.waitUntil(
            lambda pairs=pairs: (
                pairs.goals.topLevelItemCount() == 1
                and pairs.goals.topLevelItem(0).text(2).startswith("both")
            ),
            timeout=WAIT_MS,
        )
    assert sams.step == "wait-observe"  # the observed person waits for the observation
    assert not sams.buttons["observe"].isEnabled() and sues.buttons["observe"].isEnabled()
    assert not sams.buttons["agree"].isEnabled()  # agreed already

    # Sue observes, under the prompt that keeps it descriptive.
    step(qtbot, sues, "observe")
    form = sues.dialog
    assert "Describe, do not grade" in form.prompt.text()
    assert form.focus.text() == "Wait 3 s after a question"  # the goal, to start from
    form.evidence.setPlainText("Waited about 1 s after 4 of 6 questions")
    form.questions.setPlainText("What made you move on?")
    ok(form)
    qtbot.waitUntil(lambda: sams.feedback.topLevelItemCount() == 1, timeout=WAIT_MS)
    observation = sams.feedback.topLevelItem(0)
    assert observation.text(0) == "Sue" and "4 of 6 questions" in observation.text(1)

    # Sam responds to the feedback; the reply sits under the observation on both sides.
    step(qtbot, sams, "respond")
    sams.dialog.text.setPlainText("The silence felt long; I will count to three")
    ok(sams.dialog)
    qtbot.waitUntil(
        lambda: sues.feedback.topLevelItemCount() == 1 and sues.feedback.topLevelItem(0).childCount() == 1,
        timeout=WAIT_MS,
    )
    assert sues.feedback.topLevelItem(0).child(0).text(0) == "Sam"

    # Both reflect; Sam closes the cycle, the goal met, a next goal proposed.
    for pairs, text in ((sams, "Counting works <i>mostly</i>"), (sues, "Evidence, not grades, made it easy")):
        step(qtbot, pairs, "reflect")
        pairs.dialog.text.setPlainText(text)
        ok(pairs.dialog)
    qtbot.waitUntil(lambda: "Evidence, not grades" in sams.reflections.text(), timeout=WAIT_MS)
    shown_as_text = "Counting works &lt;i&gt;mostly&lt;/i&gt;"  # what Sam typed, not markup
    qtbot.waitUntil(lambda: shown_as_text in sues.reflections.text(), timeout=WAIT_MS)

    # Sharing with the circle: only Sam's own words are offered, and the form says who reads them.
    qtbot.waitUntil(lambda: sams.buttons["share"].isEnabled(), timeout=WAIT_MS)
    sams.buttons["share"].click()
    form = sams.dialog
    offered = [form.choices.topLevelItem(i) for i in range(form.choices.topLevelItemCount())]
    assert sorted(row.text(0) for row in offered) == ["Feedback", "Goal", "Reflection"]
    assert not any("4 of 6 questions" in row.text(1) for row in offered)  # Sue's observation is hers
    assert "“Year 7 teachers”" in form.who.text() and "its teachers too" in form.who.text()
    form.choices.setCurrentItem(next(row for row in offered if row.text(0) == "Reflection"))
    ok(form)
    qtbot.waitUntil(lambda: not sams.said.isHidden(), timeout=WAIT_MS)
    assert sams.said.text() == "Shared with “Year 7 teachers” as a thread." and sams.problem.isHidden()

    def circle_threads() -> list[Any]:
        return desk.call(lambda: discussion.threads(sue.commands, space)).rows

    qtbot.waitUntil(lambda: len(circle_threads()) == 1, timeout=WAIT_MS)
    (thread,) = circle_threads()
    assert (thread.title, thread.author_name) == ("Shared from our coaching pair: a reflection", "Sam")
    assert thread.text == "Counting works <i>mostly</i>"
    step(qtbot, sams, "close")
    closing = sams.dialog
    closing.met[0].setChecked(True)
    closing.next.setPlainText("Wait 5 s")
    ok(closing)
    for pairs in (sams, sues):
        qtbot.waitUntil(lambda pairs=pairs: bool(current(pairs) and current(pairs).closed), timeout=WAIT_MS)
        qtbot.waitUntil(lambda pairs=pairs: pairs.history.topLevelItemCount() == 1, timeout=WAIT_MS)
        row = pairs.history.topLevelItem(0)
        shown = [row.text(c) for c in range(4)]
        assert shown == ["Wait time", "Sam", "Wait 3 s after a question", "Wait 5 s"]
        qtbot.waitUntil(lambda pairs=pairs: pairs.step == "open", timeout=WAIT_MS)  # a next cycle

    # The next cycle starts from the goal the last one proposed: both agree to it again.
    step(qtbot, sues, "open")
    assert sues.dialog.carry.isChecked() and "Wait 5 s" in sues.dialog.carry.text()
    sues.dialog.observed.setCurrentText("Sam")
    sues.dialog.title.setText("Longer wait")
    ok(sues.dialog)
    for pairs in (sams, sues):
        qtbot.waitUntil(lambda pairs=pairs: len(pairs.cycles) == 2 and pairs.step == "agree", timeout=WAIT_MS)
        assert [g.goal for g in pairs.cycles[1].goals] == ["Wait 5 s"]
        assert pairs.cycle_box.currentIndex() == 1  # the newest cycle shown

    # Ending asks first (Cancel is the default, Enter does not end it); confirming, with a
    # closing word, ends it for both, who read the word under the heading.
    sues.buttons["end"].click()
    box = sues.dialog
    assert isinstance(box, EndPairDialog) and box.isVisible()
    qtbot.keyClick(box.words, Qt.Key.Key_Return)
    assert not box.isVisible() and box.result() == QDialog.DialogCode.Rejected
    assert not (sues.summary and sues.summary.ended)
    sues.buttons["end"].click()
    box = sues.dialog
    box.words.setText("Thank you, Sam")
    box.confirm.click()
    for pairs in (sams, sues):
        qtbot.waitUntil(lambda pairs=pairs: bool(pairs.summary and pairs.summary.ended), timeout=WAIT_MS)
        qtbot.waitUntil(lambda pairs=pairs: pairs.step == "ended", timeout=WAIT_MS)
        assert not pairs.next_button.isEnabled()
        assert not any(button.isEnabled() for key, button in pairs.buttons.items() if key != "share")
        ended = pairs.heading.text()
        assert "Ended by Sue on 20" in ended and "“Thank you, Sam”" in ended, ended
    assert not sams.buttons["share"].isEnabled()  # nothing of Sam's in the new cycle (Sue carried the goal)
    sams.cycle_box.setCurrentIndex(0)
    assert sams.buttons["share"].isEnabled()  # his own words stay his to share after the end


def test_a_survey_created_answered_and_charted_through_the_widgets(qtbot: QtBot, desk: Desk) -> None:
    sam, sue = named(desk, "sam", "Sam"), named(desk, "sue", "Sue")
    space = circle_of(desk, sam, [sue], name="Algebra")
    his, hers = page(qtbot, sam, space, members=2), page(qtbot, sue, space, members=2)
    his.tabs.setCurrentWidget(his.surveys)
    surveys = his.surveys
    surveys.new.click()
    form = surveys.dialog
    form.title.setText("Start of term")
    form.kind.setCurrentIndex(0)  # single choice
    form.prompt.setText("Is peer feedback useful?")
    form.options.setText("yes, no, not sure")
    form.add.click()
    form.kind.setCurrentIndex(1)  # scale
    form.prompt.setText("How confident are you?")
    form.low.setValue(1)
    form.high.setValue(5)
    form.add.click()
    form.kind.setCurrentIndex(2)  # free text
    form.prompt.setText("Why?")
    form.add.click()
    assert form.listed.topLevelItemCount() == 3
    ok(form)  # neither anonymous nor named chosen: refused, said, the form stays
    assert form.isVisible() and "anonymous or named" in form.problem.text()
    form.anonymous.setChecked(True)
    ok(form)
    qtbot.waitUntil(lambda: surveys.list.topLevelItemCount() == 1, timeout=WAIT_MS)

    theirs = hers.surveys
    qtbot.waitUntil(lambda: theirs.part is not None and surveys.part is not None, timeout=WAIT_MS)
    # Anonymous: each joins (a key made for the survey), its author admits, then each answers.
    assert not theirs.join_button.isHidden() and theirs.admit_button.isHidden()  # Sue did not open it
    assert not theirs.answer_button.isEnabled() and "join first" in theirs.standing.text()
    theirs.join_button.click()
    qtbot.waitUntil(lambda: theirs.part is not None and theirs.part.joined, timeout=WAIT_MS)
    assert not theirs.join_button.isEnabled() and "You have joined" in theirs.standing.text()
    qtbot.waitUntil(lambda: "1 joined, 0 admitted" in surveys.standing.text(), timeout=WAIT_MS)
    assert not surveys.rekey_button.isHidden() and theirs.rekey_button.isHidden()
    surveys.join_button.click()
    qtbot.waitUntil(lambda: "2 joined, 0 admitted" in surveys.standing.text(), timeout=WAIT_MS)
    surveys.admit_button.click()
    qtbot.waitUntil(lambda: "2 joined, 2 admitted" in surveys.standing.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: theirs.answer_button.isEnabled(), timeout=WAIT_MS)
    assert "2 people admitted so far" in theirs.standing.text()
    for answered, (tab, choice, scale, why) in enumerate(
        ((theirs, 0, 3, "It helps"), (surveys, 0, 4, "")), 1
    ):
        qtbot.waitUntil(lambda tab=tab: tab.results is not None, timeout=WAIT_MS)
        tab.answer_button.click()
        answering = tab.dialog
        assert answering.findChild(type(answering.problem), "anonymity").text().startswith("Anonymous")
        ok(answering)  # nothing chosen: refused, said
        assert answering.isVisible() and "every choice" in answering.problem.text()
        answering.fields[0].button(choice).setChecked(True)
        answering.fields[1].button(scale).setChecked(True)
        answering.fields[2].setPlainText(why)
        ok(answering)
        count = str(answered)
        qtbot.waitUntil(
            lambda tab=tab, count=count: tab.list.topLevelItem(0).text(3) == count, timeout=WAIT_MS
        )
        assert tab.problem.isHidden(), tab.problem.text()

    for tab in (surveys, theirs):
        qtbot.waitUntil(lambda tab=tab: tab.list.topLevelItem(0).text(3) == "2", timeout=WAIT_MS)
        qtbot.waitUntil(lambda tab=tab: ("yes", 2) in tab.bars(), timeout=WAIT_MS)
        assert tab.bars() == [("yes", 2), ("no", 0), ("not sure", 0), ("1", 0), ("2", 0), ("3", 0),
                              ("4", 1), ("5", 1)]  # fmt: skip
        assert tab.list.topLevelItem(0).text(2) == "anonymous"

    # Sue answers again: on an anonymous survey her answer is replaced, not counted twice.
    theirs.answer_button.click()
    again = theirs.dialog
    again.fields[0].button(1).setChecked(True)
    again.fields[1].button(0).setChecked(True)
    ok(again)
    for tab in (surveys, theirs):
        qtbot.waitUntil(lambda tab=tab: ("no", 1) in tab.bars(), timeout=WAIT_MS)
        assert tab.bars()[:4] == [("yes", 1), ("no", 1), ("not sure", 0), ("1", 1)]
        assert tab.list.topLevelItem(0).text(3) == "2"

    # Its author renews the key (as after a member left), once confirmed: the answers under
    # the old key stop counting for both, and Sue is asked to join again.
    surveys.rekey_button.click()
    assert "stop counting" in surveys.confirming.informativeText()
    surveys.confirming.confirm.click()
    for tab in (surveys, theirs):
        qtbot.waitUntil(lambda tab=tab: tab.list.topLevelItem(0).text(3) == "0", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "join first" in theirs.standing.text(), timeout=WAIT_MS)
    assert theirs.join_button.isEnabled() and not theirs.answer_button.isEnabled()

    # Its author closes it: closed for both.
    surveys.close_button.click()
    qtbot.waitUntil(lambda: theirs.list.topLevelItem(0).text(4) == "closed", timeout=WAIT_MS)


def test_the_coaching_page_from_the_menu_and_messages_both_ways(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    """Ctrl+Shift+K opens the Coaching page (and only it); a conversation offered from Find a
    coach and accepted is not listed as a circle; messages go both ways, live. A declined
    offer goes away."""
    sam, sue = named(desk, "sam", "Sam"), named(desk, "sue", "Sue")
    space = circle_of(desk, sam, [sue], name="Year 7 teachers")
    window = MainWindow(sue, QSettings(str(tmp_path / "sue.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.sidebar.circles() == [space], timeout=WAIT_MS)
    action = next(a for a in window.findChildren(QAction) if a.objectName() == "coaching")
    assert action.shortcut().toString() == "Ctrl+Shift+K"
    assert "Ctrl+Shift+K — Coaching" in shortcut_lines(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    triggered: list[bool] = []
    action.triggered.connect(lambda: triggered.append(True))
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(
        window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert triggered == [True]
    assert isinstance(QApplication.focusWidget(), QTabBar)  # the keyboard is on the page's tabs
    hers = window.coaching
    assert window.pages.currentWidget() is hers and not window.notes.isVisible()
    for index in range(hers.tabs.count()):  # each tab fits a small screen
        hers.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda: hers.tabs.currentWidget().isVisible(), timeout=WAIT_MS)
        assert 780 <= window.width() <= 800
    hers.tabs.setCurrentIndex(0)
    mine = coaching_page(qtbot, sam)

    # Sam offers a conversation, then a pair; Sue declines the pair, accepts the conversation.
    seeker = mine.finder
    qtbot.waitUntil(
        lambda: seeker.members.topLevelItemCount() == 0 and seeker.circle == space, timeout=WAIT_MS
    )
    desk.call(lambda: coaching.set_profile(sue.commands, space, can_help=["questioning"], can_help_text="",
                                           wants=[], wants_text=""))  # fmt: skip
    qtbot.waitUntil(lambda: seeker.members.topLevelItemCount() == 1, timeout=WAIT_MS)
    seeker.message.click()
    qtbot.waitUntil(lambda: "Conversation offered to Sue" in seeker.said.text(), timeout=WAIT_MS)
    seeker.reciprocal.click()
    qtbot.waitUntil(lambda: "Offered to Sue" in seeker.said.text(), timeout=WAIT_MS)
    offers = hers.finder.offer_table
    qtbot.waitUntil(lambda: offers.topLevelItemCount() == 2, timeout=WAIT_MS)
    kinds = [offers.topLevelItem(i).text(1) for i in range(2)]
    assert sorted(kinds) == ["a coaching pair", "a conversation"]
    offers.setCurrentItem(offers.topLevelItem(kinds.index("a coaching pair")))
    hers.finder.decline.click()
    qtbot.waitUntil(lambda: offers.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert offers.topLevelItem(0).text(1) == "a conversation"
    hers.finder.accept.click()
    qtbot.waitUntil(lambda: hers.tabs.currentWidget() is hers.messages, timeout=WAIT_MS)
    theirs = hers.messages
    qtbot.waitUntil(lambda: theirs.list.count() == 1, timeout=WAIT_MS)
    assert window.sidebar.circles() == [space]  # the conversation is not a circle

    ours = mine.messages
    qtbot.waitUntil(lambda: ours.list.count() == 1, timeout=WAIT_MS)
    for writer, reader, text in (
        (ours, theirs, "Could I observe Thursday?"),
        (theirs, ours, "Yes, period 3."),
    ):
        writer.line.setText(text)
        writer.line.returnPressed.emit()
        qtbot.waitUntil(lambda reader=reader, text=text: any(text in line for line in logged(reader)),
                        timeout=WAIT_MS)  # fmt: skip
    assert [line.split("  ", 1)[1] for line in logged(ours)] == [
        "Sam: Could I observe Thursday?", "Sue: Yes, period 3."]  # fmt: skip
    ours.line.setText("   ")
    ours.button.click()  # nothing to send: nothing sent
    assert ours.log.count() == 2
    assert window.sidebar.circles() == [space]


def test_a_teachers_suggestion_taken_up_still_needs_the_other_to_accept(qtbot: QtBot, desk: Desk) -> None:
    tom, sam, sue = named(desk, "tom", "Tom"), named(desk, "sam", "Sam"), named(desk, "sue", "Sue")
    space = circle_of(desk, tom, [sam, sue], name="Year 7 teachers")
    desk.call(lambda: coaching.suggest(tom.commands, space, "Sam", "Sue", "You both teach Year 7"))
    hers, his = coaching_page(qtbot, sue), coaching_page(qtbot, sam)
    suggestions = hers.finder.suggestion_table
    qtbot.waitUntil(lambda: suggestions.topLevelItemCount() == 1, timeout=WAIT_MS)
    shown = [suggestions.topLevelItem(0).text(c) for c in range(3)]
    assert shown == ["Tom", "Sam", "You both teach Year 7"]
    his_suggestions = his.finder.suggestion_table
    qtbot.waitUntil(lambda: his_suggestions.topLevelItemCount() == 1, timeout=WAIT_MS)  # both named see it
    qtbot.waitUntil(lambda: his.pairs.query.runs > 0 and hers.pairs.query.runs > 0, timeout=WAIT_MS)
    assert his.pairs.list.count() == 0 and hers.pairs.list.count() == 0  # nothing formed
    hers.finder.take_up.click()
    qtbot.waitUntil(lambda: "Offered to Sam" in hers.finder.said.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: his.finder.offer_table.topLevelItemCount() == 1, timeout=WAIT_MS)
    # Taken up: the suggestion is no longer listed, for her at once and for him with the offer.
    qtbot.waitUntil(lambda: suggestions.topLevelItemCount() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: his_suggestions.topLevelItemCount() == 0, timeout=WAIT_MS)
    assert not hers.finder.take_up.isEnabled() or hers.finder.suggestion_table.currentItem() is None
    qtbot.waitUntil(lambda: hers.pairs.list.count() == 1, timeout=WAIT_MS)
    assert hers.pairs.summary is not None and not hers.pairs.summary.formed  # waiting for Sam
    qtbot.waitUntil(lambda: hers.pairs.step == "accept", timeout=WAIT_MS)  # its cycles read, a moment later
    assert not hers.pairs.next_button.isEnabled()
    his.finder.accept.click()
    qtbot.waitUntil(lambda: bool(hers.pairs.summary and hers.pairs.summary.formed), timeout=WAIT_MS)

    # The teacher who suggested it is not in the pair: no pair, no offer, on his page.
    toms = coaching_page(qtbot, tom)
    qtbot.waitUntil(lambda: toms.pairs.query.runs > 0 and toms.finder.offers_query.runs > 0, timeout=WAIT_MS)
    assert toms.pairs.list.count() == 0 and toms.finder.offer_table.topLevelItemCount() == 0
    assert toms.finder.suggestion_table.topLevelItemCount() == 0  # shown to the two named
