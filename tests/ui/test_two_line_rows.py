"""List rows in two lines (issue 17, "two-line list rows with elision and tooltips"): the
thread, help request, resource and note lists paint a title over a muted line of who ·
when · counts; a row is tall enough for both; a title too long for the row is painted
elided ("…") and is whole in the tooltip. Real widgets over real cores; what the
delegate paints is read from its `drawText` calls on a real QPainter."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.services import discussion, helpdesk, notes, resources
from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from ui.notes_view import QtNotes
from ui.paged_list import QtPagedList
from ui.two_line_rows import DETAIL, TITLE, TwoLineRows, detail_font

LONG = ("Why does the rank-nullity theorem hold for every linear map between finite spaces " * 3).strip()
ELLIPSIS = "…"


class Recording(QPainter):
    """A painter onto an image that keeps each text drawn, with its pen's colour."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[tuple[str, QColor]] = []

    def drawText(self, *args: object) -> None:  # type: ignore[override]
        self.texts.append((str(args[-1]), QColor(self.pen().color())))
        super().drawText(*args)  # type: ignore[call-overload]


def painted(view: QtPagedList, row: int, width: int) -> list[tuple[str, QColor]]:
    """What the view's delegate paints for `row` in a row `width` pixels wide."""
    index = view.model().index(row, 0)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.font = view.font()
    option.widget = view
    option.rect = QRect(0, 0, width, view.sizeHintForRow(row))
    image = QImage(width, option.rect.height(), QImage.Format.Format_ARGB32)
    painter = Recording(image)
    try:
        view.itemDelegate().paint(painter, option, index)
    finally:
        painter.end()
    return painter.texts


def two_lines_tall(view: QtPagedList) -> int:
    font = view.font()
    return QFontMetrics(font).height() + QFontMetrics(detail_font(font)).height()


def test_threads_help_requests_and_resources_are_two_lines_elided_with_the_whole_in_the_tooltip(
    qtbot: QtBot, desk: Desk
) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    desk.call(lambda: discussion.new_thread(ben.commands, space, LONG, "Proof?", ["exam"]))
    desk.call(lambda: helpdesk.ask(ben.commands, space, LONG, "Stuck.", []))
    desk.call(lambda: resources.add(ben.commands, space, title=LONG, url="https://example.org/notes"))
    circle = page(qtbot, ana, space, members=2)
    lists = {
        "threads": circle.discussion.threads,
        "requests": circle.helpdesk.list,
        "resources": circle.resources.list,
    }
    for name, view in lists.items():
        qtbot.waitUntil(lambda view=view: view.count() == 1, timeout=WAIT_MS)
        assert isinstance(view.itemDelegate(), TwoLineRows), name
        index = view.model().index(0, 0)
        assert index.data(TITLE) == LONG, name
        detail = index.data(DETAIL)
        assert detail.startswith("Ben  ·  just now"), (name, detail)  # who, then when
        assert view.sizeHintForRow(0) >= two_lines_tall(view), name  # room for both lines

        texts = painted(view, 0, 400)
        assert len(texts) == 2, (name, texts)
        (title, ink), (second, muted) = texts
        assert title.endswith(ELLIPSIS) and LONG.startswith(title[:-1]) and len(title) < len(LONG), name
        assert second.startswith("Ben  ·  just now"), name
        assert muted != ink, name  # the second line is muted
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith(LONG + "\nBen  ·  "), (name, tip)  # the whole title, then who
        assert "just now" not in tip, name  # the full date on hover
    assert "1 repl" not in circle.discussion.threads.model().index(0, 0).data(DETAIL)
    assert "0 replies" in circle.discussion.threads.model().index(0, 0).data(DETAIL)
    assert "#exam" in circle.discussion.threads.model().index(0, 0).data(DETAIL)
    assert "open  ·  0 answers" in circle.helpdesk.list.model().index(0, 0).data(DETAIL)

    wide = painted(circle.discussion.threads, 0, 4000)  # wide enough: nothing is elided
    assert wide[0][0] == LONG


def test_my_notes_rows_show_the_title_over_the_date_and_tags(qtbot: QtBot, desk: Desk) -> None:
    ana = named(desk, "ana", "Ana")
    desk.call(lambda: notes.add(ana.commands, "Short", "Body", ["maths", "week-3"]))
    view = QtNotes(ana)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitUntil(lambda: view.list.count() == 1, timeout=WAIT_MS)
    index = view.list.model().index(0, 0)
    assert index.data(TITLE) == "Short"
    assert index.data(DETAIL) == "just now  ·  #maths #week-3"
    assert view.list.sizeHintForRow(0) >= two_lines_tall(view.list)
    texts = painted(view.list, 0, 300)
    assert [text for text, _ in texts] == ["Short", "just now  ·  #maths #week-3"]  # fits: whole
    assert texts[1][1] == view.list.palette().color(QPalette.ColorRole.PlaceholderText)
    assert index.data(Qt.ItemDataRole.ToolTipRole).startswith("Short\n")
