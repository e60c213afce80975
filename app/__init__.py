"""StudyCircle's application layer, between the desktop client and the core (`sync`, `p2p`).

- `app.core`, `app.launch`, `app.demo`: the composition root — one device's core.
- `app.services`: the per-feature services the desktop client and the CLI call.
- `app.network`: the sync runtime that moves spaces between peers while online.
- `app.cli`: the `studycircle` command line, a client of the services like `ui`.
- Here too, what all of them share: the database limiter, identity files, paths, the
  clock, the person-facing error, the personal space, the verify pool, pause points.
"""
