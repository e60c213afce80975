"""`sync.store` registers its bytes adapter (a shortcut through sqlite3's adapter lookup)
when a `Store` opens, not on import: importing the pure core changes nothing in the
process's sqlite3. Checked in a fresh interpreter, since this one has opened stores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sqlite3, sys
registered = lambda: (bytes, sqlite3.PrepareProtocol) in sqlite3.adapters
before = registered()
import sync.store
after_import = registered()
store = sync.store.Store(sys.argv[1])
after_open = registered()
value = bytes(range(256)) + b"\\x00 end"
with store.transaction() as db:
    db.execute("CREATE TABLE probe (value BLOB)")
    db.execute("INSERT INTO probe VALUES (?)", (value,))
(stored,) = store.connection.execute("SELECT value FROM probe").fetchone()
print(json.dumps({
    "before": before, "after_import": after_import, "after_open": after_open,
    "same_bytes": stored == value and type(stored) is bytes,
    "typeof": store.connection.execute("SELECT typeof(value) FROM probe").fetchone()[0],
}))
"""


def test_importing_the_store_registers_no_adapter_and_an_open_store_stores_bytes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "probe.sqlite")],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(result.stdout)
    assert seen == {
        "before": False,
        "after_import": False,  # the pure core's import leaves sqlite3 as it was
        "after_open": True,
        "same_bytes": True,
        "typeof": "blob",
    }
