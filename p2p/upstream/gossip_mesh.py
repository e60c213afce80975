"""Gossipsub's mesh holds still and nobody is left without gossip.

Owns: `SteadyMeshGossipSub`, the patch to py-libp2p 0.8.1's heartbeat (mesh upkeep and
IHAVE gossip). Runs in the router's heartbeat, on the host's trio run.
tests/p2p/test_gossip_mesh.py has the canary that names it.

Three of py-libp2p's heartbeat rules together could leave a peer with no gossip at all:

1. Opportunistic grafting runs at every heartbeat whenever the router has a scorer
   (it always does) and the mesh has at least `degree_low` peers (`gossipsub.py:1435`,
   `_perform_opportunistic_grafting` at 3048). It grafts up to two peers scoring at
   least the mesh's median; we score nobody (all weights 0), so every peer qualifies and
   every mesh grows by two a second until it passes `degree_high` and is pruned back.
   go-libp2p grafts opportunistically once a minute, and only when the mesh's median
   score is below a positive threshold: never, without scoring.
2. The heartbeat prunes without backing off the pruned peer (`mesh_heartbeat`, 1444),
   while the pruned peer backs off from us for `prune_back_off` (60 s). Our next
   heartbeat grafts it again; it refuses with a PRUNE (and extends its back-off), which
   backs us off from it. go-libp2p backs off on both sides (`prunePeer` in its heartbeat).
3. IHAVE gossip, which lets a peer outside the mesh pull what it missed, goes only to
   peers not backed off (`_handle_topic_heartbeat`, 1510). go-libp2p's `emitGossip`
   skips only the mesh.

With six peers, each second's grafts and prunes backed more pairs off from each other
for a minute, until a peer (or two, meshed only with each other) was backed off from all
the rest: an empty mesh, and no IHAVE either, so it received nothing and its publishes
reached nobody while its connections worked (the gossip "isolation" of the LAN test).
Here grafting happens only below `degree_low`, a peer we prune is backed off on our side
too, and IHAVE goes to subscribed peers outside the mesh (up to `D_lazy`, 6), backed off
or not: a peer left out of the mesh still gets every message within a heartbeat or two.
"""

from __future__ import annotations

from collections import defaultdict

from libp2p.peer.id import ID
from libp2p.pubsub.gossipsub import GossipSub


class SteadyMeshGossipSub(GossipSub):
    def _perform_opportunistic_grafting(
        self, topic: str, peers_to_graft: defaultdict[ID, list[str]]
    ) -> int:
        """Nothing: without scores every peer qualifies (see the module docstring)."""
        return 0

    def mesh_heartbeat(
        self,
    ) -> tuple[defaultdict[ID, list[str]], defaultdict[ID, list[str]]]:
        peers_to_graft, peers_to_prune = super().mesh_heartbeat()
        for peer, topics in peers_to_prune.items():
            for topic in topics:
                self._add_back_off(peer, topic, False)  # as the peer does for us
        return peers_to_graft, peers_to_prune

    def gossip_heartbeat(self) -> defaultdict[ID, dict[str, list[bytes]]]:
        """IHAVE for the recent messages of each topic, to peers outside its mesh (or
        fanout), backed off or not: py-libp2p skips the backed-off ones
        (`_handle_topic_heartbeat`, `gossipsub.py:1510`), which left a peer pruned by
        everyone without even gossip. go-libp2p's `emitGossip` skips only mesh peers."""
        peers_to_gossip: defaultdict[ID, dict[str, list[bytes]]] = defaultdict(dict)
        for topic, peers in self.mesh.items():
            self._gossip_outside(topic, peers, peers_to_gossip)
        for topic, peers in self.fanout.items():
            if topic not in self.mesh:
                self._gossip_outside(topic, peers, peers_to_gossip)
        return peers_to_gossip

    def _gossip_outside(
        self, topic: str, inside: set[ID], peers_to_gossip: defaultdict[ID, dict[str, list[bytes]]]
    ) -> None:
        subscribed = self.pubsub.peer_topics.get(topic) if self.pubsub is not None else None
        message_ids = self.mcache.window(topic)
        if not subscribed or not message_ids:
            return
        count = self._get_adaptive_gossip_peers_count(topic, len(subscribed) - len(inside))
        for peer in self._get_in_topic_gossipsub_peers_from_minus(topic, count, inside, False):
            peers_to_gossip[peer][topic] = list(message_ids)
