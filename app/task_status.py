"""The type of trio's `task_status` argument, for functions started with `nursery.start`.

libp2p and multiaddr depend on `trio-typing`, whose `trio-stubs` (written for trio before
0.23) take precedence over trio's own inline types for mypy and have no
`trio.TaskStatus`; their `Nursery.start` expects trio-typing's. At run time it is
trio's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trio_typing import TaskStatus
else:
    from trio import TaskStatus

__all__ = ["TaskStatus"]
