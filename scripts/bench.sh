#!/usr/bin/env bash
# Runs the read benchmarks that docs/benchmarks.md records: through the real pcscd +
# vpcd stack (vpcd slot 0 must be free), in process against the virtual card, and TLV
# decoding. Figures are medians and ratios computed inside each benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
export OMSDESK_REQUIRE_PCSC=1
set -x
go test -run '^$' -bench 'PCSC(SelectFloor|Read|ConnectAndRead)$' -benchtime 300x ./cardio/probe
go test -run '^$' -bench 'PCSCInsertToPolicy' -benchtime 30x ./cardio/probe
go test -run '^$' -bench 'ReadInProcess' -benchmem ./cardio/omscard
go test -run '^$' -bench 'Decode|Baseline' -benchmem ./cardio/tlv ./cardio/policy
go test -run '^$' -bench . -benchtime 2s ./cardio/gost/streebog
go test -run '^$' -bench . ./cardio/gost/gost94
go test -run '^$' -bench 'Verify256|Verify512' ./cardio/gost/gostsig
go test -run '^$' -bench 'VerifyCard|DecodeOnly' -benchmem ./cardio/verify
