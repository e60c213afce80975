"""The desktop client's non-Qt modules, imported before PySide6 is.

Once PySide6 is loaded, its import hook (`__feature__`) looks into every module imported
after it; importing trio and the app/sync modules first took ~120 ms off a ~650 ms
start on the startup bench's machine (median of five, `-X importtime` shows the hook).
`python -m ui` (and bench/startup.py's client) import this first; forgetting a module
here costs only that module's share of the hook.

Imports only; no Qt.
"""

from __future__ import annotations

import trio  # noqa: F401

from app import (  # noqa: F401
    commands,
    database,
    discussion,
    helpdesk,
    identity,
    membership,
    notes,
    paths,
    resources,
    unread,
)
from sync import changes, ids, policy  # noqa: F401
