"""py-libp2p's auto-connector, stopped: dialing is the app's decision.

Owns: `stop_auto_dialing(swarm)`, called once the swarm runs. py-libp2p 0.8.1 starts an
`AutoConnector` with every swarm (`Swarm.run`); it re-dials peers from the peerstore
every few seconds, and at once whenever a connection closes
(`Swarm._schedule_auto_connect`), which undid `disconnect` and bans. There is no option
to leave it off, and `Swarm.auto_connector` is not part of `INetwork`; `stop()` clears
the flag its periodic task and `maybe_connect` check. Canary in
tests/p2p/test_upstream_patches.py; docs/upstream.md, "auto_dialing". Runs on the
host's trio run.
"""

from __future__ import annotations

from libp2p.network.swarm import Swarm


async def stop_auto_dialing(swarm: Swarm) -> None:
    await swarm.auto_connector.stop()
