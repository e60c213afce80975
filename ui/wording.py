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


translate = QCoreApplication.translate  # each call names CONTEXT, so lupdate finds the strings


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
        return translate("Wording", "just now")  # and clocks a little ahead
    if age < timedelta(hours=1):
        return translate("Wording", "%n min ago", None, age.seconds // 60)
    days = (now.date() - when.date()).days
    if days == 0:
        return translate("Wording", "%n h ago", None, age.seconds // 3600)
    if days == 1:
        return translate("Wording", "yesterday")
    if days < 7:
        return plural(translate("Wording", "%n day(s) ago", None, days), days)
    return short_date(when, now)


def short_date(when: datetime, now: datetime) -> str:
    month = _month(when.month)
    if when.year == now.year:
        return translate("Wording", "{day} {month}").format(day=when.day, month=month)
    return translate("Wording", "{day} {month} {year}").format(day=when.day, month=month, year=when.year)


def clock(iso: str, now: datetime | None = None) -> str:
    """The time of day, "14:05", in `now`'s time zone."""
    now = now or local_now()
    return parse(iso).astimezone(now.tzinfo).strftime("%H:%M")


def full(iso: str, now: datetime | None = None) -> str:
    """The full date and time, for a tooltip: "Sunday 6 December 2026, 05:24"."""
    now = now or local_now()
    when = parse(iso).astimezone(now.tzinfo)
    return translate("Wording", "{weekday} {day} {month} {year}, {time}").format(
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
        return translate("Wording", "Today")
    if days == 1:
        return translate("Wording", "Yesterday")
    heading = translate("Wording", "{weekday} {day} {month}").format(
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
            translate("Wording", "January"), translate("Wording", "February"),
            translate("Wording", "March"), translate("Wording", "April"),
            translate("Wording", "May"), translate("Wording", "June"),
            translate("Wording", "July"), translate("Wording", "August"),
            translate("Wording", "September"), translate("Wording", "October"),
            translate("Wording", "November"), translate("Wording", "December"),
        )  # fmt: skip
    else:
        names = (
            translate("Wording", "Jan"), translate("Wording", "Feb"), translate("Wording", "Mar"),
            translate("Wording", "Apr"), translate("Wording", "May"), translate("Wording", "Jun"),
            translate("Wording", "Jul"), translate("Wording", "Aug"), translate("Wording", "Sep"),
            translate("Wording", "Oct"), translate("Wording", "Nov"), translate("Wording", "Dec"),
        )  # fmt: skip
    return names[month - 1]


def _weekday(weekday: int) -> str:
    names = (
        translate("Wording", "Monday"), translate("Wording", "Tuesday"),
        translate("Wording", "Wednesday"), translate("Wording", "Thursday"),
        translate("Wording", "Friday"), translate("Wording", "Saturday"),
        translate("Wording", "Sunday"),
    )  # fmt: skip
    return names[weekday]
