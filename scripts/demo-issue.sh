#!/usr/bin/env bash
# The insurer office's job on embedded defaults: a blank virtual card goes into a reader
# (vsmartcard's vpcd behind pcscd), a holder is issued a policy on it — validated,
# written, read back, compared, closed, recorded in a fresh registry with a hash-chained
# journal — then read like any card, checked against the registry, and its face and
# certificate are drawn with signed QR codes and checked again from the pictures.
#
# Everything lives in a temporary directory; the signing key is a development PEM key
# (production keys live in a PKCS#11 token: docs/signing.md). Extra arguments go to
# every omsdesk command (try --lang en).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
work=$(mktemp -d)
trap 'kill $vcard 2>/dev/null || true; wait 2>/dev/null || true' EXIT
go build -o "$work/omsdesk" ./cmd/omsdesk
go build -o "$work/omsdesk-vcard" ./cmd/omsdesk-vcard
cd "$work"
reader="Virtual PCD 00 01"

echo "== a blank card in \"$reader\""
sleep infinity | ./omsdesk-vcard --blank --slot 1 --serial 89701000000000000042 >vcard.log 2>&1 &
vcard=$!
for _ in $(seq 50); do grep -q inserted vcard.log 2>/dev/null && break; sleep 0.1; done

echo "== a development signing key, a synthetic holder and photo"
export OMSDESK_KEY=$(./omsdesk key generate --subject "Пункт выдачи № 1 (демо)" --pem-dir key "$@" 2>/dev/null)
export OMSDESK_REGISTRY=$work/registry.db OMSDESK_ISSUER_PIN=12345678 OMSDESK_HOLDER_PIN=2468
cat >holder.json <<'JSON'
{"enp": "7700000000000081", "surname": "СЕМЁНОВА", "first_name": "АННА-МАРИЯ", "patronymic": "ПЕТРОВНА",
 "birth_date": "1990-04-12", "sex": "female", "snils": "112-233-445 95", "expiry": "", "expiry_unlimited": true,
 "birth_place": "Г. ТВЕРЬ", "issue_date": "", "citizenship": {"code": "RUS", "name": "РОССИЯ"}, "photo": null,
 "insurer": {"file_id": "", "ogrn": "1027700000008", "okato": "45000", "start": "2026-11-25", "end": "", "signature": null},
 "unknown_tags": [], "problems": []}
JSON
convert -size 360x480 plasma:fractal -blur 0x2 photo.jpg

echo "== issue"
./omsdesk issue --reader "$reader" --data holder.json --photo photo.jpg "$@"
echo "== read it back as a front desk would"
./omsdesk read --reader "$reader" "$@"
echo "== the technician's check, against the registry too"
./omsdesk verify --reader "$reader" --trust key --registry registry.db "$@" || true
echo "== card face and certificate with signed QR codes"
./omsdesk face --reader "$reader" -o face.pdf "$@" 2>/dev/null
./omsdesk face --reader "$reader" -o face.png "$@" 2>/dev/null
./omsdesk certificate --reader "$reader" -o certificate.pdf "$@" 2>/dev/null
./omsdesk verify-qr --trust key/dev-signing-cert.pem face-back.png "$@"
echo "== the registry and its journal"
./omsdesk status 7700000000000081 "$@"
./omsdesk journal verify "$@"
echo
echo "Files in $work: face.pdf face-front.png face-back.png certificate.pdf registry.db"
