#!/usr/bin/env bash
# Reads the built-in virtual OMS card and prints the policy: the main job, on embedded
# defaults, with no reader attached. Extra arguments go to `omsdesk read` (try --json,
# --trace, --lang en).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
go run ./cmd/omsdesk read --virtual "$@"
