"""Our hosts speak Noise + yamux only: peers offering anything else never get a connection.

The hostile hosts are plain py-libp2p hosts on 127.0.0.1 built with other security or
muxer choices, the way an old or careless client (or an eavesdropper's) would be.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
import trio
from libp2p import new_host
from libp2p.abc import IHost
from libp2p.crypto.keys import KeyPair
from libp2p.crypto.x25519 import create_new_key_pair as create_x25519_key_pair
from libp2p.custom_types import TMuxerOptions, TProtocol, TSecurityOptions
from libp2p.network.exceptions import SwarmException
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.security import secio
from libp2p.security.insecure.transport import PLAINTEXT_PROTOCOL_ID, InsecureTransport
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_PROTOCOL_ID
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.security.tls.transport import PROTOCOL_ID as TLS_PROTOCOL_ID
from libp2p.security.tls.transport import TLSTransport
from libp2p.stream_muxer.mplex.mplex import MPLEX_PROTOCOL_ID, Mplex
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_PROTOCOL_ID
from libp2p.stream_muxer.yamux.yamux import Yamux
from multiaddr import Multiaddr

from p2p.errors import DialFailed
from p2p.events import PeerEventKind
from p2p.host import Libp2pHost, Libp2pNetwork
from p2p.identity import key_pair_from_seed
from tests.p2p.conftest import DEADLINE, LOOPBACK, device_seed, loopback_config

YAMUX_ONLY: TMuxerOptions = {TProtocol(YAMUX_PROTOCOL_ID): Yamux}


def plaintext(key_pair: KeyPair) -> TSecurityOptions:
    return {TProtocol(PLAINTEXT_PROTOCOL_ID): InsecureTransport(key_pair)}


def secio_only(key_pair: KeyPair) -> TSecurityOptions:
    return {TProtocol(secio.transport.ID): secio.transport.Transport(key_pair)}


def tls_only(key_pair: KeyPair) -> TSecurityOptions:
    return {TProtocol(TLS_PROTOCOL_ID): TLSTransport(key_pair)}


def noise(key_pair: KeyPair) -> TSecurityOptions:
    return {
        TProtocol(NOISE_PROTOCOL_ID): NoiseTransport(
            key_pair, noise_privkey=create_x25519_key_pair().private_key
        )
    }


HOSTILE_STACKS = {
    "plaintext": (plaintext, YAMUX_ONLY),
    "secio": (secio_only, YAMUX_ONLY),
    "tls": (tls_only, YAMUX_ONLY),
    "noise-with-mplex-only": (noise, {TProtocol(MPLEX_PROTOCOL_ID): Mplex}),
}


@asynccontextmanager
async def hostile_host(
    security: Callable[[KeyPair], TSecurityOptions], muxers: TMuxerOptions
) -> AsyncIterator[IHost]:
    key_pair = key_pair_from_seed(device_seed("hostile"))
    host = new_host(key_pair=key_pair, sec_opt=security(key_pair), muxer_opt=muxers)
    async with host.run([Multiaddr(address) for address in LOOPBACK]):
        yield host


@asynccontextmanager
async def our_host() -> AsyncIterator[Libp2pHost]:
    async with Libp2pNetwork().open_host(device_seed("ours"), loopback_config()) as host:
        yield host


@pytest.mark.parametrize("stack", sorted(HOSTILE_STACKS))
async def test_a_peer_without_noise_and_yamux_cannot_connect_to_us(stack: str):
    security, muxers = HOSTILE_STACKS[stack]
    async with our_host() as ours, hostile_host(security, muxers) as hostile:
        events = ours.peer_events()
        ours_info = info_from_p2p_addr(Multiaddr(ours.listen_addrs()[0]))
        with trio.fail_after(DEADLINE), pytest.raises(SwarmException):
            await hostile.connect(ours_info)
        assert ours.connected_peers() == frozenset()
        assert hostile.get_connected_peers() == []
        assert _no_connected_event(events)


@pytest.mark.parametrize("stack", sorted(HOSTILE_STACKS))
async def test_we_never_fall_back_when_dialing_such_a_peer(stack: str):
    security, muxers = HOSTILE_STACKS[stack]
    async with our_host() as ours, hostile_host(security, muxers) as hostile:
        address = f"{hostile.get_transport_addrs()[0]}/p2p/{hostile.get_id()}"
        with trio.fail_after(DEADLINE), pytest.raises(DialFailed):
            await ours.connect(address)
        assert ours.connected_peers() == frozenset()


async def test_the_same_stack_from_plain_py_libp2p_does_connect():
    # The control case: without it the tests above could pass for the wrong reason.
    async with our_host() as ours, hostile_host(noise, YAMUX_ONLY) as friendly:
        events = ours.peer_events()
        await friendly.connect(info_from_p2p_addr(Multiaddr(ours.listen_addrs()[0])))
        with trio.fail_after(DEADLINE):
            async for event in events:
                if event.kind is PeerEventKind.CONNECTED:
                    break
        assert {str(peer) for peer in ours.connected_peers()} == {friendly.get_id().to_base58()}


def _no_connected_event(events: trio.MemoryReceiveChannel) -> bool:
    while True:
        try:
            event = events.receive_nowait()
        except trio.WouldBlock:
            return True
        if event.kind is PeerEventKind.CONNECTED:
            return False
