"""Canaries for every py-libp2p patch (p2p/upstream): each fails, naming the patch, when
a symbol it overrides, copies or rebinds is gone or its source changed."""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import inspect

import pytest

from p2p.upstream import PATCHED_AGAINST, PATCHES, Patch


def fingerprint(target: str) -> str:
    """SHA-256 of the source of `module:qualname` (`module:` for the whole module); a
    module global our patch has rebound is unwrapped to py-libp2p's own function."""
    module_name, _, qualname = target.partition(":")
    found: object = importlib.import_module(module_name)
    for part in filter(None, qualname.split(".")):
        found = getattr(found, part)
    found = inspect.unwrap(found)  # type: ignore[arg-type]
    return hashlib.sha256(inspect.getsource(found).encode()).hexdigest()  # type: ignore[arg-type]


@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.name)
def test_every_symbol_a_patch_touches_is_as_it_was_written_against(patch: Patch) -> None:
    moved = []
    for target, recorded in patch.touches.items():
        try:
            now = fingerprint(target)
        except (ImportError, AttributeError, OSError, TypeError) as error:
            moved.append(f"{target} is gone ({error})")
            continue
        if now != recorded:
            moved.append(f"{target} changed (sha256 {now[:12]}…, recorded {recorded[:12]}…)")
    assert not moved, (
        f"py-libp2p moved what the patch p2p/upstream/{patch.name}.py relies on "
        f"(written against {PATCHED_AGAINST}, installed {importlib.metadata.version('libp2p')}): "
        + "; ".join(moved)
        + f". Re-read the change, re-check the patch (docs/upstream.md, '{patch.name}'), then"
        " update its fingerprints in p2p/upstream/__init__.py, or drop it if upstream fixed it."
    )


def test_the_registry_names_every_module_of_the_package_and_only_those() -> None:
    import pkgutil

    import p2p.upstream

    modules = {info.name for info in pkgutil.iter_modules(p2p.upstream.__path__)}
    assert modules == {patch.name for patch in PATCHES}


def test_a_changed_symbol_is_caught() -> None:
    """The canary itself can fail: a fingerprint of other source does not match."""
    target = next(iter(PATCHES[0].touches))
    assert fingerprint(target) == PATCHES[0].touches[target]
    assert fingerprint("libp2p.pubsub.pubsub:Pubsub.subscribe") != PATCHES[0].touches[target]
