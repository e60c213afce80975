"""The py-libp2p host as StudyCircle runs it: TCP + Noise + yamux, and nothing else.

Owns: `build_libp2p_host` and the security gate that refuses banned peers right after
the Noise handshake, before any stream, identify or gossip exchange. py-libp2p's
`new_host` defaults would also offer TLS, secio and plaintext and mplex; we pass our
own security and muxer tables so none of those is ever negotiated. No pnet (no psk).
Construction is synchronous; the host then runs on the trio run that starts it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from libp2p import new_host
from libp2p.abc import IRawConnection, ISecureConn
from libp2p.crypto.keys import KeyPair
from libp2p.crypto.x25519 import create_new_key_pair as create_x25519_key_pair
from libp2p.custom_types import TProtocol
from libp2p.host.basic_host import BasicHost
from libp2p.network.config import ConnectionConfig
from libp2p.peer.id import ID
from libp2p.security.exceptions import HandshakeFailure
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_PROTOCOL_ID
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_PROTOCOL_ID
from libp2p.stream_muxer.yamux.yamux import Yamux
from multiaddr import Multiaddr

from p2p.identity import PeerId, short

PeerGate = Callable[[PeerId], bool]
"""True when a peer must be refused (it is banned)."""

# Small circles on a LAN: a few dozen connections at most. py-libp2p's defaults aim at
# the public DHT (300 connections, an auto-connector keeping 50 open).
_MAX_CONNECTIONS = 200


class GatedNoise(NoiseTransport):
    """Noise XX, then a check of the authenticated remote peer against the ban list.

    This is the equivalent of go-libp2p's `InterceptSecured`: the first point where the
    remote identity is proven, and before the muxer, so a banned peer gets no stream.
    """

    def __init__(self, key_pair: KeyPair, *, refuses: PeerGate) -> None:
        # The Noise static key is per run; the identity binding is the libp2p key's signature.
        super().__init__(key_pair, noise_privkey=create_x25519_key_pair().private_key)
        self._refuses = refuses

    async def secure_inbound(self, conn: IRawConnection) -> ISecureConn:
        return await self._admit(await super().secure_inbound(conn))

    async def secure_outbound(self, conn: IRawConnection, peer_id: ID) -> ISecureConn:
        return await self._admit(await super().secure_outbound(conn, peer_id))

    async def _admit(self, secure_conn: ISecureConn) -> ISecureConn:
        peer_id = PeerId(secure_conn.get_remote_peer().to_base58())
        if self._refuses(peer_id):
            await secure_conn.close()
            raise HandshakeFailure(f"peer {short(peer_id)} is banned")
        return secure_conn


def build_libp2p_host(
    key_pair: KeyPair,
    *,
    listen_addrs: Sequence[str],
    refuses: PeerGate,
    dial_timeout: float,
    negotiate_timeout: float,
) -> BasicHost:
    connection_config = ConnectionConfig(
        max_connections=_MAX_CONNECTIONS,
        min_connections=0,
        low_watermark=0,
        high_watermark=_MAX_CONNECTIONS,
        dial_timeout=dial_timeout,
        outbound_upgrade_timeout=dial_timeout,
        inbound_upgrade_timeout=dial_timeout,
        outbound_stream_protocol_negotiation_timeout=negotiate_timeout,
        inbound_stream_protocol_negotiation_timeout=negotiate_timeout,
        # py-libp2p's default ("best") opens new streams on the connection with the most
        # streams: after a peer restarts that is often its old, dead connection, still
        # holding the old pubsub streams (closes are not always noticed at once), and a
        # stream opened there hangs until the negotiation times out.
        load_balancing_strategy="least_loaded",
    )
    host = new_host(
        key_pair=key_pair,
        sec_opt={TProtocol(NOISE_PROTOCOL_ID): GatedNoise(key_pair, refuses=refuses)},
        muxer_opt={TProtocol(YAMUX_PROTOCOL_ID): Yamux},
        listen_addrs=[Multiaddr(address) for address in listen_addrs],
        enable_mDNS=False,  # p2p.mdns runs it, off trio's thread (see there)
        connection_config=connection_config,
        negotiate_timeout=max(1, int(negotiate_timeout)),
    )
    return cast(BasicHost, host)
