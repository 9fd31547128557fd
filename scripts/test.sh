#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, formatting, vet, and every test —
# end-to-end tests included, through the real pcscd with vsmartcard's vpcd and the
# virtual OMS card, a smoke test of the GUI binary under Xvfb, printing through a real
# CUPS server, signing in a SoftHSM2 token, and the oracle tests against OpenSSL,
# zbarimg, sqlite3 and Debian's GOST tools (they fail, rather than skip, when pcscd or a
# tool is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# CUPS with the cups-pdf printer OMSDesk-PDF, for the printing tests (no systemd in CI).
bash scripts/cups-setup.sh >/dev/null

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...
# The desktop application for real: a window under Xvfb, a card through pcscd, OCR.
bash scripts/gui-smoke.sh
OMSDESK_REQUIRE_PCSC=1 OMSDESK_REQUIRE_TOOLS=1 go test -count=1 -timeout 30m ./...
