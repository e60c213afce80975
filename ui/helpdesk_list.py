"""The Help desk's list of requests: the circle's whole listing is read in one trip (its
filters need each request's status, worked out in Python: `app.services.helpdesk.listing`), and
the rows that match the filter are shown a page at a time as the person scrolls, from
memory. A refresh is a filter over a Python list and a model reset of one page, so
100,000 requests cost the GUI thread what 200 do to build.

Owns `matching` (the filter) and `RequestListModel` (shown by `ui.paged_list.QtPagedList`).
GUI thread.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QModelIndex, QObject

from app.services.paging import Page
from app.services.rows import HelpRequestSummary
from sync.reducers.helpdesk import HelpStatus
from ui import wording
from ui.paged_list import PAGE, Index, PagedListModel
from ui.session import Session
from ui.wording import plural

FILTERS = ("all", "open", "mine", "claimed", "escalated", "resolved")


def matching(
    requests: list[HelpRequestSummary], key: str, me: str, mine: Collection[str] = ()
) -> list[HelpRequestSummary]:
    """The requests (as listed: oldest first) that the filter `key` keeps, newest first;
    `me` is my device id (hex), `mine` every current device of my person (hex): "mine"
    are the requests any of them asked. "claimed" is claimed by me, by device, not by
    display name: two members may both be called Sam."""
    newest_first = requests[::-1]
    if key == "all":
        return newest_first
    if key == "mine":
        return [request for request in newest_first if request.author == me or request.author in mine]
    if key == "claimed":
        return [request for request in newest_first if me in request.claimed_by_ids]
    status = HelpStatus(key)  # the other filters are statuses
    return [request for request in newest_first if request.status is status]


class RequestListModel(PagedListModel[HelpRequestSummary]):
    """Requests already read, newest first; rows are revealed a page at a time (no reads:
    `fetchMore` takes the next page from `matching`)."""

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(session, key="id", parent=parent)
        self.matching: list[HelpRequestSummary] = []  # every row the filter keeps, shown or not

    def show(
        self, matching: list[HelpRequestSummary], *, keep: str | None = None, anywhere: bool = False
    ) -> None:
        """Show these rows: as many as were shown (at least a page), and enough pages to
        reach the row `keep` (the selected request) if it is at most a page further down
        (new requests pushed it there), or wherever it is if `anywhere`."""
        wanted = max(PAGE, len(self.rows))
        if keep is not None:
            # Not looking through the whole list on every refresh: 11 ms at 50,000 requests.
            looked = matching if anywhere else matching[: wanted + PAGE]
            at = next((i for i, row in enumerate(looked) if row.id == keep), -1)
            if at >= wanted:
                wanted = (at // PAGE + 1) * PAGE
        self.matching = matching
        self._reset(Page(matching[:wanted], after=None, total=len(matching)))

    def status_word(self, status: HelpStatus) -> str:
        return {
            HelpStatus.OPEN: self.tr("open"),
            HelpStatus.CLAIMED: self.tr("claimed"),
            HelpStatus.ESCALATED: self.tr("escalated"),
            HelpStatus.RESOLVED: self.tr("resolved"),
        }[status]

    def text(self, row: HelpRequestSummary) -> str:
        template = self.tr("{title}  ·  {status}  ·  %n answer(s)  ·  {who}  ·  {when}", "", row.answers)
        line = plural(template, row.answers).format(
            title=row.title,
            status=self.status_word(row.status),
            who=row.author_name,
            when=wording.relative(row.created),
        )
        if row.tags:
            line += "  ·  " + wording.hashtags(row.tags)
        if row.hidden:
            line += "  " + self.tr("[hidden]")
        return line

    def title(self, row: HelpRequestSummary) -> str:
        return row.title

    def detail(self, row: HelpRequestSummary) -> str:
        return self._detail(row, wording.relative(row.created))

    def tooltip(self, row: HelpRequestSummary) -> str:
        return f"{row.title}\n{self._detail(row, wording.full(row.created))}"

    def _detail(self, row: HelpRequestSummary, when: str) -> str:
        template = self.tr("{who}  ·  {when}  ·  {status}  ·  %n answer(s)", "", row.answers)
        line = plural(template, row.answers).format(
            who=row.author_name, when=when, status=self.status_word(row.status)
        )
        if row.tags:
            line += "  ·  " + wording.hashtags(row.tags)
        if row.hidden:
            line += "  " + self.tr("[hidden]")
        return line

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 (Qt's signature)
        return not parent.isValid() and len(self.rows) < len(self.matching)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        more = self.matching[len(self.rows) : len(self.rows) + PAGE]
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def refresh(self) -> None:
        """Re-show the rows held; reading them again is the Help desk's `LiveQuery`."""
        self.show(self.matching)
