"""Export file format: one space's ops in a file, for offline exchange (USB stick, e-mail).

file     = magic · payload · checksum
magic    = b"SCX1"  ("StudyCircle eXport", format 1; a later format is b"SCX2", …)
payload  = canonical msgpack [space (bin 32), [envelope, ...]]   (envelope: see op.py)
checksum = BLAKE2b-256 (person b"sc-export") of magic · payload, 32 raw bytes

The checksum catches a damaged or truncated file before anything is ingested; it is
not a signature (anyone can write one). Trust comes from the ops themselves: every
envelope is decoded strictly and verified like one from the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, SpaceId, digest
from sync.wire.canonical import pack_flat, unpack_canonical
from sync.wire.op import MAX_ENVELOPE_BYTES

MAGIC_PREFIX = b"SCX"
FORMAT = 1
MAGIC = MAGIC_PREFIX + str(FORMAT).encode("ascii")
CHECKSUM_PERSON = b"sc-export"
MAX_EXPORT_BYTES = 1 << 30
MAX_EXPORT_OPS = 4_000_000


@dataclass(frozen=True, slots=True)
class ExportFile:
    space: SpaceId
    envelopes: tuple[bytes, ...]


def encode_export(export: ExportFile) -> bytes:
    """The file's bytes; refused (`OVERSIZE`) past the caps `decode_export` reads with."""
    if len(export.envelopes) > MAX_EXPORT_OPS:
        raise Rejected(
            Reason.OVERSIZE,
            f"This circle holds {len(export.envelopes):,} ops; an export file holds at most"
            f" {MAX_EXPORT_OPS:,} (what any device reads). Sync with a peer instead",
        )
    body = MAGIC + pack_flat([export.space, list(export.envelopes)])
    if len(body) + HASH_LEN > MAX_EXPORT_BYTES:
        raise Rejected(
            Reason.OVERSIZE,
            f"This circle's history is {len(body) + HASH_LEN:,} bytes; an export file holds at most"
            f" {MAX_EXPORT_BYTES:,} (what any device reads). Sync with a peer instead",
        )
    return body + digest(body, person=CHECKSUM_PERSON)


def looks_like_export(head: bytes) -> bool:
    """Whether bytes start like an export file of any format (to avoid overwriting other files)."""
    return head[: len(MAGIC_PREFIX)] == MAGIC_PREFIX


def decode_export(data: bytes) -> ExportFile:
    """Check magic and checksum, then decode strictly; envelopes are not yet decoded."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise Rejected(Reason.MALFORMED, "not bytes")
    data = bytes(data)
    if not looks_like_export(data) or len(data) < len(MAGIC):
        raise Rejected(Reason.MALFORMED, "this is not a StudyCircle export file")
    if data[: len(MAGIC)] != MAGIC:
        version = data[len(MAGIC_PREFIX) : len(MAGIC)]
        raise Rejected(
            Reason.MALFORMED, f"this export has format {version!r}, which this version cannot read"
        )
    if len(data) > MAX_EXPORT_BYTES:
        raise Rejected(Reason.OVERSIZE, f"the export is larger than {MAX_EXPORT_BYTES >> 20} MiB")
    if len(data) < len(MAGIC) + HASH_LEN:
        raise Rejected(Reason.MALFORMED, "the export file is truncated")
    body, checksum = data[:-HASH_LEN], data[-HASH_LEN:]
    if digest(body, person=CHECKSUM_PERSON) != checksum:
        raise Rejected(
            Reason.MALFORMED, "the export file is damaged or truncated (its checksum does not match)"
        )
    value = unpack_canonical(
        body[len(MAGIC) :],
        max_bytes=MAX_EXPORT_BYTES,
        max_items=MAX_EXPORT_OPS,
        max_str=0,
        max_bin=MAX_ENVELOPE_BYTES,
    )
    if not isinstance(value, list) or len(value) != 2:
        raise Rejected(Reason.MALFORMED, "the export's contents are not [space, ops]")
    space, envelopes = value
    if not isinstance(space, bytes) or len(space) != HASH_LEN:
        raise Rejected(Reason.MALFORMED, "the export's space id is malformed")
    if not isinstance(envelopes, list) or not all(isinstance(envelope, bytes) for envelope in envelopes):
        raise Rejected(Reason.MALFORMED, "the export's ops are malformed")
    return ExportFile(SpaceId(space), tuple(envelopes))
