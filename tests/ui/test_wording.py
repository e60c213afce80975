"""Counts and times as people read them (issue 17, item 9): plurals from `%n` strings, and
relative dates with `now` fixed (in a time zone other than UTC, so the local day counts)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QCoreApplication

from ui import wording

SHANGHAI = timezone(timedelta(hours=8))
NOW = datetime(2026, 12, 6, 14, 30, tzinfo=SHANGHAI)  # a Sunday; 06:30 UTC


def tr(text: str, n: int) -> str:
    return QCoreApplication.translate("Test", text, None, n)


@pytest.mark.parametrize(
    ("source", "n", "shown"),
    [
        ("%n answer(s)", 1, "1 answer"),
        ("%n answer(s)", 2, "2 answers"),
        ("%n answer(s)", 0, "0 answers"),
        ("%n repl(y/ies)", 1, "1 reply"),
        ("%n repl(y/ies)", 3, "3 replies"),
        ("%n thank-you(s)", 1, "1 thank-you"),
        ("%n peer(s) connected", 1, "1 peer connected"),
        ("%n also need(s/) this", 1, "1 also needs this"),
        ("%n also need(s/) this", 4, "4 also need this"),
        ("%n peer(s) (is/are) behind", 2, "2 peers are behind"),
    ],
)
def test_plurals_pick_the_english_form(source: str, n: int, shown: str) -> None:
    assert wording.plural(tr(source, n), n) == shown


def test_a_translated_plural_is_left_as_the_translation_gave_it() -> None:
    assert wording.plural("3 个回答", 3) == "3 个回答"


@pytest.mark.parametrize(
    ("iso", "shown"),
    [
        ("2026-12-06T06:29:40+00:00", "just now"),
        ("2026-12-06T06:31:00+00:00", "just now"),  # a clock a little ahead
        ("2026-12-06T06:25:00+00:00", "5 min ago"),
        ("2026-12-06T04:20:00+00:00", "2 h ago"),
        ("2026-12-05T17:00:00+00:00", "13 h ago"),  # 01:00 today in Shanghai
        ("2026-12-05T15:00:00+00:00", "yesterday"),  # 23:00 yesterday there, 15.5 h before
        ("2026-12-04T06:00:00+00:00", "2 days ago"),
        ("2026-11-30T06:00:00+00:00", "6 days ago"),
        ("2026-11-29T06:00:00+00:00", "29 Nov"),
        ("2025-12-24T06:00:00+00:00", "24 Dec 2025"),
    ],
)
def test_relative_dates(iso: str, shown: str) -> None:
    assert wording.relative(iso, NOW) == shown


def test_the_full_date_for_tooltips_and_the_clock_are_local() -> None:
    assert wording.full("2026-12-05T21:24:20+00:00", NOW) == "Sunday 6 December 2026, 05:24"
    assert wording.clock("2026-12-05T21:24:20+00:00", NOW) == "05:24"


def test_day_headings_for_the_chat() -> None:
    assert wording.day_heading("2026-12-06T00:00:00+00:00", NOW) == "Today"
    assert wording.day_heading("2026-12-05T15:59:00+00:00", NOW) == "Yesterday"  # 23:59 there
    assert wording.day_heading("2026-12-04T06:00:00+00:00", NOW) == "Friday 4 December"
    assert wording.day_heading("2025-01-01T06:00:00+00:00", NOW) == "Wednesday 1 January 2025"
    assert wording.day_of("2026-12-05T16:00:00+00:00", NOW) == "2026-12-06"
