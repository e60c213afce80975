"""The sync runtime: moving a device's spaces between peers over `p2p` — the sync
service, reconciliation sessions, the gossip inbox, publishing own ops, the peer-session
records, the blob service and the sync status the status bar shows.

Owns: everything that runs while a device is online. Started and stopped by `app.core`.
"""
