"""The confirmation before a teacher opens an assignment's next phase: in English the
Assignments tab says exactly what the CLI says (`app.services.assessment_board`), and
with zh_CN loaded it says it in Chinese (it was English in a Chinese window); so does a
round-2 diff's header ("--- version 1")."""

from __future__ import annotations

import re

import pytest

from app.services.assessment_board import consequence as said_by_the_cli
from app.services.rows import ProgressBoard
from tests.ui.test_translations import chinese  # noqa: F401 (a fixture)
from ui.assessment_words import consequence

BOARDS = [  # (phase, round, next phase): every sentence there is
    ProgressBoard("submission", 0, 2, 3, "review", 14, 12, 0, 0, 0, ()),
    ProgressBoard("review", 1, 2, 3, "revision", 14, 12, 0, 36, 30, ()),
    ProgressBoard("revision", 1, 2, 3, "review", 14, 12, 5, 36, 30, ()),
    ProgressBoard("review", 2, 2, 3, "assessment", 14, 12, 5, 36, 35, ()),
    ProgressBoard("assessment", 2, 2, 3, "closed", 14, 12, 5, 36, 35, ()),
    ProgressBoard("closed", 2, 2, 3, None, 14, 12, 5, 36, 35, ()),
]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("board", BOARDS, ids=lambda b: f"{b.phase}-{b.next_phase}")
def test_in_english_the_window_says_what_the_cli_says(board: ProgressBoard) -> None:
    assert consequence(board) == said_by_the_cli(board)


@pytest.mark.parametrize("board", BOARDS, ids=lambda b: f"{b.phase}-{b.next_phase}")
def test_in_chinese_the_confirmation_is_chinese_with_its_numbers(board: ProgressBoard, chinese: None) -> None:  # noqa: F811
    shown = consequence(board)
    assert HAN.search(shown) and not re.search(r"[A-Za-z]{3,}", shown), shown
    numbers = sorted(re.findall(r"\d+", shown))
    assert numbers == sorted(re.findall(r"\d+", said_by_the_cli(board))), shown


def test_the_first_confirmation_in_chinese(chinese: None) -> None:  # noqa: F811
    assert consequence(BOARDS[0]) == (
        "14 人中已有 12 人提交；2 人的作业将不被评阅。每份提交分配 3 位评阅人；提交随即截止。"
    )


def test_a_round_2_diff_is_headed_in_the_readers_language(chinese: None) -> None:  # noqa: F811
    from app.services.rows import ReviewTask
    from ui.assignments_view import _diff_in_words

    diff = "--- version 1\n+++ version 2\n@@ -1 +1,2 @@\n Dogs.\n+They guard.\n"
    task = ReviewTask("ab", 2, "todo", "Dogs.\nThey guard.", "", 1, diff)
    assert _diff_in_words(task).splitlines()[:2] == ["--- 第 1 版", "+++ 第 2 版"]
    assert _diff_in_words(task).splitlines()[2:] == diff.splitlines()[2:]
