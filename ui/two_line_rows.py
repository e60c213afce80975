"""List rows in two lines: the title, elided with "…" at the right when the row is too
narrow, over a muted line of detail (who · when · counts or status), as the lists of
threads, help requests, resources and notes show them (`ui.paged_list`). The whole of
both lines is in the row's tooltip (the model's `ToolTipRole`), so nothing elided is
out of reach.

Owns the roles a model gives the two lines in (`TITLE`, `DETAIL`) and `TwoLineRows`,
the delegate that paints them. A row without a `DETAIL` is painted as Qt paints it (one
line). Colours come from the palette (`ui.theme`: `PlaceholderText` is the muted
colour; `HighlightedText` on a selected row), so light and dark both read; the row's
background, selection and focus are the style's, as on any other list. GUI thread;
on the first paint's path (My notes), so it imports Qt only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem, QWidget

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

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if index.data(DETAIL) is not None:
            option.text = ""  # the style paints the background, selection and focus; `paint` the lines

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)  # a row without a DETAIL: all of it, in one line
        if index.data(DETAIL) is None:
            return
        title, detail = self.lines(option, index)
        ink, muted = self.colours(option, index)
        rect = option.rect
        title_metrics = QFontMetrics(option.font)
        small = detail_font(option.font)
        detail_metrics = QFontMetrics(small)
        tall = title_metrics.height() + GAP + detail_metrics.height()
        top = rect.top() + max(PAD_Y, (rect.height() - tall) // 2)
        left, width = rect.left() + PAD_X, max(0, rect.width() - 2 * PAD_X)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.save()
        try:
            painter.setFont(option.font)
            painter.setPen(ink)
            painter.drawText(QRect(left, top, width, title_metrics.height()), align, title)
            painter.setFont(small)
            painter.setPen(muted)
            top += title_metrics.height() + GAP
            painter.drawText(QRect(left, top, width, detail_metrics.height()), align, detail)
        finally:
            painter.restore()

    def colours(self, option: QStyleOptionViewItem, index: Index) -> tuple[QColor, QColor]:
        """The title's colour and the muted detail's: on a selected row, the highlight's
        text colour (the detail's a little lighter). Selection is asked of the view, not
        of `option.state`: reading that builds PySide6's `QStyle` enums (~10 ms) before
        the first paint."""
        palette = option.palette
        view = self.parent()
        selection = view.selectionModel() if isinstance(view, QAbstractItemView) else None
        if selection is not None and selection.isSelected(index):
            ink = palette.color(QPalette.ColorRole.HighlightedText)
            muted = QColor(ink)
            muted.setAlphaF(0.8)
            return ink, muted
        return palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.PlaceholderText)
