"""The no-SQL-outside-the-core check finds what it must and nothing else."""

from __future__ import annotations

from pathlib import Path

from tests.lint.sql_outside_core import check, findings

BAD = '''
def unread(db, space):
    rows = db.execute("SELECT COUNT(*) FROM items WHERE space = ?", (space,))
    query = (
        "SELECT title"
        " FROM items"
    )
    table = "items"
    return f"DELETE FROM {table} WHERE space = ?"
'''

GOOD = '''
"""Selects the newest items from the list (prose naming SELECT ... FROM is fine here)."""

def name(row):
    """Update the title: insert into the list."""
    return "Select a circle from the list"
'''


def test_sql_strings_and_execute_calls_are_found_with_their_lines() -> None:
    found = list(findings(BAD, "app/services/bad.py"))
    assert [line.split(": ", 1)[0] for line in found] == [
        "app/services/bad.py:3",  # .execute(
        "app/services/bad.py:3",  # its SELECT
        "app/services/bad.py:5",  # a SELECT split over implicitly joined literals
        "app/services/bad.py:9",  # an f-string DELETE
    ]


def test_prose_docstrings_and_ui_sentences_are_not_sql() -> None:
    assert list(findings(GOOD, "app/services/good.py")) == []


def test_the_project_has_no_sql_outside_the_core_but_the_documented_first_paint_reader() -> None:
    assert check(Path(__file__).resolve().parents[2]) == []


def test_a_module_with_sql_in_app_fails_the_check(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "sneaky.py").write_text(BAD)
    (tmp_path / "app" / "services").mkdir()
    (tmp_path / "app" / "services" / "glance.py").write_text(BAD)  # exempt on purpose
    found = check(tmp_path)
    assert found and all(line.startswith("app/sneaky.py:") for line in found)
