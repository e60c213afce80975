"""The packaged desktop client's entry point (PyInstaller's script): `python -m ui`.

The verify pool's workers (app/worker_pool.py, started with `spawn`) run this same
executable; `freeze_support()` sends them to their work instead of to the window.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from ui.__main__ import main

    sys.exit(main())
