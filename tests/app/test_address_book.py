"""The address book (last-known addresses of other devices) and the stable listening port."""

from __future__ import annotations

import socket
from pathlib import Path

from app.address_book import BOOK_FILE, MAX_ADDRESSES_EACH, MAX_DEVICES, addresses_for, known, record
from app.launch import PORT_FILE, stable_port


def test_the_most_recent_first_bounded_and_a_damaged_file_forgotten(tmp_path: Path) -> None:
    record(tmp_path, "aa", ["/ip4/10.0.0.1/tcp/1"])
    record(tmp_path, "bb", [f"/ip4/10.0.0.2/tcp/{n}" for n in range(10)])
    record(tmp_path, "aa", ["/ip4/10.0.0.3/tcp/1"])
    assert list(known(tmp_path)) == ["aa", "bb"]
    assert known(tmp_path)["aa"] == ["/ip4/10.0.0.3/tcp/1"]
    assert len(known(tmp_path)["bb"]) == MAX_ADDRESSES_EACH
    for n in range(MAX_DEVICES + 5):
        record(tmp_path, f"{n:04x}", ["/ip4/10.0.1.1/tcp/1"])
    assert len(known(tmp_path)) == MAX_DEVICES
    (tmp_path / BOOK_FILE).write_text("[{]")
    assert known(tmp_path) == {}


def test_an_invite_carries_our_addresses_then_members_only(tmp_path: Path) -> None:
    record(tmp_path, "member", ["/ip4/10.0.0.7/tcp/4001"])
    record(tmp_path, "stranger", ["/ip4/10.0.0.9/tcp/4001"])
    carried = addresses_for(tmp_path, ["member", "nobody"], own=["/ip4/10.0.0.1/tcp/4001"])
    assert carried == ["/ip4/10.0.0.1/tcp/4001", "/ip4/10.0.0.7/tcp/4001"]


def test_the_same_port_again_unless_it_is_taken(tmp_path: Path) -> None:
    first = stable_port(tmp_path)
    assert first > 0 and (tmp_path / PORT_FILE).read_text() == str(first)
    assert stable_port(tmp_path) == first
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("0.0.0.0", first))
        holder.listen()
        other = stable_port(tmp_path)
    assert other not in (0, first)
    assert stable_port(tmp_path) == other
