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
# Issuance, registry and CSV (issue 3)
go test -run '^$' -bench 'PCSCIssue' -benchtime 50x ./cardio/issuance
go test -run '^$' -bench 'Parse100k' -benchtime 3x ./cardio/batch/register
go test -run '^$' -bench 'Import' -benchtime 3x -timeout 30m ./cardio/registry/sqlite
go test -run '^$' -bench 'Lookup' -benchtime 100000x -timeout 30m ./cardio/registry/sqlite
go test -run '^$' -bench 'Sign' -benchtime 2s ./cardio/signing
# Card faces, certificates and QR codes (issue 4), on one core
go test -run '^$' -bench . -benchtime 5x -cpu 1 ./layout/certificate
go test -run '^$' -bench . -benchtime 30x -cpu 1 ./layout/face
go test -run '^$' -bench . -cpu 1 ./layout/qr ./layout/qr/scan
