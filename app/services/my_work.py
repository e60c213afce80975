"""A student's own work on an assignment: every version they submitted (text, the note
on what changed, when, the files attached), oldest first. Runs on the database worker."""

from __future__ import annotations

from app.services.assignments import FoundAssignment
from app.services.commands import Commands
from app.services.items import when
from app.services.rows import MyVersion
from app.services.submission_files import files_of
from sync import assignments as reads
from sync.reducers.assess import person_of
from sync.replica import Replica


def _versions(replica: Replica, found: FoundAssignment) -> tuple[MyVersion, ...]:
    replica.refresh()
    person = person_of(replica.db, found.space, replica.key.device_id)
    for work in reads.submissions(replica.db, found.space, found.assignment):
        if work.person == person:
            return tuple(
                MyVersion(v.version, v.text, v.note, when(v.hlc), files_of(replica, found.space, v))
                for v in work.versions
            )
    return ()


async def versions(commands: Commands, found: FoundAssignment) -> tuple[MyVersion, ...]:
    return await commands.database.run(_versions, commands.replica, found)
