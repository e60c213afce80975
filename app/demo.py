"""A demo circle that feels alive: two extra in-process people on an in-memory network
with sample content (threads with replies, chat, an open and a resolved help request,
resources), so a newcomer sees what a circle is at once.

`run_demo_peers` opens the two cores in `base` (a throwaway folder), writes the sample
content, hands an invite code for the newcomer to `on_invite`, and keeps both peers
online until cancelled. Runs on trio (in the GUI, the guest run).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import trio

from app import identity
from app.core import Core
from app.errors import CommandError
from app.launch import Network, host_config
from app.services import discussion, helpdesk, resources
from app.services.items import Found
from sync.changes import Changes

TEACHER, STUDENT = "Tomás (demo teacher)", "Mia (demo student)"
CIRCLE = "Linear algebra — demo circle"


class _Changed:
    """Wakes waiters whenever a core reports changes (its own writes or a peer's ops)."""

    def __init__(self) -> None:
        self.event = trio.Event()

    def __call__(self, changes: Changes) -> None:
        self.event.set()
        self.event = trio.Event()


async def _arrived(core: Core, changed: _Changed, typed: str, deadline: float = 30.0) -> Found:
    """The item once it has reached `core` (sync is asynchronous)."""
    with trio.fail_after(deadline):
        while True:
            try:
                return await discussion.find(core.commands, typed)
            except CommandError:
                with trio.move_on_after(0.5):
                    await changed.event.wait()


@asynccontextmanager
async def _core(network: Network, home: Path, name: str, changed: _Changed) -> AsyncIterator[Core]:
    if not (home / "device.key").exists():
        identity.create(home, name)
    async with Core.open(
        home=home, network=network, host_config=host_config(), verify_workers=0, on_changes=changed
    ) as core:
        yield core


async def seed(teacher: Core, student: Core, student_changed: _Changed, teacher_changed: _Changed) -> None:
    """The sample content; `student` joins the teacher's new circle first."""
    space = await teacher.create_circle(CIRCLE)
    await student.join(await teacher.invite(space, role="member", uses=1))
    t, s = teacher.commands, student.commands
    welcome = await discussion.new_thread(
        t,
        space,
        "Welcome — how this circle works",
        "Ask on the **Help desk** when you are stuck; answer others when you can.\n\n"
        "Share good material in *Resources*. Be kind: we are all learning.",
        ["welcome"],
    )
    await discussion.reply(
        s, await _arrived(student, student_changed, welcome.hex()), "Thanks! Glad to be here."
    )
    await discussion.new_thread(
        s, space, "Study group on Thursday?", "Library room 2, 16:00 — who's in?", ["meetup"]
    )
    solved = await helpdesk.ask(
        s,
        space,
        "Why is det(AB) = det(A)·det(B)?",
        "I can check it for 2×2 but not see *why*.",
        ["determinants"],
    )
    request = await _arrived(teacher, teacher_changed, solved.hex())
    answer = await helpdesk.answer(
        t,
        request,
        "Think of the determinant as the **volume scale factor** of a linear map: doing B then A "
        "scales volumes by det(B), then by det(A):\n\n$$\\det(AB) = \\det A \\cdot \\det B$$",
    )
    await _arrived(student, student_changed, answer.hex())
    await helpdesk.resolve(s, await helpdesk.find_request(s, solved.hex()), answer.hex())
    await discussion.thank(s, await discussion.find(s, answer.hex()))
    await helpdesk.ask(
        s,
        space,
        "Eigenvalues of a rotation matrix?",
        "A 90° rotation has no real eigenvector — so what are its eigenvalues?",
        ["eigenvalues"],
    )
    await resources.add(
        t,
        space,
        title="Essence of linear algebra (video series)",
        url="https://www.3blue1brown.com/topics/linear-algebra",
        text="Geometric intuition for every topic of the course.",
        tags=["video"],
    )
    await resources.add(
        s, space, title="Determinant cheat sheet", text="- det(AB) = det(A)det(B)\n- det(Aᵀ) = det(A)"
    )
    await discussion.chat(t, space, "Good morning! Office hours today from 14:00.")
    await discussion.chat(s, space, "Thanks, I'll drop by with my eigenvalue question.")


async def run_demo_peers(network: Network, base: Path, on_invite: Callable[[str], None]) -> None:
    async with AsyncExitStack() as stack:
        teacher_changed, student_changed = _Changed(), _Changed()
        teacher = await stack.enter_async_context(_core(network, base / "teacher", TEACHER, teacher_changed))
        student = await stack.enter_async_context(_core(network, base / "student", STUDENT, student_changed))
        await seed(teacher, student, student_changed, teacher_changed)
        space = (await teacher.commands.circles())[0][0]
        on_invite(await teacher.invite(space, role="member", uses=1, expires_hours=24))
        await trio.sleep_forever()
