"""Numbered SQL schema files, applied in order by `sync.store`."""
