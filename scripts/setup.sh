#!/usr/bin/env bash
# Prepares a Debian 12 machine for OMS Desk: installs the system packages of
# scripts/debian-packages.txt that are missing, and starts the PC/SC daemon with
# vsmartcard's virtual reader driver. Safe to run again: it installs only what is
# missing and leaves a running pcscd alone unless the driver was just installed.
# Needs root (or sudo). Go 1.26 must already be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

mapfile -t packages < <(grep -v '^\s*\(#\|$\)' scripts/debian-packages.txt)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
restart_pcscd=false
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # A pcscd that was running before the vpcd driver arrived does not know its readers.
  case " ${missing[*]} " in *" vsmartcard-vpcd "*) restart_pcscd=true ;; esac
fi

if ! command -v go >/dev/null; then
  echo "setup: Go 1.26 is required (https://go.dev/dl/); it is not on PATH" >&2
  exit 1
fi

# pcscd: CI machines have no systemd, so start it by hand when it is not running. A
# stale pid file whose process is not pcscd makes a new pcscd refuse to start.
socket=/run/pcscd/pcscd.comm
if command -v systemctl >/dev/null && systemctl is-active --quiet pcscd.socket 2>/dev/null; then
  if $restart_pcscd; then as_root systemctl restart pcscd.socket pcscd.service 2>/dev/null || true; fi
  echo "setup: pcscd is socket-activated by systemd"
  exit 0
fi
if pgrep -x pcscd >/dev/null && $restart_pcscd; then
  as_root pkill -x pcscd || true
  for _ in $(seq 50); do pgrep -x pcscd >/dev/null || break; sleep 0.1; done
fi
if pgrep -x pcscd >/dev/null; then
  echo "setup: pcscd is running"
  exit 0
fi
as_root rm -f /run/pcscd/pcscd.pid "$socket"
as_root mkdir -p /run/pcscd
as_root setsid pcscd --foreground >/tmp/omsdesk-pcscd.log 2>&1 < /dev/null &
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { echo "setup: pcscd did not start; see /tmp/omsdesk-pcscd.log" >&2; exit 1; }
echo "setup: pcscd started"
