"""How the client words counts and times: "1 answer" / "2 answers" instead of "1 answers"
or "item(s)"; "5 min ago", "yesterday", "3 Dec" instead of ISO timestamps, the full date
and time kept for tooltips; and the day headings a chat log shows where the day changes.

Counts go through `tr()` with `%n` so a translation can give each language its plural
forms; the English source names its forms inline — `(s)` for a plain plural, `(one/other)`
for any other pair, e.g. "%n repl(y/ies)", "%n also need(s/) this" — and `plural()` picks
them when no translation replaced the text. Times are the rows' ISO 8601 strings (UTC),
shown in the time zone of `now` (the computer's, by default); `now` is a parameter so
tests fix it.

Pure functions (QtCore's translate only): light enough for the first paint's modules.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication

_CHOICE = re.compile(r"\(([^()/]*)/([^()/]*)\)")
CONTEXT = "Wording"


def plural(text: str, n: int) -> str:
    """`text` is `tr("… %n …(s) …", "", n)`: Qt has put the number in; a translation has
    also chosen the form. Untranslated (English), pick the form the source names."""
    text = _CHOICE.sub(lambda m: m.group(1) if n == 1 else m.group(2), text)
    return text.replace("(s)", "" if n == 1 else "s")


class Context:
    """`NAME = Context("NAME")`, then `NAME.tr(text)` or `NAME.tr("%n …", "", n)` in module
    code: lupdate files the string under the variable's name, which is the context Qt
    looks it up in (lupdate also drops a call whose arguments hold `//` or nested calls,
    so compute the count first)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate(self.name, text, disambiguation, n)


Wording = Context(CONTEXT)


def hashtags(tags: tuple[str, ...] | list[str]) -> str:
    """An item's tags as people write them: "#exam #week-3" ("" without tags)."""
    return " ".join(f"#{tag}" for tag in tags)


def parse(iso: str) -> datetime:
    """A row's time: ISO 8601 (UTC when no offset is given)."""
    when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.now().astimezone().tzinfo)
    return when


def local_now() -> datetime:
    return datetime.now().astimezone()


def relative(iso: str, now: datetime | None = None) -> str:
    """`iso` as people say it: "just now", "5 min ago", "2 h ago", "yesterday",
    "3 days ago", then the date ("3 Dec", or "3 Dec 2025" in another year)."""
    now = now or local_now()
    when = parse(iso).astimezone(now.tzinfo)
    age = now - when
    if age < timedelta(minutes=1):
        return Wording.tr("just now")  # and clocks a little ahead
    minutes, hours = age.seconds // 60, age.seconds // 3600
    if age < timedelta(hours=1):
        return Wording.tr("%n min ago", "", minutes)
    days = (now.date() - when.date()).days
    if days == 0:
        return Wording.tr("%n h ago", "", hours)
    if days == 1:
        return Wording.tr("yesterday")
    if days < 7:
        return plural(Wording.tr("%n day(s) ago", "", days), days)
    return short_date(when, now)


def short_date(when: datetime, now: datetime) -> str:
    month = _month(when.month)
    if when.year == now.year:
        return Wording.tr("{day} {month}").format(day=when.day, month=month)
    return Wording.tr("{day} {month} {year}").format(day=when.day, month=month, year=when.year)


def clock(iso: str, now: datetime | None = None) -> str:
    """The time of day, "14:05", in `now`'s time zone."""
    now = now or local_now()
    return parse(iso).astimezone(now.tzinfo).strftime("%H:%M")


def full(iso: str, now: datetime | None = None) -> str:
    """The full date and time, for a tooltip: "Sunday 6 December 2026, 05:24"."""
    now = now or local_now()
    when = parse(iso).astimezone(now.tzinfo)
    return Wording.tr("{weekday} {day} {month} {year}, {time}").format(
        weekday=_weekday(when.weekday()),
        day=when.day,
        month=_month(when.month, long=True),
        year=when.year,
        time=when.strftime("%H:%M"),
    )


def day_heading(iso: str, now: datetime | None = None) -> str:
    """A chat log's heading for the day of `iso`: "Today", "Yesterday", "Friday 4 December"
    (the year too when it is not this one)."""
    now = now or local_now()
    day = parse(iso).astimezone(now.tzinfo).date()
    days = (now.date() - day).days
    if days == 0:
        return Wording.tr("Today")
    if days == 1:
        return Wording.tr("Yesterday")
    heading = Wording.tr("{weekday} {day} {month}").format(
        weekday=_weekday(day.weekday()), day=day.day, month=_month(day.month, long=True)
    )
    return heading if day.year == now.year else f"{heading} {day.year}"


def day_of(iso: str, now: datetime | None = None) -> str:
    """The calendar day of `iso` in `now`'s time zone (to see where the day changes)."""
    now = now or local_now()
    return parse(iso).astimezone(now.tzinfo).date().isoformat()


def _month(month: int, *, long: bool = False) -> str:
    if long:
        names = (
            Wording.tr("January"), Wording.tr("February"),
            Wording.tr("March"), Wording.tr("April"),
            Wording.tr("May"), Wording.tr("June"),
            Wording.tr("July"), Wording.tr("August"),
            Wording.tr("September"), Wording.tr("October"),
            Wording.tr("November"), Wording.tr("December"),
        )  # fmt: skip
    else:
        names = (
            Wording.tr("Jan"), Wording.tr("Feb"), Wording.tr("Mar"),
            Wording.tr("Apr"), Wording.tr("May"), Wording.tr("Jun"),
            Wording.tr("Jul"), Wording.tr("Aug"), Wording.tr("Sep"),
            Wording.tr("Oct"), Wording.tr("Nov"), Wording.tr("Dec"),
        )  # fmt: skip
    return names[month - 1]


def _weekday(weekday: int) -> str:
    names = (
        Wording.tr("Monday"), Wording.tr("Tuesday"),
        Wording.tr("Wednesday"), Wording.tr("Thursday"),
        Wording.tr("Friday"), Wording.tr("Saturday"),
        Wording.tr("Sunday"),
    )  # fmt: skip
    return names[weekday]
