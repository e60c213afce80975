"""Settings of a p2p host: listen addresses, stream limits, gossip tuning, peer conduct.

Owns: the frozen settings values the composition root passes to `open_host`.
Plain values: no task or thread. The reasons behind the defaults are in docs/network.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KIB = 1 << 10
MIB = 1 << 20


@dataclass(frozen=True, slots=True)
class StreamLimits:
    """Limits every framed stream enforces, in both directions."""

    max_frame_size: int = 4 * MIB
    read_timeout: float = 30.0
    write_timeout: float = 30.0
    # Streams a single peer may have open towards us at once; more are reset on arrival.
    max_inbound_streams_per_peer: int = 16


@dataclass(frozen=True, slots=True)
class GossipSettings:
    """Gossipsub tuned for one topic per space carrying small ops and frontier hints."""

    heartbeat_interval: float = 1.0
    max_message_size: int = 256 * KIB
    # Per peer and topic, counting our own publishes too: py-libp2p's default of 10
    # would throttle a burst of local edits.
    max_messages_per_second: float = 200.0
    # Each peer receives a message about `mesh_degree` times (docs/network.md).
    mesh_degree: int = 3
    mesh_degree_low: int = 2
    mesh_degree_high: int = 4
    seen_ttl: int = 120
    # Messages waiting for a slow topic handler; more are dropped (gossip is a hint).
    delivery_queue_size: int = 1024


@dataclass(frozen=True, slots=True)
class ConductPolicy:
    """How misbehaviour adds up to a ban, and how both wear off."""

    ban_threshold: float = 10.0
    # A first ban. Each earlier ban still remembered (a strike) doubles the next one, up
    # to `max_ban_duration`: a device that erred once is served again after 10 min, a
    # peer that keeps sending garbage is refused for longer each time it comes back.
    ban_duration: float = 600.0
    max_ban_duration: float = 7 * 86_400.0
    # Strikes halve over this many seconds: a day later, one old ban counts half.
    strike_half_life: float = 86_400.0
    # Penalty points halve over this many seconds, so rare glitches never add up.
    penalty_half_life: float = 600.0
    oversized_frame_points: float = 5.0
    invalid_gossip_points: float = 1.0


@dataclass(frozen=True, slots=True)
class HostConfig:
    """Everything `open_host` needs besides the device key."""

    # All interfaces, a free port. Tests pass ("/ip4/127.0.0.1/tcp/0",).
    listen_addrs: tuple[str, ...] = ("/ip4/0.0.0.0/tcp/0",)
    mdns: bool = True
    # Our own DNS-SD service type, so that mDNS finds StudyCircle devices only, not every
    # libp2p node on the LAN (py-libp2p's "private network" form of the libp2p spec).
    mdns_service_type: str = "_p2p-studycircle._udp.local."
    dial_discovered: bool = True
    dial_timeout: float = 10.0
    # A connection whose peer acknowledged nothing for this long is dropped (and the
    # session redials); TCP alone would wait ~15 minutes (p2p/dead_peers.py).
    silent_peer_timeout: float = 20.0
    streams: StreamLimits = field(default_factory=StreamLimits)
    gossip: GossipSettings = field(default_factory=GossipSettings)
    conduct: ConductPolicy = field(default_factory=ConductPolicy)
