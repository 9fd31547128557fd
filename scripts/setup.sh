#!/usr/bin/env bash
# Prepares a Debian 12 machine for OMS Desk: installs the system packages it builds and
# tests with, and starts the PC/SC daemon with vsmartcard's virtual reader driver.
# Safe to run again: it installs only what is missing and leaves a running pcscd alone.
# Needs root (or sudo). Go 1.26 must already be installed.
set -euo pipefail

PACKAGES=(
  pcscd libpcsclite-dev vsmartcard-vpcd pcsc-tools opensc     # PC/SC daemon, headers, virtual reader, scriptor, opensc-tool
  gcc libc6-dev pkg-config                                    # cgo (github.com/ebfe/scard)
  libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev     # Fyne (GLFW)
  libxinerama-dev libxi-dev libxxf86vm-dev
  xvfb xauth x11-utils xdotool imagemagick                    # GUI smoke test under Xvfb, screenshots
  procps ca-certificates
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
fi

if ! command -v go >/dev/null; then
  echo "setup: Go 1.26 is required (https://go.dev/dl/); it is not on PATH" >&2
  exit 1
fi

# pcscd: no systemd on CI machines, so start it by hand when it is not running. A stale
# pid file whose process is not pcscd makes a new pcscd refuse to start.
socket=/run/pcscd/pcscd.comm
if pgrep -x pcscd >/dev/null; then
  echo "setup: pcscd is running"
elif command -v systemctl >/dev/null && systemctl is-active --quiet pcscd.socket 2>/dev/null; then
  echo "setup: pcscd is socket-activated by systemd"
else
  as_root rm -f /run/pcscd/pcscd.pid "$socket"
  as_root mkdir -p /run/pcscd
  as_root setsid pcscd --foreground >/tmp/omsdesk-pcscd.log 2>&1 < /dev/null &
  for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
  [ -S "$socket" ] || { echo "setup: pcscd did not start; see /tmp/omsdesk-pcscd.log" >&2; exit 1; }
  echo "setup: pcscd started"
fi
