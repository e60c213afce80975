#!/bin/sh
# Installs what tests/lan needs beyond Python: iproute2's `ip` (Debian package iproute2).
# Does nothing, quietly, when `ip` is already there or when not root (tests/lan then skips
# with the reason). Idempotent; called from `make test`.
set -eu

have_ip() {
    command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ]
}

have_ip && exit 0
[ "$(id -u)" -eq 0 ] || exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "tests/lan/ensure-deps.sh: \`ip\` is missing and there is no apt-get;" \
        "install iproute2 yourself or tests/lan will skip." >&2
    exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A failed install must not stop `make test`: tests/lan then skips, saying `ip` is missing.
if DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        iproute2 >>"$log" 2>&1; then
    have_ip && exit 0
    echo "tests/lan/ensure-deps.sh: iproute2 is installed but \`ip\` is not on PATH;" \
        "tests/lan will skip." >&2
    exit 0
fi
echo "tests/lan/ensure-deps.sh: could not install iproute2; tests/lan will skip. apt said:" >&2
tail -n 5 "$log" >&2
exit 0
