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


def _covers(outer: str, inner: str) -> bool:
    """`outer` is `inner` or contains it (its module, or a class of its method)."""
    outer_module, _, outer_name = outer.partition(":")
    inner_module, _, inner_name = inner.partition(":")
    if outer_module != inner_module:
        return False
    return not outer_name or inner_name == outer_name or inner_name.startswith(outer_name + ".")


def shared_symbols(patches: tuple[Patch, ...]) -> list[str]:
    """Every symbol (or a symbol inside one) that two different patches touch."""
    shared = []
    for index, first in enumerate(patches):
        for second in patches[index + 1 :]:
            for a in first.touches:
                for b in second.touches:
                    if _covers(a, b) or _covers(b, a):
                        shared.append(f"{a} ({first.name}) and {b} ({second.name})")
    return shared


def test_no_two_patches_touch_the_same_symbol() -> None:
    """Two patches of one symbol would each be re-checked against only its own idea of
    it: merge them into one patch, or make one stop relying on the symbol."""
    assert not shared_symbols(PATCHES)


def test_the_overlap_canary_can_fail() -> None:
    method = "libp2p.pubsub.pubsub:Pubsub.write_msg"
    assert shared_symbols((Patch("a", {method: ""}), Patch("b", {method: ""})))
    assert shared_symbols((Patch("a", {"libp2p.pubsub.pubsub:Pubsub": ""}), Patch("b", {method: ""})))
    assert shared_symbols((Patch("a", {"libp2p.pubsub.pubsub:": ""}), Patch("b", {method: ""})))
    # A name that only starts like another is a different symbol.
    assert not shared_symbols(
        (Patch("a", {"libp2p.pubsub.pubsub:Pubsub.write": ""}), Patch("b", {method: ""}))
    )
    assert not shared_symbols(
        (Patch("a", {"libp2p.pubsub.gossipsub:env_to_send_in_RPC": ""}),
         Patch("b", {"libp2p.pubsub.pubsub:env_to_send_in_RPC": ""}))
    )
