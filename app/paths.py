"""Where a device's files live: `--home DIR`, else $STUDYCIRCLE_HOME, else the platform's
per-user data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "STUDYCIRCLE_HOME"


def data_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME]).expanduser()
    import platformdirs  # here, not above: the desktop's first paint needs only the paths

    return platformdirs.user_data_path("studycircle", appauthor=False)


def database_path(home: Path) -> Path:
    return home / "studycircle.sqlite"


def key_path(home: Path) -> Path:
    return home / "device.key"


def profile_path(home: Path) -> Path:
    return home / "profile.json"


def opened_files_path(home: Path) -> Path:
    """Where the desktop puts a copy of a circle's file to open it with another program."""
    return home / "opened"
