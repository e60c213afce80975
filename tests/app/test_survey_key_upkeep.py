"""An anonymous survey's key is renewed when a member is removed by someone other than
its owner: the removal arrives at the owner's device, which renews the key by itself
(`app.services.surveys.KeyUpkeep`), once, so the removed member's answer stops counting
everywhere. Real cores with SQLite files, on both networks."""

from __future__ import annotations

from contextlib import AsyncExitStack

from app.services import surveys
from app.services.commands import Commands
from p2p.interface import Network
from sync import survey_keys
from tests.app.conftest import Changed, core_for


async def _respondents(commands: Commands, survey_id: str) -> tuple[int, int]:
    results = await surveys.results(commands, await surveys.find_survey(commands, survey_id))
    return results.survey.respondents, results.admitted


async def test_a_removal_by_another_teacher_renews_the_owners_key_once(
    network: Network, homes, changed: Changed
) -> None:
    async with AsyncExitStack() as stack:
        tom = await stack.enter_async_context(core_for(network, homes("tom"), changed))
        space = await tom.create_circle("Year 9 science")
        people = []
        for name in ("tia", "sam", "sue"):
            code = await tom.invite(space)
            person = await stack.enter_async_context(core_for(network, homes(name), changed))
            await person.join(code)
            people.append(person)
        tia, sam, sue = people
        await tom.commands.set_role(space, await tom.commands.resolve_member(space, "tia"), "teacher")
        opened = await surveys.open_survey(
            tom.commands, space, "Pulse", anonymous=True, questions=[["scale", "How is it going?", [1, 5]]]
        )
        survey_id = opened.hex()

        async def holds_survey(core) -> bool:
            return bool(await surveys.listing(core.commands, space))

        for person in (sam, sue):
            await changed.until(lambda person=person: holds_survey(person))
            await surveys.join(person.commands, await surveys.find_survey(person.commands, survey_id))

        await changed.until(lambda: _joined(tom, survey_id, 2))
        await surveys.admit(tom.commands, await surveys.find_survey(tom.commands, survey_id))
        for person, value in ((sam, "2"), (sue, "4")):

            async def admitted(person=person) -> bool:
                found = await surveys.find_survey(person.commands, survey_id)
                return (await surveys.part(person.commands, found)).admitted

            await changed.until(admitted)
            await surveys.answer(
                person.commands, await surveys.find_survey(person.commands, survey_id), [value]
            )

        async def counted(core, expected: tuple[int, int]) -> bool:
            return await _respondents(core.commands, survey_id) == expected

        await changed.until(lambda: counted(tom, (2, 2)))
        await changed.until(lambda: counted(tia, (2, 2)))

        # Tia, a teacher but not the survey's owner, removes Sam; her own client cannot
        # renew Tom's key. Tom's device hears of the removal and renews it by itself.
        await tia.commands.remove(space, await tia.commands.resolve_member(space, "sam"))
        for core in (tom, tia, sue):
            await changed.until(lambda core=core: counted(core, (0, 0)))

        def rekeys(core) -> int:
            return core.database.replica.db.execute(
                "SELECT count(*) FROM ops WHERE kind = 'survey.rekey' AND status = 0"
            ).fetchone()[0]

        assert await tom.database.run(rekeys, tom) == 1
        stale = await tom.database.run(
            lambda: survey_keys.removals_since_key(tom.database.replica, space, opened)
        )
        assert stale == 0
        # Sue joins again under the new key and is counted; Sam's old answer is not.
        await surveys.join(sue.commands, await surveys.find_survey(sue.commands, survey_id))
        await changed.until(lambda: _joined(tom, survey_id, 1))
        await surveys.admit(tom.commands, await surveys.find_survey(tom.commands, survey_id))

        async def sue_admitted() -> bool:
            found = await surveys.find_survey(sue.commands, survey_id)
            return (await surveys.part(sue.commands, found)).admitted

        await changed.until(sue_admitted)
        await surveys.answer(sue.commands, await surveys.find_survey(sue.commands, survey_id), ["4"])
        await changed.until(lambda: counted(tom, (1, 1)))


async def _joined(core, survey_id: str, count: int) -> bool:
    found = await surveys.find_survey(core.commands, survey_id)
    return (await surveys.part(core.commands, found)).joined_count == count
