"""A guard against a reference-counting bug in PySide6 6.12.0: every `Signal.emit()`
called from Python drops one reference to `True` (the bool it returns is not
incref'd). On Python 3.11, where `True` is not immortal, the count reaches zero after
a few thousand emits and the process aborts with "bool_dealloc: deallocating True or
False" — the first release crashed this way opening a circle of 50,000 ops. 6.11.3
does not have the bug (checked with the same probe).

`emit(signal, *args)` is how ui emits: it measures the loss once (a private signal,
emitted a few times) and gives the references back, so it is a no-op on a fixed
PySide6. Any thread (the GIL is held).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    ping = Signal()


def _measure_loss(times: int = 16) -> tuple[int, int]:
    """References to (True, False) lost per emit: (1, 0) on PySide6 6.12.0, else (0, 0)."""
    probe = _Probe()
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(times):
        probe.ping.emit()
    after = sys.getrefcount(True), sys.getrefcount(False)
    lost = tuple(max(0, round((b - a) / times)) for b, a in zip(before, after, strict=True))
    for value, count in zip((True, False), lost, strict=True):
        for _ in range(count * times):  # give back what the probe took
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))
    return lost[0], lost[1]


LOST_TRUE, LOST_FALSE = _measure_loss()


def emit(signal: SignalInstance, *args: Any) -> None:
    signal.emit(*args)
    for _ in range(LOST_TRUE):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    for _ in range(LOST_FALSE):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(False))
