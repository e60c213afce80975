"""The Coaching screens for `ui.screenshots`: a circle of three teachers (Ana — the
window's person — Sue and Tom, in-process cores on the demo network) with profiles,
Ana's pair with Sue (one cycle closed with its goal met, the next one observed and
waiting for Ana's response), a direct conversation with Tom, and an anonymous survey
answered by all three; then the pages grabbed: My pairs, Find a coach, Messages and the
circle's Surveys tab.

The seeding runs on the core thread (`_seed`), written through the same services the
widgets use, each step waiting until the other side holds what it needs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import trio
from PySide6.QtWidgets import QProgressBar

from app.services import coaching, messages, surveys
from sync.ids import SpaceId
from ui.main_window import MainWindow
from ui.runtime import Runtime

if TYPE_CHECKING:
    from app.core import Core
    from app.launch import Network


async def _until(check: Callable[[], Awaitable[bool]], deadline: float = 60.0) -> None:
    with trio.fail_after(deadline):
        while not await check():
            await trio.sleep(0.1)


def _addresses(core: Core) -> list[str]:
    return [a for a in core.host.listen_addrs() if "/ip4/0.0.0.0/" not in a]


async def _cycles(core: Core, pair: SpaceId, count: int, test: Callable[[list], bool]) -> None:
    async def holds() -> bool:
        cycles = await coaching.show(core.commands, pair)
        return len(cycles) >= count and test(cycles)

    await _until(holds)


async def _cycle(ana: Core, sue: Core, pair: SpaceId, n: int, title: str, goal: str, success: str) -> str:
    """A cycle where Ana is observed: opened by Sue, Ana's goal agreed by both, Sue's
    observation recorded. The cycle's id."""
    await coaching.open_cycle(sue.commands, pair, "Ana", title)
    await _cycles(ana, pair, n, lambda c: True)
    cycle_id = (await coaching.show(ana.commands, pair))[n - 1].id
    found = await coaching.find_in_pair(ana.commands, cycle_id, "cycle")
    await coaching.add_goal(ana.commands, found, goal, success)
    await _cycles(sue, pair, n, lambda c: bool(c[n - 1].goals))
    for person in (ana, sue):
        goal_id = (await coaching.show(person.commands, pair))[n - 1].goals[0].id
        await coaching.agree(person.commands, await coaching.find_in_pair(person.commands, goal_id, "goal"))
    await _cycles(sue, pair, n, lambda c: c[n - 1].goals[0].agreed)
    return cycle_id


async def _seed(ana: Core, network: Network, base: Path) -> tuple[SpaceId, SpaceId, SpaceId]:
    """The circle, Ana's pair with Sue and her conversation with Tom. On the core thread."""
    from app.demo import _Changed, _core

    space = await ana.create_circle("Year 7 teachers")
    async with (
        _core(network, base / "sue", "Sue", _Changed()) as sue,
        _core(network, base / "tom", "Tom", _Changed()) as tom,
    ):
        for other in (sue, tom):
            await other.join(await ana.invite(space, role="member", uses=1))
        for person, helps, helps_text, wants, wants_text in (
            (ana, ["feedback"], "I give feedback on group work", ["questioning", "wait-time"],
             "I move on too fast after a question"),
            (sue, ["questioning", "wait-time"], "Two years of work on questioning", ["feedback"], ""),
            (tom, ["group-work", "questioning"], "Mixed-ability groups", ["behaviour"], ""),
        ):  # fmt: skip
            await coaching.set_profile(person.commands, space, can_help=helps, can_help_text=helps_text,
                                       wants=wants, wants_text=wants_text)  # fmt: skip

        # Ana asks Sue to coach her on questioning; Sue joins and accepts.
        pair, _ = await coaching.propose(ana.commands, space, "Sue", topic="questioning",
                                         addresses=_addresses(ana))  # fmt: skip

        async def offered() -> bool:
            return bool(await coaching.offers_to_me(sue.commands, space))

        await _until(offered)
        (offer,) = await coaching.offers_to_me(sue.commands, space)
        await coaching.accept(sue.commands, await sue.join(offer.code))
        await _until(lambda: _formed(ana, pair))

        first = await _cycle(ana, sue, pair, 1, "Wait time", "Wait 3 s after each question",
                             "More hands up, longer answers")  # fmt: skip
        found = await coaching.find_in_pair(sue.commands, first, "cycle")
        await coaching.observe(sue.commands, found, "Wait time after questions",
                               "Waited 3 s or more after 5 of 7 questions; 9 hands up on the last one",
                               "What did you notice when the silence felt long?")  # fmt: skip
        await _cycles(ana, pair, 1, lambda c: bool(c[0].observations))
        obs = (await coaching.show(ana.commands, pair))[0].observations[0].id
        parent = await coaching.find_in_pair(ana.commands, obs, "feedback-parent")
        await coaching.feedback(ana.commands, parent, "I counted in my head; it felt long but it worked.")
        await coaching.reflect(ana.commands, found, "Counting to three works; I need a follow-up question.")
        await coaching.reflect(sue.commands, found, "Counts made this easy to talk about.")
        await _cycles(ana, pair, 1, lambda c: len(c[0].reflections) == 2)
        goal_id = (await coaching.show(ana.commands, pair))[0].goals[0].id
        mine = await coaching.find_in_pair(ana.commands, first, "cycle")
        await coaching.close_cycle(ana.commands, mine, [goal_id], ["Ask a follow-up question"])
        await _cycles(sue, pair, 1, lambda c: c[0].closed)

        second = await _cycle(ana, sue, pair, 2, "Follow-up questions", "Ask a follow-up question",
                              "Students explain their first answer")  # fmt: skip
        found = await coaching.find_in_pair(sue.commands, second, "cycle")
        await coaching.observe(sue.commands, found, "Follow-up questions",
                               "4 follow-ups in 20 minutes; 3 students explained their reasoning",
                               "Which follow-up worked best?")  # fmt: skip
        await _cycles(ana, pair, 2, lambda c: bool(c[1].observations))

        # A conversation with Tom, and a survey all three answered.
        talk, _ = await coaching.propose(tom.commands, space, "Ana", purpose="direct",
                                         addresses=_addresses(tom))  # fmt: skip

        async def ana_offered() -> bool:
            return bool(await coaching.offers_to_me(ana.commands, space))

        await _until(ana_offered)
        (offer,) = await coaching.offers_to_me(ana.commands, space)
        await ana.join(offer.code)
        await messages.send(tom.commands, talk, "Could I sit in on your Year 7 lesson on Thursday?")
        await _until(lambda: _messages(ana, talk, 1))
        await messages.send(ana.commands, talk, "Yes, period 3. Sue is observing my questioning too.")
        await _until(lambda: _messages(tom, talk, 2))
        await messages.send(tom.commands, talk, "Great, I will bring the group-work checklist.")
        await _until(lambda: _messages(ana, talk, 3))

        questions = [
            surveys.parse_question("choice", "Is peer observation useful?|yes|somewhat|no"),
            surveys.parse_question("scale", "How confident are you with questioning?|1|5"),
            surveys.parse_question("text", "What would you like to be observed on?"),
        ]
        await surveys.open_survey(tom.commands, space, "Start of term", anonymous=True, questions=questions)
        people = (tom, sue, ana)
        for person in people:  # anonymous: each joins, Tom admits them all, then each answers

            async def listed(person: Core = person) -> bool:
                return bool(await surveys.listing(person.commands, space))

            await _until(listed)
            (row,) = await surveys.listing(person.commands, space)
            await surveys.join(person.commands, await surveys.find_survey(person.commands, row.id))

        async def all_joined() -> bool:
            found = await surveys.find_survey(tom.commands, row.id)
            return (await surveys.part(tom.commands, found)).joined_count == len(people)

        await _until(all_joined)
        await surveys.admit(tom.commands, await surveys.find_survey(tom.commands, row.id))
        for person, answers in (
            (tom, ["yes", "3", "group work"]),
            (sue, ["yes", "4", "feedback after observations"]),
            (ana, ["somewhat", "2", "wait time"]),
        ):

            async def admitted(person: Core = person) -> bool:
                found = await surveys.find_survey(person.commands, row.id)
                return (await surveys.part(person.commands, found)).admitted

            await _until(admitted)
            await surveys.answer(person.commands, await surveys.find_survey(person.commands, row.id), answers)

        async def counted() -> bool:
            return [r.respondents for r in await surveys.listing(ana.commands, space)] == [3]

        await _until(counted)
    return space, pair, talk


async def _formed(core: Core, pair: SpaceId) -> bool:
    return any(p.pair == pair.hex() and p.formed for p in await coaching.pairs(core.commands))


async def _messages(core: Core, talk: SpaceId, n: int) -> bool:
    try:
        return len(await messages.read(core.commands, talk)) >= n
    except Exception:  # not joined yet
        return False


async def coaching_screens(
    runtime: Runtime,
    window: MainWindow,
    save: Callable[[MainWindow, str], None],
    base: Path,
    until: Callable[[Callable[[], bool]], Awaitable[None]],
) -> None:
    core, network = window.session.core, window.session.network
    assert core is not None and network is not None
    space, pair, talk = await runtime.core_thread.call(lambda: _seed(core, network, base))
    await until(lambda: any(known == space for known, _ in window.circle_names))
    window.show_coaching()
    page = window.coaching
    pairs = page.pairs
    pairs.pair = pair
    pairs.query.refresh()
    await until(
        lambda: len(pairs.cycles) == 2 and pairs.step == "respond" and pairs.history.topLevelItemCount() == 2
    )
    save(window, "coaching-pair")
    page.tabs.setCurrentWidget(page.finder)
    finder = page.finder
    await until(lambda: any(known == space for known, _ in finder.circles))
    finder.choose_circle(space)
    finder.tag.setText("questioning")
    await until(lambda: finder.members.topLevelItemCount() == 2 and finder.can_help.text() == "feedback")
    save(window, "find-a-coach")
    page.tabs.setCurrentWidget(page.messages)
    page.messages.show_conversation(talk)
    await until(lambda: page.messages.log.count() == 3)
    save(window, "messages")
    circle = window.circle(space)
    circle.tabs.setCurrentWidget(circle.surveys)
    await until(lambda: ("yes", 2) in circle.surveys.bars())
    bars = circle.surveys.chart.findChildren(QProgressBar)
    await until(lambda: all(bar.isVisible() for bar in bars))
    save(window, "survey-results")
