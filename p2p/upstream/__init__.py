"""Every patch of py-libp2p's internals, in one package, each with a canary.

Owns: the patches (one module each) and `PATCHES`, the registry of what each patch
overrides, copies or rebinds in py-libp2p, with a fingerprint (SHA-256 of the upstream
source) of every such symbol as it was when the patch was written against
`PATCHED_AGAINST`. tests/p2p/test_upstream_patches.py fails, naming the patch, when a
symbol is gone or its source changed: re-read the upstream change, re-check the patch
(docs/upstream.md has each one written up as a bug report), then update the fingerprint
— or drop the patch if upstream fixed the bug.

This module imports nothing from libp2p: `p2p/__init__.py` imports `deferred_imports`
from here before any libp2p import.

- `pubsub_streams`: our pubsub stream to a peer follows its newest connection.
- `pubsub_delivery`: delivery to our own queues, read-ahead, merged writes.
- `gossip_mesh`: a mesh that holds still and leaves nobody without gossip.
- `peer_records`: signed peer records built and verified once, not per RPC.
- `deferred_imports`: httpx/requests (AutoTLS's imports) loaded only if used.
- `mdns_discovery`: mDNS discovery without a swarm, a trio task or a shared peerstore.
- `connection_socket`: the TCP socket under a connection, through its private layers.
- `auto_dialing`: the swarm's auto-connector stopped (dialing is the app's decision).
- `shared_connections`: a disconnect also closes a muxed connection two wrappers share.

No symbol appears in two patches (a canary checks): two patches of one symbol would
each be re-checked against the other's assumptions, or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

PATCHED_AGAINST = "0.8.1"


@dataclass(frozen=True)
class Patch:
    name: str  # the module in this package
    # "module:qualname" in py-libp2p ("module:" for a whole module) -> SHA-256 of its source
    touches: dict[str, str]


PATCHES: tuple[Patch, ...] = (
    Patch(
        "pubsub_streams",
        {
            "libp2p.pubsub.pubsub:Pubsub._handle_new_peer":
                "305ba4224e6151d750666fb7e2f43b1c58ed44d1b415409d05207065ffbcbc35",
            "libp2p.pubsub.pubsub:Pubsub._handle_dead_peer":
                "10026d998d3016b41e6046688b704668c2a9694f136f3847b55e112601f34805",
            "libp2p.pubsub.pubsub:Pubsub.handle_dead_peer_queue":
                "8071f96dbabdc7c8d76081f6dbf7ac6cc96f0d641d386c9c1abfc69e7d449a72",
            "libp2p.pubsub.pubsub:Pubsub.handle_subscription":
                "c200deee0f0a965c8e810ffe7839bb8a0a222324b3e904cc4993aaec508fd82c",
            "libp2p.pubsub.pubsub:Pubsub.write_msg":
                "ee86b14b4181affff4619c2521cdebaf4d07b03df39ff46d006579c265b5e218",
        },
    ),
    Patch(
        "pubsub_delivery",
        {
            "libp2p.pubsub.pubsub:Pubsub.notify_subscriptions":
                "2fb1385e4bbf3c0ae72a376e0209b6f0baa0fe4e7ecb403b64822f19cee5f4a1",
            "libp2p.pubsub.pubsub:Pubsub.continuously_read_stream":
                "ac0c4ad87ca39288d70fcc5a58a842613bc8c47f32c171995a5775bc83fa4430",
            "libp2p.pubsub.pubsub:Pubsub.handle_sending_messages":
                "4eb0b978f9c4b1420cc6bd70e26726d25e3a369c43597983cbca95ae1fd9ea2c",
        },
    ),
    Patch(
        "gossip_mesh",
        {
            "libp2p.pubsub.gossipsub:GossipSub._perform_opportunistic_grafting":
                "9450ce094dbedc9a9b8025934e8765c58d88e7df3a4f5c91bb641d2e4689d39a",
            "libp2p.pubsub.gossipsub:GossipSub.mesh_heartbeat":
                "57f36f0ee54dd461a780c5c46176e6405f64bd8a27d6accc365485e13d05b04c",
            "libp2p.pubsub.gossipsub:GossipSub.gossip_heartbeat":
                "ee20b04ca5bda2c187ac8fb33d1b1bfb2d4d4a090f7dca08865578f5661c95fb",
            "libp2p.pubsub.gossipsub:GossipSub._handle_topic_heartbeat":
                "855f5c363146b724363b392f484ec27ab20dfa4586d83ef5e77ecb872b63b0f8",
            "libp2p.pubsub.gossipsub:GossipSub._add_back_off":
                "72076b56bb3004a0acebd55ded0caca199b76167832b0129bb84c75ada0ed658",
            "libp2p.pubsub.gossipsub:GossipSub._get_in_topic_gossipsub_peers_from_minus":
                "f9835d207efc4550488844d59b5ee5be88cf47cbd1909a750b9c3bba62604287",
        },
    ),
    Patch(
        "peer_records",
        {
            "libp2p.pubsub.pubsub:maybe_consume_signed_record":
                "11b2181c27d75df4753635abc3ee3c7e9adaf6a0dd7829d8e6c416f161ef0f8b",
            "libp2p.pubsub.pubsub:env_to_send_in_RPC":
                "9fea9d702c187d224bec58beb9b09961e93c863bcad8a94baa90a79a287fed36",
            "libp2p.pubsub.gossipsub:maybe_consume_signed_record":
                "11b2181c27d75df4753635abc3ee3c7e9adaf6a0dd7829d8e6c416f161ef0f8b",
            "libp2p.pubsub.gossipsub:env_to_send_in_RPC":
                "9fea9d702c187d224bec58beb9b09961e93c863bcad8a94baa90a79a287fed36",
        },
    ),
    Patch(
        "deferred_imports",
        {
            "libp2p.security.tls.autotls.acme:":
                "8d685cc27bf8895ab9ba090ed6a80eef37c900a0351cf32a55f432c04e3ac9aa",
            "libp2p.security.tls.autotls.broker:":
                "dea5733d96b02c26abffbd1d677408d5bb74510df881949336bbc6e3466f22aa",
        },
    ),
    Patch(
        "mdns_discovery",
        {
            "libp2p.discovery.mdns.mdns:MDNSDiscovery.__init__":
                "8abb9ca67b1ac7f3d9e147de13ed2a13d27cbdf90453ab5ff4e813317e48be2a",
            "libp2p.discovery.mdns.mdns:MDNSDiscovery.start":
                "ee58cdb131cccb3a057c27f45c2ebbeb6b46ee2dad0dbdcaf62ca04e7cd0e053",
            "libp2p.discovery.mdns.mdns:MDNSDiscovery.stop":
                "18bd704c6c087ec98613066b7d998ebfd1611cdcf806ca2578f3304a66a42710",
            "libp2p.discovery.mdns.listener:PeerListener.add_service":
                "5accf62804148ee6615902c6e5924ba6fb4ef864e4b5eb1b853ecdc8087ed4fb",
            "libp2p.discovery.events.peerDiscovery:PeerDiscovery":
                "3c4ab0a568e6f498baa072c6801c4aa29ba9463cf9788b1b2e47dcaa5ccdf2ac",
        },
    ),
    Patch(
        "connection_socket",
        {
            "libp2p.stream_muxer.yamux.yamux:Yamux.__init__":
                "3b11a2a71ca444ca7b621d7deac2caa2254260af54e2cac958ce275cafbeb691",
            "libp2p.security.secure_session:SecureSession.__init__":
                "b076c07a6dc2251b01afb1dc64f9d04efb6239642ad7e984eeccc5a8a2a996b3",
            "libp2p.security.noise.io:BaseNoiseMsgReadWriter.__init__":
                "e6b51bace4fa3dda4a04e7367a9d40f2658344a4320ae477ff4a34afb6246d98",
            "libp2p.io.abc:EncryptedMsgReadWriter.__init__":
                "f7ae795aecc11c502f458dd81413b6cf5175a2cb7dc5ad3a4faccf8ea7f48ebe",
            "libp2p.network.connection.raw_connection:RawConnection.__init__":
                "89beb8adac60eaa6a3c9884225053b7d153cf51e64b739ea2684718de6da4552",
            "libp2p.io.trio:TrioTCPStream.__init__":
                "4222fa993846189e94274705f1aa866df0eae8b1b91998d7b237043f1e1d134c",
        },
    ),
    Patch(
        "auto_dialing",
        {
            "libp2p.network.auto_connector:AutoConnector.stop":
                "50e7cee7bbf6571d80c0fa37a3ff6df709a9fa8d34071c5d7ff5f1d330443240",
            "libp2p.network.auto_connector:AutoConnector.maybe_connect":
                "018fac95eafc2413f4d0e79fd048e93528191ee55afbd083c322b94e2caafab0",
            "libp2p.network.swarm:Swarm._schedule_auto_connect":
                "3fbd49fa201bce1e907731825968f689647908362bb08f5f32304deead626082",
        },
    ),
    Patch(
        "shared_connections",
        {
            "libp2p.network.swarm:Swarm.add_conn":
                "d469d71b3ed1f4dfb6f4aa100342da105e8c80b64e36404c874d6ac6cfaffe31",
            "libp2p.network.connection.swarm_connection:SwarmConn.close":
                "442c6259a8e9e45e4a833af75bf5811dcbafb0643a5e06f3d02e803034774ea5",
            "libp2p.network.connection.swarm_connection:SwarmConn._cleanup":
                "84470a285af6c28757e21c0d484034d9cbad88c1944715ebb79854beec420896",
        },
    ),
)
