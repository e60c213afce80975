"""Offline exchange: a space's ops written to an export file, and read back on another device.

Reading is all-or-nothing up to the replica: the file's checksum, its framing and every
op envelope are decoded strictly, and every op must belong to the file's space and
carry the body it signed, before a single op is handed to `Replica.ingest` — the same
admission path as ops from the network (signatures, chains, authority). Importing a
file twice changes nothing: ops already held are duplicates.

Runs on the replica's thread (the app's database worker).
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.changes import Changes
from sync.errors import Reason, Rejected
from sync.frontier import all_envelopes
from sync.ids import SpaceId
from sync.op import UnverifiedOp, check_cheap
from sync.replica import IngestResult, Replica
from sync.wire.export import ExportFile, decode_export


@dataclass(frozen=True, slots=True)
class ImportReport:
    space: SpaceId
    in_file: int
    new: int
    known: int
    pending: int
    refused: tuple[Rejected, ...]
    changes: Changes


def export_space(replica: Replica, space: SpaceId) -> ExportFile:
    """Every op this replica holds of `space`, in causal order (`encode_export` makes the file)."""
    replica.refresh()
    if not replica.has_space(space):
        raise Rejected(Reason.WRONG_SPACE, "not a space of this device")
    return ExportFile(space, tuple(all_envelopes(replica, space)))


def read_export(data: bytes) -> ExportFile:
    """Decode and check a whole export file; raises Rejected at the first problem found."""
    export = decode_export(data)
    for number, envelope in enumerate(export.envelopes, start=1):
        try:
            check_cheap(UnverifiedOp.from_wire(envelope), space=export.space)
        except Rejected as error:
            raise Rejected(
                error.reason, f"op {number} of the export: {error.detail or error.reason.value}"
            ) from None
    return export


def import_export(replica: Replica, export: ExportFile) -> ImportReport:
    """Hand a checked export's ops to the replica; refused if the space is not this device's."""
    replica.refresh()
    if not replica.has_space(export.space):
        raise Rejected(Reason.WRONG_SPACE, "the export is of a circle this device has not joined")
    result: IngestResult = replica.ingest(export.space, export.envelopes)
    return ImportReport(
        space=export.space,
        in_file=len(export.envelopes),
        new=result.accepted,
        known=result.duplicates,
        pending=result.pending,
        refused=tuple(result.rejected),
        changes=result.changes,
    )
