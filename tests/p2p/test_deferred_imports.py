"""The libraries py-libp2p's ACME client imports (httpx, requests) stay out of memory
while our hosts connect and talk over TCP + Noise + yamux, and load as usual for code
that does use them (`p2p.upstream.deferred_imports`).

Each check runs in a fresh interpreter: in this one, any other test may already have
imported the libraries for real.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HOSTS = """
import json, sys, trio
from p2p.upstream.deferred_imports import DeferredModule, is_loaded
from p2p.host import Libp2pNetwork
from p2p.inbound import serve_requests
from tests.p2p.conftest import DEADLINE, connected_pair, device_seed, loopback_config

async def main():
    network = Libp2pNetwork()
    opener = lambda name, config=None: network.open_host(device_seed(name), config or loopback_config())
    async with connected_pair(opener) as (a, b):
        async def upper(peer_id, request):
            return request.upper()
        b.set_stream_handler("/studycircle/test-upper/1.0.0", serve_requests(upper))
        with trio.fail_after(DEADLINE):
            answer = await a.request(b.peer_id, "/studycircle/test-upper/1.0.0", b"hello", timeout=DEADLINE)
    deferred = [n for n in ("httpx", "requests") if isinstance(sys.modules.get(n), DeferredModule)]
    names = ("httpx", "requests", "rich", "urllib3")
    print(json.dumps({
        "answer": answer.decode(),
        "imported_by_libp2p": deferred,
        "loaded": {n: is_loaded(n) for n in names},
    }))

trio.run(main)
"""

USE = """
import json, sys
import p2p  # installs the deferral
from p2p.upstream.deferred_imports import DeferredModule, is_loaded

import requests
seen = {"deferred_after_import": isinstance(requests, DeferredModule) and not is_loaded("requests")}
seen["status_ok"] = requests.codes.ok  # the first read loads the real library
seen["loaded_after_use"] = is_loaded("requests")
import requests.adapters  # imported by requests' own __init__ already: one module, run once
seen["one_adapters_module"] = sys.modules["requests.sessions"].HTTPAdapter is requests.adapters.HTTPAdapter

import httpx._client  # a submodule first: the package is loaded for real before it
seen["httpx_client_is_the_real_one"] = httpx.Client is sys.modules["httpx._client"].Client
from httpx import AsyncClient
seen["from_import"] = AsyncClient.__module__
print(json.dumps(seen))
"""


def run(script: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_hosts_connect_and_talk_without_loading_the_acme_client_libraries():
    seen = run(HOSTS)
    assert seen["answer"] == "HELLO"
    assert seen["imported_by_libp2p"] == ["httpx", "requests"]  # py-libp2p did import them
    assert seen["loaded"] == {"httpx": False, "requests": False, "rich": False, "urllib3": False}


def test_code_that_uses_a_deferred_library_gets_the_real_one():
    assert run(USE) == {
        "deferred_after_import": True,
        "status_ok": 200,
        "loaded_after_use": True,
        "one_adapters_module": True,
        "httpx_client_is_the_real_one": True,
        "from_import": "httpx",
    }
