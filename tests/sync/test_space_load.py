"""Loading a space's context reads its membership ops and each author's newest op, not
the whole log (sync/schema/0004-space-load.sql): the plans use the partial indexes, and
the context equals one computed by scanning every op."""

from __future__ import annotations

from sync import space as space_module
from sync.kinds import AUTH_KINDS
from sync.policy import Level
from tests.sync.helpers import Circle, Clock


def _plan(db: object, sql: str, params: tuple[object, ...]) -> str:
    return " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params))  # type: ignore[attr-defined]


def test_load_uses_the_partial_indexes_and_matches_a_full_scan() -> None:
    circle = Circle.create(Clock())
    ana = circle.add("ana", Level.MENTOR)
    circle.add("ben")
    for number in range(30):
        circle.post(circle.owner if number % 2 else ana, f"Thread {number}")
    circle.sync_all()
    db, space = circle.owner.db, circle.space

    assert "ops_auth" in _plan(db, space_module.AUTH_OPS, (space,))
    broken = "SELECT DISTINCT author FROM ops WHERE space = ? AND status = 1"
    assert "ops_broken" in _plan(db, broken, (space,))

    context = space_module.load(db, space)
    heads = dict(
        db.execute(
            "SELECT author, MAX(seq) FROM ops WHERE space = ? AND status != 1 GROUP BY author", (space,)
        ).fetchall()
    )
    assert context.heads == heads and len(heads) == 3
    kinds = ",".join("?" * len(AUTH_KINDS))
    auth_ops = db.execute(
        f"SELECT op_id FROM ops WHERE space = ? AND kind IN ({kinds}) AND status != 1", (space, *AUTH_KINDS)
    ).fetchall()
    assert set(context.events) == {row[0] for row in auth_ops} and len(auth_ops) == 2  # two joins
    assert set(context.devices) == set(heads)
