"""Offline exchange: write a circle's ops to a file, and import such a file.

For study groups whose laptops cannot reach each other (or a teacher posting a
circle's history on a USB stick). The file holds the same signed, encrypted ops the
network carries, so only members (who hold the circle's keys) can read it, and an
import goes through the same checks as ops from a peer. What the file does reveal to
anyone who gets it: who wrote how many ops of which kind, and when (see docs/security.md).

The whole file is checked before anything is stored; a damaged file, or one that is
not an export, changes nothing. Runs on the trio run of the command; file reads,
checks and SQLite work happen on worker threads.
"""

from __future__ import annotations

import os
from pathlib import Path

import trio

from app.errors import CommandError
from app.services.commands import Commands
from sync import joining, writer
from sync.errors import Reason, Rejected
from sync.ids import SpaceId
from sync.invite import Invite
from sync.offline import ImportReport, export_space, import_export, read_export
from sync.replica import Replica
from sync.wire.export import MAX_EXPORT_BYTES, ExportFile, encode_export, looks_like_export


async def export_circle(commands: Commands, space: SpaceId, path: Path) -> int:
    """Write every op of `space` to `path` (atomically); returns how many ops."""
    _check_writable(path)
    export = await commands.database.run(export_space, commands.replica, space)
    try:
        data = encode_export(export)
    except Rejected as error:
        raise CommandError(f"{error.detail}; nothing was written.") from None
    await trio.to_thread.run_sync(_write_atomically, path, data)
    return len(export.envelopes)


async def import_file(commands: Commands, path: Path) -> ImportReport:
    """Check a whole export file, then ingest its ops like ops from a peer."""
    export = await trio.to_thread.run_sync(_read, path)
    try:
        report = await commands.database.run(import_export, commands.replica, export)
    except Rejected as error:
        if error.reason is Reason.WRONG_SPACE:
            raise CommandError(
                f"{path} holds circle {export.space.hex()[:12]}, which this device has not joined;"
                " join it with an invite first."
            ) from None
        raise
    if report.new:
        commands.after_write(report.changes)
    await _sign_waiting_join(commands, export.space)
    return report


async def _sign_waiting_join(commands: Commands, space: SpaceId) -> None:
    """A join waiting for a member, now holding the inviter's op from the file: sign it,
    so the person reads and writes at once, offline; a member admits it when met."""
    invite = await commands.database.run(_waiting_invite, commands.replica, space)
    if invite is None:
        return
    try:
        await commands.write(
            writer.join,
            commands.replica,
            invite,
            member_name=commands.identity.name,
            now_ms=commands.clock.now_ms(),
        )
    except Rejected as error:
        raise CommandError(
            f"The circle's history was imported, but your join could not be signed ({error.detail});"
            " ask for a new invite."
        ) from None


def _waiting_invite(replica: Replica, space: SpaceId) -> Invite | None:
    replica.refresh()
    if joining.own_join_seq(replica, space) is not None:
        return None
    invite = joining.pending_invite(replica, space)
    if invite is None or replica.context(space).info(replica.db, invite.token.at) is None:
        return None
    return invite


def _read(path: Path) -> ExportFile:
    try:
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise CommandError(f"{path} is larger than any export this version reads ({size} bytes).")
        data = path.read_bytes()
    except IsADirectoryError:
        raise CommandError(f"{path} is a directory, not an export file.") from None
    except FileNotFoundError:
        raise CommandError(f"There is no file {path}.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
    try:
        return read_export(data)
    except Rejected as error:
        raise CommandError(f"{path}: {error.detail or error.reason.value}; nothing was imported.") from None


def _check_writable(path: Path) -> None:
    if path.is_dir():
        raise CommandError(f"{path} is a directory; give a file name for the export.")
    if not path.parent.is_dir():
        raise CommandError(f"There is no folder {path.parent} to write the export into.")
    if path.exists():
        try:
            with path.open("rb") as existing:
                head = existing.read(8)
        except OSError as error:
            raise CommandError(f"Cannot check {path}: {error.strerror or error}.") from None
        if not looks_like_export(head):
            raise CommandError(f"{path} exists and is not a StudyCircle export; choose another file name.")


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never a part (temp file + rename)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from None
