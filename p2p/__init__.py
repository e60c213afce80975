"""Peer-to-peer transport: carries bytes between peers over libp2p; knows nothing of ops.

Start at `p2p.interface` (the `PeerHost` and `Network` protocols); `p2p.host` is the real
network, `p2p.memory` the in-memory one. docs/network.md describes the design.
"""

from p2p.upstream import deferred_imports

# Before any p2p module imports libp2p: keep the libraries its ACME client imports (and
# our hosts never use) out of memory until something uses them (p2p.upstream.deferred_imports).
deferred_imports.install()
