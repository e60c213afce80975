"""Pure sync core: op format, signing, encryption, authority, reducers, store, reconciliation.

No Qt, no trio, no libp2p, no clock and no randomness live here: time and fresh keys
are passed in by the caller, so every function is a deterministic function of its inputs.
"""
