"""The sync service's timings and switches (`SyncSettings`), one frozen value that every
part of the service reads; tests pass faster ones."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SyncSettings:
    # Another process that writes ops wakes us (`app.wake_up`); in case a wake-up is lost,
    # this often `stat` the database files and look in the database if they changed.
    poll_interval: float = 1.0
    digest_interval: float = 5.0  # how often to announce what we hold
    reconcile_interval: float = 20.0  # timer: reconcile each space with one member peer, at random
    gossip_grace: float = 2.0  # a gap or a peer ahead: reconcile if gossip has not filled it by then
    # A connected member heard nothing from in a space for this long (it gossips a digest
    # every `digest_interval`) is reconciled with directly: gossip can miss one peer.
    gossip_silence: float = 15.0
    connect_grace: float = 1.0  # on connecting, how long the larger peer id waits for the other's session
    handshake_timeout: float = 60.0  # connected this long with no accepted session: disconnect
    gossip: bool = True  # off only in tests that prove reconciliation alone suffices
