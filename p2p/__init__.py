"""Peer-to-peer transport: carries bytes between peers over libp2p; knows nothing of ops.

Start at `p2p.interface` (the `PeerHost` and `Network` protocols); `p2p.host` is the real
network, `p2p.memory` the in-memory one. docs/network.md describes the design.
"""
