"""The files attached to a submitted version (a PDF, an image): which of them are here, and
writing them into a folder (`submission files`), for exactly those who may already read
the version's text in the services: its author (every version), a reviewer allocated to
the submission in the open review round (the version allocated to them, as `review list`
shows it) and teachers (every version). Anyone else is refused in one line; the answer
never names the author (anonymity: the files are the work itself, as the text is).

The bytes are blobs the circle refers to (`sync.blobs`: `assign_versions`), so every
member's device fetches them like a resource's files (`app.network.blob_service`); one
not held here for the circle yet is listed as not downloaded and not written. Opening and
saving one file from the desktop goes through `app.services.resources` (`open_copy`,
`save_file_as`), which serve any file the circle refers to. Runs on the database worker.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.errors import CommandError
from app.services import files as local_files
from app.services.assignments import FoundAssignment, _find_submission
from app.services.commands import Commands
from app.services.resources import NOT_HERE
from app.services.rows import SavedFile, SubmittedFile, VersionFiles
from sync import assignments as reads
from sync import blobs, pseudonym, writer
from sync.assignments import SubmissionView, VersionView
from sync.ids import SpaceId
from sync.policy import Level
from sync.reducers.assess import allocation_at, person_of, phase_at
from sync.replica import Replica

NOT_YOURS = "Only its author, the reviewers allocated to it and teachers see a submission's files."


def files_of(replica: Replica, space: SpaceId, version: VersionView) -> tuple[SubmittedFile, ...]:
    """The version's files, each saying whether its bytes are held here for the circle."""
    return tuple(
        SubmittedFile(blob.hex(), name, size, blobs.held_in(replica.db, space, blob))
        for blob, name, size in version.files
    )


def _reviewed_version(replica: Replica, space: SpaceId, assignment: bytes, work: SubmissionView) -> int:
    """The version this device's pseudonym reviews in the open review round (0: none)."""
    db = replica.db
    now = phase_at(db, space, assignment, None)
    if now.phase != "review":
        return 0
    me = pseudonym.pseudonym_key(replica.key, space, assignment).device_id
    if me not in allocation_at(db, space, now.op_id, None, only=work.submission).get(work.submission, ()):
        return 0
    return reads.allocated_version(db, space, now.op_id, work.submission) or work.latest.version


def _readable(
    replica: Replica, space: SpaceId, assignment: bytes, work: SubmissionView, asked: int | None
) -> VersionView:
    """The version asked for (None: the one this reader sees first), if they may read it;
    whoever may not is told only that (not how many versions there are)."""
    db = replica.db
    reviewed = 0
    mine = person_of(db, space, replica.key.device_id) == work.person
    if not (mine or writer.my_level(replica, space) >= Level.TEACHER):
        reviewed = _reviewed_version(replica, space, assignment, work)
        if not reviewed:
            raise CommandError(NOT_YOURS)
    numbers = [v.version for v in work.versions]
    if asked is not None and asked not in numbers:
        raise CommandError(
            f"This submission has versions {numbers[0]} to {numbers[-1]}; there is no version {asked}."
            if len(numbers) > 1
            else f"This submission has only version {numbers[0]}; there is no version {asked}."
        )
    if reviewed and asked is not None and asked != reviewed:
        raise CommandError(
            f"You review version {reviewed} of this submission; its other versions are not yours to read."
        )
    wanted = reviewed or (work.latest.version if asked is None else asked)
    return next(v for v in work.versions if v.version == wanted)


def _find(replica: Replica, typed: str, asked: int | None) -> VersionFiles:
    space, assignment, submission = _find_submission(replica, typed)
    work = next(w for w in reads.submissions(replica.db, space, assignment) if w.submission == submission)
    version = _readable(replica, space, assignment, work, asked)
    return VersionFiles(
        submission.hex(), version.version, len(work.versions), files_of(replica, space, version)
    )


def _listing(replica: Replica, typed: str, version: int | None) -> VersionFiles:
    replica.refresh()
    return _find(replica, typed, version)


async def listing(commands: Commands, typed: str, version: int | None = None) -> VersionFiles:
    """The files of a version of the submission `typed` (an id or its prefix); `version`
    None: the latest (a reviewer's: the one allocated to them)."""
    return await commands.database.run(_listing, commands.replica, typed, version)


def _latest_of_each(replica: Replica, found: FoundAssignment) -> tuple[VersionFiles, ...]:
    replica.refresh()
    if writer.my_level(replica, found.space) < Level.TEACHER:
        raise CommandError(NOT_YOURS)
    return tuple(
        VersionFiles(
            work.submission.hex(),
            work.latest.version,
            len(work.versions),
            files_of(replica, found.space, work.latest),
        )
        for work in reads.submissions(replica.db, found.space, found.assignment)
    )


async def latest_of_each(commands: Commands, found: FoundAssignment) -> tuple[VersionFiles, ...]:
    """Teachers: the files of every submission's latest version (the work they assess)."""
    return await commands.database.run(_latest_of_each, commands.replica, found)


def _writable_folder(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory} is a file, not a folder; nothing was saved.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(
            f"Cannot make the folder {directory}: {error.strerror or error}; nothing was saved."
        ) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise CommandError(f"Cannot write into {directory}: permission denied; nothing was saved.")


def _save(
    replica: Replica, typed: str, version: int | None, directory: Path
) -> tuple[VersionFiles, list[SavedFile]]:
    """Write every file of the version into `directory`, under names that cannot leave it
    and never replace a file there (`files.write_out`); nothing at all if one is not here
    yet, the folder cannot be written, or writing one fails (those written are removed)."""
    replica.refresh()
    found = _find(replica, typed, version)
    if not found.files:
        raise CommandError(f"Version {found.version} of this submission has no files attached.")
    missing = [file.name for file in found.files if not file.downloaded]
    if missing:
        raise CommandError(f"{', '.join(missing)}: {NOT_HERE}.")
    _writable_folder(directory)
    saved: list[SavedFile] = []
    try:
        for file in found.files:
            path = local_files.write_out(replica.db, bytes.fromhex(file.blob), directory, file.name)
            saved.append(SavedFile(file.name, file.size, str(path)))
    except OSError as error:
        for done in saved:
            Path(done.path).unlink(missing_ok=True)
        raise CommandError(
            f"Cannot save into {directory}: {error.strerror or error}; nothing was saved."
        ) from None
    except BaseException:
        for done in saved:
            Path(done.path).unlink(missing_ok=True)
        raise
    return found, saved


async def save(
    commands: Commands, typed: str, version: int | None, directory: Path
) -> tuple[VersionFiles, list[SavedFile]]:
    """`_save` on the database worker: the version's files, and where each was written."""
    return await commands.database.run(_save, commands.replica, typed, version, directory)
