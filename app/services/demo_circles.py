"""The demo circles a data directory has joined, so that a start on the real network
leaves them: the demo's classmates live in a throwaway folder and never come back, and
their circle would otherwise stay in the sidebar for good (one more per demo run).

`<data dir>/demo-circles.json` lists the circles a demo run joined. A start on the real
network (and the next demo run, before it joins a new one) leaves each of them that is
still current — a `member.leave` in a circle nobody else will ever read — and forgets
them. What the person wrote there stays on the device (`circle list --all`); My notes,
written during the demo or not, are untouched.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # the desktop's launcher reads the file before the first paint: keep it light
    from app.services.commands import Commands
    from sync.ids import SpaceId

FILE = "demo-circles.json"
log = logging.getLogger(__name__)


def remember(home: Path, space: SpaceId) -> None:
    known = recorded(home)
    if space not in known:
        (home / FILE).write_text(json.dumps([s.hex() for s in [*known, space]]))


def recorded(home: Path) -> list[SpaceId]:
    try:
        values = json.loads((home / FILE).read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        log.warning("%s is unreadable; ignoring it", home / FILE)
        return []
    found: list[bytes] = []
    for value in values if isinstance(values, list) else []:
        try:
            found.append(bytes.fromhex(value))
        except (TypeError, ValueError):
            continue
    return cast("list[SpaceId]", found)


async def leave_demo_circles(commands: Commands, home: Path) -> list[SpaceId]:
    """Leave every demo circle this data directory joined and is still in; forget them all.
    Returns those left."""
    from app.errors import CommandError
    from app.services.membership import current_circles

    spaces = recorded(home)
    if not spaces:
        return []
    current = await current_circles(commands)
    left = []
    for space in spaces:
        if space not in current:
            continue
        try:
            await commands.leave(space)
        except CommandError as error:  # e.g. this device owns it: it was never a demo's
            log.warning("not leaving recorded demo circle %s: %s", space.hex()[:12], error)
            continue
        left.append(space)
    (home / FILE).unlink(missing_ok=True)
    return left
