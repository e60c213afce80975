"""List rows in two lines: the title, elided with "…" at the right when the row is too
narrow, over a muted line of detail (who · when · counts or status), as the lists of
threads, help requests, resources and notes show them (`ui.paged_list`). The whole of
both lines is in the row's tooltip (the model's `ToolTipRole`), so nothing elided is
out of reach.

Owns the roles a model gives the two lines in (`TITLE`, `DETAIL`) and `TwoLineRows`,
the delegate that paints them. A row without a `DETAIL` is painted as Qt paints it (one
line). Colours come from the palette (`ui.theme`: `PlaceholderText` is the muted
colour; `HighlightedText` on a selected row), so light and dark both read. GUI thread;
on the first paint's path (My notes), so it imports Qt only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

TITLE = Qt.ItemDataRole.UserRole + 20  # the row's first line (str)
DETAIL = Qt.ItemDataRole.UserRole + 21  # its second, muted line (str), or None: one line

PAD_X = 8  # room left and right of the text
PAD_Y = 5  # above the title and below the detail
GAP = 2  # between the two lines

Index = QModelIndex | QPersistentModelIndex


def detail_font(font: QFont) -> QFont:
    """The second line's font: the list's, a little smaller (never below 8 points)."""
    smaller = QFont(font)
    if font.pointSizeF() > 0:
        smaller.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
    return smaller


class TwoLineRows(QStyledItemDelegate):
    """Paints a row with a `DETAIL` as its title over a muted detail line, each elided
    at the right to the row's width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        base = super().sizeHint(option, index)
        if index.data(DETAIL) is None:
            return base
        title = QFontMetrics(option.font)
        detail = QFontMetrics(detail_font(option.font))
        height = PAD_Y + title.height() + GAP + detail.height() + PAD_Y
        return QSize(base.width(), max(base.height(), height))

    def lines(self, option: QStyleOptionViewItem, index: Index) -> tuple[str, str]:
        """The two lines as they fit the row's width (elided at the right)."""
        width = max(0, option.rect.width() - 2 * PAD_X)
        title = str(index.data(TITLE) or index.data(Qt.ItemDataRole.DisplayRole) or "")
        detail = str(index.data(DETAIL) or "")
        return (
            QFontMetrics(option.font).elidedText(title, Qt.TextElideMode.ElideRight, width),
            QFontMetrics(detail_font(option.font)).elidedText(detail, Qt.TextElideMode.ElideRight, width),
        )

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if index.data(DETAIL) is None:
            super().paint(painter, option, index)
            return
        shown = QStyleOptionViewItem(option)
        self.initStyleOption(shown, index)
        title, detail = self.lines(shown, index)
        shown.text = ""  # the style paints the row's background, selection and focus only
        widget = shown.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, shown, painter, widget)
        ink, muted = colours(shown)
        rect = shown.rect
        title_metrics = QFontMetrics(shown.font)
        small = detail_font(shown.font)
        detail_metrics = QFontMetrics(small)
        tall = title_metrics.height() + GAP + detail_metrics.height()
        top = rect.top() + max(PAD_Y, (rect.height() - tall) // 2)
        left, width = rect.left() + PAD_X, max(0, rect.width() - 2 * PAD_X)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.save()
        try:
            painter.setFont(shown.font)
            painter.setPen(ink)
            painter.drawText(QRect(left, top, width, title_metrics.height()), align, title)
            painter.setFont(small)
            painter.setPen(muted)
            top += title_metrics.height() + GAP
            painter.drawText(QRect(left, top, width, detail_metrics.height()), align, detail)
        finally:
            painter.restore()


def colours(option: QStyleOptionViewItem) -> tuple[QColor, QColor]:
    """The title's colour and the muted detail's, for the row's state (a selected row's
    are the highlight's text colour, the detail's a little lighter)."""
    palette = option.palette
    enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
    group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
    if option.state & QStyle.StateFlag.State_Selected:
        ink = palette.color(group, QPalette.ColorRole.HighlightedText)
        muted = QColor(ink)
        muted.setAlphaF(0.8)
        return ink, muted
    return palette.color(group, QPalette.ColorRole.Text), palette.color(
        group, QPalette.ColorRole.PlaceholderText
    )
