"""A person's files and the blobs that hold them: checking a file before it is shared
(missing, a folder, over 50 MiB: one line saying which and why), reading it into the
store, and writing a blob back out: under a safe name that never replaces anything
(`write_out`, `copy_in`), or to the very path a person chose in a Save dialog (`write_to`).

`check` and `read` run on any thread (`read` in a worker thread: it reads the disk);
`write_out` on the database worker, since it reads the blob from the store.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from app.errors import CommandError
from sync import blobs
from sync.content import MAX_FILE_BYTES
from sync.fields import MAX_NAME
from sync.ids import short
from sync.wire.blob import CHUNK_BYTES


@dataclass(frozen=True, slots=True)
class LocalFile:
    path: Path
    name: str
    size: int


def describe_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MiB ({size:,} bytes)"


def check(path: Path) -> LocalFile:
    """The file at `path`, if it can be shared; else a `CommandError` naming it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CommandError(f"No file at {path}.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise CommandError(f"{path} is a folder; share the files in it one by one.")
    if not stat.S_ISREG(info.st_mode):
        raise CommandError(f"{path} is not a regular file (a device, a pipe or a socket).")
    if info.st_size > MAX_FILE_BYTES:
        raise CommandError(
            f"{path} is {describe_size(info.st_size)}; a shared file may be at most 50 MiB"
            f" ({MAX_FILE_BYTES:,} bytes). Share a link to it instead."
        )
    if not os.access(path, os.R_OK):
        raise CommandError(f"Cannot read {path}: permission denied.")
    if len(path.name) > MAX_NAME:
        raise CommandError(f"The file name {path.name[:40]}… is too long (at most {MAX_NAME} characters).")
    return LocalFile(path, path.name, info.st_size)


def read(local: LocalFile) -> tuple[bytes, list[bytes]]:
    """(blob id, chunks) of the file's bytes, read once; refused if it changed size meanwhile."""
    hasher = blobs.hasher()
    chunks: list[bytes] = []
    size = 0
    with local.path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                break
            hasher.update(chunk)
            chunks.append(chunk)
    if size != local.size:
        raise CommandError(f"{local.path} changed while it was being read; try again.")
    return hasher.digest(), chunks


def safe_name(name: str, blob: bytes) -> str:
    """A name another member chose, made safe to create inside a folder of ours."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip().lstrip(".")
    return name or f"file-{short(blob)}"


def _free(directory: Path, name: str, number: int) -> Path:
    if number == 1:
        return directory / name
    path = Path(name)
    return directory / f"{path.stem} ({number}){path.suffix}"


def write_out(db: sqlite3.Connection, blob: bytes, directory: Path, name: str) -> Path:
    """Write the blob into `directory` as `name` (or `name (2)`, … if taken); its path."""
    name = safe_name(name, blob)
    for number in range(1, 1000):
        path = _free(directory, name, number)
        try:
            file = path.open("xb")  # exclusive: never replace what is there
        except FileExistsError:
            continue
        try:
            with file:
                for chunk in blobs.read(db, blob):
                    file.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
    raise CommandError(f"{directory} already holds a thousand files named like {name}.")


def _holds(path: Path, blob: bytes) -> bool:
    """Whether the file at `path` holds exactly the blob's bytes."""
    hasher = blobs.hasher()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            hasher.update(chunk)
    return bool(hasher.digest() == blob)


def copy_in(db: sqlite3.Connection, blob: bytes, directory: Path, name: str) -> Path:
    """The blob as a file in `directory` under its safe name: the copy already there if it
    still holds the blob's bytes, else a new one beside it (`write_out`: never replacing)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / safe_name(name, blob)
    same_size = path.is_file() and path.stat().st_size == blobs.size_of(db, blob)
    if same_size and not path.is_symlink() and _holds(path, blob):
        return path
    return write_out(db, blob, directory, name)


def write_to(db: sqlite3.Connection, blob: bytes, target: Path) -> Path:
    """Write the blob to exactly `target` (a path the person chose, who was asked before
    replacing a file there): into a hidden file beside it first, renamed over it once whole,
    so that a failure never leaves half a file or harms the one that was there."""
    if not target.parent.is_dir():
        raise CommandError(f"No folder {target.parent} to save into.")
    if target.is_dir():
        raise CommandError(f"{target} is a folder; choose a file name.")
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        with partial.open("xb") as file:
            for chunk in blobs.read(db, blob):
                file.write(chunk)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CommandError(f"Cannot save {target}: {error.strerror or error}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
