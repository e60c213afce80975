"""The per-feature services: what a person can do and see, as the desktop client and the
CLI both call it — commands (intents turned into signed ops), the help desk, notes,
discussion, the resource library, unread counts, lookups and the first-paint glance.

Owns: the feature slices' app side. Reads and writes go through `sync`; nothing here
moves bytes between devices (that is `app.network`).
"""
