"""Demo circles are left at the next start on the real network (app.services.demo_circles):
what a demo run joined is recorded; leaving takes each still-current one out of the
circles listed, keeps its history, forgets the record; a damaged record is ignored."""

from __future__ import annotations

from app.services import demo_circles
from app.services.commands import Commands
from app.services.membership import current_circles
from sync.ids import SpaceId
from tests.app.conftest import People
from tests.app.test_discussion import home_of
from tests.cli.helpers import join_in_process


async def member_of(owner: Commands, joiner: Commands, name: str) -> SpaceId:
    space = await owner.create_circle(name)
    code = await owner.invite(space, role="member", uses=1, expires_hours=1, addresses=[])
    join_in_process(home_of(owner), home_of(joiner), code, now_ms=owner.clock.now_ms())
    return space


async def test_recorded_demo_circles_are_left_and_forgotten_others_stay(people: People) -> None:
    ana, demo_teacher = people("ana"), people("tomas")
    home = home_of(ana)
    demo = await member_of(demo_teacher, ana, "Linear algebra — demo circle")
    gone = await member_of(demo_teacher, ana, "Demo left by hand")
    kept = await ana.create_circle("Real")
    owned = await ana.create_circle("Recorded by mistake, owned")
    for space in (demo, gone, demo, owned):  # `demo` twice: recorded once
        demo_circles.remember(home, space)
    assert demo_circles.recorded(home) == [demo, gone, owned]
    await ana.leave(gone)

    # `gone` was left already; an owner cannot leave `owned`: it stays, with a warning
    assert await demo_circles.leave_demo_circles(ana, home) == [demo]
    assert await current_circles(ana) == {kept, owned}
    assert [row.circle_id for row in await ana.circle_rows(everything=True) if row.circle_id == demo.hex()]
    assert not (home / demo_circles.FILE).exists()
    assert await demo_circles.leave_demo_circles(ana, home) == []


async def test_a_damaged_record_is_ignored_and_leaves_nothing(people: People) -> None:
    ana = people("ana")
    home = home_of(ana)
    real = await ana.create_circle("Real")
    for damaged in ("{not json", '{"a": 1}', '["zz", 7]'):
        (home / demo_circles.FILE).write_text(damaged)
        assert demo_circles.recorded(home) == []
        assert await demo_circles.leave_demo_circles(ana, home) == []
        assert await current_circles(ana) == {real}
