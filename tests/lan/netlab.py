"""A LAN of Linux network namespaces on a private bridge, for tests that need real multicast.

Owns the namespaces, veth pairs and bridges of one run, and the processes spawned in them.
Runs on the test's thread: every method shells out to iproute2 and returns when it is done.

Layout, with T the run's tag `<prefix>-<pid>-<random>` (unique per run, so parallel runs
never collide and a crashed run's leftovers are recognisable by their dead pid):

    T-sw    the switch: bridge br0 (plus br1.. while partitioned), port<i> for each host
    T-h<i>  host i: lo up, eth0 = 10.77.0.<i+1>/24, route 224.0.0.0/4 dev eth0

Every link is created directly inside these namespaces, never in the root namespace, so the
machine's own networking is not touched and 10.77.0.0/24 exists only on this private bridge.
Multicast crosses the bridge because IGMP snooping is off on it (mDNS needs that) and each
host routes 224.0.0.0/4 to its eth0.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import TracebackType
from typing import Any

NETWORK = ipaddress.IPv4Network("10.77.0.0/24")
MULTICAST = "224.0.0.0/4"
HOST_INTERFACE = "eth0"
DEFAULT_PREFIX = "sclan"
_STOP_GRACE_SECONDS = 3.0


class NetLabError(RuntimeError):
    """An iproute2 step failed; the message names the command and what it printed."""


@dataclass(frozen=True, slots=True)
class Host:
    index: int
    name: str  # the network namespace: `ip netns exec <name> ...`
    address: str  # IPv4 address of `interface`, inside NETWORK
    interface: str  # the host's side of its veth
    port: str  # the switch's side of its veth, inside the switch namespace


@cache
def ip_binary() -> str | None:
    """Path of iproute2's `ip`; sbin is often missing from a non-login PATH."""
    found = shutil.which("ip")
    if found:
        return found
    for candidate in ("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def ip(*args: str, netns: str | None = None, check: bool = True) -> str:
    """Run `ip [-n netns] args...` and return its stdout; raise NetLabError if it fails."""
    binary = ip_binary()
    if binary is None:
        raise NetLabError("iproute2's `ip` is not installed (tests/lan/ensure-deps.sh installs it)")
    argv = [binary, *(["-n", netns] if netns else []), *args]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30)
    if check and done.returncode != 0:
        command = " ".join(argv[1:])
        raise NetLabError(f"`ip {command}` failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def list_namespaces() -> list[str]:
    """Names of all named network namespaces (`ip netns list`)."""
    out = ip("-j", "netns", "list").strip()
    return [entry["name"] for entry in json.loads(out)] if out else []


def unavailable_reason(prefix: str = DEFAULT_PREFIX) -> str | None:
    """Why a NetLab cannot be built here, naming what is missing; None if it can."""
    if not sys.platform.startswith("linux"):
        return f"needs Linux network namespaces; this is {sys.platform}"
    if os.geteuid() != 0:
        return (
            f"needs root to create network namespaces (running as uid {os.geteuid()}); "
            "run e.g. `sudo .venv/bin/python -m pytest tests/lan`"
        )
    if ip_binary() is None:
        return "iproute2's `ip` is not installed; as root, run tests/lan/ensure-deps.sh"
    trial = f"{prefix}-{os.getpid()}-{secrets.token_hex(2)}-check"
    try:
        ip("netns", "add", trial)
    except NetLabError as error:
        return f"cannot create a network namespace (unprivileged container?): {error}"
    try:
        ip("link", "add", "br0", "type", "bridge", netns=trial)
        ip("link", "add", "a0", "type", "veth", "peer", "name", "b0", netns=trial)
    except NetLabError as error:
        return f"cannot create a bridge or veth pair (kernel modules bridge/veth?): {error}"
    finally:
        ip("netns", "del", trial, check=False)
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_namespace_processes(netns: str) -> None:
    """SIGKILL whatever still runs in `netns`, so deleting it really frees it."""
    for word in ip("netns", "pids", netns, check=False).split():
        pid = int(word)
        if pid != os.getpid():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def remove_stale(prefix: str = DEFAULT_PREFIX) -> list[str]:
    """Delete namespaces left by crashed runs: those named `<prefix>-<pid>-...` whose pid is
    gone. Namespaces of live runs (parallel ones included) are kept. Returns what was removed.
    """
    removed = []
    for name in list_namespaces():
        match = re.fullmatch(rf"{re.escape(prefix)}-(\d+)-.+", name)
        if match and not _pid_alive(int(match.group(1))):
            _kill_namespace_processes(name)
            ip("netns", "del", name, check=False)
            removed.append(name)
    return removed


class NetLab:
    """`n_hosts` namespaces on one bridge; see the module docstring for the layout.

    `with NetLab(n_hosts=6) as lab:` builds it (after removing a crashed run's leftovers) and
    tears everything down on exit, also when the body raised.
    """

    def __init__(self, n_hosts: int = 6, *, prefix: str = DEFAULT_PREFIX) -> None:
        if not 1 <= n_hosts <= NETWORK.num_addresses - 3:
            raise ValueError(f"n_hosts must be between 1 and {NETWORK.num_addresses - 3}")
        if not re.fullmatch(r"[a-z][a-z0-9]{0,11}", prefix):
            raise ValueError(f"prefix must be a short lowercase word without '-', not {prefix!r}")
        self.prefix = prefix
        self.tag = f"{prefix}-{os.getpid()}-{secrets.token_hex(2)}"
        self.switch = f"{self.tag}-sw"
        addresses = list(NETWORK.hosts())
        self.hosts = [
            Host(
                index=i,
                name=f"{self.tag}-h{i}",
                address=str(addresses[i]),
                interface=HOST_INTERFACE,
                port=f"port{i}",
            )
            for i in range(n_hosts)
        ]
        self._created: list[str] = []  # namespaces, in creation order
        self._bridges = ["br0"]
        self._processes: list[subprocess.Popen[bytes]] = []
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> NetLab:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Build the LAN; if any step fails, undo what was built and re-raise."""
        remove_stale(self.prefix)
        try:
            self._build()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop spawned processes and delete every namespace of this run (idempotent).

        Deleting the veth pairs first makes them go at once; the kernel frees a deleted
        namespace's remaining devices (the bridges) asynchronously.
        """
        if self._closed:
            return
        self._closed = True
        for process in self._processes:
            self.stop(process)
        if self.switch in self._created:
            for host in self.hosts:
                ip("link", "del", host.port, netns=self.switch, check=False)
        failures = []
        for netns in reversed(self._created):
            _kill_namespace_processes(netns)
            try:
                ip("netns", "del", netns)
            except NetLabError as error:
                failures.append(str(error))
        self._created.clear()
        if failures:
            raise NetLabError("teardown left namespaces behind: " + "; ".join(failures))

    def _build(self) -> None:
        self._add_namespace(self.switch)
        self._add_bridge("br0")
        for host in self.hosts:
            self._add_namespace(host.name)
            ip("link", "set", "lo", "up", netns=host.name)
            peer = f"peer name {host.interface} netns {host.name}"
            ip(*f"link add {host.port} type veth {peer}".split(), netns=self.switch)
            ip(*f"link set {host.port} master br0 up".split(), netns=self.switch)
            cidr = f"{host.address}/{NETWORK.prefixlen}"
            ip(*f"addr add {cidr} dev {host.interface}".split(), netns=host.name)
            ip(*f"link set {host.interface} up".split(), netns=host.name)
            ip(*f"route add {MULTICAST} dev {host.interface}".split(), netns=host.name)
        self._check_multicast()

    def _add_namespace(self, netns: str) -> None:
        ip("netns", "add", netns)
        self._created.append(netns)

    def _add_bridge(self, bridge: str) -> None:
        # No IGMP snooping: with it the bridge forwards a group only to ports whose IGMP joins
        # it saw and still remembers, and no querier here refreshes them; flooding makes
        # delivery independent of IGMP timing. No STP: ports forward as soon as attached.
        settings = "mcast_snooping 0 stp_state 0"
        ip(*f"link add {bridge} type bridge {settings}".split(), netns=self.switch)
        ip("link", "set", bridge, "up", netns=self.switch)

    def _check_multicast(self) -> None:
        """Fail loudly now rather than as a mysterious discovery timeout later."""
        for bridge in self._bridges:
            shown = json.loads(ip("-j", "-d", "link", "show", bridge, netns=self.switch))
            settings: Mapping[str, Any] = shown[0]["linkinfo"]["info_data"]
            if settings.get("mcast_snooping") != 0:
                raise NetLabError(f"multicast snooping is still on for {bridge}: {settings}")
        for host in self.hosts:
            if not json.loads(ip("-j", "route", "show", MULTICAST, netns=host.name) or "[]"):
                raise NetLabError(f"{host.name} has no route for {MULTICAST}")

    # -- processes -------------------------------------------------------------------------

    def spawn(
        self,
        index: int,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        stdout: int | None = subprocess.PIPE,
        stderr: int | None = subprocess.STDOUT,
    ) -> subprocess.Popen[bytes]:
        """Start `argv` inside host `index`'s namespace; it is stopped at teardown.

        stderr goes to stdout by default so a crash's traceback shows up in the output a test
        reads (see json_lines.JsonLines). The child leads its own session, so stopping it
        also stops whatever it started.
        """
        binary = ip_binary()
        assert binary is not None  # the lab was built with it
        process = subprocess.Popen(
            [binary, "netns", "exec", self.hosts[index].name, *argv],
            env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        self._processes.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> int:
        """SIGTERM the process's session, SIGKILL it after a grace period; return its code."""
        # Once reaped, its pid may belong to someone else: signal only an unreaped child.
        if process.returncode is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, sig)
                try:
                    process.wait(timeout=_STOP_GRACE_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    continue
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        return process.wait()

    # -- links -----------------------------------------------------------------------------

    def link_down(self, index: int) -> None:
        """Unplug host `index`'s cable at the switch: it sees NO-CARRIER and reaches nobody,
        but keeps its address and routes, as a laptop does when Wi-Fi drops."""
        ip("link", "set", self.hosts[index].port, "down", netns=self.switch)

    def link_up(self, index: int) -> None:
        """Plug host `index`'s cable back in."""
        ip("link", "set", self.hosts[index].port, "up", netns=self.switch)

    def partition(self, *groups: Sequence[int]) -> None:
        """Split the LAN: each group gets its own bridge, so members of a group still reach
        each other but no one in another group. Every host must be in exactly one group.

        Taking ports down cannot do this: a downed port cuts its host off from everyone,
        including its own half.
        """
        members = sorted(i for group in groups for i in group)
        if len(groups) < 2 or members != list(range(len(self.hosts))):
            raise ValueError(
                f"partition needs two or more groups covering hosts 0..{len(self.hosts) - 1} "
                f"exactly once each; got {[list(group) for group in groups]}"
            )
        while len(self._bridges) < len(groups):
            bridge = f"br{len(self._bridges)}"
            self._add_bridge(bridge)
            self._bridges.append(bridge)
        self._check_multicast()
        for bridge, group in zip(self._bridges, groups, strict=False):
            for index in group:
                ip("link", "set", self.hosts[index].port, "master", bridge, netns=self.switch)

    def heal(self) -> None:
        """Make the LAN whole again: every port back on br0 and up (undoes link_down too)."""
        for host in self.hosts:
            ip("link", "set", host.port, "master", "br0", "up", netns=self.switch)
