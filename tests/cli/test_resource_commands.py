"""The resource library through the CLI, in-process on real data directories: files in
and out, a file that has not arrived yet, and refusals that are one line, exit code != 0
and write nothing (a missing file, a folder, a pipe, a file of 50 MiB + 1 byte)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sync import blobs, writer
from tests.cli.conftest import Room
from tests.cli.helpers import fingerprint, open_replica


def run(room: Room, who: str, *argv: str):
    return room.cli(room.homes[who], *argv)


def copy_blob(source: Path, target: Path, space: bytes, blob: bytes) -> None:
    """What the blob service does over the network, done between two data directories."""
    giver, taker = open_replica(source), open_replica(target)
    try:
        blobs.put_chunks(taker.store, blob, list(blobs.read(giver.db, blob)), space=space)  # type: ignore[arg-type]
    finally:
        giver.store.close()
        taker.store.close()


def test_add_list_and_get_a_file(room: Room, tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000  # 1.28 MB: two chunks
    (tmp_path / "slides.pdf").write_bytes(data)
    added = run(
        room,
        "ana",
        "resource",
        "add",
        room.circle,
        "--title",
        "Week 3",
        "--url",
        "https://example.org/w3",
        "--file",
        str(tmp_path / "slides.pdf"),
        "--tag",
        "Optics",
        "--json",
    ).json()
    resource = added["resource_id"]
    listed = run(room, "ana", "resource", "list", room.circle, "--json").json()["resources"]
    assert [(r["id"], r["title"], r["url"], r["tags"]) for r in listed] == [
        (resource, "Week 3", "https://example.org/w3", ["optics"])
    ]
    assert listed[0]["files"] == [
        {"blob": blobs.blob_id(data).hex(), "name": "slides.pdf", "size": len(data), "downloaded": True}
    ]
    text = run(room, "ana", "resource", "list", room.circle).ok().out
    assert "slides.pdf  1.2 MiB" in text

    out = tmp_path / "out"
    saved = run(room, "ana", "resource", "get", resource[:8], str(out), "--json").json()["files"]
    assert [Path(f["path"]).name for f in saved] == ["slides.pdf"]
    assert (out / "slides.pdf").read_bytes() == data
    again = run(room, "ana", "resource", "get", resource[:8], str(out), "--json").json()["files"]
    assert [Path(f["path"]).name for f in again] == ["slides (2).pdf"]  # never replaces a file
    assert (out / "slides.pdf").read_bytes() == data


def test_a_file_not_here_yet_says_so_and_writes_nothing(room: Room, tmp_path: Path) -> None:
    (tmp_path / "sheet.txt").write_bytes(b"exercise 1: ...")
    resource = (
        run(
            room,
            "ana",
            "resource",
            "add",
            room.circle,
            "--title",
            "Sheet",
            "--file",
            str(tmp_path / "sheet.txt"),
        )
        .ok()
        .out.strip()
    )
    room.sync()  # ops only: the bytes move with `serve` or `sync`
    listed = run(room, "sue", "resource", "list", room.circle, "--json").json()["resources"]
    assert [f["downloaded"] for f in listed[0]["files"]] == [False]
    out = tmp_path / "sue-out"
    line = run(room, "sue", "resource", "get", resource, str(out)).refused(
        "sheet.txt", "not downloaded yet — run `serve` or `sync` with a peer that has it"
    )
    assert "\n" not in line and not out.exists()

    sue = open_replica(room.homes["sue"])  # the same bytes, held for another circle: not this one's
    try:
        blobs.put(sue.store, b"exercise 1: ...", space=bytes(32))  # type: ignore[arg-type]
    finally:
        sue.store.close()
    run(room, "sue", "resource", "get", resource, str(out)).refused("sheet.txt", "not downloaded yet")
    circle = bytes.fromhex(room.circle)
    copy_blob(room.homes["ana"], room.homes["sue"], circle, blobs.blob_id(b"exercise 1: ..."))
    run(room, "sue", "resource", "get", resource, str(out)).ok()
    assert (out / "sheet.txt").read_bytes() == b"exercise 1: ..."


def test_a_name_chosen_by_another_member_cannot_leave_the_folder(room: Room, tmp_path: Path) -> None:
    replica = open_replica(room.homes["sam"])
    try:
        blob = blobs.put(replica.store, b"#!/bin/sh\n", space=bytes.fromhex(room.circle))  # type: ignore[arg-type]
        fields = {"title": "Tools", "text": "", "files": [[blob, "../../evil.sh", 10]]}
        op, _ = writer.write(
            replica, bytes.fromhex(room.circle), "resource.add", fields, now_ms=time.time_ns() // 10**6
        )
    finally:
        replica.store.close()
    out = tmp_path / "deep" / "out"
    saved = run(room, "sam", "resource", "get", op.op_id.hex(), str(out), "--json").json()["files"]
    assert [Path(f["path"]) for f in saved] == [out / "evil.sh"]
    assert sorted(p.name for p in tmp_path.rglob("evil.sh")) == ["evil.sh"]


def test_refusals_are_one_line_and_write_nothing(room: Room, tmp_path: Path) -> None:
    huge = tmp_path / "lecture.mp4"
    with huge.open("wb") as file:
        file.truncate(50 * 1024 * 1024 + 1)  # sparse: no 50 MiB on disk
    folder = tmp_path / "folder"
    folder.mkdir()
    ana = room.homes["ana"]
    before = fingerprint(ana)
    add = ("resource", "add", room.circle, "--title", "Big")
    room.cli(ana, *add, "--file", str(huge)).refused(
        str(huge), "50.0 MiB (52,428,801 bytes)", "at most 50 MiB"
    )
    room.cli(ana, *add, "--file", str(tmp_path / "nowhere.pdf")).refused(
        f"No file at {tmp_path / 'nowhere.pdf'}"
    )
    room.cli(ana, *add, "--file", str(folder)).refused(str(folder), "folder")
    os.mkfifo(tmp_path / "pipe")  # reading it would wait forever
    room.cli(ana, *add, "--file", str(tmp_path / "pipe")).refused("not a regular file")
    room.cli(ana, *add, "--file", str(huge), "--title", "").refused("needs a title")
    room.cli(ana, "resource", "add", room.circle, "--title", "Empty").refused("a link, a text or a file")
    room.cli(ana, *add, "--url", "ftp://x").refused("http://")
    assert fingerprint(ana) == before
    assert os.stat(huge).st_blocks * 512 < 1024 * 1024  # the test itself stayed small
    room.cli(ana, "resource", "get", "ffff", str(tmp_path / "x")).refused("resource")
    listed = run(room, "ana", "resource", "list", room.circle, "--json").json()
    assert listed["resources"] == []
